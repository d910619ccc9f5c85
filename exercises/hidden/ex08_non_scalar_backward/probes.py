"""Probes for exercise 8 (non-scalar backward, Jacobians, second derivatives). They run in the grading sandbox,
after the notebook's cells, with ``ns`` the namespace those cells defined; the standard library and numpy only.

The functions probed are built here from the engine's given operations (so that Parts 1, 3 and 4 do not depend
on Part 2's formulas), except where a test names the student's formulas on purpose. Arrays come back as
{"shape": [...], "values": [...]}; every judgement is made by the tests.
"""
import numpy as np


def _error(e):
    # NotImplementedError is a RuntimeError: it is what an unanswered part raises, never a check
    return {"type": type(e).__name__, "message": str(e)[:200],
            "runtime": isinstance(e, RuntimeError) and not isinstance(e, NotImplementedError)}


def _recorded(t):
    return getattr(t, "grad_fn", None) is not None


# Functions of tensors, by name. "given" ones use only the engine's given operations.
CASES = {
    "matvec_cube": lambda A, x: (A @ x) ** 3,                        # R^n -> R^m
    "matmat": lambda A, X: (A @ X) ** 2 - A @ X,                     # (n, k) -> (m, k)
    "mixed": lambda x, w: x * w + x ** 2 * 3.0,                      # elementwise, two inputs
    "cos_matvec": lambda A, x: (A @ x).cos(),                        # R^n -> R^m
    "cube_sum": lambda x: (x ** 3).sum(),                            # scalar
    "matvec_cube_sum": lambda A, x: ((A @ x) ** 3).sum(),            # scalar, cross terms
    "matmat_sq_sum": lambda A, X: ((A @ X) ** 2).sum(),              # scalar of a matrix
    "poly_two": lambda x, w: ((x * w) ** 2).sum() + (x ** 3).sum(),  # scalar of two inputs
    "transcendental": lambda x: (x.sin() * x.exp() / (1 + x ** 2)).sum(),   # the student's formulas
}


def _leaves(ns, arrays, requires):
    return [ns["Tensor"](a, requires_grad=bool(r)) for a, r in zip(arrays, requires)]


# ---------------------------------------------------------------------------------------------------------
# Part 1: backward


def probe_backward(ns, case, arrays, requires, gradients):
    """backward(CASES[case](*leaves), gradient) once per entry of gradients; the leaves' .grad."""
    ts = _leaves(ns, arrays, requires)
    out = CASES[case](*ts)
    for g in gradients:
        ns["backward"](out, None if g is None else ns["Tensor"](g))
    return [_tensor_array(t.grad) for t in ts]


def probe_backward_refused(ns, x, gradient):
    """backward(x ** 2, gradient) for a non-scalar x: what it raises."""
    t = ns["Tensor"](x, requires_grad=True)
    try:
        ns["backward"](t ** 2, None if gradient is None else ns["Tensor"](gradient))
    except Exception as e:
        return _error(e)
    return None


# ---------------------------------------------------------------------------------------------------------
# Part 2: the formulas


def probe_formula(ns, which, arrays, grad, weights):
    """Call the formula with leaves requiring grad; its values, whether they were recorded, and the gradient
    of sum(weights[k] * result[k]) with respect to the leaves (by the given engine)."""
    Tensor = ns["Tensor"]
    g = Tensor(grad)
    if which == "sin":
        (x,) = leaves = _leaves(ns, arrays, [True])
        results = (ns["sin_backward"](g, x),)
    elif which == "exp":
        (x,) = leaves = _leaves(ns, arrays, [True])
        results = (ns["exp_backward"](g, x, x.exp()),)
    else:
        a, b = leaves = _leaves(ns, arrays, [True, True])
        results = tuple(ns["div_backward"](g, a, b))
    values = [_tensor_array(r) for r in results][:3]
    recorded = [_recorded(r) for r in results][:3]
    second = None
    if all(recorded) and len(results) == len(weights):
        total = None
        for r, w in zip(results, weights):
            term = (r * Tensor(w)).sum()
            total = term if total is None else total + term
        found = ns["execute"](total, Tensor(1.0))
        second = [_tensor_array(found.get(t)) for t in leaves]
    return {"values": values, "recorded": recorded, "second": second}


# ---------------------------------------------------------------------------------------------------------
# Part 3: jacobian


def probe_jacobian(ns, case, consts, x):
    """jacobian(lambda t: CASES[case](*consts, t), x): the Jacobian, and what became of x."""
    Tensor = ns["Tensor"]
    cs = [Tensor(c) for c in consts]
    tx = Tensor(x)
    J = ns["jacobian"](lambda t: CASES[case](*cs, t), tx)
    return {"J": _tensor_array(J), "x_grad_none": tx.grad is None, "x_requires_grad": bool(tx.requires_grad),
            "x_unchanged": bool(np.array_equal(tx.data, np.asarray(x, dtype=float)))}


# ---------------------------------------------------------------------------------------------------------
# Part 4: grad


def probe_grad(ns, case, arrays, requires, wrt, grad_outputs=None, create_graph=False, extra_unused=False,
               preset=None, weights=None):
    """grad(CASES[case](*leaves), [leaves[i] for i in wrt] (+ an unused leaf), ...)."""
    Tensor = ns["Tensor"]
    ts = _leaves(ns, arrays, requires)
    if preset is not None:
        for t, p in zip(ts, preset):
            if p is not None:
                t.grad = Tensor(p)
    out = CASES[case](*ts)
    inputs = [ts[i] for i in wrt]
    if extra_unused:
        inputs.append(Tensor(np.ones(2), requires_grad=True))
    res = ns["grad"](out, inputs, grad_outputs=None if grad_outputs is None else Tensor(grad_outputs),
                     create_graph=bool(create_graph))
    is_tuple = isinstance(res, tuple)
    res = list(res)[:10] if isinstance(res, (tuple, list)) else [res]
    second = None
    if weights is not None and res and _recorded(res[0]):
        found = ns["execute"]((res[0] * Tensor(weights)).sum(), Tensor(1.0))
        second = [_tensor_array(found.get(t)) for t in ts]
    return {"is_tuple": is_tuple, "grads": [_tensor_array(r) for r in res],
            "recorded": [_recorded(r) for r in res], "dot_grads": [_tensor_array(t.grad) for t in ts],
            "second": second}


# ---------------------------------------------------------------------------------------------------------
# Part 5: hessian_vector_product


def probe_hvp(ns, case, consts, x, v):
    Tensor = ns["Tensor"]
    cs = [Tensor(c) for c in consts]
    tx = Tensor(x)
    hv = ns["hessian_vector_product"](lambda t: CASES[case](*cs, t), tx, Tensor(v))
    return {"hv": _tensor_array(hv), "x_grad_none": tx.grad is None}
