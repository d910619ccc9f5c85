"""Rprop: each weight has its own step size, grown or shrunk by the sign of its gradient.

    >>> opt = Rprop(model.parameters(), lr=1e-2)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import full_like, zeros, zeros_like
from .optimizer import Optimizer, check_kernel_options

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backpropagation (Riedmiller and Braun, 1993). Only the sign
    of the gradient is used. Each element keeps a ``step_size`` (starting at
    ``lr``) and the gradient it saw last, ``prev``:

    - same sign as before: the step size grows by ``etas[1]`` (1.2);
    - opposite sign (the last step went too far): it shrinks by ``etas[0]``
      (0.5), and this step does not move the element (its gradient counts as 0);
    - otherwise (a zero): the step size stays.

    The step size is kept within ``step_sizes = (min, max)``; then
    ``p -= sign(g) * step_size``. Meant for full-batch training.

        >>> opt = Rprop([w], lr=0.01, etas=(0.5, 1.2))
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_kernel_options(foreach, capturable, differentiable)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "maximize": maximize}
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:
                    state["step"] = zeros(())
                    state["prev"] = zeros_like(p)
                    state["step_size"] = full_like(grad, group["lr"])
                state["step"] += 1
                prev, step_size = state["prev"], state["step_size"]

                # The factor for each step size: etaplus, etaminus, or 1.
                factor = grad.mul(prev).sign()
                factor[factor.gt(0)] = etaplus
                factor[factor.lt(0)] = etaminus
                factor[factor.eq(0)] = 1
                step_size.mul_(factor).clamp_(step_size_min, step_size_max)

                # Where the sign flipped, do not move now, and forget the gradient.
                grad = grad.clone()
                grad[factor.eq(etaminus)] = 0
                p.add_(grad.sign() * -1 * step_size)
                prev.copy_(grad)
        return loss
