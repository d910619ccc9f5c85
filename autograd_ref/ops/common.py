"""What every operation shares: turning operands into arrays, PyTorch's type
promotion, and recording a node when a gradient will be needed."""
import numbers

from .. import dtypes
from ..autograd import grad_mode
from ..autograd.graph import edge_to
from ..tensor import Tensor, make_tensor

_state = grad_mode._state


def is_tensor(x):
    return isinstance(x, Tensor)


def check_number(x, op_name):
    if not isinstance(x, numbers.Number):
        raise TypeError(f"{op_name}(): argument 'other' must be Tensor or Number, not {type(x).__name__}")


def check_same_device(a, b):
    if a._device is not b._device and a._device != b._device:
        raise RuntimeError(
            "Expected all tensors to be on the same device, but found at least two "
            f"devices, {a.device} and {b.device}!")


def needs_grad(*inputs):
    """True when grad mode is on and some input Tensor requires grad."""
    if not _state.enabled:
        return False
    for t in inputs:
        if isinstance(t, Tensor) and t._requires_grad:
            return True
    return False


def edges(*inputs):
    """One ``(node, output_nr)`` edge per input; ``(None, 0)`` for numbers."""
    return tuple(edge_to(t) if isinstance(t, Tensor) else (None, 0) for t in inputs)


def attach(out, node, output_nr=0):
    """Make ``node`` the grad_fn of the new tensor ``out``."""
    out.grad_fn = node
    out._requires_grad = True
    out._output_nr = output_nr
    return out


def binary_arrays(a, b, op_name):
    """Arrays (or numbers) for a binary op, and the result dtype PyTorch gives."""
    if isinstance(a, Tensor):
        ad = a._data
        if isinstance(b, Tensor):
            check_same_device(a, b)
            if ad.dtype is b._data.dtype:
                return ad, b._data, None
            return ad, b._data, dtypes.result_type(a, b)
        check_number(b, op_name)
        if ad.dtype.kind == "f" and not isinstance(b, complex):
            return ad, b, None
        return ad, b, dtypes.result_type(a, b)
    check_number(a, op_name)
    bd = b._data
    if bd.dtype.kind == "f":
        return a, bd, None
    return a, bd, dtypes.result_type(a, b)


def result(array, like, dtype=None):
    """A new tensor holding ``array`` (cast to ``dtype`` when given), on the
    device of the tensor ``like``."""
    if dtype is not None and array.dtype != dtype.np:
        array = array.astype(dtype.np)
    return make_tensor(array, like._device)


def first_tensor(a, b):
    return a if isinstance(a, Tensor) else b


def reduce_to(grad, shape):
    """Sum ``grad`` over the dimensions broadcasting added or stretched, so it
    has the input's ``shape`` again.

        >>> reduce_to(ones(3, 2), (2,)).shape
        (2,)
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    dims = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    out = grad.sum(dims, keepdim=True) if dims else grad
    if extra:
        out = out.reshape(shape)
    return out


def shape_of(x):
    return x.shape if isinstance(x, Tensor) else ()


def normalize_dim(dim, ndim, op_name="dim"):
    """A dimension in ``[0, ndim)``, counting negatives from the end."""
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size
