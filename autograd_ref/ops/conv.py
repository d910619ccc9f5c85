"""Convolution (and transposed convolution) and batch normalisation on images (N, C, H, W); a 1-D
convolution (N, C, L) is a 2-D one on images of height one. Pooling, which looks at the same windows,
is in ``pooling.py``.

All of them look at small windows of a padded image. ``_Windows`` holds the
geometry, and two array routines do the work without a Python loop over
pixels: ``_take_windows`` copies every window out (im2col), and
``_add_windows`` adds values back at the windows' places (col2im, the adjoint:
overlapping windows add up). A convolution is then one matrix product:

    out[n, o, h, w] = sum over (c, i, j) of weight[o, c, i, j] * window(h, w)[c, i, j]

Pooling needs no copy of the windows: the elements at kernel position (i, j)
of every window form one strided slice of the image (``_Windows.at``), so a
max pool is a running ``maximum`` over kh * kw slices, and an average pool a
running sum.

Each backward is written with differentiable operations, so that
``create_graph=True`` gives second derivatives. The backward of taking windows
is putting them back and the other way round, so ``unfold`` (Im2ColBackward0)
and ``fold`` (Col2ImBackward0) are each other's backward, and likewise the
pooling operations and their backward operations.

    >>> conv2d(ones(1, 1, 4, 4), ones(2, 1, 3, 3)).shape
    autograd_ref.Size([1, 2, 2, 2])
"""
import numbers

from ..autograd.graph import Node, edge_to
from ..tensor import make_tensor
from .common import _fw, _state, attach, check_same_device
from .padding import constant_pad


# ---- window geometry ---------------------------------------------------------------

def _pair(value, name, op="conv2d"):
    """An int or a sequence of two ints as ``(height, width)``."""
    if isinstance(value, numbers.Integral):
        return (int(value), int(value))
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * 2
    if len(value) != 2:
        if op == "conv2d":
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of 2 values to match "
                f"the convolution dimensions, but got {name}={list(value)}")
        raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of two ints")
    return value


def _output_length(size, pad_before, pad_after, kernel, stride, dilation, ceil_mode=False):
    """How many windows fit along one dimension.

    With ``ceil_mode`` a last, partial window counts too, as long as it starts
    inside the input or its left padding (PyTorch's rule for pooling).
    """
    span = dilation * (kernel - 1) + 1
    room = size + pad_before + pad_after - span
    if room < 0:
        return 0
    if not ceil_mode:
        return room // stride + 1
    n = -(-room // stride) + 1
    if (n - 1) * stride >= size + pad_before:
        n -= 1
    return n


class _Windows:
    """Where the windows of one operation lie on an image of ``size`` (H, W).

    ``pads`` is (top, bottom, left, right). Window (h, w) covers rows
    ``h*stride + i*dilation`` for i in range(kernel) of the padded image, and
    likewise columns. ``padded`` is the size of the padded image, grown where
    ceil_mode lets a last window hang over the edge.
    """
    __slots__ = ("size", "kernel", "stride", "dilation", "pads", "out", "padded")

    def __init__(self, size, kernel, stride, dilation, pads, ceil_mode=False, out=None):
        self.size, self.kernel, self.stride, self.dilation, self.pads = size, kernel, stride, dilation, pads
        # ``out``: the number of windows, where the caller knows it (a transposed
        # convolution's output_padding can leave room for one more than it has)
        self.out = out or tuple(_output_length(size[d], pads[2 * d], pads[2 * d + 1], kernel[d], stride[d],
                                               dilation[d], ceil_mode) for d in (0, 1))
        self.padded = tuple(max(size[d] + pads[2 * d] + pads[2 * d + 1],
                                (self.out[d] - 1) * stride[d] + dilation[d] * (kernel[d] - 1) + 1)
                            for d in (0, 1))

    def at(self, i, j):
        """The index of the padded image's elements at kernel position (i, j)
        of every window: an (Ho, Wo) grid of strided slices."""
        (sh, sw), (dh, dw), (ho, wo) = self.stride, self.dilation, self.out
        return (Ellipsis, slice(i * dh, i * dh + (ho - 1) * sh + 1, sh),
                slice(j * dw, j * dw + (wo - 1) * sw + 1, sw))

    def offsets(self):
        """The kernel positions (i, j), row by row."""
        kh, kw = self.kernel
        return [(i, j) for i in range(kh) for j in range(kw)]

    def overlap(self):
        """Whether neighbouring windows share elements."""
        return any(s < d * (k - 1) + 1 for s, d, k in zip(self.stride, self.dilation, self.kernel))


def _pad(xp, data, windows, value=0):
    """``data`` inside a border of ``value`` (the padding, plus what ceil_mode needs)."""
    top, _, left, _ = windows.pads
    (h, w), (hp, wp) = windows.size, windows.padded
    if (h, w) == (hp, wp):
        return data
    out = xp.full(data.shape[:-2] + (hp, wp), value, dtype=data.dtype)
    out[..., top:top + h, left:left + w] = data
    return out


def _crop(padded, windows):
    """The image inside the border ``_pad`` added."""
    top, _, left, _ = windows.pads
    h, w = windows.size
    return padded[..., top:top + h, left:left + w]


def _take_windows(xp, data, windows):
    """im2col: every window of ``data`` (N, C, H, W) copied out, as an array
    (N, C * kh * kw, Ho * Wo). Column ``h * Wo + w`` is window (h, w), read in
    the order (c, i, j)."""
    padded = _pad(xp, data, windows)
    (kh, kw), (dh, dw), (sh, sw), (ho, wo) = windows.kernel, windows.dilation, windows.stride, windows.out
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    # A view of every span-sized patch (no copy); keep every stride-th patch and
    # every dilation-th element in it. Only the reshape at the end copies.
    view = xp.lib.stride_tricks.sliding_window_view(padded, span, axis=(2, 3))
    view = view[:, :, :(ho - 1) * sh + 1:sh, :(wo - 1) * sw + 1:sw, ::dh, ::dw]
    n, c = data.shape[:2]
    return view.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, ho * wo)


def _add_windows(xp, piece, windows, lead, dtype):
    """col2im, the adjoint of taking windows: an image ``lead + (H, W)`` where
    each element is the sum of what the windows that read it give back.
    ``piece(i, j)`` is what every window gives back at its kernel position
    (i, j), an array ``lead + (Ho, Wo)``."""
    padded = xp.zeros(lead + windows.padded, dtype=dtype)
    for i, j in windows.offsets():      # a loop over the kernel's positions, not the pixels
        if windows.overlap():
            padded[windows.at(i, j)] += piece(i, j)
        else:                           # each element belongs to one window at most
            padded[windows.at(i, j)] = piece(i, j)
    return _crop(padded, windows)


# ---- unfold and fold (im2col and col2im) -------------------------------------------------

class Im2ColBackward0(Node):
    __slots__ = ("windows",)

    def backward(self, grad):
        return _fold(grad, self.windows)


class Col2ImBackward0(Node):
    __slots__ = ("windows",)

    def backward(self, grad):
        return _unfold(grad, self.windows)


def _unfold(input, windows, columns=None):
    """``unfold`` for a 4-D tensor and a given geometry. ``columns``: the
    result, when the caller has computed it already."""
    if columns is None:
        columns = _take_windows(input._device.xp, input._data, windows)
    res = make_tensor(columns, input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = Im2ColBackward0((edge_to(input),))
        node.windows = windows
        attach(res, node)
    return res


def _fold(input, windows):
    """``fold`` for a 3-D tensor of columns and a given geometry."""
    (kh, kw), (ho, wo) = windows.kernel, windows.out
    n, channels = input.shape[0], input.shape[1] // (kh * kw)
    columns = input._data.reshape(n, channels, kh, kw, ho, wo)
    image = _add_windows(input._device.xp, lambda i, j: columns[:, :, i, j], windows, (n, channels),
                         columns.dtype)
    res = make_tensor(image, input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = Col2ImBackward0((edge_to(input),))
        node.windows = windows
        attach(res, node)
    return res


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Copy every sliding window out as a column (im2col): (N, C, H, W) becomes
    (N, C * kh * kw, number of windows).

        >>> unfold(ones(1, 2, 4, 4), kernel_size=3).shape
        autograd_ref.Size([1, 18, 4])
    """
    if input.dim() == 3:        # one image without a batch dimension
        return unfold(input.unsqueeze(0), kernel_size, dilation, padding, stride).squeeze(0)
    if input.dim() != 4:
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.dim()}D)")
    ph, pw = _pair(padding, "padding", "unfold")
    windows = _Windows(tuple(input.shape[2:]), _pair(kernel_size, "kernel_size", "unfold"),
                       _pair(stride, "stride", "unfold"), _pair(dilation, "dilation", "unfold"),
                       (ph, ph, pw, pw))
    if min(windows.out) <= 0:
        raise RuntimeError(
            f"Given input with spatial size ({windows.size[0]}, {windows.size[1]}), kernel_size="
            f"({windows.kernel[0]}, {windows.kernel[1]}), dilation=({windows.dilation[0]}, "
            f"{windows.dilation[1]}), padding=({ph}, {pw}), calculated shape of the array of sliding "
            f"blocks as ({windows.out[0]}, {windows.out[1]}), but its components must be at least one.")
    return _unfold(input, windows)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Add columns back into an image (col2im), the adjoint of ``unfold``:
    where windows overlap, their values add up.

        >>> fold(ones(1, 18, 4), (4, 4), kernel_size=3).shape
        autograd_ref.Size([1, 2, 4, 4])
    """
    if input.dim() == 2:        # the columns of one image, without a batch dimension
        return fold(input.unsqueeze(0), output_size, kernel_size, dilation, padding, stride).squeeze(0)
    if input.dim() != 3:
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are "
                           f"supported (got {input.dim()}D)")
    ph, pw = _pair(padding, "padding", "fold")
    windows = _Windows(_pair(output_size, "output_size", "fold"), _pair(kernel_size, "kernel_size", "fold"),
                       _pair(stride, "stride", "fold"), _pair(dilation, "dilation", "fold"),
                       (ph, ph, pw, pw))
    kh, kw = windows.kernel
    if input.shape[1] % (kh * kw):
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
            f"but got input.size(1)={input.shape[1]} and kernel_size=({kh}, {kw})")
    if input.shape[2] != windows.out[0] * windows.out[1]:
        raise RuntimeError(
            f"Given output_size=({windows.size[0]}, {windows.size[1]}), kernel_size=({kh}, {kw}), "
            f"dilation=({windows.dilation[0]}, {windows.dilation[1]}), padding=({ph}, {pw}), "
            f"stride=({windows.stride[0]}, {windows.stride[1]}), expected size of input's "
            f"dimension 2 to match the calculated number of sliding blocks {windows.out[0]} * "
            f"{windows.out[1]} = {windows.out[0] * windows.out[1]}, but got input.size(2)={input.shape[2]}.")
    return _fold(input, windows)


# ---- conv2d --------------------------------------------------------------------------

class ConvolutionBackward0(Node):
    """The backward of ``out = W @ unfold(x)`` (per group): a matrix product's
    backward, then ``fold`` to put the input's gradient back into image shape.
    A 1-D convolution (``flat``) is a 2-D one on images of height one.

    A transposed convolution (``transposed``) is the backward of the input
    of a convolution, ``out = fold(W.T @ x)``; its own backward is a
    convolution of the gradient for the input, and for the weight the same
    product as a convolution's with the roles of x and the gradient swapped."""
    __slots__ = ("windows", "groups", "columns", "flat", "transposed")

    def backward(self, grad):
        x, w = self.saved_tensors
        if self.flat:
            x, w, grad = x.unsqueeze(2), w.unsqueeze(2), grad.unsqueeze(2)
        if self.transposed:
            grad_input, grad_weight, grad_bias = self._transposed_backward(x, w, grad)
        else:
            grad_input, grad_weight, grad_bias = self._backward(x, w, grad)
        if self.flat:
            grad_input = None if grad_input is None else grad_input.squeeze(2)
            grad_weight = None if grad_weight is None else grad_weight.squeeze(2)
        return grad_input, grad_weight, grad_bias

    def _transposed_backward(self, x, w, grad):
        n, g = grad.shape[0], self.groups
        grad_input = grad_weight = grad_bias = None
        if self.next_functions[0][0] is not None:
            grad_input = _convolution(grad, w, None, self.windows, g)
        if self.next_functions[1][0] is not None:
            per_group = x.reshape(n, g, x.shape[1] // g, -1)                   # (N, g, C_in/g, L)
            columns = _unfold(grad, self.windows).reshape(n, g, -1, per_group.shape[-1])
            grad_weight = (per_group @ columns.transpose(2, 3)).sum(0).reshape(w.shape)
        if self.next_functions[2][0] is not None:
            grad_bias = grad.sum((0, 2, 3))
        return grad_input, grad_weight, grad_bias

    def _backward(self, x, w, grad):
        n, g = grad.shape[0], self.groups
        per_group = grad.reshape(n, g, w.shape[0] // g, -1)            # (N, g, O/g, L)
        grad_input = grad_weight = grad_bias = None
        if self.next_functions[0][0] is not None:
            w_t = w.reshape(g, w.shape[0] // g, -1).transpose(1, 2)    # (g, C/g*kh*kw, O/g)
            grad_input = _fold((w_t @ per_group).reshape(n, x.shape[1] * _area(w), -1), self.windows)
        if self.next_functions[1][0] is not None:
            columns = _unfold(x, self.windows, self.columns).reshape(n, g, -1, per_group.shape[-1])
            grad_weight = (per_group @ columns.transpose(2, 3)).sum(0).reshape(w.shape)
        if self.next_functions[2][0] is not None:
            grad_bias = grad.sum((0, 2, 3))
        return grad_input, grad_weight, grad_bias

    def release_variables(self):
        Node.release_variables(self)
        self.columns = None


def _area(weight):
    return weight.shape[2] * weight.shape[3]


_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "bool": "Bool"}


def _single(value, name):
    """An int or a sequence of one int as ``(length,)``, for 1-D convolutions."""
    if isinstance(value, numbers.Integral):
        return (int(value),)
    value = tuple(int(v) for v in value)
    if len(value) != 1:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of 1 values to match "
            f"the convolution dimensions, but got {name}={list(value)}")
    return value


def _conv_padding(padding, kernel, stride, dilation, ntuple=_pair):
    """(top, bottom, left, right) from an int, a pair, 'valid' or 'same'
    ((left, right) for a 1-D convolution, ``ntuple=_single``)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0) * len(kernel)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        pads = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)         # an odd total puts the extra row at the bottom (right)
            pads += [total // 2, total - total // 2]
        return tuple(pads)
    return tuple(p for p in ntuple(padding, "padding") for _ in (0, 1))


def _check_conv(input, weight, bias, stride, dilation, pads, groups):
    """PyTorch's checks, in its order, for a convolution over ``len(stride)`` dims."""
    check_same_device(input, weight, bias)
    dims = len(stride)
    if dims == 1 and weight.dim() < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if dims == 1 and weight.dim() > 3:
        raise RuntimeError(
            f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
            f"{list(weight.shape)}, but got 3-dimensional input of size {list(input.shape)} instead")
    if weight.dim() != dims + 2:
        # PyTorch takes the convolution's dimensions from the weight, so it
        # complains about the stride first.
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of {weight.dim() - 2} values to "
            f"match the convolution dimensions, but got stride={list(stride)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in pads):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported" if dims == 1 else
                           f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    o, c_per_group = weight.shape[:2]
    if o % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(weight.shape)}] instead")     # sic: PyTorch's double brackets
    if input.shape[1] != c_per_group * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {c_per_group * groups} channels, but got {input.shape[1]} "
            "channels instead")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != o):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with {o} "
            f"elements, but got bias of size {list(bias.shape)} instead")
    padded = [input.shape[2 + d] + pads[2 * d] + pads[2 * d + 1] for d in range(dims)]
    span = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if any(p < k for p, k in zip(padded, span)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
            f"({' x '.join(map(str, span))}). Kernel size can't be greater than actual input size")
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(
            f"Input type ({_SCALAR_NAMES[input.dtype.name].lower()}) and bias type "
            f"({_SCALAR_NAMES[bias.dtype.name].lower()}) should be the same")
    if weight._data.dtype != input._data.dtype:
        if dims == 1:
            raise RuntimeError(
                f"Input type ({input.type()}) and weight type ({weight.type()}) should be the same or input "
                "should be a MKLDNN tensor and weight is a dense tensor")
        raise RuntimeError(
            f"expected scalar type {_SCALAR_NAMES[input.dtype.name]} but found {_SCALAR_NAMES[weight.dtype.name]}")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as in PyTorch) of ``input`` (N, C, H, W)
    with ``weight`` (O, C / groups, kh, kw), plus ``bias`` (O,).

        >>> conv2d(ones(1, 1, 5, 5), ones(1, 1, 3, 3), padding=1)[0, 0, 0]
        tensor([4., 6., 6., 6., 4.])
    """
    if input.dim() not in (3, 4):
        raise RuntimeError(
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            f"{list(input.shape)}")
    if input.dim() == 3:    # as PyTorch: treat as a batch of one, then squeeze
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    kernel = tuple(weight.shape[2:]) if weight.dim() == 4 else (1, 1)
    pads = _conv_padding(padding, kernel, stride, dilation)
    _check_conv(input, weight, bias, stride, dilation, pads, groups)
    if pads[0] != pads[1] or pads[2] != pads[3]:
        # PyTorch first pads below and to the right (a node of its own), then pads both sides alike
        input = constant_pad(input, (0, pads[3] - pads[2], 0, pads[1] - pads[0]), 0)
        pads = (pads[0], pads[0], pads[2], pads[2])
    windows = _Windows(tuple(input.shape[2:]), kernel, stride, dilation, pads)
    return _convolution(input, weight, bias, windows, groups)


def _convolution(input, weight, bias, windows, groups):
    """The convolution itself, for checked arguments. A 3-D ``input`` (N, C, L)
    is convolved as images of height one (``windows`` has height 1)."""
    flat = input.dim() == 3
    x, w = (input._data[:, :, None], weight._data[:, :, None]) if flat else (input._data, weight._data)
    xp = input._device.xp
    n, o = input.shape[0], weight.shape[0]
    columns = _take_windows(xp, x, windows)                                # (N, C*kh*kw, L): im2col
    grouped = columns.reshape(n, groups, -1, columns.shape[-1])            # (N, g, C/g*kh*kw, L)
    out = xp.matmul(w.reshape(groups, o // groups, -1), grouped)           # (N, g, O/g, L)
    out = out.reshape((n, o) + windows.out)
    if bias is not None:
        out += bias._data.reshape(o, 1, 1)
    res = make_tensor(out[:, :, 0] if flat else out, input._device)
    if _state.enabled and (input._requires_grad or weight._requires_grad or
                           (bias is not None and bias._requires_grad)) or _fw.active:
        node = ConvolutionBackward0((edge_to(input), edge_to(weight),
                                     edge_to(bias) if bias is not None else (None, 0)))
        node.save_for_backward(input, weight)
        node.windows, node.groups, node.flat, node.transposed = windows, groups, flat, False
        # The weight's gradient needs unfold(input) again: keep the columns (as
        # PyTorch's CPU convolution once did) rather than copy the windows twice.
        node.columns = columns if weight._requires_grad else None
        attach(res, node)
    return res


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of ``input`` (N, C, L) with ``weight`` (O, C / groups, k),
    plus ``bias`` (O,): ``conv2d`` on signals of height one, one node.

        >>> conv1d(ones(1, 1, 5), ones(1, 1, 3), padding=1)
        tensor([[[2., 3., 3., 3., 2.]]])
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(
            "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
            f"{list(input.shape)}")
    if input.dim() == 2:    # as PyTorch: a batch of one, then squeeze
        return conv1d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    stride, dilation = _single(stride, "stride"), _single(dilation, "dilation")
    kernel = tuple(weight.shape[2:]) if weight.dim() == 3 else (1,)
    pads = _conv_padding(padding, kernel, stride, dilation, _single)
    _check_conv(input, weight, bias, stride, dilation, pads, groups)
    if pads[0] != pads[1]:      # uneven 'same': pad the right end first, as PyTorch does
        input = constant_pad(input, (0, pads[1] - pads[0]), 0)
        pads = (pads[0], pads[0])
    windows = _Windows((1, input.shape[2]), (1,) + kernel, (1,) + stride, (1,) + dilation, (0, 0) + pads)
    return _convolution(input, weight, bias, windows, groups)


# ---- transposed convolutions ----------------------------------------------------------

def _check_conv_transpose(input, weight, bias, stride, padding, output_padding, dilation, groups):
    """PyTorch's checks for a transposed convolution over 2 dims (a 1-D one
    is checked as images of height one, as PyTorch reports it)."""
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(p >= s and p >= d for p, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: {output_padding[1]} "
            f"stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    c, o_per_group = weight.shape[:2]
    if c % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(weight.shape)}] instead")     # sic: PyTorch's double brackets
    if input.shape[1] != c:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
            f"to have {c} channels, but got {input.shape[1]} channels instead")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != o_per_group * groups):
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be 1-dimensional "
            f"with {o_per_group * groups} elements, but got bias of size {list(bias.shape)} instead")
    if weight._data.dtype != input._data.dtype or bias is not None and bias._data.dtype != input._data.dtype:
        other = weight if weight._data.dtype != input._data.dtype else bias
        raise RuntimeError(
            f"Input type ({input.type()}) and weight type ({other.type()}) should be the same or input "
            "should be a MKLDNN tensor and weight is a dense tensor")


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, dims):
    """A transposed convolution over ``dims`` (1 or 2) dimensions of a batched
    input: the geometry of the convolution whose input gradient it is, then
    ``_convolution_transpose``."""
    if weight.dim() != dims + 2:
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of {weight.dim() - 2} values to "
            f"match the convolution dimensions, but got stride={list(stride)}")
    if dims == 1:       # as images of height one
        stride, padding, output_padding, dilation = ((1,) + stride, (0,) + padding, (0,) + output_padding,
                                                     (1,) + dilation)
    _check_conv_transpose(input, weight, bias, stride, padding, output_padding, dilation, groups)
    kernel = tuple(weight.shape[2:]) if dims == 2 else (1,) + tuple(weight.shape[2:])
    size_in = tuple(input.shape[2:]) if dims == 2 else (1,) + tuple(input.shape[2:])
    # The convolution of an image of ``size`` gives back one of ``size_in``.
    size = tuple((size_in[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + 1
                 + output_padding[d] for d in (0, 1))
    if min(size) <= 0:
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). "
            f"Calculated output size per channel: ({' x '.join(map(str, size[2 - dims:]))}). "
            "Output size is too small")
    windows = _Windows(size, kernel, stride, dilation,
                       (padding[0], padding[0], padding[1], padding[1]), out=size_in)
    return _convolution_transpose(input, weight, bias, windows, groups)


def _convolution_transpose(input, weight, bias, windows, groups):
    """``fold(W.T @ x)`` per group: what a convolution's backward does for its
    input, here the forward. A 3-D ``input`` (N, C, L) is images of height one."""
    flat = input.dim() == 3
    x, w = (input._data[:, :, None], weight._data[:, :, None]) if flat else (input._data, weight._data)
    xp = input._device.xp
    n, c = input.shape[:2]
    o = weight.shape[1] * groups
    (kh, kw), (ho, wo) = windows.kernel, windows.out
    w_t = w.reshape(groups, c // groups, -1).transpose(0, 2, 1)           # (g, O/g*kh*kw, C/g)
    columns = xp.matmul(w_t, x.reshape(n, groups, c // groups, ho * wo))  # (N, g, O/g*kh*kw, L)
    columns = columns.reshape(n, o, kh, kw, ho, wo)
    out = _add_windows(xp, lambda i, j: columns[:, :, i, j], windows, (n, o), columns.dtype)
    if bias is not None:
        out = out + bias._data.reshape(o, 1, 1)
    res = make_tensor(out[:, :, 0] if flat else xp.ascontiguousarray(out), input._device)
    if _state.enabled and (input._requires_grad or weight._requires_grad or
                           (bias is not None and bias._requires_grad)) or _fw.active:
        node = ConvolutionBackward0((edge_to(input), edge_to(weight),
                                     edge_to(bias) if bias is not None else (None, 0)))
        node.save_for_backward(input, weight)
        node.windows, node.groups, node.flat, node.transposed = windows, groups, flat, True
        node.columns = None
        attach(res, node)
    return res


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution of ``input`` (N, C, H, W) with ``weight``
    (C, O / groups, kh, kw), plus ``bias`` (O,): the gradient of ``conv2d``
    with respect to its input, so each input pixel spreads a copy of the
    kernel onto the output. ``output_padding`` adds rows and columns at the
    bottom and right (which size a strided convolution came from is ambiguous).

        >>> conv_transpose2d(ones(1, 1, 2, 2), ones(1, 1, 2, 2), stride=2).shape
        autograd_ref.Size([1, 1, 4, 4])
    """
    if input.dim() not in (3, 4):
        raise RuntimeError(
            "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: "
            f"{list(input.shape)}")
    if input.dim() == 3:    # a batch of one, then squeeze
        return conv_transpose2d(input.unsqueeze(0), weight, bias, stride, padding, output_padding, groups,
                                dilation).squeeze(0)
    return _conv_transpose(input, weight, bias, _pair(stride, "stride"), _pair(padding, "padding"),
                           _pair(output_padding, "output_padding"), groups, _pair(dilation, "dilation"), 2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution of ``input`` (N, C, L) with ``weight``
    (C, O / groups, k), plus ``bias`` (O,): ``conv_transpose2d`` on signals of
    height one, one node.

        >>> conv_transpose1d(ones(1, 1, 3), ones(1, 1, 2))
        tensor([[[1., 2., 2., 1.]]])
    """
    if input.dim() not in (2, 3):
        raise RuntimeError(
            "Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: "
            f"{list(input.shape)}")
    if input.dim() == 2:
        return conv_transpose1d(input.unsqueeze(0), weight, bias, stride, padding, output_padding, groups,
                                dilation).squeeze(0)
    return _conv_transpose(input, weight, bias, _single(stride, "stride"), _single(padding, "padding"),
                           _single(output_padding, "output_padding"), groups, _single(dilation, "dilation"), 1)


# ---- batch normalisation ------------------------------------------------------------------

class NativeBatchNormBackward0(Node):
    """With x_hat = (x - mean) * invstd, out = x_hat * weight + bias. In
    training the mean and invstd depend on x too, which gives the two extra
    terms of the input's gradient."""
    __slots__ = ("mean", "invstd", "training", "eps")

    def backward(self, grad):
        x, weight = self.saved_tensors
        dims = (0,) + tuple(range(2, x.dim()))
        mean, invstd = make_tensor(self.mean, x._device), make_tensor(self.invstd, x._device)
        if self.training and _state.enabled:
            # Differentiating this backward (create_graph): the statistics are
            # functions of x, so compute them again where the graph sees them.
            mean = x.mean(dims, keepdim=True)
            invstd = ((x - mean).square().mean(dims, keepdim=True) + self.eps).rsqrt()
        x_hat = (x - mean) * invstd
        grad_input = grad_weight = grad_bias = None
        if self.next_functions[0][0] is not None:
            scale = invstd if weight is None else invstd * weight.reshape(mean.shape)
            if self.training:
                grad_input = (grad - grad.mean(dims, keepdim=True)
                              - x_hat * (grad * x_hat).mean(dims, keepdim=True)) * scale
            else:
                grad_input = grad * scale
        if self.next_functions[1][0] is not None:
            grad_weight = (grad * x_hat).sum(dims)
        if self.next_functions[2][0] is not None:
            grad_bias = grad.sum(dims)
        return grad_input, grad_weight, grad_bias


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) to mean 0 and variance 1, then scale by
    ``weight`` and shift by ``bias``. In training the batch's statistics are
    used and the running ones updated in place; otherwise the running ones.

        >>> batch_norm(x, None, None, training=True)      # x: (N, C) or (N, C, ...)
    """
    if input.dim() < 2:
        raise ValueError(f"Expected 2D or more input (got {input.dim()}D input)")
    c = input.shape[1]
    dims = (0,) + tuple(range(2, input.dim()))
    count = input.numel() // c
    if training and count <= 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size "
            f"torch.Size({list(input.shape)})")
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean must be defined in evaluation mode")
    check_same_device(input, running_mean, running_var, weight, bias)
    xp = input._device.xp
    x = input._data
    stat_shape = (1, c) + (1,) * (input.dim() - 2)
    if training:
        mean = x.mean(axis=dims, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=dims, keepdims=True)
        if running_mean is not None:
            _update_running(running_mean, mean, momentum)
        if running_var is not None:
            _update_running(running_var, var * (count / (count - 1)), momentum)  # the unbiased variance
    else:
        mean = running_mean._data.reshape(stat_shape)
        var = running_var._data.reshape(stat_shape)
        centred = x - mean
    invstd = 1 / xp.sqrt(var + xp.asarray(eps, dtype=var.dtype))
    out = centred * invstd
    if weight is not None:
        out *= weight._data.reshape(stat_shape)
    if bias is not None:
        out += bias._data.reshape(stat_shape)
    res = make_tensor(out.astype(x.dtype, copy=False), input._device)
    if _state.enabled and any(t is not None and t._requires_grad for t in (input, weight, bias)) or _fw.active:
        node = NativeBatchNormBackward0(tuple(edge_to(t) if t is not None else (None, 0)
                                              for t in (input, weight, bias)))
        node.save_for_backward(input, weight)
        node.mean, node.invstd = mean.astype(x.dtype, copy=False), invstd.astype(x.dtype, copy=False)
        node.training, node.eps = training, eps
        attach(res, node)
    return res


def _update_running(stat, batch_value, momentum):
    """``stat = (1 - momentum) * stat + momentum * batch_value``, in place and
    outside the graph."""
    data = stat._data
    data *= 1 - momentum
    data += (momentum * batch_value).reshape(data.shape).astype(data.dtype, copy=False)
    stat._version_counter[0] += 1
