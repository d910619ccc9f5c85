"""Realistic submissions of ex02_broadcasting: what each gets wrong, the edits to the source's solution that make
it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_unbroadcast": 4, "test_add_mul": 4, "test_div": 3, "test_matmul": 3,
        "test_accumulate": 3, "test_sum_mean": 4, "test_linear_mse": 4}

VARIANTS = {
    "unbroadcast_leading_only": {
        "mistake": "unbroadcast sums away the axes added on the left but not the stretched axes of "
                   "size 1, so shapes like (3, 1) or (1, m) get gradients of the wrong shape",
        "edits": [("unbroadcast",
                   "    for axis, size in enumerate(shape):\n"
                   "        if size == 1 and grad.shape[axis] != 1:\n"
                   "            grad = grad.sum(axis=axis, keepdims=True)\n", "")],
        # unbroadcast 2 of 4; add/mul only the same-shape tests; div and matmul lose their broadcast
        # test; mse: a (1, m) bias gets a misshapen gradient (value and weights still right)
        "expected": {"test_unbroadcast": 2, "test_add_mul": 2, "test_div": 2, "test_matmul": 2,
                     "test_linear_mse": 2},
    },
    "overwrite_grad": {
        "mistake": "accumulate_grad assigns leaf.grad = grad every time: a second backward pass "
                   "replaces the first, and two leaves handed the same array share it",
        "edits": [("accumulate",
                   "    if leaf.grad is None:\n"
                   "        leaf.grad = np.array(grad, dtype=float)    # a copy of our own\n"
                   "    else:\n"
                   "        leaf.grad += grad",
                   "    leaf.grad = grad")],
        "expected": {"test_accumulate": 1},
    },
    "no_copy": {
        "mistake": "accumulate_grad adds with += but stores the first gradient without copying it, "
                   "so two leaves can end up sharing (and both changing) one array",
        "edits": [("accumulate", "leaf.grad = np.array(grad, dtype=float)    # a copy of our own",
                   "leaf.grad = grad")],
        "expected": {"test_accumulate": 2},
    },
    "sum_no_expand": {
        "mistake": "reduce_sum's backward broadcasts the gradient without putting the summed axes "
                   "back first, which lines it up with the wrong axes (or fails) for keepdims=False",
        "edits": [("sum_mean",
                   "        if axis is not None and not keepdims:\n"
                   "            grad = np.expand_dims(grad, axis)      # the summed axes come back with size 1\n",
                   "")],
        # sums and means over all elements still work (2 of 4); the loss is a mean over everything
        "expected": {"test_sum_mean": 2},
    },
}
