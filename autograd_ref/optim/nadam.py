"""NAdam: Adam with Nesterov momentum.

    >>> opt = NAdam(model.parameters(), lr=2e-3)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import tensor, zeros_like
from .optimizer import Optimizer, _lerp_, check_betas, check_kernel_options, check_non_negative

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam (Dozat, 2016). Adam's running averages ``exp_avg`` and
    ``exp_avg_sq``, but the step looks ahead as Nesterov momentum does: it
    mixes the current gradient and the average with the momentum factors of
    this step and the next,

        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_product = mu_1 * ... * mu_t          (kept in the state)
        denom = sqrt(exp_avg_sq / (1 - beta2**t)) + eps
        p -= lr * (1 - mu_t) / (1 - mu_product) * g / denom
        p -= lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * exp_avg / denom

    ``weight_decay`` adds ``weight_decay * p`` to the gradient, or with
    ``decoupled_weight_decay=True`` (NAdamW) multiplies ``p`` by ``1 - lr * weight_decay``.

        >>> opt = NAdam([w], lr=0.01, momentum_decay=4e-3)
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        check_kernel_options(foreach, capturable, differentiable)
        check_non_negative(lr=lr, eps=eps)
        check_betas(betas)
        check_non_negative(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay, momentum_decay = group["weight_decay"], group["momentum_decay"]
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:
                    # ``step`` and ``mu_product`` are float32 scalars, as PyTorch keeps them.
                    state["step"] = tensor(0.0)
                    state["mu_product"] = tensor(1.0)
                    state["exp_avg"] = zeros_like(p)
                    state["exp_avg_sq"] = zeros_like(p)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                state["step"] += 1
                step = state["step"].item()

                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(p, alpha=weight_decay)

                mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
                mu_product = state["mu_product"].mul_(mu).item()
                mu_product_next = mu_product * mu_next

                _lerp_(exp_avg, grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).add_(grad * (1 - beta2) * grad)
                denom = (exp_avg_sq / (1 - beta2 ** step)).sqrt().add_(eps)
                p.add_(grad * (-lr * (1.0 - mu) / (1.0 - mu_product)) / denom)
                p.add_(exp_avg * (-lr * mu_next / (1.0 - mu_product_next)) / denom)
        return loss
