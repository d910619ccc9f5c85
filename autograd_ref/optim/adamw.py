"""AdamW: Adam whose weight decay shrinks the parameters directly.

    >>> opt = AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    >>> loss.backward(); opt.step()
"""
from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2017): each step
    first multiplies the parameter by ``1 - lr * weight_decay``, and the decay
    never enters the running averages (in :class:`Adam` it is added to the
    gradient, so the averages rescale it). The rest of the step is Adam's.

        >>> opt = AdamW([w], lr=0.01)      # weight_decay=1e-2 by default
        >>> (w ** 2).sum().backward(); opt.step()
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False, differentiable=False,
                 fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, foreach=foreach,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        for group in self.param_groups:      # AdamW always decouples, whatever was saved
            group["decoupled_weight_decay"] = True
