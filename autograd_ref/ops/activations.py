"""Activation functions beyond relu, sigmoid and tanh: silu, elu, leaky_relu, softplus, hardtanh.

Each forward is one array expression and each backward is written with tensor operations (so that
``create_graph=True`` differentiates it again), beside it, named as PyTorch names the node.

    >>> leaky_relu(tensor([-2., 3.]), 0.1)
    tensor([-0.2000,  3.0000])
"""
import math

from .._backend import erf as _backend_erf
from .common import _fw, _state, attach
from ..autograd.graph import Node, edge_to
from ..tensor import make_tensor
from .pointwise import where
from .unary import UnaryBackward, _float_array, _unary, exp, sigmoid, sigmoid_array


class SiluBackward0(UnaryBackward):
    """``x * sigmoid(x)``: d/dx = s (1 + x (1 - s)), s = sigmoid(x)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        s = sigmoid(x)
        return grad * (s * (1 + x * (1 - s)))


def silu(input):
    """``x * sigmoid(x)``, also called swish."""
    x = _float_array(input)
    return _unary(SiluBackward0, input, x * sigmoid_array(x, input._device.xp), "input")


class EluBackward0(UnaryBackward):
    """``x`` for x > 0, ``alpha (e^x - 1)`` otherwise: d/dx = 1, or alpha e^x."""
    SAVED = ("self",)
    __slots__ = ("alpha",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return where(x > 0, grad, grad * (self.alpha * exp(x)))


def elu(input, alpha=1.0):
    x = _float_array(input)
    xp = input._device.xp
    return _unary(EluBackward0, input, xp.where(x > 0, x, alpha * xp.expm1(x)).astype(x.dtype, copy=False),
                  "input", {"alpha": alpha})


class LeakyReluBackward0(UnaryBackward):
    """``x`` for x > 0, ``negative_slope * x`` otherwise."""
    SAVED = ("self",)
    __slots__ = ("negative_slope",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return where(x > 0, grad, grad * self.negative_slope)


def leaky_relu(input, negative_slope=0.01):
    x = _float_array(input)
    return _unary(LeakyReluBackward0, input,
                  input._device.xp.where(x > 0, x, x * negative_slope).astype(x.dtype, copy=False), "input",
                  {"negative_slope": negative_slope})


class SoftplusBackward0(UnaryBackward):
    """``log(1 + e^(beta x)) / beta``, and ``x`` where beta x > threshold: d/dx = sigmoid(beta x), or 1."""
    SAVED = ("self",)
    __slots__ = ("beta", "threshold")

    def backward(self, grad):
        (x,) = self.saved_tensors
        return where(x * self.beta > self.threshold, grad, grad * sigmoid(x * self.beta))


def softplus(input, beta=1.0, threshold=20.0):
    x = _float_array(input)
    xp = input._device.xp
    z = x * beta
    # log(1 + e^z) without overflow: max(z, 0) + log1p(e^-|z|)
    smooth = (xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))) / beta
    return _unary(SoftplusBackward0, input, xp.where(z > threshold, x, smooth).astype(x.dtype, copy=False), "input",
                  {"beta": beta, "threshold": threshold})


class GeluBackward0(UnaryBackward):
    """``x * Phi(x)``, Phi the standard normal's CDF: d/dx = Phi(x) + x phi(x); with ``approximate='tanh'``,
    the derivative of the tanh form."""
    SAVED = ("self",)
    __slots__ = ("approximate",)

    def backward(self, grad):
        from .unary import erf, tanh
        (x,) = self.saved_tensors
        if self.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            inner = k * (x + 0.044715 * x * x * x)
            t = tanh(inner)
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x))
        cdf = 0.5 * (1 + erf(x / math.sqrt(2)))
        pdf = exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return grad * (cdf + x * pdf)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    x = _float_array(input)
    xp = input._device.xp
    if approximate == "tanh":
        value = 0.5 * x * (1 + xp.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))
    else:
        value = 0.5 * x * (1 + _backend_erf(x / math.sqrt(2), input._device))
    return _unary(GeluBackward0, input, value.astype(x.dtype, copy=False), "input", {"approximate": approximate})


class HardtanhBackward0(Node):
    """``clamp(x, min_val, max_val)``: the gradient passes strictly inside the range only."""
    SAVED = ("self",)
    __slots__ = ("min_val", "max_val")

    def backward(self, grad):
        (x,) = self.saved_tensors
        inside = (x > self.min_val).logical_and(x < self.max_val)
        return where(inside, grad, 0.0)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    res = make_tensor(input._device.xp.clip(input._data, min_val, max_val).astype(input._data.dtype, copy=False),
                      input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = HardtanhBackward0((edge_to(input),))
        node.min_val, node.max_val = min_val, max_val
        node.save_for_backward(input)
        attach(res, node)
    return res
