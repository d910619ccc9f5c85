"""``Dropout`` and ``Dropout2d``: randomly silence units while training, so that the network
cannot rely on any one of them.

    >>> drop = Dropout(p=0.5)
    >>> drop.eval()(ones(4))        # in evaluation mode it does nothing
    tensor([1., 1., 1., 1.])
"""
from .. import functional as F
from .module import Module


class Dropout(Module):
    """In training mode, zero each element with probability ``p`` and scale
    the rest by ``1 / (1 - p)``; in evaluation mode, pass the input through.
    The random draws come from the default generator (``manual_seed``).

        >>> manual_seed(0); Dropout(0.5)(ones(4))
        tensor([2., 0., 2., 2.])
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Channel-wise dropout: in training mode, zero each whole channel of an
    ``(N, C, H, W)`` (or ``(C, H, W)``) input with probability ``p`` and scale
    the rest by ``1 / (1 - p)``; in evaluation mode, pass the input through.

        >>> drop = Dropout2d(0.25)
        >>> drop(ones(8, 16, 5, 5)).shape
        autograd_ref.Size([8, 16, 5, 5])
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)
