"""``Conv1d`` and ``Conv2d``: learned 1-D and 2-D convolutions; ``ConvTranspose1d``
and ``ConvTranspose2d``: their transposed (the gradient of a convolution for
its input, which makes an image larger).

    >>> conv = Conv2d(1, 6, 5)
    >>> conv(randn(1, 1, 32, 32)).shape
    autograd_ref.Size([1, 6, 28, 28])

The computation is ``ops/conv.py``'s ``conv1d`` and ``conv2d``; a layer holds
the weight (out_channels, in_channels / groups, *kernel_size) and the bias, and
remembers the settings (a transposed one holds the weight (in_channels,
out_channels / groups, *kernel_size), as the convolution it transposes).
A ``padding_mode`` other than ``'zeros'`` pads the
input with ``F.pad`` first, then convolves without padding, as PyTorch does.
"""
import math

from ... import creation
from ...ops.conv import _pair, _single, conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"]


class _ConvNd(Module):
    """What Conv1d and Conv2d share; ``_ntuple`` and ``_conv`` say which one
    (``_transposed``: a transposed one, ``_ConvTransposeNd``)."""
    _transposed = False

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
        self.transposed, self.padding_mode = self._transposed, padding_mode
        self.output_padding = (0,) * len(self.kernel_size)
        shape = (in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(creation.empty(shape + self.kernel_size, dtype=dtype, device=device))
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
        if self.output_padding != zeros:
            s += f", output_padding={self.output_padding}"
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


class _ConvTransposeNd(_ConvNd):
    """What ConvTranspose1d and ConvTranspose2d share: ``output_padding``, only
    zero padding, and ``output_size=`` in ``forward``."""
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)
        self.output_padding = type(self)._ntuple(output_padding, "output_padding")

    def _output_padding(self, input, output_size):
        """The output_padding that makes the output ``output_size`` (the spatial
        sizes, or the whole shape), checked to be one the input can give."""
        if output_size is None:
            return self.output_padding
        dims = len(self.kernel_size)
        lead = 2 if input.dim() == dims + 2 else 1
        if len(output_size) == lead + dims:
            output_size = output_size[lead:]
        if len(output_size) != dims:
            raise ValueError(f"ConvTranspose{dims}D: for {input.dim()}D input, output_size must have {dims} "
                             f"or {lead + dims} elements (got {len(output_size)})")
        smallest = [(input.shape[lead + d] - 1) * self.stride[d] - 2 * self.padding[d]
                    + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(dims)]
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]
        for size, low, high in zip(output_size, smallest, largest):
            if not low <= size <= high:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from "
                                 f"{smallest} to {largest} (for an input of {type(input.shape)(input.shape[lead:])})")
        return tuple(size - low for size, low in zip(output_size, smallest))

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size)
        return type(self)._conv(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """The transposed of Conv1d: (N, C_in, L) becomes (N, C_out, L_out) with
    L_out = (L - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1.

        >>> ConvTranspose1d(16, 3, kernel_size=4, stride=2, padding=1)(randn(2, 16, 25)).shape
        autograd_ref.Size([2, 3, 50])
    """
    _ntuple = staticmethod(_single)
    _conv = staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """The transposed of Conv2d, which makes an image larger (a decoder's
    upsampling): (N, C_in, H, W) becomes (N, C_out, H_out, W_out), each size as
    ConvTranspose1d's. ``forward(input, output_size=...)`` picks the
    output_padding that gives that size.

        >>> ConvTranspose2d(16, 8, kernel_size=3, stride=2, padding=1)(randn(1, 16, 5, 5), output_size=(10, 10)).shape
        autograd_ref.Size([1, 8, 10, 10])
    """
    _ntuple = staticmethod(_pair)
    _conv = staticmethod(conv_transpose2d)
