"""RMSprop: steps divided by a running root mean square of the gradient.

    >>> opt = RMSprop(model.parameters(), lr=1e-2)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import zeros, zeros_like
from .optimizer import Optimizer, _lerp_, check_kernel_options, check_non_negative

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture notes, 2012). For each parameter it keeps
    ``square_avg = alpha * square_avg + (1 - alpha) * g * g`` and steps by
    ``p -= lr * g / (sqrt(square_avg) + eps)``. With ``centered=True`` it also
    averages the gradient and divides by an estimate of its standard deviation,
    ``sqrt(square_avg - grad_avg**2)``; with ``momentum`` it steps along a
    buffer ``buf = momentum * buf + g / (sqrt(...) + eps)`` instead.

        >>> opt = RMSprop([w], lr=0.01, momentum=0.9)
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False, differentiable=False):
        check_kernel_options(foreach, capturable, differentiable)
        check_non_negative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
            weight_decay, centered = group["weight_decay"], group["centered"]
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:
                    state["step"] = zeros(())
                    state["square_avg"] = zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = zeros_like(p)
                    if centered:
                        state["grad_avg"] = zeros_like(p)
                state["step"] += 1
                if weight_decay != 0:
                    grad = grad.add(p, alpha=weight_decay)

                square_avg = state["square_avg"]
                square_avg.mul_(alpha).add_(grad * (1 - alpha) * grad)
                if centered:
                    grad_avg = state["grad_avg"]
                    _lerp_(grad_avg, grad, 1 - alpha)
                    # The variance: mean of squares minus square of the mean.
                    avg = (square_avg - grad_avg * grad_avg).sqrt_()
                else:
                    avg = square_avg.sqrt()
                avg.add_(eps)

                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(momentum).add_(grad / avg)
                    p.add_(buf, alpha=-lr)
                else:
                    p.add_(grad * -lr / avg)
        return loss
