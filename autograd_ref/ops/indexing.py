"""Reading and writing along one dimension by index tensors: index_select and index_add, gather, scatter
and scatter_add. Each reader's backward is its writer (and the other way round), so second derivatives
come for free.

    >>> x = tensor([[1., 2.], [3., 4.]])
    >>> x.gather(1, tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
"""
from ..autograd.graph import Node, edge_to
from ..creation import zeros
from ..tensor import Tensor, make_tensor
from .common import _fw, _state, attach, check_same_device, normalize_dim


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


# Tensor methods this module adds beyond those tensor.py lists (``x.index_fill(...)``).
METHODS = {
}
