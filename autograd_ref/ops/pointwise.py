"""Elementwise operations: each forward on arrays, and beside it the node whose
``backward`` gives the local derivative, written with tensor operations.

    >>> y = sin(x); y.grad_fn
    <SinBackward0 object at ...>
"""
import math
import numbers
import operator

from .. import dtypes
from .._backend import ignoring_divide_by_zero
from ..autograd.grad_mode import no_grad
from ..autograd.graph import Node, edge_to
from ..tensor import Tensor, make_tensor
from .common import (_FAST_NUMBERS, _fw, _state, array_on, attach, binary_arrays, binary_result, check_broadcastable,
                    check_number, check_same_device, edges, elementwise_binary, first_tensor, keep_input_metadata,
                    maybe_out, needs_grad, operand_array, operation_device, reconnect, record_binary,
                    reduce_array_to, reduce_to, result, shape_of)


def _needs(node, i):
    return node.next_functions[i][0] is not None


# ---- arithmetic ------------------------------------------------------------

class AddBackward0(Node):
    __slots__ = ("shapes",)
    SAVED_ATTRIBUTES = ("alpha",)
    alpha = 1       # add(x, y, alpha=2) sets its own
    saved_operands = None       # the gradients need neither operand

    def backward(self, grad):
        (a, _), (b, _) = self.next_functions        # which inputs need a gradient
        return (reduce_to(grad, self.shapes[0]) if a is not None else None,
                reduce_to(grad if self.alpha == 1 else grad * self.alpha, self.shapes[1])
                if b is not None else None)

    def backward_arrays(self, grad, device):
        (a, _), (b, _) = self.next_functions
        return (reduce_array_to(grad, self.shapes[0], device) if a is not None else None,
                reduce_array_to(grad if self.alpha == 1 else grad * device.scalar(self.alpha, grad.dtype),
                                self.shapes[1], device) if b is not None else None)


# The operation itself, what ``x + y`` calls (``METHODS`` below); ``add`` adds ``out=``.
_add = elementwise_binary("add", operator.add, AddBackward0)


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other``, broadcasting.

        >>> add(tensor([1., 2.]), 10)
        tensor([11., 12.])
    """
    res = _add(input, other, alpha)
    return res if out is None else maybe_out(res, out)


class SubBackward0(Node):
    __slots__ = ("shapes",)
    SAVED_ATTRIBUTES = ("alpha",)
    alpha = 1       # sub(x, y, alpha=2) sets its own
    saved_operands = None

    def backward(self, grad):
        a = reduce_to(grad, self.shapes[0]) if _needs(self, 0) else None
        b = reduce_to(-grad if self.alpha == 1 else grad * -self.alpha, self.shapes[1]) \
            if _needs(self, 1) else None
        return a, b

    def backward_arrays(self, grad, device):
        a = reduce_array_to(grad, self.shapes[0], device) if _needs(self, 0) else None
        b = reduce_array_to(-grad if self.alpha == 1 else grad * device.scalar(-self.alpha, grad.dtype),
                            self.shapes[1], device) if _needs(self, 1) else None
        return a, b


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``, broadcasting.

        >>> sub(tensor([1., 2.]), 1)
        tensor([0., 1.])
    """
    res = _sub(input, other, alpha)
    return res if out is None else maybe_out(res, out)


class RsubBackward1(Node):
    __slots__ = ()

    def backward(self, grad):
        return -grad

    def backward_arrays(self, grad, device):
        return -grad


def rsub(input, other):
    """``other - input`` for a number ``other`` (what ``2 - x`` calls)."""
    if isinstance(other, Tensor):
        return sub(other, input)
    _refuse_bool_sub(input, other)
    a, b, dtype, device = binary_arrays(other, input, "rsub")
    res = result(a - b, input, dtype)
    if needs_grad(input):
        attach(res, RsubBackward1((edge_to(input),)))
    return res


def _refuse_bool_sub(a, b):
    if (getattr(a, "dtype", None) is dtypes.bool_ or isinstance(a, bool)) and \
            (getattr(b, "dtype", None) is dtypes.bool_ or isinstance(b, bool)):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead.")


_sub = elementwise_binary("sub", operator.sub, SubBackward0, refuse=_refuse_bool_sub)


class MulBackward0(Node):
    SAVED = ("self", "other")
    __slots__ = ("shapes",)

    @staticmethod
    def saved_operands(input, other, input_needs_grad, other_needs_grad):
        # Each gradient needs only the other operand: save just what will be used.
        return (input if other_needs_grad else None, other if input_needs_grad else None)

    def backward(self, grad):
        a, b = self.saved_tensors
        (need_a, _), (need_b, _) = self.next_functions
        return (reduce_to(grad * b, self.shapes[0]) if need_a is not None else None,
                reduce_to(grad * a, self.shapes[1]) if need_b is not None else None)

    def backward_arrays(self, grad, device):
        a, b = self.saved_tensors
        (need_a, _), (need_b, _) = self.next_functions
        if need_b is None and type(b) in _FAST_NUMBERS:     # x * 2.0: the gradient times 2.0, in x's shape
            return grad * device.scalar(b, grad.dtype), None
        return (reduce_array_to(grad * operand_array(b, grad, device), self.shapes[0], device)
                if need_a is not None else None,
                reduce_array_to(grad * operand_array(a, grad, device), self.shapes[1], device)
                if need_b is not None else None)


_mul = elementwise_binary("mul", operator.mul, MulBackward0)


def mul(input, other, *, out=None):
    """Elementwise product, broadcasting.

        >>> mul(tensor([1., 2.]), 3)
        tensor([3., 6.])
    """
    res = _mul(input, other)
    return res if out is None else maybe_out(res, out)


class MulBackward1(Node):
    """``mul.Scalar``: a tensor times a number, as PyTorch's C++ functions call it."""
    __slots__ = ("other",)

    def backward(self, grad):
        return grad * self.other


def mul_scalar(input, number):
    """``input * number`` recorded as ATen's ``mul.Scalar`` (``MulBackward1``), for
    functions that PyTorch writes in C++ (label smoothing, say); Python's
    ``x * 2`` records ``MulBackward0``.

        >>> mul_scalar(tensor([1., 2.], requires_grad=True), 0.5).grad_fn
        <MulBackward1>
    """
    a, b, dtype, device = binary_arrays(input, number, "mul")
    res = binary_result(a * b, device, dtype)
    if needs_grad(input):
        node = MulBackward1((edge_to(input),))
        node.other = number
        attach(res, node)
    return res


class DivBackward0(Node):
    SAVED = ("self", "other")
    __slots__ = ("shapes",)

    @staticmethod
    def saved_operands(input, other, input_needs_grad, other_needs_grad):
        # d/dinput needs only other; d/dother needs both.
        return (input if other_needs_grad else None, other)

    def backward(self, grad):
        a, b = self.saved_tensors
        return (reduce_to(grad / b, self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(-grad * a / (b * b), self.shapes[1]) if _needs(self, 1) else None)

    def backward_arrays(self, grad, device):
        a, b = self.saved_tensors
        b = operand_array(b, grad, device)
        return (reduce_array_to(grad / b, self.shapes[0], device) if _needs(self, 0) else None,
                reduce_array_to(-grad * operand_array(a, grad, device) / (b * b), self.shapes[1], device)
                if _needs(self, 1) else None)


_div = elementwise_binary("div", operator.truediv, DivBackward0, floating=True)


def div(input, other, *, rounding_mode=None, out=None):
    """True division (integers give floats), or rounded with ``rounding_mode``
    ``'floor'`` / ``'trunc'``.

        >>> div(tensor([1, 2]), 2)
        tensor([0.5000, 1.0000])
    """
    if rounding_mode is not None:
        return _rounded_div(input, other, rounding_mode)
    res = _div(input, other)
    return res if out is None else maybe_out(res, out)


class DivBackward1(Node):
    """``div.Scalar``: a tensor divided by a number, as PyTorch's C++ functions call it."""
    __slots__ = ("other",)

    def backward(self, grad):
        return grad / self.other


def div_scalar(input, number):
    """``input / number`` recorded as ATen's ``div.Scalar`` (``DivBackward1``);
    see :func:`mul_scalar`."""
    a, b, dtype, device = binary_arrays(input, number, "div")
    res = binary_result(a / b, device, dtype)
    if needs_grad(input):
        node = DivBackward1((edge_to(input),))
        node.other = number
        attach(res, node)
    return res


class DivBackward2(Node):
    """``div(x, y, rounding_mode=...)``: the result is piecewise constant in x and y, so both gradients are
    zeros (zeros even where the incoming gradient is infinite or NaN, as PyTorch gives)."""
    SAVED = ("self", "other")
    SAVED_ATTRIBUTES = ("rounding_mode",)
    __slots__ = ("shapes", "rounding_mode")

    def backward(self, grad):
        return tuple(grad.new_zeros(shape) if _needs(self, i) else None for i, shape in enumerate(self.shapes))


def _rounded_div(input, other, rounding_mode):
    a, b, dtype, device = binary_arrays(input, other, "div")
    like = first_tensor(input, other)
    xp = like._device.xp
    if rounding_mode == "floor":
        value = xp.floor_divide(a, b)
    elif rounding_mode == "trunc":
        value = xp.trunc(xp.true_divide(a, b))
    else:
        raise ValueError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    res = result(xp.asarray(value), like, dtype or like.dtype)
    if needs_grad(input, other) and res._data.dtype.kind == "f":
        record_binary(res, DivBackward2, input, other, dtype, saved=(input, other),
                      attributes={"rounding_mode": rounding_mode})
    return res


def rdiv(input, other):
    """``other / input`` for a number ``other``: PyTorch computes
    ``reciprocal(input) * other``."""
    if isinstance(other, Tensor):
        return div(other, input)
    check_number(other, "div")
    return mul(reciprocal(input), other)


class NotImplemented(Node):      # noqa: A001 - PyTorch's name for the node of an op without a derivative
    """The node of an operation PyTorch has no derivative for (``floor_divide``): recorded, so the result
    requires grad, but its backward raises."""
    __slots__ = ("op",)

    def name(self):
        return "torch::autograd::NotImplemented"

    def backward(self, grad):
        raise RuntimeError(f"derivative for aten::{self.op} is not implemented")


def floor_divide(input, other):
    """``input // other``: division rounded down. Not differentiable: a result that requires grad raises in
    backward, as in PyTorch (``div(..., rounding_mode='floor')`` gives zero gradients instead).

        >>> floor_divide(tensor([7., -7.]), 2)
        tensor([ 3., -4.])
    """
    with no_grad():
        res = div(input, other, rounding_mode="floor")
    if needs_grad(input, other) and res._data.dtype.kind == "f":
        node = NotImplemented(tuple(edge_to(t) for t in (input, other) if isinstance(t, Tensor)))
        node.op = "floor_divide"
        attach(res, node)
    return res


def rfloordiv(input, other):
    """``other // input`` for a number ``other`` (what ``7 // x`` calls)."""
    return floor_divide(other, input)


class RemainderBackward0(Node):
    """``x % c`` for a number c: the result moves one for one with x."""
    __slots__ = ()

    def backward(self, grad):
        return grad


class RemainderBackward1(Node):
    """``x % y`` = x - floor(x / y) y: d/dx = 1, d/dy = -floor(x / y)."""
    __slots__ = ("shapes",)

    def backward(self, grad):
        x, y = self.saved_tensors
        return (reduce_to(grad, self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(-grad * div(x, y, rounding_mode="floor"), self.shapes[1])
                if _needs(self, 1) else None)


def remainder(input, other):
    """Python's ``%``: the result has the sign of the divisor."""
    a, b, dtype, device = binary_arrays(input, other, "remainder")
    like = first_tensor(input, other)
    res = result(like._device.xp.asarray(like._device.xp.mod(a, b)), like, dtype or like.dtype)
    if isinstance(input, Tensor) and needs_grad(input, other):
        if isinstance(other, Tensor):
            node = RemainderBackward1(edges(input, other))
            node.save_for_backward(input, other)
            node.shapes = (shape_of(input), shape_of(other))
        else:
            node = RemainderBackward0((edge_to(input),))
        if dtype is not None:
            keep_input_metadata(node, input, other)
        attach(res, node)
    return res


class FmodBackward0(Node):
    """``fmod(x, c)`` for a number c: the result moves one for one with x."""
    __slots__ = ()

    def backward(self, grad):
        return grad


class FmodBackward1(Node):
    """``fmod(x, y)`` = x - trunc(x / y) y: d/dx = 1, d/dy = -trunc(x / y)."""
    SAVED = ("self", "other")
    __slots__ = ("shapes",)

    def backward(self, grad):
        x, y = self.saved_tensors
        return (reduce_to(grad, self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(-grad * div(x, y, rounding_mode="trunc"), self.shapes[1]) if _needs(self, 1) else None)


def fmod(input, other):
    """C's remainder: ``input - trunc(input / other) * other``, with the sign of ``input`` (``%`` takes the
    divisor's).

        >>> fmod(tensor([-3., 3.]), 2)
        tensor([-1.,  1.])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    a, b, dtype, device = binary_arrays(input, other, "fmod")
    xp = device.xp
    if (dtype or input.dtype).is_floating_point is False and bool(xp.any(xp.asarray(b) == 0)):
        raise RuntimeError("ZeroDivisionError")
    with ignoring_divide_by_zero():
        value = xp.asarray(xp.fmod(a, b))
    res = binary_result(value, device, dtype)
    if needs_grad(input, other):
        if isinstance(other, Tensor):
            node = FmodBackward1(edges(input, other))
            node.save_for_backward(input, other)
            node.shapes = (shape_of(input), shape_of(other))
        else:
            node = FmodBackward0((edge_to(input),))
        if dtype is not None:
            keep_input_metadata(node, input, other)
        attach(res, node)
    return res


class NegBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        return -grad

    def backward_arrays(self, grad, device):
        return -grad


def neg(input):
    """``-input``.

        >>> neg(tensor([1., -2.]))
        tensor([-1.,  2.])
    """
    if input._data.dtype.kind == "b":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    res = make_tensor(-input._data, input._device)
    if needs_grad(input):
        attach(res, NegBackward0((edge_to(input),)))
    return res


# ---- powers ----------------------------------------------------------------

class PowBackward0(Node):
    """d/dx x**c = c * x**(c-1)."""
    SAVED = ("self",)
    SAVED_ATTRIBUTES = ("exponent",)
    __slots__ = ("exponent",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        c = self.exponent
        if c == 0:
            return grad * 0
        return grad * (c * x ** (c - 1))

    def backward_arrays(self, grad, device):
        (x,) = self.saved_tensors
        c = self.exponent
        if c == 0:
            return grad * device.scalar(0, grad.dtype)
        x = x._data
        if c == 2:      # every squared error: 2 x, without a power
            return grad * (x * device.scalar(2, x.dtype))
        return grad * (device.scalar(c, x.dtype) * _power(x, device.scalar(c - 1, x.dtype), device.xp))


class PowBackward1(Node):
    """x**y with both tensors: d/dx = y x**(y-1), d/dy = x**y log x."""
    SAVED = ("self", "exponent", "result")
    __slots__ = ("shapes",)

    def backward(self, grad):
        # Where the formula is undefined (0 ** -1, log 0), the coefficient is masked, not grad * it:
        # 0 * inf would put nan into the derivative with respect to grad (forward mode's tangent).
        x, y, out = self.saved_tensors
        out = reconnect(out, self)
        gx = gy = None
        if _needs(self, 0):
            gx = reduce_to(grad * where(y == 0, 0.0, y * x ** (y - 1)), self.shapes[0])
        if _needs(self, 1):
            # log of x in the result's dtype: a float32 base with a float64 exponent
            # must not lose the exponent's precision.
            gy = reduce_to(grad * where((x == 0) & (y >= 0), 0.0, out * log(x.to(out.dtype))),
                           self.shapes[1])
        return gx, gy


class PowBackward2(Node):
    """c**y for a number c: d/dy = c**y log c."""
    __slots__ = ("base",)

    def backward(self, grad):
        out, y = self.saved_tensors
        out = reconnect(out, self)
        if self.base == 0:      # log(0) = -inf, but 0**y is flat for y >= 0
            return grad * where(y >= 0, 0.0, out * float("-inf"))
        return grad * out * math.log(self.base)


def pow(input, exponent, *, out=None):   # noqa: A001 - PyTorch's name
    """``input ** exponent``; either may be a number.

        >>> pow(tensor([1., 2.]), 2)
        tensor([1., 4.])
    """
    if isinstance(input, Tensor) and type(exponent) in _FAST_NUMBERS and input._data.dtype.kind == "f":
        # The common case (x ** 2 in every squared error): a float tensor to a Python number, no type converts.
        res = _unary(PowBackward0, input, _float_power(input._data, exponent, input._device.xp), "input",
                     {"exponent": exponent})
        return res if out is None else maybe_out(res, out)
    if not isinstance(input, Tensor):
        return _number_pow(input, exponent)
    if isinstance(exponent, Tensor):
        a, b, dtype, device = binary_arrays(input, exponent, "pow")
        like = first_tensor(input, exponent)
        res = result(_power(a, b, like._device.xp), like, dtype)
        if needs_grad(input, exponent):
            node = PowBackward1(edges(input, exponent))
            node.save_for_backward(input, exponent, res.detach())
            node.shapes = (input.shape, exponent.shape)
            if dtype is not None:
                keep_input_metadata(node, input, exponent)
            attach(res, node)
        return res if out is None else maybe_out(res, out)
    check_number(exponent, "pow")
    a, b, dtype, device = binary_arrays(input, exponent, "pow")
    res = result(_power(a, b, input._device.xp), input, dtype)
    if needs_grad(input):
        node = PowBackward0((edge_to(input),))
        node.save_for_backward(input)
        node.exponent = exponent
        attach(res, node)
    return res if out is None else maybe_out(res, out)


def _power(a, b, xp):
    if getattr(a, "dtype", None) is not None and a.dtype.kind in "iu" and \
            isinstance(b, numbers.Integral) and b < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(b, numbers.Number) and getattr(a, "dtype", None) is not None and a.dtype.kind == "f":
        return _float_power(a, b, xp)
    return xp.power(a, b)


def _float_power(a, c, xp):
    """A float array to the power of a number: 2 and 0.5 as a product and a square root, exact, and faster."""
    return a * a if c == 2 else xp.sqrt(a) if c == 0.5 else xp.power(a, c)


def _number_pow(base, exponent):
    check_number(base, "pow")
    a, b, dtype, device = binary_arrays(base, exponent, "pow")
    base_array = exponent._device.xp.asarray(a, dtype=(dtype or exponent.dtype).np)
    res = result(_power(base_array, b, exponent._device.xp), exponent, dtype)
    if needs_grad(exponent):
        node = PowBackward2((edge_to(exponent),))
        node.save_for_backward(res.detach(), exponent.detach())
        node.base = base
        attach(res, node)
    return res


def square(input):
    """``input ** 2``."""
    return pow(input, 2)


# ---- functions of one tensor: in unary.py, named here too ---------------------

from .unary import (  # noqa: E402,F401 - the names every caller of pointwise knows
    _float_array, _unary, UnaryBackward, exp, log, sin, cos, tanh, sigmoid, sigmoid_array, relu, erf, log1p, expm1, sqrt, rsqrt, reciprocal, abs, sign, ExpBackward0, LogBackward0, SinBackward0, CosBackward0, TanhBackward0, SigmoidBackward0, ReluBackward0, ErfBackward0, Log1PBackward0, Expm1Backward0, SqrtBackward0, RsqrtBackward0, ReciprocalBackward0, AbsBackward0, SignBackward0)


# ---- functions of two tensors ----------------------------------------------

class XlogyBackward0(Node):
    """``x * log(y)``, 0 where x is 0: d/dx = log(y) (0 where y is 0, as PyTorch), d/dy = x / y."""
    SAVED = ("self", "other")
    __slots__ = ("shapes",)

    def backward(self, grad):
        x, y = self.saved_tensors
        (need_x, _), (need_y, _) = self.next_functions
        return (reduce_to(grad * xlogy(y != 0, y), self.shapes[0]) if need_x is not None else None,
                reduce_to(grad * x / y, self.shapes[1]) if need_y is not None else None)


def xlogy(input, other):
    """``input * log(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN): the ``0 log 0 = 0``
    of entropies and KL divergences.

        >>> xlogy(tensor([0., 2.]), tensor([0., 1.]))
        tensor([0., 0.])
    """
    def compute(xp, a, b):
        with ignoring_divide_by_zero():
            return xp.where((xp.asarray(a) == 0) & ~xp.isnan(b), 0, a * xp.log(b))

    return _floating_binary(XlogyBackward0, input, other, "xlogy", compute)


def _floating_binary(node_cls, input, other, op_name, compute):
    """A function of two tensors (or a tensor and a number) whose result is floating, integers giving the
    default float type: ``compute(xp, a, b)`` on the arrays, and ``node_cls`` recorded saving both."""
    a, b, dtype, device = binary_arrays(input, other, op_name)
    xp = first_tensor(input, other)._device.xp
    if dtype is not None and not dtype.is_floating_point or dtype is None and xp.asarray(a).dtype.kind != "f":
        dtype = dtypes.get_default_dtype()
    res = binary_result(compute(xp, a, b), device, dtype)
    if needs_grad(input, other):
        node = node_cls(edges(input, other))
        node.save_for_backward(input, other)
        node.shapes = (shape_of(input), shape_of(other))
        attach(res, node)
    return res


class Atan2Backward0(Node):
    """atan2(y, x), the angle of the point (x, y): d/dy = x / (x² + y²), d/dx = -y / (x² + y²)."""
    SAVED = ("self", "other")
    __slots__ = ("shapes",)

    def backward(self, grad):
        y, x = self.saved_tensors
        (need_y, _), (need_x, _) = self.next_functions
        scale = grad / (x * x + y * y)
        return (reduce_to(scale * x, self.shapes[0]) if need_y is not None else None,
                reduce_to(scale * -y, self.shapes[1]) if need_x is not None else None)


def atan2(input, other):
    """The angle of the point (other, input) from the x axis, in (-pi, pi].

        >>> atan2(tensor([1.]), tensor([0.]))
        tensor([1.5708])
    """
    return _floating_binary(Atan2Backward0, input, other, "atan2", lambda xp, a, b: xp.arctan2(a, b))


class ClampBackward1(UnaryBackward):
    __slots__ = ("min", "max")

    def backward(self, grad):
        (x,) = self.saved_tensors
        inside = None
        if self.min is not None:
            inside = x >= self.min
        if self.max is not None:
            inside = (x <= self.max) if inside is None else inside & (x <= self.max)
        return grad * inside


class ClampBackward0(Node):
    """clamp with tensor bounds: each element's gradient goes to whichever of
    x, min and max the result took (max wins where min > max)."""
    __slots__ = ("shapes",)

    def backward(self, grad):
        x, lo, hi = self.saved_tensors
        zero = 0.0
        gx = glo = ghi = None
        if _needs(self, 0):
            inside = (x >= lo if lo is not None else None)
            if hi is not None:
                inside = (x <= hi) if inside is None else inside & (x <= hi)
            gx = reduce_to(where(inside, grad, zero), self.shapes[0])
        if _needs(self, 1):
            below = (x < lo) & (lo < hi) if hi is not None else x < lo
            glo = reduce_to(where(below, grad, zero), self.shapes[1])
        if _needs(self, 2):
            above = (x > hi) | (hi < lo) if lo is not None else x > hi
            ghi = reduce_to(where(above, grad, zero), self.shapes[2])
        return gx, glo, ghi


def clamp(input, min=None, max=None, *, out=None):   # noqa: A002 - PyTorch's names
    """Limit each element to ``[min, max]``.

        >>> clamp(tensor([-1., 5.]), min=0, max=1)
        tensor([0., 1.])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    device = operation_device(input, min, max)
    lo, hi = array_on(min, device), array_on(max, device)
    value = array_on(input, device)
    if lo is not None:
        value = device.xp.maximum(value, lo)
    if hi is not None:
        value = device.xp.minimum(value, hi)
    dtype = dtypes.result_type(*(v for v in (input, min, max) if v is not None))
    value = value.astype(dtype.np, copy=False)
    res = make_tensor(value, device)
    if (isinstance(min, Tensor) or isinstance(max, Tensor)) and (needs_grad(input, min) or needs_grad(max)):
        node = ClampBackward0(edges(input, min) + edges(max, None)[:1])
        node.save_for_backward(input, *(b.detach() if isinstance(b, Tensor) else b for b in (min, max)))
        node.shapes = (shape_of(input), shape_of(min), shape_of(max))
        if any(isinstance(t, Tensor) and (t.dtype is not dtype or t._device is not device) for t in (input, min, max)):
            keep_input_metadata(node, input, min, max)
        attach(res, node)
    elif _state.enabled and input._requires_grad or _fw.active:
        node = ClampBackward1((edge_to(input),))
        node.save_for_backward(input)
        node.min = min.detach() if isinstance(min, Tensor) else min
        node.max = max.detach() if isinstance(max, Tensor) else max
        if input._device is not device:
            keep_input_metadata(node, input)
        attach(res, node)
    return res if out is None else maybe_out(res, out)


def clip(input, min=None, max=None):   # noqa: A002
    """Another name for ``clamp``."""
    return clamp(input, min, max)


# ---- choosing between two tensors ------------------------------------------

class MaximumBackward0(Node):
    __slots__ = ("shapes",)

    def backward(self, grad):
        a, b = self.saved_tensors
        half = where(a == b, grad / 2, grad)     # ties share the gradient
        return (reduce_to(where(a < b, 0.0, half), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(where(a > b, 0.0, half), self.shapes[1]) if _needs(self, 1) else None)


class MinimumBackward0(Node):
    __slots__ = ("shapes",)

    def backward(self, grad):
        a, b = self.saved_tensors
        half = where(a == b, grad / 2, grad)
        return (reduce_to(where(a > b, 0.0, half), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(where(a < b, 0.0, half), self.shapes[1]) if _needs(self, 1) else None)


def _choose(node_cls, pick, input, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{pick}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    a, b, dtype, device = binary_arrays(input, other, pick)
    like = first_tensor(input, other)
    res = result(getattr(like._device.xp, pick)(a, b), like, dtype)
    if needs_grad(input, other):
        node = node_cls(edges(input, other))
        node.save_for_backward(input, other)
        node.shapes = (input.shape, other.shape)
        if dtype is not None:
            keep_input_metadata(node, input, other)
        attach(res, node)
    return res


def maximum(input, other):
    """The larger of two tensors, elementwise; ties split the gradient.

        >>> maximum(tensor([1., 5.]), tensor([3., 2.]))
        tensor([3., 5.])
    """
    return _choose(MaximumBackward0, "maximum", input, other)


def minimum(input, other):
    """The smaller of two tensors, elementwise."""
    return _choose(MinimumBackward0, "minimum", input, other)


class WhereBackward0(Node):
    __slots__ = ("shapes",)

    def backward(self, grad):
        (condition,) = self.saved_tensors
        return (reduce_to(where(condition, grad, 0.0), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(where(condition, 0.0, grad), self.shapes[1]) if _needs(self, 1) else None)


def where(condition, input, other):
    """Elements of ``input`` where ``condition`` holds, else of ``other``.

        >>> where(tensor([True, False]), tensor([1., 2.]), 0.)
        tensor([1., 0.])
    """
    device = operation_device(condition, input, other)
    if condition._data.dtype.kind != "b":
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype.legacy_name[:-6]}")
    if shape_of(input) != shape_of(other):
        check_broadcastable(shape_of(input), shape_of(other))
    a, b = array_on(input, device), array_on(other, device)
    dtype = dtypes.result_type(input, other)
    value = device.xp.where(array_on(condition, device), a, b).astype(dtype.np, copy=False)
    res = make_tensor(value, device)
    if needs_grad(input, other):
        node = WhereBackward0(edges(input, other))
        node.save_for_backward(condition)
        node.shapes = (shape_of(input), shape_of(other))
        if any(isinstance(t, Tensor) and (t.dtype is not dtype or t._device is not device) for t in (input, other)):
            keep_input_metadata(node, input, other)
        attach(res, node)
    return res


class LerpBackward0(Node):
    """``lerp(x, end, w)`` = x + w (end - x) for a number w: d/dx = 1 - w, d/dend = w."""
    __slots__ = ("shapes", "weight")
    SAVED_ATTRIBUTES = ("weight",)

    def backward(self, grad):
        w = self.weight
        return (reduce_to(grad * (1 - w), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(grad * w, self.shapes[1]) if _needs(self, 1) else None)


class LerpBackward1(Node):
    """``lerp(x, end, w)`` for a tensor w: d/dx = 1 - w, d/dend = w, d/dw = end - x."""
    SAVED = ("self", "end", "weight")
    __slots__ = ("shapes",)

    def backward(self, grad):
        x, end, w = self.saved_tensors
        return (reduce_to(grad * (1 - w), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(grad * w, self.shapes[1]) if _needs(self, 1) else None,
                reduce_to(grad * (end - x), self.shapes[2]) if _needs(self, 2) else None)


def lerp(input, end, weight):
    """The point ``weight`` of the way from ``input`` to ``end``: ``input + weight * (end - input)``
    (a number or a tensor ``weight``; all three broadcast).

        >>> lerp(tensor([0., 10.]), tensor([10., 20.]), 0.25)
        tensor([ 2.5000, 12.5000])
    """
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {_C_NAME[input.dtype.name]} for `{name}` but got dtype "
                               f"{_C_NAME[t.dtype.name]}")
    tensor_weight = isinstance(weight, Tensor)
    if not input.dtype.is_floating_point:
        kernel = "lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.legacy_name[:-6]}'")
    check_same_device(input, end, weight)
    check_broadcastable(input._data.shape, end._data.shape)
    xp, a, b = input._device.xp, input._data, end._data
    if tensor_weight:
        check_broadcastable(xp.broadcast_shapes(a.shape, b.shape), weight._data.shape)
        w = weight._data
    else:
        w = input._device.scalar(check_number(weight, "lerp"), a.dtype)
    diff = b - a
    # PyTorch's two formulas: each exact at its own end (weight 0 gives input, weight 1 gives end).
    value = xp.asarray(xp.where(xp.abs(w) < 0.5, a + w * diff, b - diff * (1 - w)), dtype=a.dtype)
    res = make_tensor(value, input._device)
    if needs_grad(input, end) or tensor_weight and needs_grad(weight):
        if tensor_weight:
            node = LerpBackward1(edges(input, end) + (edge_to(weight),))
            node.save_for_backward(input, end, weight)
            node.shapes = (shape_of(input), shape_of(end), shape_of(weight))
        else:
            node = LerpBackward0(edges(input, end))
            node.weight = weight
            node.shapes = (shape_of(input), shape_of(end))
        attach(res, node)
    return res


_C_NAME = {"float32": "float", "float64": "double", "int64": "long int", "bool": "bool"}


def where_method(input, condition, other):
    """``x.where(condition, y)``, the method form: ``where(condition, x, y)``.

        >>> tensor([1., 2.]).where(tensor([True, False]), 0.)
        tensor([1., 0.])
    """
    return where(condition, input, other)


class MaskedFillBackward0(Node):
    """``input.masked_fill(mask, number)``: the filled places pass no gradient back."""
    __slots__ = ("shape",)

    def backward(self, grad):
        (mask,) = self.saved_tensors
        return reduce_to(where(mask, 0.0, grad), self.shape)


class MaskedFillBackward1(MaskedFillBackward0):
    """``input.masked_fill(mask, value)`` for a 0-dim tensor ``value``: it receives
    the gradient of every place it filled."""
    __slots__ = ()

    def backward(self, grad):
        (mask,) = self.saved_tensors
        return (reduce_to(where(mask, 0.0, grad), self.shape) if _needs(self, 0) else None,
                where(mask, grad, 0.0).sum() if _needs(self, 1) else None)


def masked_fill(input, mask, value):
    """``input`` with ``value`` written where the boolean ``mask`` is True.

        >>> masked_fill(tensor([1., -2.]), tensor([False, True]), 0.)
        tensor([1., 0.])
    """
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.legacy_name[:-len('Tensor')].lower()}")
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.dim()} dimension(s).")
    else:
        value = check_number(value, "masked_fill")
    device = operation_device(input, mask, value)
    check_broadcastable(input._data.shape, mask._data.shape)
    filler = device.xp.asarray(array_on(value, device)).astype(input._data.dtype)
    res = make_tensor(device.xp.where(array_on(mask, device), filler, array_on(input, device)), device)
    if needs_grad(input, value):
        tensor_value = isinstance(value, Tensor)
        node = (MaskedFillBackward1(edges(input, value)) if tensor_value
                else MaskedFillBackward0((edge_to(input),)))
        node.save_for_backward(mask)
        node.shape = input.shape
        if tensor_value and (value.dtype is not input.dtype or value._device is not device):
            keep_input_metadata(node, input, value)
        attach(res, node)
    return res


# ---- comparisons and logic (never differentiable) --------------------------

def _compare(ufunc_name):
    def compare(input, other):
        a, b, _, _ = binary_arrays(input, other, ufunc_name)
        like = first_tensor(input, other)
        return make_tensor(like._device.xp.asarray(getattr(like._device.xp, ufunc_name)(a, b)), like._device)
    compare.__name__ = ufunc_name
    compare.__doc__ = f"Elementwise ``{ufunc_name}``, giving a bool tensor."
    return compare


eq = _compare("equal")
ne = _compare("not_equal")
lt = _compare("less")
le = _compare("less_equal")
gt = _compare("greater")
ge = _compare("greater_equal")
logical_and = _compare("logical_and")
logical_or = _compare("logical_or")
logical_xor = _compare("logical_xor")


def _bitwise(ufunc_name):
    def bitwise(input, other):
        a, b, dtype, device = binary_arrays(input, other, ufunc_name)
        like = first_tensor(input, other)
        if any(x.dtype.kind == "f" if hasattr(x, "dtype") else isinstance(x, float) for x in (a, b)):
            raise RuntimeError(f"\"{ufunc_name}_cpu\" not implemented for 'Float'")
        return result(like._device.xp.asarray(getattr(like._device.xp, ufunc_name)(a, b)), like, dtype)
    bitwise.__name__ = ufunc_name
    return bitwise


bitwise_and = _bitwise("bitwise_and")
bitwise_or = _bitwise("bitwise_or")
bitwise_xor = _bitwise("bitwise_xor")


def logical_not(input):
    return make_tensor(input._device.xp.logical_not(input._data), input._device)


def bitwise_not(input):
    if input._data.dtype.kind == "f":
        raise TypeError("~ (bitwise_not) is only supported for integer and bool tensors")
    return make_tensor(~input._data, input._device)


def equal(input, other):
    """True if both tensors have the same shape and elements."""
    check_same_device(input, other)
    return input.shape == other.shape and bool((input._data == other._data).all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    check_same_device(input, other)
    return bool(input._device.xp.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    device = operation_device(input, other)
    close = device.xp.isclose(array_on(input, device), array_on(other, device), rtol=rtol, atol=atol,
                              equal_nan=equal_nan)
    return make_tensor(device.xp.asarray(close), device)


def isnan(input):
    return make_tensor(input._device.xp.isnan(input._data), input._device)


def isinf(input):
    return make_tensor(input._device.xp.isinf(input._data), input._device)


def isfinite(input):
    return make_tensor(input._device.xp.isfinite(input._data), input._device)


class FloorBackward0(SignBackward0):
    pass


class CeilBackward0(SignBackward0):
    pass


class RoundBackward0(SignBackward0):
    pass


def _rounding(node_cls, fn, input):
    if input._data.dtype.kind != "f":       # integers are already whole: same dtype, a copy
        return make_tensor(input._data.copy(), input._device)
    return _unary(node_cls, input, fn(input._data), None)


def floor(input):
    """The largest whole number <= each element (its gradient is zero)."""
    return _rounding(FloorBackward0, input._device.xp.floor, input)


def ceil(input):
    """The smallest whole number >= each element (its gradient is zero)."""
    return _rounding(CeilBackward0, input._device.xp.ceil, input)


def round(input):   # noqa: A001
    """Each element rounded to the nearest whole number, halves to even."""
    return _rounding(RoundBackward0, input._device.xp.round, input)


class TruncBackward0(SignBackward0):
    pass


def _refuse_rounding(input, op_name, kernel, kinds):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input._data.dtype.kind in kinds:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_C_TYPE[input._data.dtype.kind]}'")


_C_TYPE = {"b": "Bool", "i": "Long"}


def trunc(input):
    """Each element rounded toward zero (its gradient is zero).

        >>> trunc(tensor([-1.5, 2.7]))
        tensor([-1.,  2.])
    """
    _refuse_rounding(input, "trunc", "trunc_vml_cpu", "b")
    return _rounding(TruncBackward0, input._device.xp.trunc, input)


def fix(input):
    """Another name for ``trunc``.

        >>> fix(tensor([-1.5]))
        tensor([-1.])
    """
    _refuse_rounding(input, "fix", "trunc_vml_cpu", "b")
    return _rounding(TruncBackward0, input._device.xp.trunc, input)


class FracBackward0(Node):
    """``x - trunc(x)`` moves one for one with x."""
    __slots__ = ()

    def backward(self, grad):
        return grad


def frac(input):
    """The fractional part of each element, with its sign: ``x - trunc(x)``.

        >>> frac(tensor([-1.5, 2.25]))
        tensor([-0.5000,  0.2500])
    """
    _refuse_rounding(input, "frac", "frac_cpu", "bi")
    data = input._data
    return _unary(FracBackward0, input, data - input._device.xp.trunc(data), None)


# ---- addcmul, addcdiv, clamp_min, clamp_max, logaddexp, hypot ------------------------------------

class AddcmulBackward0(Node):
    """input + value * t1 * t2: d/dinput = 1, d/dt1 = value * t2, d/dt2 = value * t1."""
    SAVED = ("tensor1", "tensor2")
    SAVED_ATTRIBUTES = ("value",)
    __slots__ = ("shapes", "value")

    def backward(self, grad):
        t1, t2 = self.saved_tensors
        v = self.value
        return (reduce_to(grad, self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(grad * t2 * v, self.shapes[1]) if _needs(self, 1) else None,
                reduce_to(grad * t1 * v, self.shapes[2]) if _needs(self, 2) else None)


class AddcdivBackward0(AddcmulBackward0):
    """input + value * t1 / t2: d/dinput = 1, d/dt1 = value / t2, d/dt2 = -value * t1 / t2²."""
    __slots__ = ()

    def backward(self, grad):
        t1, t2 = self.saved_tensors
        v = self.value
        return (reduce_to(grad, self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(grad * v / t2, self.shapes[1]) if _needs(self, 1) else None,
                reduce_to(grad * (-v) * t1 / (t2 * t2), self.shapes[2]) if _needs(self, 2) else None)


def _addc(node_cls, input, tensor1, tensor2, value, op_name):
    for i, t in enumerate((input, tensor1, tensor2)):
        if not isinstance(t, Tensor):
            what = ("input", "tensor1", "tensor2")[i]
            raise TypeError(f"{op_name}(): argument '{what}' (position {i + 1}) must be Tensor, "
                            f"not {type(t).__name__}")
    value = check_number(value, op_name)
    device = operation_device(input, tensor1, tensor2)
    dtype = dtypes.result_type(input, tensor1, tensor2)
    if op_name == "addcdiv" and not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
            "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented "
            "as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
            "latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    for a, b in ((input, tensor1), (input, tensor2), (tensor1, tensor2)):
        check_broadcastable(a.shape, b.shape)
    a, t1, t2 = (array_on(t, device).astype(dtype.np, copy=False) for t in (input, tensor1, tensor2))
    v = device.scalar(value, dtype.np)
    value_array = a + v * (t1 * t2 if node_cls is AddcmulBackward0 else t1 / t2)
    res = make_tensor(value_array.astype(dtype.np, copy=False), device)
    if _state.enabled and (input._requires_grad or tensor1._requires_grad or tensor2._requires_grad) or _fw.active:
        node = node_cls((edge_to(input), edge_to(tensor1), edge_to(tensor2)))
        node.save_for_backward(tensor1, tensor2)
        node.shapes = (input.shape, tensor1.shape, tensor2.shape)
        node.value = value
        if any(t.dtype is not dtype or t._device is not device for t in (input, tensor1, tensor2)):
            keep_input_metadata(node, input, tensor1, tensor2)
        attach(res, node)
    return res


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``, broadcast.

        >>> addcmul(tensor([1.]), tensor([2.]), tensor([3.]), value=0.5)     # forward: tensor([4.])
        >>> # backward (AddcmulBackward0): grad, grad * value * tensor2, grad * value * tensor1
    """
    return _addc(AddcmulBackward0, input, tensor1, tensor2, value, "addcmul")


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``, broadcast (integer tensor1 and tensor2 are refused).

        >>> addcdiv(tensor([1.]), tensor([2.]), tensor([4.]), value=2)       # forward: tensor([2.])
        >>> # backward (AddcdivBackward0): grad, grad * value / tensor2, -grad * value * tensor1 / tensor2²
    """
    return _addc(AddcdivBackward0, input, tensor1, tensor2, value, "addcdiv")


class ClampMinBackward0(UnaryBackward):
    """clamp_min with a number: the gradient passes where ``x >= min``."""
    SAVED = ("self",)
    SAVED_ATTRIBUTES = ("min",)
    __slots__ = ("min",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * (x >= self.min)


class ClampMaxBackward0(UnaryBackward):
    """clamp_max with a number: the gradient passes where ``x <= max``."""
    SAVED = ("self",)
    SAVED_ATTRIBUTES = ("max",)
    __slots__ = ("max",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * (x <= self.max)


class ClampMinBackward1(Node):
    """clamp_min with a tensor bound: the gradient goes to x where ``x >= min``, to min elsewhere."""
    SAVED = ("self", "min")
    __slots__ = ("shapes",)

    def backward(self, grad):
        x, bound = self.saved_tensors
        keep = self._keep(x, bound)
        return (reduce_to(where(keep, grad, 0.0), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(where(keep, 0.0, grad), self.shapes[1]) if _needs(self, 1) else None)

    @staticmethod
    def _keep(x, bound):
        return x >= bound


class ClampMaxBackward1(ClampMinBackward1):
    """clamp_max with a tensor bound: the gradient goes to x where ``x <= max``, to max elsewhere."""
    SAVED = ("self", "max")
    __slots__ = ()

    @staticmethod
    def _keep(x, bound):
        return x <= bound


def _clamp_one_side(input, bound, which):
    name = f"clamp_{which}"
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if bound is None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, NoneType)")
    if not isinstance(bound, Tensor):
        bound = check_number(bound, name)
    device = operation_device(input, bound)
    dtype = dtypes.result_type(input, bound)
    if isinstance(bound, Tensor):
        check_broadcastable(input.shape, bound.shape)
    a, b = array_on(input, device), array_on(bound, device)
    pick = device.xp.maximum if which == "min" else device.xp.minimum
    res = make_tensor(pick(a, b).astype(dtype.np, copy=False), device)
    if isinstance(bound, Tensor):
        if needs_grad(input, bound):
            node = (ClampMinBackward1 if which == "min" else ClampMaxBackward1)(edges(input, bound))
            node.save_for_backward(input, bound.detach())
            node.shapes = (input.shape, bound.shape)
            if input.dtype is not dtype or bound.dtype is not dtype or input._device is not device:
                keep_input_metadata(node, input, bound)
            attach(res, node)
    elif _state.enabled and input._requires_grad or _fw.active:
        node = (ClampMinBackward0 if which == "min" else ClampMaxBackward0)((edge_to(input),))
        node.save_for_backward(input)
        setattr(node, which, bound)
        if input.dtype is not dtype:
            keep_input_metadata(node, input)
        attach(res, node)
    return res


def clamp_min(input, min):   # noqa: A002 - PyTorch's name
    """``max(x, min)`` for each element (``min`` a number or a tensor that broadcasts).

        >>> clamp_min(tensor([-1., 2.]), 0)      # forward: tensor([0., 2.])
        >>> # backward (ClampMinBackward0): the gradient where x >= min, else 0
    """
    return _clamp_one_side(input, min, "min")


def clamp_max(input, max):   # noqa: A002 - PyTorch's name
    """``min(x, max)`` for each element (``max`` a number or a tensor that broadcasts).

        >>> clamp_max(tensor([-1., 2.]), 0)      # forward: tensor([-1., 0.])
        >>> # backward (ClampMaxBackward0): the gradient where x <= max, else 0
    """
    return _clamp_one_side(input, max, "max")


class LogaddexpBackward0(Node):
    """log(exp(a) + exp(b)): d/da = sigmoid(a - b), d/db = sigmoid(b - a)."""
    SAVED = ("self", "other")
    __slots__ = ("shapes",)

    def backward(self, grad):
        a, b = self.saved_tensors
        return (reduce_to(grad * sigmoid(a - b), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(grad * sigmoid(b - a), self.shapes[1]) if _needs(self, 1) else None)


class HypotBackward0(Node):
    """sqrt(a² + b²): d/da = a / hypot, d/db = b / hypot."""
    SAVED = ("self", "other")
    __slots__ = ("shapes",)

    def backward(self, grad):
        a, b = self.saved_tensors
        scale = grad / hypot(a, b)
        return (reduce_to(scale * a, self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(scale * b, self.shapes[1]) if _needs(self, 1) else None)


def _float_only_binary(node_cls, input, other, op_name, compute):
    for i, t in enumerate((input, other)):
        if not isinstance(t, Tensor):
            what = ("input", "other")[i]
            raise TypeError(f"{op_name}(): argument '{what}' (position {i + 1}) must be Tensor, "
                            f"not {type(t).__name__}")
    dtype = dtypes.result_type(input, other)
    if not dtype.is_floating_point:
        names = {"bool": "Bool", "int64": "Long"}
        raise NotImplementedError(f'"{op_name}_cpu" not implemented for \'{names[dtype.name]}\'')
    return _floating_binary(node_cls, input, other, op_name, compute)


def logaddexp(input, other):
    """``log(exp(input) + exp(other))`` for each pair of elements, without overflow.

        >>> logaddexp(tensor([0.]), tensor([0.]))       # forward: tensor([0.6931])
        >>> # backward (LogaddexpBackward0): grad * sigmoid(input - other), grad * sigmoid(other - input)
    """
    return _float_only_binary(LogaddexpBackward0, input, other, "logaddexp", lambda xp, a, b: xp.logaddexp(a, b))


def hypot(input, other):
    """``sqrt(input² + other²)`` for each pair of elements, without overflow.

        >>> hypot(tensor([3.]), tensor([4.]))           # forward: tensor([5.])
        >>> # backward (HypotBackward0): grad * input / result, grad * other / result
    """
    return _float_only_binary(HypotBackward0, input, other, "hypot", lambda xp, a, b: xp.hypot(a, b))


# Tensor's arithmetic operators call the operations themselves: ``x * y`` is ``_mul(x, y)``.
METHODS = {"__add__": _add, "__radd__": _add, "__sub__": _sub, "__mul__": _mul, "__rmul__": _mul,
           "__truediv__": _div}
