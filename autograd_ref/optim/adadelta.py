"""Adadelta: steps whose size comes from past steps, so that no learning rate is needed.

    >>> opt = Adadelta(model.parameters())
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import zeros, zeros_like
from .optimizer import Optimizer, check_kernel_options, check_non_negative

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012). For each parameter it keeps running averages
    of the squared gradient, ``square_avg``, and of the squared update,
    ``acc_delta`` (both with weight ``1 - rho``). The update is the gradient
    scaled by the ratio of their roots, so its units are those of ``p``:

        square_avg = rho * square_avg + (1 - rho) * g * g
        delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta * delta
        p -= lr * delta

    ``lr`` (1.0 by default) only scales the result; ``weight_decay`` adds
    ``weight_decay * p`` to the gradient.

        >>> opt = Adadelta([w], rho=0.9)
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        check_kernel_options(foreach, capturable, differentiable)
        check_non_negative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative(eps=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, rho, eps, weight_decay = group["lr"], group["rho"], group["eps"], group["weight_decay"]
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:
                    state["step"] = zeros(())
                    state["square_avg"] = zeros_like(p)
                    state["acc_delta"] = zeros_like(p)
                state["step"] += 1
                if weight_decay != 0:
                    grad = grad.add(p, alpha=weight_decay)

                square_avg, acc_delta = state["square_avg"], state["acc_delta"]
                square_avg.mul_(rho).add_(grad * (1 - rho) * grad)
                std = square_avg.add(eps).sqrt_()
                delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
                acc_delta.mul_(rho).add_(delta * (1 - rho) * delta)
                p.add_(delta, alpha=-lr)
        return loss
