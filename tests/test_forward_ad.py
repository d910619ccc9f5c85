"""Forward-mode AD (``autograd.forward_ad``), as PyTorch 2.13 behaves (each behaviour below was checked with
torch 2.13.0; the tangents of every operation are compared with PyTorch's in test_golden.py, and forward mode
against reverse mode and finite differences in test_properties.py and test_gradcheck.py)."""
import pytest

import autograd_ref as torch
from autograd_ref import func
from autograd_ref.autograd import Function
from autograd_ref.autograd import forward_ad as fwAD


def dual(values, tangent, **kw):
    return fwAD.make_dual(torch.tensor(values, **kw), torch.tensor(tangent))


def test_a_dual_tensor_carries_its_tangent_through_operations():
    with fwAD.dual_level():
        x = dual([0.0, 1.0], [1.0, 2.0])
        y = x.sin() * 3
        primal, tangent = fwAD.unpack_dual(y)
        assert isinstance(fwAD.unpack_dual(y), fwAD.UnpackedDualTensor)
        assert primal.tolist() == pytest.approx([0.0, 3 * 0.8414709848])
        assert tangent.tolist() == pytest.approx([3.0, 6 * 0.5403023059])
        assert primal._base is y                 # a view of the dual tensor, without the tangent
        assert fwAD.unpack_dual(primal).tangent is None
        assert not y.requires_grad and y.grad_fn is None


def test_make_dual_keeps_the_tangent_object_and_unpack_of_a_plain_tensor_has_none():
    with fwAD.dual_level():
        t = torch.tensor([1.0, 0.0])
        x = fwAD.make_dual(torch.tensor([1.0, 2.0]), t)
        assert fwAD.unpack_dual(x).tangent is t
        plain = torch.tensor([1.0])
        assert fwAD.unpack_dual(plain) == (plain, None)


def test_tangents_are_dropped_when_the_level_closes_and_shown_inside_it():
    with fwAD.dual_level():
        y = dual([1.0, 2.0], [1.0, 0.0]) * 2
        assert repr(y) == "tensor([2., 4.], tangent=tensor([2., 0.]))"
    assert fwAD.unpack_dual(y).tangent is None
    assert repr(y) == "tensor([2., 4.])"


def test_errors_say_what_is_wrong():
    with pytest.raises(RuntimeError, match="no level exists, make sure to enter_dual_level\\(\\) first"):
        fwAD.make_dual(torch.tensor([1.0]), torch.tensor([1.0]))
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match="Nested forward mode AD is not supported at the moment"):
            fwAD.enter_dual_level()
        with pytest.raises(RuntimeError, match="Tensor is of size \\[3\\] while the given forward gradient is of "
                                               "size \\[2\\]"):
            fwAD.make_dual(torch.ones(3), torch.ones(2))
        with pytest.raises(ValueError, match="Expected primal to be floating point or complex, but got"):
            fwAD.make_dual(torch.tensor([1, 2]), torch.tensor([1, 2]))
        with pytest.raises(ValueError, match="Expected tangent to be floating point or complex, but got"):
            fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1, 2]))
    # the failed enter did not leave a level open
    with pytest.raises(RuntimeError, match="no level exists"):
        fwAD.make_dual(torch.tensor([1.0]), torch.tensor([1.0]))


def test_grad_mode_does_not_stop_forward_mode_and_detach_drops_the_tangent():
    with fwAD.dual_level():
        x = fwAD.make_dual(torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 1.0]))
        with torch.no_grad():
            z = x * 3
        assert fwAD.unpack_dual(z).tangent.tolist() == [3.0, 3.0] and z.grad_fn is None
        assert fwAD.unpack_dual(x.detach()).tangent is None
        assert fwAD.unpack_dual(x.data).tangent is None
        assert fwAD.unpack_dual((x * 2).argmax()).tangent is None       # integers have no tangent
        assert fwAD.unpack_dual(x.floor()).tangent.tolist() == [0.0, 0.0]


def test_a_dual_of_a_leaf_that_requires_grad_is_recorded_for_backward_too():
    leaf = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with fwAD.dual_level():
        x = fwAD.make_dual(leaf, torch.tensor([1.0, 0.0, 0.0]))
        assert x.requires_grad and not x.is_leaf and x.grad_fn.name() == "ViewBackward0"
        y = x * x
        assert y.grad_fn.name() == "MulBackward0"
        assert [n.name() for n, _ in y.grad_fn.next_functions] == ["ViewBackward0", "ViewBackward0"]
        assert fwAD.unpack_dual(y).tangent.tolist() == [2.0, 0.0, 0.0]
        y.sum().backward()
    assert leaf.grad.tolist() == [2.0, 4.0, 6.0]


def test_several_outputs_each_get_their_tangent():
    with fwAD.dual_level():
        x = dual([[1.0, 5.0], [4.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]])
        values, indices = x.max(1)
        assert fwAD.unpack_dual(values).tangent.tolist() == [2.0, 3.0]
        assert fwAD.unpack_dual(indices).tangent is None
        first, second = x.unbind()
        assert fwAD.unpack_dual(first).tangent.tolist() == [1.0, 2.0]
        assert fwAD.unpack_dual(second).tangent.tolist() == [3.0, 4.0]


def test_in_place_changes_update_the_tangent():
    with fwAD.dual_level():
        x = dual([1.0, 2.0, 3.0], [1.0, 0.0, 0.0])
        w = x.clone()
        w.mul_(2)
        assert fwAD.unpack_dual(w).tangent.tolist() == [2.0, 0.0, 0.0]
        b = torch.zeros(3)
        b[0] = x[0]                                # a plain tensor gets a tangent where the dual went
        assert fwAD.unpack_dual(b).tangent.tolist() == [1.0, 0.0, 0.0]
        w.zero_()
        assert fwAD.unpack_dual(w).tangent.tolist() == [0.0, 0.0, 0.0]
        base = x.clone()
        view = base[1:]
        view.mul_(dual([2.0, 2.0], [1.0, 1.0]))     # the base's tangent changes where the view is
        assert fwAD.unpack_dual(base).tangent.tolist() == [1.0, 2.0, 3.0]
        assert fwAD.unpack_dual(view).tangent.tolist() == [2.0, 3.0]


class Scale(Function):
    """(x * y * k, x + y), with a jvp; records what forward and jvp saw."""
    seen = {}

    @staticmethod
    def forward(ctx, x, y, k):
        Scale.seen["forward tangent"] = fwAD.unpack_dual(x).tangent
        ctx.save_for_forward(x, y)
        ctx.k = k
        return x * y * k, x + y

    @staticmethod
    def backward(ctx, g1, g2):
        return None, None, None

    @staticmethod
    def jvp(ctx, tx, ty, tk):
        Scale.seen["jvp"] = (tx, ty, tk)
        x, y = ctx.saved_tensors
        return (tx * y + x * ty) * ctx.k, tx + ty


def test_a_custom_function_pushes_tangents_with_its_jvp():
    with fwAD.dual_level():
        x = dual([1.0, 2.0], [1.0, 1.0])
        a, b = Scale.apply(x, torch.tensor([3.0, 4.0]), 2.0)
        assert Scale.seen["forward tangent"] is None           # forward sees plain tensors
        tx, ty, tk = Scale.seen["jvp"]
        assert tx.tolist() == [1.0, 1.0] and ty.tolist() == [0.0, 0.0] and tk is None
        assert fwAD.unpack_dual(a).tangent.tolist() == [6.0, 8.0]
        assert fwAD.unpack_dual(b).tangent.tolist() == [1.0, 1.0]
        y = torch.tensor([3.0, 4.0], requires_grad=True)
        a, _ = Scale.apply(x, y, 2.0)
        assert a.grad_fn.name() == "ScaleBackward" and fwAD.unpack_dual(a).tangent.tolist() == [6.0, 8.0]


def test_a_custom_function_without_jvp_is_refused_in_forward_mode():
    class Twice(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    with fwAD.dual_level():
        assert fwAD.unpack_dual(Twice.apply(torch.tensor([1.0]))).tangent is None     # no tangent: no jvp needed
        with pytest.raises(NotImplementedError, match="You must implement the jvp function for custom "
                                                      "autograd.Function to use it with forward mode AD."):
            Twice.apply(dual([1.0], [1.0]))


def test_forward_over_reverse_gives_a_hessian_vector_product():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        x = fwAD.make_dual(w, torch.tensor([1.0, 1.0]))
        (g,) = torch.autograd.grad((x ** 3).sum(), w, create_graph=True)
        primal, tangent = fwAD.unpack_dual(g)
        assert primal.tolist() == [3.0, 12.0] and tangent.tolist() == [6.0, 12.0]      # H v = 6 x v


def test_func_jvp_jacfwd_and_hessian_use_forward_mode():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64)
    out, tangent = func.jvp(lambda t: t.exp() * t, (x,), (torch.tensor([1.0, 0.0], dtype=torch.float64),))
    assert tangent.tolist() == pytest.approx([2 * 2.718281828459045, 0.0])
    assert not out.requires_grad and fwAD.unpack_dual(out).tangent is None
    assert func.jacfwd(lambda t: t ** 2)(x).tolist() == [[2.0, 0.0], [0.0, 4.0]]
    assert func.hessian(lambda t: (t ** 3).sum())(x).tolist() == [[6.0, 0.0], [0.0, 12.0]]
    assert func.jacfwd(func.jacfwd(lambda t: (t ** 3).sum()))(x).tolist() == [[6.0, 0.0], [0.0, 12.0]]
    jac = torch.autograd.functional.jacobian(lambda t: t.sin(), x, vectorize=True, strategy="forward-mode")
    assert jac.reshape(-1).tolist() == pytest.approx([0.5403023058681398, 0.0, 0.0, -0.4161468365471424])


def test_transforms_nest_with_forward_mode_outside():
    """grad, vjp inside jvp and jacfwd: the tangent goes through them (checked with torch 2.13)."""
    x = torch.tensor([1.0, 2.0])
    f = lambda t: (t ** 3).sum()  # noqa: E731
    assert func.jvp(func.grad(f), (x,), (torch.tensor([1.0, 0.0]),))[1].tolist() == [6.0, 0.0]
    assert func.jacfwd(func.grad(f))(x).tolist() == [[6.0, 0.0], [0.0, 12.0]]
    through_vjp = func.jvp(lambda t: func.vjp(f, t)[1](torch.tensor(1.0))[0], (x,), (torch.tensor([0.0, 1.0]),))
    assert through_vjp[1].tolist() == [0.0, 12.0]


def test_a_jvp_of_the_wrong_shape_is_refused_and_setup_context_style_works():
    class Total(Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return grad.expand(3)

        @staticmethod
        def jvp(ctx, t):
            return t                        # should be t.sum()

    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match="Tensor is of size \\[\\] while the given forward gradient is of "
                                               "size \\[3\\]"):
            Total.apply(fwAD.make_dual(torch.ones(3), torch.ones(3)))

    class Scale(Function):
        @staticmethod
        def forward(x, k):                  # no ctx: setup_context fills it in
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.k, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(x, 3.0)
    y.sum().backward()
    assert y.grad_fn.name() == "ScaleBackward" and x.grad.tolist() == [3.0, 3.0]
    assert func.grad(lambda t: Scale.apply(t, 3.0).sum())(torch.tensor([1.0, 2.0])).tolist() == [3.0, 3.0]
