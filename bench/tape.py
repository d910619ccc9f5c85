"""A minimal reverse-mode tape on numpy: a reference point for the benchmarks, not an engine.

It shows how cheap the bare bookkeeping of reverse mode can be. Each op computes its value with numpy
and appends one record (output, inputs, backward function) to a module-level tape; ``backward(root)``
walks the tape in reverse and adds up gradients. It leaves out everything else a real engine does:
broadcasting (an op's gradient has its output's shape), dtype and device checks, argument checks,
hooks, ``no_grad``, ``requires_grad`` (a plain numpy array on the left of ``@`` is the one constant),
and more than one graph at a time (the tape is global; ``backward`` or ``clear`` empties it).
"""
import numpy as np

TAPE = []  # (output, inputs, backward) records, in the order the ops ran


class Var:
    """A numpy value and, after ``backward``, the gradient of the root with respect to it."""
    __slots__ = ("grad", "value")
    __array_ufunc__ = None  # so that ``array @ var`` calls Var.__rmatmul__ instead of numpy's matmul

    def __init__(self, value):
        self.value = value
        self.grad = None

    def __mul__(self, c):  # c: a Python number
        return record(self.value * c, (self,), lambda g: (g * c,))

    def __add__(self, c):  # c: a Python number
        return record(self.value + c, (self,), lambda g: (g,))

    def __sub__(self, other):  # other: a Var of the same shape
        return record(self.value - other.value, (self, other), lambda g: (g, -g))

    def __matmul__(self, other):
        a, b = self.value, other.value
        return record(a @ b, (self, other), lambda g: (g @ b.T, a.T @ g))

    def __rmatmul__(self, a):  # a: a numpy array, a constant (no gradient)
        return record(a @ self.value, (self,), lambda g: (a.T @ g,))

    def sin(self):
        x = self.value
        return record(np.sin(x), (self,), lambda g: (g * np.cos(x),))

    def tanh(self):
        t = np.tanh(self.value)
        return record(t, (self,), lambda g: (g * (1 - t * t),))

    def relu(self):
        x = self.value
        return record(np.maximum(x, 0), (self,), lambda g: (g * (x > 0),))

    def square(self):
        x = self.value
        return record(x * x, (self,), lambda g: (2 * x * g,))

    def sum(self):
        x = self.value
        return record(x.sum(), (self,), lambda g: (np.full_like(x, g),))


def record(value, inputs, backward):
    """A new Var holding ``value``; ``backward`` maps its gradient to one gradient per input."""
    out = Var(value)
    TAPE.append((out, inputs, backward))
    return out


def backward(root, grad=None):
    """Add d(root)/d(v) into ``v.grad`` for every Var the root depends on, then empty the tape."""
    root.grad = np.ones_like(root.value) if grad is None else grad
    for out, inputs, fn in reversed(TAPE):
        if out.grad is None:  # not on a path to the root
            continue
        for var, g in zip(inputs, fn(out.grad)):
            # Never in place: g may be the very array another Var holds as its grad.
            var.grad = g if var.grad is None else var.grad + g
    TAPE.clear()


def clear():
    """Forget the recorded ops without a backward pass (a forward-only step)."""
    TAPE.clear()
