"""The backward graph: nodes (``grad_fn``), their edges, and what they save.

Each differentiable operation that records creates one node. ``next_functions``
holds one ``(node, output_nr)`` edge per input: the input's own ``grad_fn``, the
``AccumulateGrad`` node of a leaf, or ``(None, 0)`` for an input that needs no
gradient. The walk over this graph lives in ``engine.py``.

    >>> y = x * 2
    >>> y.grad_fn.name(), y.grad_fn.next_functions
    ('MulBackward0', ((<AccumulateGrad object at ...>, 0), (None, 0)))
"""
import collections
import functools
import itertools
import re
import threading
import weakref

from .grad_mode import _forward_state as _forward, _inference_made, _special_modes, _state

_sequence = itertools.count()


class _SavedTensorHooks(threading.local):
    """The (pack, unpack) pairs of the ``saved_tensors_hooks`` blocks open on this thread, innermost last."""

    def __init__(self):
        self.stack = []
        self.disabled = None        # the error message while disable_saved_tensors_hooks is open


_hooks = _SavedTensorHooks()
# How many saved_tensors_hooks blocks are open on any thread: while none is, saving skips the thread-local
# look-up (a check on every recorded operation).
_hooks_open = [0]


class _BackwardRuns(threading.local):
    """The backward calls running on this thread, innermost last, each as the engine's (dependencies, needed,
    captures, accumulate): hooks that gather gradients across one backward call (register_multi_grad_hook) find
    theirs here. The engine pushes and pops them."""

    def __init__(self):
        self.stack = []


_runs = _BackwardRuns()


def _will_run(run, node):
    """Whether the backward call ``run`` (an entry of ``_runs.stack``) runs ``node``."""
    dependencies, needed, captures, accumulate = run
    if node not in dependencies or needed is not None and node not in needed:
        return False
    if not accumulate and type(node) is AccumulateGrad and (node, 0) in captures:
        # (As in PyTorch, which cannot tell for a leaf whose gradient autograd.grad returns.)
        raise RuntimeError("A leaf node was passed to _will_engine_execute_node but we are currently running "
                           "autograd.grad(). This is currently not supported.")
    return True

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward.")


INFERENCE_SAVED_MESSAGE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
    "it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` takes the hook away."""

    __slots__ = ("_hooks", "_key")
    _next_key = itertools.count()

    def __init__(self, hooks):
        self._hooks = hooks
        self._key = next(RemovableHandle._next_key)

    def remove(self):
        self._hooks.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(hooks, fn):
    handle = RemovableHandle(hooks)
    hooks[handle._key] = fn
    return handle


class _MultiHandle:
    """The handle of several hooks registered together: ``remove()`` takes them all away."""

    __slots__ = ("handles",)

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call ``fn`` once per backward call, when gradients of ``tensors`` arrive. ``mode="all"``: once every
    tensor that this call computes a gradient for has it, ``fn(grads)`` (a list, None for a tensor outside the
    call: not in its graph, or not needed for its ``inputs``). ``mode="any"``: ``fn(grad)`` with the first.

        >>> register_multi_grad_hook((a, b), lambda grads: print([g is not None for g in grads]))
    """
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if mode == "any":
        called_in = []      # the backward calls in which fn has run, among those still running

        def first_only(grad):
            called_in[:] = [run for run in called_in if any(run is r for r in _runs.stack)]
            run = _runs.stack[-1]
            if not any(run is r for r in called_in):
                called_in.append(run)
                fn(grad)
        return _MultiHandle([t.register_hook(first_only) for t in tensors if t.requires_grad])

    if not all(t.requires_grad for t in tensors):
        raise AssertionError("Expected gradient function to be set")      # PyTorch's words, before any hook
    nodes = [t.grad_fn if t.grad_fn is not None else grad_accumulator(t) for t in tensors]
    gathering = {}      # id of a backward call's entry -> [gradients, how many arrived, how many will, the entry]

    def collect(index):
        def hook(grad):
            run = _runs.stack[-1]
            state = gathering.get(id(run))
            if state is None or state[3] is not run:      # (not a finished call's entry at the same address)
                expected = sum(_will_run(run, node) for node in nodes)
                state = gathering[id(run)] = [[None] * len(tensors), 0, expected, run]
            state[0][index] = grad
            state[1] += 1
            if state[1] == state[2]:
                del gathering[id(run)]
                fn(state[0])
        return hook
    return _MultiHandle([t.register_hook(collect(i)) for i, t in enumerate(tensors)])


class Node:
    """A step of the backward pass: turns the gradient of an operation's
    output(s) into gradients for its inputs.

    Subclasses implement ``backward(self, grad)`` with differentiable tensor
    operations, so that ``create_graph=True`` can differentiate it again.
    """

    __slots__ = ("next_functions", "_saved", "_versions", "_sequence_nr", "__weakref__", "__dict__")
    num_outputs = 1
    # Hooks are rare: class-level None until a hook is registered on an instance.
    _pre_hooks = _post_hooks = _tensor_pre_hooks = _retains_grad = None
    _hooked = False     # True once any hook or retain_grad is registered here
    # Set (one (dtype, device) or None per input) only by operations whose result
    # differs from an input in dtype (type promotion) or device (a CPU scalar in a
    # GPU operation): the engine gives each input's gradient that input's dtype and device.
    _input_metadata = None
    _packed = False     # True when saved_tensors_hooks packed what the node saved
    # Whether the engine's plain walk (engine._walk_plain) may run the node: set for each class that has a
    # formula on arrays (with its one output), cleared on a node that gets a hook or retain_grad
    # (``_note_hooked``) or that promoted types (ops.common.keep_input_metadata).
    _plain = False

    def __init__(self, next_functions):
        self.next_functions = next_functions
        self._saved = None
        self._sequence_nr = next(_sequence)

    # ---- identity -------------------------------------------------------
    def name(self):
        """The node's class name, as PyTorch names it (``'MulBackward0'``)."""
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self.backward(*grads)

    def backward(self, grad):
        raise NotImplementedError(f"{self.name()} does not define backward")

    # The same formula as ``backward``, on the gradient's array instead of a tensor: defined by the nodes of the
    # most frequent operations (one output each), beside their ``backward``. When no graph of the backward
    # pass is being built, the engine calls ``node.backward_arrays(grad_array, device)`` instead, which skips
    # a tensor's making and checks for every step of a formula (engine.py, ``run_backward``).
    backward_arrays = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "backward" in cls.__dict__ and "backward_arrays" not in cls.__dict__:
            cls.backward_arrays = None      # an inherited formula on arrays would not match the new backward
        cls._plain = cls.backward_arrays is not None and cls.num_outputs == 1
        # ``grad_fn._saved_self`` and the like, as properties of the class. (A ``__getattr__`` would make them in
        # fewer lines, but Python then reads every attribute of every node the slow way: the engine's walk and
        # the formulas took a tenth longer.)
        for entry in (*cls.SAVED, *cls.SAVED_ATTRIBUTES):
            name = entry if isinstance(entry, str) else entry[0]
            setattr(cls, f"_saved_{name}", property(functools.partial(_saved_value, name=name),
                                                     doc=f"What the node saved as ``{name}``, as PyTorch names it."))

    # ---- saved tensors --------------------------------------------------
    # The names PyTorch gives what a node saves, in save_for_backward's order (``grad_fn._saved_self``),
    # and the plain values it keeps: a name, for an attribute of the same name (``PowBackward0._saved_exponent``),
    # or ``(PyTorch's name, the attribute)`` (``("self_sym_sizes", "shape")``).
    SAVED = ()
    SAVED_ATTRIBUTES = ()

    def save_for_backward(self, *values):
        """Keep tensors (or plain numbers) for ``backward``, with the version
        each tensor had, to notice later in-place changes."""
        if _inference_made[0]:      # only once inference_mode has made a tensor: a check per saved value
            for v in values:
                if getattr(v, "_is_inference", False):
                    raise RuntimeError(INFERENCE_SAVED_MESSAGE)
        if _hooks_open[0] and _hooks.stack:
            return self._save_packed(values, *_hooks.stack[-1])
        self._saved = values
        versions = []
        for v in values:
            counter = getattr(v, "_version_counter", None)   # numbers and None have none
            if counter is not None:
                versions.append((v, counter[0]))
        self._versions = versions

    def _save_packed(self, values, pack, unpack):
        """Inside ``saved_tensors_hooks``: keep ``pack(tensor)`` instead of each tensor (and, for the
        in-place check, only its version counter and a description, not the tensor)."""
        from ..tensor import Tensor

        self._saved = tuple(_Packed(pack(v), unpack) if isinstance(v, Tensor) else v for v in values)
        self._versions = [(_VersionRecord(v), v._version_counter[0]) for v in values if isinstance(v, Tensor)]
        self._packed = True

    @property
    def saved_tensors(self):
        """What ``save_for_backward`` kept; raises if the graph was freed or a
        saved tensor has since been changed in place."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MESSAGE)
        for tensor, version in self._versions:
            if tensor._version_counter[0] != version:
                raise RuntimeError(_modified_message(tensor, version, self))
        if self._packed:
            saved = tuple(v.unpack() if isinstance(v, _Packed) else v for v in saved)
        return saved

    def __dir__(self):
        saved = [f"_saved_{n}" for n in type(self).SAVED]
        saved += [f"_saved_{e if isinstance(e, str) else e[0]}" for e in type(self).SAVED_ATTRIBUTES]
        return sorted((set(super().__dir__()) - {"_saved"}) | set(saved))

    def release_variables(self):
        """Free what the node saved; called after backward unless retain_graph."""
        if self._saved is not None:
            self._saved = None

    # ---- hooks ----------------------------------------------------------
    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node; it may return
        new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = {}
            self._note_hooked()
        return _add_hook(self._post_hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
            self._note_hooked()
        return _add_hook(self._pre_hooks, fn)

    def _register_tensor_hook(self, output_nr, fn):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
            self._note_hooked()
        return _add_hook(self._tensor_pre_hooks.setdefault(output_nr, {}), fn)

    def _note_hooked(self):
        """A hook or retain_grad was registered here: the engine runs the node by its general path."""
        self._hooked = True
        self._plain = False

    @property
    def metadata(self):
        if "_metadata" not in self.__dict__:
            self.__dict__["_metadata"] = {}
        return self.__dict__["_metadata"]


def _saved_value(node, name):
    """``node._saved_<name>``: one of the values the node saved, by PyTorch's name for it (``SAVED``), or one
    of the plain values it keeps (``SAVED_ATTRIBUTES``)."""
    cls = type(node)
    if name in cls.SAVED:
        return _as_pytorch_shows(node, name, node.saved_tensors[cls.SAVED.index(name)])
    for entry in cls.SAVED_ATTRIBUTES:
        saved_name, attribute = (entry, entry) if isinstance(entry, str) else entry
        if name == saved_name:
            value = getattr(node, attribute)
            return tuple(value) if attribute == "shape" else value
    # (a subclass that saves less than the class it comes from)
    raise AttributeError(f"'{cls.__name__}' object has no attribute '_saved_{name}'")


def _as_pytorch_shows(node, what, value):
    """A saved value as PyTorch's ``_saved_*`` gives it: a number as the 0-dim tensor it wraps (float64 or
    int64), and a node's own output joined to the node (its ``grad_fn`` is the node)."""
    from ..tensor import Tensor, make_tensor

    if isinstance(value, bool) or not isinstance(value, (int, float, Tensor)):
        return value
    if not isinstance(value, Tensor):
        from .._backend import CPU
        xp = CPU.xp
        return make_tensor(xp.asarray(value, dtype=xp.float64 if isinstance(value, float) else xp.int64))
    if what == "result" and value.grad_fn is None:
        joined = make_tensor(value._data, value._device, value._version_counter)
        joined.grad_fn, joined._requires_grad = node, True
        return joined
    return value


class _Packed:
    """A value that a pack hook returned, with the unpack hook that turns it back into a tensor."""
    __slots__ = ("packed", "unpack_hook")

    def __init__(self, packed, unpack_hook):
        self.packed, self.unpack_hook = packed, unpack_hook

    def unpack(self):
        return self.unpack_hook(self.packed)


class _VersionRecord:
    """What the in-place check needs of a packed tensor (its version counter and description), without
    keeping the tensor itself alive."""
    __slots__ = ("_version_counter", "dtype", "shape", "_device", "grad_fn", "_output_nr")

    def __init__(self, tensor):
        self._version_counter, self.dtype, self.shape = tensor._version_counter, tensor.dtype, tensor.shape
        self._device, self.grad_fn, self._output_nr = tensor._device, tensor.grad_fn, tensor._output_nr


class saved_tensors_hooks:
    """Within the block, each tensor an operation saves for backward is replaced by ``pack_hook(tensor)``,
    and turned back by ``unpack_hook(packed)`` when backward needs it.

        >>> with saved_tensors_hooks(lambda t: t.numpy().copy(), lambda a: torch.from_numpy(a)):
        ...     y = x * x           # MulBackward0 keeps numpy copies
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if _hooks.disabled is not None:
            raise RuntimeError(_hooks.disabled)
        _hooks.stack.append((self.pack_hook, self.unpack_hook))
        _hooks_open[0] += 1
        _special_modes[0] += 1
        return self

    def __exit__(self, *exc):
        _hooks.stack.pop()
        _hooks_open[0] -= 1
        _special_modes[0] -= 1
        return False


class disable_saved_tensors_hooks:
    """Within the block, opening ``saved_tensors_hooks`` (or ``save_on_cpu``) raises a RuntimeError with
    ``error_message``; so does opening this block inside one. For a feature that cannot work with them.

        >>> with disable_saved_tensors_hooks("my feature does not support saved tensors hooks"):
        ...     y = f(x)
    """

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        if _hooks.stack:
            raise RuntimeError(self.error_message)
        self.previous, _hooks.disabled = _hooks.disabled, self.error_message
        return self

    def __exit__(self, *exc):
        _hooks.disabled = self.previous
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with disable_saved_tensors_hooks(self.error_message):
                return func(*args, **kwargs)
        return wrapper


def increment_version(tensor):
    """Bump the version counter of ``tensor`` (or of each tensor of an iterable), as an in-place change
    does: for memory changed behind autograd's back, so that a backward that saved it refuses to run.
    An inference tensor has no version counter and is left alone.

        >>> y = x.exp(); increment_version(y)
        >>> y.sum().backward()      # RuntimeError: ... modified by an inplace operation
    """
    for t in (tensor,) if hasattr(tensor, "_version_counter") else tensor:
        if not t._is_inference:
            t._version_counter[0] += 1


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors wait in CPU memory and go back to their device for backward (PyTorch's pin_memory
    has no meaning here and is accepted).

        >>> with save_on_cpu():
        ...     loss = model(x_on_gpu).sum()
    """

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(tensor):
            return tensor.device, tensor.detach().cpu() if tensor.device.type != "cpu" else tensor

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack, unpack)


def _modified_message(tensor, expected, node):
    """The error for ``tensor``, saved by ``node`` at version ``expected``, found changed in place."""
    from ..tensor import legacy_type_name
    producer = tensor.grad_fn
    if producer is None and _saved_name(node, tensor) == "result":
        producer = node         # a saved output keeps no grad_fn (it would be a cycle): its producer saved it
    which = ""
    if producer is not None:    # PyTorch names the operation: "output 0 of Mul"
        op = re.sub(r"Backward\d*$", "", producer.name())
        which = f", which is output {tensor._output_nr} of {op},"
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{legacy_type_name(tensor)} {list(tensor.shape)}]{which} "
        f"is at version {tensor._version_counter[0]}; expected version {expected} instead. "
        "Hint: the backtrace further above can point at the operation that failed to "
        "compute its gradient. Clone the tensor before changing it in place, or change "
        "it outside the graph with torch.no_grad().")


def _saved_name(node, tensor):
    """PyTorch's name for what ``node`` saved as ``tensor`` (``"self"``, ``"result"``), or None."""
    names = type(node).SAVED
    for i, value in enumerate(node._saved or ()):
        if value is tensor and i < len(names):
            return names[i]
    return None


class AccumulateGrad(Node):
    """The node that ends every path at a leaf: adds the arriving gradient to
    ``variable.grad``.

        >>> (x * 2).grad_fn.next_functions[0][0].variable is x
        True
    """

    __slots__ = ("variable",)
    _hooked = True      # the engine runs the leaf's tensor hooks (``x.register_hook``) before accumulating

    def __init__(self, variable):
        self.next_functions = ()
        self._saved = None
        # As in PyTorch, the largest sequence number: the engine runs a leaf's accumulation as soon as it is ready.
        self._sequence_nr = ACCUMULATE_GRAD_SEQUENCE_NR
        self.variable = variable

    def __lt__(self, other):
        # Two accumulations ready at once have the same sequence number, and the engine's heap of ready nodes
        # compares (-sequence number, node): they then compare as equal, and the heap breaks the tie as the one
        # in PyTorch's engine does (both are binary heaps with the same sifting).
        return False

    def name(self):
        return "torch::autograd::AccumulateGrad"    # PyTorch's C++ name

    def backward(self, grad):
        # Runs from the engine after the leaf's tensor hooks.
        self.variable._accumulate_grad(grad, create_graph=_state.enabled)
        return ()


ACCUMULATE_GRAD_SEQUENCE_NR = 2 ** 64 - 1     # PyTorch's UINT64_MAX


def grad_accumulator(tensor):
    """The leaf's AccumulateGrad node, shared by every graph that uses the leaf
    while any of them is alive."""
    ref = tensor._grad_accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._grad_accumulator = weakref.ref(node)
    return node


GradientEdge = collections.namedtuple("GradientEdge", ["node", "output_nr", "ownership_token"], defaults=(None,))
GradientEdge.__doc__ = """Where a gradient is computed in the graph: a node and which of its outputs.
``autograd.grad`` takes it in place of a tensor, among its inputs (and, with ``grad_outputs``, its outputs).

    >>> edge = get_gradient_edge(y); dy, = autograd.grad(loss, edge)
"""


def get_gradient_edge(tensor):
    """The edge where the gradient of ``tensor`` is computed: ``autograd.grad(loss, get_gradient_edge(x))`` is
    ``autograd.grad(loss, x)``, and stays the gradient for the value x had when the edge was taken.

        >>> edge = get_gradient_edge(h); h.mul_(2); autograd.grad(loss, edge)
    """
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    if tensor.grad_fn is not None:
        return GradientEdge(tensor.grad_fn, tensor._output_nr)
    return GradientEdge(grad_accumulator(tensor), 0)


def edge_to(tensor):
    """The ``(node, output_nr)`` edge a new node keeps for one of its inputs (inside a dual level, carrying
    the input's tangent too)."""
    if tensor.grad_fn is not None:
        edge = (tensor.grad_fn, tensor._output_nr)
    elif tensor._requires_grad:
        edge = (grad_accumulator(tensor), 0)
    else:
        edge = (None, 0)
    if _forward.active:
        return forward_ad.dual_edge(tensor, *edge)
    return edge


from . import forward_ad  # noqa: E402 - it builds on Node, above
