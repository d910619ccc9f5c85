"""In-place operations and version counters.

An in-place operation writes into the tensor's own memory and bumps its version
counter. On a leaf that requires grad it is refused (outside ``no_grad``); on a
non-leaf it is recorded, and the tensor's ``grad_fn`` becomes the in-place op's
node. A tensor saved for backward and changed afterwards is caught when backward
needs it. Gradient values were recorded from PyTorch 2.13.
"""
import re

import numpy
import pytest

import autograd_ref as ag


def exactly(message):
    return "^" + re.escape(message) + "$"


def assert_close(t, expected, rel=1e-5, abs=1e-6):
    assert t.detach().tolist() == pytest.approx(expected, rel=rel, abs=abs)


LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place operation."
MODIFIED = ("one of the variables needed for gradient computation has been modified by an "
            "inplace operation: ")


def _iadd(t):
    t += 1


def _isub(t):
    t -= 1


def _imul(t):
    t *= 2


def _itruediv(t):
    t /= 2


def _setitem_mask(t):
    t[t > 0] = 0.0


def _setitem_index(t):
    t[ag.tensor([0])] = 0.0


def _setitem_all(t):
    t[...] = 0.0


LEAF_OPS = {
    "add_": lambda t: t.add_(1),
    "sub_": lambda t: t.sub_(1),
    "mul_": lambda t: t.mul_(2),
    "div_": lambda t: t.div_(2),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(3.0),
    "copy_": lambda t: t.copy_(ag.zeros(2)),
    "clamp_": lambda t: t.clamp_(min=0),
    "exp_": lambda t: t.exp_(),
    "+=": _iadd,
    "-=": _isub,
    "*=": _imul,
    "/=": _itruediv,
    "x[mask] = 0": _setitem_mask,
    "x[index] = 0": _setitem_index,
    "x[...] = 0": _setitem_all,
}


# ---- leaves -------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(LEAF_OPS))
def test_in_place_on_a_leaf_that_requires_grad_is_refused(name):
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=exactly(LEAF)):
        LEAF_OPS[name](w)
    assert w.tolist() == [1.0, 2.0]          # nothing was written
    assert w.is_leaf and w.grad_fn is None


@pytest.mark.parametrize("index", [0, slice(0, 1)], ids=["x[0]", "x[0:1]"])
def test_assigning_into_part_of_a_leaf_that_requires_grad_is_refused(index):
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=exactly(VIEW_OF_LEAF)):
        w[index] = 5.0
    assert w.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("name", list(LEAF_OPS))
def test_in_place_on_a_leaf_under_no_grad_is_allowed(name):
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        LEAF_OPS[name](w)
    assert w.is_leaf and w.requires_grad and w.grad_fn is None


def test_sgd_step_under_no_grad_updates_the_leaf_in_place():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    ptr, version, grad = w.data_ptr(), w._version, w.grad
    same = w
    with ag.no_grad():
        w -= 0.1 * w.grad
    assert w is same
    assert w.data_ptr() == ptr
    assert w._version == version + 1
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert_close(w, [0.8, 1.6])
    assert w.grad is grad
    assert_close(w.grad, [2.0, 4.0])


def test_several_updates_under_no_grad_then_backward_again():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        w.zero_()
        w.fill_(3.0)
        w.clamp_(max=2.0)
        w[0] = 7.0
        w.copy_(w * 2)
    assert w.tolist() == [14.0, 4.0]
    assert w.is_leaf and w.requires_grad
    (w * w).sum().backward()
    assert_close(w.grad, [28.0, 8.0])


def test_zeroing_grad_in_place_keeps_the_same_tensor():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    g = w.grad
    w.grad.zero_()
    assert w.grad is g
    assert w.grad.tolist() == [0.0, 0.0]
    (w * 3).sum().backward()
    assert w.grad is g                         # accumulated into the same tensor
    assert w.grad.tolist() == [3.0, 3.0]


def test_seed_update_through_data_outside_no_grad():
    # The old articles write `w1.data -= learning_rate * w1.grad.data`.
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([0.5], requires_grad=True)
    ((w * w).sum() + b.sum()).backward()
    ptr = w.data_ptr()
    w.data -= 0.1 * w.grad.data
    b.data.sub_(0.1 * b.grad)
    assert w.data_ptr() == ptr
    assert_close(w, [0.8, 1.6])
    assert_close(b, [0.4])
    assert w.is_leaf and w.requires_grad and b.is_leaf and b.requires_grad


def test_gradient_descent_loop_with_in_place_updates():
    ag.manual_seed(0)
    x = ag.randn(20, 3)
    true_w = ag.tensor([[1.0], [-2.0], [0.5]])
    y = x.mm(true_w)
    w = ag.zeros(3, 1, requires_grad=True)
    ptr = w.data_ptr()
    losses = []
    for _ in range(100):
        loss = ((x.mm(w) - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with ag.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    assert losses[-1] < 1e-3 * losses[0]
    assert w.data_ptr() == ptr and w.is_leaf
    assert_close(w.reshape(3), [1.0, -2.0, 0.5], rel=1e-2, abs=1e-2)


# ---- tensors that need no grad -----------------------------------------------------------

def test_augmented_assignment_is_really_in_place():
    a = ag.tensor([1.0, 2.0])
    same, ptr = a, a.data_ptr()
    a += 1
    a *= 3
    a -= 1
    a /= 2
    assert a is same and a.data_ptr() == ptr
    assert a._version == 4
    assert a.tolist() == [2.5, 4.0]


def test_in_place_methods_return_self_and_compute():
    a = ag.tensor([1.0, -2.0, 3.0])
    assert a.add_(1) is a and a.tolist() == [2.0, -1.0, 4.0]
    assert a.add_(ag.ones(3), alpha=2).tolist() == [4.0, 1.0, 6.0]
    assert a.sub_(1).tolist() == [3.0, 0.0, 5.0]
    assert a.sub_(ag.ones(3), alpha=3).tolist() == [0.0, -3.0, 2.0]
    assert a.mul_(ag.tensor([1.0, 2.0, 3.0])).tolist() == [0.0, -6.0, 6.0]
    assert a.div_(2).tolist() == [0.0, -3.0, 3.0]
    assert a.clamp_(min=-1, max=2).tolist() == [0.0, -1.0, 2.0]
    assert a.fill_(7).tolist() == [7.0, 7.0, 7.0]
    assert a.zero_().tolist() == [0.0, 0.0, 0.0]
    assert a.copy_(ag.tensor([4.0, 5.0, 6.0])).tolist() == [4.0, 5.0, 6.0]
    assert a._version == 10


def test_integer_tensors_in_place():
    a = ag.tensor([1, 2])
    a += 1
    a *= 3
    assert a.tolist() == [6, 9] and a.dtype == ag.int64
    a.copy_(ag.tensor([1.7, -1.7]))           # copy_ converts to our dtype
    assert a.tolist() == [1, -1]
    f = ag.tensor([1.0, 2.0])
    f.add_(ag.tensor([1, 2]))                  # int into float is fine
    assert f.tolist() == [2.0, 4.0]


CAST = "result type {} can't be cast to the desired output type {}"


@pytest.mark.parametrize("op", [
    lambda a: a.add_(1.5),
    lambda a: a.mul_(1.5),
    lambda a: a.div_(2),
    lambda a: a.sub_(0.5),
    _itruediv,
    lambda a: a.add_(ag.tensor([0.5, 1.0])),
    lambda a: a.div_(ag.tensor([2, 2])),
    lambda a: a.__itruediv__(ag.tensor([2, 2])),
], ids=["add_(1.5)", "mul_(1.5)", "div_(2)", "sub_(0.5)", "/=", "add_(float tensor)", "div_(int tensor)",
        "/= int tensor"])
def test_float_results_cannot_be_written_into_integer_tensors(op):
    a = ag.tensor([1, 2])
    with pytest.raises(RuntimeError, match=exactly(CAST.format("Float", "Long"))):
        op(a)
    assert a.tolist() == [1, 2] and a._version == 0


# add_, sub_, mul_ and div_ write straight into the tensor's memory when nothing is recorded, the tensor is a
# float non-view and the other operand has its dtype, device and shape or is a number (every optimizer step);
# everything else takes the general path. Both must give the same numbers, version and memory.
DIRECT_CASES = [
    ("add_ tensor", lambda t, o: t.add_(o), lambda a, b: a + b),
    ("add_ tensor alpha", lambda t, o: t.add_(o, alpha=-0.3), lambda a, b: a + b * numpy.float32(-0.3)),
    ("sub_ tensor alpha", lambda t, o: t.sub_(o, alpha=2), lambda a, b: a - b * numpy.float32(2)),
    ("mul_ tensor", lambda t, o: t.mul_(o), lambda a, b: a * b),
    ("div_ tensor", lambda t, o: t.div_(o), lambda a, b: a / b),
    ("-= tensor", lambda t, o: t.__isub__(o), lambda a, b: a - b),
    ("add_ number alpha", lambda t, o: t.add_(1.5, alpha=2), lambda a, b: a + numpy.float32(3.0)),
    ("mul_ number", lambda t, o: t.mul_(0.1), lambda a, b: a * numpy.float32(0.1)),
    ("/= number", lambda t, o: t.__itruediv__(3), lambda a, b: a / numpy.float32(3)),
]


@pytest.mark.parametrize("name, op, expected", DIRECT_CASES, ids=[c[0] for c in DIRECT_CASES])
@pytest.mark.parametrize("where", ["leaf under no_grad", "plain tensor", "view (general path)"])
def test_in_place_arithmetic_writes_into_the_tensor(name, op, expected, where):
    a = numpy.array([[1.0, -2.0, 0.7], [4.0, 5.5, -6.0]], dtype=numpy.float32)
    b = numpy.array([[0.5, 3.0, -1.25], [2.0, -0.1, 7.0]], dtype=numpy.float32)
    base = ag.tensor(a.copy(), requires_grad=where == "leaf under no_grad")
    t = base[:] if where == "view (general path)" else base
    memory = t.data_ptr()
    with ag.no_grad():
        returned = op(t, ag.tensor(b))
    assert returned is t and t.data_ptr() == memory and t.dtype == ag.float32
    assert base._version == 1 and base.is_leaf and base.grad_fn is None
    numpy.testing.assert_array_equal(base.numpy() if not base.requires_grad else base.detach().numpy(),
                                     expected(a, b))


def test_in_place_arithmetic_that_broadcasts_or_converts_takes_the_general_path():
    t = ag.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=ag.float64)
    t.add_(ag.tensor([10.0, 20.0], dtype=ag.float32), alpha=2)      # broadcast, float32 into float64
    assert t.tolist() == [[21.0, 42.0], [23.0, 44.0]] and t.dtype == ag.float64 and t._version == 1
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        ag.tensor([1.0, 2.0]).add_(ag.ones(2, 2))


def test_in_place_arithmetic_on_the_gpu_writes_into_the_tensor(gpu):
    t = ag.tensor([1.0, 2.0, 3.0], device=gpu, requires_grad=True)
    with ag.no_grad():
        t.sub_(ag.tensor([0.5, 0.5, 0.5], device=gpu), alpha=2)
        t *= 2
    assert t.device == gpu and t.tolist() == [0.0, 2.0, 4.0] and t._version == 2


def test_integer_results_cannot_be_written_into_bool_tensors():
    with pytest.raises(RuntimeError, match=exactly(CAST.format("Long", "Bool"))):
        ag.tensor([True]).add_(1)


def test_copy_needs_a_broadcastable_shape():
    with pytest.raises(RuntimeError, match=exactly(
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
            "dimension 0")):
        ag.zeros(3).copy_(ag.ones(2))


def test_copy_broadcasts():
    a = ag.zeros(2, 3)
    a.copy_(ag.tensor([1.0, 2.0, 3.0]))
    assert a.tolist() == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]


def test_index_assignment_on_plain_tensors():
    a = ag.tensor([1, 2, 3])
    a[0] = 2.7                                    # numbers are converted
    a[a > 2] = 0
    assert a.tolist() == [2, 2, 0]
    a[1:] = ag.tensor([7.9, 8.1])                 # slices convert tensors too
    assert a.tolist() == [2, 7, 8]
    f = ag.tensor([1.0, 2.0])
    f[ag.tensor([0])] = ag.tensor([5.0])
    assert f.tolist() == [5.0, 2.0]


def test_index_assignment_drops_leading_size_one_dims_of_the_value():
    a = ag.tensor([1, 2])
    a[0] = ag.tensor([2.7])                       # shape (1,) into one element
    assert a.tolist() == [2, 2]
    m = ag.zeros(2, 3)
    m[0] = ag.tensor([[1.0, 2.0, 3.0]])
    assert m.tolist() == [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[0] = x[1:2] * 5
    assert y.tolist() == [10.0, 4.0, 6.0]
    y.sum().backward()
    assert_close(x.grad, [0.0, 7.0, 2.0])


def test_index_assignment_with_integer_indices_needs_the_same_dtype():
    with pytest.raises(RuntimeError, match=exactly(
            "Index put requires the source and destination dtypes match, got Long for the "
            "destination and Float for the source.")):
        ag.tensor([1, 2])[ag.tensor([0])] = ag.tensor([2.7])
    a = ag.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=exactly(
            "Index put requires the source and destination dtypes match, got Float for the "
            "destination and Double for the source.")):
        a[ag.tensor([0])] = ag.tensor([2.7], dtype=ag.float64)


# ---- non-leaf tensors: the in-place op is recorded ----------------------------------------

WEIGHTS = [1.0, 10.0, 100.0]


def _record(op):
    """x = [1, 2, 3]; y = x * 2; op(y, x); backward of sum(y * WEIGHTS)."""
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    same = y
    result = op(y, x)
    assert result is None or result is same
    assert y is same and not y.is_leaf
    (y * ag.tensor(WEIGHTS)).sum().backward()
    return x, y


def _iadd_x(y, x):
    y += x


def _imul_x(y, x):
    y *= x


RECORDED = [
    # name, op, grad_fn of y afterwards, x.grad (from PyTorch)
    ("add_", lambda y, x: y.add_(1), "AddBackward0", [2.0, 20.0, 200.0]),
    ("add_(x)", lambda y, x: y.add_(x), "AddBackward0", [3.0, 30.0, 300.0]),
    ("add_(x, alpha=3)", lambda y, x: y.add_(x, alpha=3), "AddBackward0", [5.0, 50.0, 500.0]),
    ("sub_(x)", lambda y, x: y.sub_(x), "SubBackward0", [1.0, 10.0, 100.0]),
    ("mul_(3)", lambda y, x: y.mul_(3), "MulBackward0", [6.0, 60.0, 600.0]),
    ("mul_(x)", lambda y, x: y.mul_(x), "MulBackward0", [4.0, 80.0, 1200.0]),
    ("div_(2)", lambda y, x: y.div_(2), "DivBackward0", [1.0, 10.0, 100.0]),
    ("div_(x)", lambda y, x: y.div_(x), "DivBackward0", [0.0, 0.0, 0.0]),
    ("zero_", lambda y, x: y.zero_(), "ZeroBackward0", [0.0, 0.0, 0.0]),
    ("fill_", lambda y, x: y.fill_(5), "FillBackward2", [0.0, 0.0, 0.0]),
    ("clamp_", lambda y, x: y.clamp_(min=3, max=5), "ClampBackward1", [0.0, 20.0, 0.0]),
    ("exp_", lambda y, x: y.exp_(), "ExpBackward0", [14.778112, 1091.963, 80685.76]),
    ("pow_", lambda y, x: y.pow_(2), "PowBackward0", [8.0, 160.0, 2400.0]),
    ("neg_", lambda y, x: y.neg_(), "NegBackward0", [-2.0, -20.0, -200.0]),
    ("sigmoid_", lambda y, x: y.sigmoid_(), "SigmoidBackward0", [0.20998725, 0.35325468, 0.49329317]),
    ("tanh_", lambda y, x: y.tanh_(), "TanhBackward0", [0.14130163, 0.02681786, 0.00491139]),
    ("+= x", _iadd_x, "AddBackward0", [3.0, 30.0, 300.0]),
    ("*= x", _imul_x, "MulBackward0", [4.0, 80.0, 1200.0]),
    ("copy_", lambda y, x: y.copy_(ag.tensor(4.0)), "torch::autograd::CopyBackwards", [0.0, 0.0, 0.0]),
]


@pytest.mark.parametrize("name, op, node, grad", RECORDED, ids=[r[0] for r in RECORDED])
def test_in_place_on_a_non_leaf_is_recorded(name, op, node, grad):
    x, y = _record(op)
    assert y.grad_fn.name() == node
    assert_close(x.grad, grad, rel=1e-4, abs=1e-4)


def test_in_place_node_links_to_the_previous_history():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    before = y.grad_fn
    y.add_(x)
    (prev, _), (acc, _) = y.grad_fn.next_functions
    assert prev is before
    assert acc.variable is x


def test_relu_in_place_after_another_in_place():
    x, y = _record(lambda y, x: y.sub_(4).relu_())
    assert y.grad_fn.name() == "ReluBackward0"
    assert y.grad_fn.next_functions[0][0].name() == "SubBackward0"
    assert_close(x.grad, [0.0, 0.0, 200.0])


def test_copy_into_a_non_leaf_sends_the_gradient_to_the_source():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    src = ag.tensor([7.0, 8.0, 9.0], requires_grad=True)
    y = x * 2
    y.copy_(src * 3)
    assert y.tolist() == [21.0, 24.0, 27.0]
    (y * ag.tensor(WEIGHTS)).sum().backward()
    assert_close(x.grad, [0.0, 0.0, 0.0])
    assert_close(src.grad, [3.0, 30.0, 300.0])


@pytest.mark.parametrize("op, node, grad", [
    (lambda y, x: y.copy_(x), "torch::autograd::CopyBackwards", [2.0, 2.0, 2.0]),
    (lambda y, x: y.add_(x), "AddBackward0", [2.0, 2.0, 2.0]),
    (lambda y, x: y.mul_(x), "MulBackward0", [0.0, 0.0, 0.0]),
], ids=["copy_", "add_", "mul_"])
def test_in_place_with_a_value_that_requires_grad_makes_a_plain_tensor_record(op, node, grad):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = ag.zeros(3)
    op(y, x)
    assert y.requires_grad and not y.is_leaf
    assert y.grad_fn.name() == node
    (y * 2).sum().backward()
    assert_close(x.grad, grad)


def test_retain_grad_follows_the_in_place_history():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.mul_(3)
    (y * ag.tensor(WEIGHTS)).sum().backward()
    assert_close(y.grad, WEIGHTS)
    assert_close(x.grad, [6.0, 60.0, 600.0])


# ---- index assignment on non-leaves ------------------------------------------------------

def _set_first(y, x):
    y[0] = 5


def _set_mask(y, x):
    y[y > 3] = 0


def _set_slice_from_x(y, x):
    y[1:] = x[:2] * 10


def _set_index_from_x(y, x):
    y[ag.tensor([0, 2])] = x[1]


@pytest.mark.parametrize("op, node, value, grad", [
    (_set_first, "torch::autograd::CopySlices", [5.0, 4.0, 6.0], [0.0, 20.0, 200.0]),
    (_set_mask, "IndexPutBackward0", [2.0, 0.0, 0.0], [2.0, 0.0, 0.0]),
    (_set_slice_from_x, "torch::autograd::CopySlices", [2.0, 10.0, 20.0], [102.0, 1000.0, 0.0]),
    (_set_index_from_x, "IndexPutBackward0", [2.0, 4.0, 2.0], [0.0, 121.0, 0.0]),
], ids=["y[0] = 5", "y[y > 3] = 0", "y[1:] = x[:2] * 10", "y[tensor] = x[1]"])
def test_index_assignment_on_a_non_leaf(op, node, value, grad):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    op(y, x)
    assert y.grad_fn.name() == node
    assert type(y.grad_fn).__name__ == node.rsplit(":", 1)[-1]
    assert y.tolist() == value
    (y * ag.tensor(WEIGHTS)).sum().backward()
    assert_close(x.grad, grad)


def test_index_assignment_into_a_plain_tensor_with_a_value_that_requires_grad():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = ag.zeros(3)
    y[0] = x[1] * 2
    assert y.requires_grad and y.grad_fn.name() == "torch::autograd::CopySlices"
    y.sum().backward()
    assert_close(x.grad, [0.0, 2.0, 0.0])


# ---- version counters and saved tensors ------------------------------------------------

def test_version_counter_counts_in_place_changes():
    a = ag.ones(3)
    assert a._version == 0
    a.add_(1)
    a[0] = 5
    a.zero_()
    assert a._version == 3
    b = a * 2                                  # out of place: a fresh counter
    assert b._version == 0 and a._version == 3


def test_views_and_detach_share_the_version_counter_but_data_does_not():
    a = ag.ones(3)
    v = a[0:2]
    d = a.detach()
    v.add_(1)
    assert (a._version, v._version, d._version) == (1, 1, 1)
    assert a.data._version == 0
    assert a.tolist() == [2.0, 2.0, 1.0]


MODIFIED_NON_LEAF = (MODIFIED + "[torch.FloatTensor [3]], which is output 0 of Mul, is at version 1; "
                     "expected version 0 instead.")


def test_modifying_a_saved_tensor_is_caught_at_backward():
    p = ag.ones(3, requires_grad=True)
    q = p * 2
    r = q.sin()                                # saves q
    q.mul_(2)                                  # the in-place op itself succeeds
    assert q.tolist() == [4.0, 4.0, 4.0]
    with pytest.raises(RuntimeError, match=re.escape(MODIFIED_NON_LEAF)):
        r.sum().backward()


def test_modified_message_names_the_last_operation():
    p = ag.ones(3, requires_grad=True)
    q = p * 2
    r = q * q
    q.add_(1)
    with pytest.raises(RuntimeError, match=re.escape(
            MODIFIED + "[torch.FloatTensor [3]], which is output 0 of Add, is at version 1; "
            "expected version 0 instead.")):
        r.sum().backward()


def test_modified_message_of_a_leaf_changed_under_no_grad():
    p = ag.ones(3, requires_grad=True)
    w = ag.ones(3, requires_grad=True)
    r = p * w
    with ag.no_grad():
        p.add_(1)
    with pytest.raises(RuntimeError, match=re.escape(
            MODIFIED + "[torch.FloatTensor [3]] is at version 1; expected version 0 instead.")):
        r.sum().backward()


def test_modified_message_gives_the_type_shape_and_versions():
    p = ag.ones(2, 3, dtype=ag.float64, requires_grad=True)
    q = p * 1
    q[0] = 1.0
    r = q * q
    q.zero_()
    with pytest.raises(RuntimeError, match=re.escape(
            MODIFIED + "[torch.DoubleTensor [2, 3]], which is output 0 of Zero, is at version 2; "
            "expected version 1 instead.")):
        r.sum().backward()


@pytest.mark.parametrize("make, op", [
    (lambda p: p.exp(), "Exp"),
    (lambda p: p.sigmoid(), "Sigmoid"),
    (lambda p: p.tanh(), "Tanh"),
    (lambda p: p.relu(), "Relu"),
    (lambda p: p.sqrt(), "Sqrt"),
], ids=["exp", "sigmoid", "tanh", "relu", "sqrt"])
def test_ops_that_save_their_result_catch_a_change_of_it(make, op):
    p = ag.ones(3, requires_grad=True)
    q = make(p)
    q.add_(1)
    # The saved output names the operation that made it, as in PyTorch (not the add_ that changed it).
    with pytest.raises(RuntimeError, match=re.escape(
            MODIFIED + f"[torch.FloatTensor [3]], which is output 0 of {op}, is at version 1; expected version 0")):
        q.sum().backward()


def test_changing_a_tensor_that_was_not_saved_is_fine():
    p = ag.tensor([0.0, 1.0], requires_grad=True)
    q = p.sin()                                # saves p, not q
    q.add_(1)
    q.sum().backward()
    assert_close(p.grad, [1.0, 0.5403023])


def test_modification_through_a_view_is_caught():
    p = ag.ones(3, requires_grad=True)
    q = p * 2
    r = q * q
    with ag.no_grad():
        q[0:1].zero_()
    with pytest.raises(RuntimeError, match=re.escape(MODIFIED)):
        r.sum().backward()


# ---- views of tensors that need grad: CopySlices on the base, as in PyTorch ---------------------------
# (node names and gradients compared with torch 2.13 in tests/golden: the inplace-view-* cases)


@pytest.mark.parametrize("op", [
    lambda y, x: y[0:2].add_(1),
    lambda y, x: y.view(3).mul_(2),
    lambda y, x: y[1:].copy_(x[:2] * 3),
    lambda y, x: y[::2].zero_(),
], ids=["slice.add_", "view.mul_", "slice.copy_", "strided.zero_"])
def test_in_place_on_a_view_rewrites_the_base_history_with_copyslices(op):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    op(y, x)
    assert y.grad_fn.name() == "torch::autograd::CopySlices" and type(y.grad_fn).__name__ == "CopySlices"
    # the gradient through the changed base equals finite differences of the same program
    assert ag.autograd.gradcheck(lambda t: _changed(op, t), (x.detach().double().requires_grad_(),))


def _changed(op, x):
    y = x * 2
    op(y, x)
    return y


def test_in_place_on_a_view_updates_the_other_views_of_the_base():
    x = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    a = x * 1
    sibling = a[2:]
    a[1:3].mul_(10)
    assert sibling.grad_fn.name() == "AsStridedBackward0"
    sibling.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 10.0, 1.0]


def test_in_place_on_a_view_with_a_value_that_requires_grad_makes_the_base_require_grad():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = ag.zeros(3)
    a[0:2].add_(x[:2])
    assert a.requires_grad and [n is None for n, _ in a.grad_fn.next_functions] == [True, False]
    (a * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0, 0.0]


def test_what_pytorch_refuses_on_views_is_refused():
    leaf = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an "
                                           "in-place operation."):
        leaf[1:].mul_(2)
    with pytest.raises(RuntimeError, match="Output 0 of Unbind is a view and is being modified inplace. This view "
                                           "is the output of a function that returns multiple views."):
        (leaf * 2).unbind(0)[0].add_(1)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single "
                                           "memory location"):
        (leaf * 2)[:1].expand(3).mul_(2)


def test_in_place_on_views_without_autograd_changes_the_base():
    a = ag.zeros(2, 3)
    a[0].add_(1)
    a.t()[2].fill_(5)
    a.view(6)[1:3].mul_(4)
    assert a.tolist() == [[1.0, 4.0, 20.0], [0.0, 0.0, 5.0]]
    x = ag.ones(3, requires_grad=True)
    y = x * 2
    with ag.no_grad():
        y[0:2].add_(1)
    assert y.tolist() == [3.0, 3.0, 2.0]


def test_an_in_place_change_to_a_view_of_a_leaf_that_came_to_require_grad_is_refused():
    """torch 2.13: b = a[:]; a.requires_grad = True; b.add_(5) raises, as does every other in-place op on
    such a view while grad mode is on; under no_grad it is allowed (and changes the leaf)."""
    message = "a view of a leaf Variable that requires grad is being used in an in-place operation."
    for change in (lambda b: b.add_(5), lambda b: b.mul_(2), lambda b: b.zero_(), lambda b: b.exp_(),
                   lambda b: b.copy_(ag.ones(3)), lambda b: b.__setitem__(0, 3.0)):
        a = ag.ones(3)
        b = a[:]
        a.requires_grad = True
        with pytest.raises(RuntimeError, match=re.escape(message)):
            change(b)
        assert a.tolist() == [1.0, 1.0, 1.0]
        with ag.no_grad():
            change(b)
    a = ag.ones(3)
    b = a.view(3)
    a.requires_grad_()
    with ag.no_grad():
        b.add_(1)
    assert a.tolist() == [2.0, 2.0, 2.0]


def test_views_made_each_step_do_not_pile_up_on_the_parameter():
    """Every Linear forward views its weight (``weight.t()``); the weight's record of its views must not
    grow with the number of steps (it did, by one dead reference a step), while live views stay known."""
    layer = ag.nn.Linear(3, 2)
    x = ag.randn(4, 3)
    for _ in range(1000):
        layer(x).sum().backward()
    assert len(layer.weight.__dict__.get("_views", [])) < 32
    w = ag.randn(50, requires_grad=True).clone()
    slices = [w[i:i + 1] for i in range(50)]
    slices[0].mul_(2)       # an in-place change to one view rewrites its live siblings' history
    assert all(s.grad_fn.name() == "AsStridedBackward0" for s in slices[1:])
