"""``Linear``: an affine map ``y = x W^T + b``, and ``Identity``.

    >>> layer = Linear(3, 2)
    >>> layer(randn(5, 3)).shape
    autograd_ref.Size([5, 2])
"""
import math

from ...creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to remove a layer);
    it accepts and ignores any arguments.

        >>> Identity(54, unused="x")(tensor([1.]))
        tensor([1.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """``y = x @ weight.T + bias`` for inputs whose last dimension has
    ``in_features`` elements. ``weight`` has shape ``(out_features,
    in_features)``, ``bias`` ``(out_features,)``.

        >>> fc = Linear(2, 1); fc
        Linear(in_features=2, out_features=1, bias=True)
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: weights uniform in ±1/sqrt(in_features) (what
        ``kaiming_uniform_`` with ``a=sqrt(5)`` gives), and the bias likewise."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
