"""``autograd_ref.autograd``: computing gradients.

    >>> x = tensor(3., requires_grad=True)
    >>> grad(x ** 2, x)
    (tensor(6.),)
"""
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .graph import AccumulateGrad, GradientEdge, Node
from . import forward_ad, function, graph
from .variable import Variable

__all__ = ["Function", "FunctionCtx", "once_differentiable", "backward", "grad", "Variable",
           "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "gradcheck", "gradgradcheck", "functional", "graph", "Node", "AccumulateGrad",
           "detect_anomaly", "set_detect_anomaly", "forward_ad"]


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, (_Tensor, GradientEdge)):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs):
    """The gradients to start from: given ones, checked against their outputs'
    shapes, or ones for one-element outputs."""
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if type(out) is GradientEdge:       # no tensor to check the gradient against
            if not isinstance(g, _Tensor):
                raise RuntimeError(f"output {i} is a GradientEdge: autograd_ref needs its gradient in grad_outputs "
                                   "(it does not know the edge's shape to make one)")
            grads.append(g)
            continue
        if g is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind != "f" and out._requires_grad:
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
            data, xp = out._data, out._device.xp
            # (numpy's ones is written in Python: a 0-dim array of one is four times faster made by array.)
            g = _make_tensor(xp.ones(data.shape, data.dtype) if data.ndim else xp.array(1, data.dtype), out._device)
        elif not isinstance(g, _Tensor):
            raise TypeError(
                f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif g.shape != out.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape!r} and output[{i}] "
                f"has a shape of {out.shape!r}.".replace("autograd_ref.Size", "torch.Size"))
        elif g._data.dtype != out._data.dtype and out._requires_grad:
            g = g.to(out.dtype)     # as PyTorch: a gradient has its tensor's dtype
        grads.append(g)
    return grads


def _check_count(outputs, grads):
    # Like PyTorch, extra gradients are ignored and missing ones refused.
    if len(grads) < len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Add the gradients of ``tensors`` (weighted by ``grad_tensors``) into the
    ``.grad`` of the graph's leaves, or of ``inputs`` only.

        >>> backward([y1, y2], grad_tensors=[ones(2), ones(2)])
    """
    if grad_tensors is None and inputs is None and not create_graph and type(tensors) is _Tensor and \
            _backward_plain(tensors, bool(retain_graph)):
        return      # loss.backward() through a graph without hooks: nearly every call
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) or (None,) * len(tensors)
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(tensors, grad_tensors)
    _check_count(tensors, grads)
    for t in inputs or ():
        if type(t) is not GradientEdge and t.grad_fn is not None:
            t.retain_grad()     # as PyTorch does: a non-leaf input keeps its .grad
    _run_backward(tensors, grads, keep_graph=retain_graph, create_graph=create_graph,
                 inputs=inputs, accumulate=True, allow_unused=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned rather
    than added into ``.grad``.

        >>> dx, = grad(y, x, create_graph=True)   # dx can be differentiated again
    """
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported by autograd_ref")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grad_outputs)
    _check_count(outputs, grads)
    results = _run_backward(outputs, grads, keep_graph=retain_graph, create_graph=create_graph,
                           inputs=inputs, accumulate=False, allow_unused=allow_unused)
    # Mixed dtypes in the graph (float32 * float64) give each input a gradient of its own dtype.
    results = [g.to(t.dtype) if g is not None and type(t) is not GradientEdge and g._data.dtype != t._data.dtype
               else g for g, t in zip(results, inputs)]
    if materialize_grads:
        results = [g if g is not None else _zeros_for(t) for g, t in zip(results, inputs)]
    return tuple(results)


def _zeros_for(input):
    """materialize_grads: the zero gradient of an input (a tensor, or the GradientEdge of a leaf)."""
    if type(input) is GradientEdge:
        if type(input.node) is not AccumulateGrad:
            raise RuntimeError("materialize_grads=True with the GradientEdge of a non-leaf: autograd_ref does not "
                               "know its shape; pass the tensor instead")
        input = input.node.variable
    return _make_tensor(input._device.xp.zeros(input._data.shape, input._data.dtype), input._device)


def _load_tensor_and_engine():
    """Bind the Tensor class, ``make_tensor``, ``run_backward`` and ``backward_plain`` here, for ``backward``
    and ``grad``.

    Called at the end of ``autograd_ref/__init__.py``: the tensor module imports this package (grad modes,
    the graph) first, so these cannot be imported at the top, and importing them inside ``backward`` would
    cost every call a microsecond or two. ``function.py`` gets the same, for custom Functions.
    """
    global _Tensor, _make_tensor, _run_backward, _backward_plain
    from ..tensor import Tensor as _Tensor, make_tensor as _make_tensor
    from .engine import backward_plain as _backward_plain, run_backward as _run_backward
    function._load_tensor()     # custom Functions, likewise


def _load_gradcheck():
    """Bind ``gradcheck`` and ``gradgradcheck`` to the functions, as in PyTorch.

    Called at the end of ``autograd_ref/__init__.py``: the module needs the whole
    package. Loading it on first use would not do: importing the module
    ``autograd.gradcheck`` (for ``GradcheckError``) makes the package attribute
    ``gradcheck`` the module, hiding the function of the same name.
    """
    from .gradcheck import gradcheck, gradgradcheck
    globals().update(gradcheck=gradcheck, gradgradcheck=gradgradcheck)


def __getattr__(name):
    # functional imports the whole package; load it on first use.
    if name == "functional":
        import importlib    # not "from . import": that would call this __getattr__ again
        return importlib.import_module(__name__ + ".functional")
    raise AttributeError(f"module 'autograd_ref.autograd' has no attribute '{name}'")
