"""Adagrad: each parameter's steps shrink with the sum of its squared gradients.

    >>> opt = Adagrad(model.parameters(), lr=1e-2)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import full_like, tensor
from .optimizer import Optimizer, check_kernel_options

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011). For each parameter it adds ``g * g`` to a
    running ``sum`` (which starts at ``initial_accumulator_value``) and steps
    by ``p -= clr * g / (sqrt(sum) + eps)``, where the learning rate decays as
    ``clr = lr / (1 + (t - 1) * lr_decay)`` at the parameter's step ``t``.
    Parameters whose gradients have been large move slowly.

        >>> opt = Adagrad([w], lr=0.1)
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_kernel_options(foreach=foreach, differentiable=differentiable, fused=fused)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "maximize": maximize}
        super().__init__(params, defaults)
        # Unlike the other optimizers, Adagrad makes its state at once, as PyTorch does.
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p, group)

    @staticmethod
    def _init_state(state, p, group):
        state["step"] = tensor(0.0)
        state["sum"] = full_like(p, group["initial_accumulator_value"])

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, lr_decay, eps, weight_decay = (group["lr"], group["lr_decay"], group["eps"],
                                               group["weight_decay"])
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:        # a parameter added later by add_param_group
                    self._init_state(state, p, group)
                state["step"] += 1
                step = state["step"].item()
                if weight_decay != 0:
                    grad = grad.add(p, alpha=weight_decay)

                clr = lr / (1 + (step - 1) * lr_decay)
                state_sum = state["sum"]
                state_sum.add_(grad * grad)
                std = state_sum.sqrt().add_(eps)
                p.add_(grad * -clr / std)
        return loss
