"""Realistic submissions of ex05_hooks: what each gets wrong, the edits to the source's solution that make it,
and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_handle": 3, "test_run_hooks": 3, "test_retain_grad": 2, "test_accumulate_grad": 3,
        "test_before_backward": 5, "test_reverse_gradient": 2, "test_capture_grads": 3}

VARIANTS = {
    "handle_ids_from_len": {
        "mistake": "handle ids are len(hooks) instead of a counter, so a hook registered after a remove gets "
                   "the id of a hook still there and overwrites it",
        "edits": [("handle",
                   "        self.id = RemovableHandle.next_id\n        RemovableHandle.next_id += 1\n",
                   "        self.id = len(hooks)\n")],
        "expected": {"test_handle": 2},
    },
    "remove_rebinds": {
        "mistake": "handle.remove() builds a new dict without the hook and rebinds its own attribute, so the "
                   "tensor keeps every hook",
        "edits": [("handle",
                   "        if self.id in self.hooks:\n            del self.hooks[self.id]",
                   "        self.hooks = {k: v for k, v in self.hooks.items() if k != self.id}")],
        "expected": {"test_handle": 1},
    },
    "none_replaces": {
        "mistake": "run_hooks assigns every hook's return value, so a hook that only looks (returns None) "
                   "turns the gradient into None",
        "edits": [("run_hooks",
                   "        result = hook(grad)\n        if result is not None:      # None: the hook only looked\n"
                   "            grad = result",
                   "        grad = hook(grad)")],
        # only the order of the calls is still right
        "expected": {"test_run_hooks": 1},
    },
    "leaf_hooks_after_accumulate": {
        "mistake": "accumulate_grad adds the gradient into .grad first and runs the leaf's hooks afterwards, "
                   "so they see an updated .grad and their replacement is never accumulated",
        "edits": [("accumulate_grad",
                   "    grad = run_hooks(leaf, grad)\n"
                   "    if leaf.grad is None:\n"
                   "        leaf.grad = np.array(grad, dtype=float)     # a copy of our own\n"
                   "    else:\n"
                   "        leaf.grad = leaf.grad + grad",
                   "    if leaf.grad is None:\n"
                   "        leaf.grad = np.array(grad, dtype=float)     # a copy of our own\n"
                   "    else:\n"
                   "        leaf.grad = leaf.grad + grad\n"
                   "    run_hooks(leaf, grad)")],
        "expected": {"test_accumulate_grad": 1},
    },
    "hook_result_not_passed_on": {
        "mistake": "before_backward runs the hooks but throws their result away, so the original gradient is "
                   "retained and passed on as if no hook had replaced it",
        "edits": [("before_backward", "    grad = run_hooks(tensor, grad)\n", "    run_hooks(tensor, grad)\n")],
        "expected": {"test_before_backward": 3},
    },
    "retain_reference": {
        "mistake": "before_backward stores the incoming gradient array itself as the retained .grad, an array "
                   "that flows on to other tensors (or is read-only), instead of a copy",
        "edits": [("before_backward",
                   "tensor.grad = np.array(grad, dtype=float)   # a copy: grad flows on from here",
                   "tensor.grad = grad")],
        "expected": {"test_before_backward": 4},
    },
    "hook_on_input": {
        "mistake": "reverse_gradient registers the reversing hook on t itself, which reverses the gradient of "
                   "every use of t, not only the one through the returned tensor",
        "edits": [("reverse_gradient", "    out.register_hook(lambda grad: -alpha * grad)",
                   "    t.register_hook(lambda grad: -alpha * grad)")],
        "expected": {"test_reverse_gradient": 1},
    },
    "late_binding_lambda": {
        "mistake": "capture_grads makes its hooks with a lambda in the loop, which reads the loop variable when "
                   "it runs, so every hook writes into the last position",
        "edits": [("capture_grads", "t.register_hook(catcher(i))",
                   "t.register_hook(lambda grad: captured.__setitem__(i, np.array(grad, dtype=float)))")],
        "expected": {"test_capture_grads": 2},
    },
    "no_finally": {
        "mistake": "capture_grads removes its hooks after backward without try/finally, so they stay on the "
                   "tensors when backward raises",
        "edits": [("capture_grads",
                   "    try:\n        loss.backward()\n    finally:\n        for handle in handles:\n"
                   "            handle.remove()",
                   "    loss.backward()\n    for handle in handles:\n        handle.remove()")],
        "expected": {"test_capture_grads": 2},
    },
}
