"""Custom differentiable operations: ``autograd.Function`` with static ``forward``
and ``backward``, called through ``apply``. Behaviour and messages as in PyTorch 2.13.
"""
import re

import pytest

import autograd_ref as ag
from autograd_ref.autograd import Function
from autograd_ref.autograd.function import once_differentiable


def exactly(message):
    return "^" + re.escape(message) + "$"


def assert_close(t, expected, rel=1e-5, abs=1e-6):
    assert t.detach().tolist() == pytest.approx(expected, rel=rel, abs=abs)


class MyReLU(Function):
    """The source article's ReLU, in today's static form."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 2 * x * grad


# ---- the basics -----------------------------------------------------------------------

def test_my_relu_forward_and_backward():
    x = ag.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = MyReLU.apply(x)
    assert y.tolist() == [0.0, 0.0, 2.0]
    assert y.requires_grad and not y.is_leaf
    (y * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 2.0, 3.0]        # as clamp(min=0) gives in PyTorch


def test_my_relu_matches_clamp_in_the_seed_two_layer_net():
    ag.manual_seed(0)
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = ag.randn(N, D_in).type(ag.FloatTensor)
    y = ag.randn(N, D_out).type(ag.FloatTensor)
    w1 = ag.randn(D_in, H, requires_grad=True)
    w2 = ag.randn(H, D_out, requires_grad=True)
    relu = MyReLU.apply
    loss = (relu(x.mm(w1)).mm(w2) - y).pow(2).sum()
    loss.backward()
    g1, g2 = w1.grad, w2.grad
    w1.grad = w2.grad = None
    (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum().backward()
    assert ag.allclose(g1, w1.grad) and ag.allclose(g2, w2.grad)


def test_seed_training_loop_with_my_relu_lowers_the_loss():
    ag.manual_seed(0)
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = ag.randn(N, D_in)
    y = ag.randn(N, D_out)
    w1 = ag.randn(D_in, H, requires_grad=True)
    w2 = ag.randn(H, D_out, requires_grad=True)
    learning_rate = 1e-6
    losses = []
    for _ in range(20):
        loss = (MyReLU.apply(x.mm(w1)).mm(w2) - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        w1.data -= learning_rate * w1.grad.data
        w2.data -= learning_rate * w2.grad.data
        w1.grad.data.zero_()
        w2.grad.data.zero_()
    assert losses[-1] < losses[0] / 2
    assert w1.is_leaf and w1.requires_grad


def test_node_is_named_after_the_function():
    x = ag.ones(2, requires_grad=True)
    y = MyReLU.apply(x)
    assert y.grad_fn.name() == "MyReLUBackward"
    assert type(y.grad_fn).__name__ == "MyReLUBackward"
    (acc, _), = y.grad_fn.next_functions
    assert acc.variable is x


def test_apply_without_grad_records_nothing():
    y = Square.apply(ag.tensor([3.0]))
    assert y.tolist() == [9.0]
    assert not y.requires_grad and y.grad_fn is None
    x = ag.tensor([3.0], requires_grad=True)
    with ag.no_grad():
        y = Square.apply(x)
    assert not y.requires_grad and y.grad_fn is None


def test_forward_runs_without_recording():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            y = x * 2
            seen.append((ag.is_grad_enabled(), y.requires_grad))
            return y

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    Probe.apply(ag.ones(2, requires_grad=True))
    assert seen == [(False, False)]


def test_custom_backward_is_differentiable_with_create_graph():
    x = ag.tensor(3.0, requires_grad=True)
    (g,) = ag.autograd.grad(Square.apply(x), x, create_graph=True)
    assert g.item() == 6.0 and g.requires_grad
    (g2,) = ag.autograd.grad(g, x)
    assert g2.item() == 2.0


def test_saved_tensors_are_freed_after_backward():
    x = ag.tensor(3.0, requires_grad=True)
    y = Square.apply(x)
    ctx = y.grad_fn
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        ctx.saved_tensors
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_retain_graph_keeps_saved_tensors():
    x = ag.tensor(3.0, requires_grad=True)
    y = Square.apply(x)
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 12.0


def test_saved_tensor_changed_in_place_is_caught():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = Square.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match=re.escape(
            "one of the variables needed for gradient computation has been modified by an "
            "inplace operation: [torch.FloatTensor [2]], which is output 0 of Add, is at "
            "version 1; expected version 0 instead.")):
        y.sum().backward()


# ---- ctx ---------------------------------------------------------------------------------

def test_needs_input_grad():
    seen = []

    class Needs(Function):
        @staticmethod
        def forward(ctx, a, b, k):
            seen.append(("forward", ctx.needs_input_grad))
            return a * b * k

        @staticmethod
        def backward(ctx, grad):
            seen.append(("backward", ctx.needs_input_grad))
            return grad, grad, None

    x = ag.ones(2, requires_grad=True)
    Needs.apply(x, ag.ones(2), 3).sum().backward()
    Needs.apply(x, x, 3)
    assert seen == [("forward", (True, False, False)), ("backward", (True, False, False)),
                    ("forward", (True, True, False))]


def test_non_tensor_arguments_get_none_gradients_and_can_live_on_ctx():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.k, None

    x = ag.tensor([1.0, 3.0], requires_grad=True)
    y = Scale.apply(x, 5)
    assert y.grad_fn.k == 5
    y.sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_keyword_arguments_reach_forward():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, k=2):
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad, None

    x = ag.tensor(3.0, requires_grad=True)
    assert Scale.apply(x, k=3).item() == 9.0
    assert Scale.apply(x).item() == 6.0


def test_extra_trailing_none_gradients_are_allowed():
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2, None, None

    x = ag.ones(2, requires_grad=True)
    Double.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_gradient_that_broadcasts_is_summed_to_the_input_shape():
    class Total(Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return ag.ones(3, 2)

    x = ag.ones(2, requires_grad=True)
    Total.apply(x).backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_several_outputs_share_one_node():
    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    x = ag.ones(2, requires_grad=True)
    a, b = Two.apply(x)
    assert a.grad_fn is b.grad_fn
    assert (a.output_nr, b.output_nr) == (0, 1)
    (a + b).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_unused_outputs_get_zero_gradients_by_default():
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1.tolist(), g2.tolist()))
            return g1 * 2 + g2 * 3

    x = ag.ones(2, requires_grad=True)
    a, b = Two.apply(x)
    b.sum().backward()
    assert seen == [([0.0, 0.0], [1.0, 1.0])]
    assert x.grad.tolist() == [3.0, 3.0]


def test_set_materialize_grads_false_gives_none_for_unused_outputs():
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1, g2.tolist()))
            return g2 * 3

    x = ag.ones(2, requires_grad=True)
    a, b = Two.apply(x)
    b.sum().backward()
    assert seen == [(None, [1.0, 1.0])]
    assert x.grad.tolist() == [3.0, 3.0]


def test_mark_non_differentiable():
    seen = []

    class WithIndex(Function):
        @staticmethod
        def forward(ctx, x):
            values, index = x * 2, ag.tensor([2.0, 1.0, 0.0])
            ctx.mark_non_differentiable(index)
            return values, index

        @staticmethod
        def backward(ctx, g_values, g_index):
            seen.append(g_index.tolist())
            return g_values * 2

    x = ag.ones(3, requires_grad=True)
    values, index = WithIndex.apply(x)
    assert values.requires_grad
    assert not index.requires_grad and index.grad_fn is None
    values.sum().backward()
    assert seen == [[0.0, 0.0, 0.0]]
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_integer_outputs_need_no_grad():
    class ArgMax(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x.argmax()

        @staticmethod
        def backward(ctx, g, g_index):
            return g * 2

    x = ag.tensor([1.0, 3.0, 2.0], requires_grad=True)
    values, index = ArgMax.apply(x)
    assert values.requires_grad and not index.requires_grad and index.grad_fn is None
    values.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_outputs_that_are_not_tensors():
    seen = []

    class Mixed(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, None, 5

        @staticmethod
        def backward(ctx, g, g_none, g_five):
            seen.append((g_none, g_five))
            return g * 2

    x = ag.ones(2, requires_grad=True)
    y, nothing, five = Mixed.apply(x)
    assert nothing is None and five == 5
    y.sum().backward()
    assert seen == [(None, None)]
    assert x.grad.tolist() == [2.0, 2.0]


def test_returning_an_input_gives_a_new_tensor():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 3

    x = ag.ones(2, requires_grad=True)
    y = Identity.apply(x)
    assert y is not x
    assert y.data_ptr() == x.data_ptr()
    assert y.grad_fn.name() == "IdentityBackward"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


class DoubleInPlace(Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


def test_mark_dirty_on_a_non_leaf():
    x = ag.ones(2, requires_grad=True)
    h = x * 1
    y = DoubleInPlace.apply(h)
    assert y is h
    assert h.grad_fn.name() == "DoubleInPlaceBackward"
    assert h.tolist() == [2.0, 2.0]
    h.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_mark_dirty_on_a_leaf_that_requires_grad():
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=exactly(
            "a leaf Variable that requires grad has been used in an in-place operation.")):
        DoubleInPlace.apply(x)


# ---- once_differentiable ------------------------------------------------------------------

class OnceSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 2 * x * grad


def test_once_differentiable_first_derivative():
    x = ag.tensor(3.0, requires_grad=True)
    OnceSquare.apply(x).backward()
    assert x.grad.item() == 6.0


def test_once_differentiable_refuses_a_second_derivative():
    x = ag.tensor(3.0, requires_grad=True)
    y = OnceSquare.apply(x)
    (g,) = ag.autograd.grad(y * y, x, create_graph=True)       # 4 x^3
    assert g.item() == 108.0
    assert g.grad_fn.name() == "torch::autograd::Error"
    with pytest.raises(RuntimeError, match=exactly(
            "trying to differentiate twice a function that was marked with @once_differentiable")):
        g.backward()


# ---- errors -------------------------------------------------------------------------------

def test_wrong_number_of_gradients():
    class MyFn(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, grad):
            return grad

    x = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=exactly(
            "function MyFnBackward returned an incorrect number of gradients (expected 2, got 1)")):
        MyFn.apply(x, x).sum().backward()


def test_too_many_gradients():
    class Extra(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2, grad

    with pytest.raises(RuntimeError, match=exactly(
            "function ExtraBackward returned an incorrect number of gradients (expected 1, got 2)")):
        Extra.apply(ag.ones(2, requires_grad=True)).sum().backward()


def test_gradient_of_the_wrong_shape():
    class Total(Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return ag.ones(3)

    with pytest.raises(RuntimeError, match=exactly(
            "Function TotalBackward returned an invalid gradient at index 0 - got [3] but "
            "expected shape compatible with [2]")):
        Total.apply(ag.ones(2, requires_grad=True)).backward()


def test_gradient_for_a_non_tensor_argument():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    with pytest.raises(RuntimeError, match=exactly(
            "function ScaleBackward returned a gradient different than None at position 2, but "
            "the corresponding forward input was not a Variable")):
        Scale.apply(ag.ones(2, requires_grad=True), 2.0).sum().backward()


def test_gradient_that_is_not_a_tensor():
    class Number(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return 1.0

    with pytest.raises(RuntimeError, match=exactly("expected Variable or None (got float)")):
        Number.apply(ag.ones(2, requires_grad=True)).sum().backward()


def test_save_for_backward_takes_tensors_only():
    class SaveNumber(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(TypeError, match=exactly(
            "save_for_backward can only save variables, but argument 1 is of type int")):
        SaveNumber.apply(ag.tensor(3.0, requires_grad=True))


def test_legacy_non_static_forward():
    class Legacy(Function):
        def forward(self, x):
            return x * 2

    with pytest.raises(RuntimeError, match=exactly(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")):
        Legacy()(ag.ones(2, requires_grad=True))
