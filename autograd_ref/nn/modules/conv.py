"""``Conv2d``: a learned 2-D convolution.

    >>> conv = Conv2d(1, 6, 5)
    >>> conv(randn(1, 1, 32, 32)).shape
    autograd_ref.Size([1, 6, 28, 28])

The computation is ``ops/conv.py``'s ``conv2d``; the layer holds the weight
(out_channels, in_channels / groups, kh, kw) and the bias, and remembers the
settings.
"""
import math

from ... import creation
from ...ops.conv import _pair, conv2d
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv2d"]


class Conv2d(Module):
    """Slide ``out_channels`` learned filters of ``kernel_size`` over an image
    of ``in_channels``: (N, C_in, H, W) becomes (N, C_out, H_out, W_out).

        >>> Conv2d(3, 16, kernel_size=3, padding=1)(randn(2, 3, 8, 8)).shape
        autograd_ref.Size([2, 16, 8, 8])

    ``padding`` is a number, a pair, ``'valid'`` (none) or ``'same'`` (the
    output as large as the input; stride 1 only). ``groups`` splits the
    channels into groups that are convolved separately.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = _pair(stride, "stride")
        self.dilation = _pair(dilation, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _pair(padding, "padding")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(
                "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, "
                f"but got padding_mode='{padding_mode}'")
        if padding_mode != "zeros":
            raise NotImplementedError(
                f"autograd_ref's Conv2d pads with zeros only (padding_mode='zeros'), not "
                f"'{padding_mode}'")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.transposed, self.output_padding, self.padding_mode = False, (0, 0), padding_mode
        self.weight = Parameter(creation.empty((out_channels, in_channels // groups) + self.kernel_size,
                                               dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: weights uniform in ±1/sqrt(fan_in) (Kaiming
        uniform with a=sqrt(5)), and the bias likewise."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s
