"""Helpers for the hidden test suites (``exercises/hidden/<assignment>/test_*.py``).

They run in the grader's trusted process, next to the tests that import them::

    from autograd_course.suite import as_array, call, same

    got = call(student, "add", "the gradient of a + b", a=a, b=b)
    assert same(got, expected), "the gradient of a broadcast input is not summed back to its shape"

A probe returns plain data; an array comes back as ``{"shape": [...], "values": [...]}``.
"""
import numpy as np


def call(student, name, what, **inputs):
    """``student.probe(name, **inputs)``, with a failure in the student's code (an exception, a timeout,
    no data) turned into a failed check that says ``what`` was being checked."""
    try:
        return student.probe(name, **inputs)
    except AssertionError:
        raise
    except Exception as e:  # ProbeFailed
        raise AssertionError(f"{what}: your code failed: {e}") from None


def as_array(got):
    """The array a probe returned as ``{"shape", "values"}``, or None if it is not a well-formed one."""
    if not isinstance(got, dict) or not isinstance(got.get("shape"), list) or not isinstance(got.get("values"), list):
        return None
    try:
        return np.array(got["values"], dtype=float).reshape(tuple(int(n) for n in got["shape"]))
    except (TypeError, ValueError, OverflowError):
        return None


def same(got, want, rtol=1e-7, atol=1e-9):
    """True if ``got`` (a probe's array) has ``want``'s shape and finite values close to it; for
    ``want`` None (no gradient), if ``got`` is None too."""
    if want is None:
        return got is None
    arr = as_array(got)
    want = np.asarray(want, dtype=float)
    return arr is not None and arr.shape == want.shape and bool(np.all(np.isfinite(arr))) and \
        bool(np.allclose(arr, want, rtol=rtol, atol=atol))
