"""Forward-mode AD, as ``torch.autograd.forward_ad``: every tensor may carry a tangent, and each operation
computes its result's tangent as it computes the result (dual numbers, lesson 01, on whole tensors).

    >>> with forward_ad.dual_level():
    ...     x = forward_ad.make_dual(tensor([0., 1.]), tensor([1., 1.]))
    ...     forward_ad.unpack_dual(x.sin()).tangent        # cos(x) * 1
    tensor([1.0000, 0.5403])

How an operation finds its result's tangent. Every operation already has a backward node, and a node's
``backward`` is a linear map from the output's gradient ``v`` to the inputs' gradients: ``J^T v``. The
tangent is the other direction, ``J t``. For a linear map ``B(v) = J^T v``, differentiating ``<B(v), t>``
with respect to ``v`` gives ``J t``: so the tangent is one reverse pass through the node's own backward,
run on a placeholder ``v`` (the derivative of a backward is what ``create_graph=True`` already provides).
That is how JAX relates the two modes, in the opposite direction, and it means that every operation with a
backward has its forward-mode rule, checked by the same tests. A custom ``Function`` gives its own ``jvp``.

While a dual level is open, each operation builds its node even when no input requires grad, so that the
node can push tangents; the node becomes the result's ``grad_fn`` only when grad mode records it.
"""
import collections
import weakref

from . import grad_mode
from .graph import Node

_grad_state = grad_mode._state


_state = grad_mode._forward_state

UnpackedDualTensor = collections.namedtuple("UnpackedDualTensor", ["primal", "tangent"])


class _ForwardOnly(Node):
    """Stands in the edge of an input that has a tangent but needs no gradient, while its operation is being
    recorded: the node must compute that input's part so that the tangent can be pushed through it."""
    __slots__ = ()


FORWARD_ONLY = _ForwardOnly(())


class _DualEdge(tuple):
    """A ``(node, output_nr)`` edge that also carries its input's tangent, while the operation is recorded."""


def dual_edge(tensor, node, output_nr):
    """``edge_to(tensor)`` inside a dual level: the usual edge, carrying the tensor's tangent if it has one."""
    tangent = tangent_of(tensor)
    if tangent is None:
        return (node, output_nr)
    edge = _DualEdge((FORWARD_ONLY if node is None else node, output_nr))
    edge.tangent = tangent
    return edge


def tangent_of(tensor):
    """The tensor's tangent at the open level, or None."""
    fw = tensor._fw_grad
    if fw is None or fw[0] != _state.level or not _state.active:
        return None
    return fw[1]


def set_tangent(tensor, tangent):
    tensor._fw_grad = (_state.level, tangent)
    _state.duals.append(weakref.ref(tensor))


# ---- the public API ------------------------------------------------------------------------------------

def enter_dual_level():
    """Open a dual level and return its number; ``dual_level()`` is the usual way."""
    if _state.active:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _state.level = 0
    _state.active = True
    grad_mode._special_modes[0] += 1
    return _state.level


def exit_dual_level(*, level=None):
    """Close the open level: every tangent made in it is dropped."""
    if not _state.active or (level is not None and level != _state.level):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. "
                           "This is not supported.")
    for ref in _state.duals:
        tensor = ref()
        if tensor is not None:
            tensor.__dict__.pop("_fw_grad", None)
    _state.duals = []
    _state.active = False
    grad_mode._special_modes[0] -= 1
    _state.level = None


class dual_level:
    """A block in which tensors may carry tangents.

        >>> with dual_level():
        ...     y = f(make_dual(x, v))          # unpack_dual(y).tangent is J v
    """

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
        return False


def make_dual(tensor, tangent, *, level=None):
    """A view of ``tensor`` that carries ``tangent``, the direction to differentiate in.

        >>> x = make_dual(tensor([1., 2.]), tensor([1., 0.]))
    """
    from ..ops import shape

    if not _state.active:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if not t.is_floating_point():
            raise ValueError(f"Expected {name} to be floating point or complex, but got: {t.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the original Tensor, this "
            f"is not supported. Tensor is of size {list(tensor.shape)} while the given forward gradient is of "
            f"size {list(tangent.shape)}.")
    if tangent._device != tensor._device:
        raise RuntimeError(f"Expected the tangent to be on the primal's device, {tensor.device}, "
                           f"but it is on {tangent.device}")
    with _paused():             # the view itself pushes no tangent: it gets this one
        dual = shape.view(tensor, tensor.shape)
    set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)``: a view of the tensor without its tangent, and the tangent (None if it has none).

        >>> primal, tangent = unpack_dual(y)
    """
    from ..ops import shape

    tangent = tangent_of(tensor)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    with _paused():
        primal = shape.view(tensor, tensor.shape)
    return UnpackedDualTensor(primal, tangent)


# ---- pushing tangents through an operation ---------------------------------------------------------------

def push_tangent(out, node, output_nr):
    """Give ``out`` (output ``output_nr`` of ``node``) its tangent, from the tangents its node's edges carry.
    Returns whether the node is a real part of the graph (grad mode on and an input requires grad)."""
    edges = node.__dict__.get("_fw_edges")
    if edges is None:
        edges = node.next_functions
        if any(type(e) is _DualEdge for e in edges):
            node.__dict__["_fw_edges"] = edges         # a later output of the same node needs them again
            node.next_functions = tuple((None, 0) if e[0] is FORWARD_ONLY else (e[0], e[1]) for e in edges)
    tangents = [e.tangent if type(e) is _DualEdge else None for e in edges]
    if any(t is not None for t in tangents) and out._data.dtype.kind == "f":
        tangent = _transpose(node, output_nr, out, edges, tangents)
        if tangent is not None:
            set_tangent(out, tangent)
            _tangent_for_saved_output(node, out, tangent)
    return _grad_state.enabled and any(e[0] is not None for e in node.next_functions)


def _tangent_for_saved_output(node, out, tangent):
    """A node that saved its own output (``exp``, ``sigmoid``...) saved a second tensor over the same memory;
    it needs the tangent too, for a backward that runs inside the level (forward-over-reverse)."""
    saved = node._saved
    if type(saved) is tuple:
        for s in saved:
            if getattr(s, "_data", None) is out._data and s is not out:
                set_tangent(s, tangent)


def _transpose(node, output_nr, out, edges, tangents):
    """``J t`` for output ``output_nr``: the reverse derivative, with respect to a placeholder output gradient
    ``v``, of ``<node.backward(v), t>``."""
    from ..tensor import Tensor, make_tensor
    from .engine import run_backward

    xp = out._device.xp
    v = make_tensor(xp.zeros(out._data.shape, out._data.dtype), out._device)
    v._requires_grad = True
    grads = [None] * node.num_outputs
    grads[output_nr] = v
    kept_edges, kept_saved = node.next_functions, node._saved
    node.next_functions = edges         # each input with a tangent has its part computed
    if type(kept_saved) is tuple:       # saved tensors are constants here: no path back into their history
        node._saved = tuple(make_tensor(s._data, s._device, s._version_counter) if isinstance(s, Tensor) else s
                            for s in kept_saved)
    was_recording, _grad_state.enabled = _grad_state.enabled, True
    _state.active, _state.transposing = False, True
    try:
        parts = node.backward(*grads)
    finally:
        node.next_functions, node._saved = kept_edges, kept_saved
        _grad_state.enabled = was_recording
        _state.active, _state.transposing = True, False
    if type(parts) is not tuple:
        parts = (parts,)
    roots, directions = [], []
    for part, tangent in zip(parts, tangents):
        if tangent is None or part is None or not part._requires_grad:
            continue
        if tangent._data.dtype != part._data.dtype:
            tangent = tangent.to(part.dtype)
        if tangent.shape != part.shape:
            tangent = tangent.expand(part.shape)
        roots.append(part)
        directions.append(tangent)
    if not roots:       # no input's part depends on v (ceil, sign...): the derivative is zero
        return make_tensor(xp.zeros(out._data.shape, out._data.dtype), out._device)
    create_graph = any(t._requires_grad for t in directions)     # forward-over-reverse keeps its graph
    with _paused():
        (tangent,) = run_backward(roots, directions, keep_graph=create_graph, create_graph=create_graph,
                                  inputs=[v], accumulate=False, allow_unused=True)
    return tangent


class _paused:
    """Within the block, operations push no tangents (a custom Function's forward and jvp run so)."""

    def __enter__(self):
        self.was = _state.active
        if self.was:
            _state.active = False
            grad_mode._special_modes[0] -= 1

    def __exit__(self, *exc):
        if self.was:
            _state.active = True
            grad_mode._special_modes[0] += 1
        return False
