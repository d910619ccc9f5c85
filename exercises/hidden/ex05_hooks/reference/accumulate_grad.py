"""The correct accumulate_grad of exercise 5, for probes of the other parts (with the run_hooks reference)."""


def _accumulate_grad(leaf, grad):
    grad = REFERENCE["run_hooks"](leaf, grad)
    leaf.grad = np.array(grad, dtype=float) if leaf.grad is None else leaf.grad + grad


REFERENCE["accumulate_grad"] = _accumulate_grad
