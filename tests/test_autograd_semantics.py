"""What a user of autograd sees: requires_grad and leaves, the graph of grad_fn
nodes, backward and autograd.grad, retain_grad, hooks, detach and .data, and the
examples of the source articles. Expected values were checked against PyTorch.

The error messages themselves are tested in ``test_errors.py``.
"""
import math
import re
import warnings

import pytest

import autograd_ref as ag
from autograd_ref.autograd import Variable


def values(t):
    """A tensor's values as (nested) Python floats."""
    return t.detach().tolist()


def _flat(v):
    return [x for item in v for x in _flat(item)] if isinstance(v, list) else [v]


def assert_close(t, expected, rel=1e-6, abs=1e-6):
    assert list(t.shape) == _shape(expected)
    assert _flat(values(t)) == pytest.approx(_flat(expected), rel=rel, abs=abs)


def _shape(v):
    return [len(v)] + _shape(v[0]) if isinstance(v, list) else []


NON_LEAF_GRAD = r"The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed"


# ---- requires_grad and leaves ---------------------------------------------------

def test_requires_grad_is_off_by_default():
    assert ag.ones(2).requires_grad is False
    assert ag.tensor([1.0]).requires_grad is False
    assert ag.randn(3).requires_grad is False
    assert ag.ones(2, requires_grad=True).requires_grad is True


def test_requires_grad_propagates_through_operations():
    x = ag.ones(2, requires_grad=True)
    c = ag.ones(2)
    assert (x * c).requires_grad
    assert (c * x + 1).exp().sum().requires_grad
    assert not (c * c).requires_grad
    assert (c * c).grad_fn is None


def test_requires_grad_method_returns_self():
    t = ag.zeros(3)
    assert t.requires_grad_() is t
    assert t.requires_grad is True
    t.requires_grad_(False)
    assert t.requires_grad is False
    t.requires_grad = True
    assert t.requires_grad is True


def test_requires_grad_true_on_a_non_leaf_is_allowed():
    y = ag.ones(2, requires_grad=True) * 2
    assert y.requires_grad_() is y
    assert y.requires_grad_(True) is y


def test_integer_tensors_may_say_they_need_no_grad():
    t = ag.tensor([1, 2])
    assert t.requires_grad_(False) is t
    t.requires_grad = False
    assert not t.requires_grad


def test_is_leaf_rules():
    x = ag.ones(2, requires_grad=True)
    c = ag.ones(2)
    assert x.is_leaf and x.grad_fn is None
    assert c.is_leaf                     # needs no grad: a leaf by convention
    assert (c * 2).is_leaf               # made from tensors that need no grad
    assert not (x * 2).is_leaf
    assert (x * 2).detach().is_leaf
    with ag.no_grad():
        assert (x * 2).is_leaf


def test_grad_is_none_until_backward_reaches_the_leaf():
    x = ag.ones(2, requires_grad=True)
    unused = ag.ones(2, requires_grad=True)
    y = (x * 3).sum()
    assert x.grad is None
    y.backward()
    assert_close(x.grad, [3.0, 3.0])
    assert unused.grad is None


def test_non_leaf_grad_access_warns_and_gives_none():
    x = ag.ones(2, requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match=NON_LEAF_GRAD):
        assert y.grad is None


def test_leaf_and_retained_grad_access_do_not_warn():
    x = ag.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_close(x.grad, [2.0, 2.0])
        assert_close(y.grad, [1.0, 1.0])
        assert ag.ones(2).grad is None


# ---- the graph ----------------------------------------------------------------------

def _graphs():
    x = ag.ones(2, 2, requires_grad=True)
    c = ag.ones(2, 2)
    return x, c, {
        "AddBackward0": lambda: x + c,
        "SubBackward0": lambda: x - 1,
        "RsubBackward1": lambda: 1 - x,
        "MulBackward0": lambda: x * 2,
        "DivBackward0": lambda: x / c,
        "NegBackward0": lambda: -x,
        "PowBackward0": lambda: x ** 2,
        "PowBackward1": lambda: x ** c,
        "PowBackward2": lambda: 2 ** x,
        "SumBackward0": lambda: x.sum(),
        "SumBackward1": lambda: x.sum(0),
        "MeanBackward0": lambda: x.mean(),
        "MmBackward0": lambda: x.mm(c),
        "ExpBackward0": lambda: x.exp(),
        "LogBackward0": lambda: x.log(),
        "SinBackward0": lambda: ag.sin(x),
        "TanhBackward0": lambda: x.tanh(),
        "SigmoidBackward0": lambda: x.sigmoid(),
        "ReluBackward0": lambda: x.relu(),
        "ClampBackward1": lambda: x.clamp(min=0),
        "TBackward0": lambda: x.t(),
        "ViewBackward0": lambda: x.view(4),
        "CloneBackward0": lambda: x.clone(),
        "SelectBackward0": lambda: x[0],
        "IndexBackward0": lambda: x[x > 0],
        "MaxBackward1": lambda: x.max(),
    }


@pytest.mark.parametrize("name", sorted(_graphs()[2]))
def test_grad_fn_is_named_as_in_pytorch(name):
    y = _graphs()[2][name]()
    assert y.grad_fn.name() == name
    assert type(y.grad_fn).__name__ == name
    assert repr(y.grad_fn).startswith(f"<{name} object at 0x")


def test_a_number_divided_by_a_tensor_is_a_reciprocal_times_the_number():
    x = ag.ones(2, requires_grad=True)
    y = 1 / x
    assert y.grad_fn.name() == "MulBackward0"
    assert y.grad_fn.next_functions[0][0].name() == "ReciprocalBackward0"


def test_next_functions_link_the_graph():
    x = ag.ones(2, requires_grad=True)
    c = ag.ones(2)
    y = x * c
    s = y.sum()
    (acc, nr), (none, none_nr) = y.grad_fn.next_functions
    assert type(acc).__name__ == "AccumulateGrad"
    assert acc.name() == "torch::autograd::AccumulateGrad"     # PyTorch's C++ name
    assert acc.variable is x
    assert nr == 0
    assert (none, none_nr) == (None, 0)      # an input that needs no gradient
    assert s.grad_fn.next_functions == ((y.grad_fn, 0),)
    assert acc.next_functions == ()


def test_accumulate_grad_node_is_shared_by_graphs_using_the_same_leaf():
    x = ag.ones(2, requires_grad=True)
    y = x * 2
    z = x.exp()
    assert y.grad_fn.next_functions[0][0] is z.grad_fn.next_functions[0][0]


def test_a_tensor_used_twice_has_two_edges_to_the_same_node():
    x = ag.ones(2, requires_grad=True)
    y = x * x
    (a, _), (b, _) = y.grad_fn.next_functions
    assert a is b and a.variable is x


# ---- backward -----------------------------------------------------------------------

def test_backward_on_one_element_outputs_needs_no_gradient():
    x = ag.tensor([2.0], requires_grad=True)
    (x * 3).backward()                              # shape (1,)
    (x * 3).reshape(1, 1).backward()                # shape (1, 1)
    (x * 3).sum().backward()                        # shape ()
    assert_close(x.grad, [9.0])


def test_backward_with_a_gradient_is_a_vector_jacobian_product():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(ag.tensor([0.1, 1.0, 0.0001]))
    assert_close(x.grad, [0.2, 4.0, 0.0006])


def test_backward_of_several_outputs_with_grad_tensors():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y1 = x * 2
    y2 = x * x
    ag.autograd.backward([y1, y2], grad_tensors=[ag.ones(2), ag.tensor([1.0, 10.0])])
    assert_close(x.grad, [2.0 + 2.0, 2.0 + 40.0])


def test_autograd_backward_of_a_scalar():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    ag.autograd.backward((x ** 2).sum())
    assert_close(x.grad, [2.0, 4.0])


def test_gradients_accumulate_until_zeroed():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    assert_close(x.grad, [4.0, 8.0])
    x.grad.zero_()
    y.backward()
    assert_close(x.grad, [2.0, 4.0])
    x.grad = None
    (x * 5).sum().backward()
    assert_close(x.grad, [5.0, 5.0])


def test_retain_graph_then_default_frees_the_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()
    assert_close(x.grad, [4.0, 8.0])


def test_a_graph_of_only_additions_can_be_backpropagated_twice():
    # AddBackward saves nothing, so nothing is freed: PyTorch allows this too.
    a = ag.ones(2, requires_grad=True)
    s = (a + a + 1).sum()
    s.backward()
    s.backward()
    assert_close(a.grad, [4.0, 4.0])


def test_backward_create_graph_gives_a_differentiable_grad():
    x = ag.tensor(2.0, requires_grad=True)
    (x ** 3).backward(create_graph=True)
    assert x.grad.requires_grad
    assert x.grad.grad_fn is not None
    assert x.grad.item() == pytest.approx(12.0)
    first = x.grad
    x.grad = None
    first.backward()
    assert x.grad.item() == pytest.approx(12.0)       # d(3x^2)/dx = 6x


def test_backward_inputs_restricts_accumulation_to_leaves_given():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    (x * w).sum().backward(inputs=[x])
    assert_close(x.grad, [3.0, 4.0])
    assert w.grad is None
    (x * w).sum().backward(inputs=w)                   # a single tensor is fine too
    assert_close(w.grad, [1.0, 2.0])
    assert_close(x.grad, [3.0, 4.0])


def test_backward_inputs_can_be_a_non_leaf():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    (h * h).sum().backward(inputs=[h])
    assert h.retains_grad                              # PyTorch retains it
    assert_close(h.grad, [4.0, 8.0])
    assert x.grad is None


def test_autograd_backward_with_inputs():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    ag.autograd.backward([(x * w).sum()], inputs=[w])
    assert_close(w.grad, [1.0, 2.0])
    assert x.grad is None


def test_backward_through_a_shared_subgraph():
    x = ag.tensor(3.0, requires_grad=True)
    a = x * x
    y = a * a + a                                      # a used twice
    y.backward()
    assert x.grad.item() == pytest.approx(4 * 27 + 6)  # d(x^4 + x^2)/dx


# ---- autograd.grad ----------------------------------------------------------------

def test_grad_returns_gradients_and_leaves_grad_alone():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    gx, gw = ag.autograd.grad((x * w).sum(), [x, w])
    assert_close(gx, [3.0, 4.0])
    assert_close(gw, [1.0, 2.0])
    assert x.grad is None and w.grad is None
    assert not gx.requires_grad


def test_grad_of_one_input_is_a_one_tuple():
    x = ag.tensor([3.0], requires_grad=True)
    result = ag.autograd.grad(ag.pow(x, 2), x)
    assert isinstance(result, tuple) and len(result) == 1
    assert_close(result[0], [6.0])


def test_grad_with_grad_outputs():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ag.autograd.grad(x * x, x, grad_outputs=ag.tensor([1.0, 0.5]))
    assert_close(g, [2.0, 2.0])


def test_grad_with_respect_to_a_non_leaf():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    (g,) = ag.autograd.grad((h * h).sum(), h)
    assert_close(g, [6.0, 12.0])
    assert x.grad is None


def test_grad_frees_the_graph_unless_retained():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    ag.autograd.grad(y, x, retain_graph=True)
    ag.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        ag.autograd.grad(y, x)


def test_grad_allow_unused_and_materialize_grads():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    unused = ag.tensor([5.0, 6.0, 7.0], requires_grad=True)
    gx, gu = ag.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True, retain_graph=True)
    assert_close(gx, [2.0, 2.0])
    assert gu is None
    gx, gu = ag.autograd.grad((x * 2).sum(), [x, unused], materialize_grads=True)
    assert_close(gu, [0.0, 0.0, 0.0])


def test_higher_derivatives_with_create_graph():
    x = ag.tensor(2.0, requires_grad=True)
    y = x ** 3
    (d1,) = ag.autograd.grad(y, x, create_graph=True)
    (d2,) = ag.autograd.grad(d1, x, create_graph=True)
    (d3,) = ag.autograd.grad(d2, x)
    assert d1.item() == pytest.approx(12.0)        # 3x^2
    assert d2.item() == pytest.approx(12.0)        # 6x
    assert d3.item() == pytest.approx(6.0)         # 6
    assert d1.requires_grad and d2.requires_grad and not d3.requires_grad
    assert d1.grad_fn is not None
    assert x.grad is None


def test_fourth_derivative_of_a_cube_is_zero():
    x = ag.tensor(3.0, requires_grad=True)
    (d1,) = ag.autograd.grad(x ** 3, x, create_graph=True)
    (d2,) = ag.autograd.grad(d1, x, create_graph=True)
    (d3,) = ag.autograd.grad(d2, x, create_graph=True)
    (d4,) = ag.autograd.grad(d3, x)
    assert [d1.item(), d2.item(), d3.item(), d4.item()] == pytest.approx([27.0, 18.0, 6.0, 0.0])


def test_gradient_penalty_style_double_backward():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    (g,) = ag.autograd.grad(y, x, create_graph=True)   # 3x^2
    (g * g).sum().backward()                           # d/dx sum 9x^4 = 36x^3
    assert_close(x.grad, [36.0, 288.0])


# ---- retain_grad ----------------------------------------------------------------------

def test_retain_grad_keeps_non_leaf_gradients():
    # The source article's example: the 0.25s.
    x = ag.tensor([1.0, 1, 1, 1], requires_grad=True)
    y = 2 * x
    y.retain_grad()
    z = y.mean()
    z.retain_grad()
    z.backward()
    assert_close(x.grad, [0.5] * 4)
    assert_close(y.grad, [0.25] * 4)
    assert z.grad.item() == 1.0
    assert y.retains_grad and z.retains_grad
    assert not x.retains_grad                   # leaves keep their grad without it


def test_retain_grad_accumulates_and_is_idempotent():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    y.retain_grad()
    s = (y * y).sum()
    s.backward(retain_graph=True)
    s.backward()
    assert_close(y.grad, [12.0, 24.0])


def test_retain_grad_on_a_leaf_does_nothing():
    x = ag.ones(2, requires_grad=True)
    x.retain_grad()
    assert not x.retains_grad
    (x * 2).sum().backward()
    assert_close(x.grad, [2.0, 2.0])


def test_retained_grad_is_seen_after_tensor_hooks():
    x = ag.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 3)
    y.sum().backward()
    assert_close(y.grad, [3.0, 3.0])
    assert_close(x.grad, [6.0, 6.0])


# ---- hooks ------------------------------------------------------------------------------

def test_hook_on_a_leaf_sees_its_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(values(g)))
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]]
    assert_close(x.grad, [3.0, 3.0])


def test_hook_on_a_tensor_used_twice_is_called_once_with_the_sum():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    seen = []
    y.register_hook(lambda g: seen.append(values(g)))
    (y * y + y).sum().backward()
    assert seen == [[3.0, 9.0, 19.0]]               # 2y + 1, summed over both uses
    assert_close(x.grad, [6.0, 36.0, 114.0])


def test_hook_on_a_leaf_used_twice_is_called_once():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(values(g)))
    (x * x + x).sum().backward()
    assert seen == [[3.0, 5.0]]


def test_hook_returning_a_tensor_replaces_the_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert_close(x.grad, [20.0, 20.0])

    w = ag.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: g * 100)
    w.register_hook(lambda g: g + 1)                # hooks run in order, each on the last
    (w * 3).sum().backward()
    assert_close(w.grad, [301.0, 301.0])


def test_hook_returning_none_keeps_the_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: None)
    (x * 3).sum().backward()
    assert_close(x.grad, [3.0, 3.0])


def test_removed_hook_is_not_called():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(1) or g * 100)
    handle.remove()
    (x * 3).sum().backward()
    assert seen == []
    assert_close(x.grad, [3.0, 3.0])


def test_hooks_also_run_for_autograd_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g * 10)
    (g,) = ag.autograd.grad(y.sum(), x)
    assert_close(g, [20.0, 20.0])


def test_node_prehook_and_hook():
    x = ag.tensor([1.0, 1.0], requires_grad=True)
    y = x * 2
    calls = []

    def prehook(grad_outputs):
        calls.append(("pre", [values(g) for g in grad_outputs]))
        return (grad_outputs[0] * 10,)

    def hook(grad_inputs, grad_outputs):
        calls.append(("post", [values(g) if g is not None else None for g in grad_inputs],
                      [values(g) for g in grad_outputs]))

    y.grad_fn.register_prehook(prehook)
    y.grad_fn.register_hook(hook)
    y.sum().backward()
    assert calls == [("pre", [[1.0, 1.0]]),
                     ("post", [[20.0, 20.0], None], [[10.0, 10.0]])]
    assert_close(x.grad, [20.0, 20.0])


def test_node_hook_returning_grad_inputs_replaces_them():
    x = ag.tensor([1.0, 1.0], requires_grad=True)
    y = x * 2
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] + 1, grad_inputs[1]))
    y.sum().backward()
    assert_close(x.grad, [3.0, 3.0])


def test_node_hook_handle_remove():
    x = ag.tensor([1.0, 1.0], requires_grad=True)
    y = x * 2
    handle = y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 10,))
    handle.remove()
    y.sum().backward()
    assert_close(x.grad, [2.0, 2.0])


# ---- detach and .data ------------------------------------------------------------------

def test_detach_shares_memory_and_leaves_the_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert d.data_ptr() == x.data_ptr()
    d[0] = 10.0
    assert values(x) == [10.0, 2.0]


def test_detach_shares_the_version_counter():
    # Changing a detached tensor in place is seen by the graph that saved the original.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.sigmoid()                             # saves its result
    y.detach().zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_data_is_not_tracked_by_the_version_counter():
    # .data, unlike detach(), hides the change: backward silently uses the new values.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.sigmoid()
    y.data.zero_()
    y.sum().backward()
    assert values(x.grad) == [0.0, 0.0]          # sigmoid' = y (1 - y) with y now 0


def test_data_shares_memory_and_needs_no_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad and d.is_leaf
    assert d.data_ptr() == x.data_ptr()
    d.mul_(2)
    assert values(x) == [2.0, 4.0]
    assert x.requires_grad and x.is_leaf


def test_setting_data_replaces_the_values_of_a_leaf():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.data = ag.tensor([5.0, 6.0, 7.0])             # even another shape
    assert values(x) == [5.0, 6.0, 7.0]
    assert x.requires_grad and x.is_leaf
    (x * 2).sum().backward()
    assert_close(x.grad, [2.0, 2.0, 2.0])


def test_detach_in_place():
    x = ag.ones(2, requires_grad=True)
    y = x * 2
    assert y.detach_() is y
    assert not y.requires_grad and y.is_leaf and y.grad_fn is None


def test_detached_values_stop_the_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * x.detach()                          # d/dx treats the second factor as constant
    y.sum().backward()
    assert_close(x.grad, [1.0, 2.0])


# ---- Variable and the legacy API ------------------------------------------------------

def test_variable_returns_a_tensor():
    t = ag.ones(2, 2)
    x = Variable(t, requires_grad=True)
    assert isinstance(x, ag.Tensor)
    assert type(x) is ag.Tensor
    assert x.requires_grad and x.is_leaf
    assert x is not t and not t.requires_grad
    assert x.data_ptr() == t.data_ptr()
    assert not Variable(t).requires_grad
    assert isinstance(ag.ones(1), Variable)


def test_legacy_float_tensor_type():
    FloatTensor = ag.FloatTensor
    assert values(FloatTensor([4])) == [4.0]
    assert FloatTensor([4]).dtype == ag.float32
    assert ag.ones(2, dtype=ag.float64).type(FloatTensor).dtype == ag.float32
    assert ag.ones(2).type() == "torch.FloatTensor"
    assert isinstance(ag.ones(2), FloatTensor)
    assert not isinstance(ag.ones(2, dtype=ag.int64), FloatTensor)


def test_data_and_item_of_a_loss():
    loss = (ag.ones(3, requires_grad=True) * 2).sum()
    assert loss.item() == 6.0
    assert loss.data.item() == 6.0
    assert isinstance(loss.item(), float)


# ---- the source articles' examples -----------------------------------------------------

def test_seed_function_of_two_variables():
    # f(x1, x2) = (1 + sin x2) / (x2 + e^x1) + x1 x2 at (1.5, 0.5)
    x1 = ag.tensor(1.5, requires_grad=True)
    x2 = ag.tensor(0.5, requires_grad=True)
    c = ag.tensor(1.0, requires_grad=True)
    f = (ag.sin(x2) + c) / (x2 + ag.exp(x1)) + x1 * x2
    f.backward()
    assert x2.grad.item() == pytest.approx(1.6165488003791766, rel=1e-6)
    assert x1.grad.item() == pytest.approx(0.2328, abs=1e-4)
    assert c.grad.item() == pytest.approx(0.20073512936690338, rel=1e-6)
    by_hand = 1.5 + math.cos(0.5) / (0.5 + math.exp(1.5)) \
        - (1 + math.sin(0.5)) / (0.5 + math.exp(1.5)) ** 2
    assert x2.grad.item() == pytest.approx(by_hand, rel=1e-6)


def test_seed_mean_of_three_squares():
    x = Variable(ag.ones(2, 2), requires_grad=True)
    y = x + 2
    assert y.grad_fn.name() == "AddBackward0"
    out = (3 * (x + 2) ** 2).mean()
    assert out.item() == pytest.approx(27.0)
    out.backward()
    assert_close(x.grad, [[4.5, 4.5], [4.5, 4.5]])


def test_seed_z_equals_y_times_y_times_two():
    x = Variable(ag.ones(2, 2), requires_grad=True)
    y = x + 2
    z = y * y * 2
    out = z.mean()
    assert out.item() == pytest.approx(18.0)
    out.backward()
    assert_close(x.grad, [[3.0, 3.0], [3.0, 3.0]])


def _w_x_graph():
    w = ag.tensor([1.0], requires_grad=True)
    x = ag.tensor([2.0], requires_grad=True)
    a = ag.add(w, x)
    b = ag.add(w, 1)
    y = ag.mul(a, b)         # y = (x + w)(w + 1)
    return w, x, a, b, y


def test_seed_gradients_accumulate_without_zeroing():
    w = ag.tensor([1.0], requires_grad=True)
    x = ag.tensor([2.0], requires_grad=True)
    seen = []
    for _ in range(4):
        y = ag.mul(ag.add(w, x), ag.add(w, 1))
        y.backward()
        seen.append(w.grad.item())
    assert seen == [5.0, 10.0, 15.0, 20.0]


def test_seed_gradients_zeroed_each_step():
    w = ag.tensor([1.0], requires_grad=True)
    x = ag.tensor([2.0], requires_grad=True)
    seen = []
    for _ in range(4):
        y = ag.mul(ag.add(w, x), ag.add(w, 1))
        y.backward()
        seen.append(w.grad.item())
        w.grad.zero_()
    assert seen == [5.0, 5.0, 5.0, 5.0]


def test_seed_leaves_and_their_gradients():
    w, x, a, b, y = _w_x_graph()
    y.backward()
    assert [t.is_leaf for t in (w, x, a, b, y)] == [True, True, False, False, False]
    assert values(w.grad) == [5.0]
    assert values(x.grad) == [2.0]
    with pytest.warns(UserWarning, match=NON_LEAF_GRAD):
        assert (a.grad, b.grad, y.grad) == (None, None, None)
    assert w.grad_fn is None and x.grad_fn is None
    assert [t.grad_fn.name() for t in (a, b, y)] == ["AddBackward0", "AddBackward0", "MulBackward0"]
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")


def test_seed_weights_of_a_small_graph():
    FloatTensor = ag.FloatTensor
    a = Variable(FloatTensor([4]))
    weights = [Variable(FloatTensor([i]), requires_grad=True) for i in (2, 5, 9, 7)]
    w1, w2, w3, w4 = weights
    b = w1 * a
    c = w2 * a
    d = w3 * b + w4 * c
    L = (10 - d)
    L.backward()
    gradients = []
    for weight in weights:
        gradient, *_ = weight.grad.data
        gradients.append(gradient.item())
    assert gradients == [-36.0, -28.0, -8.0, -20.0]
    assert a.grad is None and not a.requires_grad


def test_seed_backward_and_grad_of_a_square():
    x = ag.tensor([3.0], requires_grad=True)
    y = ag.pow(x, 2)
    y.backward(retain_graph=True)
    assert values(x.grad) == [6.0]
    (g,) = ag.autograd.grad(y, x, create_graph=True)
    assert g.item() == 6.0
    assert values(x.grad) == [6.0]


def test_seed_jacobian_product_of_eye():
    inp = ag.eye(5, requires_grad=True)
    out = (inp + 1).pow(2)
    out.backward(ag.ones_like(inp), retain_graph=True)
    expected = [[4.0 if i == j else 2.0 for j in range(5)] for i in range(5)]
    assert_close(inp.grad, expected)
    out.backward(ag.ones_like(inp), retain_graph=True)
    assert_close(inp.grad, [[2 * v for v in row] for row in expected])


def test_seed_non_scalar_backward_of_a_doubled_vector():
    ag.manual_seed(0)
    x = Variable(ag.randn(3), requires_grad=True)
    y = x * 2
    while y.data.norm() < 100:
        y = y * 2
    gradients = ag.FloatTensor([0.1, 1.0, 0.0001])
    y.backward(gradients)
    scale = (y / x).detach()[0].item()               # 2 ** k, exactly
    assert math.log2(scale) == int(math.log2(scale))
    assert_close(x.grad, [0.1 * scale, 1.0 * scale, 0.0001 * scale], rel=1e-6)


def test_seed_detach_and_no_grad():
    x = ag.randn(5, 3)
    w = ag.randn(3, 2, requires_grad=True)
    b = ag.randn(2, requires_grad=True)
    z = ag.matmul(x, w) + b
    assert z.requires_grad
    assert not z.detach().requires_grad
    with ag.no_grad():
        z = ag.matmul(x, w) + b
    assert not z.requires_grad


@pytest.mark.parametrize("reduce", ["sum", "mean", "norm", "var", "std"])
def test_reductions_over_every_dim_keep_dims_when_asked(reduce):
    x = ag.tensor([[1.0, 2.0, 4.0], [3.0, 5.0, 8.0]], requires_grad=True)
    y = getattr(x, reduce)(dim=None, keepdim=True)
    assert y.shape == (1, 1)
    y.sum().backward()
    assert x.grad.shape == (2, 3)


# ---- small behaviours that real PyTorch code relies on (checked with torch 2.13.0) ----------------------


def test_numpy_of_a_tensor_that_requires_grad_is_refused_only_with_grad_mode_on():
    """torch 2.13: allowed under no_grad() and inside a custom Function's forward (where grad mode is off),
    refused (test_errors.py) with grad mode on."""
    x = ag.ones(3, requires_grad=True)
    with ag.no_grad():
        assert x.numpy().tolist() == [1.0, 1.0, 1.0]
    seen = []

    class Double(ag.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            seen.append(a.numpy().tolist())
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    Double.apply(x).sum().backward()
    assert seen == [[1.0, 1.0, 1.0]] and values(x.grad) == [2.0, 2.0, 2.0]


def test_legacy_constructor_takes_a_size_as_a_shape():
    """torch.Tensor(x.size()) makes an uninitialised tensor of that shape (torch 2.13), not one of its sizes."""
    x = ag.ones(4, 2)
    assert ag.Tensor(x.size()).shape == (4, 2) and ag.Tensor(ag.Size([3])).shape == (3,)
    assert ag.Tensor(x.size()).dtype == ag.get_default_dtype()
    assert ag.Tensor([4, 2]).tolist() == [4.0, 2.0]          # a list is still data


def test_del_grad_is_assigning_none():
    x = ag.ones(2, requires_grad=True)
    (x * 3).sum().backward()
    del x.grad
    assert x.grad is None
    (x * 3).sum().backward()
    assert values(x.grad) == [3.0, 3.0]


def test_mse_loss_of_float32_and_an_integer_target_is_float32():
    """torch 2.13: nn.MSELoss()(float32 output, int64 target) is a float32 loss whose gradient is float32."""
    out = ag.tensor([1.0, 2.0, 4.0], dtype=ag.float32, requires_grad=True)
    loss = ag.nn.MSELoss()(out, ag.tensor([1, 2, 3]))
    assert loss.dtype == ag.float32 and abs(loss.item() - 1 / 3) < 1e-6
    loss.backward()
    assert out.grad.dtype == ag.float32 and values(out.grad) == pytest.approx([0.0, 0.0, 2 / 3])


def test_hooks_on_an_output_that_gets_no_gradient_are_called_with_none():
    """torch 2.13: a, b, c = x.unbind(); hooks on a and b; backward from b alone calls a's hook with None,
    then b's with its gradient; a hook may not replace None with a tensor."""
    x = ag.ones(3, requires_grad=True)
    a, b, _ = x.unbind()
    seen = []
    a.register_hook(lambda g: seen.append(("a", g)))
    b.register_hook(lambda g: seen.append(("b", None if g is None else g.item())))
    (b * 2).backward()
    assert seen == [("a", None), ("b", 2.0)] and values(x.grad) == [0.0, 2.0, 0.0]

    x = ag.ones(3, requires_grad=True)
    a, b, _ = x.unbind()
    a.register_hook(lambda g: ag.tensor(5.0) if g is None else g)
    with pytest.raises(RuntimeError, match="can't replace a None gradient with a non-None value"):
        b.backward()


def test_a_second_backward_through_tensor_indexing_is_refused():
    """torch 2.13: indexing with a tensor or list (IndexBackward0) and assigning through one
    (IndexPutBackward0) save their indices, so a second backward raises instead of counting twice;
    slices (CopySlices, SliceBackward0) save nothing and allow it."""
    freed = "Trying to backward through the graph a second time"
    b = ag.ones(3, requires_grad=True)
    c = ag.zeros(3)
    c[[1, 2]] = b[[1, 1]]
    assert c.grad_fn.name() == "IndexPutBackward0"
    c.sum().backward()
    assert values(b.grad) == [0.0, 2.0, 0.0]
    with pytest.raises(RuntimeError, match=freed):
        c.sum().backward()
    b = ag.ones(3, requires_grad=True)
    d = b[[1, 1]]
    d.sum().backward()
    with pytest.raises(RuntimeError, match=freed):
        d.sum().backward()
    b = ag.ones(3, requires_grad=True)
    e = b[1:]
    e.sum().backward()
    e.sum().backward()
    assert values(b.grad) == [0.0, 2.0, 2.0]
    c = ag.zeros(3)
    c[[1, 2]] = b[[1, 1]]
    c.sum().backward(retain_graph=True)
    c.sum().backward()                      # kept with retain_graph


# ---- saved tensors: introspection and hooks (behaviour checked against torch 2.13.0) ------------------


def test_a_node_shows_what_it_saved_under_pytorchs_names():
    a = ag.tensor([1., 2., 3.], requires_grad=True)
    b = ag.tensor([4., 5., 6.], requires_grad=True)
    y = a * b
    assert y.grad_fn._saved_self is a and values(y.grad_fn._saved_other) == [4.0, 5.0, 6.0]
    e = a.exp()
    assert e.grad_fn._saved_result.equal(e)
    p = a ** 2
    assert p.grad_fn._saved_exponent == 2 and p.grad_fn._saved_self is a
    m = ag.tensor([[1., 2., 3.], [0., 1., 0.]]) @ a
    # only what a gradient needs: a's gradient needs the matrix, and the matrix needs none (PyTorch: the same)
    assert m.grad_fn.name() == "MvBackward0" and m.grad_fn._saved_vec is None
    assert values(m.grad_fn._saved_self) == [[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]]
    assert e.grad_fn._saved_result.grad_fn is e.grad_fn and dir(y.grad_fn).count("_saved_self") == 1
    assert (a * 2.0).grad_fn._saved_other.dtype is ag.float64 and (a + b).grad_fn._saved_alpha == 1
    y.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.grad_fn._saved_self
    with pytest.raises(AttributeError):
        y.grad_fn._saved_nothing


def test_saved_tensors_hooks_pack_what_is_saved_and_unpack_it_for_backward():
    """The example of PyTorch's saved-tensors tutorial: pack and unpack run once per saved tensor, and what
    unpack returns is what backward uses."""
    a = ag.tensor([1., 2., 3.], requires_grad=True)
    log = []

    def pack(t):
        log.append(("pack", values(t)))
        return t * 10

    def unpack(t):
        log.append(("unpack", values(t)))
        return t / 10

    with ag.autograd.graph.saved_tensors_hooks(pack, unpack):
        z = (a * 3).exp()                   # MulBackward1 saves nothing; ExpBackward0 saves its result
    assert [kind for kind, _ in log] == ["pack"]
    z.sum().backward()
    assert [kind for kind, _ in log] == ["pack", "unpack"]
    assert values(a.grad) == pytest.approx([3 * math.exp(3), 3 * math.exp(6), 3 * math.exp(9)], rel=1e-6)


def test_a_packed_tensor_changed_in_place_is_still_caught():
    x = ag.ones(3, requires_grad=True)
    y = x * 2
    with ag.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        z = y * y
    with ag.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_save_on_cpu_keeps_the_gradients():
    x = ag.ones(3, requires_grad=True)
    with ag.autograd.graph.save_on_cpu():
        r = (x * 2).sin()
    r.sum().backward()
    assert values(x.grad) == pytest.approx([2 * math.cos(2.0)] * 3)


# ---- anomaly detection (messages as torch 2.13.0 gives them) ---------------------------------------------


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")   # numpy's, of sqrt(-1)
def test_detect_anomaly_names_the_node_that_returned_nan_and_where_it_was_made():
    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = ag.autograd.detect_anomaly()
    with warnings.catch_warnings(record=True) as caught, mode:
        warnings.simplefilter("always")
        y = x.sqrt()                                  # the line the warning must point at
        with pytest.raises(RuntimeError, match=r"^Function 'SqrtBackward0' returned nan values in its 0th output\.$"):
            y.sum().backward()
    trace = [str(w.message) for w in caught if "Error detected in" in str(w.message)]
    assert trace and trace[0].startswith("Error detected in SqrtBackward0. Traceback of forward call")
    assert "y = x.sqrt()" in trace[0] and "autograd_ref/ops" not in trace[0]
    assert not ag.is_anomaly_enabled()
    y = x.sqrt()                                       # off again: the NaN gradient passes, as in PyTorch
    y.sum().backward()


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
def test_set_detect_anomaly_switches_at_once_and_restores_as_a_context():
    assert not ag.is_anomaly_enabled()
    ag.autograd.set_detect_anomaly(True)
    assert ag.is_anomaly_enabled() and ag.is_anomaly_check_nan_enabled()
    ag.autograd.set_detect_anomaly(False)
    with ag.autograd.set_detect_anomaly(True, check_nan=False):
        assert ag.is_anomaly_enabled() and not ag.is_anomaly_check_nan_enabled()
        x = ag.tensor([-1.0], requires_grad=True)
        x.sqrt().sum().backward()                      # check_nan=False: no error
    assert not ag.is_anomaly_enabled() and ag.is_anomaly_check_nan_enabled()


def test_an_error_in_a_backward_is_reported_with_its_forward_stack():
    class Broken(ag.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            raise ValueError("broken backward")

    x = ag.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught, ag.autograd.set_detect_anomaly(True):
        warnings.simplefilter("always")
        y = Broken.apply(x)
        with pytest.raises(ValueError, match="broken backward"):
            y.sum().backward()
    assert any("Error detected in BrokenBackward" in str(w.message) and "Broken.apply(x)" in str(w.message)
               for w in caught)


def test_bincount_and_the_thread_count_calls_of_pytorch_code_run():
    """Values from torch 2.13; set_num_threads records the number (numpy's BLAS threads come from the
    environment), so that PyTorch code calling it runs unchanged."""
    assert ag.bincount(ag.tensor([0, 1, 1, 3])).tolist() == [1, 2, 0, 1]
    assert ag.bincount(ag.tensor([0, 1, 1]), minlength=5).tolist() == [1, 2, 0, 0, 0]
    weighted = ag.bincount(ag.tensor([0, 1, 1]), weights=ag.tensor([0.5, 1.0, 2.0]))
    assert weighted.tolist() == [0.5, 3.0] and weighted.dtype is ag.float32
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs."):
        ag.bincount(ag.tensor([-1, 2]))
    before = ag.get_num_threads()
    ag.set_num_threads(1)
    assert ag.get_num_threads() == 1
    ag.set_num_threads(before)
    with pytest.raises(RuntimeError, match="positive integer"):
        ag.set_num_threads(0)


# ---- the order in which leaves receive their gradients (recorded from torch 2.13.0) ----------------------
# PyTorch gives a leaf's AccumulateGrad the largest sequence number, so it runs as soon as it is ready, ahead of
# older nodes still waiting; leaves ready together come out of the engine's heap as PyTorch's heap gives them.

def _leaf_order(build):
    seen = []
    x = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = ag.tensor([1.5, 0.25, -0.5], requires_grad=True)
    out, hooked = build(x, w)
    for name, t in {**hooked, "x": x, "w": w}.items():
        t.register_hook(lambda g, name=name: seen.append(name))
    out.backward()
    return seen


def test_leaves_used_by_one_node_get_their_gradients_in_argument_order():
    def branches(x, w):
        a = x * w
        b = (x + 1).sin()
        c = b.exp() * 2
        d = a.tanh()
        return (c + d).sum(), {"a": a, "b": b, "c": c, "d": d}
    assert _leaf_order(branches) == ["d", "c", "b", "a", "x", "w"]


def test_a_leaf_accumulates_as_soon_as_it_is_ready():
    def three(x, w):
        p, q, r = x.sigmoid(), (w * 3).cos(), (x * w).relu()
        return p.sum() + q.sum() * r.sum(), {"p": p, "q": q, "r": r}
    assert _leaf_order(three) == ["r", "q", "w", "p", "x"]     # w's last gradient arrives before p's node runs


@pytest.mark.parametrize("n, order", [(2, [0, 1]), (3, [0, 1, 2]), (4, [0, 2, 1, 3]), (5, [0, 2, 4, 1, 3]),
                                      (6, [0, 2, 5, 4, 1, 3])])
def test_leaves_ready_together_come_in_pytorchs_order(n, order):
    seen = []
    leaves = [ag.tensor([float(i + 1)], requires_grad=True) for i in range(n)]
    for i, t in enumerate(leaves):
        t.register_hook(lambda g, i=i: seen.append(i))
    ag.cat(leaves).sum().backward()
    assert seen == order


def test_several_roots_start_in_the_order_given():
    seen = []
    leaves = [ag.tensor([float(i + 1)], requires_grad=True) for i in range(4)]
    for i, t in enumerate(leaves):
        t.register_hook(lambda g, i=i: seen.append(i))
    ag.autograd.backward(leaves, [ag.ones(1)] * 4)
    assert seen == [0, 2, 1, 3] and [t.grad.tolist() for t in leaves] == [[1.0]] * 4


# ---- hooks around a leaf's AccumulateGrad, and what hooks may return (recorded from torch 2.13.0) ----------

def test_post_accumulate_grad_hooks_run_after_the_gradient_is_in_grad():
    log = []
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    first = x.register_post_accumulate_grad_hook(lambda t: log.append(("post 1", t is x, t.grad.tolist())))
    x.register_hook(lambda g: log.append(("tensor hook", g.tolist())))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post 2", t.grad.tolist())))
    (x * 3).sum().backward()
    assert log == [("tensor hook", [3.0, 3.0]), ("post 1", True, [3.0, 3.0]), ("post 2", [3.0, 3.0])]
    log.clear()
    first.remove()
    first.remove()                                  # removing twice is harmless
    (x * 3).sum().backward()
    assert log == [("tensor hook", [3.0, 3.0]), ("post 2", [6.0, 6.0])]


def test_post_accumulate_grad_hooks_run_only_where_a_gradient_is_accumulated():
    log = []
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.tensor([1.0], requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda t: log.append("x"))
    ag.autograd.grad((x * 3).sum(), x)             # autograd.grad accumulates nothing
    (x.sum() * y).backward(inputs=[y])              # nor does backward for another input
    assert log == []
    (x.sum() * y).backward(inputs=[x])
    assert log == ["x"]


def test_an_optimizer_step_fused_into_backward_with_post_accumulate_grad_hooks():
    # PyTorch's tutorial on fusing the optimizer step into the backward pass does this for each parameter.
    w = ag.tensor([1.0, 2.0], requires_grad=True)

    def step(p):
        with ag.no_grad():
            p.add_(p.grad, alpha=-0.1)
        p.grad = None
    w.register_post_accumulate_grad_hook(step)
    (w * w).sum().backward()
    assert w.tolist() == pytest.approx([0.800000011920929, 1.600000023841858]) and w.grad is None
    (w * w).sum().backward()
    assert w.tolist() == pytest.approx([0.6399999856948853, 1.2799999713897705]) and w.grad is None


def test_post_accumulate_grad_hooks_see_a_differentiable_grad_with_create_graph():
    log = []
    c = ag.tensor([1.0], requires_grad=True)
    c.register_post_accumulate_grad_hook(lambda t: log.append((t.grad.requires_grad, t.grad.tolist())))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (c ** 2).sum().backward(create_graph=True)
    assert log == [(True, [2.0])]


def test_post_accumulate_grad_hooks_are_for_leaves_and_return_nothing():
    x = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="^post accumulate grad hooks cannot be registered on non-leaf tensors$"):
        (x * 2).register_post_accumulate_grad_hook(print)
    with pytest.raises(RuntimeError, match="^cannot register a hook on a tensor that doesn't require gradient$"):
        ag.ones(2).register_post_accumulate_grad_hook(print)
    x.register_post_accumulate_grad_hook(lambda t: "x")
    with pytest.raises(TypeError, match="^expected Variable, but hook returned 'str'$"):
        (x * 2).sum().backward()
    z = ag.tensor([1.0], requires_grad=True)
    z.register_post_accumulate_grad_hook(lambda t: t * 100)
    with pytest.raises(RuntimeError, match="^Tensor post accumulate grad hooks should return None.$"):
        (z * 2).sum().backward()


def test_an_accumulate_grad_nodes_own_hooks_run_around_the_accumulation():
    log = []
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    accumulate = y.grad_fn.next_functions[0][0]
    accumulate.register_hook(lambda grad_inputs, grad_outputs: log.append(
        ("node post", grad_inputs, [g.tolist() for g in grad_outputs])))
    accumulate.register_prehook(lambda grad_outputs: log.append(("node pre", [g.tolist() for g in grad_outputs])))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post accumulate", t.grad.tolist())))
    x.register_hook(lambda g: log.append(("tensor hook", g.tolist())))
    y.sum().backward(retain_graph=True)
    assert log == [("tensor hook", [3.0, 3.0]), ("node pre", [[3.0, 3.0]]), ("post accumulate", [3.0, 3.0]),
                   ("node post", (), [[3.0, 3.0]])]
    log.clear()
    # autograd.grad does not run the node: only the leaf's tensor hooks see its gradient
    assert ag.autograd.grad(y.sum(), x)[0].tolist() == [3.0, 3.0]
    assert log == [("tensor hook", [3.0, 3.0])]


def named_hook(grad_inputs, grad_outputs):
    return grad_inputs[0], ag.ones(1)       # a gradient where the node gave None (for the number 2)


@pytest.mark.parametrize("kind, returns, error, message", [
    ("pre", lambda g: (ag.ones(1), ag.ones(1)), RuntimeError,
     "hook '<lambda>' has returned an incorrect number of values (got 2, but expected 1)"),
    ("pre", lambda g: [g[0]], TypeError, "expected tuple, but hook returned 'list'"),
    ("pre", lambda g: (3,), TypeError, "expected Variable, but hook returned 'int'"),
    ("post", named_hook, RuntimeError, "can't replace a None gradient with a non-None value"),
    ("post", lambda gi, go: (ag.ones(3), None), RuntimeError, "hook '<lambda>' has changed the size of value"),
    ("tensor", lambda g: ag.ones(3), RuntimeError, "hook '<lambda>' has changed the size of value"),
    ("tensor", lambda g: g.double(), RuntimeError,
     "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)"),
    ("tensor", lambda g: 5, TypeError, "expected Variable, but hook returned 'int'"),
    ("accumulate post", lambda gi, go: [], TypeError, "expected tuple, but hook returned 'list'"),
    ("accumulate post", lambda gi, go: (ag.ones(1),), RuntimeError,
     "hook '<lambda>' has returned an incorrect number of values (got 1, but expected 0)"),
])
def test_what_a_hook_returns_is_checked_as_pytorch_checks_it(kind, returns, error, message):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2                       # MulBackward0: a gradient for x, None for the number
    {"pre": lambda: y.grad_fn.register_prehook(returns),
     "post": lambda: y.grad_fn.register_hook(returns),
     "tensor": lambda: y.register_hook(returns),
     "accumulate post": lambda: y.grad_fn.next_functions[0][0].register_hook(returns)}[kind]()
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        y.sum().backward()


def test_hooks_may_drop_a_gradient_or_return_nothing():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 3.0], requires_grad=True)
    y = x * w
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (None, grad_inputs[1]))
    y.grad_fn.next_functions[1][0].register_hook(lambda grad_inputs, grad_outputs: ())
    y.sum().backward()
    assert x.grad is None and w.grad.tolist() == [1.0, 2.0]


def test_a_hook_that_moves_a_gradient_to_another_device_is_refused(gpu):
    x = ag.tensor([1.0, 2.0], device=gpu, requires_grad=True)
    assert x.type() == "torch.cuda.FloatTensor"
    y = x * 2
    y.register_hook(lambda g: g.cpu())
    with pytest.raises(RuntimeError, match=re.escape(
            "hook '<lambda>' has changed the type of value (was torch.cuda.FloatTensor got torch.FloatTensor)")):
        y.sum().backward()


def test_a_post_accumulate_grad_hook_may_hand_the_tensor_back():
    # PyTorch's own example: add_ returns the tensor it was given, which is not "a return value"
    v = ag.tensor([0.0, 0.0, 0.0], requires_grad=True)
    v.register_post_accumulate_grad_hook(lambda p: p.add_(p.grad, alpha=-0.01))
    v.backward(ag.tensor([1.0, 2.0, 3.0]))
    assert v.tolist() == pytest.approx([-0.01, -0.02, -0.03]) and v.grad.tolist() == [1.0, 2.0, 3.0]


def test_after_a_post_accumulate_grad_hook_returns_a_tensor_the_next_sees_it_then_the_step_fails():
    seen = []
    v = ag.tensor([1.0, 2.0], requires_grad=True)
    v.register_post_accumulate_grad_hook(lambda p: p * 2)
    v.register_post_accumulate_grad_hook(lambda p: seen.append(p.tolist()))
    with pytest.raises(RuntimeError, match="^Tensor post accumulate grad hooks should return None.$"):
        (v * 1).sum().backward()
    assert seen == [[2.0, 4.0]]
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    w.register_post_accumulate_grad_hook(lambda p: ag.ones(3))
    with pytest.raises(RuntimeError, match="^hook '<lambda>' has changed the size of value$"):
        (w * 1).sum().backward()


# ---- autograd.graph's helpers (recorded from torch 2.13.0) ---------------------------------------------------

def test_increment_version_marks_memory_changed_behind_autograds_back():
    x = ag.ones(2, requires_grad=True)
    y = x.exp()
    ag.autograd.graph.increment_version(y)
    assert y._version == 1
    with pytest.raises(RuntimeError, match=re.escape(
            "[torch.FloatTensor [2]], which is output 0 of Exp, is at version 1; expected version 0 instead.")):
        y.sum().backward()
    ag.autograd.graph.increment_version([x, y])
    ag.autograd.graph.increment_version(t for t in [x])
    assert (x._version, y._version) == (2, 2)
    with ag.inference_mode():
        frozen = ag.ones(2)
    ag.autograd.graph.increment_version(frozen)        # no version counter: left alone


def test_disable_saved_tensors_hooks_refuses_them_with_the_message_given():
    graph = ag.autograd.graph
    x = ag.ones(2, requires_grad=True)
    with graph.disable_saved_tensors_hooks("my message"):
        with pytest.raises(RuntimeError, match="^my message$"):
            with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
        x.exp()                                         # operations save as usual
        with graph.disable_saved_tensors_hooks("inner"):
            with pytest.raises(RuntimeError, match="^inner$"):
                with graph.save_on_cpu():
                    pass
        with pytest.raises(RuntimeError, match="^my message$"):    # the outer message is back
            with graph.save_on_cpu():
                pass
    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        with pytest.raises(RuntimeError, match="^no hooks here$"):
            with graph.disable_saved_tensors_hooks("no hooks here"):
                pass
    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):  # allowed again once the block has closed
        x.exp()

    @graph.disable_saved_tensors_hooks("decorated")
    def feature():
        with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass
    with pytest.raises(RuntimeError, match="^decorated$"):
        feature()


def test_a_multi_grad_hook_gets_the_gradients_this_backward_call_computes():
    # PyTorch's documented example, and what torch 2.13 gives for the other calls
    a = ag.rand(2, 3, requires_grad=True)
    b = ag.rand(2, 3, requires_grad=True)
    c, d = a * b, a * b
    calls = []
    handle = ag.autograd.graph.register_multi_grad_hook(
        (a, b, c, d), lambda grads: calls.append([g is not None for g in grads]))
    c.sum().backward(retain_graph=True)
    c.sum().backward(inputs=(a,), retain_graph=True)
    ag.autograd.grad((c * 1).sum(), (c,), retain_graph=True)
    (c + d).sum().backward(retain_graph=True)
    assert calls == [[True, True, True, False], [True, False, True, False], [False, False, True, False],
                     [True, True, True, True]]
    with pytest.raises(RuntimeError, match="^A leaf node was passed to _will_engine_execute_node but we are "
                                           "currently running autograd.grad"):
        ag.autograd.grad(c.sum(), (b,), retain_graph=True)
    handle.remove()
    calls.clear()
    c.sum().backward(retain_graph=True)
    assert calls == []


def test_a_multi_grad_hook_passes_the_gradients_themselves():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    seen = []
    ag.autograd.graph.register_multi_grad_hook((x, y), lambda grads: seen.append([g.tolist() for g in grads]))
    y.sum().backward()
    assert seen == [[[3.0, 3.0], [1.0, 1.0]]]


def test_a_multi_grad_hook_in_any_mode_gets_the_first_gradient_of_each_call():
    a = ag.rand(2, 3, requires_grad=True)
    b = ag.rand(2, 3, requires_grad=True)
    c = a * b
    seen = []
    ag.autograd.graph.register_multi_grad_hook((a, b, ag.ones(2)), lambda g: seen.append(tuple(g.shape)),
                                               mode="any")     # a tensor that needs no grad is left out
    c.sum().backward(retain_graph=True)
    c.sum().backward(retain_graph=True)
    assert seen == [(2, 3), (2, 3)]


def test_a_multi_grad_hook_refuses_what_pytorch_refuses():
    a = ag.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match=re.escape("Expects mode to be one of ('all', 'any') but got some")):
        ag.autograd.graph.register_multi_grad_hook((a,), print, mode="some")
    with pytest.raises(AssertionError, match="^Expected gradient function to be set$"):
        ag.autograd.graph.register_multi_grad_hook((a, ag.ones(2)), print)
    assert a._backward_hooks in (None, {})        # nothing was registered on a


def test_a_gradient_edge_stands_for_its_tensor_in_autograd_grad():
    graph = ag.autograd.graph
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    edge = graph.get_gradient_edge(y)
    assert isinstance(edge, graph.GradientEdge) and edge._fields == ("node", "output_nr", "ownership_token")
    assert edge.node is y.grad_fn and edge.output_nr == 0
    z = y.exp()
    (by_edge,) = ag.autograd.grad(z.sum(), edge, retain_graph=True)
    (by_tensor,) = ag.autograd.grad(z.sum(), y, retain_graph=True)
    assert by_edge.tolist() == by_tensor.tolist() == pytest.approx([7.3890562, 54.59815])
    grads = ag.autograd.grad(z.sum(), [edge, graph.get_gradient_edge(x)], retain_graph=True)
    assert [g.tolist() for g in grads] == [pytest.approx([7.3890562, 54.59815]), pytest.approx([14.778112, 109.1963])]
    a, b = ag.tensor([1.0, 2.0], requires_grad=True).unbind()
    assert graph.get_gradient_edge(b).output_nr == 1
    assert ag.autograd.grad(a * 3 + b * 5, graph.get_gradient_edge(b))[0].item() == 5.0


def test_a_gradient_edge_keeps_the_gradient_of_the_value_before_an_in_place_change():
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    q = p * 1
    edge = ag.autograd.graph.get_gradient_edge(q)
    q.mul_(3)
    assert ag.autograd.grad(q.sum(), edge)[0].tolist() == [3.0, 3.0]


def test_gradient_edges_as_outputs_and_in_backward():
    graph = ag.autograd.graph
    w = ag.tensor([3.0], requires_grad=True)
    v = w * 5
    assert ag.autograd.grad(graph.get_gradient_edge(v), w, grad_outputs=ag.ones(1), retain_graph=True)[0].item() == 5
    with pytest.raises(RuntimeError, match="needs its gradient in grad_outputs"):
        ag.autograd.grad(graph.get_gradient_edge(v), w)
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    (p * 2 * 3).sum().backward(inputs=[graph.get_gradient_edge(p)])
    assert p.grad.tolist() == [6.0, 6.0]


def test_gradient_edges_refuse_what_pytorch_refuses():
    graph = ag.autograd.graph
    with pytest.raises(RuntimeError, match="^It is not possible to get the gradient edge for a Tensor that does not "
                                           "require gradients$"):
        graph.get_gradient_edge(ag.ones(2))
    v = ag.tensor([3.0], requires_grad=True) * 5
    unused = graph.get_gradient_edge(ag.tensor([1.0], requires_grad=True))
    with pytest.raises(RuntimeError, match="at index 0 appears to not have been used in the graph"):
        ag.autograd.grad(v.sum(), unused, retain_graph=True)
    assert ag.autograd.grad(v.sum(), unused, allow_unused=True, retain_graph=True) == (None,)
    assert ag.autograd.grad(v.sum(), unused, materialize_grads=True)[0].tolist() == [0.0]
