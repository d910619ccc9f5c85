"""ASGD: stochastic gradient descent that also keeps an average of the iterates.

    >>> opt = ASGD(model.parameters(), lr=1e-2, t0=100)
    >>> loss.backward(); opt.step()
"""
from ..autograd.grad_mode import no_grad
from ..creation import ones, tensor, zeros, zeros_like
from .optimizer import Optimizer, check_kernel_options, check_non_negative

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged SGD (Polyak and Juditsky, 1992). Each step is SGD with a
    learning rate ``eta`` that decays with the step count ``t``, and a
    shrinking of the parameter by ``lambd * eta``:

        p = p * (1 - lambd * eta) - eta * g
        ax += mu * (p - ax)                  (ax = p while mu is 1)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)

    ``ax`` is the running average of the parameters since step ``t0``: the
    averaged solution, which is read from the state (``p`` itself stays the
    plain SGD iterate). ``weight_decay`` adds ``weight_decay * p`` to the gradient.

        >>> opt = ASGD([w], lr=0.01, t0=5)
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        check_kernel_options(foreach, capturable, differentiable)
        check_non_negative(lr=lr, weight_decay=weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s
        loss when a closure is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
            weight_decay = group["weight_decay"]
            for p, grad in self._gradients(group):
                state = self.state[p]
                if not state:
                    # step, eta and mu are float32 scalars, as PyTorch keeps them.
                    state["step"] = zeros((), device=p.device)
                    state["eta"] = tensor(float(lr), device=p.device)
                    state["mu"] = ones((), device=p.device)
                    state["ax"] = zeros_like(p)
                eta, mu, ax = state["eta"], state["mu"], state["ax"]
                state["step"] += 1
                if weight_decay != 0:
                    grad = grad.add(p, alpha=weight_decay)

                eta_value = eta.item()
                p.mul_(1 - lambd * eta_value)
                p.add_(grad, alpha=-eta_value)
                if mu.item() != 1:
                    ax.add_(p.sub(ax).mul_(mu))
                else:
                    ax.copy_(p)

                step = state["step"].item()
                # Rounded to float32 on the way, as PyTorch's as_tensor does, whatever
                # dtype eta and mu have (loading a state_dict casts them to the parameter's).
                eta.copy_(tensor(lr / ((1 + lambd * lr * step) ** alpha)))
                mu.copy_(tensor(1 / max(1, step - t0)))
        return loss
