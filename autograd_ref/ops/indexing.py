"""Reading and writing along one dimension by index tensors: index_select and index_add, gather, scatter
and scatter_add. Each reader's backward is its writer (and the other way round), so second derivatives
come for free.

    >>> x = tensor([[1., 2.], [3., 4.]])
    >>> x.gather(1, tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
"""
from .. import dtypes
from ..autograd.graph import Node, edge_to
from ..creation import zeros
from ..tensor import Tensor, make_tensor
from . import inplace, shape
from .common import _fw, _state, attach, check_broadcastable, check_same_device, normalize_dim, reduce_to


def _index_array(index, op_name):
    if not isinstance(index, Tensor) or index._data.dtype.kind not in "iu":
        raise RuntimeError(f"{op_name}(): Expected dtype int64 for index")
    return index._data


def _along(index_data, dim, xp):
    """The full index tuple that puts ``index_data`` along ``dim``, and every other position where it is
    (an open grid: ``arange`` along each other dim, broadcast against the index)."""
    ndim = index_data.ndim
    return tuple(index_data if d == dim else
                 xp.arange(n).reshape((1,) * d + (n,) + (1,) * (ndim - d - 1))
                 for d, n in enumerate(index_data.shape))


def _clip_to(data, shape, dim=None):
    """``data`` cut down to ``shape`` in every dim but ``dim`` (an index may be smaller than what it reads:
    the input along the other dims, a scatter's source along all of them)."""
    return data[tuple(slice(None) if d == dim else slice(0, s) for d, s in enumerate(shape))]


# ---- index_select and index_add ----------------------------------------------------------------

class IndexSelectBackward0(Node):
    __slots__ = ("shape", "dim")

    def backward(self, grad):
        (index,) = self.saved_tensors
        return index_add(zeros(self.shape, dtype=grad.dtype, device=grad.device), self.dim, index, grad)


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` at the positions in the 1-D ``index``."""
    if input.dim() == 0:
        raise IndexError("index_select(): autograd_ref needs an input with at least one dimension")
    d = normalize_dim(dim, input.dim())
    check_same_device(input, index)
    idx = _index_array(index, "index_select").reshape(-1)
    res = make_tensor(input._device.xp.take(input._data, idx, axis=d), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = IndexSelectBackward0((edge_to(input),))
        node.shape, node.dim = input.shape, d
        node.save_for_backward(index)
        attach(res, node)
    return res


class IndexAddBackward0(Node):
    __slots__ = ("dim", "alpha")

    def backward(self, grad):
        (index,) = self.saved_tensors
        (need_self, _), (need_source, _) = self.next_functions
        return (grad if need_self is not None else None,
                index_select(grad, self.dim, index) * self.alpha if need_source is not None else None)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source``'s slices added at the positions in ``index`` along ``dim``."""
    d = normalize_dim(dim, input.dim() or 1)
    check_same_device(input, index, source)
    idx = _index_array(index, "index_add").reshape(-1)
    out = input._data.copy()
    values = source._data.astype(out.dtype, copy=False) * alpha if alpha != 1 else source._data.astype(out.dtype)
    input._device.xp.add.at(out, (slice(None),) * d + (idx,), values)
    res = make_tensor(out, input._device)
    if _state.enabled and (input._requires_grad or source._requires_grad) or _fw.active:
        node = IndexAddBackward0((edge_to(input), edge_to(source)))
        node.dim, node.alpha = d, alpha
        node.save_for_backward(index)
        attach(res, node)
    return res


# ---- gather, scatter and scatter_add ---------------------------------------------------------------

class GatherBackward0(Node):
    __slots__ = ("shape", "dim")

    def backward(self, grad):
        (index,) = self.saved_tensors
        return scatter_add(zeros(self.shape, dtype=grad.dtype, device=grad.device), self.dim, index, grad)


def gather(input, dim, index):
    """``out[i][j] = input[index[i][j]][j]`` for dim 0 (and so on): the values at ``index`` along ``dim``."""
    d = normalize_dim(dim, input.dim() or 1)
    check_same_device(input, index)
    idx = _index_array(index, "gather")
    if idx.ndim != input.dim():
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    data = _clip_to(input._data, idx.shape, d)
    res = make_tensor(data[_along(idx, d, input._device.xp)], input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = GatherBackward0((edge_to(input),))
        node.shape, node.dim = input.shape, d
        node.save_for_backward(index)
        attach(res, node)
    return res


class ScatterAddBackward0(Node):
    __slots__ = ("dim",)

    def backward(self, grad):
        (index,) = self.saved_tensors
        (need_self, _), (need_src, _) = self.next_functions
        return (grad if need_self is not None else None,
                gather(grad, self.dim, index) if need_src is not None else None)


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src[i][j]`` added at ``[index[i][j]][j]`` (dim 0), duplicates summed."""
    d = normalize_dim(dim, input.dim() or 1)
    check_same_device(input, index, src)
    idx = _index_array(index, "scatter_add")
    out = input._data.copy()
    input._device.xp.add.at(out, _along(idx, d, input._device.xp), _clip_to(src._data, idx.shape).astype(out.dtype, copy=False))
    res = make_tensor(out, input._device)
    if _state.enabled and (input._requires_grad or src._requires_grad) or _fw.active:
        node = ScatterAddBackward0((edge_to(input), edge_to(src)))
        node.dim = d
        node.save_for_backward(index)
        attach(res, node)
    return res


class ScatterBackward0(Node):
    """``scatter(dim, index, src)``: the overwritten places of the input get no gradient."""
    __slots__ = ("dim",)

    def backward(self, grad):
        (index,) = self.saved_tensors
        (need_self, _), (need_src, _) = self.next_functions
        return (scatter(grad, self.dim, index, 0.0) if need_self is not None else None,
                gather(grad, self.dim, index) if need_src is not None else None)


class ScatterBackward1(Node):
    """``scatter(dim, index, value)``: a number written at the indexed places."""
    __slots__ = ("dim",)

    def backward(self, grad):
        (index,) = self.saved_tensors
        return scatter(grad, self.dim, index, 0.0)


def scatter(input, dim, index, src=None, *, value=None):
    """A copy of ``input`` with ``src[i][j]`` (or the number ``value``) written at ``[index[i][j]][j]`` (dim 0)."""
    if src is None:
        src = value
    d = normalize_dim(dim, input.dim() or 1)
    idx = _index_array(index, "scatter")
    out = input._data.copy()
    places = _along(idx, d, input._device.xp)
    if isinstance(src, Tensor):
        check_same_device(input, index, src)
        out[places] = _clip_to(src._data, idx.shape).astype(out.dtype, copy=False)
        recorded = input._requires_grad or src._requires_grad
        node_cls, edges = ScatterBackward0, (edge_to(input), edge_to(src))
    else:
        out[places] = src
        recorded = input._requires_grad
        node_cls, edges = ScatterBackward1, (edge_to(input),)
    res = make_tensor(out, input._device)
    if _state.enabled and recorded or _fw.active:
        node = node_cls(edges)
        node.dim = d
        node.save_for_backward(index)
        attach(res, node)
    return res


# ---- index_copy, index_fill, index_put, masked_scatter: writing at positions -----------------------

_NAMES = {"bool": "Bool", "int64": "Long", "float32": "Float", "float64": "Double"}


def _at(array, dim, idx):
    """``array`` (seen as 1-d when 0-d, sharing memory) and the index tuple reaching ``idx`` along ``dim``."""
    return (array if array.ndim else array.reshape(1)), (slice(None),) * dim + (idx,)


def _check_bounds(idx, input, dim, prefix=""):
    size = input.shape[dim] if input.dim() else 1
    bad = idx[(idx >= size) | (idx < -size)]
    if bad.size:
        raise IndexError(f"{prefix}index {int(bad[0])} is out of bounds for dimension {dim} with size {size}")


class IndexCopyBackward0(Node):
    """The slices written over get no gradient from ``self``; the source's slices get theirs back."""
    __slots__ = ("dim", "source_shape")

    def backward(self, grad):
        (index,) = self.saved_tensors
        (need_self, _), (need_source, _) = self.next_functions
        return (index_fill(grad, self.dim, index, 0) if need_self is not None else None,
                index_select(grad, self.dim, index).reshape(self.source_shape) if need_source is not None else None)


def index_copy(input, dim, index, source):
    """A copy of ``input`` with the slices along ``dim`` at ``index`` replaced by ``source``'s slices.

        >>> index_copy(zeros(3, 2), 0, tensor([2, 0]), tensor([[1., 2.], [3., 4.]]))
        tensor([[3., 4.], [0., 0.], [1., 2.]])
    """
    d = normalize_dim(dim, input.dim())
    check_same_device(input, index, source)
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {_NAMES[index.dtype.name]}")
    if index.dim() > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.dim()})")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_NAMES[input.dtype.name]} and (source) {_NAMES[source.dtype.name]}")
    idx = index._data.reshape(-1)
    n = source.shape[d] if source.dim() else 1
    if idx.size != n:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) ({n})")
    _check_bounds(idx, input, d, "index_copy_(): ")
    out = input._data.copy()
    view, place = _at(out, d, idx)
    view[place] = source._data
    res = make_tensor(out, input._device)
    if _state.enabled and (input._requires_grad or source._requires_grad) or _fw.active:
        node = IndexCopyBackward0((edge_to(input), edge_to(source)))
        node.dim, node.source_shape = d, source.shape
        node.save_for_backward(index)
        attach(res, node)
    return res


class IndexFillBackward0(Node):
    """``index_fill(dim, index, number)``: the filled slices get no gradient."""
    __slots__ = ("dim",)

    def backward(self, grad):
        (index,) = self.saved_tensors
        return index_fill(grad, self.dim, index, 0)


class IndexFillBackward1(Node):
    """``index_fill(dim, index, value_tensor)``: the 0-d value gets the sum of the filled places' gradients."""
    __slots__ = ("dim",)

    def backward(self, grad):
        index, distinct = self.saved_tensors
        (need_self, _), (need_value, _) = self.next_functions
        return (index_fill(grad, self.dim, index, 0) if need_self is not None else None,
                index_select(grad, self.dim, distinct).sum() if need_value is not None else None)


def index_fill(input, dim, index, value):
    """A copy of ``input`` with the slices along ``dim`` at ``index`` set to ``value`` (a number or 0-d tensor).

        >>> index_fill(zeros(2, 3), 1, tensor([0, 2]), 5.)
        tensor([[5., 0., 5.], [5., 0., 5.]])
    """
    d = normalize_dim(dim, input.dim())
    if not isinstance(index, Tensor) or index.dtype is not dtypes.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    is_tensor = isinstance(value, Tensor)
    if is_tensor and value.dim() != 0:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    check_same_device(input, index, value)
    idx = index._data.reshape(-1)
    _check_bounds(idx, input, d)
    out = input._data.copy()
    view, place = _at(out, d, idx)
    view[place] = value._data if is_tensor else value
    res = make_tensor(out, input._device)
    recorded = input._requires_grad or is_tensor and value._requires_grad
    if _state.enabled and recorded or _fw.active:
        if is_tensor:
            node = IndexFillBackward1((edge_to(input), edge_to(value)))
            distinct = make_tensor(input._device.xp.unique(idx), input._device)
            node.save_for_backward(index, distinct)
        else:
            node = IndexFillBackward0((edge_to(input),))
            node.save_for_backward(index)
        node.dim = d
        attach(res, node)
    return res


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``values`` written at ``input[indices]`` (``indices`` a tuple of index
    tensors, as in ``x[i, j] = v``); with ``accumulate=True`` added there instead, repeats summed.

        >>> index_put(zeros(3), (tensor([0, 0, 2]),), tensor([1., 2., 3.]), accumulate=True)
        tensor([3., 0., 3.])
    """
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' (position 1) must be tuple of Tensors, "
                        f"not {type(indices).__name__}")
    check_same_device(input, values, *indices)
    if values.dtype is not input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_NAMES[input.dtype.name]} for the destination and {_NAMES[values.dtype.name]} "
                           f"for the source.")
    xp = input._device.xp
    items = []
    for item in shape.to_index(tuple(indices), input._device)[0]:   # a mask stands for its nonzero positions
        items.extend(xp.nonzero(item) if getattr(item, "dtype", None) is not None and item.dtype.kind == "b"
                     else (item,))
    items = items[0] if len(items) == 1 else tuple(items)
    target = input._data[items].shape
    try:
        array = xp.broadcast_to(values._data, target)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}") from None
    out = input._data.copy()
    kept = xp.ones(out.shape, dtype=bool)
    if accumulate:
        xp.add.at(out, items, array)
    else:
        out[items] = array
        kept[items] = False
    res = make_tensor(out, input._device)
    if _state.enabled and (input._requires_grad or values._requires_grad) or _fw.active:
        node = inplace.IndexPutBackward0((edge_to(input), edge_to(values)))
        node.kept, node.value_shape = make_tensor(kept, input._device), values.shape
        node.save_for_backward(items)
        attach(res, node)
    return res


class MaskedScatterBackward0(Node):
    """The masked places' gradients go, in order, to the source's first elements; the rest get zero."""
    __slots__ = ("shape", "source_shape")

    def backward(self, grad):
        (mask,) = self.saved_tensors
        (need_self, _), (need_source, _) = self.next_functions
        grad_self = grad_source = None
        if need_self is not None:
            grad_self = reduce_to(grad.masked_fill(mask, 0), self.shape)
        if need_source is not None:
            picked = shape.getitem_advanced(grad, mask._data)
            numel = 1
            for s in self.source_shape:
                numel *= s
            rest = zeros(numel - picked.shape[0], dtype=grad.dtype, device=grad.device)
            grad_source = shape.cat([picked, rest]).reshape(self.source_shape)
        return grad_self, grad_source


def masked_scatter(input, mask, source):
    """A copy of ``input`` with the places where ``mask`` is True filled, in order, from ``source``'s elements.

        >>> masked_scatter(zeros(4), tensor([True, False, True, False]), tensor([1., 2., 3.]))
        tensor([1., 0., 2., 0.])
    """
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{_NAMES[mask.dtype.name]}")
    check_same_device(input, mask, source)
    check_broadcastable(input.shape, mask.shape)
    xp = input._device.xp
    full = tuple(xp.broadcast_shapes(input._data.shape, mask._data.shape))
    where = xp.broadcast_to(mask._data, full)
    n = int(where.sum())
    if n > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out = xp.broadcast_to(input._data, full).copy()
    out[where] = source._data.reshape(-1)[:n].astype(out.dtype, copy=False)
    res = make_tensor(out, input._device)
    if _state.enabled and (input._requires_grad or source._requires_grad) or _fw.active:
        node = MaskedScatterBackward0((edge_to(input), edge_to(source)))
        node.shape, node.source_shape = input.shape, source.shape
        node.save_for_backward(make_tensor(where.copy(), input._device))
        attach(res, node)
    return res


# ---- the in-place forms: the out-of-place op written back (inplace._inplace) ----------------------

def index_copy_(self, dim, index, source):
    """``index_copy`` into ``self``.

        >>> x = zeros(3); x.index_copy_(0, tensor([1]), tensor([7.]))
        tensor([0., 7., 0.])
    """
    return inplace._inplace(self, index_copy, dim, index, source)


def index_fill_(self, dim, index, value):
    """``index_fill`` into ``self``.

        >>> x = zeros(3); x.index_fill_(0, tensor([0, 2]), 1.)
        tensor([1., 0., 1.])
    """
    return inplace._inplace(self, index_fill, dim, index, value)


def index_put_(self, indices, values, accumulate=False):
    """``index_put`` into ``self``.

        >>> x = zeros(3); x.index_put_((tensor([1, 1]),), tensor(2.), accumulate=True)
        tensor([0., 4., 0.])
    """
    return inplace._inplace(self, index_put, indices, values, accumulate)


def masked_scatter_(self, mask, source):
    """``masked_scatter`` into ``self``.

        >>> x = zeros(3); x.masked_scatter_(tensor([False, True, True]), tensor([5., 6.]))
        tensor([0., 5., 6.])
    """
    return inplace._inplace(self, masked_scatter, mask, source)


def index_add_(self, dim, index, source, *, alpha=1):
    """``index_add`` into ``self``.

        >>> x = zeros(3); x.index_add_(0, tensor([0, 0]), tensor([1., 2.]))
        tensor([3., 0., 0.])
    """
    return inplace._inplace(self, index_add, dim, index, source, alpha=alpha)


def scatter_(self, dim, index, src=None, *, value=None):
    """``scatter`` into ``self``.

        >>> x = zeros(3); x.scatter_(0, tensor([2]), tensor([9.]))
        tensor([0., 0., 9.])
    """
    return inplace._inplace(self, scatter, dim, index, src, value=value)


def scatter_add_(self, dim, index, src):
    """``scatter_add`` into ``self``.

        >>> x = zeros(3); x.scatter_add_(0, tensor([1, 1]), tensor([1., 2.]))
        tensor([0., 3., 0.])
    """
    return inplace._inplace(self, scatter_add, dim, index, src)


# Tensor methods this module adds beyond those tensor.py lists (``x.index_fill(...)``).
METHODS = {
    "index_copy": index_copy, "index_fill": index_fill, "index_put": index_put, "masked_scatter": masked_scatter,
    "index_copy_": index_copy_, "index_fill_": index_fill_, "index_put_": index_put_,
    "masked_scatter_": masked_scatter_, "index_add_": index_add_, "scatter_": scatter_, "scatter_add_": scatter_add_,
}
