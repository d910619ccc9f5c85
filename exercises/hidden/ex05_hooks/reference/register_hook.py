"""The correct register_hook and RemovableHandle of exercise 5, for probes of the other parts."""


class _Handle:
    next_id = 0

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = ("reference", _Handle.next_id)
        _Handle.next_id += 1

    def remove(self):
        if self.id in self.hooks:
            del self.hooks[self.id]


def _register_hook(tensor, fn):
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    handle = _Handle(tensor._hooks)
    tensor._hooks[handle.id] = fn
    return handle


REFERENCE["register_hook"] = _register_hook
