"""Realistic submissions of ex07_custom_functions: what each gets wrong, the edits to the source's solution that
make it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_ctx": 3, "test_backward_node": 3, "test_function_apply": 6, "test_my_relu": 3,
        "test_sigmoid": 3, "test_mul": 3, "test_gradcheck": 6}

VARIANTS = {
    "ctx_no_version_check": {
        "mistake": "save_for_backward keeps the tensors but saved_tensors never compares versions, so a tensor "
                   "changed in place after it was saved goes unnoticed",
        "edits": [("ctx",
                   "        for t, version in zip(self._saved, self._saved_versions):\n"
                   "            if t is not None and t._version != version:\n"
                   "                raise RuntimeError(\"one of the variables needed for gradient computation has been modified \"\n"
                   "                                   f\"by an inplace operation: it was saved at version {version} and is now at \"\n"
                   "                                   f\"version {t._version}\")\n", "")],
        "expected": {"test_ctx": 2},
    },
    "node_keeps_unneeded_grads": {
        "mistake": "BackwardFunction.apply returns whatever backward computed, also for inputs whose "
                   "needs_input_grad is False",
        "edits": [("backward_node",
                   "return tuple(g if needed else None for g, needed in zip(grads, self.needs_input_grad))",
                   "return grads")],
        # the graph still works: the engine sends nothing along an edge that leads nowhere
        "expected": {"test_backward_node": 2},
    },
    "apply_records_forward": {
        "mistake": "apply calls forward with grad mode on, so the operations inside forward record nodes of "
                   "their own (the result is still wrapped in the Function's node)",
        "edits": [("function_apply",
                   "        with no_grad():\n            result = cls.forward(ctx, *args)",
                   "        result = cls.forward(ctx, *args)")],
        "expected": {"test_function_apply": 5},
    },
    "relu_wrong_side": {
        "mistake": "MyReLU's backward lets the gradient through where the input was negative instead of positive",
        "edits": [("my_relu", "return grad_output * (input > 0)", "return grad_output * (input < 0)")],
        "expected": {"test_my_relu": 1},
    },
    "relu_changes_grad_output": {
        "mistake": "MyReLU's backward zeroes entries of grad_output in place and returns it: right numbers, "
                   "but the incoming gradient, which other nodes may share, is changed",
        "edits": [("my_relu", "        return grad_output * (input > 0)        # a new tensor: grad_output stays as it was",
                   "        grad_output.data[input.data <= 0] = 0.0\n        return grad_output")],
        "expected": {"test_my_relu": 2},
    },
    "sigmoid_saves_input": {
        "mistake": "Sigmoid saves its input instead of its output, so the backward computes x * (1 - x)",
        "edits": [("sigmoid", "ctx.save_for_backward(y)", "ctx.save_for_backward(x)")],
        "expected": {"test_sigmoid": 1},
    },
    "mul_ignores_needs_input_grad": {
        "mistake": "Mul's backward always computes both gradients, ignoring ctx.needs_input_grad",
        "edits": [("mul",
                   "        grad_a = grad_b = None\n"
                   "        if ctx.needs_input_grad[0]:\n"
                   "            grad_a = grad_output * b\n"
                   "        if ctx.needs_input_grad[1]:\n"
                   "            grad_b = grad_output * a\n"
                   "        return grad_a, grad_b",
                   "        return grad_output * b, grad_output * a")],
        "expected": {"test_mul": 2},
    },
    "gradcheck_one_sided": {
        "mistake": "gradcheck uses one-sided differences, (y(x + eps) - y(x)) / eps, whose error grows with eps",
        "edits": [("gradcheck", "                flat[j] = original - eps\n", "                flat[j] = original\n"),
                  ("gradcheck", "(above - below) / (2 * eps)", "(above - below) / eps")],
        "expected": {"test_gradcheck": 5},
    },
    "gradcheck_atol_only": {
        "mistake": "gradcheck compares with atol alone and ignores rtol, which rejects correct backwards whose "
                   "derivatives are large",
        "edits": [("gradcheck", "> atol + rtol * np.abs(numerical)", "> atol")],
        "expected": {"test_gradcheck": 5},
    },
    "gradcheck_returns_false": {
        "mistake": "gradcheck returns False on a mismatch instead of raising GradcheckError",
        "edits": [("gradcheck",
                   "            raise GradcheckError(index, np.unravel_index(j, x.shape), numerical[i, j], "
                   "analytical[index][i, j])",
                   "            return False")],
        "expected": {"test_gradcheck": 3},
    },
}
