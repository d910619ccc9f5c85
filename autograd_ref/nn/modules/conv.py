"""``Conv1d`` and ``Conv2d``: learned 1-D and 2-D convolutions.

    >>> conv = Conv2d(1, 6, 5)
    >>> conv(randn(1, 1, 32, 32)).shape
    autograd_ref.Size([1, 6, 28, 28])

The computation is ``ops/conv.py``'s ``conv1d`` and ``conv2d``; a layer holds
the weight (out_channels, in_channels / groups, *kernel_size) and the bias, and
remembers the settings. A ``padding_mode`` other than ``'zeros'`` pads the
input with ``F.pad`` first, then convolves without padding, as PyTorch does.
"""
import math

from ... import creation
from ...ops.conv import _pair, _single, conv1d, conv2d
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d"]


class _ConvNd(Module):
    """What Conv1d and Conv2d share; ``_ntuple`` and ``_conv`` say which one."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        ntuple = type(self)._ntuple
        self.kernel_size = ntuple(kernel_size, "kernel_size")
        self.stride = ntuple(stride, "stride")
        self.dilation = ntuple(dilation, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = ntuple(padding, "padding")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(
                "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, "
                f"but got padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.transposed, self.padding_mode = False, padding_mode
        self.output_padding = (0,) * len(self.kernel_size)
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

    def _padding_for_pad(self):
        """The padding as ``F.pad`` takes it: (left, right) of the last dim first."""
        if self.padding == "valid":
            return (0, 0) * len(self.kernel_size)
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            pairs = [(t // 2, t - t // 2) for t in totals]
        else:
            pairs = [(p, p) for p in self.padding]
        return tuple(p for pair in reversed(pairs) for p in pair)

    def forward(self, input):
        conv = type(self)._conv
        if self.padding_mode != "zeros":
            input = F.pad(input, self._padding_for_pad(), mode=self.padding_mode)
            return conv(input, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self):
        zeros = (0,) * len(self.kernel_size)
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != zeros:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(zeros):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """Slide ``out_channels`` learned filters of length ``kernel_size`` along a
    signal of ``in_channels``: (N, C_in, L) becomes (N, C_out, L_out).

        >>> Conv1d(3, 16, kernel_size=5, padding=2)(randn(2, 3, 50)).shape
        autograd_ref.Size([2, 16, 50])

    The options are Conv2d's, with one number (or a 1-tuple) per option.
    """
    _ntuple = staticmethod(_single)
    _conv = staticmethod(conv1d)


class Conv2d(_ConvNd):
    """Slide ``out_channels`` learned filters of ``kernel_size`` over an image
    of ``in_channels``: (N, C_in, H, W) becomes (N, C_out, H_out, W_out).

        >>> Conv2d(3, 16, kernel_size=3, padding=1)(randn(2, 3, 8, 8)).shape
        autograd_ref.Size([2, 16, 8, 8])

    ``padding`` is a number, a pair, ``'valid'`` (none) or ``'same'`` (the
    output as large as the input; stride 1 only). ``groups`` splits the
    channels into groups that are convolved separately. ``padding_mode`` is
    ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
    """
    _ntuple = staticmethod(_pair)
    _conv = staticmethod(conv2d)
