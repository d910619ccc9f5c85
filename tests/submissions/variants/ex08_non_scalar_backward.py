"""Realistic submissions of ex08_non_scalar_backward: what each gets wrong, the edits to the source's solution that
make it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_backward": 4, "test_formulas": 4, "test_jacobian": 3, "test_grad": 4, "test_hvp": 3}

VARIANTS = {
    "seed_sums_v": {
        "mistake": "make_seed replaces the gradient v by its sum in every place, so backward(y, v) weights every "
                   "output the same instead of by v_i",
        "edits": [("backward", "    return gradient\n",
                   "    return Tensor(np.full(output.shape, gradient.data.sum()))\n")],
        # backward: scalar outputs, the refusals and accumulation still right (3 of 4); jacobian: every one-hot row becomes
        # the gradient of the sum, right only for a scalar function (1 of 3); grad: only grad_outputs (3 of 4)
        "expected": {"test_backward": 3, "test_jacobian": 1, "test_grad": 3},
    },
    "sin_backward_numpy": {
        "mistake": "sin_backward computes cos(x) with numpy on x.data: right numbers, but nothing is recorded, so "
                   "second derivatives through sin are lost",
        "edits": [("formulas", "return grad * x.cos()", "return grad * Tensor(np.cos(x.data))")],
        "expected": {"test_formulas": 3, "test_hvp": 2},
    },
    "jacobian_columns": {
        "mistake": "jacobian stores each backward pass as a column instead of a row, which transposes the "
                   "Jacobian (and scrambles it when it is not square)",
        "edits": [("jacobian", "rows = np.zeros((y.data.size, leaf.data.size))",
                   "rows = np.zeros((leaf.data.size, y.data.size))"),
                  ("jacobian", "rows[i] = leaf.grad.data.reshape(-1)", "rows[:, i] = leaf.grad.data.reshape(-1)")],
        # a scalar function has one row, which is also its only column (1 of 3)
        "expected": {"test_jacobian": 1},
    },
    "jacobian_no_reset": {
        "mistake": "jacobian does not set leaf.grad = None before each backward pass, so row i holds the sum of "
                   "rows 0 to i",
        "edits": [("jacobian", "        leaf.grad = None\n", "")],
        "expected": {"test_jacobian": 1},
    },
    "grad_into_dot_grad": {
        "mistake": "grad calls backward, which accumulates into .grad, and returns the .grad of the inputs: "
                   "right numbers for fresh leaves, but .grad is changed and create_graph is ignored",
        "edits": [("grad",
                   "    seed = make_seed(outputs, grad_outputs)\n"
                   "    found = execute(outputs, seed, create_graph=create_graph)\n"
                   "    return tuple(found.get(x) for x in inputs)",
                   "    backward(outputs, grad_outputs)\n"
                   "    return tuple(x.grad for x in inputs)")],
        "expected": {"test_grad": 2, "test_hvp": 0},
    },
    "grad_ignores_create_graph": {
        "mistake": "grad always runs the backward pass without recording, so the gradients it returns have no "
                   "graph and cannot be differentiated again",
        "edits": [("grad", "execute(outputs, seed, create_graph=create_graph)", "execute(outputs, seed)")],
        "expected": {"test_grad": 3, "test_hvp": 0},
    },
}
