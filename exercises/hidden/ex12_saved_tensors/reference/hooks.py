"""The correct saved_tensors_hooks of exercise 12, for probes of the other parts: it pushes onto the
notebook's own _saved_tensors_hooks_stack, which the engine reads."""


def _make_correct_hooks(ns):
    class saved_tensors_hooks:
        def __init__(self, pack_hook, unpack_hook):
            self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

        def __enter__(self):
            ns["_saved_tensors_hooks_stack"].append((self.pack_hook, self.unpack_hook))
            return self

        def __exit__(self, *exc_info):
            ns["_saved_tensors_hooks_stack"].pop()
            return False

    return {"saved_tensors_hooks": saved_tensors_hooks}


REFERENCE["hooks"] = _make_correct_hooks
