"""Realistic submissions of ex09_training: what each gets wrong, the edits to the source's solution that make
it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_parameters": 4, "test_zero_grad": 2, "test_linear_init": 2, "test_linear_forward": 3,
        "test_sgd": 7, "test_model": 3, "test_train": 4}

VARIANTS = {
    "parameters_no_recursion": {
        "mistake": "parameters() lists the module's own Parameters but never looks inside sub-modules, so a "
                   "model built from Linear layers has no parameters for zero_grad and the optimizer",
        "edits": [("module",
                   "            for value in attributes:                # ... then each sub-module's, depth first\n"
                   "                if isinstance(value, Module):\n"
                   "                    visit(value)\n", "")],
        # only the flat module passes; zero_grad misses sub-modules' gradients; LogisticRegression has no
        # parameters, so train() changes nothing
        "expected": {"test_parameters": 1, "test_zero_grad": 0, "test_model": 2, "test_train": 0},
    },
    "parameters_duplicates": {
        "mistake": "parameters() recurses without remembering what it has found, so a Parameter or a "
                   "sub-module reachable along two paths is listed (and would be updated) twice",
        "edits": [("module",
                   "            if id(module) in seen_modules:\n"
                   "                return\n"
                   "            seen_modules.add(id(module))\n"
                   "            attributes = list(vars(module).values())\n"
                   "            for value in attributes:                # this module's own Parameters first ...\n"
                   "                if isinstance(value, Parameter) and id(value) not in seen_params:\n"
                   "                    seen_params.add(id(value))\n",
                   "            attributes = list(vars(module).values())\n"
                   "            for value in attributes:                # this module's own Parameters first ...\n"
                   "                if isinstance(value, Parameter):\n")],
        "expected": {"test_parameters": 3},
    },
    "weight_transposed": {
        "mistake": "Linear stores its weight as (in_features, out_features) and computes x @ weight, instead "
                   "of PyTorch's (out_features, in_features) and x @ weight.T",
        "edits": [("linear", "size=(out_features, in_features)", "size=(in_features, out_features)"),
                  ("linear", "out = x @ self.weight.T", "out = x @ self.weight")],
        # the initial values are within the right bounds; the grader's (out, in) weights do not fit, in the
        # layer or in the model; the model still trains from its own initialisation
        "expected": {"test_linear_init": 1, "test_linear_forward": 0, "test_model": 2, "test_train": 2},
    },
    "forward_with_numpy": {
        "mistake": "Linear's forward computes x @ weight.T + bias on the numpy arrays and wraps the result in "
                   "a new Tensor, so backward never reaches the weight and the bias",
        "edits": [("linear",
                   "        out = x @ self.weight.T\n"
                   "        if self.bias is not None:\n"
                   "            out = out + self.bias\n"
                   "        return out",
                   "        out = x.data @ self.weight.data.T\n"
                   "        if self.bias is not None:\n"
                   "            out = out + self.bias.data\n"
                   "        return Tensor(out)")],
        # the values are right; no gradient, so train()'s backward fails
        "expected": {"test_linear_forward": 1, "test_train": 0},
    },
    "momentum_average_from_zero": {
        "mistake": "SGD's momentum buffer starts at zero and averages, b = momentum * b + (1 - momentum) * g "
                   "(Adam's first moment), instead of PyTorch's b = g on the first step and "
                   "b = momentum * b + g after",
        "edits": [("sgd",
                   "                if self.buffers[i] is None:\n"
                   "                    self.buffers[i] = np.array(g, dtype=float)      # the first step: b = g\n"
                   "                else:\n"
                   "                    self.buffers[i] = self.momentum * self.buffers[i] + g\n",
                   "                if self.buffers[i] is None:\n"
                   "                    self.buffers[i] = np.zeros_like(g)\n"
                   "                self.buffers[i] = self.momentum * self.buffers[i] + (1 - self.momentum) * g\n")],
        # every momentum test fails; training takes steps ten times smaller: the loss goes down, but not
        # to 99% accuracy in 200 steps
        "expected": {"test_sgd": 3, "test_train": 1},
    },
    "weight_decay_after_momentum": {
        "mistake": "SGD adds weight_decay * p after the momentum buffer instead of to the gradient before it",
        "edits": [("sgd",
                   "            g = p.grad\n"
                   "            if self.weight_decay != 0:\n"
                   "                g = g + self.weight_decay * p.data\n"
                   "            if self.momentum != 0:\n",
                   "            g = p.grad\n"
                   "            if self.momentum != 0:\n"),
                  ("sgd",
                   "                g = self.buffers[i]\n",
                   "                g = self.buffers[i]\n"
                   "            if self.weight_decay != 0:\n"
                   "                g = g + self.weight_decay * p.data\n")],
        "expected": {"test_sgd": 6},
    },
    "no_zero_grad_in_train": {
        "mistake": "train() never clears the gradients, so every backward adds to all earlier gradients and "
                   "the steps keep growing",
        "edits": [("train", "        optimizer.zero_grad()\n", "")],
        "expected": {"test_train": 0},
    },
}
