"""Functions of one tensor: exp and log, trigonometric and hyperbolic functions, sigmoid and relu, roots,
reciprocal, abs and sign, erf. Each forward beside its backward node, named as PyTorch names it; the
backwards use tensor operations, so that ``create_graph=True`` differentiates them again.

    >>> exp(tensor([0., 1.]))
    tensor([1.0000, 2.7183])
"""
import math

from .. import dtypes
from .._backend import CPU, erf as _backend_erf
from ..autograd.grad_mode import _special_modes
from ..autograd.graph import Node, _sequence, edge_to
from ..tensor import Tensor, make_tensor
from .common import _fw, _grad_off, _ndarray, _new_object, _state, attach, edges, needs_grad, reconnect


def _float_array(t):
    """The tensor's array, as the default float type if it holds integers
    (``exp`` of an integer tensor is a float tensor, as in PyTorch)."""
    data = t._data
    if data.dtype.kind == "f":
        return data
    return data.astype(dtypes.get_default_dtype().np)


def _unary(node_cls, input, value, save, attributes=None):
    """Wrap ``value`` and, if needed, record ``node_cls`` saving ``'input'`` or
    ``'result'``, with the node's other ``attributes`` (``{"negative_slope": 0.01}``).

        >>> _unary(SinBackward0, x, numpy.sin(x._data), "input").grad_fn
        <SinBackward0 object at ...>
    """
    res = make_tensor(value, input._device)
    if not (input._requires_grad and (not _grad_off or _state.enabled) or _fw.active):
        return res
    if save == "input":
        saved = input
    elif save == "result":
        saved = make_tensor(value, input._device, res._version_counter)
    else:
        saved = None
    if _special_modes[0]:     # a mode that changes recording is on: the general path
        node = node_cls((edge_to(input),))
        for name, attribute in (attributes or {}).items():
            setattr(node, name, attribute)
        if saved is not None:
            node.save_for_backward(saved)
        return attach(res, node)
    # The common case, on every recorded step of a model: the node made and filled in directly, without
    # the calls of the general path above (Node.__init__, save_for_backward, attach), which it matches.
    node = _new_object(node_cls)
    fn = input.grad_fn
    node.next_functions = ((fn, input._output_nr) if fn is not None else edge_to(input),)
    node._sequence_nr = next(_sequence)
    if saved is None:
        node._saved = None
    else:
        node._saved = (saved,)
        node._versions = ((saved, saved._version_counter[0]),)
    if attributes:
        for name, attribute in attributes.items():
            setattr(node, name, attribute)
    res.grad_fn = node
    res._requires_grad = True
    return res


def elementwise_unary(name, node_cls, save, ufunc=None, doc=None):
    """Make the function of an operation of one tensor that is a ufunc of the array module (``xp.sin``, or
    ``xp.<ufunc>`` when its name differs) on the tensor's float array, recording ``node_cls`` saving the
    ``'input'`` or the ``'result'`` as :func:`_unary` does. The function's docstring is ``doc``.

        >>> sin = elementwise_unary("sin", SinBackward0, "input", doc="Sine of each element (radians).")
        >>> sin(tensor([0.5], requires_grad=True)).grad_fn
        <SinBackward0 object at ...>
    """
    ufunc = ufunc or name
    on_cpu = getattr(CPU.xp, ufunc)
    saves_input = save == "input"

    def op(input):
        # The common case, on every step of a model, written out with make_tensor and _unary's direct path
        # inside: a float tensor on the CPU while no mode that changes recording is on. Everything else (an
        # integer tensor, a GPU, a mode, not a tensor) takes the general path below.
        if not _special_modes[0] and isinstance(input, Tensor) and input._device is CPU:
            data = input._data
            if data.dtype.kind == "f":
                value = on_cpu(data)
                if type(value) is not _ndarray:     # numpy gives a scalar for a 0-dim array
                    return _unary(node_cls, input, value, save)
                res = _new_object(Tensor)
                res._data = value
                res._version_counter = counter = [0]
                if not (input._requires_grad and (not _grad_off or _state.enabled)):
                    res._requires_grad = False
                    res.grad_fn = None
                    return res
                if saves_input:
                    saved = input
                else:       # the result, as another tensor on its memory and version counter: no cycle
                    saved = _new_object(Tensor)
                    saved._data = value
                    saved._version_counter = counter
                    saved._requires_grad = False
                    saved.grad_fn = None
                node = _new_object(node_cls)
                fn = input.grad_fn
                node.next_functions = ((fn, input._output_nr) if fn is not None else edge_to(input),)
                node._sequence_nr = next(_sequence)
                node._saved = (saved,)
                node._versions = ((saved, saved._version_counter[0]),)
                res.grad_fn = node
                res._requires_grad = True
                return res
        return _unary(node_cls, input, getattr(_xp(input, name), ufunc)(_float_array(input)), save)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


class UnaryBackward(Node):
    """Base for one-input nodes that saved their input or their result."""
    __slots__ = ()

    def result(self):
        """The saved output; reconnected to this node when building a
        higher-order graph (``create_graph=True``)."""
        (out,) = self.saved_tensors
        return reconnect(out, self)

    def saved_array(self):
        """The saved input or output's array, for ``backward_arrays``: what ``saved_tensors`` gives, with its
        checks written out for the common case (the tensor kept as it was saved, and unchanged since)."""
        if self._saved is not None and not self._packed:
            ((saved, version),) = self._versions
            if saved._version_counter[0] == version:
                return saved._data
        (saved,) = self.saved_tensors       # (raises, saying what went wrong; or unpacks)
        return saved._data


class ExpBackward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        return grad * self.result()

    def backward_arrays(self, grad, device):
        return grad * self.saved_array()


exp = elementwise_unary("exp", ExpBackward0, "result", doc="""e to the power of each element.

        >>> exp(tensor([0.]))
        tensor([1.])
    """)


class LogBackward0(UnaryBackward):
    SAVED = ("self",)
    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad / x

    def backward_arrays(self, grad, device):
        return grad / self.saved_array()


log = elementwise_unary("log", LogBackward0, "input", doc="Natural logarithm of each element.")


class SinBackward0(UnaryBackward):
    SAVED = ("self",)
    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * cos(x)

    def backward_arrays(self, grad, device):
        return grad * device.xp.cos(self.saved_array())


sin = elementwise_unary("sin", SinBackward0, "input", doc="Sine of each element (radians).")


class CosBackward0(UnaryBackward):
    SAVED = ("self",)
    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * -sin(x)

    def backward_arrays(self, grad, device):
        return grad * -device.xp.sin(self.saved_array())


cos = elementwise_unary("cos", CosBackward0, "input", doc="Cosine of each element (radians).")


class TanhBackward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        return tanh_backward(grad, self.result())

    def backward_arrays(self, grad, device):
        return _tanh_backward_array(grad, self.saved_array(), device)


class TanhBackwardBackward0(Node):
    """The graph ``create_graph=True`` records for tanh's backward ``g * (1 - y²)``: d/dg = 1 - y², d/dy = -2 g y."""
    SAVED = ("grad_output", "output")
    __slots__ = ()

    def backward(self, grad):
        g, y = self.saved_tensors
        (need_g, _), (need_y, _) = self.next_functions
        return (tanh_backward(grad, y) if need_g is not None else None,
                grad * g * y * -2 if need_y is not None else None)


def tanh_backward(grad, y):
    """``grad * (1 - y * y)``, tanh's derivative at its output ``y`` times ``grad``, as one operation (PyTorch's
    ``tanh_backward``): the backward of every tanh.

        >>> tanh_backward(tensor([1.]), tensor([0.5]))
        tensor([0.7500])
    """
    res = make_tensor(_tanh_backward_array(grad._data, y._data, grad._device), grad._device)
    if needs_grad(grad, y):
        node = TanhBackwardBackward0(edges(grad, y))
        node.save_for_backward(grad, y)
        attach(res, node)
    return res


def _tanh_backward_array(grad, y, device):
    return grad * (device.scalar(1, y.dtype) - y * y)


tanh = elementwise_unary("tanh", TanhBackward0, "result", doc="Hyperbolic tangent of each element.")


class SigmoidBackward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        return sigmoid_backward(grad, self.result())

    def backward_arrays(self, grad, device):
        return _sigmoid_backward_array(grad, self.saved_array(), device)


class SigmoidBackwardBackward0(Node):
    """The graph ``create_graph=True`` records for sigmoid's backward ``g (1 - y) y``: d/dg = (1 - y) y,
    d/dy = g (1 - 2y)."""
    SAVED = ("grad_output", "output")
    __slots__ = ()

    def backward(self, grad):
        g, y = self.saved_tensors
        (need_g, _), (need_y, _) = self.next_functions
        return (sigmoid_backward(grad, y) if need_g is not None else None,
                grad * g * (1 - 2 * y) if need_y is not None else None)


def sigmoid_backward(grad, y):
    """``grad * (1 - y) * y``, sigmoid's derivative at its output ``y`` times ``grad``, as one operation
    (PyTorch's ``sigmoid_backward``).

        >>> sigmoid_backward(tensor([1.]), tensor([0.5]))
        tensor([0.2500])
    """
    res = make_tensor(_sigmoid_backward_array(grad._data, y._data, grad._device), grad._device)
    if needs_grad(grad, y):
        node = SigmoidBackwardBackward0(edges(grad, y))
        node.save_for_backward(grad, y)
        attach(res, node)
    return res


def _sigmoid_backward_array(grad, y, device):
    return grad * (device.scalar(1, y.dtype) - y) * y


def sigmoid_array(x, xp):
    """``1 / (1 + exp(-x))`` of a float array, without overflow: exp of a negative number never
    overflows, so it is used on both sides of zero."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def sigmoid(input):
    """``1 / (1 + exp(-x))`` for each element, computed without overflow."""
    return _unary(SigmoidBackward0, input, sigmoid_array(_float_array(input), input._device.xp), "result")


class ReluBackward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        return threshold_backward(grad, self.result(), 0)

    def backward_arrays(self, grad, device):
        return _threshold_backward_array(grad, self.saved_array(), 0, device)


class ThresholdBackwardBackward0(Node):
    """The graph ``create_graph=True`` records for relu's backward: linear in the gradient (d/dg passes it
    where the input was above the threshold), piecewise constant in the input (d/dx is zero)."""
    SAVED = ("self",)
    SAVED_ATTRIBUTES = ("threshold",)
    __slots__ = ("threshold",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        (need_g, _), (need_x, _) = self.next_functions
        return (threshold_backward(grad, x, self.threshold) if need_g is not None else None,
                make_tensor(x._device.xp.zeros_like(x._data), x._device) if need_x is not None else None)


def threshold_backward(grad, x, threshold):
    """``grad`` where ``x > threshold``, else 0, as one operation (PyTorch's ``threshold_backward``): the backward
    of relu, given its output.

        >>> threshold_backward(tensor([5., 5.]), tensor([0., 2.]), 0)
        tensor([0., 5.])
    """
    res = make_tensor(_threshold_backward_array(grad._data, x._data, threshold, grad._device), grad._device)
    if needs_grad(grad, x):
        node = ThresholdBackwardBackward0(edges(grad, x))
        node.save_for_backward(x)
        node.threshold = threshold
        attach(res, node)
    return res


def _threshold_backward_array(grad, x, threshold, device):
    # Multiplying by the mask is 2.4x faster than numpy's where on float32. It differs from PyTorch only for a
    # gradient that is already NaN or infinite where the input was at or below the threshold: NaN here, 0 there.
    return grad * (x > device.scalar(threshold, x.dtype))


def relu(input):
    """``max(x, 0)`` for each element.

        >>> relu(tensor([-1., 2.]))
        tensor([0., 2.])
    """
    data = input._data
    if data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return _unary(ReluBackward0, input, input._device.xp.maximum(data, input._device.scalar(0, data.dtype)), "result")


class ErfBackward0(UnaryBackward):
    """d/dx erf(x) = 2 / sqrt(pi) exp(-x²)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * (2 / math.sqrt(math.pi) * exp(-(x * x)))


def erf(input):
    """The error function of each element."""
    return _unary(ErfBackward0, input, _backend_erf(_float_array(input), input._device), "input")


class Log1PBackward0(UnaryBackward):
    SAVED = ("self",)
    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad / (x + 1)


log1p = elementwise_unary("log1p", Log1PBackward0, "input",
                          doc="``log(1 + x)`` for each element, accurate for small x.")


class Expm1Backward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        return grad * (self.result() + 1)


expm1 = elementwise_unary("expm1", Expm1Backward0, "result",
                          doc="``exp(x) - 1`` for each element, accurate for small x.")


class SqrtBackward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        return grad / (2 * self.result())

    def backward_arrays(self, grad, device):
        y = self.saved_array()
        return grad / (device.scalar(2, y.dtype) * y)


sqrt = elementwise_unary("sqrt", SqrtBackward0, "result", doc="Square root of each element.")


class RsqrtBackward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        y = self.result()
        return grad * (-0.5 * y * y * y)


def rsqrt(input):
    """``1 / sqrt(x)`` for each element."""
    return _unary(RsqrtBackward0, input, 1 / input._device.xp.sqrt(_float_array(input)), "result")


class ReciprocalBackward0(UnaryBackward):
    SAVED = ("result",)
    def backward(self, grad):
        y = self.result()
        return grad * -(y * y)


def reciprocal(input):
    """``1 / x`` for each element."""
    x = _float_array(input)
    return _unary(ReciprocalBackward0, input, (1 / x).astype(x.dtype, copy=False), "result")


class AbsBackward0(UnaryBackward):
    SAVED = ("self",)
    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * sign(x)


def abs(input):   # noqa: A001 - PyTorch's name
    """Absolute value of each element."""
    return _unary(AbsBackward0, input, input._device.xp.abs(input._data), "input")


class SignBackward0(UnaryBackward):
    """Piecewise constant (sign, floor, ceil, round): the gradient is zero."""
    def backward(self, grad):
        return make_tensor(grad._device.xp.zeros_like(grad._data), grad._device)


def sign(input):
    """-1, 0 or 1 for each element (its gradient is zero)."""
    return _unary(SignBackward0, input, input._device.xp.sign(input._data), None)


# ---- more trigonometric, hyperbolic and logarithmic functions ----------------------------

def _xp(input, op_name):
    """The array module of ``input``'s device, refusing a non-tensor with PyTorch's message."""
    if not hasattr(input, "_data"):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input._device.xp


class TanBackward0(UnaryBackward):
    """d/dx tan(x) = 1 + tan(x)²."""
    SAVED = ("result",)

    def backward(self, grad):
        y = self.result()
        return grad * (y * y + 1)


tan = elementwise_unary("tan", TanBackward0, "result", doc="""Tangent of each element (radians).

        >>> tan(tensor([0.7854]))
        tensor([1.0000])
    """)


class SinhBackward0(UnaryBackward):
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * cosh(x)


sinh = elementwise_unary("sinh", SinhBackward0, "input", doc="""Hyperbolic sine of each element.

        >>> sinh(tensor([0., 1.]))
        tensor([0.0000, 1.1752])
    """)


class CoshBackward0(UnaryBackward):
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * sinh(x)


cosh = elementwise_unary("cosh", CoshBackward0, "input", doc="""Hyperbolic cosine of each element.

        >>> cosh(tensor([0., 1.]))
        tensor([1.0000, 1.5431])
    """)


class AsinBackward0(UnaryBackward):
    """d/dx asin(x) = 1 / sqrt(1 - x²)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * rsqrt(1 - x * x)


asin = elementwise_unary("asin", AsinBackward0, "input", ufunc="arcsin",
                         doc="""Arcsine of each element, in [-pi/2, pi/2] (NaN outside [-1, 1]).

        >>> asin(tensor([0., 1.]))
        tensor([0.0000, 1.5708])
    """)


class AcosBackward0(UnaryBackward):
    """d/dx acos(x) = -1 / sqrt(1 - x²)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * -rsqrt(1 - x * x)


acos = elementwise_unary("acos", AcosBackward0, "input", ufunc="arccos",
                         doc="""Arccosine of each element, in [0, pi] (NaN outside [-1, 1]).

        >>> acos(tensor([1., 0.]))
        tensor([0.0000, 1.5708])
    """)


class AtanBackward0(UnaryBackward):
    """d/dx atan(x) = 1 / (1 + x²)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad / (x * x + 1)


atan = elementwise_unary("atan", AtanBackward0, "input", ufunc="arctan",
                         doc="""Arctangent of each element, in (-pi/2, pi/2).

        >>> atan(tensor([0., 1.]))
        tensor([0.0000, 0.7854])
    """)


arcsin, arccos, arctan = asin, acos, atan     # numpy's names, which PyTorch also has


class Log2Backward0(UnaryBackward):
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad / (x * math.log(2.0))


log2 = elementwise_unary("log2", Log2Backward0, "input", doc="""Base-2 logarithm of each element.

        >>> log2(tensor([1., 8.]))
        tensor([0., 3.])
    """)


class Log10Backward0(UnaryBackward):
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad / (x * math.log(10.0))


log10 = elementwise_unary("log10", Log10Backward0, "input", doc="""Base-10 logarithm of each element.

        >>> log10(tensor([1., 100.]))
        tensor([0., 2.])
    """)


# ---- inverse hyperbolic functions -------------------------------------------------------------

class AsinhBackward0(UnaryBackward):
    """d/dx asinh(x) = 1 / sqrt(x² + 1)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * rsqrt(x * x + 1)


asinh = elementwise_unary("asinh", AsinhBackward0, "input", ufunc="arcsinh",
                          doc="""Inverse hyperbolic sine of each element.

        >>> asinh(tensor([0., 1.]))          # forward: tensor([0.0000, 0.8814])
        >>> # backward (AsinhBackward0): grad / sqrt(x² + 1)
    """)


class AcoshBackward0(UnaryBackward):
    """d/dx acosh(x) = 1 / sqrt(x² - 1)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * rsqrt(x * x - 1)


acosh = elementwise_unary("acosh", AcoshBackward0, "input", ufunc="arccosh",
                          doc="""Inverse hyperbolic cosine of each element (NaN below 1).

        >>> acosh(tensor([1., 2.]))          # forward: tensor([0.0000, 1.3170])
        >>> # backward (AcoshBackward0): grad / sqrt(x² - 1)
    """)


class AtanhBackward0(UnaryBackward):
    """d/dx atanh(x) = 1 / (1 - x²)."""
    SAVED = ("self",)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad / (1 - x * x)


atanh = elementwise_unary("atanh", AtanhBackward0, "input", ufunc="arctanh",
                          doc="""Inverse hyperbolic tangent of each element (NaN outside [-1, 1]).

        >>> atanh(tensor([0., 0.5]))         # forward: tensor([0.0000, 0.5493])
        >>> # backward (AtanhBackward0): grad / (1 - x²)
    """)


arcsinh, arccosh, arctanh = asinh, acosh, atanh
