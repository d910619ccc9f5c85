"""Realistic submissions of ex12_saved_tensors: what each gets wrong, the edits to the source's solution that
make it, and the points per autograded cell the hidden suite must give it (cells not named get full points).

The hidden suite grades each part with correct versions of the others (reference/), so a mistake costs only
its own part, even where the notebook's own later parts build on it."""

FULL = {"test_saved_tensor": 4, "test_hooks": 4, "test_saved_bytes": 3, "test_checkpoint": 6, "test_detect_nan": 3}

VARIANTS = {
    "version_not_checked": {
        "mistake": "SavedTensor keeps the version but unpack never compares it: a tensor changed in place after "
                   "it was saved goes into the backward formula, and the gradient is quietly wrong",
        "edits": [("saved_tensor",
                   "        now = self.tensor._version\n        if now != self.version:\n",
                   "        now = self.tensor._version\n        if False:\n")],
        # the tensor comes back (and is right when nothing changed); no error, so no message either
        "expected": {"test_saved_tensor": 2},
    },
    "saved_at_version_zero": {
        "mistake": "SavedTensor takes every tensor to be saved at version 0 instead of reading tensor._version, "
                   "so a tensor changed in place before it was saved is refused, and the message names the "
                   "wrong expected version",
        "edits": [("saved_tensor", "self.version = tensor._version", "self.version = 0")],
        # a change after saving a fresh tensor is still refused, with PyTorch's words
        "expected": {"test_saved_tensor": 2},
    },
    "pack_without_unpack": {
        "mistake": "PackedTensor.unpack returns what pack_hook returned, without calling unpack_hook: right only "
                   "while pack_hook returns the tensor itself",
        "edits": [("hooks", "return self.unpack_hook(self.packed)", "return self.packed")],
        "expected": {"test_hooks": 2},
    },
    "hooks_not_restored_after_an_exception": {
        "mistake": "saved_tensors_hooks written with contextlib.contextmanager and no try/finally: an exception "
                   "in the block skips the pop, and its hooks stay on for everything after it",
        "edits": [("hooks",
                   "class saved_tensors_hooks:\n",
                   "import contextlib\n\n\nclass _saved_tensors_hooks_unused:\n"),
                  ("hooks",
                   "class PackedTensor:\n",
                   "@contextlib.contextmanager\n"
                   "def saved_tensors_hooks(pack_hook, unpack_hook):\n"
                   "    _saved_tensors_hooks_stack.append((pack_hook, unpack_hook))\n"
                   "    yield\n"
                   "    _saved_tensors_hooks_stack.pop()\n\n\n"
                   "class PackedTensor:\n")],
        "expected": {"test_hooks": 3},
    },
    "exit_clears_every_block": {
        "mistake": "saved_tensors_hooks.__exit__ empties the whole list instead of removing its own pair: after "
                   "a nested block ends, the outer block's hooks are gone too",
        "edits": [("hooks", "_saved_tensors_hooks_stack.pop()", "_saved_tensors_hooks_stack.clear()")],
        "expected": {"test_hooks": 3},
    },
    "saved_bytes_counts_each_save": {
        "mistake": "saved_bytes adds the bytes of every tensor pack_hook sees, so a tensor saved twice (x in "
                   "x * x, an activation kept by the tanh that made it and the product that reads it) counts "
                   "twice",
        "edits": [("saved_bytes", "    saved = {}                        # id -> tensor: the tensors stay alive, "
                                  "so no id is used twice\n",
                   "    saved = {}\n"),
                  ("saved_bytes", "        saved[id(tensor)] = tensor\n", "        saved[len(saved)] = tensor\n")],
        "expected": {"test_saved_bytes": 2},
    },
    "forward_records_the_block": {
        "mistake": "checkpoint runs fn with recording on: the gradients are right and fn runs again in backward, "
                   "but fn's operations save their tensors as usual, so nothing is saved by checkpointing",
        "edits": [("checkpoint", "    with no_grad():\n        output = fn(*inputs)\n",
                   "    output = fn(*inputs)\n")],
        "expected": {"test_checkpoint": 5},
    },
    "recompute_without_grad": {
        "mistake": "CheckpointFunctionBackward.apply runs fn again without enable_grad: the backward pass runs "
                   "nodes with recording off, so fn's output has no graph to go back through",
        "edits": [("checkpoint", "        with enable_grad():\n            output = self.fn(*leaves)\n",
                   "        output = self.fn(*leaves)\n")],
        # the forward pass is right (value, nothing recorded, only the inputs saved); every backward fails
        "expected": {"test_checkpoint": 2},
    },
    "recompute_on_the_inputs": {
        "mistake": "CheckpointFunctionBackward.apply runs fn again on the saved inputs themselves, not on new "
                   "leaves: the inner backward pass runs on into the graph that made them, so a leaf input's "
                   "gradient arrives twice, and an input made by other operations has its graph used up",
        "edits": [("checkpoint",
                   "leaves = [Tensor(t.data, requires_grad=t.requires_grad) for t in self.saved_tensors]",
                   "leaves = list(self.saved_tensors)")],
        # the forward pass is right, and fn still runs once more in backward
        "expected": {"test_checkpoint": 3},
    },
    "nan_found_with_equals": {
        "mistake": "detect_nan looks for nan with grad.data == np.nan, which is never true: it never raises, "
                   "and the backward pass always runs to the end",
        "edits": [("detect_nan", "np.isnan(grad.data).any()", "(grad.data == np.nan).any()")],
        "expected": {"test_detect_nan": 1},
    },
}
