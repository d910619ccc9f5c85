"""``nn.functional``: the layers and losses as plain functions (no state).

    >>> import autograd_ref.nn.functional as F
    >>> F.cross_entropy(tensor([[2., 0.5]]), tensor([0]))
    tensor(0.2014)

Most are short compositions of the engine's differentiable operations. Five
get a node of their own, as in PyTorch, written below in the style of
``ops/pointwise.py`` (the forward on arrays, its node beside it): ``linear``'s
``AddmmBackward0`` (one node for ``x @ W.T + b``), and the losses whose
composed gradients would be wrong or slow at the edges: ``MseLossBackward0``,
``BinaryCrossEntropyBackward0`` (its log is clamped at -100, and its gradient
must stay finite where the input is exactly 0 or 1),
``BinaryCrossEntropyWithLogitsBackward0`` and ``NllLossBackward0``. The graph
a learner draws of a model then shows the nodes PyTorch's would.

So do, further down, ``embedding`` (``EmbeddingBackward0``), ``logsigmoid``
(``LogSigmoidBackward0``) and ``pad`` (``ConstantPadNdBackward0``). The
reflect and replicate padding and ``interpolate`` are linear maps along the last
one or two dims, ``out = rows @ x @ cols.T``; they share one node with
PyTorch's names (``ReflectionPad2DBackward0``, ``UpsampleBilinear2DBackward0``, ...).
"""
import math
import warnings

from .. import dtypes
from .._backend import broadcast_shapes, ignoring_divide_by_zero, matrix_product
from ..autograd import forward_ad
from ..autograd.graph import Node, edge_to
from ..creation import rand, zeros
from ..ops import activations as _act
from ..ops import reduction as _red
from ..ops import pointwise as _pw
from ..ops.inplace import _inplace
from ..ops.linalg import (matrix_layout, mm_mat1_backward, mm_mat1_backward_array, mm_mat2_backward,
                          mm_mat2_backward_array)
from ..ops.common import (_fw, _grad_off, _state, attach, check_broadcastable, check_same_device, new_node,
                          reduce_array_to, reduce_to)
from ..ops.padding import interpolate, pad
from ..tensor import make_tensor

__all__ = ["smooth_l1_loss", "huber_loss", "kl_div",
           "relu", "relu_", "gelu", "silu", "elu", "elu_", "leaky_relu", "leaky_relu_", "softplus", "hardtanh",
           "hardtanh_", "sigmoid", "tanh", "softmax", "log_softmax", "linear", "dropout", "dropout2d",
           "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "nll_loss", "cross_entropy", "one_hot"]


# ---- activations ------------------------------------------------------------------

def relu(input, inplace=False):
    """``max(x, 0)`` for each element.

        >>> F.relu(tensor([-1., 2.]))
        tensor([0., 2.])
    """
    return input.relu_() if inplace else _pw.relu(input)


def relu_(input):
    """``relu`` in place: ``input`` takes the result, its version goes up."""
    return input.relu_()


def _activation(op, input, inplace, *args):
    """``op(input, *args)``; with ``inplace=True``, written into ``input``'s memory (its version goes up and
    its grad_fn becomes the op's node), as ``nn.LeakyReLU(0.2, inplace=True)`` asks."""
    return _inplace(input, op, *args) if inplace else op(input, *args)


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (swish).

        >>> F.silu(tensor([0., 1.]))
        tensor([0.0000, 0.7311])
    """
    return _activation(_act.silu, input, inplace)


def gelu(input, approximate="none"):
    """``x * Phi(x)``, Phi the standard normal's CDF (``approximate='tanh'``: its tanh approximation)."""
    return _act.gelu(input, approximate)


def elu(input, alpha=1.0, inplace=False):
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    return _activation(_act.elu, input, inplace, alpha)


def elu_(input, alpha=1.0):
    """``elu`` in place."""
    return elu(input, alpha, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where positive, ``negative_slope * x`` elsewhere.

        >>> F.leaky_relu(tensor([-1., 2.]), 0.2)
        tensor([-0.2000,  2.0000])
    """
    return _activation(_act.leaky_relu, input, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """``leaky_relu`` in place."""
    return leaky_relu(input, negative_slope, inplace=True)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``."""
    return _act.softplus(input, beta, threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``x`` clamped to ``[min_val, max_val]``; the gradient flows strictly inside the range."""
    return _activation(_act.hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """``hardtanh`` in place."""
    return hardtanh(input, min_val, max_val, inplace=True)


def sigmoid(input):
    """``1 / (1 + exp(-x))`` for each element.

        >>> F.sigmoid(tensor([0.]))
        tensor([0.5000])
    """
    return _pw.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent of each element.

        >>> F.tanh(tensor([0.]))
        tensor([0.])
    """
    return _pw.tanh(input)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / exp(x).sum(dim)``: each slice along ``dim`` becomes
    probabilities that add up to one.

        >>> F.softmax(tensor([[1., 1.]]), dim=1)
        tensor([[0.5000, 0.5000]])
    """
    return _red.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(x, dim))``, computed without forming the softmax.

        >>> F.log_softmax(tensor([[0., 0.]]), dim=1).exp()
        tensor([[0.5000, 0.5000]])
    """
    return _red.log_softmax(input, dim, dtype)


# ---- linear -----------------------------------------------------------------------

class AddmmBackward0(Node):
    """``bias + mat1 @ mat2``: the gradient of mat1 is ``grad @ mat2.T``, of
    mat2 ``mat1.T @ grad``, and the bias (broadcast over the rows) gets the
    gradient summed over the rows."""
    __slots__ = ("bias_shape", "sizes1", "strides1", "sizes2", "strides2")
    SAVED = ("mat1", "mat2")
    SAVED_ATTRIBUTES = (("alpha", "_one"), ("beta", "_one"), ("mat1_sym_sizes", "sizes1"),
                        ("mat1_sym_strides", "strides1"), ("mat2_sym_sizes", "sizes2"), ("mat2_sym_strides", "strides2"))
    _one = 1        # this addmm's alpha and beta (bias + 1 * mat1 @ mat2)

    def backward(self, grad):
        mat1, mat2 = self.saved_tensors
        (need_bias, _), (need_1, _), (need_2, _) = self.next_functions
        return (reduce_to(grad, self.bias_shape) if need_bias is not None else None,
                mm_mat1_backward(grad, mat2, self.sizes1, self.strides1) if need_1 is not None else None,
                mm_mat2_backward(grad, mat1, self.sizes2, self.strides2) if need_2 is not None else None)

    def backward_arrays(self, grad, device):
        mat1, mat2 = self.saved_tensors
        (need_bias, _), (need_1, _), (need_2, _) = self.next_functions
        return (reduce_array_to(grad, self.bias_shape, device) if need_bias is not None else None,
                mm_mat1_backward_array(grad, mat2._data, self.sizes1, self.strides1, device)
                if need_1 is not None else None,
                mm_mat2_backward_array(grad, mat1._data, self.sizes2, self.strides2, device)
                if need_2 is not None else None)


class ScaledAddmmBackward0(AddmmBackward0):
    """``beta * bias + alpha * mat1 @ mat2`` (``addmm`` with its own alpha and beta): AddmmBackward0's
    gradients, scaled. PyTorch names it AddmmBackward0 too."""
    __slots__ = ("alpha", "beta")
    SAVED_ATTRIBUTES = ("alpha", "beta") + AddmmBackward0.SAVED_ATTRIBUTES[2:]

    def backward(self, grad):
        g_bias, g1, g2 = AddmmBackward0.backward(self, grad)
        return (None if g_bias is None else g_bias * self.beta,
                None if g1 is None else g1 * self.alpha,
                None if g2 is None else g2 * self.alpha)


ScaledAddmmBackward0.__name__ = ScaledAddmmBackward0.__qualname__ = "AddmmBackward0"


def _addmm(bias, mat1, mat2):
    """``bias + mat1 @ mat2`` for matrices, recorded as one node."""
    if not (bias._device is mat1._device is mat2._device):
        check_same_device(mat1, mat2, bias)
    a, b = mat1._data, mat2._data
    if not (a.dtype is b.dtype is bias._data.dtype or a.dtype == b.dtype == bias._data.dtype):
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {mat1.dtype.legacy_name[:-6]} "
            f"and {mat2.dtype.legacy_name[:-6]}")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    value = matrix_product(a, b, mat1._device)
    value += bias._data
    out = make_tensor(value, mat1._device)
    if (bias._requires_grad or mat1._requires_grad or mat2._requires_grad) and (not _grad_off or _state.enabled) \
            or _fw.active:
        next_functions = (edge_to(bias), edge_to(mat1), edge_to(mat2))
        # mat1 is needed only for mat2's gradient and mat2 only for mat1's (an input needs none)
        node = new_node(AddmmBackward0, next_functions, (mat1 if next_functions[2][0] is not None else None,
                                                         mat2 if next_functions[1][0] is not None else None))
        node.bias_shape = bias._data.shape
        node.sizes1, node.strides1 = matrix_layout(mat1._data)
        node.sizes2, node.strides2 = matrix_layout(mat2._data)
        attach(out, node)
    return out


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``: what ``nn.Linear`` computes. ``weight`` has
    shape ``(out_features, in_features)``.

        >>> F.linear(ones(1, 2), tensor([[1., 2.]]), tensor([0.5]))
        tensor([[3.5000]])
    """
    if bias is None:
        return input.matmul(weight.t())
    if input._data.ndim == 2:
        return _addmm(bias, input, weight.t())
    # Any other number of dims: fold the leading ones into rows, and unfold after.
    rows = input.reshape(-1, input.shape[-1])
    return _addmm(bias, rows, weight.t()).view(*input.shape[:-1], weight.shape[0])


# ---- dropout ----------------------------------------------------------------------

def dropout(input, p=0.5, training=True, inplace=False):
    """While training, zero each element with probability ``p`` and scale the
    others by ``1 / (1 - p)``, so the expected value is unchanged; outside
    training, return the input as it is.

        >>> manual_seed(0); F.dropout(ones(6), p=0.5)      # zeros and twos
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        mask = zeros(input.shape, dtype=input.dtype, device=input.device)
    else:
        keep = rand(input.shape, dtype=input.dtype, device=input.device) >= p
        mask = keep.to(input.dtype) * (1.0 / (1.0 - p))
    return input.mul_(mask) if inplace else input * mask


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel-wise dropout for ``(N, C, H, W)`` input: while training, zero
    each whole channel ``input[n, c]`` with probability ``p`` and scale the
    kept ones by ``1 / (1 - p)``. As in PyTorch, a 3-D input is read as
    ``(N, C, L)`` and any other number of dims is allowed with a warning.

        >>> manual_seed(0); F.dropout2d(ones(1, 4, 2, 2), p=0.5)[0, :, 0, 0]
        tensor([2., 0., 0., 0.])
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    import warnings
    if input.dim() not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", stacklevel=2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    if input.dim() < 2:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input, but got {input.dim()}")
    if not training or p == 0.0:
        return input
    # One draw per (sample, channel); the feature dims broadcast.
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    if p == 1.0:
        mask = zeros(shape, dtype=input.dtype, device=input.device)
    else:
        keep = rand(shape, dtype=input.dtype, device=input.device) >= p
        mask = keep.to(input.dtype) * (1.0 / (1.0 - p))
    return input.mul_(mask) if inplace else input * mask


# ---- losses -------------------------------------------------------------------------
#
# Every loss takes ``reduction``: 'mean' (the default) averages the per-element
# losses, 'sum' adds them, 'none' returns them.

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce, reduction):
    """The old ``size_average``/``reduce`` flags, still accepted as PyTorch does."""
    if size_average is None and reduce is None:
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{reduction} is not a valid value for reduction")
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  f"reduction='{_legacy_to_string(size_average, reduce)}' instead.", stacklevel=3)
    return _legacy_to_string(size_average, reduce)


def _legacy_to_string(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce_array(values, reduction):
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values


def _spread(grad, reduction, count):
    """The output gradient as a factor for each element's gradient: a mean
    shares it among ``count`` elements; 'none' has one per element already."""
    return grad / count if reduction == "mean" else grad


def _warn_broadcast(input, target, stacklevel=3):
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", stacklevel=stacklevel)


def _refuse_grad(tensor, arg, fn_name):
    if tensor is not None and tensor._requires_grad and _state.enabled:
        raise RuntimeError(
            f"The function '{fn_name}' is not differentiable with respect to argument "
            f"'{arg}'. This input cannot have requires_grad True.")


class MseLossBackward0(Node):
    """``mean((x - y)²)``: d/dx = 2 (x - y) / N, and the opposite for y."""
    __slots__ = ("reduction", "count")

    def backward(self, grad):
        x, y = self.saved_tensors
        g = _spread(grad, self.reduction, self.count) * 2 * (x - y)
        (need_x, _), (need_y, _) = self.next_functions
        return (g if need_x is not None else None,
                -g if need_y is not None else None)

    def backward_arrays(self, grad, device):
        x, y = self.saved_tensors
        if self.reduction == "mean":
            grad = grad / device.scalar(self.count, grad.dtype)
        g = grad * device.scalar(2, grad.dtype) * (x._data - y._data)
        (need_x, _), (need_y, _) = self.next_functions
        return (g if need_x is not None else None,
                -g if need_y is not None else None)


def _broadcast_pair(input, target):
    """Both tensors expanded to one shape, as PyTorch does before a loss that
    allows broadcasting (after warning that it is probably a mistake)."""
    check_same_device(input, target)
    if input.shape == target.shape:
        return input, target
    _warn_broadcast(input, target, stacklevel=4)
    shape = broadcast_shapes(input.shape, target.shape)
    return input.expand(shape), target.expand(shape)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean squared error: the mean (or sum) of ``(input - target)²``.

        >>> F.mse_loss(tensor([1., 3.]), tensor([1., 1.]))
        tensor(2.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    a, b = input._data, target._data
    if a.dtype is b.dtype and a.shape == b.shape and input._device is target._device:
        diff = a - b        # the common case: nothing to broadcast, convert or move
    else:
        input, target = _broadcast_pair(input, target)
        dtype = dtypes.result_type(input, target).np     # float32 input, int64 target: float32, as PyTorch
        diff = input._data.astype(dtype, copy=False) - target._data.astype(dtype, copy=False)
    values = diff * diff
    out = make_tensor(_reduce_array(values, reduction), input._device)
    if _state.enabled and (input._requires_grad or target._requires_grad) or _fw.active:
        node = MseLossBackward0((edge_to(input), edge_to(target)))
        node.save_for_backward(input, target)
        node.reduction, node.count = reduction, values.size
        attach(out, node)
    return out


class SmoothL1LossBackward0(Node):
    """Quadratic within ``beta`` of the target, linear outside: d/dx = d / beta inside, sign(d) outside."""
    __slots__ = ("reduction", "count", "beta")

    def backward(self, grad):
        x, y = self.saved_tensors
        d = x - y
        g = _spread(grad, self.reduction, self.count) * _pw.where(d.abs() < self.beta, d / self.beta, d.sign())
        (need_x, _), (need_y, _) = self.next_functions
        return (g if need_x is not None else None, -g if need_y is not None else None)


class HuberLossBackward0(Node):
    """Quadratic within ``delta`` of the target, linear outside: d/dx = d inside, delta sign(d) outside."""
    __slots__ = ("reduction", "count", "delta")

    def backward(self, grad):
        x, y = self.saved_tensors
        d = x - y
        g = _spread(grad, self.reduction, self.count) * _pw.where(d.abs() < self.delta, d, d.sign() * self.delta)
        (need_x, _), (need_y, _) = self.next_functions
        return (g if need_x is not None else None, -g if need_y is not None else None)


def _piecewise_loss(input, target, reduction, node_cls, width, inside, outside, **attrs):
    """A loss that is ``inside(d)`` where |d| < width and ``outside(d)`` elsewhere, d = input - target."""
    input, target = _broadcast_pair(input, target)
    dtype = dtypes.result_type(input, target).np
    xp = input._device.xp
    d = input._data.astype(dtype, copy=False) - target._data.astype(dtype, copy=False)
    values = xp.where(xp.abs(d) < width, inside(d), outside(xp.abs(d))).astype(dtype, copy=False)
    out = make_tensor(_reduce_array(values, reduction), input._device)
    if _state.enabled and (input._requires_grad or target._requires_grad) or _fw.active:
        node = node_cls((edge_to(input), edge_to(target)))
        node.save_for_backward(input, target)
        node.reduction, node.count = reduction, values.size
        for name, value in attrs.items():
            setattr(node, name, value)
        attach(out, node)
    return out


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """``0.5 d² / beta`` where |d| < beta, ``|d| - 0.5 beta`` elsewhere (d = input - target); with
    ``beta=0`` it is ``l1_loss``.

        >>> F.smooth_l1_loss(tensor([0.5, 3.]), tensor([0., 0.]))
        tensor(1.3125)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    return _piecewise_loss(input, target, reduction, SmoothL1LossBackward0, beta,
                           lambda d: 0.5 * d * d / beta, lambda a: a - 0.5 * beta, beta=beta)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """``0.5 d²`` where |d| < delta, ``delta (|d| - 0.5 delta)`` elsewhere (d = input - target).

        >>> F.huber_loss(tensor([0.5, 3.]), tensor([0., 0.]))
        tensor(1.3125)
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _piecewise_loss(input, target, reduction, HuberLossBackward0, delta,
                           lambda d: 0.5 * d * d, lambda a: delta * (a - 0.5 * delta), delta=delta)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The KL divergence of ``target`` from the distribution whose log-probabilities are ``input``:
    ``target * (log(target) - input)`` per element (``exp(t) * (t - input)`` with ``log_target``), composed
    of tensor operations as PyTorch composes it. ``reduction='batchmean'`` gives the KL divergence per
    sample; 'mean' divides by every element (and warns, as PyTorch does)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, "mean")
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if log_target:
        values = _pw.exp(target) * (target - input)
    else:
        values = _pw.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return values.sum() / input.size(0) if input.dim() else values.sum()
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return values.mean() if reduction == "mean" else values.sum() if reduction == "sum" else values


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean absolute error: the mean (or sum) of ``|input - target|``.

        >>> F.l1_loss(tensor([1., 3.]), tensor([2., 1.]))
        tensor(1.5000)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _warn_broadcast(input, target)
    values = (input - target).abs()
    if reduction == "mean":
        return values.mean()
    return values.sum() if reduction == "sum" else values


# Keeps BCE's gradient finite where x(1 - x) is zero: PyTorch's 1e-12, which it
# stores as a float32 (so 9.99999996e-13).
_EPSILON = 9.999999960041972e-13


class BinaryCrossEntropyBackward0(Node):
    """``-w (y log x + (1 - y) log(1 - x))``: d/dx = w (x - y) / (x (1 - x)),
    d/dy = w (log(1 - x) - log x)."""
    __slots__ = ("reduction", "count")

    def backward(self, grad):
        x, y, weight = self.saved_tensors
        g = _spread(grad, self.reduction, self.count)
        if weight is not None:
            g = g * weight
        (need_x, _), (need_y, _) = self.next_functions
        gx = gy = None
        if need_x is not None:
            gx = g * (x - y) / (x * (1 - x)).clamp(min=_EPSILON)
        if need_y is not None:
            gy = g * ((1 - x).log().clamp(min=-100) - x.log().clamp(min=-100))
        return gx, gy


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """The loss of predicted probabilities ``input`` for 0/1 labels ``target``:
    ``-(y log x + (1 - y) log(1 - x))``, each log clamped at -100 (so a
    confident wrong answer costs 100, not infinity).

        >>> F.binary_cross_entropy(tensor([0.5]), tensor([1.]))
        tensor(0.6931)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}) is deprecated. Please ensure they have the same size.")
    _refuse_grad(weight, "weight", "binary_cross_entropy")
    check_same_device(input, target, weight)
    xp = input._device.xp
    x, y = input._data, target._data
    if x.size and (x.min() < 0 or x.max() > 1):
        raise RuntimeError("all elements of input should be between 0 and 1")
    with _quiet_log(xp):
        values = (y - 1) * xp.maximum(xp.log1p(-x), -100) - y * xp.maximum(xp.log(x), -100)
    if weight is not None:
        values = values * weight._data
    out = make_tensor(_reduce_array(values.astype(x.dtype, copy=False), reduction), input._device)
    if _state.enabled and (input._requires_grad or target._requires_grad) or _fw.active:
        node = BinaryCrossEntropyBackward0((edge_to(input), edge_to(target)))
        node.save_for_backward(input, target, weight)
        node.reduction, node.count = reduction, values.size
        attach(out, node)
    return out


def _quiet_log(xp):
    """Silence numpy's warning for log(0): the clamp at -100 handles it. (CuPy
    does not warn.)"""
    return ignoring_divide_by_zero()


class BinaryCrossEntropyWithLogitsBackward0(Node):
    """BCE of ``sigmoid(x)``, from the logit x: d/dx = w ((1 + (p - 1) y)
    sigmoid(x) - p y) with ``p`` the pos_weight (1 without one), which is
    ``w (sigmoid(x) - y)`` when p = 1; d/dy = -w (x + (p - 1) log sigmoid(x))."""
    __slots__ = ("reduction", "count")

    def backward(self, grad):
        x, y, weight, pos_weight = self.saved_tensors
        g = _spread(grad, self.reduction, self.count)
        if weight is not None:
            g = g * weight
        (need_x, _), (need_y, _) = self.next_functions
        gx = gy = None
        if need_x is not None:
            if pos_weight is None:
                gx = g * (x.sigmoid() - y)
            else:
                py = pos_weight * y
                gx = g * ((py + 1 - y) * x.sigmoid() - py)
        if need_y is not None:
            if pos_weight is None:
                gy = -g * x
            else:
                log_sigmoid = -(_pw.relu(-x) + (1 + (-x.abs()).exp()).log())
                gy = -g * (x + (pos_weight - 1) * log_sigmoid)
        return gx, gy


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """``binary_cross_entropy(sigmoid(input), target)``, computed from the logits
    without overflow. ``pos_weight`` multiplies the loss of the positive labels
    (one weight per class, broadcast along the last dim).

        >>> F.binary_cross_entropy_with_logits(tensor([0.]), tensor([1.]))
        tensor(0.6931)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape!r}) must be the same as input size ({input.shape!r})")
    _refuse_grad(weight, "weight", "binary_cross_entropy_with_logits")
    _refuse_grad(pos_weight, "pos_weight", "binary_cross_entropy_with_logits")
    check_same_device(input, target, weight, pos_weight)
    xp = input._device.xp
    x, y = input._data, target._data
    # softplus(-x) = log(1 + exp(-x)), written so that exp never overflows.
    softplus_neg = xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x)))
    if pos_weight is None:
        values = (1 - y) * x + softplus_neg
    else:
        values = (1 - y) * x + (1 + (pos_weight._data - 1) * y) * softplus_neg
    if weight is not None:
        values = values * weight._data
    out = make_tensor(_reduce_array(values.astype(x.dtype, copy=False), reduction), input._device)
    if _state.enabled and (input._requires_grad or target._requires_grad) or _fw.active:
        node = BinaryCrossEntropyWithLogitsBackward0((edge_to(input), edge_to(target)))
        node.save_for_backward(input, target, weight, pos_weight)
        node.reduction, node.count = reduction, values.size
        attach(out, node)
    return out


class NllLossBackward0(Node):
    """``-w[t] x[t]`` for each sample's target class t: the gradient is
    ``-w[t]`` (divided by the total weight for a mean) at the target class and
    zero elsewhere. ``coefficients`` holds those numbers, the shape of x."""
    __slots__ = ("coefficients", "class_dim", "reduction")

    def backward(self, grad):
        if self.reduction == "none" and grad.dim():
            grad = grad.unsqueeze(self.class_dim)
        return grad * self.coefficients

    def backward_arrays(self, grad, device):
        if self.reduction == "none" and grad.ndim:
            grad = device.xp.expand_dims(grad, self.class_dim)
        return grad * self.coefficients._data


class NllLoss2DBackward0(NllLossBackward0):
    """The same for images: input ``(N, C, H, W)``, target ``(N, H, W)``."""
    __slots__ = ()


def _nll_parts(input, target, weight, ignore_index):
    """For each sample: the log-probability of its target class, and that
    sample's weight (0 where the target is ``ignore_index``); plus the index
    of those entries in ``input``, for the gradient."""
    check_same_device(input, target, weight)
    xp = input._device.xp
    if target._data.dtype.kind not in "iu":
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_type_word(target.dtype)}")
    class_dim = 1 if input.dim() >= 2 else 0
    if input.dim() >= 2 and input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0]}).")
    expected = input.shape[:class_dim] + input.shape[class_dim + 1:]
    if target.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    n_classes = input.shape[class_dim]
    t = target._data
    kept = t != ignore_index
    bad = t[kept & ((t < 0) | (t >= n_classes))]
    if bad.size:
        raise IndexError(f"Target {int(bad.reshape(-1)[0])} is out of bounds.")
    safe = xp.where(kept, t, 0)
    # The entry of each target: (sample, class, position...) as broadcasting index arrays.
    grids = [xp.arange(n).reshape([n if i == d else 1 for i in range(t.ndim)]) for d, n in enumerate(t.shape)]
    index = tuple(grids[:class_dim]) + (safe,) + tuple(grids[class_dim:])
    picked = input._data[index]
    w = kept.astype(input._data.dtype)
    if weight is not None:
        w = w * weight._data[safe]
    return picked, w, index


def _type_word(dtype):
    return {"int64": "Long", "bool": "Bool", "float32": "Float", "float64": "Double"}[dtype.name]


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """The negative log-likelihood of the target classes, given
    log-probabilities ``input`` of shape ``(N, C)`` (or ``(N, C, d1, ...)``)
    and class indices ``target`` of shape ``(N,)``. A 'mean' divides by the
    total weight of the samples not ignored.

        >>> F.nll_loss(tensor([[-0.5, -1.0]]), tensor([1]))
        tensor(1.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _refuse_grad(weight, "weight", "nll_loss_forward")
    if input.dim() == 3 or input.dim() > 4:
        # As PyTorch does: fold the extra dims into an image's (1, rest) and
        # use the 4-d case, then unfold a per-element result.
        if input.shape[0] != target.shape[0]:
            _nll_parts(input, target, weight, ignore_index)        # raises PyTorch's error
        n, c = input.shape[:2]
        out = nll_loss(input.contiguous().view(n, c, 1, -1), target.contiguous().view(n, 1, -1),
                       weight, None, ignore_index, None, reduction)
        return out.view(target.shape) if reduction == "none" else out
    picked, w, index = _nll_parts(input, target, weight, ignore_index)
    xp = input._device.xp
    values = -w * picked
    total = w.sum()
    if reduction == "none":
        value, share = values, w
    else:
        value = values.sum() / total if reduction == "mean" else values.sum()
        share = w / total if reduction == "mean" else w
    out = make_tensor(xp.asarray(value, dtype=input._data.dtype), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        coefficients = xp.zeros_like(input._data)
        coefficients[index] = -share
        node = (NllLoss2DBackward0 if input.dim() == 4 else NllLossBackward0)((edge_to(input),))
        node.coefficients = make_tensor(coefficients, input._device)
        node.class_dim, node.reduction = (1 if input.dim() >= 2 else 0), reduction
        attach(out, node)
    return out


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """The classification loss for raw scores (logits) ``input`` of shape
    ``(N, C)``: ``nll_loss(log_softmax(input, 1), target)``. ``target`` holds
    class indices, or (float, the shape of ``input``) class probabilities.
    ``label_smoothing`` mixes the targets with the uniform distribution.

        >>> F.cross_entropy(tensor([[2., 0.5]]), tensor([0]))
        tensor(0.2014)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 1 if input.dim() >= 2 else 0
    log_p = log_softmax(input, class_dim)
    if target.is_floating_point():
        return _cross_entropy_probabilities(log_p, target, weight, reduction, label_smoothing,
                                            class_dim)
    loss = nll_loss(log_p, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return loss
    # The smoothed part: each sample's mean over classes of -log p (weighted).
    n_classes = input.shape[class_dim]
    weighted = log_p if weight is None else log_p * _along(weight, class_dim, input.dim())
    smooth = -weighted.sum(class_dim)
    kept = target != ignore_index
    smooth = smooth.masked_fill(target == ignore_index, 0.0)
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / kept.sum()
        else:
            safe = _pw.where(kept, target, 0)
            smooth = smooth.sum() / _pw.where(kept, weight[safe], 0.0).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return _pw.mul_scalar(loss, 1 - label_smoothing) + _pw.mul_scalar(smooth, label_smoothing / n_classes)


def _along(weight, class_dim, ndim):
    """A per-class weight shaped to broadcast along ``class_dim``."""
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.reshape(shape)


def _cross_entropy_probabilities(log_p, target, weight, reduction, label_smoothing, class_dim):
    if target.shape != log_p.shape:
        raise RuntimeError(
            f"Expected target size {list(log_p.shape)}, got {list(target.shape)}")
    n_classes = log_p.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = log_p * target
    if weight is not None:
        terms = terms * _along(weight, class_dim, log_p.dim())
    if reduction == "none":
        return -terms.sum(class_dim)
    total = -terms.sum()
    # A mean is per sample, as PyTorch does (not divided by the weights).
    return _pw.div_scalar(total, log_p.numel() // n_classes) if reduction == "mean" else total


def one_hot(tensor, num_classes=-1):
    """Class indices as rows of zeros with a one at the index (int64); a new
    last dimension of length ``num_classes`` (by default the largest index + 1).

        >>> F.one_hot(tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    xp = tensor._device.xp
    t = tensor._data
    if t.size and t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(t.max()) + 1 if t.size else 0
    elif t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (t[..., None] == xp.arange(num_classes)).astype(xp.int64)
    return make_tensor(out, tensor._device)


# Convolution, pooling and batch norm: their operations and nodes live in ops/conv.py and ops/pooling.py.
from ..ops.normalization import layer_norm  # noqa: E402
from ..ops.conv import batch_norm, conv1d, conv2d, conv_transpose1d, conv_transpose2d, fold, unfold  # noqa: E402
from ..ops.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d  # noqa: E402

__all__ += ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool2d", "avg_pool2d",
            "adaptive_avg_pool2d", "batch_norm", "layer_norm", "unfold", "fold"]


# ---- embedding ----------------------------------------------------------------------

class EmbeddingBackward0(Node):
    """``weight[indices]``: each row of the gradient is added to the weight row
    its index picked (``index_add``), except the ``padding_idx`` row, which gets
    none; ``scale_grad_by_freq`` divides each by how often its index occurs."""
    __slots__ = ("num_weights", "padding_idx", "scale_grad_by_freq", "sparse")
    SAVED = ("indices",)
    SAVED_ATTRIBUTES = ("num_weights", "padding_idx", "scale_grad_by_freq", "sparse")

    def backward(self, grad):
        (indices,) = self.saved_tensors
        flat = indices.reshape(-1)
        rows = grad.reshape(-1, grad.shape[-1])
        xp = grad._device.xp
        scale = None
        if self.padding_idx >= 0:
            scale = (flat._data != self.padding_idx).astype(grad._data.dtype)
        if self.scale_grad_by_freq:
            counts = xp.bincount(flat._data, minlength=self.num_weights)[flat._data].astype(grad._data.dtype)
            scale = 1 / counts if scale is None else scale / counts
        if scale is not None:
            rows = rows * make_tensor(scale[:, None], grad._device)
        return _index_add(zeros((self.num_weights, grad.shape[-1]), dtype=grad.dtype, device=grad.device),
                          0, flat, rows)


def _padding_index(padding_idx, num_embeddings):
    """``padding_idx`` as a row number (negative counts from the end), or -1 for none."""
    if padding_idx is None:
        return -1
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % num_embeddings


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """The rows of ``weight`` (shape ``(num_embeddings, embedding_dim)``) at the
    integer ``input``: the output has ``input``'s shape plus ``embedding_dim``.
    The ``padding_idx`` row gets no gradient.

        >>> F.embedding(tensor([[0, 2]]), weight).shape        # forward: weight[input]
        autograd_ref.Size([1, 2, 3])
        >>> out.backward(g)       # backward: weight.grad = index_add of g's rows at input (EmbeddingBackward0)
    """
    if max_norm is not None:
        raise NotImplementedError("autograd_ref's embedding has no max_norm: renormalise the weight yourself")
    if sparse:
        raise NotImplementedError("autograd_ref has no sparse gradients: use sparse=False")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    padding = _padding_index(padding_idx, weight.shape[0])
    if input.dtype is not dtypes.int64:
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got {input.type()} instead (while checking arguments for embedding)")
    check_same_device(input, weight)
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    out = make_tensor(weight._data[idx], weight._device)
    if _state.enabled and weight._requires_grad or _fw.active:
        node = EmbeddingBackward0((edge_to(weight),))
        node.save_for_backward(input)
        node.num_weights, node.padding_idx = weight.shape[0], padding
        node.scale_grad_by_freq, node.sparse = bool(scale_grad_by_freq), False
        attach(out, node)
        if _fw.active and (padding >= 0 or scale_grad_by_freq):
            # Forward mode, as PyTorch: the lookup is linear, so the tangent is the tangent's rows, the
            # padding row's included and unscaled (the backward's masking and scaling are not a derivative).
            tangent = forward_ad.tangent_of(weight)
            if tangent is not None:
                forward_ad.set_tangent(out, make_tensor(tangent._data[idx], weight._device))
    return out


# ---- distances and normalising --------------------------------------------------------

def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``), so
    that each slice has norm one.

        >>> F.normalize(tensor([[3., 4.]]))
        tensor([[0.6000, 0.8000]])
    """
    if out is not None:
        raise NotImplementedError("autograd_ref's normalize has no out=")
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    return input / denom


def _at_least(norm, eps):
    """``max(norm, eps)`` whose gradient is the norm's own, as PyTorch's
    cosine_similarity clamps its norms outside the graph."""
    return norm + (norm.clamp(min=eps) - norm).detach()


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim`` (after
    broadcasting), each norm taken as at least ``eps``.

        >>> F.cosine_similarity(tensor([[1., 0.]]), tensor([[1., 1.]]))
        tensor([0.7071])
    """
    kind = dtypes.result_type(x1, x2)
    if not kind.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_type_word(kind)}")
    check_broadcastable(x1.shape, x2.shape)
    shape = broadcast_shapes(x1.shape, x2.shape)
    x1, x2 = x1.expand(shape), x2.expand(shape)
    n1 = _at_least(x1.norm(2, dim, keepdim=True), eps)
    n2 = _at_least(x2.norm(2, dim, keepdim=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dimension.

        >>> F.pairwise_distance(tensor([[0., 0.]]), tensor([[3., 4.]]))
        tensor([5.0000])
    """
    last = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, last, keepdim=keepdim)


# ---- more activations ------------------------------------------------------------------

class LogSigmoidBackward0(Node):
    """``log(sigmoid(x))``: d/dx = 1 - sigmoid(x) = sigmoid(-x)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * _pw.sigmoid(-x)


def logsigmoid(input):
    """``log(sigmoid(x))``, computed without overflow as ``min(x, 0) - log(1 + exp(-|x|))``.

        >>> y = F.logsigmoid(x)          # forward: min(x, 0) - log1p(exp(-|x|))
        >>> y.backward(g)                # backward: x.grad = g * sigmoid(-x)   (LogSigmoidBackward0)
    """
    if not input.is_floating_point():
        raise NotImplementedError(f'"log_sigmoid_forward" not implemented for \'{_type_word(input.dtype)}\'')
    xp = input._device.xp
    x = input._data
    value = (xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))).astype(x.dtype, copy=False)
    out = make_tensor(value, input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = LogSigmoidBackward0((edge_to(input),))
        node.save_for_backward(input)
        attach(out, node)
    return out


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``, and recorded as that (HardtanhBackward0).

        >>> F.relu6(tensor([-1., 3., 8.]))
        tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


# ---- group normalisation ----------------------------------------------------------------

def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the channels (dim 1) into ``num_groups`` groups and normalise each
    group of each sample to mean 0 and variance 1; then scale by ``weight`` and
    shift by ``bias`` (per channel). Composed of differentiable operations, so
    the graph ends in AddBackward0/MulBackward0, not PyTorch's one
    NativeGroupNormBackward0; the values and gradients are the same.

        >>> F.group_norm(randn(2, 6, 5), 3).reshape(2, 3, 10).mean(-1)      # zeros
        >>> F.group_norm(x, 2, weight, bias)     # x (N, 4, ...), weight and bias (4,)
    """
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    n, c = input.shape[:2]
    per_group = [n * c // num_groups, num_groups] + list(input.shape[2:])
    if math.prod(per_group[:1] + per_group[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {per_group}")
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in "
                               f"input, but got {name} of shape {list(t.shape)} and input of shape "
                               f"{list(input.shape)}")
    groups = input.reshape(n, num_groups, input.numel() // max(n * num_groups, 1))
    centred = groups - groups.mean(-1, keepdim=True)
    variance = centred.square().mean(-1, keepdim=True)
    out = (centred * (variance + eps).rsqrt()).reshape(input.shape)
    along_channels = (c,) + (1,) * (input.dim() - 2)
    if weight is not None:
        out = out * weight.reshape(along_channels)
    if bias is not None:
        out = out + bias.reshape(along_channels)
    return out


from ..ops.indexing import index_add as _index_add  # noqa: E402

__all__ += ["embedding", "normalize", "cosine_similarity", "pairwise_distance", "logsigmoid", "relu6", "pad",
            "interpolate", "group_norm"]
