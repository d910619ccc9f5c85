"""Operations that change a tensor's shape or pick parts of it. Most return
views that share memory (and the version counter) with their input; their
backward puts the gradient back into the input's shape.

    >>> x.view(2, 3).grad_fn
    <ViewBackward0 object at ...>
"""
import numbers
import re
import weakref

from .. import dtypes
from ..autograd.graph import Node, edge_to
from .._backend import CPU, placement, transfer
from .._backend import broadcast_to as _broadcast_array
from ..tensor import Tensor, make_tensor
from .common import (_fw, _grad_off, _state, attach, check_broadcastable, check_same_device, maybe_out, new_node,
                     normalize_dim, reduce_to)


def _sizes(args):
    """``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` all mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return tuple(map(int, args))


def _view_of(input, array, node_cls, **attrs):
    """A view: shares memory and version counter with ``input``."""
    out = make_tensor(array, input._device, input._version_counter)
    out._base = base = input if input._base is None else input._base
    if input._requires_grad and (not _grad_off or _state.enabled) or _fw.active:
        node = new_node(node_cls, (edge_to(input),))
        for name, value in attrs.items():
            setattr(node, name, value)
        attach(out, node)
        if out.grad_fn is not None:     # an in-place change to one view rewrites the others' history too
            _remember_view(base, out)
    return out


def _remember_view(base, view):
    """Add a weak reference to ``view`` to its base's list of recorded views. A parameter gets a view each
    step (``weight.t()`` in every Linear), so the references to views that have gone are dropped whenever the
    list's length reaches a power of two: the list stays within twice the live views, at a constant cost
    per view."""
    views = base.__dict__.setdefault("_views", [])
    n = len(views)
    if n >= 16 and not n & (n - 1):
        views[:] = [ref for ref in views if ref() is not None]
    views.append(weakref.ref(view))


def _infer_shape(shape, numel):
    shape = list(shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[unknown[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


class ViewBackward0(Node):
    __slots__ = ("shape",)

    def backward(self, grad):
        return grad.reshape(self.shape)

    def backward_arrays(self, grad, device):
        return grad.reshape(self.shape)


class UnsafeViewBackward0(ViewBackward0):
    __slots__ = ()


class ReshapeAliasBackward0(ViewBackward0):
    """``reshape`` of a non-contiguous tensor that could still be viewed: PyTorch
    names the view after the ``_reshape_alias`` it makes."""
    __slots__ = ()


def view(input, *shape):
    """The same memory seen with another shape; -1 is inferred.

        >>> arange(6).view(2, -1).shape
        autograd_ref.Size([2, 3])
    """
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        raise RuntimeError("view(dtype) is not supported by autograd_ref")
    new_shape = _infer_shape(_sizes(shape), input._data.size)
    array = input._data.reshape(new_shape)
    if array.size and not input._device.xp.may_share_memory(array, input._data):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _view_of(input, array, ViewBackward0, shape=input.shape)


def reshape(input, *shape):
    """Like ``view``, but copies when the memory layout does not allow a view."""
    new_shape = _infer_shape(_sizes(shape), input._data.size)
    array = input._data.reshape(new_shape)
    if not array.size or input._device.xp.may_share_memory(array, input._data):
        node_cls = ViewBackward0 if input._data.flags.c_contiguous else ReshapeAliasBackward0
        return _view_of(input, array, node_cls, shape=input.shape)
    return _unsafe_view(clone(input), new_shape)     # as PyTorch: a contiguous copy, then seen reshaped


def _unsafe_view(product, shape):
    """PyTorch's ``_unsafe_view``: a new tensor that nothing else holds (a copy, a
    product), seen with another shape. The backward is a view's
    (UnsafeViewBackward0), but the result is a tensor of its own, not a view."""
    out = make_tensor(product._data.reshape(shape), product._device)
    if _state.enabled and product._requires_grad or _fw.active:
        node = UnsafeViewBackward0((edge_to(product),))
        node.shape = product.shape
        attach(out, node)
    return out


def view_as(input, other):
    return view(input, other.shape)


def reshape_as(input, other):
    return reshape(input, other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one.

        >>> zeros(2, 3, 4).flatten(1).shape
        autograd_ref.Size([2, 12])
    """
    if input.dim() == 0:
        return reshape(input, 1)
    start = normalize_dim(start_dim, input.dim())
    end = normalize_dim(end_dim, input.dim())
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input.shape
    merged = 1
    for s in shape[start:end + 1]:
        merged *= s
    return reshape(input, shape[:start] + (merged,) + shape[end + 1:])


class TransposeBackward0(Node):
    __slots__ = ("dims",)

    def backward(self, grad):
        return grad.transpose(*self.dims)


def transpose(input, dim0, dim1):
    """Swap two dimensions (a view).

        >>> zeros(2, 3).transpose(0, 1).shape
        autograd_ref.Size([3, 2])
    """
    n = input.dim()
    d0, d1 = normalize_dim(dim0, n), normalize_dim(dim1, n)
    return _view_of(input, input._data.swapaxes(d0, d1) if n else input._data,
                    TransposeBackward0, dims=(d0, d1))


swapaxes = transpose


class TBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        return grad.t()

    def backward_arrays(self, grad, device):
        return grad.T


def t(input):
    """Transpose a matrix (vectors and scalars are returned as they are)."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    return _view_of(input, input._data.T, TBackward0)


class PermuteBackward0(Node):
    __slots__ = ("dims",)

    def backward(self, grad):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return grad.permute(inverse)


def permute(input, *dims):
    """Reorder the dimensions (a view).

        >>> zeros(2, 3, 4).permute(2, 0, 1).shape
        autograd_ref.Size([4, 2, 3])
    """
    dims = _sizes(dims)
    n = input.dim()
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}".replace("(sparse_coo)", ""))
    dims = tuple(normalize_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_of(input, input._data.transpose(dims), PermuteBackward0, dims=dims)


def _T(input):
    """``x.T``: all dimensions reversed; PyTorch records a permute even for a matrix."""
    return permute(input, tuple(range(input.dim() - 1, -1, -1)))


class SqueezeBackward0(Node):
    __slots__ = ("shape",)

    def backward(self, grad):
        return grad.reshape(self.shape)


class SqueezeBackward1(SqueezeBackward0):
    __slots__ = ()


class SqueezeBackward2(SqueezeBackward0):
    """squeeze with a tuple of dims."""
    __slots__ = ()


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all, or just ``dim``)."""
    shape = input.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        node_cls = SqueezeBackward0
    else:
        node_cls = SqueezeBackward1 if isinstance(dim, int) else SqueezeBackward2
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {normalize_dim(d, input.dim()) for d in dims}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return _view_of(input, input._data.reshape(new), node_cls, shape=shape)


class UnsqueezeBackward0(Node):
    __slots__ = ("dim",)

    def backward(self, grad):
        return grad.squeeze(self.dim)


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at ``dim``.

        >>> zeros(3).unsqueeze(0).shape
        autograd_ref.Size([1, 3])
    """
    d = normalize_dim(dim, input.dim() + 1)
    shape = input.shape
    return _view_of(input, input._data.reshape(shape[:d] + (1,) + shape[d:]),
                    UnsqueezeBackward0, dim=d)


class ExpandBackward0(Node):
    __slots__ = ("shape",)

    def backward(self, grad):
        return reduce_to(grad, self.shape)


def expand(input, *sizes):
    """Repeat size-1 dimensions without copying (-1 keeps a size).

        >>> zeros(3, 1).expand(3, 4).shape
        autograd_ref.Size([3, 4])
    """
    sizes = _sizes(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(shape)})")
    offset = len(sizes) - len(shape)
    target = list(sizes)
    for i, s in enumerate(shape):
        want = sizes[i + offset]
        if want == -1:
            target[i + offset] = s
        elif s != 1 and s != want:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                f"non-singleton dimension {i + offset}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")
    target = tuple(target)
    if target == shape:
        return _view_of(input, input._data, ExpandBackward0, shape=shape) if input._requires_grad else input
    array = _broadcast_array(input._data, target, input._device)
    return _view_of(input, array, ExpandBackward0, shape=shape)


def expand_as(input, other):
    return expand(input, other.shape)


class RepeatBackward0(Node):
    """Each block of ``x.repeat(*repeats)`` is a copy of x: x's gradient is the sum of the blocks'."""
    __slots__ = ("repeats", "shape")

    def backward(self, grad):
        shape = (1,) * (len(self.repeats) - len(self.shape)) + tuple(self.shape)
        blocks = []
        for r, s in zip(self.repeats, shape):
            blocks += [r, s]
        summed = grad.reshape(blocks).sum(tuple(range(0, len(blocks), 2))) if blocks else grad
        return summed.reshape(self.shape)


def repeat(input, *repeats):
    """Copies of the tensor, tiled ``repeats[i]`` times along each dimension (new ones in front).

        >>> tensor([1., 2.]).repeat(2, 2)
        tensor([[1., 2., 1., 2.],
                [1., 2., 1., 2.]])
    """
    repeats = _sizes(repeats)
    if len(repeats) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                           "of tensor")
    if any(r < 0 for r in repeats):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(repeats)}: {list(repeats)}")
    out = make_tensor(input._device.xp.tile(input._data, repeats), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = RepeatBackward0((edge_to(input),))
        node.repeats, node.shape = repeats, input.shape
        attach(out, node)
    return out


# ---- joining and splitting -------------------------------------------------

class CatBackward0(Node):
    __slots__ = ("dim", "sizes")

    def backward(self, grad):
        return tuple(grad.split(list(self.sizes), self.dim))


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dimension.

        >>> cat([zeros(2), ones(3)]).shape
        autograd_ref.Size([5])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element in argument 0, but got {type(t).__name__}")
        check_same_device(tensors[0], t)
    first = tensors[0]
    d = normalize_dim(dim, first.dim())
    for i, t in enumerate(tensors):
        if t.dim() != first.dim() or any(a != b for j, (a, b) in enumerate(zip(t.shape, first.shape)) if j != d):
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {d}. Expected size "
                f"{first.shape[1 - d if first.dim() > 1 else 0]} but got size "
                f"{t.shape[1 - d if t.dim() > 1 else 0]} for tensor number {i} in the list.")
    dtype = dtypes.result_type(*tensors)
    xp = first._device.xp
    res = make_tensor(xp.concatenate([t._data for t in tensors], axis=d).astype(dtype.np, copy=False),
                      first._device)
    if _state.enabled and any(t._requires_grad for t in tensors) or _fw.active:
        node = CatBackward0(tuple(edge_to(t) for t in tensors))
        node.dim, node.sizes = d, tuple(t.shape[d] for t in tensors)
        attach(res, node)
    return maybe_out(res, out, "cat")


concat = cat


class StackBackward0(Node):
    __slots__ = ("dim",)

    def backward(self, grad):
        return tuple(grad.unbind(self.dim))


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dimension.

        >>> stack([zeros(2), ones(2)]).shape
        autograd_ref.Size([2, 2])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                f"entry 0 and {list(t.shape)} at entry {i}")
    check_same_device(*tensors)
    d = normalize_dim(dim, tensors[0].dim() + 1)
    return _record_stack(tensors, d)


def _record_stack(tensors, d):
    dtype = dtypes.result_type(*tensors)
    xp = tensors[0]._device.xp
    res = make_tensor(xp.stack([t._data for t in tensors], axis=d).astype(dtype.np, copy=False),
                      tensors[0]._device)
    if _state.enabled and any(t._requires_grad for t in tensors) or _fw.active:
        node = StackBackward0(tuple(edge_to(t) for t in tensors))
        node.dim = d
        attach(res, node)
    return res


class _MultiOutput(Node):
    """A node with several outputs: gradients that never arrived are zeros."""
    __slots__ = ("shapes", "dim", "dtype_device")

    def _materialize(self, grads):
        from ..tensor import make_tensor as mk
        like = next(g for g in grads if g is not None)
        xp = like._device.xp
        return [g if g is not None else mk(xp.zeros(shape, like._data.dtype), like._device)
                for g, shape in zip(grads, self.shapes)]


class SplitBackward0(_MultiOutput):
    __slots__ = ()

    def backward(self, *grads):
        return cat(self._materialize(grads), self.dim)


class SplitWithSizesBackward0(SplitBackward0):
    __slots__ = ()


class UnbindBackward0(_MultiOutput):
    __slots__ = ()

    def backward(self, *grads):
        return stack(self._materialize(grads), self.dim)


def _record_pieces(input, arrays, node_cls, d):
    outs = [make_tensor(a, input._device, input._version_counter) for a in arrays]
    if _state.enabled and input._requires_grad or _fw.active:
        node = node_cls((edge_to(input),))
        node.num_outputs = len(outs)
        node.shapes = tuple(o.shape for o in outs)
        node.dim = d
        op = re.sub(r"Backward\d*$", "", node_cls.__name__)
        for i, o in enumerate(outs):
            o._base = input if input._base is None else input._base
            o._multi_view_output = (op, i)      # PyTorch refuses in-place changes to these (inplace.py)
            attach(o, node, i)
    return tuple(outs)


def split(input, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or
    pieces of the listed sizes.

        >>> [p.shape[0] for p in arange(5).split(2)]
        [2, 2, 1]
    """
    d = normalize_dim(dim, input.dim())
    n = input.shape[d]
    node_cls = SplitBackward0
    if isinstance(split_size_or_sections, numbers.Integral):
        size = int(split_size_or_sections)
        if size <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size else [0]
    else:
        node_cls = SplitWithSizesBackward0
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                f"dimension {d}), but got split_sizes={sizes}")
    starts, arrays = 0, []
    for s in sizes:
        index = [slice(None)] * input.dim()
        index[d] = slice(starts, starts + s)
        arrays.append(input._data[tuple(index)])
        starts += s
    return _record_pieces(input, arrays, node_cls, d)


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` pieces of equal size (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: %d" % chunks)
    n = input.shape[normalize_dim(dim, input.dim())]
    size = -(-n // chunks) if n else 0
    return split(input, size if size else 1, dim) if n else split(input, [0] * 1, dim)


def unbind(input, dim=0):
    """The slices along ``dim``, as a tuple of tensors."""
    d = normalize_dim(dim, input.dim())
    arrays = []
    for i in range(input.shape[d]):
        index = [slice(None)] * input.dim()
        index[d] = i
        arrays.append(input._data[tuple(index)])
    return _record_pieces(input, arrays, UnbindBackward0, d)


# ---- copies and conversions ------------------------------------------------

class CloneBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        return grad


def clone(input, *, memory_format=None):
    """A copy in new memory that stays in the graph.

        >>> y = x.clone()        # y.grad_fn is CloneBackward0
    """
    out = make_tensor(input._data.copy(), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        attach(out, CloneBackward0((edge_to(input),)))
    return out


def contiguous(input, memory_format=None):
    """The tensor itself if its memory is laid out row by row, else a copy."""
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


class ToCopyBackward0(Node):
    """``x.to(dtype, device)``: the gradient goes back to ``x``'s dtype and device."""

    __slots__ = ("dtype", "device")

    def backward(self, grad):
        return grad.to(dtype=self.dtype, device=self.device)


def to_arguments(args, dtype=None, device=None):
    """Sort ``to()``'s positional arguments into a dtype and a device: each may
    be a dtype, a device (its name, or a GPU number), or a tensor whose dtype and
    device to copy."""
    from .._backend import Device
    for a in args:
        if isinstance(a, dtypes.dtype):
            dtype = a
        elif isinstance(a, (str, Device)) or (isinstance(a, int) and not isinstance(a, bool)):
            device = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        else:
            raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
    return dtype, device


def to(input, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """Convert to another dtype and/or device: ``x.to(float64)``, ``x.to('cuda')``,
    ``x.to(other)``. Returns ``x`` itself when nothing changes; otherwise a copy
    that stays in the graph (its gradient flows back to ``x``'s device).

        >>> tensor([1, 2]).to(float32)
        tensor([1., 2.])
    """
    dtype, device = to_arguments(args, dtype, device)
    target = input._device if device is None else placement(device)
    if dtype is None:
        dtype = input.dtype
    if dtype is input.dtype and target is input._device:
        return clone(input) if copy else input
    array = transfer(input._data, input._device, target)
    if dtype is not input.dtype:
        array = array.astype(dtype.np)
    out = make_tensor(array, target)
    if _state.enabled and input._requires_grad or _fw.active:
        if not dtype.is_floating_point:
            return out
        node = ToCopyBackward0((edge_to(input),))
        node.dtype, node.device = input.dtype, input._device
        attach(out, node)
    return out


def _converter(target):
    def convert(input, memory_format=None):
        return to(input, target)
    convert.__name__ = target.name
    convert.__doc__ = f"``x.to({target.name})``."
    return convert


float_ = _converter(dtypes.float32)
double = _converter(dtypes.float64)
long = _converter(dtypes.int64)
bool_ = _converter(dtypes.bool_)


def int_(input):
    return to(input, dtypes.int64)


def cpu(input, memory_format=None):
    """A copy in host memory (the tensor itself if it is there already).

        >>> x.cuda().cpu().device
        device(type='cpu')
    """
    return to(input, device=CPU)


def cuda(input, device=None, non_blocking=False, memory_format=None):
    """A copy on a GPU: ``device`` (a number or ``'cuda:1'``) or the current one.

        >>> x.cuda().device                                  # needs CuPy and a GPU
        device(type='cuda', index=0)
    """
    target = placement("cuda" if device is None else device)     # device() reads a number as a GPU's
    if target.type != "cuda":
        raise RuntimeError(f"Invalid device, must be cuda device, got {target}")
    return to(input, device=target)


# ---- indexing ----------------------------------------------------------------

class SelectBackward0(Node):
    __slots__ = ("shape", "dim", "index")

    def backward(self, grad):
        return _place(grad, self.shape, _select_index(self.dim, self.index))


class SliceBackward0(Node):
    __slots__ = ("shape", "dim", "slice")

    def backward(self, grad):
        return _place(grad, self.shape, _select_index(self.dim, self.slice))


class AliasBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        return grad


class IndexBackward0(Node):
    """``x[index]`` with tensors in the index. The index is saved as PyTorch saves its index tensors, so it is
    freed after backward and a second backward through it is refused."""
    __slots__ = ("shape",)

    def backward(self, grad):
        (index,) = self.saved_tensors
        return _place(grad, self.shape, index, accumulate=True)


def _select_index(dim, item):
    return (slice(None),) * dim + (item,)


class IndexPlaceBackward(Node):
    """The backward of ``_place``: read the gradient back out at the index."""
    __slots__ = ("index",)

    def backward(self, grad):
        return getitem_advanced(grad, self.index)


def _place(grad, shape, index, accumulate=False):
    """A zero tensor of ``shape`` with ``grad`` added at ``index``; differentiable
    in ``grad`` so that double backward works."""
    xp = grad._device.xp
    buffer = xp.zeros(shape, dtype=grad._data.dtype)
    if accumulate:
        xp.add.at(buffer, index, grad._data)
    else:
        buffer[index] = grad._data
    out = make_tensor(buffer, grad._device)
    if _state.enabled and grad._requires_grad or _fw.active:
        node = IndexPlaceBackward((edge_to(grad),))
        node.index = index
        attach(out, node)
    return out


def getitem_advanced(input, index):
    out = make_tensor(input._data[index], input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = IndexBackward0((edge_to(input),))
        node.shape = input.shape
        node.save_for_backward(index)
        attach(out, node)
    return out


def to_index(index, device=CPU):
    """Turn tensors and lists inside an index into arrays on ``device`` (the
    indexed tensor's); also say whether the index is basic (ints, slices, None,
    ...) and so gives a view."""
    items = index if isinstance(index, tuple) else (index,)
    converted, basic = [], True
    for item in items:
        if isinstance(item, Tensor):
            if item._data.dtype.kind == "f":
                raise IndexError(
                    "tensors used as indices must be long, int, byte or bool tensors")
            if item._data.ndim == 0 and item._data.dtype.kind == "i":
                item = int(item.item())
            else:
                if item._device is not device and item._device is not CPU:
                    raise RuntimeError(f"indices should be either on cpu or on the same device as "
                                       f"the indexed tensor ({device})")
                item = transfer(item._data, item._device, device)
                basic = False
        elif isinstance(item, (list, tuple)):
            item = transfer(_list_index(item), CPU, device)
            basic = False
        elif isinstance(item, bool) or (not isinstance(item, (numbers.Integral, slice)) and
                                         item is not None and item is not Ellipsis):
            if not isinstance(item, bool):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    "Variables are valid indices (got %s)" % type(item).__name__)
            basic = False
        converted.append(item)
    return tuple(converted), basic


def _list_index(items):
    """A list in an index (``x[[0, 2]]``) as an array in host memory."""
    flat = []
    for x in items:
        flat.append(x.item() if isinstance(x, Tensor) and x.dim() == 0 else
                    x.cpu()._data if isinstance(x, Tensor) else x)
    array = CPU.xp.asarray(flat)
    if array.dtype.kind == "f":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return array


def getitem(input, index):
    """``x[index]``: ints, slices, ``None`` and ``...`` give views (one node per
    step, as PyTorch records them); integer or boolean tensors and lists copy.

        >>> arange(6).view(2, 3)[1, 1:]
        tensor([4, 5])
    """
    items, basic = to_index(index, input._device)
    if input.dim() == 0 and any(isinstance(i, numbers.Integral) for i in items):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    if isinstance(index, slice) and input.dim():
        return _slice(input, 0, index)      # a lone slice is recorded even when it keeps everything
    if not basic:
        _check_advanced(input, items)
        return _advanced_steps(input, items)
    return _basic_steps(input, items)


def _advanced_steps(input, items):
    """A mixed index in PyTorch's order: first the ints, slices and None as views
    (``x[1, [0, 2]]`` selects row 1), then one IndexBackward0 for the integer and
    boolean arrays over what is left."""
    if any(isinstance(i, bool) for i in items):
        return getitem_advanced(input, items if len(items) > 1 else items[0])
    basic, rest = [], []
    for item in items:
        if item is Ellipsis:
            basic.append(item)
            rest.append(item)
        elif item is None or isinstance(item, slice):
            basic.append(item)
            rest.append(slice(None))
        elif isinstance(item, numbers.Integral):
            basic.append(item)          # the dimension goes away
        else:
            basic.extend([slice(None)] * (item.ndim if item.dtype.kind == "b" else 1))
            rest.append(item)
    if any(i is not Ellipsis and i != slice(None) for i in basic):
        input = _basic_steps(input, tuple(basic))
    return getitem_advanced(input, tuple(rest) if len(rest) > 1 else rest[0])


def _check_advanced(input, items):
    def width(item):        # how many of the tensor's dims an index item uses
        if item is None or item is Ellipsis:
            return 0
        return item.ndim if hasattr(item, "dtype") and item.dtype.kind == "b" else 1

    dim = 0
    for item in items:
        if item is Ellipsis:
            dim += input.dim() - sum(width(i) for i in items)
            continue
        if item is None:
            continue
        if hasattr(item, "dtype") and item.dtype.kind == "b":
            if item.shape != input.shape[dim:dim + item.ndim]:
                raise IndexError(
                    f"The shape of the mask {list(item.shape)} at index {dim} does not match the "
                    f"shape of the indexed tensor {list(input.shape)} at index {dim}")
            dim += item.ndim
        else:
            if hasattr(item, "dtype") and item.size and dim < input.dim():
                n = input.shape[dim]
                bad = item[(item >= n) | (item < -n)]
                if bad.size:
                    raise IndexError(
                        f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {dim} with size {n}")
            dim += 1


def _basic_steps(input, items):
    n_real = sum(1 for i in items if i is not None and i is not Ellipsis)
    if n_real > input.dim():
        raise IndexError(
            f"too many indices for tensor of dimension {input.dim()}")
    out, dim = input, 0
    if items == (Ellipsis,) or not items:
        return _view_of(input, input._data[...], AliasBackward0)
    for item in items:
        if item is Ellipsis:
            dim += input.dim() - n_real
        elif item is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(item, slice):
            if item.indices(out.shape[dim]) != (0, out.shape[dim], 1):    # whole dims are skipped
                out = _slice(out, dim, item)
            dim += 1
        else:
            out = _select(out, dim, int(item))
    if out is input:
        return _view_of(input, input._data[...], AliasBackward0) if input._requires_grad else \
            make_tensor(input._data[...], input._device, input._version_counter)
    return out


def _select(input, dim, index):
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    index %= size
    return _view_of(input, input._data[_select_index(dim, index)], SelectBackward0,
                    shape=input.shape, dim=dim, index=index)


def select(input, dim, index):
    """The slice at ``index`` along ``dim`` (the dimension disappears)."""
    return _select(input, normalize_dim(dim, input.dim()), index)


def _slice(input, dim, item):
    if item.step is not None and item.step <= 0:
        raise ValueError("step must be greater than zero")
    return _view_of(input, input._data[_select_index(dim, item)], SliceBackward0,
                    shape=input.shape, dim=dim, slice=item)


def narrow(input, dim, start, length):
    """``length`` elements from ``start`` along ``dim`` (a view)."""
    d = normalize_dim(dim, input.dim())
    return _slice(input, d, slice(start, start + length))


# ---- broadcast_to, broadcast_tensors, meshgrid, movedim, unflatten ------------------------------

def broadcast_to(input, size):
    """``input`` seen with shape ``size`` (a view; size-1 dims repeat without copying), as ``expand``.

        >>> broadcast_to(tensor([1., 2.]), (3, 2)).shape      # forward: a view of shape (3, 2)
        >>> # backward (ExpandBackward0): the gradient summed over the repeated dims, back to (2,)
    """
    return expand(input, _sizes((size,)))


def broadcast_shapes_of(shapes):
    """The shape that ``shapes`` broadcast to, refusing with PyTorch's message when they do not."""
    common = ()
    for shape in shapes:
        check_broadcastable(common, shape)
        n = max(len(common), len(shape))
        a = (1,) * (n - len(common)) + tuple(common)
        b = (1,) * (n - len(shape)) + tuple(shape)
        common = tuple(y if x == 1 else x for x, y in zip(a, b))
    return common


def broadcast_tensors(*tensors):
    """The tensors, each expanded (a view) to the shape they broadcast to together.

        >>> [t.shape for t in broadcast_tensors(zeros(3, 1), zeros(4))]     # forward: both (3, 4)
        >>> # backward (ExpandBackward0 on each): each gradient summed back to its tensor's shape
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    check_same_device(*tensors)
    shape = broadcast_shapes_of([t.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def meshgrid(*tensors, indexing=None):
    """Grids from 1-d tensors: with ``indexing='ij'`` the i-th result varies along dim i; with ``'xy'``
    the first two dims are swapped (Cartesian). Each result is a view (a reshape, then an expand).

        >>> a, b = meshgrid(tensor([1, 2, 3]), tensor([4, 5]), indexing="ij")   # forward: (3, 2) each
        >>> # backward (ExpandBackward0, then ViewBackward0): each gradient summed along the other dims
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                      "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    for t in tensors[1:]:
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    check_same_device(*tensors)
    swap = indexing == "xy" and len(tensors) >= 2
    order = list(tensors)
    if swap:
        order[0], order[1] = order[1], order[0]
    shape = tuple(t.numel() for t in order)
    grids = []
    for i, t in enumerate(order):
        view_shape = [1] * len(order)
        view_shape[i] = -1
        grids.append(expand(view(t, view_shape), shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def _dims_arg(dims, n, name):
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    return tuple(normalize_dim(int(d), n) for d in dims)


def movedim(input, source, destination):
    """The dims ``source`` moved to the positions ``destination``, the others keeping their order (a view).

        >>> movedim(zeros(2, 3, 4), 0, -1).shape      # forward: (3, 4, 2)
        >>> # backward (PermuteBackward0): the gradient permuted back
    """
    n = input.dim()
    src, dst = _dims_arg(source, n, "source"), _dims_arg(destination, n, "destination")
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(source)} dims) should contain the "
            f"same number of dims as destination ({list(destination)} dims)")
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [None] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in src)
    order = [next(rest) if o is None else o for o in order]
    return permute(input, order)


moveaxis = movedim


def unflatten(input, dim, sizes):
    """Dim ``dim`` split into the dims ``sizes`` (one of them may be -1), a view.

        >>> unflatten(zeros(2, 6), 1, (2, 3)).shape    # forward: (2, 2, 3)
        >>> # backward (ViewBackward0): the gradient reshaped back to (2, 6)
    """
    if not isinstance(sizes, (tuple, list)):
        raise TypeError(f"unflatten(): argument 'sizes' (position 2) must be tuple of ints, "
                        f"not {type(sizes).__name__}")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    d = normalize_dim(dim, input.dim())
    shape = input.shape
    inner = _infer_shape(tuple(int(s) for s in sizes), shape[d]) if -1 in sizes else tuple(int(s) for s in sizes)
    product = 1
    for s in inner:
        product *= s
    if product != shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({shape[d]}) in the input tensor")
    return view(input, shape[:d] + tuple(inner) + shape[d + 1:])
