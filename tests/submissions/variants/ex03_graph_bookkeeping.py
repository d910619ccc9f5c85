"""Realistic submissions of ex03_graph_bookkeeping: what each gets wrong, the edits to the source's solution that
make it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_accumulate_grad": 3, "test_edges": 4, "test_make_result": 4, "test_leaves": 3,
        "test_operations": 4, "test_leaves_reached": 3}

VARIANTS = {
    "new_accumulator_each_use": {
        "mistake": "grad_accumulator makes a new AccumulateGrad every time it is called, so a leaf used "
                   "twice ends two paths in two different nodes",
        "edits": [("accumulate_grad",
                   "    if leaf._grad_accumulator is None:\n"
                   "        leaf._grad_accumulator = AccumulateGrad(leaf)\n"
                   "    return leaf._grad_accumulator",
                   "    return AccumulateGrad(leaf)")],
        # Part 1: the node and its .variable are right, it is not reused (2 of 3); Part 5: names and
        # each operation's edges are right, graphs with a leaf used twice are not (2 of 4)
        "expected": {"test_accumulate_grad": 2, "test_operations": 2},
    },
    "skip_none_edges": {
        "mistake": "collect_next_edges leaves out the inputs that need no gradient instead of giving "
                   "them (None, 0), so entry k no longer belongs to input k",
        "edits": [("edges", "    return tuple(gradient_edge(t) for t in inputs)",
                   "    return tuple(gradient_edge(t) for t in inputs if t.requires_grad)")],
        # Part 2: gradient_edge is right (3 of 4); Part 5: only the names (1 of 4)
        "expected": {"test_edges": 3, "test_operations": 1},
    },
    "requires_grad_from_first_input": {
        "mistake": "make_result takes requires_grad from the first input only, so c * w with a constant c "
                   "records nothing",
        "edits": [("make_result", "    requires_grad = any(t.requires_grad for t in inputs)",
                   "    requires_grad = inputs[0].requires_grad")],
        # Part 3: the flag does not spread from later inputs (3 of 4); Part 5: only the names (1 of 4)
        "expected": {"test_make_result": 3, "test_operations": 1},
    },
    "grad_fn_without_grad": {
        "mistake": "make_result records a node for every result, also when no input requires grad, so "
                   "results of constants get a grad_fn and stop being leaves",
        "edits": [("make_result",
                   "    if not requires_grad:\n"
                   "        return Tensor(data)                 # nothing to record\n"
                   "    node = node_class(collect_next_edges(*inputs))\n"
                   "    return Tensor(data, requires_grad=True, grad_fn=node)",
                   "    node = node_class(collect_next_edges(*inputs))\n"
                   "    return Tensor(data, requires_grad=requires_grad, grad_fn=node)")],
        # Part 3: results of constants have a grad_fn (3 of 4); Part 5: only the names (1 of 4)
        "expected": {"test_make_result": 3, "test_operations": 1},
    },
    "leaf_means_no_grad": {
        "mistake": "is_leaf is taken to mean 'does not require grad', so a tensor made with "
                   "requires_grad=True is not a leaf and requires_grad_(False) refuses it",
        "edits": [("leaves", "    return t.grad_fn is None", "    return not t.requires_grad")],
        # Part 4: only the refusals come out right (1 of 3)
        "expected": {"test_leaves": 1},
    },
    "sub_as_add_neg": {
        "mistake": "a - b is built as a + (-b), two nodes (AddBackward0 and NegBackward0) where PyTorch "
                   "records one SubBackward0",
        "edits": [("operations", "    return make_result(a.data - b.data, (a, b), SubBackward0)",
                   "    return add(a, neg(b))")],
        "expected": {"test_operations": 0},
    },
    "leaf_per_use": {
        "mistake": "leaves_reached keeps no set of visited nodes, so a leaf reached along several paths is "
                   "listed once per path",
        "edits": [("leaves_reached", "            if next_node is not None and next_node not in visited:",
                   "            if next_node is not None:")],
        "expected": {"test_leaves_reached": 2},
    },
}
