"""Hidden tests for exercise 8: non-scalar backward, Jacobians and second derivatives.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. Expected values come from autograd_ref
(``autograd.grad``, ``autograd.functional.jacobian``). Failure messages name the concept and never show the
inputs drawn here.
"""
import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import as_array, call, same
from autograd_ref.autograd.functional import jacobian as ref_jacobian

# ---------------------------------------------------------------------------------------------------------
# Helpers


def tensor(x, requires_grad=True):
    return ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=requires_grad)


def sizes(rng, n):
    """n sizes from 2 to 4, all different, so that a transposed result has the wrong shape."""
    return [int(s) for s in rng.choice([2, 3, 4, 5], size=n, replace=False)]


# The same functions as probes.CASES, on autograd_ref tensors.
CASES = {
    "matvec_cube": lambda A, x: (A @ x) ** 3,
    "matmat": lambda A, X: (A @ X) ** 2 - A @ X,
    "mixed": lambda x, w: x * w + x ** 2 * 3.0,
    "cos_matvec": lambda A, x: ag.cos(A @ x),
    "cube_sum": lambda x: (x ** 3).sum(),
    "matvec_cube_sum": lambda A, x: ((A @ x) ** 3).sum(),
    "matmat_sq_sum": lambda A, X: ((A @ X) ** 2).sum(),
    "poly_two": lambda x, w: ((x * w) ** 2).sum() + (x ** 3).sum(),
    "transcendental": lambda x: (ag.sin(x) * ag.exp(x) / (1 + x ** 2)).sum(),
}


def reference_vjp(case, arrays, requires, gradients):
    """The leaves' .grad after backward(out, g) for each g, from autograd_ref."""
    ts = [tensor(a, requires_grad=r) for a, r in zip(arrays, requires)]
    out = CASES[case](*ts)
    for g in gradients:
        out.backward(None if g is None else tensor(g, requires_grad=False), retain_graph=True)
    return [None if t.grad is None else t.grad.numpy() for t in ts]


# ---------------------------------------------------------------------------------------------------------
# Part 1: backward


def check_backward(student, case, arrays, requires, gradients, message):
    got = call(student, "backward", "backward", case=case, arrays=list(arrays), requires=requires,
               gradients=gradients)
    want = reference_vjp(case, arrays, requires, gradients)
    assert isinstance(got, list) and len(got) == len(want), "backward: the leaves lost their .grad"
    for g, w in zip(got, want):
        if w is None:
            assert g is None, "backward should leave .grad alone for a tensor that does not require grad"
        else:
            assert same(g, w), message


@pytest.mark.points(1, cell="test_backward")
def test_backward_of_a_scalar_output(student, rng):
    """Part 1: backward of a scalar output."""
    n, m = sizes(rng, 2)
    check_backward(student, "cube_sum", [rng.normal(size=n)], [True], [None],
                   "backward of a scalar output gives wrong gradients (start from ones)")
    check_backward(student, "poly_two", [rng.normal(size=n), rng.normal(size=n)], [True, True], [None],
                   "backward of a scalar output gives wrong gradients (start from ones)")
    check_backward(student, "matvec_cube_sum", [rng.normal(size=(m, n)), rng.normal(size=n)], [False, True],
                   [None], "backward of a scalar output gives wrong gradients (start from ones)")


@pytest.mark.points(1, cell="test_backward")
def test_backward_refuses_to_guess(student, rng):
    """Part 1: no gradient for a non-scalar output, or one of the wrong shape."""
    n = sizes(rng, 1)[0]
    got = call(student, "backward_refused", "backward", x=rng.normal(size=n), gradient=None)
    assert got is not None and got["runtime"] and \
        "grad can be implicitly created only for scalar outputs" in got["message"], (
            "backward of a non-scalar output without a gradient should raise PyTorch's RuntimeError, "
            "'grad can be implicitly created only for scalar outputs'")
    got = call(student, "backward_refused", "backward", x=rng.normal(size=n), gradient=rng.normal(size=n + 1))
    assert got is not None and got["runtime"], (
        "backward with a gradient whose shape is not the output's should raise a RuntimeError")


@pytest.mark.points(1, cell="test_backward")
def test_backward_computes_vector_jacobian_products(student, rng):
    """Part 1: backward(output, v) gives v^T J."""
    n, m, k = sizes(rng, 3)
    message = ("backward(y, v) gives wrong gradients: each output y_i should be weighted by v_i "
               "(the vector-Jacobian product v^T J)")
    check_backward(student, "matvec_cube", [rng.normal(size=(m, n)), rng.normal(size=n)], [True, True],
                   [rng.normal(size=m)], message)
    check_backward(student, "matmat", [rng.normal(size=(m, n)), rng.normal(size=(n, k))], [False, True],
                   [rng.normal(size=(m, k))], message)
    check_backward(student, "mixed", [rng.normal(size=n), rng.normal(size=n)], [True, True],
                   [rng.normal(size=n)], message)


@pytest.mark.points(1, cell="test_backward")
def test_backward_accumulates(student, rng):
    """Part 1: backward adds into .grad."""
    n, m = sizes(rng, 2)
    check_backward(student, "matvec_cube_sum", [rng.normal(size=(m, n)), rng.normal(size=n)], [True, True],
                   [None, None], "a second backward should add its gradients to .grad, not replace them")


# ---------------------------------------------------------------------------------------------------------
# Part 2: the formulas


def reference_formula(which, arrays, grad, weights):
    """The formula's values, and the gradient of sum(weights[k] * value[k]), from autograd_ref."""
    ts = [tensor(a) for a in arrays]
    out = {"sin": lambda x: ag.sin(x), "exp": lambda x: ag.exp(x), "div": lambda a, b: a / b}[which](*ts)
    firsts = ag.autograd.grad(out, ts, grad_outputs=tensor(grad, requires_grad=False), create_graph=True)
    total = sum((f * tensor(w, requires_grad=False)).sum() for f, w in zip(firsts, weights))
    seconds = ag.autograd.grad(total, ts, allow_unused=True)
    return [f.detach().numpy() for f in firsts], [None if s is None else s.numpy() for s in seconds]


def run_formula(student, rng, which):
    n = sizes(rng, 1)[0]
    if which == "div":
        arrays = [rng.normal(size=n), rng.uniform(0.5, 2.0, size=n) * rng.choice([-1.0, 1.0], size=n)]
    else:
        arrays = [rng.normal(size=n)]
    grad = rng.normal(size=n)
    weights = [rng.normal(size=n) for _ in arrays]
    got = call(student, "formula", f"{which}_backward", which=which, arrays=arrays, grad=grad, weights=weights)
    return got, reference_formula(which, arrays, grad, weights)


@pytest.mark.points(1, cell="test_formulas")
def test_sin_backward(student, rng):
    """Part 2: sin_backward."""
    got, (want, _) = run_formula(student, rng, "sin")
    assert len(got["values"]) == 1 and same(got["values"][0], want[0]), "sin_backward is wrong: grad * cos(x)"


@pytest.mark.points(1, cell="test_formulas")
def test_exp_backward(student, rng):
    """Part 2: exp_backward."""
    got, (want, _) = run_formula(student, rng, "exp")
    assert len(got["values"]) == 1 and same(got["values"][0], want[0]), "exp_backward is wrong: grad * exp(x)"


@pytest.mark.points(1, cell="test_formulas")
def test_div_backward(student, rng):
    """Part 2: div_backward."""
    got, (want, _) = run_formula(student, rng, "div")
    assert len(got["values"]) == 2, "div_backward should return two gradients, for a and for b"
    assert same(got["values"][0], want[0]), "div_backward: the gradient for a is wrong"
    assert same(got["values"][1], want[1]), "div_backward: the gradient for b is wrong"


@pytest.mark.points(1, cell="test_formulas")
def test_formulas_are_recorded(student, rng):
    """Part 2: the formulas are recorded, so they can be differentiated again."""
    for which in ("sin", "exp", "div"):
        got, (_, want) = run_formula(student, rng, which)
        assert got["recorded"] and all(got["recorded"]), (
            f"{which}_backward records nothing: write it with Tensor operations, not numpy on .data, so that a "
            "second derivative can go through it")
        assert got["second"] is not None and all(
            (w is None and g is None) or (w is not None and same(g, w)) for g, w in zip(got["second"], want)), (
            f"the derivative of {which}_backward's result is wrong")


# ---------------------------------------------------------------------------------------------------------
# Part 3: jacobian


def check_jacobian(student, case, consts, x, message):
    got = call(student, "jacobian", "jacobian", case=case, consts=list(consts), x=x)
    cs = [tensor(c, requires_grad=False) for c in consts]
    want = ref_jacobian(lambda t: CASES[case](*cs, t), tensor(x, requires_grad=False)).numpy()
    arr = as_array(got["J"])
    assert arr is not None and arr.shape == want.shape, (
        "jacobian has the wrong shape: it should be fn(x).shape + x.shape, one row per output element")
    assert same(got["J"], want), message
    return got


@pytest.mark.points(1, cell="test_jacobian")
def test_jacobian_of_a_vector_function(student, rng):
    """Part 3: the Jacobian of a function from R^n to R^m."""
    n, m = sizes(rng, 2)
    check_jacobian(student, "cos_matvec", [rng.normal(size=(m, n))], rng.normal(size=n),
                   "jacobian is wrong: row i should be the gradient of output i (one backward pass with a one-hot "
                   "gradient, starting each row from .grad = None)")


@pytest.mark.points(1, cell="test_jacobian")
def test_jacobian_of_a_matrix_function(student, rng):
    """Part 3: the Jacobian of a function of a matrix."""
    n, m, k = sizes(rng, 3)
    check_jacobian(student, "matmat", [rng.normal(size=(m, n))], rng.normal(size=(n, k)),
                   "jacobian of a function from matrices to matrices is wrong")


@pytest.mark.points(1, cell="test_jacobian")
def test_jacobian_of_a_scalar_function_leaves_x_alone(student, rng):
    """Part 3: a scalar function's Jacobian is its gradient; x is left alone."""
    n, m = sizes(rng, 2)
    got = check_jacobian(student, "matvec_cube_sum", [rng.normal(size=(m, n))], rng.normal(size=n),
                         "the Jacobian of a scalar function should be its gradient, shaped like x")
    assert got["x_grad_none"] and not got["x_requires_grad"] and got["x_unchanged"], (
        "jacobian should leave the caller's x alone (work on a fresh leaf)")


# ---------------------------------------------------------------------------------------------------------
# Part 4: grad


def reference_grad(case, arrays, requires, wrt, grad_outputs=None):
    ts = [tensor(a, requires_grad=r) for a, r in zip(arrays, requires)]
    out = CASES[case](*ts)
    go = None if grad_outputs is None else tensor(grad_outputs, requires_grad=False)
    return [g.numpy() for g in ag.autograd.grad(out, [ts[i] for i in wrt], grad_outputs=go)]


@pytest.mark.points(1, cell="test_grad")
def test_grad_returns_the_gradients(student, rng):
    """Part 4: grad returns one gradient per input."""
    n, m = sizes(rng, 2)
    for case, arrays, requires, wrt in (
            ("poly_two", [rng.normal(size=n), rng.normal(size=n)], [True, True], [0, 1]),
            ("poly_two", [rng.normal(size=n), rng.normal(size=n)], [True, True], [1]),
            ("matvec_cube_sum", [rng.normal(size=(m, n)), rng.normal(size=n)], [True, True], [1, 0])):
        got = call(student, "grad", "grad", case=case, arrays=arrays, requires=requires, wrt=wrt)
        want = reference_grad(case, arrays, requires, wrt)
        assert got["is_tuple"] and len(got["grads"]) == len(wrt), "grad should return a tuple, one entry per input"
        assert all(same(g, w) for g, w in zip(got["grads"], want)), "grad returns wrong gradients"
        assert not any(got["recorded"]), "without create_graph, the gradients grad returns should have no graph"


@pytest.mark.points(1, cell="test_grad")
def test_grad_with_grad_outputs_and_unused_inputs(student, rng):
    """Part 4: grad_outputs for a non-scalar output; None for an unused input."""
    n, m = sizes(rng, 2)
    arrays = [rng.normal(size=(m, n)), rng.normal(size=n)]
    v = rng.normal(size=m)
    got = call(student, "grad", "grad", case="matvec_cube", arrays=arrays, requires=[True, True], wrt=[1, 0],
               grad_outputs=v, extra_unused=True)
    want = reference_grad("matvec_cube", arrays, [True, True], [1, 0], grad_outputs=v)
    assert len(got["grads"]) == 3 and all(same(g, w) for g, w in zip(got["grads"], want)), (
        "grad with grad_outputs should weight each output by its entry of grad_outputs")
    assert got["grads"][2] is None, "grad should give None for an input the output does not depend on"


@pytest.mark.points(1, cell="test_grad")
def test_grad_leaves_dot_grad_alone(student, rng):
    """Part 4: grad does not touch .grad."""
    n = sizes(rng, 1)[0]
    preset = [None, rng.normal(size=n)]
    arrays = [rng.normal(size=n), rng.normal(size=n)]
    got = call(student, "grad", "grad", case="poly_two", arrays=arrays, requires=[True, True], wrt=[0, 1],
               preset=preset)
    want = reference_grad("poly_two", arrays, [True, True], [0, 1])
    assert len(got["grads"] or []) == 2 and all(same(g, w) for g, w in zip(got["grads"], want)), (
        "grad returns wrong gradients")
    assert got["dot_grads"][0] is None and same(got["dot_grads"][1], preset[1]), (
        "grad should return the gradients and leave every .grad as it was")


@pytest.mark.points(1, cell="test_grad")
def test_grad_with_create_graph(student, rng):
    """Part 4: create_graph=True gives gradients that can be differentiated again."""
    n, m = sizes(rng, 2)
    arrays = [rng.normal(size=(m, n)), rng.normal(size=n)]
    weights = rng.normal(size=n)
    got = call(student, "grad", "grad", case="matvec_cube_sum", arrays=arrays, requires=[True, True], wrt=[1],
               create_graph=True, weights=weights)
    ts = [tensor(a) for a in arrays]
    (first,) = ag.autograd.grad(CASES["matvec_cube_sum"](*ts), ts[1], create_graph=True)
    second = ag.autograd.grad((first * tensor(weights, requires_grad=False)).sum(), ts)
    assert same(got["grads"][0], first.detach().numpy()), "grad with create_graph=True returns wrong gradients"
    assert got["recorded"][0], (
        "with create_graph=True the returned gradient should have a grad_fn: run the backward pass with "
        "recording on")
    assert got["second"] is not None and all(same(g, w.numpy()) for g, w in zip(got["second"], second)), (
        "the graph of a gradient made with create_graph=True gives wrong second derivatives")


# ---------------------------------------------------------------------------------------------------------
# Part 5: hessian_vector_product


def reference_hvp(case, consts, x, v):
    cs = [tensor(c, requires_grad=False) for c in consts]
    tx = tensor(x)
    (g,) = ag.autograd.grad(CASES[case](*cs, tx), tx, create_graph=True)
    (hv,) = ag.autograd.grad((g * tensor(v, requires_grad=False)).sum(), tx)
    return hv.numpy()


def check_hvp(student, case, consts, x, v, message):
    got = call(student, "hvp", "hessian_vector_product", case=case, consts=consts, x=x, v=v)
    assert same(got["hv"], reference_hvp(case, consts, x, v), rtol=1e-6), message
    assert got["x_grad_none"], "hessian_vector_product should leave the caller's x alone"


@pytest.mark.points(1, cell="test_hvp")
def test_hvp_of_a_polynomial(student, rng):
    """Part 5: H v for a polynomial with cross terms."""
    n, m = sizes(rng, 2)
    check_hvp(student, "matvec_cube_sum", [rng.normal(size=(m, n))], rng.normal(size=n), rng.normal(size=n),
              "hessian_vector_product is wrong: the gradient of (g * v).sum(), with g from grad(..., "
              "create_graph=True)")


@pytest.mark.points(1, cell="test_hvp")
def test_hvp_of_a_matrix_argument(student, rng):
    """Part 5: H v for a function of a matrix."""
    n, m, k = sizes(rng, 3)
    check_hvp(student, "matmat_sq_sum", [rng.normal(size=(m, n))], rng.normal(size=(n, k)),
              rng.normal(size=(n, k)), "hessian_vector_product of a function of a matrix is wrong")


@pytest.mark.points(1, cell="test_hvp")
def test_hvp_through_sin_exp_and_div(student, rng):
    """Part 5: H v through sin, exp and division (your formulas)."""
    n = sizes(rng, 1)[0]
    check_hvp(student, "transcendental", [], rng.uniform(-1.5, 1.5, size=n), rng.normal(size=n),
              "hessian_vector_product through sin, exp and / is wrong: the second derivative goes through your "
              "backward formulas, which must be recorded")
