"""Adam: steps scaled by running averages of the gradient and of its square.

    >>> opt = Adam(model.parameters(), lr=1e-3)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import tensor, zeros_like
from ..ops.pointwise import maximum
from .optimizer import Optimizer, _lerp_, check_betas, check_kernel_options, check_non_negative

__all__ = ["Adam"]


def _check_adam_options(lr, betas, eps, weight_decay):
    check_non_negative(lr=lr, eps=eps)
    check_betas(betas)
    check_non_negative(weight_decay=weight_decay)
    if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
        raise ValueError("betas must be either both floats or both Tensors")


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014). For each parameter it keeps the running
    averages ``exp_avg`` of the gradient (weight ``1 - beta1``) and
    ``exp_avg_sq`` of its square (weight ``1 - beta2``), and steps by

        p -= lr / (1 - beta1**t) * exp_avg / (sqrt(exp_avg_sq) / sqrt(1 - beta2**t) + eps)

    where ``t`` counts this parameter's steps; the two ``1 - beta**t`` bias
    corrections undo the averages' start from zero. ``amsgrad=True`` divides
    by the largest ``exp_avg_sq`` seen so far instead. ``weight_decay`` adds
    ``weight_decay * p`` to the gradient, or with ``decoupled_weight_decay=True``
    (that is :class:`AdamW`) shrinks the parameter directly.

        >>> opt = Adam([w], lr=0.01, betas=(0.9, 0.999))
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False, differentiable=False,
                 fused=None, decoupled_weight_decay=False):
        check_kernel_options(foreach, capturable, differentiable, fused)
        _check_adam_options(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _init_state(self, state, p, amsgrad):
        # The step count is a float32 0-dim tensor, as PyTorch keeps it.
        state["step"] = tensor(0.0)
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)
        if amsgrad:
            state["max_exp_avg_sq"] = zeros_like(p)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:
                    self._init_state(state, p, amsgrad)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                state["step"] += 1

                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(p, alpha=weight_decay)

                _lerp_(exp_avg, grad, 1 - beta1)
                # (1 - beta2) * grad * grad, multiplied in the order of PyTorch's addcmul_.
                exp_avg_sq.mul_(beta2).add_(grad * (1 - beta2) * grad)

                step = state["step"].item()
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                bias_correction2_sqrt = bias_correction2 ** 0.5

                if amsgrad:
                    max_exp_avg_sq = state["max_exp_avg_sq"]
                    max_exp_avg_sq.copy_(maximum(max_exp_avg_sq, exp_avg_sq))
                    denom = (max_exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                else:
                    denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                # -step_size * exp_avg / denom, in the order of PyTorch's addcdiv_.
                p.add_(exp_avg * -step_size / denom)
        return loss
