"""What every operation shares: turning operands into arrays, PyTorch's type
promotion, and recording a node when a gradient will be needed."""
import numbers

from .. import dtypes
from .._backend import CPU, sum_leading, transfer
from ..autograd import forward_ad, grad_mode
from ..autograd.anomaly_mode import _state as _anomaly, record_forward_stack
from ..autograd.grad_mode import _special_modes, _threads_with_grad_off
from ..autograd.graph import _sequence, edge_to
from ..tensor import Tensor, make_tensor

_new_object = object.__new__
_ndarray = CPU.xp.ndarray

_state = grad_mode._state
# The threads that have grad mode off: while there is none, an operation that asks "does grad mode record?"
# needs no look at its thread's own mode (a thread-local read, five times a plain one). The hottest ask
# ``(not _grad_off or _state.enabled)``.
_grad_off = _threads_with_grad_off
# Whether a dual level is open (forward-mode AD). Every operation builds its node when grad mode records it
# *or* a dual level is open (``... or _fw.active``): then the node pushes the inputs' tangents to the result.
_fw = forward_ad._state


def check_number(x, op_name):
    """``x`` as a plain Python number (numpy scalars included), or a TypeError."""
    if isinstance(x, complex) or not isinstance(x, numbers.Number):
        raise TypeError(f"{op_name}(): argument 'other' must be Tensor or Number, not {type(x).__name__}")
    return x.item() if hasattr(x, "item") else x


def check_same_device(*items):
    """Refuse tensors on different devices among ``items`` (numbers and None are
    skipped), with PyTorch's message naming two of the devices.

        >>> check_same_device(ones(2), ones(2, device='cuda'))     # RuntimeError
    """
    first = None
    for t in items:
        if not isinstance(t, Tensor):
            continue
        if first is None:
            first = t
        elif t._device is not first._device and t._device != first._device:
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two "
                f"devices, {first.device} and {t.device}!")


def is_cpu_scalar(t):
    """A 0-dim tensor on the CPU: PyTorch lets one join an operation on a GPU, as a number would."""
    return t._device is CPU and t._data.ndim == 0


def operation_device(*items):
    """The device an operation on ``items`` runs on: its tensors' device, where a
    0-dim CPU tensor may join tensors on a GPU (``x.cuda() * tensor(2.)``); any
    other mix of devices is refused, naming two of them.

        >>> operation_device(ones(2, device='cuda'), tensor(2.))
        device(type='cuda', index=0)
    """
    tensors = [t for t in items if isinstance(t, Tensor)]
    placed = [t for t in tensors if not is_cpu_scalar(t)]
    if not placed:
        return tensors[0]._device
    check_same_device(*placed)
    return placed[0]._device


def array_on(item, device):
    """``item``'s array on ``device`` (a CPU scalar copied to the GPU); numbers as they are."""
    if not isinstance(item, Tensor):
        return item
    return item._data if item._device is device else transfer(item._data, item._device, device)


def needs_grad(a, b=None):
    """True when the operation builds its node: grad mode is on and an input Tensor requires grad, or a dual
    level is open (forward-mode AD)."""
    return (not _grad_off or _state.enabled) and (getattr(a, "_requires_grad", False) or
                               getattr(b, "_requires_grad", False)) or _fw.active


def edges(a, b):
    """The two ``(node, output_nr)`` edges of a binary op; ``(None, 0)`` for a number."""
    return (edge_to(a) if isinstance(a, Tensor) else _NO_EDGE,
            edge_to(b) if isinstance(b, Tensor) else _NO_EDGE)


_NO_EDGE = (None, 0)


def new_node(node_cls, next_functions, saved=None):
    """A new ``node_cls`` (one that keeps Node's ``__init__``) with its edges and what it saves for backward
    (a tuple of tensors and numbers, or None), not yet attached: set its own attributes, then :func:`attach` it.
    In plain recording it is filled in directly, without the calls of the general path (``Node.__init__``,
    ``save_for_backward``), which handles every mode.

        >>> node = new_node(MmBackward0, edges(a, b), (a, b)); attach(res, node)
    """
    if _special_modes[0]:
        node = node_cls(next_functions)
        if saved is not None:
            node.save_for_backward(*saved)
        return node
    node = _new_object(node_cls)
    node.next_functions = next_functions
    node._sequence_nr = next(_sequence)
    node._saved = saved
    if saved is not None:
        node._versions = _versions_of(saved) if len(saved) == 2 else \
            [(t, t._version_counter[0]) for t in saved if isinstance(t, Tensor)]
    return node


def record_binary(res, node_cls, input, other, dtype=None, saved=None, attributes=None, next_functions=None):
    """Record ``node_cls`` as the grad_fn of ``res``, the result of a broadcasting op of ``input`` and ``other``
    (tensors, or one a number): its two edges (``next_functions``, when the caller made them with
    :func:`edges` to choose what to save), ``node.shapes`` (the operands' shapes, to sum a broadcast
    gradient back to each), what it ``saved`` for backward (a pair), its other ``attributes`` (``{"alpha": 2}``), and,
    when type promotion changed the result's dtype (``dtype`` given), the inputs' dtypes. Returns ``res``.

        >>> record_binary(res, MulBackward0, x, 2.0, saved=(None, 2.0))
    """
    node = new_node(node_cls, edges(input, other) if next_functions is None else next_functions, saved)
    node.shapes = (input._data.shape if isinstance(input, Tensor) else (),
                   other._data.shape if isinstance(other, Tensor) else ())
    if dtype is not None:
        keep_input_metadata(node, input, other)
    for name, attribute in (attributes or {}).items():
        setattr(node, name, attribute)
    return attach(res, node)


def attach(out, node, output_nr=0):
    """Make ``node`` the grad_fn of the new tensor ``out`` (inside a dual level: give ``out`` its tangent,
    and the node only if grad mode records it)."""
    if _fw.active and not forward_ad.push_tangent(out, node, output_nr):
        return out
    out.grad_fn = node
    out._requires_grad = True
    if _anomaly.enabled:
        record_forward_stack(node)
    if output_nr or out._output_nr:     # most tensors keep the class default 0
        out._output_nr = output_nr
    return out


def keep_input_metadata(node, *inputs):
    """For an operation whose result dtype or device differs from an input's
    (type promotion, ``dtype=``, a CPU scalar in a GPU operation): remember each
    input's dtype and device, so that the engine casts each gradient back to its
    input's dtype and moves it to its input's device, as PyTorch does."""
    node._input_metadata = tuple((t.dtype, t._device) if isinstance(t, Tensor) else None for t in inputs)
    node._plain = False     # (numpy promotes a 0-dim operand unlike PyTorch: the formula on arrays may not run)


def reconnect(saved, node, output_nr=0):
    """A node's own output, saved detached (a saved tensor whose grad_fn is the
    node would be a reference cycle), joined to the node again while a
    higher-order graph is being built (``create_graph=True``), so that the
    output's own dependence on the inputs is differentiated too.

        >>> y = reconnect(y_saved, self)     # in a backward that uses its output
    """
    if _state.enabled and not _fw.transposing:
        tangent = saved._fw_grad
        saved = make_tensor(saved._data, saved._device, saved._version_counter)
        if tangent is not None:
            saved._fw_grad = tangent
        attach(saved, node, output_nr)
    return saved


_FAST_NUMBERS = (float, int)


def binary_arrays(a, b, op_name):
    """Arrays for a binary op, the result dtype when it must be given, and the
    device the result lives on. The dtype is None when numpy's is right and the
    gradients need no converting back; it is given when numpy would pick
    another than PyTorch, and when the inputs are on two devices (a CPU scalar
    in a GPU op).

        >>> binary_arrays(tensor([1., 2.]), 3, "mul")
        (array([1., 2.], dtype=float32), array(3., dtype=float32), None, device(type='cpu'))
    """
    if isinstance(a, Tensor):
        ad = a._data
        if isinstance(b, Tensor):
            bd = b._data
            if a._device is not b._device:
                device = operation_device(a, b)
                return array_on(a, device), array_on(b, device), dtypes.result_type(a, b), device
            if ad.shape != bd.shape:
                check_broadcastable(ad.shape, bd.shape)
            if ad.dtype is bd.dtype:
                return ad, bd, None, a._device
            return ad, bd, dtypes.result_type(a, b), a._device
        if type(b) not in _FAST_NUMBERS:
            b = check_number(b, op_name)
        if ad.dtype.kind == "f":
            return ad, a._device.scalar(b, ad.dtype), None, a._device
        return ad, b, dtypes.result_type(a, b), a._device
    if type(a) not in _FAST_NUMBERS:
        a = check_number(a, op_name)
    bd = b._data
    if bd.dtype.kind == "f":
        return b._device.scalar(a, bd.dtype), bd, None, b._device
    return a, bd, dtypes.result_type(a, b), b._device


def elementwise_binary(op_name, array_op, node_cls, floating=False, refuse=None):
    """Make the function of a broadcasting operation of two operands, ``op(input, other, alpha=1)``:
    ``array_op(input, alpha * other)`` (``operator.mul``, say) for two tensors or a tensor and a number, with
    PyTorch's type promotion (``floating``: an integer result becomes the default float type, as division's
    does), after ``refuse(input, other)`` has raised for operands the operation does not take. When a gradient
    will be needed, the function records ``node_cls``, which keeps each operand's shape, ``alpha`` (unless 1)
    and what its ``saved_operands`` picks for backward. add, sub, mul and div are made so: ``x * y`` calls
    the function itself, ``mul(x, y, out=z)`` calls it too.

        >>> _mul = elementwise_binary("mul", operator.mul, MulBackward0)
        >>> _mul(x, 2.0).grad_fn
        <MulBackward0 object at ...>
    """
    def op(input, other, alpha=1):
        # The common case, on every step of a model, written out with make_tensor and record_binary's plain
        # path inside: two float tensors of one dtype on one device, or a float tensor and a Python number,
        # while no mode that changes recording is on. numpy then computes what PyTorch does, no type converts,
        # and the node is filled in directly. (x * 1.01 on a (4,) tensor: 1.18 µs, against 1.39 through a
        # function that called a helper, which called make_tensor.)
        if alpha == 1 and not _special_modes[0] and isinstance(input, Tensor):
            a = input._data
            device = input._device
            dtype = a.dtype
            if type(other) in _FAST_NUMBERS:
                common = dtype.kind == "f"
                if common:
                    b = device._scalars.get((other, dtype))       # Device.scalar's cache, looked up here first
                    if b is None:
                        b = device.scalar(other, dtype)
                other_needs_grad = False
            elif isinstance(other, Tensor):
                b = other._data
                common = other._device is device and b.dtype is dtype and dtype.kind == "f"
                if common and a.shape != b.shape:
                    check_broadcastable(a.shape, b.shape)
                other_needs_grad = other._requires_grad
            else:
                common = False
            if common:
                value = array_op(a, b)
                if type(value) is _ndarray:
                    res = _new_object(Tensor)
                    res._data = value
                    res._version_counter = [0]
                else:       # numpy gives a scalar for a 0-dim result; CuPy has arrays of its own
                    res = make_tensor(value, device)
                if not ((input._requires_grad or other_needs_grad) and (not _grad_off or _state.enabled)):
                    res._requires_grad = False
                    res.grad_fn = None
                    return res
                fn = input.grad_fn
                edge_a = (fn, input._output_nr) if fn is not None else edge_to(input)
                if other_needs_grad:
                    fn = other.grad_fn
                    edge_b = (fn, other._output_nr) if fn is not None else edge_to(other)
                else:
                    edge_b = _NO_EDGE
                node = _new_object(node_cls)
                node.next_functions = (edge_a, edge_b)
                node._sequence_nr = next(_sequence)
                node.shapes = (a.shape, b.shape)       # a number's 0-dim array (or numpy scalar) has shape ()
                saving = node_cls.saved_operands
                if saving is None:
                    node._saved = None
                else:
                    node._saved = saved = saving(input, other, edge_a[0] is not None, other_needs_grad)
                    # (With a number and without the input, nothing saved has a version to check later.)
                    node._versions = () if saved[0] is None and type(other) in _FAST_NUMBERS else _versions_of(saved)
                res.grad_fn = node
                res._requires_grad = True
                return res
        if refuse is not None:
            refuse(input, other)
        a, b, dtype, device = binary_arrays(input, other, op_name)
        promoted = dtype
        if floating:
            dtype = dtype or first_tensor(input, other).dtype
            if not dtype.is_floating_point:
                dtype = dtypes.get_default_dtype()
        res = binary_result(array_op(a, b) if alpha == 1 else array_op(a, b * alpha), device, dtype)
        return _record_elementwise(res, node_cls, input, other, promoted, alpha)

    op.__name__ = op.__qualname__ = op_name
    op.__doc__ = f"``{op_name}(input, other, alpha=1)`` without ``out=``: what Tensor's operator calls."
    return op


def _record_elementwise(res, node_cls, input, other, dtype, alpha):
    """:func:`elementwise_binary`'s node, recorded by :func:`record_binary` when a gradient will be needed."""
    if not needs_grad(input, other):
        return res
    next_functions = edges(input, other)
    saving = node_cls.saved_operands
    return record_binary(res, node_cls, input, other, dtype, next_functions=next_functions,
                         saved=saving(input, other, next_functions[0][0] is not None, next_functions[1][0] is not None)
                         if saving is not None else None,
                         attributes={"alpha": alpha} if alpha != 1 else None)


def _versions_of(saved):
    """The ``(tensor, version)`` pairs of a node's two saved operands (a tensor, a number or None each)."""
    a, b = saved
    if isinstance(a, Tensor):
        return [(a, a._version_counter[0]), (b, b._version_counter[0])] if isinstance(b, Tensor) \
            else [(a, a._version_counter[0])]
    return [(b, b._version_counter[0])] if isinstance(b, Tensor) else []


def result(array, like, dtype=None):
    """A new tensor holding ``array`` (cast to ``dtype`` when given), on the
    device of ``like``, or of ``other`` when ``like`` is a number."""
    if dtype is not None and array.dtype != dtype.np:
        array = array.astype(dtype.np)
    return make_tensor(array, like._device)


def check_castable(value_dtype, target_dtype):
    """PyTorch refuses to store a result in a tensor of a lower kind (a float
    result in an integer tensor, say), in place or through ``out=``."""
    if value_dtype.category > target_dtype.category:
        names = {"bool": "Bool", "int64": "Long", "float32": "Float", "float64": "Double"}
        raise RuntimeError(
            f"result type {names[value_dtype.name]} can't be cast to the desired output type "
            f"{names[target_dtype.name]}")


def check_broadcastable(shape_a, shape_b):
    """Raise PyTorch's error when two shapes cannot broadcast together.

        >>> check_broadcastable((2, 3), (4, 3))
        RuntimeError: The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0
    """
    n = max(len(shape_a), len(shape_b))
    a = (1,) * (n - len(shape_a)) + tuple(shape_a)
    b = (1,) * (n - len(shape_b)) + tuple(shape_b)
    for dim in range(n - 1, -1, -1):
        if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:
            raise RuntimeError(
                f"The size of tensor a ({a[dim]}) must match the size of tensor b ({b[dim]}) "
                f"at non-singleton dimension {dim}")


def binary_result(array, device, dtype):
    """The result tensor of a binary op: ``array`` on ``device``, cast to
    ``dtype`` when :func:`binary_arrays` gave one."""
    if dtype is not None and array.dtype != dtype.np:
        array = array.astype(dtype.np)
    return make_tensor(array, device)


def first_tensor(a, b):
    """The operand whose device a binary op's result lives on: the first tensor,
    unless it is a CPU scalar joining a tensor on a GPU."""
    if not isinstance(a, Tensor):
        return b
    if isinstance(b, Tensor) and a._device is not b._device and is_cpu_scalar(a):
        return b
    return a


def reduce_to(grad, shape):
    """Sum ``grad`` over the dimensions broadcasting added or stretched, so it
    has the input's ``shape`` again.

        >>> reduce_to(ones(3, 2), (2,)).shape
        (2,)
    """
    grad_shape = grad._data.shape
    if grad_shape == shape:
        return grad
    extra = len(grad_shape) - len(shape)
    if extra:       # the leading dims broadcasting added: summed away
        grad = grad.sum(tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad_shape[i + extra] != 1)
    return grad.sum(stretched, keepdim=True) if stretched else grad


def reduce_array_to(grad, shape, device):
    """:func:`reduce_to` on an array, for a node's ``backward_arrays``: the same sums in the same order, so
    the two give the same numbers.

        >>> reduce_array_to(numpy.ones((3, 2)), (2,), CPU)
        array([3., 3.])
    """
    grad_shape = grad.shape
    if grad_shape == shape:
        return grad
    extra = len(grad_shape) - len(shape)
    if extra:
        grad = sum_leading(grad, extra, device)
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad_shape[i + extra] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


def operand_array(value, like, device):
    """A saved operand (a tensor or a number) as the array an operation with the float array ``like`` uses
    (a number as :func:`binary_arrays` makes it: ``device.scalar``), for a node's ``backward_arrays``."""
    return value._data if isinstance(value, Tensor) else device.scalar(value, like.dtype)


def shape_of(x):
    return x._data.shape if isinstance(x, Tensor) else ()


def normalize_dim(dim, ndim, op_name="dim"):
    """A dimension in ``[0, ndim)``, counting negatives from the end."""
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def maybe_out(res, out, op_name="add"):
    """Write ``res`` into the tensor given as ``out=`` (as ``add(x, y, out=result)`` does) and return it; ``res``
    itself when ``out`` is None.

        >>> maybe_out(mm(a, b), result, "matmul")       # matmul(a, b, out=result)
    """
    if out is None:
        return res
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if res._requires_grad and _state.enabled:
        raise RuntimeError(
            f"{op_name}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad.")
    check_castable(res.dtype, out.dtype)
    if out._data.shape != res._data.shape:
        if out._data.size:
            import warnings
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out.shape)}, which does not match the required output shape "
                f"{list(res.shape)}. This behavior is deprecated, and in a future PyTorch release "
                "outputs will not be resized unless they have zero elements.", UserWarning,
                stacklevel=3)
        out._data = res._data.astype(out._data.dtype, copy=True)
    else:
        out._data[...] = res._data
    out._version_counter[0] += 1
    return out
