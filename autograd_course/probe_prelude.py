"""Helpers for every hidden suite's ``probes.py``. This file runs INSIDE the sandbox; nothing here is trusted.

The grader never imports it: it reads its text and sends it with each ``probes.py`` in the ``load_probes``
request (see ``grading.py`` and ``child.py``). The child runs it in a namespace of its own, then puts every
name defined here (dunder names aside) into the probes' namespace before it runs ``probes.py``. So a probe
calls ``_array(x)`` without defining it::

    def probe_add(ns, a, b):
        out = ns["add"](ns["Tensor"](a), ns["Tensor"](b))
        return {"out": _tensor_array(out), "error": _error_name(lambda: ns["add"](None, None))}

A ``probes.py`` that defines one of these names again uses its own (ex02_broadcasting's ``_array`` does); the functions
here keep calling each other, whatever ``probes.py`` defines. Like ``child.py``: the stdlib and numpy only,
and numpy imported inside the functions that use it, so that a suite without numpy (ex01_scalar_engine) never loads
it. Nothing here is ever put into the student's namespace ``ns``, and the child cannot import this file
(the course package is not on its path). Define no ``probe_*`` function here: those are each suite's own.
"""


def _array(x):
    """``{"shape": [...], "values": [...]}`` (the values flattened, as floats) for anything numpy reads as an
    array of numbers: an array, a list, a number. None for None. For anything else
    ``{"shape": None, "values": None, "error": "not an array of numbers: <its type>"}``.

    The tests read the first kind with ``autograd_course.suite.as_array`` (None for the other two)."""
    if x is None:
        return None
    return _numbers(x, x)


def _tensor_array(x):
    """``_array`` of the numbers a Tensor holds: its ``.data``. A numpy array (whose ``.data`` is a buffer) and
    anything without ``.data`` are read as they are; a failure names the type of ``x``, not of its data."""
    import numpy as np

    if x is None:
        return None
    return _numbers(x if isinstance(x, np.ndarray) else getattr(x, "data", x), x)


def _numbers(data, x):
    """What ``_array`` returns for ``data``, with None not set apart (numpy reads it as NaN, a 0-d array); a
    failure names the type of ``x``."""
    import numpy as np

    try:
        arr = np.asarray(data, dtype=float)
    except Exception:  # the student's object is not numbers: say what it is
        return {"shape": None, "values": None, "error": "not an array of numbers: %s" % type(x).__name__}
    return {"shape": list(arr.shape), "values": arr.ravel().tolist()}


def _error_name(fn):
    """The class name of the exception ``fn()`` raised, or None if it returned. Only ``Exception``s are
    caught: a SystemExit or KeyboardInterrupt from the student's code ends the probe."""
    try:
        fn()
    except Exception as e:  # the student's code
        return type(e).__name__
    return None


# The steps a trusted test can ask _run_program for, by how many values they take.
_BINARY_STEPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}
_NUMBER_STEPS = {"add_number": lambda a, c: a + c, "number_add": lambda a, c: c + a,
                 "sub_number": lambda a, c: a - c, "mul_number": lambda a, c: a * c,
                 "number_mul": lambda a, c: c * a}
_UNARY_STEPS = {"neg": lambda a: -a, "exp": lambda a: a.exp(), "sum": lambda a: a.sum()}


def _run_program(ns, leaves, flags, steps):
    """The values of a small program run with the student's ``ns["Tensor"]``: the leaves (``requires_grad``
    from ``flags``), then one value per step. A step is ``[op, i]`` or ``[op, i, j_or_number]``: ``op`` names
    a Tensor operator in the tables above, applied to value ``i`` (and value ``j``, or a number)."""
    import numpy as np

    Tensor = ns["Tensor"]
    values = [Tensor(np.asarray(x, dtype=float), requires_grad=bool(f)) for x, f in zip(leaves, flags)]
    for step in steps:
        op, a = step[0], values[int(step[1])]
        if op in _BINARY_STEPS:
            out = _BINARY_STEPS[op](a, values[int(step[2])])
        elif op in _NUMBER_STEPS:
            out = _NUMBER_STEPS[op](a, float(step[2]))
        elif op in _UNARY_STEPS:
            out = _UNARY_STEPS[op](a)
        else:
            raise ValueError("unknown step %r" % op)
        if not isinstance(out, Tensor):
            raise TypeError("%s did not return a Tensor" % op)
        values.append(out)
    return values
