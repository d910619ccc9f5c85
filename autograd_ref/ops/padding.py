"""Padding and resampling: ``F.pad`` in every mode and ``F.interpolate``. Constant padding copies the input
into a larger array (its gradient cuts the padding off again); reflect and replicate padding and nearest
interpolation pick input elements, linear interpolation a weighted sum of two neighbours along each dim (the
gradient adds up over the picks, times the weights).

    >>> F.pad(tensor([[1., 2., 3.]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])
"""
import math

from ..autograd.graph import Node, edge_to
from ..tensor import make_tensor
from .common import _fw, _state, attach

# ---- padding --------------------------------------------------------------------------

class ConstantPadNdBackward0(Node):
    """Padding with a constant: the gradient is the output gradient with the
    padding cut off again, i.e. padded by the negated amounts."""
    __slots__ = ("pad",)
    SAVED_ATTRIBUTES = ("pad",)

    def backward(self, grad):
        return constant_pad(grad, [-p for p in self.pad], 0)


def constant_pad(input, pad, value):
    """``input`` inside ``value``: ``pad`` lists (before, after) amounts, last dimension first (negative amounts
    cut); recorded as ConstantPadNdBackward0.

        >>> constant_pad(ones(2, 2), (1, 1), 0.0).shape
        autograd_ref.Size([2, 4])
    """
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension "
                           f"but got padding length {len(pad)} and input of dimension {input.dim()}")
    shape, source, target = list(input.shape), [], []
    for d in range(input.dim()):
        k = input.dim() - 1 - d            # pad lists the last dimension first
        before, after = (pad[2 * k], pad[2 * k + 1]) if 2 * k < len(pad) else (0, 0)
        size = shape[d]
        if size + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        source.append(slice(max(-before, 0), size - max(-after, 0)))
        target.append(slice(max(before, 0), max(before, 0) + size + min(before, 0) + min(after, 0)))
        shape[d] = size + before + after
    xp = input._device.xp
    data = xp.full(shape, value, dtype=input._data.dtype)
    data[tuple(target)] = input._data[tuple(source)]
    out = make_tensor(data, input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = ConstantPadNdBackward0((edge_to(input),))
        node.pad = tuple(pad)
        attach(out, node)
    return out


def pad(input, pad, mode="constant", value=None):
    """``input`` with ``value`` added around it: ``pad`` lists (before, after)
    amounts for the last dimension, then the one before it, ... (negative
    amounts cut). ``mode`` 'reflect' (mirror, edge not repeated), 'replicate'
    (repeat the edge) and 'circular' (wrap around) pad the last 1 or 2 dims.

        >>> y = F.pad(x, (1, 2))      # forward: x of shape (3, 4) inside zeros of shape (3, 7)
        >>> y.backward(g)             # backward: x.grad = g[:, 1:5]   (ConstantPadNdBackward0)
    """
    if mode == "constant":
        return constant_pad(input, pad, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    dims = len(pad) // 2
    if input.dim() not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if dims > 2:
        raise NotImplementedError(f"autograd_ref pads with mode={mode!r} the last 1 or 2 dims only")
    if mode != "circular" and 0 in input.shape[input.dim() - dims - 1:]:       # all but the batch dim
        raise RuntimeError(
            f"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch size and other "
            f"non-zero dimensions for input, but got: {list(input.shape)}")
    indices = []                    # for each padded dim, last first: which input element each output one is
    xp = input._device.xp
    for k in range(dims):
        d, (before, after) = input.dim() - 1 - k, pad[2 * k:2 * k + 2]
        n = input.shape[d]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(
                f"Argument #{4 + 2 * k}: Padding size should be less than the corresponding input dimension, "
                f"but got: padding ({before}, {after}) at dimension {d} of input {list(input.shape)}")
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        j = xp.arange(-before, n + after)
        if mode == "reflect":
            j = xp.abs(j)
            j = xp.where(j > n - 1, 2 * (n - 1) - j, j)
        elif mode == "replicate":
            j = xp.clip(j, 0, n - 1)
        else:                   # wrap around what is left after negative amounts cut
            lo, hi = max(-before, 0), n - max(-after, 0)
            j = lo + (j + min(before, 0)) % (hi - lo)
        indices.append(j)
    if mode == "circular":          # wrapping is a plain index_select along each dim
        for k, j in enumerate(indices):
            input = input.index_select(input.dim() - 1 - k, make_tensor(j, input._device))
        return input
    name = ("ReflectionPad" if mode == "reflect" else "ReplicationPad") + f"{dims}DBackward0"
    return _pick(input, [[(index, None)] for index in indices], name)


# ---- picking: each output element is one input element, or a weighted sum of two -----------------

class _PickBackward(Node):
    """``out`` takes, along each of the last dims, the input elements an index names (reflect and replicate
    padding, nearest interpolation), or a weighted sum of two of them (linear interpolation): each input
    element's gradient is the sum of the gradients of the outputs that took it, times the weights, put back
    with ``index_add`` (so ``create_graph=True`` differentiates it again)."""
    __slots__ = ("picks",)      # (dim, input size, [(index tensor, weight tensor or None)]), in forward order

    def backward(self, grad):
        for dim, size, terms in reversed(self.picks):
            shape = list(grad.shape)
            shape[dim] = size
            summed = grad.new_zeros(shape)
            for index, weight in terms:
                summed = summed.index_add(dim, index, grad if weight is None else grad * weight)
            grad = summed
        return grad


def _pick(input, picks, name):
    """``input`` resampled along its last dims, recorded as a node called ``name``: ``picks`` holds, for each
    dim from the last, a list of ``(index, weight)`` terms (weight None: 1), and output element i of that dim is
    the sum over the terms of ``weight[i] * input[index[i]]``. Only the named elements are read, so a NaN stays
    where it is taken."""
    xp, data, recorded = input._device.xp, input._data, []
    for k, terms in enumerate(picks):
        dim = input.dim() - 1 - k
        shape = [1] * data.ndim
        shape[dim] = -1
        taken = [xp.take(data, index, axis=dim) if weight is None else
                 xp.take(data, index, axis=dim) * weight.reshape(shape) for index, weight in terms]
        recorded.append((dim, input.shape[dim], terms, shape))
        data = taken[0] if len(taken) == 1 else taken[0] + taken[1]
    out = make_tensor(data, input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = _PICK_NODES[name]((edge_to(input),))
        node.picks = [(dim, size, [(make_tensor(index, input._device),
                                    None if weight is None else make_tensor(weight.reshape(shape), input._device))
                                   for index, weight in terms])
                      for dim, size, terms, shape in recorded]
        attach(out, node)
    return out


_PICK_NODES = {name: type(name, (_PickBackward,), {"__slots__": ()}) for name in (
    "ReflectionPad1DBackward0", "ReflectionPad2DBackward0", "ReplicationPad1DBackward0",
    "ReplicationPad2DBackward0", "UpsampleNearest1DBackward0", "UpsampleNearest2DBackward0",
    "UpsampleNearestExact1DBackward0", "UpsampleNearestExact2DBackward0", "UpsampleLinear1DBackward0",
    "UpsampleBilinear2DBackward0")}


def _nearest_index(xp, size, out, scale, exact):
    """Nearest neighbour: output element i takes input element floor(i * s)
    (``exact``: floor((i + 0.5) * s)), s = 1 / scale_factor or size / out,
    computed in float32 as PyTorch does."""
    s = xp.float32(1.0 / scale) if scale else xp.float32(size) / xp.float32(out)
    i = xp.arange(out)
    src = (i + 0.5) * float(s) if exact else i.astype(xp.float32) * s
    return xp.minimum(xp.floor(src.astype(xp.float32)).astype(xp.int64), size - 1)


def _linear_terms(xp, size, out, scale, align_corners, dtype):
    """Linear interpolation: output element i sits at input position x (the ends on the ends with
    ``align_corners``, else pixel centres on pixel centres); it takes (1 - t) of element floor(x) and t of the
    next one. The two ``(index, weight)`` terms of :func:`_pick`."""
    one, half = dtype.type(1), dtype.type(0.5)
    if align_corners:
        s = dtype.type(size - 1) / dtype.type(out - 1) if out > 1 else dtype.type(0)
        x = xp.arange(out).astype(dtype) * s
    else:
        s = dtype.type(1.0 / scale) if scale else dtype.type(size) / dtype.type(out)
        x = xp.maximum(s * (xp.arange(out).astype(dtype) + half) - half, dtype.type(0))
    left = xp.minimum(xp.floor(x).astype(xp.int64), size - 1)
    t = xp.clip(x - left.astype(dtype), 0, one)
    return [(left, one - t), (xp.minimum(left + 1, size - 1), t)]


_INTERP_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"


def _per_dim(value, dims, input, what):
    """``size`` or ``scale_factor`` (``what``) as a list with one entry per spatial dim."""
    if not isinstance(value, (list, tuple)):
        return [value] * dims
    if len(value) != dims:
        given, letter = ("output size of", "o") if what == "size" else ("scale_factor of shape", "s")
        raise ValueError(
            f"Input and {'output' if what == 'size' else what} must have the same number of spatial dimensions, "
            f"but got input with spatial dimensions of {list(input.shape[2:])} and {given} {tuple(value)}. "
            f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
            f"{'output size' if what == 'size' else what} in ({letter}1, {letter}2, ...,{letter}K) format.")
    return list(value)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the last 1 (input (N, C, L)) or 2 (input (N, C, H, W)) dims to
    ``size``, or by ``scale_factor``: ``mode`` 'nearest', 'nearest-exact',
    'linear' (3-D) or 'bilinear' (4-D), with or without ``align_corners``.

        >>> F.interpolate(tensor([[[1., 2.]]]), scale_factor=2, mode="linear")
        tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
    """
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dims = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    scales = [None] * dims
    if size is not None:
        out = [int(o) for o in _per_dim(size, dims, input, "size")]
    else:
        scales = [float(s) for s in _per_dim(scale_factor, dims, input, "scale_factor")]
        out = [int(n * s) for n, s in zip(input.shape[2:], scales)]
        if recompute_scale_factor:
            out, scales = [math.floor(n * s) for n, s in zip(input.shape[2:], scales)], [None] * dims
    if antialias and not (mode in ("bilinear", "bicubic") and dims == 2):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
                         "a 4-D tensor as input")
    if mode == "linear" and dims != 1 or mode == "bilinear" and dims != 2:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {3 if mode == 'linear' else 4}D "
                                  "input")
    if dims not in (1, 2, 3) or mode not in _INTERP_MODES.split(" | "):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
                                  f"for the modes: {_INTERP_MODES} (got {mode})")
    if dims == 3 or mode not in ("nearest", "nearest-exact", "linear", "bilinear") or antialias:
        raise NotImplementedError(f"autograd_ref's interpolate has modes nearest, nearest-exact, linear and "
                                  f"bilinear for 3-D and 4-D input, not {mode!r} for {input.dim()}-D input"
                                  + (" with antialias" if antialias else ""))
    if min(list(input.shape[2:]) + out) <= 0:
        names = ("H", "W")[-dims:]
        sizes_in = ", ".join(f"{k}: {n}" for k, n in zip(names, input.shape[2:]))
        sizes_out = ", ".join(f"{k}: {n}" for k, n in zip(names, out))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({sizes_in}) "
                           f"{'and ' if dims == 1 else ''}output ({sizes_out})")
    if not input.is_floating_point() and mode in ("linear", "bilinear"):
        raise NotImplementedError(f'"compute_indices_weights_linear" not implemented for \'{input.dtype.legacy_name[:-6]}\'')
    xp, dtype = input._device.xp, input._data.dtype
    kind = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear", "bilinear": "Bilinear"}[mode]
    name = f"Upsample{kind}{dims}DBackward0"
    sizes = list(zip(input.shape[2:], out, scales))[::-1]        # last dim first
    if mode in ("nearest", "nearest-exact"):
        return _pick(input, [[(_nearest_index(xp, n, o, s, mode == "nearest-exact"), None)] for n, o, s in sizes],
                     name)
    return _pick(input, [_linear_terms(xp, n, o, s, align_corners, dtype) for n, o, s in sizes], name)
