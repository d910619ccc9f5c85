"""The correct run_hooks of exercise 5, for probes of the other parts."""


def _run_hooks(tensor, grad):
    for hook in list(tensor._hooks.values()):
        result = hook(grad)
        if result is not None:
            grad = result
    return grad


REFERENCE["run_hooks"] = _run_hooks
