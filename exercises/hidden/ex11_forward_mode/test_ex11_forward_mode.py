"""Hidden tests for exercise 11: forward-mode AD with dual numbers.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. Expected values come from autograd_ref's
forward mode (``autograd.forward_ad``, ``func.jvp``, ``func.jacfwd``, and ``func.hessian``, which is
``jacfwd(jacrev(f))``). Failure messages name the concept and never show the inputs drawn here.
"""
import math

import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import call
from autograd_ref.autograd import forward_ad as fwAD

# ---------------------------------------------------------------------------------------------------------
# Helpers


def tensor(x):
    return ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64)


def close(got, want, rtol=1e-9, atol=1e-12):
    """got (a probe's number) is a finite number close to want."""
    return isinstance(got, float) and math.isfinite(got) and abs(got - want) <= atol + rtol * abs(want)


def all_close(got, want):
    """got (a probe's list of numbers) has want's length and every entry close to it."""
    want = [float(w) for w in np.asarray(want, dtype=float).ravel()]
    return isinstance(got, list) and len(got) == len(want) and all(close(g, w) for g, w in zip(got, want))


def sizes(rng, n):
    """n sizes from 2 to 5, all different, so that a transposed Jacobian has the wrong shape."""
    return [int(s) for s in rng.choice([2, 3, 4, 5], size=n, replace=False)]


def number(rng, low=-2.0, high=2.0, away=0.3):
    """A float in [low, high], at least ``away`` from 0."""
    while True:
        x = float(rng.uniform(low, high))
        if abs(x) >= away:
            return x


def pair(rng, **kwargs):
    """A dual number as [value, tangent]; the tangent is never close to 0 or 1."""
    tangent = number(rng, -3.0, 3.0, away=0.3)
    while abs(tangent - 1.0) < 0.3:
        tangent = number(rng, -3.0, 3.0, away=0.3)
    return [number(rng, **kwargs), tangent]


def forward(fn, *operands):
    """(value, tangent) of fn(*operands) by autograd_ref's forward_ad: a [value, tangent] operand is a dual
    tensor, a plain number stays a number."""
    with fwAD.dual_level():
        args = [fwAD.make_dual(tensor(o[0]), tensor(o[1])) if isinstance(o, list) else o for o in operands]
        unpacked = fwAD.unpack_dual(fn(*args))
        tangent = 0.0 if unpacked.tangent is None else unpacked.tangent.item()
        return unpacked.primal.item(), tangent


def is_dual(got, want):
    """got (a probe's {"dual", "value", "tangent"}) is a Dual holding want = (value, tangent)."""
    return isinstance(got, dict) and got.get("dual") is True and close(got.get("value"), want[0]) and \
        close(got.get("tangent"), want[1])


# ---------------------------------------------------------------------------------------------------------
# Part 1: the Dual class

REF_OPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b}
RULES = {"add": "x + y: the values add and the tangents add",
         "sub": "x - y: the tangents subtract",
         "mul": "x * y: the tangent is x' y + x y' (the product rule)",
         "div": "x / y: the tangent is (x' y - x y') / y**2 (the quotient rule)"}


def check_binary(student, op, a, b, message, what=None):
    got = call(student, "binary", what or RULES[op].split(":")[0], op=op, a=a, b=b)
    assert is_dual(got["out"], forward(REF_OPS[op], a, b)), message
    assert got["kept"], "an operation should return a new Dual and leave its operands as they were"


@pytest.mark.points(1, cell="test_dual")
def test_add_and_sub(student, rng):
    """Part 1: a + b and a - b for two Duals."""
    for op in ("add", "sub"):
        check_binary(student, op, pair(rng), pair(rng), RULES[op])


@pytest.mark.points(1, cell="test_dual")
def test_mul(student, rng):
    """Part 1: a * b for two Duals, the product rule."""
    check_binary(student, "mul", pair(rng), pair(rng), RULES["mul"])
    a = pair(rng)
    got = call(student, "square", "x * x", a=a)
    assert is_dual(got["out"], forward(lambda x: x * x, a)), "x * x: the tangent is 2 x x' (the product rule)"


@pytest.mark.points(1, cell="test_dual")
def test_div(student, rng):
    """Part 1: a / b for two Duals, the quotient rule."""
    check_binary(student, "div", pair(rng), pair(rng, away=0.5), RULES["div"])


@pytest.mark.points(1, cell="test_dual")
def test_plain_number_on_the_right(student, rng):
    """Part 1: a Dual and a plain number on its right."""
    for op in ("add", "sub", "mul", "div"):
        check_binary(student, op, pair(rng), number(rng, away=0.5),
                     f"{RULES[op].split(':')[0]} with a plain number y: y is a constant, with tangent 0")


@pytest.mark.points(1, cell="test_dual")
def test_plain_number_on_the_left(student, rng):
    """Part 1: a plain number on the left (the reflected operators)."""
    names = {"add": ("c + x", "x.__radd__(c)"), "sub": ("c - x", "x.__rsub__(c), which is c - x, not x - c"),
             "mul": ("c * x", "x.__rmul__(c)"), "div": ("c / x", "x.__rtruediv__(c), which is c / x, not x / c")}
    for op in ("add", "sub", "mul", "div"):
        what, method = names[op]
        check_binary(student, op, number(rng, away=0.5), pair(rng, away=0.5),
                     f"{what} for a plain number c on the left is wrong: Python calls {method}, and c is a "
                     f"constant, with tangent 0", what=what)


@pytest.mark.points(1, cell="test_dual")
def test_as_dual(student, rng):
    """Part 1: as_dual."""
    for c in (number(rng), int(rng.integers(2, 9))):
        got = call(student, "as_dual", "as_dual", number=c, a=pair(rng))
        assert is_dual(got["out"], (float(c), 0.0)), (
            "as_dual of a plain number should be a new Dual holding it, with tangent 0.0 (a constant)")
        assert got["same"], "as_dual of a Dual should give that same Dual back"


# ---------------------------------------------------------------------------------------------------------
# Part 2: sin, exp, log, power

REF_FUNCTIONS = {"sin": ag.sin, "exp": ag.exp, "log": ag.log}
CHAIN = {"sin": "the tangent of sin(x) is cos(x) times x's tangent",
         "exp": "the tangent of exp(x) is exp(x) times x's tangent",
         "log": "the tangent of log(x) is x's tangent divided by x"}


def check_function(student, rng, name):
    low = 0.3 if name == "log" else -2.0
    for a in (pair(rng, low=low, high=2.5), pair(rng, low=low, high=2.5)):
        got = call(student, "function", name, which=name, a=a)
        assert is_dual(got["out"], forward(REF_FUNCTIONS[name], a)), f"{name} of a Dual is wrong: {CHAIN[name]}"
        assert got["kept"], f"{name} should return a new Dual and leave its argument as it was"
    c = number(rng, low=low, high=2.5)
    got = call(student, "function", name, which=name, a=c)
    assert is_dual(got["out"], forward(REF_FUNCTIONS[name], [c, 0.0])), (
        f"{name} of a plain number should be a constant Dual: its value, with tangent 0.0")


@pytest.mark.points(1, cell="test_functions")
def test_sin(student, rng):
    """Part 2: sin."""
    check_function(student, rng, "sin")


@pytest.mark.points(1, cell="test_functions")
def test_exp(student, rng):
    """Part 2: exp."""
    check_function(student, rng, "exp")


@pytest.mark.points(1, cell="test_functions")
def test_log(student, rng):
    """Part 2: log."""
    check_function(student, rng, "log")


@pytest.mark.points(1, cell="test_functions")
def test_power(student, rng):
    """Part 2: power and x ** n."""
    for n in (3, -2, 0.5, 1.5):
        a = pair(rng, low=0.3, high=2.5)
        want = forward(lambda x: x ** n, a)
        got = call(student, "function", "power", which="power", a=a, n=n)
        assert is_dual(got["out"], want), "power(x, n) is wrong: the tangent is n x**(n-1) times x's tangent"
        got = call(student, "function", "x ** n", which="pow_operator", a=a, n=n)
        assert is_dual(got["out"], want), "x ** n is wrong: it calls power(x, n)"
    c = number(rng, low=0.3, high=2.5)
    got = call(student, "function", "power", which="power", a=c, n=3)
    assert is_dual(got["out"], (c ** 3, 0.0)), (
        "power of a plain number should be a constant Dual: its value, with tangent 0.0")


# ---------------------------------------------------------------------------------------------------------
# Parts 3 and 4: the functions of probes._function, on autograd_ref tensors


def draw_function(rng, m, n):
    """The constants of y = A sin(x) + b (c . x)**2, as lists."""
    return {"A": rng.normal(size=(m, n)).tolist(), "b": rng.normal(size=m).tolist(),
            "c": rng.normal(size=n).tolist()}


def reference_function(consts):
    A, b, c = tensor(consts["A"]), tensor(consts["b"]), tensor(consts["c"])
    return lambda x: A @ ag.sin(x) + b * (c @ x) ** 2


def reference_jvp(consts, xs, vs):
    out, tangent = ag.func.jvp(reference_function(consts), (tensor(xs),), (tensor(vs),))
    return out.numpy(), tangent.numpy()


def reference_jacobian(consts, xs):
    return ag.func.jacfwd(reference_function(consts))(tensor(xs)).numpy()


@pytest.mark.points(1, cell="test_jvp")
def test_jvp_of_one_output(student, rng):
    """Part 3: jvp of a function with one output."""
    n = sizes(rng, 1)[0]
    consts = draw_function(rng, 1, n)
    xs, vs = rng.normal(size=n).tolist(), rng.normal(size=n).tolist()
    got = call(student, "jvp", "jvp", xs=xs, vs=vs, single=True, **consts)
    value, tangent = reference_jvp(consts, xs, vs)
    assert got["pair"] and got["value"] is not None and got["tangent"] is not None, (
        "jvp should return a pair (value, tangent) of floats for a function with one output")
    assert close(got["value"], value[0]), "jvp: the value should be f at xs"
    assert close(got["tangent"], tangent[0]), (
        "jvp: the tangent should be J v, the sum of df/dx_j times v_j (seed input j with tangent v_j)")
    assert got["calls"] == 1, "jvp should call f once: one forward pass"


@pytest.mark.points(1, cell="test_jvp")
def test_jvp_of_several_outputs(student, rng):
    """Part 3: jvp of a function with a list or a tuple of outputs."""
    n, m = sizes(rng, 2)
    for container in ("list", "tuple"):
        consts = draw_function(rng, m, n)
        xs, vs = rng.normal(size=n).tolist(), rng.normal(size=n).tolist()
        constant, where = float(rng.normal()), int(rng.integers(0, m + 1))
        got = call(student, "jvp", "jvp", xs=xs, vs=vs, constant=constant, where=where, container=container,
                   **consts)
        value, tangent = reference_jvp(consts, xs, vs)
        value, tangent = np.insert(value, where, constant), np.insert(tangent, where, 0.0)
        assert got["pair"] and isinstance(got["value"], list) and isinstance(got["tangent"], list), (
            f"for a {container} of outputs, jvp should return two lists: the values and the tangents")
        assert all_close(got["value"], value), "jvp: the values should be the outputs of f, one per output"
        assert all_close(got["tangent"], tangent), (
            "jvp: the tangents should be J v, one per output (a plain-number output has tangent 0.0)")
        assert got["calls"] == 1, "jvp should call f once: one forward pass"


@pytest.mark.points(1, cell="test_jvp")
def test_jvp_refuses_a_direction_of_the_wrong_length(student, rng):
    """Part 3: a ValueError when vs and xs differ in length."""
    n = sizes(rng, 1)[0]
    consts = draw_function(rng, 1, n)
    xs, vs = rng.normal(size=n).tolist(), rng.normal(size=n).tolist()
    got = call(student, "jvp", "jvp", xs=xs, vs=vs, single=True, **consts)
    assert got["pair"] and close(got["tangent"], reference_jvp(consts, xs, vs)[1][0]), (
        "jvp: the tangent should be J v")
    for wrong in (vs + [1.0], vs[:-1]):
        error = call(student, "jvp_refused", "jvp", xs=xs, vs=wrong, **consts)
        assert error == "ValueError", "jvp should raise a ValueError when vs and xs differ in length"


def check_jacobian(student, rng, m, n, constant=None, where=0,
                   message="jacobian_forward: J[i][j] should be the derivative of output i with respect to "
                           "input j (pass j, with the one-hot direction e_j, gives column j)"):
    consts = draw_function(rng, m, n)
    xs = rng.normal(size=n).tolist()
    want = reference_jacobian(consts, xs)
    if constant is not None:
        want = np.insert(want, where, np.zeros(n), axis=0)
    got = call(student, "jacobian", "jacobian_forward", xs=xs, constant=constant, where=where, **consts)
    rows = got["rows"]
    assert rows is not None and len(rows) == want.shape[0] and all(len(r) == n for r in rows), (
        "jacobian_forward should return a list of rows, one per output, each with one entry per input")
    assert all(all_close(r, w) for r, w in zip(rows, want)), message
    return got


@pytest.mark.points(2, cell="test_jacobian_forward")
def test_jacobian_of_a_vector_function(student, rng):
    """Part 4: the Jacobian of a function from R^n to R^m."""
    n, m = sizes(rng, 2)
    check_jacobian(student, rng, m, n)
    check_jacobian(student, rng, n, m)


@pytest.mark.points(1, cell="test_jacobian_forward")
def test_jacobian_one_pass_per_input(student, rng):
    """Part 4: one forward pass per input."""
    n, m = sizes(rng, 2)
    got = check_jacobian(student, rng, m, n)
    assert got["calls"] == n, "jacobian_forward should call f once per input (one forward pass per column)"


@pytest.mark.points(1, cell="test_jacobian_forward")
def test_jacobian_with_a_constant_output(student, rng):
    """Part 4: an output that is a plain number has a row of zeros."""
    n, m = sizes(rng, 2)
    check_jacobian(student, rng, m, n, constant=float(rng.normal()), where=int(rng.integers(0, m + 1)),
                   message="jacobian_forward is wrong for a function with a plain-number output: its row is "
                           "zeros (its tangent is 0.0 in every pass), the other rows as usual")


# ---------------------------------------------------------------------------------------------------------
# Part 5: hvp

CASES = {
    "polynomial": lambda x, y, z: x * x * y - 2.0 * x * z * z + y * z - 0.5 * y * y * y * y + 1.5,
    "rational": lambda x, y: (x * y + 1.0) / (x * x + y * y + 1.0) - x / (2.0 + y * y) + 3.0 / (1.0 + x * x),
    "constant_entries": lambda x, y, z, w: x * y * y - 2.0 * x + 3.0 * z,
}
ARITY = {"polynomial": 3, "rational": 2, "constant_entries": 4}


def check_hvp(student, rng, case, message):
    n = ARITY[case]
    xs, vs = rng.normal(size=n).tolist(), rng.normal(size=n).tolist()
    got = call(student, "hvp", "hvp", case=case, xs=xs, vs=vs)

    def f(t):
        return CASES[case](*[t[i] for i in range(n)])

    want = ag.func.hessian(f)(tensor(xs)).numpy() @ np.asarray(vs)
    assert got["is_list"] and isinstance(got["hv"], list) and len(got["hv"]) == n, (
        "hvp should return a list with one float per input")
    assert all_close(got["hv"], want), message


@pytest.mark.points(1, cell="test_hvp")
def test_hvp_of_a_polynomial(student, rng):
    """Part 5: H v of a polynomial."""
    check_hvp(student, rng, "polynomial",
              "hvp is wrong: the tangents of grad(f, [Dual(x_j, v_j), ...]) are H v")


@pytest.mark.points(1, cell="test_hvp")
def test_hvp_of_a_rational_function(student, rng):
    """Part 5: H v of a function with divisions."""
    check_hvp(student, rng, "rational", "hvp of a function with divisions is wrong")


@pytest.mark.points(1, cell="test_hvp")
def test_hvp_with_plain_number_entries(student, rng):
    """Part 5: gradient entries that are plain numbers."""
    check_hvp(student, rng, "constant_entries",
              "hvp is wrong where the gradient has plain-number entries: their tangent is 0.0")
