"""Sorting and selecting elements, and rearranging them: sort, topk, flip, roll and their kin.

Each function here is exported from ``autograd_ref`` through ``__all__`` and, where PyTorch has a
Tensor method of the same name, attached as one through ``METHODS``.

Every backward is written with differentiable operations (scatter, index_add, flip, roll of the
gradient), so ``create_graph=True`` can differentiate it again.

    >>> sort(tensor([3., 1., 2.]))
    sort(values=tensor([1., 2., 3.]), indices=tensor([1, 2, 0]))
"""
import collections
import numbers

from .. import dtypes
from .._backend import CPU, transfer
from ..autograd.graph import Node, edge_to
from ..creation import _numpy_generator, zeros
from ..tensor import Tensor, make_tensor
from .common import _fw, _state, attach, check_broadcastable, check_same_device, normalize_dim, reduce_to
from .indexing import gather, index_select, scatter, scatter_add
from .reduction import _ReturnTypes
from .shape import broadcast_shapes_of, cat, clone, expand, flatten, narrow, reshape, unsqueeze, view

__all__ = ["sort", "argsort", "msort", "topk", "median",
           "flip", "roll", "tile", "repeat_interleave", "vstack", "hstack", "dstack",
           "nonzero", "masked_select", "unique", "multinomial",
           "atleast_1d", "atleast_2d", "atleast_3d", "fliplr", "flipud", "take_along_dim", "argwhere",
           "cummax", "cummin", "diff", "count_nonzero", "kthvalue", "mode", "searchsorted", "bucketize"]


def _recorded(input):
    """Whether an operation on ``input`` builds its node (grad mode and requires_grad, or a dual level)."""
    return _state.enabled and input._requires_grad or _fw.active


def _int64(array, device):
    return make_tensor(array.astype(device.xp.int64, copy=False), device)


def _put_back(grad, indices, shape, dim):
    """A zero tensor of ``shape`` holding ``grad`` at ``indices`` along ``dim`` (the backward of every
    selection by index): a ``scatter``, so that it differentiates again (into a ``gather``)."""
    if not shape:                                   # a 0-d input: its one element was picked
        return grad.reshape(())
    return scatter(zeros(shape, dtype=grad.dtype, device=grad.device), dim, indices, grad)


# ---- sort, argsort, msort ----------------------------------------------------------------------

class SortBackward0(Node):
    """Each sorted value's gradient goes back to the place it came from."""
    __slots__ = ("shape", "dim")

    def backward(self, grad):
        (indices,) = self.saved_tensors
        return _put_back(grad, indices, self.shape, self.dim)


class SortBackward1(SortBackward0):
    """``sort(..., stable=...)``: PyTorch's other overload, the same backward."""
    __slots__ = ()


def _sort_arrays(data, d, descending, xp):
    """Stably sorted values and their int64 indices along ``d``; NaN counts as the largest value."""
    if data.ndim == 0:
        return data.copy(), xp.zeros((), xp.int64)
    if descending:      # ascending on the reversed array, reversed back: ties keep their order
        indices = xp.flip(xp.argsort(xp.flip(data, d), axis=d, kind="stable"), d)
        indices = data.shape[d] - 1 - indices
    else:
        indices = xp.argsort(data, axis=d, kind="stable")
    return xp.take_along_axis(data, indices, axis=d), indices.astype(xp.int64, copy=False)


def _record_selection(input, values, indices, node_cls, d):
    """The (values, indices) tensors of a selection along ``d``; the values get ``node_cls``."""
    values_t, indices_t = make_tensor(values, input._device), _int64(indices, input._device)
    if _recorded(input):
        node = node_cls((edge_to(input),))
        node.shape, node.dim = input.shape, d
        node.save_for_backward(indices_t)
        attach(values_t, node)
    return values_t, indices_t


def sort(input, dim=-1, descending=False, *, stable=None):
    """The elements sorted along ``dim``, and where each came from: ``(values, indices)``. Ties keep
    their order (PyTorch promises that only with ``stable=True``); NaN sorts as the largest value.

        >>> sort(tensor([3., 1., 2.]), descending=True).indices
        tensor([0, 2, 1])
    """
    d = normalize_dim(dim, input.dim())
    values, indices = _sort_arrays(input._data, d, descending, input._device.xp)
    node_cls = SortBackward0 if stable is None else SortBackward1
    return _ReturnTypes["sort"](*_record_selection(input, values, indices, node_cls, d))


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort ``input`` along ``dim`` (no gradient).

        >>> argsort(tensor([3., 1., 2.]))
        tensor([1, 2, 0])
    """
    d = normalize_dim(dim, input.dim())
    return _int64(_sort_arrays(input._data, d, descending, input._device.xp)[1], input._device)


def msort(input):
    """``sort(input, dim=0).values``.

        >>> msort(tensor([[2., 1.], [0., 3.]]))
        tensor([[0., 1.], [2., 3.]])
    """
    return sort(input, 0).values


# ---- topk ----------------------------------------------------------------------------------------

class TopkBackward0(SortBackward0):
    """The gradient goes to the ``k`` chosen elements; the others get zero."""
    __slots__ = ()


def topk(input, k, dim=-1, largest=True, sorted=True):   # noqa: A002 - PyTorch's name
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices, largest first.
    Results come sorted even with ``sorted=False`` (PyTorch then leaves the order open).

        >>> topk(tensor([1., 5., 3.]), 2)
        topk(values=tensor([5., 3.]), indices=tensor([1, 2]))
    """
    d = normalize_dim(dim, input.dim())
    n = input.shape[d] if input.dim() else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    values, indices = _sort_arrays(input._data, d, largest, input._device.xp)
    if input.dim():
        keep = (slice(None),) * d + (slice(0, k),)
        values, indices = values[keep], indices[keep]
    return _ReturnTypes["topk"](*_record_selection(input, values, indices, TopkBackward0, d))


# ---- median --------------------------------------------------------------------------------------

class MedianBackward0(Node):
    """The median of all elements: the gradient is shared evenly among the elements equal to it."""
    __slots__ = ()

    def backward(self, grad):
        input, value = self.saved_tensors
        mask = (input == value) | (input.isnan() & value.isnan())
        return grad * mask / mask.sum()


class MedianBackward1(Node):
    """The median along a dim: the gradient goes to the element at the returned index."""
    __slots__ = ("shape", "dim", "keepdim")

    def backward(self, grad):
        (indices,) = self.saved_tensors
        if not self.keepdim and self.shape:
            grad, indices = grad.unsqueeze(self.dim), indices.unsqueeze(self.dim)
        return _put_back(grad, indices, self.shape, self.dim)


def _lower_median(data, d, xp):
    """The lower of the two middle values along ``d`` (and its index); where a NaN is, the first NaN."""
    n = data.shape[d]
    values, indices = _sort_arrays(data, d, False, xp)
    middle = (slice(None),) * d + (slice((n - 1) // 2, (n - 1) // 2 + 1),)
    values, indices = values[middle], indices[middle]
    if data.dtype.kind == "f":
        nan = xp.isnan(data)
        has_nan = nan.any(axis=d, keepdims=True)
        values = xp.where(has_nan, xp.asarray(xp.nan, dtype=data.dtype), values)
        indices = xp.where(has_nan, xp.argmax(nan, axis=d, keepdims=True), indices)
    return values, indices


def median(input, dim=None, keepdim=False):
    """The median (the lower middle value for an even count); with ``dim``, ``(values, indices)``
    along it. Among equal medians, PyTorch leaves open which index is returned.

        >>> median(tensor([4., 1., 3., 2.]))
        tensor(2.)
    """
    data, xp = input._data, input._device.xp
    if data.dtype.kind == "b":
        raise NotImplementedError("\"median_cpu\" not implemented for 'Bool'")
    if dim is None:
        flat = data.reshape(-1)
        if flat.size == 0:
            value = xp.asarray(xp.nan, dtype=data.dtype)
        else:
            value = _lower_median(flat, 0, xp)[0].reshape(())
        out = make_tensor(value, input._device)
        if _recorded(input):
            node = MedianBackward0((edge_to(input),))
            node.save_for_backward(input, out.detach())
            attach(out, node)
        return out
    d = normalize_dim(dim, input.dim())
    if data.ndim == 0:
        values, indices = data.copy(), xp.zeros((), xp.int64)
    else:
        if data.shape[d] == 0:
            raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
        values, indices = _lower_median(data, d, xp)
        if not keepdim:
            values, indices = values.squeeze(d), indices.squeeze(d)
    values_t, indices_t = make_tensor(values, input._device), _int64(indices, input._device)
    if _recorded(input):
        node = MedianBackward1((edge_to(input),))
        node.shape, node.dim, node.keepdim = input.shape, d, keepdim
        node.save_for_backward(indices_t)
        attach(values_t, node)
    return _ReturnTypes["median"](values_t, indices_t)


# ---- flip, roll, tile, repeat_interleave ---------------------------------------------------------

class FlipBackward0(Node):
    __slots__ = ("dims",)

    def backward(self, grad):
        return flip(grad, self.dims)


def _dim_list(dims, op_name, what="dims"):
    if isinstance(dims, numbers.Integral) or not isinstance(dims, (tuple, list)):
        raise TypeError(f"{op_name}(): argument '{what}' (position 2) must be tuple of ints, "
                        f"not {type(dims).__name__}")
    return tuple(int(d) for d in dims)


def flip(input, dims):
    """A copy with the order of elements reversed along each of ``dims``.

        >>> flip(tensor([[1, 2], [3, 4]]), [0])
        tensor([[3, 4], [1, 2]])
    """
    dims = tuple(normalize_dim(d, input.dim()) for d in _dim_list(dims, "flip"))
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    data = input._data
    out = make_tensor(input._device.xp.flip(data, dims).copy() if data.ndim else data.copy(), input._device)
    if _recorded(input):
        node = FlipBackward0((edge_to(input),))
        node.dims = dims
        attach(out, node)
    return out


def _flip_method(input, *dims):
    """``x.flip(0, 1)`` and ``x.flip((0, 1))``."""
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    return flip(input, dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims)


class RollBackward0(Node):
    __slots__ = ("shifts", "dims")

    def backward(self, grad):
        return roll(grad, tuple(-s for s in self.shifts), self.dims)


def roll(input, shifts, dims=None):
    """Shift elements along ``dims`` by ``shifts``, those pushed off the end coming round to the
    front; with no ``dims``, along the flattened tensor (then seen in its shape again).

        >>> roll(tensor([1, 2, 3, 4]), 1)
        tensor([4, 1, 2, 3])
    """
    shifts = (int(shifts),) if isinstance(shifts, numbers.Integral) else tuple(int(s) for s in shifts)
    dims = () if dims is None else (int(dims),) if isinstance(dims, numbers.Integral) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if len(shifts) != len(dims) and not (dims == () and len(shifts) == 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if input.dim() == 0 and dims:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    dims = tuple(normalize_dim(d, input.dim()) for d in dims)
    xp, data = input._device.xp, input._data
    if dims:
        array = xp.roll(data, shifts, dims)
    else:
        array = xp.roll(data.reshape(-1), shifts[0]).reshape(data.shape)
    out = make_tensor(array, input._device)
    if _recorded(input):
        node = RollBackward0((edge_to(input),))
        node.shifts, node.dims = shifts, dims or None
        attach(out, node)
    return out


def tile(input, dims):
    """Copies of ``input`` laid side by side, ``dims[i]`` times along dim ``i`` (missing counts are 1):
    ``repeat`` with the counts padded in front, so its node is RepeatBackward0.

        >>> tile(tensor([1, 2]), (2,))
        tensor([1, 2, 1, 2])
    """
    dims = _dim_list(dims, "tile")
    counts = (1,) * (input.dim() - len(dims)) + dims
    sizes = [r * s for r, s in zip(counts, (1,) * (len(counts) - input.dim()) + input.shape)]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {next(s for s in sizes if s < 0)}: {sizes}")
    return input.repeat(counts)


def _tile_method(input, *dims):
    """``x.tile(2, 1)`` and ``x.tile((2, 1))``."""
    return tile(input, dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims)


def _repeats_of_counts(counts):
    """``repeat_interleave(counts)``: each position ``i`` written ``counts[i]`` times."""
    data, xp = counts._data, counts._device.xp
    if data.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{_kind_name(counts.dtype)}'")
    if data.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if (data < 0).any():
        raise RuntimeError("repeats can not be negative")
    data = data.reshape(-1)
    return _int64(xp.repeat(xp.arange(data.size), data), counts._device)


def _kind_name(dtype):
    return {"int64": "Long", "bool": "Bool", "float32": "Float", "float64": "Double"}[dtype.name]


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in place; ``repeats`` is a
    number or a tensor of one count per slice. Without ``dim``, the flattened tensor.

        >>> repeat_interleave(tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
    """
    if repeats is None:
        return _repeats_of_counts(input)
    if dim is None:
        input, dim = flatten(input), 0
    d = normalize_dim(dim, input.dim())
    if isinstance(repeats, Tensor):
        n = input.shape[d] if input.dim() else 1
        if repeats.dim() == 1 and repeats.shape[0] not in (1, n):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {repeats.shape[0]} and input.size({d}) = {n}")
        if repeats.numel() == 1 and repeats.dim() <= 1:
            repeats = repeats.reshape(1).expand(n)
        return index_select(input, d, _repeats_of_counts(repeats))
    if not isinstance(repeats, numbers.Integral):
        raise TypeError("repeat_interleave() received an invalid combination of arguments - got "
                        f"(Tensor, {type(repeats).__name__}), but expected one of: (Tensor input, "
                        "Tensor repeats, int dim) or (Tensor input, int repeats, int dim)")
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = input.shape
    spread = expand(unsqueeze(input, d + 1), shape[:d + 1] + (int(repeats),) + shape[d + 1:])
    return view(clone(spread), shape[:d] + (shape[d] * int(repeats),) + shape[d + 1:])


# ---- vstack, hstack, dstack ----------------------------------------------------------------------

def _at_least(t, ndim):
    """``atleast_1d/2d/3d``: a 0-d tensor reshaped, a 1-d one unsqueezed in front (and, for 3-d, at
    the back), a 2-d one at the back for 3-d; the tensor itself when it has ``ndim`` dims already."""
    if t.dim() >= ndim:
        return t
    if t.dim() == 0:
        return reshape(t, (1,) * ndim)
    if t.dim() == 1:
        t = unsqueeze(t, 0)
    return unsqueeze(t, -1) if t.dim() < ndim else t


def _joined(tensors, ndim, op_name):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op_name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{op_name} expects a non-empty TensorList")
    return [_at_least(t, ndim) for t in tensors]


def vstack(tensors):
    """Stack rows: 1-d tensors become rows, then ``cat`` along dim 0.

        >>> vstack([tensor([1, 2]), tensor([3, 4])])
        tensor([[1, 2], [3, 4]])
    """
    return cat(_joined(tensors, 2, "vstack"), 0)


def hstack(tensors):
    """Join side by side: ``cat`` along dim 0 for 1-d tensors, dim 1 otherwise.

        >>> hstack([tensor([1, 2]), tensor([3])])
        tensor([1, 2, 3])
    """
    tensors = _joined(tensors, 1, "hstack")
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def dstack(tensors):
    """Join along the third dim (depth), each tensor first made at least 3-d.

        >>> dstack([tensor([1, 2]), tensor([3, 4])]).shape
        autograd_ref.Size([1, 2, 2])
    """
    return cat(_joined(tensors, 3, "dstack"), 2)


# ---- nonzero, masked_select, unique --------------------------------------------------------------

def nonzero(input, *, as_tuple=False):
    """The indices of the non-zero elements: one row per element (int64, shape ``(n, input.dim())``),
    or with ``as_tuple=True`` one 1-d tensor per dim. No gradient.

        >>> nonzero(tensor([0., 3., 0., 1.]))
        tensor([[1], [3]])
    """
    data, xp = input._data, input._device.xp
    if as_tuple:
        return tuple(_int64(i, input._device) for i in xp.nonzero(data.reshape(-1) if data.ndim == 0 else data))
    if data.ndim == 0:
        return _int64(xp.zeros((1 if data else 0, 0)), input._device)
    return _int64(xp.stack(xp.nonzero(data), axis=1), input._device)


class MaskedSelectBackward0(Node):
    """Each selected element's gradient goes back to its place; a broadcast input sums its copies."""
    __slots__ = ("shape", "full_shape")

    def backward(self, grad):
        (positions,) = self.saved_tensors
        numel = 1
        for s in self.full_shape:
            numel *= s
        placed = zeros(numel, dtype=grad.dtype, device=grad.device).index_add(0, positions, grad)
        return reduce_to(placed.reshape(self.full_shape), self.shape)


def masked_select(input, mask):
    """The elements of ``input`` where the boolean ``mask`` (broadcast against it) is True, as a 1-d
    tensor.

        >>> masked_select(tensor([1., 2., 3.]), tensor([True, False, True]))
        tensor([1., 3.])
    """
    if not isinstance(mask, Tensor) or mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    check_same_device(input, mask)
    xp = input._device.xp
    check_broadcastable(mask.shape, input.shape)
    full = CPU.xp.broadcast_shapes(input._data.shape, mask._data.shape)
    flat_mask = xp.broadcast_to(mask._data, full).reshape(-1)
    out = make_tensor(xp.broadcast_to(input._data, full).reshape(-1)[flat_mask], input._device)
    if _recorded(input):
        node = MaskedSelectBackward0((edge_to(input),))
        node.shape, node.full_shape = input.shape, tuple(full)
        node.save_for_backward(_int64(xp.nonzero(flat_mask)[0], input._device))
        attach(out, node)
    return out


class Unique2Backward0(Node):
    """PyTorch records unique's result in the graph but has no derivative for it."""
    __slots__ = ()
    _op = "_unique2"

    def backward(self, grad):
        raise NotImplementedError(f"the derivative for '{self._op}' is not implemented.")


class UniqueDimBackward0(Unique2Backward0):
    __slots__ = ()
    _op = "unique_dim"


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements, sorted (also with ``sorted=False``, as PyTorch on the CPU); with ``dim``,
    the distinct slices along it. Optionally also where each element went (``return_inverse``) and
    how often each occurs (``return_counts``). NaNs are all distinct.

        >>> unique(tensor([3, 1, 3]), return_counts=True)
        (tensor([1, 3]), tensor([1, 2]))
    """
    data, xp, device = input._data, input._device.xp, input._device
    if dim is None:
        values, inverse, counts = xp.unique(data.reshape(-1), return_inverse=True, return_counts=True,
                                            equal_nan=False)
        inverse, node_cls = inverse.reshape(data.shape), Unique2Backward0
    else:
        d = normalize_dim(dim, input.dim())
        values, inverse, counts = xp.unique(data, return_inverse=True, return_counts=True, axis=d)
        inverse, node_cls = inverse.reshape(-1), UniqueDimBackward0
    out = make_tensor(values, device)
    if _recorded(input):
        attach(out, node_cls((edge_to(input),)))
    extra = ([_int64(inverse, device)] if return_inverse else []) + \
            ([_int64(counts, device)] if return_counts else [])
    return (out, *extra) if extra else out


# ---- multinomial ---------------------------------------------------------------------------------

def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Draw ``num_samples`` category indices from each row of non-negative weights (1-d: one row),
    with or without putting them back. Uses the project's random generator (``manual_seed``).

        >>> manual_seed(0); multinomial(tensor([0., 1., 3.]), 2).shape
        autograd_ref.Size([2])
    """
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_kind_name(input.dtype)}")
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n = input.shape[-1]
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    weights = transfer(input._data, input._device, CPU).astype("float64").reshape(-1, n)
    if weights.size and (~(weights >= 0) | (weights == float("inf"))).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    total = weights.sum(axis=1, keepdims=True)
    if (total <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _numpy_generator(generator, input._device)
    if replacement:     # invert the cumulative distribution at uniform draws
        cdf = weights.cumsum(axis=1)
        cdf /= cdf[:, -1:]
        draws = rng.random((weights.shape[0], num_samples))
        picked = CPU.xp.stack([CPU.xp.searchsorted(c, u, side="right") for c, u in zip(cdf, draws)]) \
            if weights.shape[0] else CPU.xp.zeros((0, num_samples), "int64")
    else:               # the largest weight / Exp(1) keys: sampling without putting back
        keys = weights / CPU.xp.maximum(rng.exponential(size=weights.shape), 1e-300)
        picked = _sort_arrays(keys, 1, True, CPU.xp)[1][:, :num_samples]
    picked = picked.reshape(input.shape[:-1] + (num_samples,)).astype("int64")
    return make_tensor(transfer(picked, CPU, input._device), input._device)



# ---- atleast_nd, fliplr, flipud, take_along_dim, argwhere, cummax, cummin, diff, count_nonzero ---

def _atleast(tensors, ndim):
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return _at_least(tensors[0], ndim)
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    return tuple(_at_least(t, ndim) for t in tensors)


def atleast_1d(*tensors):
    """Each tensor with at least one dim (a 0-d one reshaped to (1,)); one tensor in, one out.

        >>> atleast_1d(tensor(2.)).shape        # forward: (1,), a view
        >>> # backward (ViewBackward0): the gradient reshaped back to ()
    """
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    """Each tensor with at least two dims (a 1-d one becomes a row).

        >>> atleast_2d(tensor([1., 2.])).shape  # forward: (1, 2), a view
        >>> # backward (UnsqueezeBackward0): the gradient squeezed back to (2,)
    """
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    """Each tensor with at least three dims (1-d: (1, n, 1); 2-d: (m, n, 1)).

        >>> atleast_3d(tensor([1., 2.])).shape  # forward: (1, 2, 1), a view
        >>> # backward (UnsqueezeBackward0): the gradient squeezed back to (2,)
    """
    return _atleast(tensors, 3)


def fliplr(input):
    """The order of the columns (dim 1) reversed; the input must have at least two dims.

        >>> fliplr(tensor([[1., 2.], [3., 4.]]))  # forward: tensor([[2., 1.], [4., 3.]])
        >>> # backward (FlipBackward0): the gradient flipped back along dim 1
    """
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, [1])


def flipud(input):
    """The order of the rows (dim 0) reversed; the input must have at least one dim.

        >>> flipud(tensor([1., 2., 3.]))        # forward: tensor([3., 2., 1.])
        >>> # backward (FlipBackward0): the gradient flipped back along dim 0
    """
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, [0])


def take_along_dim(input, indices, dim=None):
    """The values of ``input`` at ``indices`` along ``dim`` (input and indices broadcast in the other
    dims); without ``dim``, both are flattened first. A ``gather``.

        >>> take_along_dim(tensor([[10., 20.], [30., 40.]]), tensor([[1], [0]]), 1)   # forward: [[20.], [30.]]
        >>> # backward (GatherBackward0): each gradient added at the position it was taken from
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"take_along_dim(): argument 'indices' (position 2) must be Tensor, "
                        f"not {type(indices).__name__}")
    if indices.dtype is not dtypes.int64:
        names = {"bool": "Bool", "float32": "Float", "float64": "Double"}
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{names[indices.dtype.name]}")
    check_same_device(input, indices)
    if dim is None:
        return gather(reshape(input, -1), 0, reshape(indices, -1))
    if input.dim() != indices.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of "
                           f"dimensions, but got {input.dim()} dimensions for input, and {indices.dim()} "
                           f"dimensions for indices")
    d = normalize_dim(dim, input.dim())
    in_shape, ix_shape = list(input.shape), list(indices.shape)
    in_shape[d] = ix_shape[d] = 1
    common = broadcast_shapes_of([in_shape, ix_shape])
    want_in = common[:d] + (input.shape[d],) + common[d + 1:]
    want_ix = common[:d] + (indices.shape[d],) + common[d + 1:]
    input = expand(input, want_in)      # always, as PyTorch: an ExpandBackward0 even to the same shape
    if indices.shape != want_ix:
        indices = expand(indices, want_ix)
    return gather(input, d, indices)


def argwhere(input):
    """The indices of the non-zero elements, one row each (int64, shape ``(n, input.dim())``): ``nonzero``.

        >>> argwhere(tensor([0., 3., 1.]))      # forward: tensor([[1], [2]])
        >>> # backward: none (integer indices)
    """
    return nonzero(input)


class CummaxBackward0(Node):
    """Each gradient goes back to the element that was the running extreme there (summed)."""
    SAVED = ("indices",)
    __slots__ = ("dim", "shape")

    def backward(self, grad):
        (indices,) = self.saved_tensors
        if not self.shape:
            return grad
        return scatter_add(zeros(self.shape, dtype=grad.dtype, device=grad.device), self.dim, indices, grad)


class CumminBackward0(CummaxBackward0):
    __slots__ = ()


def _cumulative_extreme(input, dim, which):
    d = normalize_dim(dim, input.dim())
    data, xp = input._data, input._device.xp
    node_cls = CummaxBackward0 if which == "cummax" else CumminBackward0
    if data.ndim == 0:
        values, indices = data.copy(), xp.zeros((), dtype=xp.int64)
    else:
        moved = xp.moveaxis(data, d, 0)
        values = xp.empty_like(moved)
        indices = xp.empty(moved.shape, dtype=xp.int64)
        if moved.shape[0]:
            values[0], indices[0] = moved[0], 0
        for i in range(1, moved.shape[0]):
            prev, now = values[i - 1], moved[i]
            # the later element wins a tie, and a NaN stays once met, as in PyTorch
            take = (now >= prev if which == "cummax" else now <= prev) | xp.isnan(now) & ~xp.isnan(prev)
            values[i] = xp.where(take, now, prev)
            indices[i] = xp.where(take, i, indices[i - 1])
        values, indices = xp.moveaxis(values, 0, d).copy(), xp.moveaxis(indices, 0, d).copy()
    values_t, indices_t = make_tensor(values, input._device), _int64(indices, input._device)
    if _recorded(input):
        node = node_cls((edge_to(input),))
        node.dim, node.shape = d, input.shape
        node.save_for_backward(indices_t)
        attach(values_t, node)
    return _CUMULATIVE[which](values_t, indices_t)


_CUMULATIVE = {name: collections.namedtuple(name, ["values", "indices"])
               for name in ("cummax", "cummin")}


def cummax(input, dim):
    """The running maximum along ``dim`` and where it was found: ``(values, indices)``.

        >>> cummax(tensor([1., 3., 2.]), 0)    # forward: values [1., 3., 3.], indices [0, 1, 1]
        >>> # backward (CummaxBackward0): each gradient added to the element that was the maximum there
    """
    return _cumulative_extreme(input, dim, "cummax")


def cummin(input, dim):
    """The running minimum along ``dim`` and where it was found: ``(values, indices)``.

        >>> cummin(tensor([3., 1., 2.]), 0)    # forward: values [3., 1., 1.], indices [0, 1, 1]
        >>> # backward (CumminBackward0): each gradient added to the element that was the minimum there
    """
    return _cumulative_extreme(input, dim, "cummin")


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``x[i+1] - x[i]``, ``n`` times), after joining
    ``prepend`` and ``append``; for bool tensors, ``x[i+1] != x[i]``.

        >>> diff(tensor([1., 4., 9.]))          # forward: tensor([3., 5.])
        >>> # backward (SubBackward0 of two slices): the gradient put back into both slices, one negated
    """
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = normalize_dim(dim, input.dim())
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, d)
    for _ in range(n):
        length = input.shape[d]
        if length == 0:
            break
        later, earlier = narrow(input, d, 1, length - 1), narrow(input, d, 0, length - 1)
        input = later != earlier if input.dtype is dtypes.bool_ else later - earlier
    return input


def count_nonzero(input, dim=None):
    """How many elements are not zero (over ``dim``, an int or a tuple of ints, or all), int64.

        >>> count_nonzero(tensor([[0., 1.], [2., 0.]]), dim=0)   # forward: tensor([1, 1])
        >>> # backward: none (a count)
    """
    data, xp = input._data, input._device.xp
    if dim is None:
        axes = None
    else:
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        axes = tuple(normalize_dim(int(x), input.dim()) for x in dims)
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return _int64(xp.asarray(xp.count_nonzero(data, axis=axes)), input._device)


# ---- kthvalue, mode, searchsorted, bucketize -----------------------------------------------------

_SELECTED = {name: collections.namedtuple(name, ["values", "indices"]) for name in ("kthvalue", "mode")}


class KthvalueBackward0(MedianBackward1):
    """The gradient goes to the element at the returned index."""
    __slots__ = ()


class ModeBackward0(MedianBackward1):
    __slots__ = ()


def _reduced_selection(input, values, indices, d, keepdim, node_cls, name):
    """The ``(values, indices)`` tuple of a selection of one element along ``d`` (kept as size 1)."""
    if not keepdim and input.dim():
        values, indices = values.squeeze(d), indices.squeeze(d)
    elif not input.dim():
        values, indices = values.reshape(()), indices.reshape(())
    values_t, indices_t = make_tensor(values, input._device), _int64(indices, input._device)
    if _recorded(input):
        node = node_cls((edge_to(input),))
        node.shape, node.dim, node.keepdim = input.shape, d, keepdim
        node.save_for_backward(indices_t)
        attach(values_t, node)
    return _SELECTED[name](values_t, indices_t)


def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest element along ``dim`` (``k`` counts from 1) and its index.

        >>> kthvalue(tensor([3., 1., 2.]), 2)
        kthvalue(values=tensor(2.), indices=tensor(2))
    """
    d = normalize_dim(dim, input.dim())
    n = input.shape[d] if input.dim() else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    data = input._data if input.dim() else input._data.reshape(1)
    values, indices = _sort_arrays(data, d, False, input._device.xp)
    pick = (slice(None),) * d + (slice(k - 1, k),)
    return _reduced_selection(input, values[pick], indices[pick], d, keepdim, KthvalueBackward0, "kthvalue")


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (the smallest of those tied) and the index of its last
    occurrence.

        >>> mode(tensor([2., 1., 2., 1., 3.]))
        mode(values=tensor(1.), indices=tensor(3))
    """
    d = normalize_dim(dim, input.dim())
    xp = input._device.xp
    data = xp.moveaxis(input._data if input.dim() else input._data.reshape(1), d, -1)
    rows = data.reshape(-1, data.shape[-1]) if data.shape[-1] else data.reshape(-1, 0)
    values = xp.empty(rows.shape[0], dtype=data.dtype)
    indices = xp.empty(rows.shape[0], dtype=xp.int64)
    for r, row in enumerate(rows):
        distinct, counts = xp.unique(row, return_counts=True)
        values[r] = distinct[xp.argmax(counts)]       # argmax: the first, so the smallest, of the most frequent
        indices[r] = row.size - 1 - xp.argmax(row[::-1] == values[r])
    shape = data.shape[:-1] + (1,)
    values, indices = xp.moveaxis(values.reshape(shape), -1, d), xp.moveaxis(indices.reshape(shape), -1, d)
    return _reduced_selection(input, values, indices, d, keepdim, ModeBackward0, "mode")


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """Where each value of ``input`` would go in the sorted last dim of ``sorted_sequence`` to keep it sorted:
    the first such place (``right=True`` or ``side='right'``: the last). ``sorter`` sorts the sequence first.

        >>> searchsorted(tensor([1., 3., 5.]), tensor([3., 4.]))
        tensor([1, 2])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of "
                               "left while right was True")
        right = side == "right"
    xp, seq = sorted_sequence._device.xp, sorted_sequence._data
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, axis=-1)
    values = input._data if isinstance(input, Tensor) else xp.asarray(input, dtype=seq.dtype)
    if seq.ndim > 1 and seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}")
    where = "right" if right else "left"
    if seq.ndim <= 1:
        found = xp.searchsorted(seq.reshape(-1), values, side=where)
    else:
        rows = [xp.searchsorted(s, v, side=where) for s, v in zip(seq.reshape(-1, seq.shape[-1]),
                                                                   values.reshape(-1, values.shape[-1]))]
        found = xp.stack(rows).reshape(values.shape) if rows else xp.zeros(values.shape, xp.int64)
    return make_tensor(xp.asarray(found).astype(xp.int32 if out_int32 else xp.int64), sorted_sequence._device)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value among the sorted 1-D ``boundaries``: ``i`` with
    ``boundaries[i-1] < x <= boundaries[i]`` (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``).

        >>> bucketize(tensor([0.5, 1., 4.]), tensor([1., 3.]))
        tensor([0, 0, 2])
    """
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


METHODS = {
    "sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "median": median,
    "flip": _flip_method, "roll": roll, "tile": _tile_method, "repeat_interleave": repeat_interleave,
    "nonzero": nonzero, "masked_select": masked_select, "unique": unique, "multinomial": multinomial,
    "fliplr": fliplr, "flipud": flipud, "take_along_dim": take_along_dim, "argwhere": argwhere,
    "cummax": cummax, "cummin": cummin, "diff": diff, "count_nonzero": count_nonzero,
    "kthvalue": kthvalue, "mode": mode,
}
