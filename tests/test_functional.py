"""autograd.functional: jacobian, hessian, vjp and jvp give the analytic
answers, with PyTorch's nesting of tensors and tuples and its error messages.
"""
import re

import pytest

import autograd_ref as ag
from autograd_ref.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

D = ag.float64


def t(values):
    return ag.tensor(values, dtype=D)


def close(a, b):
    return a.shape == b.shape and ag.allclose(a, b, rtol=1e-10, atol=1e-12)


X = t([1.0, 2.0, 3.0])
Y = t([-1.0, 0.5])


def structure(result):
    """Nested tuples of shapes, to compare with what PyTorch returns."""
    if isinstance(result, tuple):
        return tuple(structure(r) for r in result)
    return tuple(result.shape)


# ---- jacobian ---------------------------------------------------------------------

def test_jacobian_of_square_is_diag_2x():
    assert close(jacobian(lambda a: a ** 2, X), t([[2.0, 0, 0], [0, 4.0, 0], [0, 0, 6.0]]))


def test_jacobian_of_a_matrix_product():
    a = ag.randn(2, 3, dtype=D)
    w = ag.randn(3, 4, dtype=D)
    jac = jacobian(lambda m: m @ w, a)              # d(a w)[i, k] / d a[j, l] = [i == j] w[l, k]
    assert jac.shape == (2, 4, 2, 3)
    for i in range(2):
        for j in range(2):
            expected = w.t() if i == j else ag.zeros(4, 3, dtype=D)
            assert close(jac[i, :, j, :], expected)


def test_jacobian_of_a_reduction_and_a_scalar():
    m = ag.randn(2, 3, dtype=D)
    assert close(jacobian(lambda a: a.sum(), m), ag.ones(2, 3, dtype=D))
    assert close(jacobian(lambda a: a * a, t(3.0)), t(6.0))


def test_jacobian_with_several_inputs_and_outputs():
    jac = jacobian(lambda a, b: (a * 2, a.sum() * b), (X, Y))
    assert structure(jac) == (((3, 3), (3, 2)), ((2, 3), (2, 2)))
    assert close(jac[0][0], 2 * ag.eye(3, dtype=D))
    assert close(jac[0][1], ag.zeros(3, 2, dtype=D))
    assert close(jac[1][0], Y.unsqueeze(1).expand(2, 3))
    assert close(jac[1][1], X.sum() * ag.eye(2, dtype=D))


@pytest.mark.parametrize("inputs, func, expected", [
    (X, lambda a: a ** 2, (3, 3)),
    ((X,), lambda a: a ** 2, ((3, 3),)),
    (X, lambda a: (a ** 2,), ((3, 3),)),
    ((X,), lambda a: (a ** 2,), (((3, 3),),)),
    ((X, Y), lambda a, b: a.sum() * b, ((2, 3), (2, 2))),
    (X, lambda a: (a, a.sum()), ((3, 3), (3,))),
])
def test_jacobian_nesting_follows_tensor_or_tuple(inputs, func, expected):
    assert structure(jacobian(func, inputs)) == expected


def test_jacobian_of_an_unused_input_is_zeros():
    jac = jacobian(lambda a, b: a * 3, (X, Y))
    assert close(jac[1], ag.zeros(3, 2, dtype=D))


def test_jacobian_leaves_inputs_and_their_grads_alone():
    x = X.clone().requires_grad_()
    jac = jacobian(lambda a: a.exp(), x)
    assert x.grad is None and not jac.requires_grad and jac.grad_fn is None


def test_jacobian_with_create_graph_can_be_differentiated():
    x = X.clone().requires_grad_()
    jac = jacobian(lambda a: a ** 3, x, create_graph=True)      # diag(3 x^2)
    assert jac.requires_grad
    (second,) = ag.autograd.grad(jac.sum(), x)
    assert close(second, 6 * X)


def test_jacobian_vectorize_and_forward_mode_give_the_same_answer():
    f = lambda a, b: (a.sin() * b.sum(), (a * a).sum())     # noqa: E731
    reverse = jacobian(f, (X, Y))
    for other in (jacobian(f, (X, Y), vectorize=True),
                  jacobian(f, (X, Y), vectorize=True, strategy="forward-mode")):
        assert structure(other) == structure(reverse)
        for row_a, row_b in zip(reverse, other):
            for a, b in zip(row_a, row_b):
                assert close(a, b)


def test_jacobian_of_empty_tensors():
    assert jacobian(lambda a: a[:0], X).shape == (0, 3)
    assert jacobian(lambda a: a.sum(), ag.zeros(0, dtype=D)).shape == (0,)


# ---- hessian ----------------------------------------------------------------------

def test_hessian_of_sum_of_cubes_is_diag_6x():
    assert close(hessian(lambda a: (a ** 3).sum(), X), t([[6.0, 0, 0], [0, 12.0, 0], [0, 0, 18.0]]))


def test_hessian_of_a_quadratic_form_is_the_symmetrised_matrix():
    a = ag.randn(3, 3, dtype=D)
    h = hessian(lambda v: v @ a @ v, X)
    assert close(h, a + a.t())


def test_hessian_blocks_for_two_inputs():
    # f(a, b) = sum(a^2) * sum(b): H_aa = 2 sum(b) I, H_ab = 2a 1^T, H_bb = 0
    h = hessian(lambda a, b: (a * a).sum() * b.sum(), (X, Y))
    assert structure(h) == (((3, 3), (3, 2)), ((2, 3), (2, 2)))
    assert close(h[0][0], 2 * Y.sum() * ag.eye(3, dtype=D))
    assert close(h[0][1], (2 * X).unsqueeze(1).expand(3, 2))
    assert close(h[1][0], (2 * X).unsqueeze(0).expand(2, 3))
    assert close(h[1][1], ag.zeros(2, 2, dtype=D))


def test_hessian_nesting_and_one_element_outputs():
    assert structure(hessian(lambda a: (a ** 3).sum(), (X,))) == (((3, 3),),)
    assert hessian(lambda a: (a ** 3).sum().reshape(1, 1), X).shape == (3, 3)


def test_hessian_with_create_graph_and_forward_outer_jacobian():
    x = X.clone().requires_grad_()
    h = hessian(lambda a: (a ** 4).sum(), x, create_graph=True)      # diag(12 x^2)
    (third,) = ag.autograd.grad(h.sum(), x)
    assert close(third, 24 * X)
    forward = hessian(lambda a: (a ** 4).sum(), X, vectorize=True,
                      outer_jacobian_strategy="forward-mode")
    assert close(forward, h.detach())


def test_hessian_of_a_linear_function_is_zero_unless_strict():
    assert close(hessian(lambda a: a.sum(), X), ag.zeros(3, 3, dtype=D))


# ---- vjp --------------------------------------------------------------------------

def test_vjp_is_v_times_the_jacobian():
    v = t([1.0, -1.0, 2.0])
    out, product = vjp(lambda a: a ** 2, X, v)
    assert close(out, X ** 2)
    assert close(product, 2 * X * v)


def test_vjp_of_a_matrix_product():
    a, w = ag.randn(2, 3, dtype=D), ag.randn(3, 4, dtype=D)
    v = ag.randn(2, 4, dtype=D)
    _, (ga, gw) = vjp(lambda p, q: p @ q, (a, w), v)
    assert close(ga, v @ w.t()) and close(gw, a.t() @ v)


def test_vjp_of_a_one_element_output_needs_no_v():
    out, grad = vjp(lambda a: (a * a).sum(), X)
    assert close(out, (X * X).sum()) and close(grad, 2 * X)


@pytest.mark.parametrize("inputs, func, v, expected", [
    (X, lambda a: a.sum(), None, ((), (3,))),
    ((X,), lambda a: a.sum(), None, ((), ((3,),))),
    (X, lambda a: (a.sum(),), None, (((),), (3,))),
    ((X, Y), lambda a, b: (a * 2, b.sum()), (X, t(1.0)), (((3,), ()), ((3,), (2,)))),
])
def test_vjp_nesting(inputs, func, v, expected):
    assert structure(vjp(func, inputs, v)) == expected


def test_vjp_of_an_unused_input_is_zeros():
    _, (ga, gb) = vjp(lambda a, b: a.sum(), (X, Y))
    assert close(gb, ag.zeros(2, dtype=D))


def test_vjp_with_create_graph_can_be_differentiated():
    x = X.clone().requires_grad_()
    _, g = vjp(lambda a: (a ** 3).sum(), x, create_graph=True)
    (second,) = ag.autograd.grad(g.sum(), x)
    assert close(second, 6 * X)


# ---- jvp --------------------------------------------------------------------------

def test_jvp_is_the_jacobian_times_v():
    v = t([1.0, 0.0, -2.0])
    out, product = jvp(lambda a: a.sin() * a, X, v)
    assert close(out, X.sin() * X)
    assert close(product, (X.cos() * X + X.sin()) * v)


def test_jvp_of_a_matrix_product():
    a, w = ag.randn(2, 3, dtype=D), ag.randn(3, 4, dtype=D)
    da, dw = ag.randn(2, 3, dtype=D), ag.randn(3, 4, dtype=D)
    _, product = jvp(lambda p, q: p @ q, (a, w), (da, dw))
    assert close(product, da @ w + a @ dw)


def test_jvp_agrees_with_the_jacobian():
    v = t([0.5, -1.0, 2.0])
    f = lambda a: (a.exp() * a.sum()).softmax(0)     # noqa: E731
    _, product = jvp(f, X, v)
    assert close(product, jacobian(f, X) @ v)


def test_jvp_of_a_one_element_input_needs_no_v():
    out, product = jvp(lambda a: a ** 3, t(2.0))
    assert close(out, t(8.0)) and close(product, t(12.0))


@pytest.mark.parametrize("inputs, func, v, expected", [
    (X, lambda a: a * 2, X, ((3,), (3,))),
    (X, lambda a: (a * 2,), X, (((3,),), ((3,),))),
    ((X, Y), lambda a, b: (a * 2, b.sum()), (X, Y), (((3,), ()), ((3,), ()))),
    ((X, Y), lambda a, b: a.sum(), (X, Y), ((), ())),
])
def test_jvp_nesting_follows_the_outputs(inputs, func, v, expected):
    assert structure(jvp(func, inputs, v)) == expected


def test_jvp_of_an_output_cut_from_the_graph_is_zeros():
    _, (p1, p2) = jvp(lambda a: (a * 2, a.detach()), X, X)
    assert close(p1, 2 * X) and close(p2, ag.zeros(3, dtype=D))


def test_jvp_with_create_graph_can_be_differentiated():
    x = X.clone().requires_grad_()
    _, product = jvp(lambda a: a ** 3, x, ag.ones(3, dtype=D), create_graph=True)
    (second,) = ag.autograd.grad(product.sum(), x)
    assert close(second, 6 * X)


# ---- errors -----------------------------------------------------------------------

def test_v_can_only_be_left_out_for_one_element():
    with pytest.raises(RuntimeError, match=re.escape(
            "The vector v can only be None if the user-provided function returns a single Tensor "
            "with a single element.")):
        vjp(lambda a: a ** 2, X)
    with pytest.raises(RuntimeError, match=re.escape(
            "The vector v can only be None if the input to the user-provided function is a single "
            "Tensor with a single element.")):
        jvp(lambda a: a ** 2, X)


@pytest.mark.parametrize("call, message", [
    (lambda: vjp(lambda a: a ** 2, X, t([1.0, 2.0])),
     "v has invalid size: should be torch.Size([3]) but got torch.Size([2])."),
    (lambda: vjp(lambda a: (a, a), X, (X,)), "v is a tuple of invalid length: should be 2 but got 1."),
    (lambda: vjp(lambda a: (a, a.sum()), X, (X, X)),
     "Entry 1 in v has invalid size: should be torch.Size([]) but got torch.Size([3])."),
    (lambda: vjp(lambda a: a, X, (X, X)), "The given v should contain a single Tensor."),
    (lambda: jvp(lambda a, b: a, (X, Y), (X, X)),
     "Entry 1 in v has invalid size: should be torch.Size([2]) but got torch.Size([3])."),
    (lambda: jvp(lambda a: a, X, (X, X)), "The given v should contain a single Tensor."),
])
def test_v_must_match_in_number_and_shape(call, message):
    with pytest.raises(RuntimeError, match="^" + re.escape(message) + "$"):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: jacobian(lambda a: a, [X]),
     "The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the given "
     "inputs has type <class 'list'>."),
    (lambda: jacobian(lambda a, b: a, (X, 3.0)),
     "The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the value at "
     "index 1 has type <class 'float'>."),
    (lambda: vjp(lambda a: 3.0, X, X),
     "The outputs of the user-provided function given to vjp must be either a Tensor or a tuple of "
     "Tensors but the given outputs of the user-provided function has type <class 'float'>."),
    (lambda: jvp(lambda a: a, X, [X]),
     "The v given to jvp must be either a Tensor or a tuple of Tensors but the given v has type "
     "<class 'list'>."),
    (lambda: hessian(lambda a: a, (X, 2)),
     "The inputs given to hessian must be either a Tensor or a tuple of Tensors but the value at "
     "index 1 has type <class 'int'>."),
])
def test_only_tensors_or_tuples_of_tensors_are_accepted(call, message):
    with pytest.raises(TypeError, match="^" + re.escape(message) + "$"):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: jacobian(lambda a: a.detach(), X, strict=True),
     "Output 0 of the user-provided function does not require gradients. The outputs must be "
     "computed in a differentiable manner from the input when running in strict mode."),
    (lambda: jacobian(lambda a, b: a * 2, (X, Y), strict=True),
     "Output 0 of the user-provided function is independent of input 1. This is not allowed in "
     "strict mode."),
    (lambda: jacobian(lambda a: a * 2, X, strict=True, create_graph=True),
     "The jacobian of the user-provided function is independent of input 0. This is not allowed "
     "in strict mode when create_graph=True."),
    (lambda: vjp(lambda a, b: a.sum(), (X, Y), strict=True),
     "The output of the user-provided function is independent of input 1. This is not allowed "
     "in strict mode."),
    (lambda: jvp(lambda a, b: a.sum(), (X, Y), (X, Y), strict=True),
     "The output of the user-provided function is independent of input 1. This is not allowed "
     "in strict mode."),
    (lambda: jvp(lambda a: a * 2, X, X, strict=True, create_graph=True),
     "The jacobian of the user-provided function is independent of input 0. This is not allowed "
     "in strict mode when create_graph=True."),
    (lambda: hessian(lambda a: a.sum(), X, strict=True),
     "While computing the hessian, found that the jacobian of the user-provided function with "
     "respect to input 0 is independent of the input. This is not allowed in strict mode. You "
     "should ensure that your function is twice differentiable and that the jacobian depends on "
     "the inputs (this would be violated by a linear function for example)."),
])
def test_strict_mode_refuses_independent_results(call, message):
    with pytest.raises(RuntimeError, match="^" + re.escape(message) + "$"):
        call()


@pytest.mark.parametrize("func, message", [
    (lambda a: a ** 3, "The Tensor returned by the function given to hessian should contain a single element"),
    (lambda a: ((a ** 3).sum(),), "The function given to hessian should return a single Tensor"),
])
def test_hessian_needs_a_single_one_element_tensor(func, message):
    with pytest.raises(RuntimeError, match="^" + re.escape(message) + "$"):
        hessian(func, X)


def test_jacobian_option_errors():
    with pytest.raises(AssertionError, match=re.escape(
            'Expected strategy to be either "forward-mode" or "reverse-mode".')):
        jacobian(lambda a: a, X, strategy="sideways")
    with pytest.raises(RuntimeError, match=re.escape(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
            "supported together. Please either set `strict=False` or `vectorize=False`.")):
        jacobian(lambda a: a * a, X, strict=True, vectorize=True)
    with pytest.raises(NotImplementedError, match=re.escape(
            "only implemented for `vectorize=True`.")):
        jacobian(lambda a: a * a, X, strategy="forward-mode")
    with pytest.raises(NotImplementedError, match=re.escape(
            '`create_graph=True` and `strategy="forward-mode"` are not supported together (yet).')):
        jacobian(lambda a: a * a, X, strategy="forward-mode", vectorize=True, create_graph=True)
    with pytest.raises(RuntimeError, match=re.escape(
            '`strict=True` and `strategy="forward-mode"` are not supported together (yet).')):
        jacobian(lambda a: a * a, X, strategy="forward-mode", vectorize=True, strict=True)


def test_functional_is_reachable_as_an_attribute_of_autograd():
    import subprocess
    import sys
    code = ("import autograd_ref as torch; "
            "print(torch.autograd.functional.jacobian(lambda x: x * 3, torch.ones(2)).tolist())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[[3.0, 0.0], [0.0, 3.0]]"


# ---- vhp and hvp (values and messages recorded with torch 2.13.0) -------------------------------------------


def two_inputs(a, b):
    return (a ** 3 * b).sum() + (a * b).sum()


F64 = dict(dtype=ag.float64)


@pytest.mark.parametrize("product", [vhp, hvp])
def test_vhp_and_hvp_give_the_hessian_times_v(product):
    a, b = ag.tensor([1., 2., 3.], **F64), ag.tensor([0.5, -1., 2.], **F64)
    v = (ag.tensor([1., 0., 2.], **F64), ag.tensor([0., 1., 1.], **F64))
    out, (ra, rb) = product(two_inputs, (a, b), v)
    assert out.item() == 51.0 and ra.tolist() == [3.0, 13.0, 100.0] and rb.tolist() == [4.0, 0.0, 56.0]
    assert not ra.requires_grad and not out.requires_grad
    hess = hessian(two_inputs, (a, b))                      # the same as v^T H from the whole Hessian
    for i, result in enumerate((ra, rb)):
        want = sum((v[j].unsqueeze(1) * hess[j][i]).sum(0) for j in range(2))
        assert result.tolist() == pytest.approx(want.tolist())
    _, r = product(lambda x: (x ** 3).sum(), ag.tensor([2.], **F64))       # v may be left out
    assert r.tolist() == [12.0]
    x = ag.tensor([1., 2., 3.], requires_grad=True, **F64)
    _, (ra, _) = product(two_inputs, (x, b), v, create_graph=True)
    assert ra.requires_grad and ra.grad_fn is not None
    _, r = product(lambda x, y: (x ** 2).sum(), (ag.ones(2, **F64), ag.ones(2, **F64)), (ag.ones(2, **F64),) * 2)
    assert [t.tolist() for t in r] == [[2.0, 2.0], [0.0, 0.0]]        # an unused input gets zeros


@pytest.mark.parametrize("product", [vhp, hvp])
def test_vhp_and_hvp_errors(product):
    name = product.__name__
    with pytest.raises(RuntimeError, match=re.escape(
            f"The Tensor returned by the function given to {name} should contain a single element")):
        product(lambda x: x * 2, ag.ones(2, **F64), ag.ones(2, **F64))
    linear = ("While computing the hessian, found that the jacobian of the user-provided function with "
              "respect to input 0 is independent of the input.")
    with pytest.raises(RuntimeError, match=re.escape(linear)):
        product(lambda x: (x * 2).sum(), ag.ones(2, **F64), ag.ones(2, **F64), strict=True)
    with pytest.raises(RuntimeError, match=re.escape(linear)):
        product(lambda x, y: (x * 2).sum(), (ag.ones(2, **F64),) * 2, (ag.ones(2, **F64),) * 2, strict=True)
