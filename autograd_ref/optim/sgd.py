"""Stochastic gradient descent, with momentum, Nesterov momentum and weight decay.

    >>> opt = SGD(model.parameters(), lr=0.01, momentum=0.9)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, check_kernel_options

__all__ = ["SGD"]


class SGD(Optimizer):
    """Move each parameter against its gradient: ``p -= lr * g``.

    With ``momentum`` the step follows a running sum of gradients instead,
    ``buf = momentum * buf + (1 - dampening) * g`` (on the first step the buffer
    is ``g`` itself); ``nesterov=True`` steps along ``g + momentum * buf``.
    ``weight_decay`` adds ``weight_decay * p`` to the gradient (L2
    regularisation); ``maximize=True`` climbs instead of descending.

        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None,
                 differentiable=False, fused=None):
        check_kernel_options(foreach=foreach, differentiable=differentiable, fused=fused)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov = group["weight_decay"], group["nesterov"]
            for p, grad in self._gradients(group):
                if weight_decay != 0:
                    grad = grad.add(p, alpha=weight_decay)
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = grad.detach().clone()
                        state["momentum_buffer"] = buf
                    else:
                        buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                    grad = grad.add(buf, alpha=momentum) if nesterov else buf
                p.add_(grad, alpha=-lr)
        return loss
