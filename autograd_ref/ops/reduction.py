"""Reductions: sums, means, extremes, norms, variance, softmax. Each backward
spreads the output's gradient back over the reduced dimensions.

    >>> x.sum(dim=0).grad_fn
    <SumBackward1 object at ...>
"""
import collections

from .. import dtypes
from .._backend import broadcast_to, ignoring_divide_by_zero, sum_leading
from ..autograd.graph import Node, edge_to
from ..tensor import Tensor, make_tensor
from .common import _fw, _grad_off, _state, attach, keep_input_metadata, new_node, normalize_dim, reconnect


def _dims(dim, ndim):
    """``dim`` (None, an int, or a sequence) as a sorted tuple of dims. (A 0-dim tensor takes dim 0 or -1, as in
    PyTorch, and has no dim to reduce over: its tuple is empty.)"""
    if dim is None:
        return tuple(range(ndim))
    if type(dim) is int:
        d = normalize_dim(dim, ndim)
        return (d,) if ndim else ()
    if isinstance(dim, int):
        dim = (dim,)
    dims = tuple(sorted(normalize_dim(d, ndim) for d in dim))
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return dims if ndim else ()


def _expand_back(grad, shape, dims, keepdim):
    """Undo a reduction's shape change: put the reduced dims back as size 1,
    then broadcast to ``shape``."""
    if not keepdim and len(shape):
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)


def _expand_back_array(grad, shape, dims, keepdim, device):
    """:func:`_expand_back` on an array (a node's ``backward_arrays``): a read-only broadcast view, as
    ``expand`` makes."""
    if not keepdim and len(shape):
        grad = device.xp.expand_dims(grad, dims)
    return grad if grad.shape == shape else broadcast_to(grad, shape, device)


def _accumulation_dtype(data, dtype):
    """The numpy dtype a sum or product is computed in: ``dtype`` if given, int64 for integers and
    booleans (as PyTorch), else the input's."""
    if dtype is None and data.dtype.kind in "bi":
        dtype = dtypes.int64
    return dtype.np if dtype is not None else data.dtype


class SumBackward0(Node):
    __slots__ = ("shape",)
    SAVED_ATTRIBUTES = (("self_sym_sizes", "shape"),)

    def backward(self, grad):
        return grad.expand(self.shape)

    def backward_arrays(self, grad, device):
        return broadcast_to(grad, self.shape, device)


class SumBackward1(Node):
    __slots__ = ("shape", "dims", "keepdim")

    def backward(self, grad):
        return _expand_back(grad, self.shape, self.dims, self.keepdim)

    def backward_arrays(self, grad, device):
        return _expand_back_array(grad, self.shape, self.dims, self.keepdim, device)


def sum(input, dim=None, keepdim=False, *, dtype=None):   # noqa: A001 - PyTorch's name
    """Sum of all elements, or over ``dim``.

        >>> sum(tensor([[1., 2.], [3., 4.]]), dim=0)
        tensor([4., 6.])
    """
    data = input._data
    np_dtype = _accumulation_dtype(data, dtype)
    if dim is None and not keepdim:
        res = make_tensor(data.sum(dtype=np_dtype), input._device)
        if input._requires_grad and (not _grad_off or _state.enabled) or _fw.active:
            node = new_node(SumBackward0, (edge_to(input),))
            node.shape = data.shape
            attach(res, node)
        return res
    dims = _dims(dim, data.ndim)
    if not keepdim and np_dtype == data.dtype and dims and dims == tuple(range(len(dims))):
        value = sum_leading(data, len(dims), input._device)      # over the batch: a bias's gradient
    else:
        value = data.sum(axis=dims, keepdims=keepdim, dtype=np_dtype)
    res = make_tensor(value, input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = SumBackward1((edge_to(input),))
        node.shape, node.dims, node.keepdim = input.shape, dims, keepdim
        attach(res, node)
    return res


def _prod_grad(grad, input, result, dim, keepdim):
    """d prod / d x_i is the product of the other elements: result / x_i where no element is zero; where
    exactly one is, only that one has a gradient (the product of the rest); with two or more, none has.
    Written with tensor operations, so that create_graph=True differentiates it again (exactly where no
    element is zero; at zeros, PyTorch's second derivatives may differ)."""
    from .pointwise import where

    if dim is None:
        grad, result = grad.expand(input.shape), result.expand(input.shape)
    elif not keepdim and input.dim():
        grad, result = grad.unsqueeze(dim), result.unsqueeze(dim)
    zero = input == 0
    safe = where(zero, 1.0, input)
    zeros = zero.sum() if dim is None else zero.sum(dim, keepdim=True)
    rest = safe.prod() if dim is None else safe.prod(dim, keepdim=True)
    only_zero = where(zero, grad * rest, 0.0)
    return where(zeros == 0, grad * result / safe, where(zeros == 1, only_zero, 0.0))


class ProdBackward0(Node):
    """``x.prod()``."""
    __slots__ = ()

    def backward(self, grad):
        input, result = self.saved_tensors
        return _prod_grad(grad, input, result, None, False)


class ProdBackward1(Node):
    """``x.prod(dim, keepdim)``."""
    __slots__ = ("dim", "keepdim")

    def backward(self, grad):
        input, result = self.saved_tensors
        return _prod_grad(grad, input, result, self.dim, self.keepdim)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or along one ``dim``.

        >>> prod(tensor([[1., 2.], [3., 4.]]), dim=1)
        tensor([ 2., 12.])
    """
    data = input._data
    np_dtype = _accumulation_dtype(data, dtype)
    if dim is None:
        res = make_tensor(data.prod(dtype=np_dtype), input._device)
        node = ProdBackward0((edge_to(input),)) if _state.enabled and input._requires_grad or _fw.active else None
    else:
        d = normalize_dim(dim, data.ndim)
        res = make_tensor(data.prod(axis=d, keepdims=keepdim, dtype=np_dtype), input._device)
        node = ProdBackward1((edge_to(input),)) if _state.enabled and input._requires_grad or _fw.active else None
        if node is not None:
            node.dim, node.keepdim = d, keepdim
    if node is not None:
        node.save_for_backward(input, res)
        attach(res, node)
    return res


class MeanBackward0(Node):
    __slots__ = ("shape", "count")
    SAVED_ATTRIBUTES = (("self_sym_numel", "count"), ("self_sym_sizes", "shape"))

    def backward(self, grad):
        return grad.expand(self.shape) / self.count

    def backward_arrays(self, grad, device):
        return _expand_back_array(grad, self.shape, (), True, device) / device.scalar(self.count, grad.dtype)


class MeanBackward1(Node):
    __slots__ = ("shape", "dims", "keepdim", "count")

    def backward(self, grad):
        return _expand_back(grad, self.shape, self.dims, self.keepdim) / self.count

    def backward_arrays(self, grad, device):
        return (_expand_back_array(grad, self.shape, self.dims, self.keepdim, device)
                / device.scalar(self.count, grad.dtype))


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of all elements, or over ``dim``.

        >>> mean(tensor([1., 2., 3.]))
        tensor(2.)
    """
    data = input._data
    if dtype is None and data.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_type_word(input.dtype)}")
    np_dtype = dtype.np if dtype is not None else data.dtype
    dims = _dims(dim, data.ndim)
    count = 1
    for d in dims:
        count *= data.shape[d]
    full = dim is None and not keepdim      # a 0-dim result: MeanBackward0
    # The sum divided by the count, as numpy's mean computes it, without its Python-level wrapper (2 µs).
    total = data.sum(axis=None if full else dims, keepdims=keepdim, dtype=np_dtype)
    if count:
        value = total / count
    else:
        with ignoring_divide_by_zero():     # the mean of nothing is NaN, without a warning (as PyTorch)
            value = total / count
    res = make_tensor(input._device.xp.asarray(value, dtype=np_dtype), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        if full:
            node = MeanBackward0((edge_to(input),))
        else:
            node = MeanBackward1((edge_to(input),))
            node.dims, node.keepdim = dims, keepdim
        node.shape, node.count = data.shape, count
        attach(res, node)
    return res


def _type_word(dtype):
    return {"int64": "Long", "bool": "Bool", "float32": "Float", "float64": "Double"}[dtype.name]


# ---- max and min -----------------------------------------------------------

class MaxBackward1(Node):
    """Gradient of a full max/min: shared evenly among the tied elements."""
    __slots__ = ()

    def backward(self, grad):
        x, value = self.saved_tensors
        mask = x == value
        return grad * mask / mask.sum()


class MinBackward1(MaxBackward1):
    __slots__ = ()


class MaxBackward0(Node):
    """Gradient of max/min along a dim: it goes to the chosen index only."""
    __slots__ = ("shape", "dim", "keepdim")

    def backward(self, grad):
        (indices,) = self.saved_tensors
        if not self.keepdim:
            grad = grad.unsqueeze(self.dim)
            indices = indices.unsqueeze(self.dim)
        positions = _positions_along(self.shape, self.dim, indices)
        return grad * (positions == indices)


class MinBackward0(MaxBackward0):
    __slots__ = ()


def _positions_along(shape, dim, like):
    """A tensor holding 0..n-1 along ``dim``, shaped to broadcast against ``shape``."""
    from ..tensor import make_tensor as mk
    xp = like._device.xp
    view = [1] * len(shape)
    view[dim] = shape[dim]
    return mk(xp.arange(shape[dim]).reshape(view), like._device)


_ReturnTypes = {name: collections.namedtuple(name, ["values", "indices"])
                for name in ("max", "min", "sort", "topk", "mode", "median")}


def _extreme(input, dim, keepdim, which):
    data = input._data
    xp = input._device.xp
    full_node, dim_node = (MaxBackward1, MaxBackward0) if which == "max" else (MinBackward1, MinBackward0)
    if dim is None:
        if data.size == 0:
            raise RuntimeError(
                f"{which}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        res = make_tensor(getattr(data, which)(), input._device)
        if _state.enabled and input._requires_grad or _fw.active:
            node = full_node((edge_to(input),))
            node.save_for_backward(input, res.detach())
            attach(res, node)
        return res
    d = normalize_dim(dim, data.ndim)
    if data.ndim == 0:
        indices = xp.zeros((), dtype=xp.int64)
        values = data.copy()
    else:
        arg = xp.argmax if which == "max" else xp.argmin
        indices = arg(data, axis=d, keepdims=True)
        values = xp.take_along_axis(data, indices, axis=d)
        if not keepdim:
            indices, values = indices.squeeze(d), values.squeeze(d)
    values_t = make_tensor(values, input._device)
    indices_t = make_tensor(indices.astype(xp.int64), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = dim_node((edge_to(input),))
        node.save_for_backward(indices_t)
        node.shape, node.dim, node.keepdim = input.shape, d, keepdim
        attach(values_t, node)
    return _ReturnTypes[which](values_t, indices_t)


def max(input, dim=None, keepdim=False):   # noqa: A001 - PyTorch's name
    """The largest element; with ``dim``, ``(values, indices)`` along it; with a
    tensor as second argument, the elementwise ``maximum``.

        >>> max(tensor([[1., 5.], [3., 2.]]), dim=1).values
        tensor([5., 3.])
    """
    if isinstance(dim, Tensor):
        from .pointwise import maximum
        return maximum(input, dim)
    return _extreme(input, dim, keepdim, "max")


def min(input, dim=None, keepdim=False):   # noqa: A001 - PyTorch's name
    """The smallest element; with ``dim``, ``(values, indices)`` along it."""
    if isinstance(dim, Tensor):
        from .pointwise import minimum
        return minimum(input, dim)
    return _extreme(input, dim, keepdim, "min")


def argmax(input, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor if no ``dim``)."""
    return _arg(input, dim, keepdim, input._device.xp.argmax)


def argmin(input, dim=None, keepdim=False):
    """Index of the smallest element (of the flattened tensor if no ``dim``)."""
    return _arg(input, dim, keepdim, input._device.xp.argmin)


def _arg(input, dim, keepdim, fn):
    data = input._data
    if dim is None:
        value = fn(data.reshape(-1))
        if keepdim:
            value = input._device.xp.asarray(value).reshape((1,) * data.ndim)
    else:
        value = fn(data, axis=normalize_dim(dim, data.ndim), keepdims=keepdim)
    return make_tensor(input._device.xp.asarray(value, dtype=input._device.xp.int64), input._device)


# ---- norms and spread ------------------------------------------------------

class LinalgVectorNormBackward0(Node):
    __slots__ = ("ord", "shape", "dims", "keepdim")

    def backward(self, grad):
        x, norm = self.saved_tensors
        norm = reconnect(norm, self)
        grad = _expand_back(grad, self.shape, self.dims, self.keepdim) if self.dims else grad
        norm = _expand_back(norm, self.shape, self.dims, self.keepdim) if self.dims else norm
        p = self.ord
        if p == 2:
            scale = x / norm
        elif p == 1:
            return grad * x.sign()
        elif p == float("inf"):
            mask = x.abs() == norm
            ties = mask.sum(self.dims, keepdim=True) if self.dims else mask.sum()
            return grad * x.sign() * mask / _expand_back(ties, self.shape, (), True)
        else:
            scale = x * x.abs() ** (p - 2) / norm ** (p - 1)
        from .pointwise import where
        return grad * where(norm == 0, 0.0, scale)     # the coefficient masked: no 0 * nan


def norm(input, p="fro", dim=None, keepdim=False):
    """The vector p-norm of all elements, or along ``dim`` (2 by default).

        >>> norm(tensor([3., 4.]))
        tensor(5.)
    """
    ordinal = 2 if p in ("fro", None) else float(p)
    data = input._data
    if data.dtype.kind != "f":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_type_word(input.dtype)}")
    xp = input._device.xp
    dims = _dims(dim, data.ndim)
    axis = dims if dim is not None else None
    a = xp.abs(data)
    if ordinal == float("inf"):
        value = a.max(axis=axis, keepdims=keepdim)
    elif ordinal == 2:
        value = xp.sqrt((a * a).sum(axis=axis, keepdims=keepdim))
    elif ordinal == 1:
        value = a.sum(axis=axis, keepdims=keepdim)
    else:
        value = (a ** ordinal).sum(axis=axis, keepdims=keepdim) ** (1 / ordinal)
    res = make_tensor(xp.asarray(value, dtype=data.dtype), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = LinalgVectorNormBackward0((edge_to(input),))
        node.save_for_backward(input, res.detach())
        node.ord, node.shape = ordinal, input.shape
        node.dims = dims if dim is not None else ()
        node.keepdim = keepdim
        attach(res, node)
    return res


class VarBackward0(Node):
    __slots__ = ("shape", "dims", "keepdim", "divisor")

    def backward(self, grad):
        (x,) = self.saved_tensors
        centred = x - x.mean(self.dims, keepdim=True)
        return _expand_back(grad, self.shape, self.dims, self.keepdim) * centred * (2.0 / self.divisor)


class StdBackward0(Node):
    __slots__ = ("shape", "dims", "keepdim", "divisor")

    def backward(self, grad):
        from .pointwise import where

        x, std = self.saved_tensors
        std = reconnect(std, self)
        centred = x - x.mean(self.dims, keepdim=True)
        with ignoring_divide_by_zero():
            # As in PyTorch: no gradient where the spread is zero (every element equal), not 0 / 0.
            grad = _expand_back(where(std == 0, 0.0, grad / std), self.shape, self.dims, self.keepdim)
            return grad * centred / self.divisor


def _spread(input, dim, unbiased, keepdim, correction, node_cls, take_root):
    data = input._data
    if data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 1 if unbiased in (None, True) else 0
    dims = _dims(dim, data.ndim)
    count = 1
    for d in dims:
        count *= data.shape[d]
    divisor = count - correction
    xp = input._device.xp
    value = data.var(axis=dims, ddof=correction, keepdims=keepdim) if divisor > 0 else \
        xp.full([1 if (i in dims and keepdim) else s for i, s in enumerate(data.shape)
                 if keepdim or i not in dims], xp.nan, dtype=data.dtype)
    if take_root:
        value = xp.sqrt(value)
    res = make_tensor(xp.asarray(value, dtype=data.dtype), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = node_cls((edge_to(input),))
        node.save_for_backward(input, res.detach()) if take_root else node.save_for_backward(input)
        node.shape, node.dims, node.keepdim, node.divisor = input.shape, dims, keepdim, divisor
        attach(res, node)
    return res


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance (Bessel-corrected by default: divides by N - 1).

        >>> var(tensor([1., 2., 3.]))
        tensor(1.)
    """
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return _spread(input, dim, unbiased, keepdim, correction, VarBackward0, False)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation (Bessel-corrected by default)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return _spread(input, dim, unbiased, keepdim, correction, StdBackward0, True)


# ---- softmax ----------------------------------------------------------------

class SoftmaxBackward0(Node):
    __slots__ = ("dim",)

    def backward(self, grad):
        y = reconnect(self.saved_tensors[0], self)
        return y * (grad - (grad * y).sum(self.dim, keepdim=True))


class LogSoftmaxBackward0(Node):
    __slots__ = ("dim",)

    def backward(self, grad):
        y = reconnect(self.saved_tensors[0], self)
        return grad - y.exp() * grad.sum(self.dim, keepdim=True)

    def backward_arrays(self, grad, device):
        y = self.saved_tensors[0]._data
        return grad - device.xp.exp(y) * grad.sum(axis=(self.dim,) if grad.ndim else None, keepdims=True)


def _softmax_dim(input, dim, name):
    if dim is None:
        import warnings
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                      "Change the call to include dim=X as an argument.", stacklevel=3)
        dim = 0 if input.dim() in (0, 1, 3) else 1
    return normalize_dim(dim, input._data.ndim)


def softmax(input, dim=None, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably.

        >>> softmax(tensor([0., 0.]), dim=0)
        tensor([0.5000, 0.5000])
    """
    d = _softmax_dim(input, dim, "softmax")
    data = input._data if dtype is None else input._data.astype(dtype.np)
    xp = input._device.xp
    shifted = xp.exp(data - data.max(axis=d, keepdims=True))
    res = make_tensor(shifted / shifted.sum(axis=d, keepdims=True), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = SoftmaxBackward0((edge_to(input),))
        node.save_for_backward(res.detach())
        node.dim = d
        attach(res, node)
    return res


def log_softmax(input, dim=None, dtype=None):
    """``log(softmax(x))``, computed without forming the softmax.

        >>> log_softmax(tensor([0., 0.]), dim=0).exp()
        tensor([0.5000, 0.5000])
    """
    d = _softmax_dim(input, dim, "log_softmax")
    data = input._data if dtype is None else input._data.astype(dtype.np)
    xp = input._device.xp
    shifted = data - data.max(axis=d, keepdims=True)
    res = make_tensor(shifted - xp.log(xp.exp(shifted).sum(axis=d, keepdims=True)), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = LogSoftmaxBackward0((edge_to(input),))
        node.save_for_backward(res.detach())
        node.dim = d
        attach(res, node)
    return res


def all(input, dim=None, keepdim=False):   # noqa: A001 - PyTorch's name
    """True where every element (over ``dim``) is nonzero; a bool tensor."""
    return _logical_reduce(input, dim, keepdim, "all")


def any(input, dim=None, keepdim=False):   # noqa: A001 - PyTorch's name
    """True where some element (over ``dim``) is nonzero; a bool tensor."""
    return _logical_reduce(input, dim, keepdim, "any")


def _logical_reduce(input, dim, keepdim, which):
    axis = None if dim is None else _dims(dim, input._data.ndim)
    value = getattr(input._data.astype(bool, copy=False), which)(axis=axis, keepdims=keepdim)
    return make_tensor(input._device.xp.asarray(value), input._device)


# ---- amax/amin, logsumexp, cumsum ---------------------------------------------

class AmaxBackward0(Node):
    """``x.amax(dims)``: the gradient is shared evenly among the elements tied for the maximum."""
    __slots__ = ("shape", "dims", "keepdim")

    def backward(self, grad):
        x, value = self.saved_tensors
        value = _expand_back(value, self.shape, self.dims, self.keepdim)
        mask = x == value
        count = _expand_back(mask.sum(self.dims, keepdim=True), self.shape, self.dims, True)
        return _expand_back(grad, self.shape, self.dims, self.keepdim) * mask / count


class AminBackward0(AmaxBackward0):
    __slots__ = ()


def _amax_or_amin(input, dim, keepdim, which):
    data = input._data
    dims = _dims(dim if dim != () else None, data.ndim)
    if data.size == 0:
        raise IndexError(f"{which}(): Expected reduction dim to be specified for input.numel() == 0.")
    reduce = data.max if which == "amax" else data.min
    res = make_tensor(reduce(axis=dims, keepdims=keepdim), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = (AmaxBackward0 if which == "amax" else AminBackward0)((edge_to(input),))
        node.shape, node.dims, node.keepdim = input.shape, dims, keepdim
        node.save_for_backward(input, res.detach())
        attach(res, node)
    return res


def amax(input, dim=(), keepdim=False):
    """The largest values over ``dim`` (all dims by default); ties share the gradient.

        >>> amax(tensor([[1., 3.], [2., 0.]]), dim=1)
        tensor([3., 2.])
    """
    return _amax_or_amin(input, dim, keepdim, "amax")


def amin(input, dim=(), keepdim=False):
    """The smallest values over ``dim`` (all dims by default); ties share the gradient."""
    return _amax_or_amin(input, dim, keepdim, "amin")


class LogsumexpBackward0(Node):
    """``log(sum(exp(x)))`` over dims: d/dx = exp(x - result), the softmax over those dims."""
    __slots__ = ("shape", "dims", "keepdim")

    def backward(self, grad):
        from .pointwise import exp

        x, result = self.saved_tensors
        result = reconnect(result, self)
        back = _expand_back(result, self.shape, self.dims, self.keepdim)
        return _expand_back(grad, self.shape, self.dims, self.keepdim) * exp(x - back)


def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(x), dim))``, computed without overflow.

        >>> logsumexp(tensor([0., 0.]), 0)
        tensor(0.6931)
    """
    xp = input._device.xp
    data = input._data if input._data.dtype.kind == "f" else input._data.astype(dtypes.get_default_dtype().np)
    dims = _dims(dim, data.ndim)
    top = data.max(axis=dims, keepdims=True) if data.size else xp.zeros((1,) * data.ndim, data.dtype)
    top = xp.where(xp.isfinite(top), top, 0)
    with_top = xp.log(xp.exp(data - top).sum(axis=dims, keepdims=True)) + top
    value = with_top if keepdim else with_top.reshape([s for i, s in enumerate(data.shape) if i not in dims])
    res = make_tensor(value.astype(data.dtype, copy=False), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = LogsumexpBackward0((edge_to(input),))
        node.shape, node.dims, node.keepdim = input.shape, dims, keepdim
        node.save_for_backward(input, make_tensor(res._data, res._device, res._version_counter))
        attach(res, node)
    return res


class CumsumBackward0(Node):
    """``x.cumsum(dim)``: element i feeds every output from i on, so its gradient is the sum of the
    incoming gradient from i to the end: total - cumsum(grad) + grad."""
    __slots__ = ("dim",)

    def backward(self, grad):
        if self.dim is None:          # a 0-d tensor: its running sum is itself
            return grad
        return grad.sum(self.dim, keepdim=True) - grad.cumsum(self.dim) + grad


def cumsum(input, dim, *, dtype=None):
    """Running sums along ``dim``.

        >>> cumsum(tensor([1., 2., 3.]), 0)
        tensor([1., 3., 6.])
    """
    data = input._data
    d = normalize_dim(dim, data.ndim or 1)     # a 0-d tensor takes dim 0 or -1
    res = make_tensor(data.cumsum(axis=d if data.ndim else None, dtype=_accumulation_dtype(data, dtype))
                      .reshape(data.shape), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = CumsumBackward0((edge_to(input),))
        node.dim = d if data.ndim else None
        attach(res, node)
    return res


def bincount(input, weights=None, minlength=0):
    """How many times each value 0, 1, 2, ... occurs in a 1-D tensor of non-negative integers (with
    ``weights``, their sum at each value). Not differentiable, as in PyTorch.

        >>> bincount(tensor([0, 1, 1, 3]))
        tensor([1, 2, 0, 1])
    """
    data = input._data
    xp = input._device.xp
    if data.ndim != 1 or data.dtype.kind not in "iu" or (data.size and int(data.min()) < 0):
        if data.dtype.kind == "f":
            raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{input.dtype.legacy_name[:-6]}'")
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    counts = xp.bincount(data, weights=None if weights is None else weights._data, minlength=minlength)
    return make_tensor(counts.astype(xp.int64 if weights is None else weights._data.dtype), input._device)


# ---- cumprod and dist ---------------------------------------------------------------------

class CumprodBackward0(Node):
    """``y = x.cumprod(dim)``: element k feeds every y_j with j >= k, as y_j / x_k. Where no x is 0 that
    gives ``reverse_cumsum(grad * y) / x``; with zeros each x_k's gradient is summed from the products
    that leave x_k out (:func:`_cumprod_backward_with_zeros`), as PyTorch also treats them apart."""
    SAVED = ("self", "result")
    __slots__ = ("dim",)

    def backward(self, grad):
        x, y = self.saved_tensors
        if self.dim is None:          # a 0-d tensor: its running product is itself
            return grad
        if x._data.size and bool((x._data == 0).any()):
            return _cumprod_backward_with_zeros(grad, x, self.dim)
        y = reconnect(y, self)
        gy = grad * y
        return (gy.sum(self.dim, keepdim=True) - gy.cumsum(self.dim) + gy) / x


def _cumprod_backward_with_zeros(grad, x, d):
    """x_k's gradient, sum over j >= k of grad_j times the product of x_0..x_j without x_k, for every k at
    once: row k of an (n, *x.shape) stack is x with x_k set to 1, whose cumprod gives those products.
    It costs n times the memory of x, and is differentiable again (through cumprod, where and sum)."""
    from .pointwise import where
    xp, device, n = x._device.xp, x._device, x.shape[d]
    grid = [n] + [1] * x.dim()
    grid[d + 1] = n
    own = make_tensor(xp.eye(n, dtype=bool).reshape(grid), device)            # [k, ..., j, ...]: j == k
    later = make_tensor(xp.triu(xp.ones((n, n), dtype=bool)).reshape(grid), device)  # j >= k
    rows = where(own, 1.0, x.unsqueeze(0)).cumprod(d + 1) * grad.unsqueeze(0)
    per_k = where(later, rows, 0.0).sum(d + 1)           # (n, x's shape without dim d)
    return per_k.permute(tuple(range(1, d + 1)) + (0,) + tuple(range(d + 1, x.dim())))


_NO_DIM = object()


def cumprod(input, dim=_NO_DIM, *, dtype=None):
    """Running products along ``dim``.

        >>> cumprod(tensor([1., 2., 3.]), 0)
        tensor([1., 2., 6.])
    """
    if dim is _NO_DIM:
        raise TypeError('cumprod() missing 1 required positional arguments: "dim"')
    data = input._data
    d = normalize_dim(dim, data.ndim or 1)     # a 0-d tensor takes dim 0 or -1
    acc = _accumulation_dtype(data, dtype)
    res = make_tensor(data.astype(acc, copy=False).cumprod(axis=d if data.ndim else None).reshape(data.shape),
                      input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = CumprodBackward0((edge_to(input),))
        node.save_for_backward(input, res.detach())
        node.dim = d if data.ndim else None
        if res.dtype is not input.dtype:
            keep_input_metadata(node, input)
        attach(res, node)
    return res


class DistBackward0(Node):
    """``dist(x, y, p)`` = the p-norm of x - y: the norm's gradient, to x, and negated to y."""
    SAVED = ("self", "other", "result")
    SAVED_ATTRIBUTES = ("p",)
    __slots__ = ("p", "shapes")

    def backward(self, grad):
        from .common import reduce_to
        x, y, norm = self.saved_tensors
        g = _vector_norm_grad(grad, x - y, reconnect(norm, self), self.p)
        return (reduce_to(g, self.shapes[0]) if self.next_functions[0][0] is not None else None,
                reduce_to(-g, self.shapes[1]) if self.next_functions[1][0] is not None else None)


def _vector_norm_grad(grad, v, norm, p):
    """``grad`` times the derivative of the p-norm of all of ``v`` (the norm given), as PyTorch's norm_backward."""
    from .pointwise import where
    if p == 0:
        return grad * make_tensor(v._device.xp.zeros_like(v._data), v._device)
    if p == 1:
        return grad * v.sign()
    if p in (float("inf"), float("-inf")):
        mask = v.abs() == norm
        return grad * v.sign() * mask / mask.sum()
    scale = v / norm if p == 2 else v * v.abs() ** (p - 2) / norm ** (p - 1)
    return grad * where(norm == 0, 0.0, scale)       # the coefficient masked: no 0 * nan


def dist(input, other, p=2):
    """The p-norm of ``input - other`` (broadcast), over all elements.

        >>> dist(tensor([0., 0.]), tensor([3., 4.]))
        tensor(5.)
    """
    from .common import binary_arrays, edges, keep_input_metadata, needs_grad, shape_of
    a, b, dtype, device = binary_arrays(input, other, "dist")
    v = a - b
    if v.dtype.kind != "f":
        raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                           f"Got {(dtype or input.dtype).legacy_name[:-6]} instead.")
    xp, p = device.xp, float(p)
    v = xp.abs(v.astype(dtype.np, copy=False) if dtype is not None else v)
    if p == 0:
        value = (v != 0).sum()
    elif p == float("inf"):
        value = v.max()
    elif p == float("-inf"):
        value = v.min()
    elif p == 1:
        value = v.sum()
    elif p == 2:
        value = xp.sqrt((v * v).sum())
    else:
        value = (v ** p).sum() ** (1 / p)
    res = make_tensor(xp.asarray(value, dtype=v.dtype), device)
    if needs_grad(input, other):
        node = DistBackward0(edges(input, other))
        node.save_for_backward(input, other, res.detach())
        node.p, node.shapes = p, (shape_of(input), shape_of(other))
        if dtype is not None:
            keep_input_metadata(node, input, other)
        attach(res, node)
    return res
