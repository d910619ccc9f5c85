"""Pooling on images (N, C, H, W): max, average and adaptive average. They look at the same windows as a
convolution (``conv._Windows``), but need no copy of them: the elements at kernel position (i, j) of every
window form one strided slice of the image (``_Windows.at``), so a max pool is a running ``maximum`` over
kh * kw slices, and an average pool a running sum. Each backward is itself an operation with a node, so that
``create_graph=True`` gives second derivatives.

    >>> max_pool2d(arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
"""
import numbers

from ..autograd.graph import Node, edge_to
from ..tensor import make_tensor
from .common import _fw, _state, attach
from .conv import _add_windows, _pad, _pair, _Windows

# ---- max pooling ----------------------------------------------------------------------

def _pool_windows(input, kernel_size, stride, padding, dilation, ceil_mode, op):
    if input.dim() not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    kernel = _pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or (not isinstance(stride, numbers.Integral) and len(stride) == 0) \
        else _pair(stride, "stride", op)
    ph, pw = _pair(padding, "padding", op)
    dilation = _pair(dilation, "dilation", op)
    if min(kernel) <= 0:
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if min(stride) == 0:
        raise RuntimeError("stride should not be zero")
    if min(stride) < 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} dW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(
            f"dilation should be greater than zero, but got dilationH: {dilation[0]} dilationW: {dilation[1]}")
    for p, k, d in ((ph, kernel[0], dilation[0]), (pw, kernel[1], dilation[1])):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}")
    windows = _Windows(tuple(input.shape[-2:]), kernel, stride, dilation, (ph, ph, pw, pw), ceil_mode)
    if min(windows.out) < 1:
        c = input.shape[-3]
        raise RuntimeError(
            f"Given input size: ({c}x{windows.size[0]}x{windows.size[1]}). Calculated output size: "
            f"({c}x{windows.out[0]}x{windows.out[1]}). Output size is too small")
    return windows


def _lowest(xp, dtype):
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


class MaxPool2DWithIndicesBackward0(Node):
    """The gradient of each window's max goes back to where the max was."""
    __slots__ = ("windows", "argmax", "shape")

    def backward(self, grad):
        self.saved_tensors      # only to notice an in-place change of the input, as PyTorch does
        return _max_pool2d_backward(grad, self.argmax, self.windows, self.shape)


class MaxPool2DWithIndicesBackwardBackward0(Node):
    """``_max_pool2d_backward`` is linear in the gradient; its own backward
    reads each window's max position back out."""
    __slots__ = ("windows", "argmax", "shape")

    def backward(self, grad):
        xp = grad._device.xp
        image = grad.reshape(-1, self.shape[-2] * self.shape[-1])                # (N*C, H*W)
        flat = _flat_indices(xp, self.argmax, self.windows)                     # (N, C, Ho, Wo)
        rows = xp.arange(image.shape[0]).reshape(flat.shape[:-2] + (1, 1))
        return image[make_tensor(rows, grad._device), make_tensor(flat, grad._device)]


def _flat_indices(xp, argmax, windows):
    """PyTorch's max-pool indices: the position ``h * W + w`` of each max in
    its (unpadded) input plane, from the kernel position ``i * kw + j`` of the
    max in its window."""
    kw = windows.kernel[1]
    (sh, sw), (dh, dw), (ho, wo) = windows.stride, windows.dilation, windows.out
    top, _, left, _ = windows.pads
    argmax = argmax.astype(xp.int64)
    rows = xp.arange(ho).reshape(ho, 1) * sh - top + (argmax // kw) * dh
    cols = xp.arange(wo) * sw - left + (argmax % kw) * dw
    return rows * windows.size[1] + cols


def _max_pool2d_backward(grad, argmax, windows, shape):
    """An image of ``shape`` holding each window's gradient at the window's
    max (summed where windows share a max)."""
    xp = grad._device.xp
    kw = windows.kernel[1]
    g = grad._data
    image = _add_windows(xp, lambda i, j: g * (argmax == i * kw + j), windows, g.shape[:-2], g.dtype)
    res = make_tensor(image, grad._device)
    if _state.enabled and grad._requires_grad or _fw.active:
        node = MaxPool2DWithIndicesBackwardBackward0((edge_to(grad),))
        node.windows, node.argmax, node.shape = windows, argmax, shape
        attach(res, node)
    return res


def _window_argmax(xp, padded, best, windows):
    """For each window, the kernel position ``i * kw + j`` of its max ``best``:
    the first one where several are equal, the last NaN where there are NaNs
    (PyTorch's rules), and never the padding."""
    offsets = windows.offsets()
    small = xp.int8 if len(offsets) < 128 else xp.int32     # it is compared often: keep it small
    argmax = xp.zeros(best.shape, dtype=small)
    found = padded[windows.at(*offsets[0])] == best
    for k, (i, j) in enumerate(offsets[1:], 1):
        first = padded[windows.at(i, j)] == best
        first &= ~found
        found |= first
        argmax += first.astype(small) * small(k)
    if best.dtype.kind == "f":
        nan = xp.isnan(best)
        if nan.any():
            for k, (i, j) in enumerate(offsets):
                argmax[nan & xp.isnan(padded[windows.at(i, j)])] = k
    if any(windows.pads):
        # A window whose elements are all the lowest value: PyTorch points at
        # its first element inside the image, not at the padding.
        lowest = best == _lowest(xp, best.dtype)
        if lowest.any():
            argmax = xp.where(lowest, _first_inside(xp, windows).astype(small), argmax)
    return argmax


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The largest value of each window; with ``return_indices``, also where
    each came from (``h * W + w`` in its input plane).

        >>> max_pool2d(arange(16.).view(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    windows = _pool_windows(input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    xp = input._device.xp
    data = input._data
    padded = _pad(xp, data, windows, _lowest(xp, data.dtype))
    # One strided slice of the whole image per kernel position: the elements
    # at that position of every window. (maximum lets NaN win, as PyTorch does.)
    offsets = windows.offsets()
    best = padded[windows.at(*offsets[0])].copy()
    for i, j in offsets[1:]:
        xp.maximum(best, padded[windows.at(i, j)], out=best)
    res = make_tensor(best, input._device)
    record = _state.enabled and input._requires_grad or _fw.active
    argmax = _window_argmax(xp, padded, best, windows) if record or return_indices else None
    if record:
        node = MaxPool2DWithIndicesBackward0((edge_to(input),))
        node.save_for_backward(input)
        node.windows, node.argmax, node.shape = windows, argmax, input.shape
        attach(res, node)
    if return_indices:
        return res, make_tensor(_flat_indices(xp, argmax, windows), input._device)
    return res


def _first_inside(xp, windows):
    """For each window, the kernel position of its first element inside the
    unpadded image."""
    kw = windows.kernel[1]
    first = []
    for d in (0, 1):
        start = xp.arange(windows.out[d]) * windows.stride[d] - windows.pads[2 * d]
        # the smallest i with start + i * dilation >= 0
        first.append(xp.maximum(0, -(start // windows.dilation[d])))
    return first[0].reshape(-1, 1) * kw + first[1]


# ---- average pooling ----------------------------------------------------------------

class AvgPool2DBackward0(Node):
    """Each window's gradient, divided by its divisor, spread over the window."""
    __slots__ = ("windows", "divisor", "shape")

    def backward(self, grad):
        return _avg_pool2d_backward(grad, self.windows, self.divisor, self.shape)


class AvgPool2DBackwardBackward0(Node):
    __slots__ = ("windows", "divisor", "shape")

    def backward(self, grad):
        return _avg_pool2d(grad, self.windows, self.divisor)


def _avg_pool2d(input, windows, divisor):
    xp = input._device.xp
    padded = _pad(xp, input._data, windows, 0)
    total = padded[windows.at(0, 0)].copy()
    for i, j in windows.offsets()[1:]:
        total += padded[windows.at(i, j)]
    res = make_tensor(total / xp.asarray(divisor, dtype=total.dtype), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = AvgPool2DBackward0((edge_to(input),))
        node.windows, node.divisor, node.shape = windows, divisor, input.shape
        attach(res, node)
    return res


def _avg_pool2d_backward(grad, windows, divisor, shape):
    xp = grad._device.xp
    share = grad._data / xp.asarray(divisor, dtype=grad._data.dtype)
    image = _add_windows(xp, lambda i, j: share, windows, share.shape[:-2], share.dtype)  # the same at every (i, j)
    res = make_tensor(image, grad._device)
    if _state.enabled and grad._requires_grad or _fw.active:
        node = AvgPool2DBackwardBackward0((edge_to(grad),))
        node.windows, node.divisor, node.shape = windows, divisor, shape
        attach(res, node)
    return res


def _avg_divisor(xp, windows, count_include_pad, divisor_override):
    """What each window's sum is divided by: the window's size, counting the
    padding (but not what ceil_mode adds beyond it) or not; an (Ho, Wo) array."""
    if divisor_override:
        return divisor_override
    sides = []
    for d in (0, 1):
        start = xp.arange(windows.out[d]) * windows.stride[d] - windows.pads[2 * d]
        end = xp.minimum(start + windows.kernel[d], windows.size[d] + windows.pads[2 * d])
        if not count_include_pad:
            start, end = xp.maximum(start, 0), xp.minimum(end, windows.size[d])
        sides.append(end - start)
    return sides[0].reshape(-1, 1) * sides[1]


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of each window (zero padding counts, unless ``count_include_pad=False``).

        >>> avg_pool2d(arange(16.).view(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    windows = _pool_windows(input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    return _avg_pool2d(input, windows,
                       _avg_divisor(input._device.xp, windows, count_include_pad, divisor_override))


# ---- adaptive average pooling -------------------------------------------------------------

class AdaptiveAvgPool2DBackward0(Node):
    """The pooling is ``rows @ x @ cols.T``; its backward ``rows.T @ grad @ cols``."""
    __slots__ = ("rows", "cols")

    def backward(self, grad):
        return self.rows.t() @ grad @ self.cols


def _adaptive_matrix(xp, size, out, dtype):
    """(out, size): row i averages input elements floor(i*size/out) up to
    ceil((i+1)*size/out), PyTorch's adaptive windows (they may overlap)."""
    i = xp.arange(out).reshape(-1, 1)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    k = xp.arange(size)
    inside = (k >= start) & (k < end)
    return (inside / (end - start)).astype(dtype)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size, whatever the input's size;
    ``None`` keeps that dimension's size.

        >>> adaptive_avg_pool2d(ones(1, 3, 7, 5), (2, 2)).shape
        autograd_ref.Size([1, 3, 2, 2])
    """
    if input.dim() not in (3, 4):
        raise ValueError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    size = tuple(input.shape[-2:])
    if isinstance(output_size, numbers.Integral):
        output_size = (output_size, output_size)
    out = tuple(s if o is None else int(o) for o, s in zip(output_size, size))
    if len(out) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    if out == (1, 1):
        # PyTorch computes this common case (a global average) as a mean.
        return input.mean((-1, -2), keepdim=True)
    xp = input._device.xp
    dtype = input._data.dtype
    rows, cols = _adaptive_matrix(xp, size[0], out[0], dtype), _adaptive_matrix(xp, size[1], out[1], dtype)
    res = make_tensor(xp.matmul(xp.matmul(rows, input._data), cols.T), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = AdaptiveAvgPool2DBackward0((edge_to(input),))
        node.rows, node.cols = make_tensor(rows, input._device), make_tensor(cols, input._device)
        attach(res, node)
    return res
