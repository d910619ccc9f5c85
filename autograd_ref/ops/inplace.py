"""In-place operations: ``add_``, ``x[i] = v``, ``+=`` and friends.

They write into the tensor's own memory and bump its version counter, so a
backward that saved the old value can tell it has changed. When autograd must
record them, the result is computed out of place from a snapshot of the old
value, written back into the same memory, and the tensor's ``grad_fn`` moves to
the new node (PyTorch calls this rebasing the history).

    >>> with no_grad():
    ...     w -= 0.1 * w.grad        # w stays a leaf
"""
from .. import dtypes
from .._backend import broadcast_shapes as _broadcast_shapes
from ..autograd import forward_ad
from ..autograd.graph import Node, edge_to
from ..tensor import Tensor, make_tensor
from . import pointwise, shape
from .common import (_FAST_NUMBERS, _fw, _state, array_on, attach, check_broadcastable, check_castable,
                     check_same_device, is_cpu_scalar, keep_input_metadata, needs_grad, reduce_to)

LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."


VIEW_OF_LEAF_MESSAGE = "a view of a leaf Variable that requires grad is being used in an in-place operation."


def _check_not_view_of_grad_leaf(self):
    """A view taken before its base was made to require grad (``b = a[:]; a.requires_grad_()``): changing
    it would change the leaf behind autograd's back, so with grad mode on it is refused, as in PyTorch.
    (Every in-place operation starts here: an inference tensor is refused outside inference mode too.)"""
    if (self._is_inference or self._base is not None and self._base._is_inference) and not _state.inference:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a "
            "normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
            "details.")
    base = self._base
    if base is not None and base._requires_grad and base.grad_fn is None and _state.enabled:
        raise RuntimeError(VIEW_OF_LEAF_MESSAGE)


def _check_castable(self, value_dtype):
    check_castable(value_dtype, self.dtype)


def _check_recordable(self):
    """Refuse a recorded in-place change to a leaf that requires grad. (A view's changes never get here:
    ``_change_view`` records them on its base.)"""
    if self.grad_fn is None and self._requires_grad:
        raise RuntimeError(LEAF_MESSAGE)


def _snapshot(self):
    """A stand-in for the value before the change: same graph position (and tangent), own memory."""
    old = make_tensor(self._data.copy(), self._device)
    old.grad_fn, old._requires_grad, old._output_nr = self.grad_fn, self._requires_grad, self._output_nr
    if self._fw_grad is not None:
        old._fw_grad = self._fw_grad
    return old


def _rebase(self, res):
    """Take on ``res``'s value (in our own memory), its place in the graph, and its tangent."""
    self._data[...] = res._data
    self._version_counter[0] += 1
    if res.grad_fn is not None:
        _move_history(self, res.grad_fn, res._output_nr)
    elif _fw.active:        # forward-mode AD only: no graph, just the new tangent
        _take_tangent(self, res)
    return self


def _take_tangent(self, res):
    tangent = forward_ad.tangent_of(res)
    if tangent is not None:
        forward_ad.set_tangent(self, tangent)
    else:
        self.__dict__.pop("_fw_grad", None)


def _move_history(self, node, output_nr=0):
    """Make ``node`` this tensor's grad_fn; a retain_grad() moves along with it. The recorded views of a base
    changed in place become windows on its new history (AsStridedBackward0), as in PyTorch: their values
    changed with it, and so must their gradients."""
    attach(self, node, output_nr)
    if self._retains_grad:
        self._retains_grad = False
        self.retain_grad()
    if self._base is None and "_views" in self.__dict__:
        for view in _views_of(self, also=None)[1:]:
            _move_history(view, _as_strided(self, view, _window(view, self)))


def _apply(self, op, other, ufunc, *args, **kwargs):
    """Run the in-place form of ``op(self, other)``; ``ufunc`` writes it into
    our memory directly when no graph is recorded."""
    floating = self._data.dtype.kind == "f"
    same_dtype = isinstance(other, Tensor) and other._data.dtype is self._data.dtype
    # (Division of integers gives floats, which an integer tensor cannot hold: checked below.)
    if not (floating and (same_dtype or type(other) in _FAST_NUMBERS) or same_dtype and op is not pointwise.div):
        value_dtype = dtypes.result_type(self, other)
        if op is pointwise.div and not value_dtype.is_floating_point:
            value_dtype = dtypes.get_default_dtype()
        _check_castable(self, value_dtype)
    _check_not_view_of_grad_leaf(self)
    if _records_on_view(self, other):
        return _change_view(self, [other], lambda standin: op(standin, other, *args, **kwargs))
    if needs_grad(self, other):
        _check_recordable(self)
        return _rebase(self, op(_snapshot(self), other, *args, **kwargs))
    if isinstance(other, Tensor):
        b = other._data
        if other._device is not self._device:
            if not is_cpu_scalar(other):
                check_same_device(self, other)
            b = array_on(other, self._device)
        if b.shape != self._data.shape:
            _check_fits(self, other)
    elif floating and type(other) in _FAST_NUMBERS:
        b = self._device.scalar(other, self._data.dtype)     # numpy's fast path
    else:
        b = other
    ufunc(self._data, b, out=self._data, casting="unsafe")
    self._version_counter[0] += 1
    return self


def _check_fits(self, other):
    """An in-place result must keep our shape: ``other`` may broadcast up to it,
    never past it."""
    check_broadcastable(self._data.shape, other._data.shape)
    if _broadcast_shapes(self._data.shape, other._data.shape) != self._data.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(_broadcast_shapes(self._data.shape, other._data.shape))}")


def _write_directly(self, other, ufunc, alpha=1):
    """The common case of ``add_``, ``sub_``, ``mul_`` and ``div_`` (every optimizer step, ``w -= lr * w.grad``),
    written out: nothing to record, ``self`` a float tensor that is not a view, ``other`` a tensor of its dtype,
    device and shape or a Python number. Writes ``ufunc(self, alpha * other)`` into self's memory, bumps its
    version and returns True; returns False, having done nothing, for anything else (:func:`_apply` does it).

        >>> with no_grad(): _write_directly(w, w.grad, numpy.add, alpha=-0.1)     # w.add_(w.grad, alpha=-0.1)
        True
    """
    if _state.enabled and (self._requires_grad or getattr(other, "_requires_grad", False)) or _fw.active or \
            self._base is not None or self._is_inference or type(alpha) not in _FAST_NUMBERS:
        return False
    a = self._data
    if a.dtype.kind != "f":
        return False
    if isinstance(other, Tensor):
        b = other._data
        if other._device is not self._device or b.dtype is not a.dtype or b.shape != a.shape:
            return False
        if alpha != 1:
            b = b * self._device.scalar(alpha, a.dtype)
    elif type(other) in _FAST_NUMBERS:
        b = self._device.scalar(other * alpha, a.dtype)
    else:
        return False
    ufunc(a, b, out=a)
    self._version_counter[0] += 1
    return True


def add_(self, other, *, alpha=1):
    """``self += alpha * other`` in place.

        >>> x.add_(1)
    """
    if _write_directly(self, other, self._device.xp.add, alpha):
        return self
    if alpha != 1 and needs_grad(self, other):      # alpha stays inside AddBackward0, as in PyTorch
        return _apply(self, pointwise.add, other, self._device.xp.add, alpha=alpha)
    if alpha != 1:
        other = other * alpha
    return _apply(self, pointwise.add, other, self._device.xp.add)


def sub_(self, other, *, alpha=1):
    """``self -= alpha * other`` in place."""
    if _write_directly(self, other, self._device.xp.subtract, alpha):
        return self
    if alpha != 1 and needs_grad(self, other):
        return _apply(self, pointwise.sub, other, self._device.xp.subtract, alpha=alpha)
    if alpha != 1:
        other = other * alpha
    return _apply(self, pointwise.sub, other, self._device.xp.subtract)


def mul_(self, other):
    """``self *= other`` in place."""
    if _write_directly(self, other, self._device.xp.multiply):
        return self
    return _apply(self, pointwise.mul, other, self._device.xp.multiply)


def div_(self, other):
    """``self /= other`` in place."""
    if _write_directly(self, other, self._device.xp.true_divide):
        return self
    return _apply(self, pointwise.div, other, self._device.xp.true_divide)


def pow_(self, exponent):
    return _apply(self, pointwise.pow, exponent, self._device.xp.power)


def _unary_inplace(self, op, *args, **kwargs):
    _check_not_view_of_grad_leaf(self)
    if _records_on_view(self, *args):
        return _change_view(self, list(args), lambda standin: op(standin, *args, **kwargs))
    if needs_grad(self):
        _check_recordable(self)
        return _rebase(self, op(_snapshot(self), *args, **kwargs))
    with _no_record():
        res = op(self, *args, **kwargs)
    self._data[...] = res._data
    self._version_counter[0] += 1
    return self


def clamp_(self, min=None, max=None):   # noqa: A002 - PyTorch's names
    """Limit each element to ``[min, max]`` in place."""
    return _unary_inplace(self, pointwise.clamp, min, max)


def masked_fill_(self, mask, value):
    """Write ``value`` where the boolean ``mask`` is True, in place."""
    _check_fits(self, mask)
    return _unary_inplace(self, pointwise.masked_fill, mask, value)


def _named_unary(op):
    def inplace(self):
        return _unary_inplace(self, op)
    inplace.__name__ = op.__name__ + "_"
    inplace.__doc__ = f"``{op.__name__}`` in place."
    return inplace


exp_ = _named_unary(pointwise.exp)
log_ = _named_unary(pointwise.log)
sin_ = _named_unary(pointwise.sin)
cos_ = _named_unary(pointwise.cos)
tanh_ = _named_unary(pointwise.tanh)
sigmoid_ = _named_unary(pointwise.sigmoid)
relu_ = _named_unary(pointwise.relu)
sqrt_ = _named_unary(pointwise.sqrt)
abs_ = _named_unary(pointwise.abs)
neg_ = _named_unary(pointwise.neg)


class _no_record:
    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *exc):
        _state.enabled = self.prev


class ZeroBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        return grad * 0


class FillBackward2(ZeroBackward0):
    """fill_ with a number."""
    __slots__ = ()


class FillBackward3(Node):
    """fill_ with a 0-dim tensor: every element's gradient flows to it."""
    __slots__ = ()

    def backward(self, grad):
        return (grad * 0 if self.next_functions[0][0] is not None else None,
                grad.sum() if self.next_functions[1][0] is not None else None)


def _overwrite(self, node_cls, write, value):
    """Replace every element by ``value`` (``write`` does it): the old value gets no gradient at all."""
    _check_not_view_of_grad_leaf(self)
    if _records_on_view(self):
        return _change_view(self, [], lambda standin: _filled(standin, node_cls, value))
    recording = _state.enabled and self._requires_grad
    if recording:
        _check_recordable(self)
    write()
    self._version_counter[0] += 1
    if recording:
        node = node_cls((edge_to(self),))
        _move_history(self, node)
    elif _fw.active and forward_ad.tangent_of(self) is not None:
        forward_ad.set_tangent(self, make_tensor(self._device.xp.zeros_like(self._data), self._device))
    return self


def zero_(self):
    """Set every element to zero, in place.

        >>> w.grad.zero_()
    """
    return _overwrite(self, ZeroBackward0, lambda: self._data.fill(0), 0)


def fill_(self, value):
    """Set every element to ``value``, in place."""
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions.")
        if _records_on_view(self, value):
            return _change_view(self, [value], lambda standin: _copied(standin, value))
        if needs_grad(self, value):
            _check_recordable(self)
            self._data.fill(value.item())
            self._version_counter[0] += 1
            node = FillBackward3((edge_to(self), edge_to(value)))
            if value.dtype is not self.dtype or value._device is not self._device:
                keep_input_metadata(node, self, value)
            _move_history(self, node)
            return self
        value = value.item()
    return _overwrite(self, FillBackward2, lambda: self._data.fill(value), value)


class CopyBackwards(Node):
    __slots__ = ("src_shape", "src_dtype", "src_device")

    def name(self):
        return "torch::autograd::CopyBackwards"     # PyTorch's C++ name

    def backward(self, grad):
        return (grad * 0 if self.next_functions[0][0] is not None else None,
                reduce_to(grad, self.src_shape).to(self.src_device, self.src_dtype)
                if self.next_functions[1][0] is not None else None)


def copy_(self, src, non_blocking=False):
    """Copy ``src``'s values (broadcast, converted to our dtype, from any device)
    into our memory.

        >>> x.copy_(tensor([1., 2.]))
    """
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    _check_not_view_of_grad_leaf(self)
    check_broadcastable(self._data.shape, src._data.shape)
    try:
        value = self._device.xp.broadcast_to(array_on(src, self._device), self._data.shape)
    except ValueError:      # broadcastable both ways, but src has more dimensions
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(src.shape)}") from None
    if _records_on_view(self, src):
        return _change_view(self, [src], lambda standin: _copied(standin, src))
    if needs_grad(self, src):
        _check_recordable(self)
        node = CopyBackwards((edge_to(self), edge_to(src)))
        node.src_shape, node.src_dtype, node.src_device = src.shape, src.dtype, src._device
        self._data[...] = value
        self._version_counter[0] += 1
        _move_history(self, node)
        return self
    self._data[...] = value
    self._version_counter[0] += 1
    return self


class CopySlices(Node):
    """``self[index] = value`` with ``index`` made of ints and slices."""
    __slots__ = ("kept", "index", "value_shape")

    def name(self):
        return "torch::autograd::CopySlices"        # PyTorch's C++ name

    def backward(self, grad):
        return self._gradients(grad, self.index)

    def _gradients(self, grad, index):
        return (grad * self.kept if self.next_functions[0][0] is not None else None,
                reduce_to(shape.getitem_advanced(grad, index), self.value_shape)
                if self.next_functions[1][0] is not None else None)


class IndexPutBackward0(CopySlices):
    """``self[index] = value`` with integer or boolean tensors in ``index``: the index tensors are saved, as
    in PyTorch, so a second backward through it is refused once they are freed."""
    __slots__ = ()
    name = Node.name

    def backward(self, grad):
        (index,) = self.saved_tensors
        return self._gradients(grad, index)


def _fit_value(value, dest_shape):
    """What PyTorch copies into ``x[ints and slices]`` when the shapes differ: the
    value viewed without its leading size-1 dims, then expanded to the
    destination (so the graph shows ViewBackward0 and ExpandBackward0)."""
    if value.shape == dest_shape or value.dim() == 0:
        return value
    lead = 0
    while lead < value.dim() and value.shape[lead] == 1:
        lead += 1
    value = value.view(value.shape[lead:])
    return value if value.shape == dest_shape else value.expand(dest_shape)


def setitem(self, index, value):
    """``x[index] = value``: writes into x's memory, recorded when needed.

        >>> x = zeros(3); x[1] = 5.
    """
    _check_not_view_of_grad_leaf(self)
    if _records_on_view(self, value):
        _change_view(self, [value], lambda standin: _set_in_copy(standin, index, value))
        return
    items, basic = shape.to_index(index, self._device)
    integer_arrays = any(getattr(i, "dtype", None) is not None and i.dtype.kind != "b" for i in items)
    view = basic and any(i is not Ellipsis for i in items)
    items = items[0] if len(items) == 1 else items     # x[()] = v gives no items
    xp = self._device.xp
    if isinstance(value, Tensor):
        # Slices and masks convert the value to our dtype; integer indices need the same dtype.
        if integer_arrays and value.dtype is not self.dtype:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{self.dtype.legacy_name[:-6]} for the destination and "
                f"{value.dtype.legacy_name[:-6]} for the source.")
        if basic:
            value = _fit_value(value, self._data[items].shape)
        array = value._data
    else:
        if isinstance(value, (list, tuple)):
            raise TypeError("can't assign a list to a tensor element; wrap it in a tensor first")
        array = value       # numbers are converted to our dtype, as PyTorch does
    if needs_grad(self, value):
        if view and self.grad_fn is None and self._requires_grad:
            raise RuntimeError(VIEW_OF_LEAF_MESSAGE)
        _check_recordable(self)
        kept = xp.ones(self._data.shape, dtype=bool)
        kept[items] = False
        node = (CopySlices if basic else IndexPutBackward0)((edge_to(self), edge_to(value)
                                                            if isinstance(value, Tensor) else (None, 0)))
        node.kept = make_tensor(kept, self._device)
        if basic:
            node.index = items
        else:
            node.save_for_backward(items)
        node.value_shape = value.shape if isinstance(value, Tensor) else ()
        self._data[items] = array
        self._version_counter[0] += 1
        _move_history(self, node)
        return
    self._data[items] = array
    self._version_counter[0] += 1


# ---- in-place changes to a view: CopySlices on the base ----------------------------------------------------
# PyTorch records ``v.mul_(2)``, for a view ``v`` of a tensor ``base`` that requires grad, as a change to
# the base: base's history becomes CopySlices(its old history, the operation), and v (and every other view
# of base) becomes AsStridedBackward0, a window on that new history. Here the window is the list of the
# base's elements the view covers, found from the memory addresses.

def _records_on_view(self, *others):
    """An in-place change to a view that autograd must record, or whose tangents forward mode must push."""
    if self._base is None:
        return False
    if _state.enabled and (self._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others)):
        return True
    return _fw.active and (forward_ad.tangent_of(self) is not None or forward_ad.tangent_of(self._base) is not None
                           or any(isinstance(o, Tensor) and forward_ad.tangent_of(o) is not None for o in others))


def _change_view(self, others, compute):
    """Run ``compute(standin)`` (the operation, out of place, on a stand-in for the view's old value), write
    the result into the view's memory, and record it on the base (and push tangents, in forward mode)."""
    base = self._base
    if base.grad_fn is None and base._requires_grad:
        raise RuntimeError(VIEW_OF_LEAF_MESSAGE)
    if "_multi_view_output" in self.__dict__:
        op, i = self._multi_view_output
        raise RuntimeError(
            f"Output {i} of {op} is a view and is being modified inplace. This view is the output of a function "
            "that returns multiple views. Such functions do not allow the output views to be modified inplace. "
            "You should replace the inplace operation by an out-of-place one.")
    recording = _state.enabled and (
        self._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others))
    window = _window(self, base)
    standin = make_tensor(self._data.copy(), self._device)
    if recording and self._requires_grad:
        # The view's old value, with its history: what the operation saves of it (mul_ saves it for the
        # other factor's gradient) then carries that history into second derivatives, as PyTorch's saved
        # copy of the original self does. First-order gradients never take this edge: CopySlicesOfView
        # places the stand-in's gradient in the base itself.
        with forward_ad._paused():
            attach(standin, shape.CloneBackward0((edge_to(self),)))
    else:
        standin._requires_grad = recording
    if _fw.active and forward_ad.tangent_of(self) is not None:
        forward_ad.set_tangent(standin, forward_ad.tangent_of(self))
    result = compute(standin)
    self._data[...] = result._data
    self._version_counter[0] += 1
    views = _views_of(base, also=self)
    if recording:
        with forward_ad._paused():      # tangents are set below, directly
            fn = result.grad_fn
            node = CopySlicesOfView((edge_to(base),) + tuple(fn.next_functions[1:]))
            node.fn, node.window, node.kept = fn, window, _kept(base, window)
            attach(base, node)
            for view in views:
                _move_history(view, _as_strided(base, view, window if view is self else _window(view, base)))
    if _fw.active:
        _push_view_tangents(base, views, window, result)
    return self


def _push_view_tangents(base, views, window, result):
    """Forward mode: the base's tangent, with the view's part replaced by the result's; each view's, its part."""
    changed = forward_ad.tangent_of(result)
    before = forward_ad.tangent_of(base)
    if changed is None and before is None:
        return
    xp = base._device.xp
    tangent = xp.array(before._data, dtype=base._data.dtype) if before is not None else xp.zeros_like(base._data)
    tangent[window] = changed._data if changed is not None else 0
    forward_ad.set_tangent(base, make_tensor(tangent, base._device))
    for view in views:
        part = tangent[window] if view is views[0] else tangent[_window(view, base)]
        forward_ad.set_tangent(view, make_tensor(part.copy(), base._device))


def _copied(standin, src):
    """``standin.copy_(src)``, out of place: src's values in standin's shape and dtype (CopyBackwards)."""
    node = CopyBackwards((edge_to(standin), edge_to(src)))
    node.src_shape, node.src_dtype, node.src_device = src.shape, src.dtype, src._device
    value = standin._device.xp.broadcast_to(array_on(src, standin._device), standin._data.shape)
    res = make_tensor(value.astype(standin._data.dtype, copy=True), standin._device)
    attach(res, node)
    return res


def _window(view, base):
    """The indices (one array per base dimension) of the base's elements that ``view``'s elements are, in the
    view's shape: found from where each element lives in memory."""
    xp = base._device.xp
    item = base._data.itemsize

    def byte_offsets(array):
        start = _address(array) - _address(base._data)
        grids = xp.indices(array.shape) if array.ndim else xp.zeros((0,), dtype=int)
        offsets = sum((g * st for g, st in zip(grids, array.strides)), xp.zeros(array.shape, dtype=int))
        return offsets + start

    base_offsets = byte_offsets(base._data).reshape(-1)
    order = xp.argsort(base_offsets)
    found = xp.searchsorted(base_offsets[order], byte_offsets(view._data).reshape(-1))
    flat = order[xp.minimum(found, base_offsets.size - 1)]
    if not bool(xp.all(base_offsets[flat] == byte_offsets(view._data).reshape(-1))) or item == 0:
        raise RuntimeError("autograd_ref cannot tell which elements of its base this view covers")
    if xp.unique(flat).size != flat.size:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    return tuple(i.reshape(view._data.shape) for i in xp.unravel_index(flat, base._data.shape))


def _address(array):
    interface = getattr(array, "__array_interface__", None)
    return interface["data"][0] if interface is not None else array.data.ptr


def _kept(base, window):
    kept = base._device.xp.ones(base._data.shape, dtype=bool)
    kept[window] = False
    return make_tensor(kept, base._device)


def _views_of(base, also):
    """The live views of ``base`` that were recorded (``also`` first, whether recorded or not)."""
    views = [also]
    for ref in base.__dict__.get("_views", ()):
        view = ref()
        if view is not None and view is not also:
            views.append(view)
    return views


class CopySlicesOfView(Node):
    """The base's history after an in-place change to one of its views: the elements outside the view keep
    their old history; those inside come from the operation ``fn``, whose other inputs are this node's."""
    __slots__ = ("fn", "window", "kept")

    def name(self):
        return "torch::autograd::CopySlices"        # PyTorch's C++ name

    def backward(self, grad):
        from ..autograd.engine import _match_inputs
        grads = self.fn.backward(shape.getitem_advanced(grad, self.window))
        grads = grads if type(grads) is tuple else (grads,)
        if self.fn._input_metadata is not None:
            grads = _match_inputs(grads, self.fn._input_metadata)
        old = None
        if self.next_functions[0][0] is not None:
            old = grad * self.kept
            if grads[0] is not None:
                old = pointwise.add(old, _placed(grads[0], self.window, grad))
        return (old,) + tuple(grads[1:])


class AsStridedBackward0(Node):
    """A view of a tensor whose history an in-place change rewrote: its gradient, placed in the base."""
    __slots__ = ("window", "base_shape")

    def backward(self, grad):
        return _placed(grad, self.window, None, self.base_shape)


# PyTorch prints both this node and the one that ``x[i] = v`` records as CopySlices.
CopySlicesOfView.__name__ = CopySlicesOfView.__qualname__ = "CopySlices"


def _placed(values, window, like, base_shape=None):
    """A base-shaped tensor of zeros with ``values`` at ``window`` (recorded, so it can be differentiated)."""
    from ..creation import zeros
    shape_ = tuple(like.shape) if like is not None else base_shape
    out = zeros(shape_, dtype=values.dtype, device=values.device)
    setitem(out, tuple(make_tensor(w, values._device) for w in window), values)
    return out


def _as_strided(base, view, window):
    node = AsStridedBackward0((edge_to(base),))
    node.window, node.base_shape = window, tuple(base.shape)
    return node


def _filled(standin, node_cls, value):
    """``standin`` filled with ``value``, out of place (``node_cls``: ZeroBackward0 or FillBackward2)."""
    res = make_tensor(standin._device.xp.full(standin._data.shape, value, dtype=standin._data.dtype),
                      standin._device)
    attach(res, node_cls((edge_to(standin),)))
    return res


def _set_in_copy(standin, index, value):
    """``standin[index] = value``, out of place: on a copy of the stand-in."""
    copy = shape.clone(standin)
    setitem(copy, index, value)
    return copy


# ---- in-place forms of any out-of-place op -------------------------------------------------------------------

def _fits(self, res):
    """Refuse a result that cannot be written into ``self`` (another shape, a higher dtype kind)."""
    if res.shape != self.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(res.shape)}")
    check_castable(res.dtype, self.dtype)
    return res


def _inplace(self, op, *args, **kwargs):
    """``self`` becomes ``op(self, *args, **kwargs)``, written into its own memory: the general in-place form.
    When recorded, the op's node (``TanBackward0`` for ``tan_``) becomes self's grad_fn.

        >>> y = x * 2; _inplace(y, pointwise.tan)      # y.tan_()
        >>> y.grad_fn                                  # <TanBackward0 ...>, y._version one higher
    """
    _check_not_view_of_grad_leaf(self)
    others = [a for a in args if isinstance(a, Tensor)]
    if _records_on_view(self, *others):
        return _change_view(self, others, lambda standin: _fits(self, op(standin, *args, **kwargs)))
    if _state.enabled and any(t._requires_grad for t in [self, *others]) or _fw.active:
        _check_recordable(self)
        return _rebase(self, _fits(self, op(_snapshot(self), *args, **kwargs)))
    with _no_record():
        res = _fits(self, op(self, *args, **kwargs))
    self._data[...] = res._data
    self._version_counter[0] += 1
    return self


def _inplace_form(op, name):
    """The Tensor method ``name`` (``tan_``): ``op`` (``tan``) applied in place."""
    def method(self, *args, **kwargs):
        return _inplace(self, op, *args, **kwargs)
    base = name[:-1]
    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"``{base}`` in place: ``x`` takes the value of ``x.{base}(...)``, its version goes up, and "
                      f"its grad_fn becomes that op's node.\n\n"
                      f"        >>> y = x.clone(); y.{name}(...)      # same arguments as x.{base}(...)\n"
                      f"        >>> y._version, y.grad_fn            # one higher; the node of {base}\n")
    return method


def _op_named(name):
    """The out-of-place op of an in-place method name (``clamp_min_`` -> ``clamp_min``), from the ops modules."""
    from . import linalg, reduction, unary
    for module in (pointwise, unary, reduction, linalg):
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(name)


# The in-place methods PyTorch has whose out-of-place op autograd_ref has: each is that op, written back.
_INPLACE_NAMES = (
    "acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ ceil_ cosh_ erf_ "
    "expm1_ fix_ floor_ frac_ log10_ log1p_ log2_ reciprocal_ round_ rsqrt_ sign_ sinh_ square_ tan_ trunc_ "
    "addcdiv_ addcmul_ atan2_ clamp_max_ clamp_min_ clip_ fmod_ remainder_ hypot_ lerp_ xlogy_ floor_divide_ "
    "cumsum_ cumprod_ tril_ triu_").split()
_ALIASES = {"negative_": "neg", "divide_": "div", "true_divide_": "div", "multiply_": "mul", "subtract_": "sub",
            "arctan2_": "atan2"}
_GENERATED = {name: _inplace_form(_op_named(name[:-1]), name) for name in _INPLACE_NAMES}
_GENERATED.update({name: _inplace_form(_op_named(base), name) for name, base in _ALIASES.items()})


# Tensor methods this module adds beyond those tensor.py lists (``x.tan_()``).
METHODS = dict(_GENERATED)
