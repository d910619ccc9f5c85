"""Adamax: Adam with the infinity norm in place of the root mean square.

    >>> opt = Adamax(model.parameters(), lr=2e-3)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import tensor, zeros_like
from ..ops.pointwise import maximum
from .optimizer import Optimizer, _lerp_, check_betas, check_kernel_options, check_non_negative

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (Kingma and Ba, 2014, section 7). Like :class:`Adam` it keeps a
    running average ``exp_avg`` of the gradient, but divides by ``exp_inf``,
    a decaying maximum of the gradient's size, instead of a root mean square:

        exp_inf = max(beta2 * exp_inf, |g| + eps)
        p -= lr / (1 - beta1**t) * exp_avg / exp_inf

    ``weight_decay`` adds ``weight_decay * p`` to the gradient.

        >>> opt = Adamax([w], lr=0.01)
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        check_kernel_options(foreach, capturable, differentiable)
        check_non_negative(lr=lr, eps=eps)
        check_betas(betas)
        check_non_negative(weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay = group["weight_decay"]
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:
                    state["step"] = tensor(0.0)
                    state["exp_avg"] = zeros_like(p)
                    state["exp_inf"] = zeros_like(p)
                exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
                state["step"] += 1
                if weight_decay != 0:
                    grad = grad.add(p, alpha=weight_decay)

                _lerp_(exp_avg, grad, 1 - beta1)
                exp_inf.copy_(maximum(exp_inf.mul_(beta2), grad.abs().add_(eps)))
                clr = lr / (1 - beta1 ** state["step"].item())
                p.add_(exp_avg * -clr / exp_inf)
        return loss
