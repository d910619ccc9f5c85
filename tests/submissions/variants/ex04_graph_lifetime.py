"""Realistic submissions of ex04_graph_lifetime: what each gets wrong, the edits to the source's solution that
make it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_saved_values": 4, "test_accumulate": 3, "test_backward": 5, "test_zero_grad": 3,
        "test_step_gradients": 3}

VARIANTS = {
    "free_before_use": {
        "mistake": "backward releases a node's saved values before calling its apply, so the node that "
                   "saved them can never use them and the first backward already fails",
        "edits": [("backward",
                   "        input_grads = node.apply(arrived.pop(node))\n"
                   "        if not retain_graph:\n"
                   "            release_variables(node)             # its saved values are used up\n",
                   "        if not retain_graph:\n"
                   "            release_variables(node)\n"
                   "        input_grads = node.apply(arrived.pop(node))\n")],
        # Part 3: only a graph that saved nothing still works (1 of 5); Part 5: every step's backward fails
        "expected": {"test_backward": 1, "test_step_gradients": 0},
    },
    "never_free": {
        "mistake": "backward never releases the saved values, so a graph keeps its memory and a second "
                   "backward silently walks it again",
        "edits": [("backward",
                   "        if not retain_graph:\n"
                   "            release_variables(node)             # its saved values are used up\n", "")],
        # Part 3: gradients, retain_graph and the graph without saved values are right (3 of 5)
        "expected": {"test_backward": 3},
    },
    "retain_graph_ignored": {
        "mistake": "backward releases the saved values whatever retain_graph says",
        "edits": [("backward",
                   "        if not retain_graph:\n"
                   "            release_variables(node)             # its saved values are used up\n",
                   "        release_variables(node)\n")],
        "expected": {"test_backward": 4},
    },
    "flag_only_release": {
        "mistake": "release_variables marks the node as released but keeps the arrays, so the error is "
                   "raised and no memory is ever freed",
        "edits": [("saved_values", "    node._saved = None          # the node no longer refers to the arrays\n", "")],
        "expected": {"test_saved_values": 3},
    },
    "assign_grad": {
        "mistake": "accumulate_grad assigns leaf.grad instead of adding to it, so a second backward pass "
                   "replaces the first one's gradient",
        "edits": [("accumulate",
                   "    if leaf.grad is None:\n"
                   "        leaf.grad = np.array(grad, dtype=float)     # a copy of its own\n"
                   "    else:\n"
                   "        leaf.grad += grad",
                   "    leaf.grad = np.array(grad, dtype=float)")],
        # Part 2: the first gradient and the copy are right (2 of 3); Part 3: retain_graph and walking a
        # graph again no longer add up (3 of 5)
        "expected": {"test_accumulate": 2, "test_backward": 3},
    },
    "zero_not_in_place": {
        "mistake": "zero_grad(set_to_none=False) puts a new array of zeros in .grad instead of zeroing the "
                   "existing one in place",
        "edits": [("zero_grad", "            t.grad.fill(0.0)", "            t.grad = np.zeros_like(t.grad)")],
        "expected": {"test_zero_grad": 2},
    },
    "retain_instead_of_detach": {
        "mistake": "the loop silences the second-backward error with retain_graph=True instead of "
                   "detaching the state, so every step backpropagates through all the earlier ones",
        "edits": [("step_gradients",
                   "        h = h.detach() * w + 1.0        # this step starts from h's numbers, not from its graph",
                   "        h = h * w + 1.0"),
                  ("step_gradients", "        loss.backward()", "        loss.backward(retain_graph=True)")],
        "expected": {"test_step_gradients": 1},
    },
}
