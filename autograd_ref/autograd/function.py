"""Custom differentiable operations: subclass ``Function`` and write both
directions yourself.

    >>> class MyReLU(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.clamp(min=0)
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * (x > 0)
    >>> y = MyReLU.apply(x)          # y.grad_fn is a MyReLUBackward node
"""
import functools

from . import anomaly_mode, forward_ad, grad_mode
from .graph import Node, edge_to

_state = grad_mode._state


def _load_tensor():
    """Bind the Tensor class and ``make_tensor`` here. The tensor module imports this package first, so they
    are bound once the whole package has loaded (``autograd._load_tensor_and_engine``), not imported inside
    every ``apply``: a relative import in a function costs 0.5 to 1 µs each time."""
    global Tensor, make_tensor
    from ..tensor import Tensor, make_tensor


class FunctionCtx:
    """What ``forward`` may tell ``backward``: saved tensors and marks. The ctx
    of a recorded call is the graph node itself (``y.grad_fn``)."""

    def save_for_backward(self, *tensors):
        """Keep tensors for ``backward``; read them back with ``ctx.saved_tensors``."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{i} is of type {type(t).__name__}")
        self._to_save = tensors

    def mark_dirty(self, *tensors):
        """Say which inputs ``forward`` modified in place."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Say which outputs have no gradient (indices, masks)."""
        self._non_differentiable = tensors

    def save_for_forward(self, *tensors):
        """Keep tensors for ``jvp`` (forward-mode AD); ``jvp`` reads them as ``ctx.saved_tensors``."""
        self._to_save_forward = tensors

    def set_materialize_grads(self, value):
        """With False, ``backward`` receives None (not zeros) for unused outputs."""
        self._materialize_grads = value


class BackwardCFunction(FunctionCtx, Node):
    """The node recorded for one call of a custom Function; also its ``ctx``."""

    _to_save = ()
    _dirty = ()
    _non_differentiable = ()
    _materialize_grads = True
    _forward_cls = None

    def __init__(self, next_functions):
        Node.__init__(self, next_functions)
        self.needs_input_grad = ()
        self._input_meta = ()
        self._output_meta = ()

    def backward(self, *grads):
        cls = self._forward_cls
        if self._materialize_grads:
            grads = tuple(g if g is not None or meta is None else _zeros(meta)
                          for g, meta in zip(grads, self._output_meta))
        result = cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        expected = len(self.next_functions)
        if len(result) != expected:
            # Trailing Nones for extra non-tensor arguments are allowed, as in PyTorch.
            if len(result) > expected and all(r is None for r in result[expected:]):
                result = result[:expected]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {expected}, got {len(result)})")
        return tuple(self._check_gradient(i, g) for i, g in enumerate(result))

    def _check_gradient(self, i, grad):
        meta = self._input_meta[i]
        if grad is None:
            return None
        if meta is None:
            raise RuntimeError(
                f"function {self.name()} returned a gradient different than None at position "
                f"{i + 1}, but the corresponding forward input was not a Variable")
        if not isinstance(grad, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(grad).__name__})")
        if self.next_functions[i][0] is None:
            return None
        shape = meta
        if grad.shape != shape:
            from ..ops.common import reduce_to
            try:
                if len(shape) > grad.dim():
                    raise ValueError
                reduced = reduce_to(grad, shape)
                if reduced.shape != shape:
                    raise ValueError
                return reduced
            except (ValueError, RuntimeError):
                raise RuntimeError(
                    f"Function {self.name()} returned an invalid gradient at index {i} - got "
                    f"{list(grad.shape)} but expected shape compatible with {list(shape)}") from None
        return grad


def _zeros(meta):
    shape, dtype, device = meta
    return make_tensor(device.xp.zeros(shape, dtype.np), device)


class FunctionMeta(type):
    """Gives each Function subclass its own node class, ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs):
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


class Function(metaclass=FunctionMeta):
    """Base class for operations with a hand-written backward. Define static
    ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``; call
    ``YourFunction.apply(*args)``.
    """

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        """The newer style: ``forward(*args)`` takes no ctx, and this saves what backward needs from the
        ``inputs`` (a tuple) and the ``output``. Override it, or give ``forward`` a ctx, not both."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` without recording its inside, and record one node
        for the whole call."""
        is_tensor = [isinstance(a, Tensor) for a in args]
        record = _state.enabled and any(t and a._requires_grad for t, a in zip(is_tensor, args))
        with forward_ad._paused():      # plain edges: tangents go through jvp, below
            ctx = cls._backward_cls(tuple(edge_to(a) if t else (None, 0) for t, a in zip(is_tensor, args))
                                    if record else ())
        ctx.needs_input_grad = tuple(t and a._requires_grad for t, a in zip(is_tensor, args))
        tangents = _input_tangents(args) if forward_ad._state.active else None
        with grad_mode.no_grad(), forward_ad._paused():     # forward sees plain tensors, no tangents
            if cls.setup_context is Function.setup_context:
                outputs = cls.forward(ctx, *args, **kwargs)   # keyword arguments get no gradient
            else:       # the newer style: forward without ctx, then setup_context fills it in
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        if not record:
            if tangents is not None:
                outputs = _push_tangents(cls, ctx, tangents, outputs)
            return outputs[0] if single else outputs

        dirty = {id(t) for t in ctx._dirty}
        non_diff = {id(t) for t in ctx._non_differentiable}
        inputs = {id(a) for a in args if isinstance(a, Tensor)}
        ctx.num_outputs = len(outputs)
        ctx._input_meta = tuple(a.shape if t else None for t, a in zip(is_tensor, args))
        ctx._output_meta = tuple((o.shape, o.dtype, o.device) if isinstance(o, Tensor) else None
                                 for o in outputs)
        results = []
        for nr, out in enumerate(outputs):
            if not isinstance(out, Tensor):
                results.append(out)
                continue
            if id(out) in dirty:
                if out.grad_fn is None and out._requires_grad:
                    raise RuntimeError(
                        "a leaf Variable that requires grad has been used in an in-place operation.")
            elif id(out) in inputs:
                # Returning an input unchanged: PyTorch gives back a new tensor (a view).
                out = make_tensor(out._data, out._device, out._version_counter)
            if id(outputs[nr]) in non_diff or not out.is_floating_point():
                out._requires_grad = False     # marked, or integers: no gradient
                if out.grad_fn is not None and id(out) not in dirty:
                    out.grad_fn = None
            else:
                out.grad_fn, out._requires_grad, out._output_nr = ctx, True, nr
            results.append(out)
        Node.save_for_backward(ctx, *ctx._to_save)
        if anomaly_mode._state.enabled:
            anomaly_mode.record_forward_stack(ctx)
        ctx.__dict__.pop("_to_save", None)     # absent when forward saved nothing
        if tangents is not None:
            results = _push_tangents(cls, ctx, tangents, tuple(results))
        return results[0] if single else tuple(results)


def _input_tangents(args):
    """Inside a dual level: each argument's tangent for ``jvp`` (zeros for a tensor without one, None for
    anything else), or None when no argument has a tangent."""
    tangents = [forward_ad.tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return None
    return [t if t is not None or not isinstance(a, Tensor) else
            make_tensor(a._device.xp.zeros_like(a._data), a._device) for a, t in zip(args, tangents)]


def _push_tangents(cls, ctx, tangents, outputs):
    """Give the outputs the tangents that the Function's ``jvp`` computes from the inputs' tangents."""
    if cls.jvp is Function.jvp:
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with forward mode AD.")
    kept = ctx._saved, getattr(ctx, "_versions", [])
    ctx._saved, ctx._versions = tuple(ctx.__dict__.pop("_to_save_forward", ())), []
    try:
        with forward_ad._paused():
            out_tangents = cls.jvp(ctx, *tangents)
    finally:
        ctx._saved, ctx._versions = kept
    if not isinstance(out_tangents, tuple):
        out_tangents = (out_tangents,)
    if len(out_tangents) != len(outputs):
        raise RuntimeError(f"function {cls.__name__}.jvp returned an incorrect number of forward gradients "
                           f"(expected {len(outputs)}, got {len(out_tangents)})")
    results = []
    for out, tangent in zip(outputs, out_tangents):
        if isinstance(out, Tensor) and tangent is not None and out.is_floating_point():
            if tuple(tangent.shape) != tuple(out.shape):
                raise RuntimeError(
                    "Trying to set a forward gradient that has a different size than that of the original Tensor, "
                    f"this is not supported. Tensor is of size {list(out.shape)} while the given forward gradient "
                    f"is of size {list(tangent.shape)}.")
            forward_ad.set_tangent(out, tangent)
        results.append(out)
    return tuple(results)


class Error(Node):
    """Stands in for the graph of a once_differentiable backward."""

    def name(self):
        return "torch::autograd::Error"             # PyTorch's C++ name

    def backward(self, *grads):
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable")


def once_differentiable(backward):
    """Mark a Function's backward as not differentiable itself: it runs without
    recording, and differentiating it again raises an error.

        >>> @staticmethod
        ... @once_differentiable
        ... def backward(ctx, grad): ...
    """
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        recording = _state.enabled
        with grad_mode.no_grad():
            outputs = backward(ctx, *grads)
        if not recording or not any(g is not None and g._requires_grad for g in grads):
            return outputs
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        # As PyTorch: the gradients become outputs of one Error node, whose inputs are stand-in leaves
        # (detached copies that require grad), so that create_graph=True has a graph and using it raises.
        present = [g for g in outputs if g is not None]
        stand_ins = [make_tensor(g._data, g._device) for g in present]
        for leaf in stand_ins:
            leaf._requires_grad = True
        error = Error(tuple(edge_to(leaf) for leaf in stand_ins))
        error.num_outputs = len(present)
        marked, nr = [], 0
        for g in outputs:
            if g is not None:
                g = make_tensor(g._data, g._device)
                g.grad_fn, g._requires_grad, g._output_nr = error, True, nr
                nr += 1
            marked.append(g)
        return marked[0] if single else tuple(marked)
    return wrapper
