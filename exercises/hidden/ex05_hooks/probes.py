"""Probes for exercise 5 (hooks and retain_grad). They run in the grading sandbox, after the notebook's
cells, with ``ns`` the namespace those cells defined; the standard library and numpy only.

Each part is probed on its own: while a probe runs, the functions of the OTHER parts are replaced in ``ns``
by their correct versions (``_using``, with the references the grader gave this child), and put back
afterwards, so that one mistake costs one part's points. Hooks are put into ``tensor._hooks`` directly, and ``retains_grad`` set directly, where a probe does
not test registering or retain_grad themselves. Probes return plain data; the tests judge.
"""
import numpy as np


# -- the correct parts, used in place of the student's while another part is probed -------------------------
#
# They are not in this file: each is reference/<part>.py, and the grader adds to a child only those that the
# probe it runs there may use (REFERENCES below; none for a probe not named). The child that grades a part
# never holds that part's correct version, so no student code can borrow it through its callers' frames.

REFERENCE = {}      # filled by the reference files the grader adds after this file

# A literal: the grader reads it without running this file.
REFERENCES = {
    "leaf": ["register_hook", "run_hooks", "retain_grad", "before_backward"],
    "leaf_copies": ["register_hook", "run_hooks", "retain_grad", "before_backward"],
    "non_leaf": ["register_hook", "run_hooks", "retain_grad", "accumulate_grad"],
    "reverse": ["register_hook", "run_hooks", "retain_grad", "accumulate_grad", "before_backward"],
    "capture": ["register_hook", "run_hooks", "retain_grad", "accumulate_grad", "before_backward"],
    "capture_error": ["register_hook", "run_hooks", "retain_grad", "accumulate_grad", "before_backward"],
}


class _using:
    """with _using(ns, student=["run_hooks"]): every part in REFERENCE except those is the correct one."""

    def __init__(self, ns, student):
        self.ns, self.names = ns, [n for n in REFERENCE if n not in student]

    def __enter__(self):
        self.saved = {n: self.ns.get(n) for n in self.names}
        self.ns.update({n: REFERENCE[n] for n in self.names})

    def __exit__(self, *exc):
        for n, fn in self.saved.items():
            if fn is None:
                self.ns.pop(n, None)
            else:
                self.ns[n] = fn
        return False


def _hook_from_plan(step, log, index, tensor=None):
    """A hook described by plain data: ["watch"] returns None, ["scale", c] returns grad * c,
    ["add", c] returns grad + c. Each records what it saw (and the tensor's .grad at that moment)."""
    kind = step[0]

    def hook(grad):
        try:
            seen = np.array(grad, dtype=float)
        except Exception:
            seen = None
        current = None if tensor is None else tensor.grad
        log.append({"hook": index, "seen": _array(seen),
                    "grad_then": None if current is None else _array(current)})
        if kind == "scale":
            return grad * step[1]
        if kind == "add":
            return grad + step[1]
        return None

    return hook


def _install(tensor, plan, log):
    """Put the hooks of plan into tensor._hooks directly, under increasing ids, in plan order."""
    for i, step in enumerate(plan):
        tensor._hooks[1000 + 7 * i] = _hook_from_plan(step, log, i, tensor)


def _leaf(ns, data):
    return ns["Tensor"](np.array(data, dtype=float), requires_grad=True)


# -- Part 1: register_hook and RemovableHandle --------------------------------------------------------------


def probe_hook_script(ns, n_tensors, script):
    """Run a script of ["reg", tensor, fn_name] and ["rm", step] steps (rm removes the handle made at that
    step). Returns the names of the hooks in each tensor's _hooks, in order, and whether every handle is a
    RemovableHandle."""
    tensors = [_leaf(ns, [1.0, 2.0]) for _ in range(n_tensors)]
    functions, handles, all_handles = {}, {}, True
    for step_no, step in enumerate(script):
        if step[0] == "reg":
            name = step[2]
            if name not in functions:
                functions[name] = (lambda label: (lambda grad: None))(name)
            handle = tensors[step[1]].register_hook(functions[name])
            handles[step_no] = handle
            all_handles = all_handles and isinstance(handle, ns["RemovableHandle"])
        else:
            handles[step[1]].remove()
    names_of = {id(fn): name for name, fn in functions.items()}
    order = [[names_of.get(id(fn), "?") for fn in list(t._hooks.values())] for t in tensors]
    return {"order": order, "handles": all_handles}


def probe_register_refused(ns, data):
    """register_hook on a tensor that requires grad (must work), then on two that do not."""
    hook = lambda grad: None  # noqa: E731
    ok = _leaf(ns, data)
    works = _error_name(lambda: ok.register_hook(hook))
    plain = ns["Tensor"](np.array(data, dtype=float))
    made = plain * 2.0
    return {"works": works, "leaf": _error_name(lambda: plain.register_hook(hook)),
            "computed": _error_name(lambda: made.register_hook(hook))}


# -- Part 2: run_hooks ----------------------------------------------------------------------------------------


def probe_run_hooks(ns, grad, plan):
    """run_hooks on a tensor whose _hooks are built from plan; what each hook saw, and the result."""
    t = _leaf(ns, np.zeros_like(grad))
    log = []
    _install(t, plan, log)
    result = ns["run_hooks"](t, np.array(grad, dtype=float))
    return {"calls": [entry["hook"] for entry in log], "seen": [entry["seen"] for entry in log],
            "result": _array(result), "result_is_none": result is None}


# -- Part 3: retain_grad ----------------------------------------------------------------------------------------


def probe_retain_flags(ns, data):
    """retain_grad on non-leaves (twice) and on a leaf; the retains_grad flags afterwards."""
    x = _leaf(ns, data)
    y = x * 2.0
    z = y + x
    ns["retain_grad"](y)
    ns["retain_grad"](y)
    z.retain_grad()
    x.retain_grad()
    flags = [y.retains_grad, z.retains_grad, x.retains_grad]
    return {"flags": [f if isinstance(f, bool) else repr(f) for f in flags]}


def probe_retain_refused(ns, data):
    """retain_grad on a non-leaf (must work), then on a leaf and a computed tensor that require no grad."""
    y = _leaf(ns, data) * 3.0
    works = _error_name(lambda: ns["retain_grad"](y))
    plain = ns["Tensor"](np.array(data, dtype=float))
    made = plain * 2.0
    return {"works": works, "leaf": _error_name(lambda: ns["retain_grad"](plain)),
            "computed": _error_name(lambda: ns["retain_grad"](made))}


# -- Part 4: accumulate_grad --------------------------------------------------------------------------------------


def probe_leaf(ns, x, ks, plan):
    """One backward pass per k in ks, of loss = sum(k * x * x) + sum(x), into the leaf x with the hooks of
    plan. What the hooks saw (and x.grad when they ran), and x.grad after every pass."""
    with _using(ns, student=["accumulate_grad"]):
        leaf = _leaf(ns, x)
        log = []
        _install(leaf, plan, log)
        after = []
        for k in ks:
            loss = (leaf * leaf * np.array(k, dtype=float)).sum() + leaf.sum()
            loss.backward()
            after.append(_array(leaf.grad))
    return {"log": log, "after": after}


def probe_leaf_copies(ns, a, b, grad):
    """Two leaves handed the same read-only gradient array by AddBackward0 and SumBackward0; then a second
    pass. Whether their .grad arrays share memory, are writable, and their values."""
    with _using(ns, student=["accumulate_grad"]):
        left, right = _leaf(ns, a), _leaf(ns, b)
        total = (left + right).sum()
        total.backward()
        shared = bool(np.shares_memory(np.asarray(left.grad), np.asarray(right.grad)))
        writable = bool(np.asarray(left.grad).flags.writeable and np.asarray(right.grad).flags.writeable)
        ((left + right) * np.array(grad, dtype=float)).sum().backward()
        return {"shared": shared, "writable": writable, "left": _array(left.grad), "right": _array(right.grad)}


# -- Part 5: before_backward ----------------------------------------------------------------------------------------


def _chain(ns, x, k):
    """x (a leaf), y = x * x, w = y + x, loss = sum(w * k), or sum(w) for k None."""
    leaf = _leaf(ns, x)
    y = leaf * leaf
    w = y + leaf
    loss = w.sum() if k is None else (w * np.array(k, dtype=float)).sum()
    return {"x": leaf, "y": y, "w": w, "loss": loss}


def probe_non_leaf(ns, x, k, retain, hooks, passes):
    """The chain above; the names in retain retain their gradient, hooks maps a name to a plan. After
    `passes` backward passes: every .grad, what the hooks saw, and whether the stored arrays are writable
    and separate."""
    with _using(ns, student=["before_backward"]):
        t = _chain(ns, x, k)
        for name in retain:
            t[name].retains_grad = True
        log = {}
        for name, plan in hooks.items():
            log[name] = []
            _install(t[name], plan, log[name])
        for _ in range(passes):
            t["loss"].backward()
        stored = [t[n].grad for n in ("x", "y", "w", "loss") if isinstance(t[n].grad, np.ndarray)]
        shared = any(np.shares_memory(a, b) for i, a in enumerate(stored) for b in stored[i + 1:])
        writable = all(a.flags.writeable for a in stored)
        return {"grads": {n: _array(t[n].grad) for n in ("x", "y", "w", "loss")},
                "seen": {n: [e["seen"] for e in entries] for n, entries in log.items()},
                "shared": bool(shared), "writable": bool(writable)}


# -- Part 6: reverse_gradient ---------------------------------------------------------------------------------------


def probe_reverse(ns, x, k1, k2, alpha, non_leaf, both):
    """t = x (or x * x), r = reverse_gradient(t, alpha), loss = sum(r * k2) (+ sum(t * k1) if both)."""
    with _using(ns, student=[]):
        leaf = _leaf(ns, x)
        t = leaf * leaf if non_leaf else leaf
        hooks_before = len(t._hooks)
        r = ns["reverse_gradient"](t, alpha)
        if not isinstance(r, ns["Tensor"]):
            raise TypeError("reverse_gradient did not return a Tensor")
        loss = (r * np.array(k2, dtype=float)).sum()
        if both:
            loss = loss + (t * np.array(k1, dtype=float)).sum()
        loss.backward()
        return {"value": _array(r.data), "grad": _array(leaf.grad), "is_t": r is t,
                "hooks_added_to_t": len(t._hooks) - hooks_before}


# -- Part 7: capture_grads ------------------------------------------------------------------------------------------


def probe_capture(ns, x, k, names, scale_y):
    """The chain of Part 5; capture_grads(loss, [the named tensors]). With scale_y, y already has a hook
    that scales its gradient. The captured arrays, and what is left on the tensors afterwards."""
    with _using(ns, student=[]):
        t = _chain(ns, x, k)
        if scale_y is not None:
            REFERENCE["register_hook"](t["y"], lambda grad: grad * scale_y)
        before = {n: list(t[n]._hooks.values()) for n in ("x", "y", "w")}
        got = ns["capture_grads"](t["loss"], [t[n] for n in names])
        got = list(got)
        after = {n: list(t[n]._hooks.values()) for n in ("x", "y", "w")}
        kept = all(len(after[n]) == len(before[n]) and all(a is b for a, b in zip(after[n], before[n]))
                   for n in before)
        return {"captured": [_array(g) for g in got], "hooks_kept_as_before": kept,
                "non_leaf_grads": [t[n].grad is None for n in ("y", "w", "loss")],
                "x_grad": _array(t["x"].grad)}


def probe_capture_error(ns, x, k):
    """A capture that works, then one whose backward raises (the loss is not a scalar): are the hooks gone?"""
    with _using(ns, student=[]):
        t = _chain(ns, x, k)
        got = list(ns["capture_grads"](t["loss"], [t["y"], t["x"]]))
        first_ok = len(got) == 2
        error = _error_name(lambda: ns["capture_grads"](t["w"], [t["y"], t["x"], t["w"]]))
        left = [len(t[n]._hooks) for n in ("x", "y", "w")]
        return {"first_ok": first_ok, "error": error, "hooks_left": left}
