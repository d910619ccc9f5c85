"""The correct before_backward of exercise 5, for probes of the other parts (with the run_hooks reference)."""


def _before_backward(tensor, grad):
    grad = REFERENCE["run_hooks"](tensor, grad)
    if tensor.retains_grad:
        tensor.grad = np.array(grad, dtype=float) if tensor.grad is None else tensor.grad + grad
    return grad


REFERENCE["before_backward"] = _before_backward
