"""Probes for exercise 11 (forward-mode AD with dual numbers). They run in the grading sandbox, after the
notebook's cells, with ``ns`` the namespace those cells defined; the standard library and numpy only.

A dual number goes in as a pair ``[value, tangent]`` (made into the student's ``Dual``) and a plain number as
a number; a result comes back as ``{"dual": is it a Dual, "value", "tangent"}``. Every judgement is made by
the tests.

Parts 3 and 4 are probed with functions that do not use the student's arithmetic: each reads the ``value``
and ``tangent`` of its arguments and returns Duals made with the student's constructor, their tangents worked
out here with the chain rule, so that a mistake in Part 1 or 2 costs only that part. Part 5 runs functions
written with ``+ - * /`` through the notebook's given reverse-mode ``grad``, on the student's Duals.
"""
import math


def _num(x):
    """A plain number as a float; None for anything else (a Dual, a bool, None, inf or nan)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _plain(x):
    """_num of a number, or a list of _num for a list or a tuple; None for anything else."""
    if isinstance(x, (list, tuple)):
        return [_num(e) for e in list(x)[:50]]
    return _num(x)


def _dual(ns, d):
    Dual = ns["Dual"]
    is_dual = isinstance(Dual, type) and isinstance(d, Dual)
    if not is_dual:
        return {"dual": False, "value": None, "tangent": None}
    return {"dual": True, "value": _num(getattr(d, "value", None)), "tangent": _num(getattr(d, "tangent", None))}


def _make(ns, spec):
    if isinstance(spec, (list, tuple)):
        return ns["Dual"](float(spec[0]), float(spec[1]))
    return spec


def _kept(d, spec):
    """Whether the Dual made from spec still holds spec's value and tangent."""
    if not isinstance(spec, (list, tuple)):
        return True
    return getattr(d, "value", None) == float(spec[0]) and getattr(d, "tangent", None) == float(spec[1])


# ---------------------------------------------------------------------------------------------------------
# Part 1: the Dual class

OPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
       "div": lambda a, b: a / b}


def probe_binary(ns, op, a, b):
    """OPS[op](a, b), each operand a Dual ([value, tangent]) or a plain number; the result and whether the
    Dual operands were left as they were."""
    x, y = _make(ns, a), _make(ns, b)
    out = OPS[op](x, y)
    return {"out": _dual(ns, out), "kept": _kept(x, a) and _kept(y, b)}


def probe_square(ns, a):
    """x * x with the same Dual on both sides."""
    x = _make(ns, a)
    return {"out": _dual(ns, x * x), "kept": _kept(x, a)}


def probe_as_dual(ns, number, a):
    """as_dual of a plain number, and whether as_dual of a Dual is that very Dual."""
    x = _make(ns, a)
    return {"out": _dual(ns, ns["as_dual"](number)), "same": ns["as_dual"](x) is x}


# ---------------------------------------------------------------------------------------------------------
# Part 2: sin, exp, log, power

def probe_function(ns, which, a, n=None):
    """sin/exp/log(a), power(a, n), or a ** n ("pow_operator"), a a Dual ([value, tangent]) or a number."""
    x = _make(ns, a)
    if which == "power":
        out = ns["power"](x, n)
    elif which == "pow_operator":
        out = x ** n
    else:
        out = ns[which](x)
    return {"out": _dual(ns, out), "kept": _kept(x, a)}


# ---------------------------------------------------------------------------------------------------------
# Parts 3 and 4: functions of dual numbers that use none of the student's arithmetic

def _function(ns, A, b, c, calls, constant=None, where=0, container="list", single=False):
    """f(x_1, ..., x_n): the outputs y_i = sum_j A[i][j] sin(x_j) + b[i] (c . x)**2 (y_0 alone if single),
    each a Dual whose tangent is sum_j dy_i/dx_j x_j'; with a plain number ``constant`` put in at ``where``."""
    Dual = ns["Dual"]
    n = len(c)

    def f(*args):
        calls.append(1)
        if len(args) != n:
            raise TypeError("f() takes %d arguments (%d given)" % (n, len(args)))
        xs = [float(getattr(a, "value", a)) for a in args]
        ts = [float(getattr(a, "tangent", 0.0)) for a in args]
        cx = sum(ck * xk for ck, xk in zip(c, xs))
        outs = []
        for row, bi in zip(A, b):
            value = sum(aij * math.sin(xj) for aij, xj in zip(row, xs)) + bi * cx ** 2
            tangent = sum((aij * math.cos(xj) + 2.0 * bi * cx * cj) * tj
                          for aij, xj, cj, tj in zip(row, xs, c, ts))
            outs.append(Dual(value, tangent))
        if single:
            return outs[0]
        if constant is not None:
            outs.insert(where, float(constant))
        return tuple(outs) if container == "tuple" else outs

    return f


def probe_jvp(ns, A, b, c, xs, vs, constant=None, where=0, container="list", single=False):
    """jvp(f, xs, vs) for the function above: the pair it returned (as numbers or lists of numbers) and how
    many times f was called."""
    calls = []
    f = _function(ns, A, b, c, calls, constant, where, container, single)
    res = ns["jvp"](f, list(xs), list(vs))
    pair = isinstance(res, (tuple, list)) and len(res) == 2
    return {"pair": pair, "value": _plain(res[0]) if pair else None, "tangent": _plain(res[1]) if pair else None,
            "calls": len(calls)}


def probe_jvp_refused(ns, A, b, c, xs, vs):
    """What jvp(f, xs, vs) raises for a vs of the wrong length (None if it returns)."""
    calls = []
    f = _function(ns, A, b, c, calls, single=True)
    return _error_name(lambda: ns["jvp"](f, list(xs), list(vs)))


def probe_jacobian(ns, A, b, c, xs, constant=None, where=0):
    """jacobian_forward(f, xs): its rows (lists of numbers) and how many times f was called."""
    calls = []
    f = _function(ns, A, b, c, calls, constant, where)
    J = ns["jacobian_forward"](f, list(xs))
    rows = None
    if isinstance(J, list) and all(isinstance(row, list) for row in J[:50]):
        rows = [_plain(row) for row in J[:50]]
    return {"rows": rows, "calls": len(calls)}


# ---------------------------------------------------------------------------------------------------------
# Part 5: hvp through the given reverse-mode grad

CASES = {
    "polynomial": lambda x, y, z: x * x * y - 2.0 * x * z * z + y * z - 0.5 * y * y * y * y + 1.5,
    "rational": lambda x, y: (x * y + 1.0) / (x * x + y * y + 1.0) - x / (2.0 + y * y) + 3.0 / (1.0 + x * x),
    "constant_entries": lambda x, y, z, w: x * y * y - 2.0 * x + 3.0 * z,
}


def probe_hvp(ns, case, xs, vs):
    """hvp(CASES[case], xs, vs): the list it returned, as numbers."""
    res = ns["hvp"](CASES[case], list(xs), list(vs))
    return {"is_list": isinstance(res, list), "hv": _plain(res) if isinstance(res, list) else None}
