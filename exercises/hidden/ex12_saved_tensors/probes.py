"""Probes for exercise 12 (what backward keeps: saved tensors, saved-tensor hooks, checkpointing, nan
detection). They run in the grading sandbox, after the notebook's cells, with ``ns`` the namespace those cells
defined; the standard library and numpy only.

Each part is probed on its own: while a probe runs, the parts it does not test are the correct ones
(``_using``, with the references the grader gave this child), so that one mistake costs one part's points.
Every probe starts with grad mode on and no saved_tensors_hooks block open, whatever an earlier probe's code
left behind. Programs of Tensor operations come as plain data (``_run``); arrays go back as
{"shape": [...], "values": [...]}. Every judgement is made by the tests.
"""
import numpy as np

# -- the correct parts, used in place of the student's while another part is probed -------------------------
#
# They are not in this file: each is reference/<part>.py, and the grader adds to a child only those that the
# probe it runs there may use (REFERENCES below; none for a probe not named). The child that grades a part
# never holds that part's correct version.

REFERENCE = {}      # filled by the reference files the grader adds after this file

# A literal: the grader reads it without running this file.
REFERENCES = {
    "innermost_block": ["saved_tensor", "packed_tensor"],
    "block_error": ["saved_tensor", "packed_tensor"],
    "unpack_in_backward": ["saved_tensor", "hooks"],
    "packed_copy": ["saved_tensor", "hooks"],
    "saved_bytes": ["saved_tensor", "packed_tensor", "hooks"],
    "checkpoint": ["saved_tensor", "packed_tensor", "hooks"],
    "checkpoint_bytes": ["saved_tensor", "packed_tensor", "hooks"],
    "checkpoint_middle": ["saved_tensor", "packed_tensor", "hooks"],
    "detect_nan": ["saved_tensor", "packed_tensor", "hooks"],
}

_MISSING = object()


def _reset(ns):
    """Grad mode on, and no saved_tensors_hooks block open."""
    ns["_grad_enabled"] = True
    stack = ns.get("_saved_tensors_hooks_stack")
    if isinstance(stack, list):
        del stack[:]


class _using:
    """with _using(ns): every part in REFERENCE (those this child was given) is the correct one."""

    def __init__(self, ns):
        self.ns = ns

    def __enter__(self):
        self.saved = {}
        for make in REFERENCE.values():
            for name, obj in make(self.ns).items():
                self.saved[name] = self.ns.get(name, _MISSING)
                self.ns[name] = obj
        _reset(self.ns)

    def __exit__(self, *exc):
        for name, obj in self.saved.items():
            if obj is _MISSING:
                self.ns.pop(name, None)
            else:
                self.ns[name] = obj
        _reset(self.ns)
        return False


# -- programs of Tensor operations, as plain data ----------------------------------------------------------
#
# A program is leaves (arrays), flags (requires_grad of each) and steps; a step is [op, i], [op, i, j] or
# [op, i, number], applied to value i (and value j); each step adds one value. The last value is the loss.

_UNARY = {"exp": lambda a: a.exp(), "log": lambda a: a.log(), "neg": lambda a: -a, "tanh": lambda a: a.tanh(),
          "sigmoid": lambda a: a.sigmoid(), "sum": lambda a: a.sum()}
_BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b, "mm": lambda a, b: a @ b}
_NUMBER = {"mul_number": lambda a, c: a * c, "number_add": lambda a, c: c + a, "number_div": lambda a, c: c / a}


def _leaves(ns, leaves, flags):
    return [ns["Tensor"](np.asarray(x, dtype=float), requires_grad=bool(f)) for x, f in zip(leaves, flags)]


def _run(values, steps):
    for step in steps:
        op, a = step[0], values[int(step[1])]
        if op in _UNARY:
            values.append(_UNARY[op](a))
        elif op in _BINARY:
            values.append(_BINARY[op](a, values[int(step[2])]))
        else:
            values.append(_NUMBER[op](a, float(step[2])))
    return values


def _grads(values):
    return [_tensor_array(getattr(t, "grad", None)) for t in values]


def _error(e):
    # NotImplementedError is a RuntimeError: it is what an unanswered part raises, never a check
    return {"type": type(e).__name__, "runtime": isinstance(e, RuntimeError) and not isinstance(e, NotImplementedError),
            "message": str(e)[:2000]}


def _errors_of(fn):
    """(what fn() returned, None) or (None, _error of what it raised)."""
    try:
        return fn(), None
    except Exception as e:  # the student's code
        return None, _error(e)


# ---------------------------------------------------------------------------------------------------------
# Part 1: SavedTensor


def probe_roundtrip(ns, arrays):
    """Save each array's Tensor in a SavedTensor, then unpack each twice: is it the very tensor, each time?"""
    _reset(ns)
    tensors = [ns["Tensor"](np.asarray(a, dtype=float)) for a in arrays]
    saved = [ns["SavedTensor"](t) for t in tensors]
    first = [s.unpack() is t for s, t in zip(saved, tensors)]
    return {"same": first + [s.unpack() is t for s, t in zip(saved, tensors)]}


def probe_program(ns, leaves, flags, steps):
    """The program's loss and the leaves' gradients after loss.backward(), on the notebook's engine."""
    _reset(ns)
    values = _run(_leaves(ns, leaves, flags), steps)
    values[-1].backward()
    return {"loss": _tensor_array(values[-1]), "grads": _grads(values[:len(leaves)])}


def probe_inplace(ns, data, before, after, unrelated):
    """A tensor changed in place ``before`` times, then saved, then changed ``after`` times (and another
    tensor changed ``unrelated`` times); then unpacked: the error, or whether it gave the tensor back."""
    _reset(ns)
    Tensor = ns["Tensor"]
    t, other = Tensor(np.asarray(data, dtype=float)), Tensor(np.asarray(data, dtype=float))
    for _ in range(int(before)):
        t.add_(1.0)
    saved = ns["SavedTensor"](t)
    for _ in range(int(after)):
        t.mul_(1.5)
    for _ in range(int(unrelated)):
        other.add_(2.0)
    got, error = _errors_of(saved.unpack)
    return {"error": error, "same": error is None and got is t}


def probe_engine_inplace(ns, a, b, before, after):
    """y = a * b, with a (no grad) changed in place ``before`` times before and ``after`` times after; then
    y.sum().backward(): the error, or b's gradient."""
    _reset(ns)
    Tensor = ns["Tensor"]
    x, w = Tensor(np.asarray(a, dtype=float)), Tensor(np.asarray(b, dtype=float), requires_grad=True)
    for _ in range(int(before)):
        x.add_(1.0)
    y = x * w
    for _ in range(int(after)):
        x.mul_(2.0)
    _, error = _errors_of(lambda: y.sum().backward())
    return {"error": error, "grad": _tensor_array(w.grad)}


# ---------------------------------------------------------------------------------------------------------
# Part 2: saved_tensors_hooks and PackedTensor


def _logging_hooks(log, tag):
    def pack(tensor):
        log.append((tag, tensor))
        return tensor

    def unpack(tensor):
        return tensor

    return pack, unpack


def probe_innermost_block(ns, a, b):
    """Which pack hook sees the tensors saved in an outer block, a block nested in it, the outer block again,
    and after both: (tag, is it the tensor saved) for each pack call, and the gradients at the end."""
    with _using(ns):
        Tensor, hooks = ns["Tensor"], ns["saved_tensors_hooks"]
        x, w = (Tensor(np.asarray(v, dtype=float), requires_grad=True) for v in (a, b))
        log, saved = [], []
        with hooks(*_logging_hooks(log, "outer")):
            p = x * w                           # saves x and w
            saved += [x, w]
            with hooks(*_logging_hooks(log, "inner")):
                e = p.exp()                     # saves its result
                saved.append(e)
            t = e.tanh()                        # saves its result
            saved.append(t)
        during = len(log)
        s = (t * x).sum()                       # saves t and x, with no block open
        s.backward()
        return {"calls": [[tag, tensor is want] for (tag, tensor), want in zip(log[:20], saved)],
                "count": during, "after": len(log) - during, "grads": _grads([x, w])}


class _Stop(Exception):
    pass


def probe_block_error(ns, a, b):
    """An exception raised inside a block: does it come out, did pack run in the block before it, and does an
    operation after the block still call pack?"""
    with _using(ns):
        Tensor, hooks = ns["Tensor"], ns["saved_tensors_hooks"]
        x, w = (Tensor(np.asarray(v, dtype=float), requires_grad=True) for v in (a, b))
        log = []
        came_out = False
        try:
            with hooks(*_logging_hooks(log, "block")):
                x * w
                raise _Stop()
        except _Stop:
            came_out = True
        inside = len(log)
        (x * w).sum().backward()
        return {"came_out": came_out, "inside": inside, "after": len(log) - inside, "grads": _grads([x, w])}


def probe_unpack_in_backward(ns, leaves, flags, steps):
    """The program run in a block whose pack keeps each saved tensor's numbers in a store and returns its key,
    and whose unpack makes a Tensor from them: pack and unpack calls after the forward and after backward,
    whether pack saw tensors, and the gradients."""
    with _using(ns):
        Tensor = ns["Tensor"]
        store, calls = {}, {"pack": 0, "unpack": 0, "tensors": True}

        def pack(tensor):
            calls["pack"] += 1
            calls["tensors"] = calls["tensors"] and isinstance(tensor, Tensor)
            key = 1000 + 7 * len(store)
            store[key] = np.array(tensor.data, dtype=float)
            return key

        def unpack(key):
            calls["unpack"] += 1
            return Tensor(store[key])

        values = _leaves(ns, leaves, flags)
        with ns["saved_tensors_hooks"](pack, unpack):
            values = _run(values, steps)
        forward = dict(calls)
        values[-1].backward()
        return {"forward": forward, "backward": dict(calls), "grads": _grads(values[:len(leaves)])}


def probe_packed_copy(ns, a, b):
    """y = (x * w).sum() saved in a block whose pack keeps a copy of the numbers (as a tuple) and unpack makes a
    new Tensor of them; then x, which needs no gradient, is changed in place: the error, or w's gradient."""
    with _using(ns):
        Tensor = ns["Tensor"]
        calls = {"pack": 0}

        def pack(tensor):
            calls["pack"] += 1
            return (tensor.shape, np.array(tensor.data, dtype=float).ravel().tolist())

        def unpack(packed):
            shape, numbers = packed
            return Tensor(np.array(numbers, dtype=float).reshape(shape))

        x, w = Tensor(np.asarray(a, dtype=float)), Tensor(np.asarray(b, dtype=float), requires_grad=True)
        with ns["saved_tensors_hooks"](pack, unpack):
            y = (x * w).sum()
        x.mul_(3.0)
        x.add_(1.0)
        _, error = _errors_of(lambda: y.backward())
        return {"error": error, "pack": calls["pack"], "grad": _tensor_array(w.grad)}


# ---------------------------------------------------------------------------------------------------------
# Part 3: saved_bytes


def probe_saved_bytes(ns, leaves, flags, steps, no_grad=False):
    """saved_bytes(fn, *leaves) for fn running the program (under no_grad if asked), as a number."""
    with _using(ns):
        def fn(*inputs):
            if no_grad:
                with ns["no_grad"]():
                    _run(list(inputs), steps)
            else:
                _run(list(inputs), steps)

        got = ns["saved_bytes"](fn, *_leaves(ns, leaves, flags))
        number = int(got) if isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_)) else None
        return {"bytes": number}


# ---------------------------------------------------------------------------------------------------------
# Part 4: checkpoint


def _block(ns, V, calls):
    """fn(x, W) = tanh(tanh(x @ W) @ V), with V a tensor fn uses that is not one of its inputs."""
    def fn(x, W):
        calls.append(1)
        return ((x @ W).tanh() @ V).tanh()

    return fn


def _describe(ns, out):
    Tensor = ns["Tensor"]
    is_tensor = isinstance(out, Tensor)
    return {"tensor": is_tensor, "values": _tensor_array(out) if is_tensor else None,
            "requires_grad": bool(getattr(out, "requires_grad", False)) if is_tensor else None,
            "grad_fn": getattr(out, "grad_fn", None) is not None if is_tensor else None}


def probe_checkpoint(ns, x, W, V, c, x_grad=True, W_grad=True, mode="grad"):
    """out = checkpoint(fn, x, W) (mode "no_grad": inside no_grad), then (out * c).sum().backward(): the output,
    how many times fn ran by then and in all, the error of backward if any, and the gradients of x, W and
    V (mode "forward": no backward)."""
    with _using(ns):
        Tensor = ns["Tensor"]
        X = Tensor(np.asarray(x, dtype=float), requires_grad=bool(x_grad))
        Wt = Tensor(np.asarray(W, dtype=float), requires_grad=bool(W_grad))
        Vt = Tensor(np.asarray(V, dtype=float), requires_grad=True)
        calls = []
        fn = _block(ns, Vt, calls)
        if mode == "no_grad":
            with ns["no_grad"]():
                out = ns["checkpoint"](fn, X, Wt)
        else:
            out = ns["checkpoint"](fn, X, Wt)
        result = {"out": _describe(ns, out), "runs_forward": len(calls)}
        if mode == "grad":
            _, result["error"] = _errors_of(lambda: (out * Tensor(np.asarray(c, dtype=float))).sum().backward())
            result["runs"] = len(calls)
            result["grads"] = _grads([X, Wt, Vt])
        return result


def probe_checkpoint_bytes(ns, x, W, V):
    """The bytes saved (each tensor once) by fn(x, W) and by checkpoint(fn, x, W), measured with saved-tensor
    hooks, and the checkpoint's output."""
    with _using(ns):
        Tensor = ns["Tensor"]
        X = Tensor(np.asarray(x, dtype=float), requires_grad=True)
        Wt = Tensor(np.asarray(W, dtype=float), requires_grad=True)
        Vt = Tensor(np.asarray(V, dtype=float), requires_grad=True)
        fn = _block(ns, Vt, [])

        def measure(run):
            kept = {}

            def pack(tensor):
                kept[id(tensor)] = tensor
                return tensor

            with ns["saved_tensors_hooks"](pack, lambda tensor: tensor):
                out = run()
            return sum(int(np.asarray(getattr(t, "data", 0)).nbytes) for t in kept.values()), out

        plain, _ = measure(lambda: fn(X, Wt))
        with_checkpoint, out = measure(lambda: ns["checkpoint"](fn, X, Wt))
        return {"plain": plain, "checkpoint": with_checkpoint, "out": _describe(ns, out)}


def probe_checkpoint_middle(ns, x, W, c, d):
    """h = exp(x); out = checkpoint(g, h, W) with g(h, W) = tanh(h @ W); loss = (out * c).sum() + (h * d).sum():
    the error of loss.backward() if any, and the gradients of x and W."""
    with _using(ns):
        Tensor = ns["Tensor"]
        X = Tensor(np.asarray(x, dtype=float), requires_grad=True)
        Wt = Tensor(np.asarray(W, dtype=float), requires_grad=True)
        h = X.exp()
        out = ns["checkpoint"](lambda h, W: (h @ W).tanh(), h, Wt)

        def loss():
            return ((out * Tensor(np.asarray(c, dtype=float))).sum()
                    + (h * Tensor(np.asarray(d, dtype=float))).sum()).backward()

        _, error = _errors_of(loss)
        return {"error": error, "grads": _grads([X, Wt])}


# ---------------------------------------------------------------------------------------------------------
# Part 5: detect_nan


def probe_detect_nan(ns, leaves, flags, steps):
    """detect_nan(loss) for the program's loss: what it returned (whether None), the error it raised, and the
    leaves' gradients afterwards."""
    with _using(ns):
        with np.errstate(all="ignore"):
            values = _run(_leaves(ns, leaves, flags), steps)
            got, error = _errors_of(lambda: ns["detect_nan"](values[-1]))
        return {"returned_none": error is None and got is None, "error": error,
                "grads": _grads(values[:len(leaves)])}
