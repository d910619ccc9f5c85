"""Probes for exercise 6 (turning autograd off). They run in the grading sandbox, after the notebook's cells,
with ``ns`` the namespace those cells defined; the standard library and numpy only.

Each part is probed on its own: while a probe runs, the functions of the OTHER parts are replaced in ``ns``
by their correct versions (``_using``, with the references the grader gave this child), whose grad mode lives
in the probes, and put back afterwards. So a
submission with a global flag loses the points of Part 1 only, and a probe that leaves a student's grad mode
switched off harms no other probe. Threads started here are daemons and are waited for with a time limit,
so that a student's hanging code cannot keep the child alive. Probes return plain data; the tests judge.
"""
import threading

import numpy as np

WAIT = 10.0     # seconds a thread is waited for


def _plain_bool(value):
    """True or False as they are; anything else described as a string (the tests want real booleans)."""
    return value if isinstance(value, bool) else "not a bool: %r" % (value,)


# -- the correct parts, used in place of the student's while another part is probed -----------------------
#
# They are not in this file: each is reference/<part>.py (flag, record, contexts, decorator, detach), and the
# grader adds to a child only those that the probe it runs there may use (REFERENCES below; none for a probe
# not named). The child that grades a part never holds that part's correct version, so no student code can
# borrow it through its callers' frames. The flag reference also gives the probes their own view of grad
# mode (_is_grad_enabled, _set_grad_enabled), which every probe of Parts 2 to 6 uses.

REFERENCE = {}      # part -> build(ns) -> {name in ns: correct version}; filled by the reference files

# A literal: the grader reads it without running this file.
REFERENCES = {
    "record": ["contexts", "decorator", "detach", "flag"],
    "nesting": ["decorator", "detach", "flag", "record"],
    "decorated": ["contexts", "detach", "flag", "record"],
    "decorated_recursive": ["contexts", "detach", "flag", "record"],
    "decorated_raises": ["contexts", "detach", "flag", "record"],
    "detach": ["contexts", "decorator", "flag", "record"],
    "detach_path": ["contexts", "decorator", "flag", "record"],
    "grad_of": ["contexts", "decorator", "detach", "flag", "record"],
}


class _using:
    """with _using(ns, student=["record"]): every part this child has a reference for, except those, is
    the correct one, and the correct grad mode of this thread starts switched on."""

    def __init__(self, ns, student):
        self.ns, self.student = ns, student

    def __enter__(self):
        reference = {}
        for build in REFERENCE.values():
            reference.update(build(self.ns))
        names = [n for n in reference if n not in self.student]
        self.saved = {n: self.ns.get(n) for n in names}
        self.ns.update({n: reference[n] for n in names})
        _set_grad_enabled(True)

    def __exit__(self, *exc):
        for n, fn in self.saved.items():
            if fn is None:
                self.ns.pop(n, None)
            else:
                self.ns[n] = fn
        _set_grad_enabled(True)
        return False


def _contexts():
    """The correct no_grad and enable_grad (reference/contexts.py), by name."""
    return {"no_grad": _NoGrad, "enable_grad": _EnableGrad}


# -- Part 1: the flag, one per thread ------------------------------------------------------------------------


class _student_mode:
    """The student's own grad mode switched on before and after a probe (as far as their code allows)."""

    def __init__(self, ns):
        self.ns = ns

    def __enter__(self):
        self.ns["_set_grad_enabled"](True)

    def __exit__(self, *exc):
        try:
            self.ns["_set_grad_enabled"](True)
        except Exception:
            pass
        return False


def _in_thread(fn):
    """Run fn in a new daemon thread; its result, or {"error": name} if it raised or did not finish."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except Exception as e:  # the student's code
            box["value"] = {"error": type(e).__name__}

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(WAIT)
    return box.get("value", {"error": "the thread did not finish"})


def probe_flag(ns, modes):
    """_set_grad_enabled(m) then is_grad_enabled(), for each m in modes."""
    with _student_mode(ns):
        seen = []
        for m in modes:
            ns["_set_grad_enabled"](m)
            seen.append(_plain_bool(ns["is_grad_enabled"]()))
        return seen


def probe_new_thread(ns):
    """With grad mode switched off in this thread, what does a thread started now see?"""
    with _student_mode(ns):
        ns["_set_grad_enabled"](False)
        in_thread = _in_thread(lambda: _plain_bool(ns["is_grad_enabled"]()))
        here = _plain_bool(ns["is_grad_enabled"]())
        return {"thread": in_thread, "here": here}


def probe_thread_switches_off(ns):
    """A thread switches its grad mode off and waits; what does this thread see meanwhile, and after?"""
    with _student_mode(ns):
        switched, done = threading.Event(), threading.Event()

        def work():
            try:
                ns["_set_grad_enabled"](False)
                first = _plain_bool(ns["is_grad_enabled"]())
            finally:
                switched.set()
            done.wait(WAIT)
            return [first, _plain_bool(ns["is_grad_enabled"]())]

        box = {}
        worker = threading.Thread(target=lambda: box.update(value=_safe(work)), daemon=True)
        worker.start()
        switched.wait(WAIT)
        meanwhile = _plain_bool(ns["is_grad_enabled"]())
        done.set()
        worker.join(WAIT)
        return {"thread": box.get("value", {"error": "the thread did not finish"}), "meanwhile": meanwhile,
                "after": _plain_bool(ns["is_grad_enabled"]())}


def _safe(fn):
    try:
        return fn()
    except Exception as e:  # the student's code
        return {"error": type(e).__name__}


# -- Part 2: record ------------------------------------------------------------------------------------------


def _describe(t):
    return {"requires_grad": _plain_bool(t.requires_grad), "has_grad_fn": t.grad_fn is not None,
            "data": _array(t.data)}


def probe_record(ns, x, k, enabled):
    """Operations on a leaf x that requires grad and a constant k, with grad mode on or off; then (if on)
    backward, or (if off) one operation after switching it back on."""
    with _using(ns, student=["record"]):
        Tensor = ns["Tensor"]
        leaf = Tensor(np.array(x, dtype=float), requires_grad=True)
        const = Tensor(np.array(k, dtype=float))
        _set_grad_enabled(enabled)
        y = leaf * const
        z = y.exp().sum() + (leaf + 1.0).sum()
        plain = const * 2.0
        _set_grad_enabled(True)
        out = {"y": _describe(y), "z": _describe(z), "plain": _describe(plain)}
        if enabled:
            z.backward()
            out["x_grad"] = _array(leaf.grad)
        else:
            out["again"] = _describe(leaf * 3.0)
        return out


# -- Part 3: no_grad and enable_grad as context managers -----------------------------------------------------------


class _Boom(Exception):
    pass


def probe_nesting(ns, start, levels, raise_inside, catch_at):
    """Nested with blocks of the student's no_grad / enable_grad (levels, outermost first), starting in grad
    mode `start`; optionally an exception raised in the innermost block and caught inside level catch_at
    (-1: outside all). The mode at every step, as a log."""
    with _using(ns, student=["no_grad", "enable_grad"]):
        _set_grad_enabled(start)
        log = []

        def level(i):
            if i == len(levels):
                log.append(["innermost", _is_grad_enabled()])
                if raise_inside:
                    raise _Boom()
                return
            with ns[levels[i]]():
                log.append(["enter", i, _is_grad_enabled()])
                if catch_at == i:
                    try:
                        level(i + 1)
                    except _Boom:
                        log.append(["caught", i, _is_grad_enabled()])
                else:
                    level(i + 1)
                log.append(["leave", i, _is_grad_enabled()])

        try:
            level(0)
        except _Boom:
            log.append(["caught", -1, _is_grad_enabled()])
        log.append(["after", _is_grad_enabled()])
        return log


# -- Part 4: context_decorator -----------------------------------------------------------------------------------------


def probe_decorated(ns, mode, calls):
    """context_decorator(no_grad or enable_grad, target), then calls [start mode, a, b, scale]."""
    with _using(ns, student=["context_decorator"]):
        seen = []

        def target(a, b=0.0, scale=1.0):
            """Adds two numbers and scales the sum."""
            seen.append(_is_grad_enabled())
            return (a + b) * scale

        wrapped = ns["context_decorator"](_contexts()[mode], target)
        at_definition = len(seen)
        results = []
        for start, a, b, scale in calls:
            _set_grad_enabled(start)
            before = len(seen)
            value = wrapped(a, b=b, scale=scale)
            try:
                value = float(value)
            except Exception:
                value = None
            results.append({"value": value, "inside": seen[before:], "after": _is_grad_enabled()})
        return {"at_definition": at_definition, "results": results,
                "name": str(getattr(wrapped, "__name__", "")), "doc": str(getattr(wrapped, "__doc__", ""))}


def probe_decorated_recursive(ns, mode, start, depth, repeats):
    """A decorated function that calls itself `depth` times, called `repeats` times in mode `start`."""
    with _using(ns, student=["context_decorator"]):
        seen, after, holder = [], [], {}

        def descend(n):
            seen.append(_is_grad_enabled())
            if n > 0:
                holder["fn"](n - 1)
                seen.append(_is_grad_enabled())
            return n

        holder["fn"] = ns["context_decorator"](_contexts()[mode], descend)
        _set_grad_enabled(start)
        for _ in range(repeats):
            holder["fn"](depth)
            after.append(_is_grad_enabled())
        return {"seen": seen, "after": after}


def probe_decorated_raises(ns, mode, start):
    """A decorated function that raises: which exception comes out, and the mode afterwards; then a call
    that does not raise."""
    with _using(ns, student=["context_decorator"]):
        def fails(message):
            raise LookupError(message)

        def works(x):
            return x + 1

        wrapped = ns["context_decorator"](_contexts()[mode], fails)
        _set_grad_enabled(start)
        error = None
        try:
            wrapped("from the decorated function")
        except LookupError as e:
            error = "LookupError" if e.args == ("from the decorated function",) else "LookupError, other args"
        except Exception as e:  # the student's code
            error = type(e).__name__
        after = _is_grad_enabled()
        value = ns["context_decorator"](_contexts()[mode], works)(41)
        return {"error": error, "after": after, "value": value if isinstance(value, int) else None,
                "after_second": _is_grad_enabled()}


# -- Part 5: detach ----------------------------------------------------------------------------------------------------------


def probe_detach(ns, x, non_leaf, write):
    """d = detach(t) for a leaf t (with a .grad) or t = x * x: what d is, whether t changed, and whether
    writing into d.data writes into t.data."""
    with _using(ns, student=["detach"]):
        Tensor = ns["Tensor"]
        leaf = Tensor(np.array(x, dtype=float), requires_grad=True)
        leaf.grad = np.ones_like(leaf.data)
        t = leaf * leaf if non_leaf else leaf
        node = t.grad_fn
        d = ns["detach"](t)
        if not isinstance(d, Tensor):
            raise TypeError("detach did not return a Tensor")
        out = {"is_t": d is t, "requires_grad": _plain_bool(d.requires_grad), "has_grad_fn": d.grad_fn is not None,
               "grad_is_none": d.grad is None, "data": _array(d.data),
               "t_unchanged": t.requires_grad is True and t.grad_fn is node and
               (non_leaf or (leaf.grad is not None and np.array_equal(leaf.grad, np.ones_like(leaf.data))))}
        out["shares"] = bool(np.shares_memory(np.asarray(d.data), np.asarray(t.data)))
        try:
            d.data[...] = np.array(write, dtype=float)
        except Exception as e:  # a read-only array, or no array at all
            out["write_error"] = type(e).__name__
        out["t_data"] = _array(t.data)
        return out


def probe_detach_path(ns, x, k):
    """loss = sum(x * k) + sum(detach(x) * x): the gradient of the leaf x."""
    with _using(ns, student=["detach"]):
        Tensor = ns["Tensor"]
        leaf = Tensor(np.array(x, dtype=float), requires_grad=True)
        loss = (leaf * np.array(k, dtype=float)).sum() + (ns["detach"](leaf) * leaf).sum()
        loss.backward()
        return _array(leaf.grad)


# -- Part 6: grad_of -------------------------------------------------------------------------------------------------------


def probe_grad_of(ns, x, k, start):
    """grad_of(f, x) for f(t) = sum(t * t * k) + sum(exp(t)), called in grad mode `start`."""
    with _using(ns, student=["grad_of"]):
        constant = np.array(k, dtype=float)

        def f(t):
            return (t * t * constant).sum() + t.exp().sum()

        point = np.array(x, dtype=float)
        kept = point.copy()
        _set_grad_enabled(start)
        grad = ns["grad_of"](f, point)
        return {"grad": _array(grad), "after": _is_grad_enabled(), "x_unchanged": bool(np.array_equal(point, kept))}
