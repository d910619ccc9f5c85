"""Hidden tests for exercise 5: hooks and retain_grad.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. Expected gradients come from autograd_ref,
with the same hooks registered there (it follows PyTorch: hooks in registration order, a hook's result
replacing the gradient, leaf hooks before accumulation, retained gradients stored after the hooks); the
bookkeeping of handles is checked against a plain list. Each part is probed with correct versions of the
other parts, so every failure message names a concept of the part it counts toward.
"""
import warnings

import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import call, same

# ---------------------------------------------------------------------------------------------------------
# Helpers


def data(rng, shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape)


def vector(rng):
    return data(rng, (int(rng.integers(2, 6)),))


def constant(rng):
    """A factor or an offset for a hook, never close to 0 or 1 (so that its effect always shows)."""
    return float(rng.uniform(1.5, 3.0) * rng.choice([-1.0, 1.0]))


def leaf(x):
    return ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=True)


def hook_plan(rng, n, kinds=("watch", "scale", "add")):
    return [[str(kind)] + ([constant(rng)] if kind != "watch" else [])
            for kind in (rng.choice(kinds) for _ in range(n))]


def reference_hook(step, log, tensor=None):
    """The autograd_ref hook for one step of a plan (see probes._hook_from_plan)."""
    def hook(grad):
        then = None if tensor is None else tensor.grad
        log.append({"seen": grad.numpy().copy(), "grad_then": None if then is None else then.numpy().copy()})
        if step[0] == "scale":
            return grad * step[1]
        if step[0] == "add":
            return grad + step[1]
        return None
    return hook


# ---------------------------------------------------------------------------------------------------------
# Part 1: register_hook and RemovableHandle


def model_script(n_tensors, script):
    """What every tensor's hooks should be after the script: a plain list per tensor."""
    hooks = [[] for _ in range(n_tensors)]
    where = {}
    for step_no, step in enumerate(script):
        if step[0] == "reg":
            hooks[step[1]].append((step_no, step[2]))
            where[step_no] = step[1]
        else:
            owner = hooks[where[step[1]]]
            owner[:] = [entry for entry in owner if entry[0] != step[1]]
    return [[name for _, name in entries] for entries in hooks]


def run_script(student, n_tensors, script, what):
    got = call(student, "hook_script", what, n_tensors=n_tensors, script=script)
    assert got["handles"] is True, "register_hook should return a RemovableHandle"
    return got["order"] == model_script(n_tensors, script)


NAMES = ["alpha", "beta", "gamma", "delta"]


@pytest.mark.points(1, cell="test_handle")
def test_register_hook_keeps_hooks_in_order(student, rng):
    """Part 1: register_hook stores each hook, in registration order, and refuses a tensor without grad."""
    script = [["reg", int(rng.integers(2)), str(rng.choice(NAMES))] for _ in range(int(rng.integers(5, 9)))]
    script += [["reg", 0, NAMES[0]], ["reg", 1, NAMES[0]]]          # one function on two tensors
    assert run_script(student, 2, script, "register_hook"), (
        "register_hook: the tensor's _hooks do not hold the registered hooks in registration order")
    got = call(student, "register_refused", "register_hook", data=vector(rng))
    assert got["works"] is None, "register_hook fails on a tensor that requires grad"
    assert got["leaf"] == "RuntimeError" and got["computed"] == "RuntimeError", (
        "register_hook on a tensor that does not require grad should raise a RuntimeError")


@pytest.mark.points(1, cell="test_handle")
def test_remove_takes_away_its_own_hook(student, rng):
    """Part 1: handle.remove() deletes its hook and no other; a second remove does nothing."""
    n = int(rng.integers(4, 7))
    script = [["reg", 0, str(rng.choice(NAMES[:2]))] for _ in range(n)]   # the same function more than once
    script += [["reg", 1, NAMES[0]]]
    chosen = [int(i) for i in rng.choice(n, size=int(rng.integers(2, n)), replace=False)]
    script += [["rm", i] for i in chosen] + [["rm", chosen[0]]]           # one handle removed twice
    assert run_script(student, 2, script, "RemovableHandle.remove"), (
        "RemovableHandle.remove does not take away exactly its own hook from the tensor")


@pytest.mark.points(1, cell="test_handle")
def test_register_after_remove(student, rng):
    """Part 1: hooks registered after a removal are added, and keep the others (handle ids are unique)."""
    n = int(rng.integers(3, 6))
    script = [["reg", 0, NAMES[i % 4]] for i in range(n)]
    script += [["rm", int(rng.integers(0, n - 1))]]                        # not the last one
    script += [["reg", 0, str(rng.choice(NAMES))], ["reg", 0, str(rng.choice(NAMES))]]
    script += [["rm", n + 1], ["reg", 0, str(rng.choice(NAMES))]]
    assert run_script(student, 1, script, "register_hook"), (
        "register_hook after a remove loses or overwrites a hook: every handle needs an id no other handle had")


# ---------------------------------------------------------------------------------------------------------
# Part 2: run_hooks


def model_run_hooks(grad, plan):
    seen = []
    for step in plan:
        seen.append(grad)
        if step[0] == "scale":
            grad = grad * step[1]
        elif step[0] == "add":
            grad = grad + step[1]
    return seen, grad


def run_plan(student, rng, plan):
    grad = vector(rng)
    got = call(student, "run_hooks", "run_hooks", grad=grad, plan=plan)
    seen, result = model_run_hooks(grad, plan)
    return got, seen, result


@pytest.mark.points(1, cell="test_run_hooks")
def test_hooks_run_in_registration_order(student, rng):
    """Part 2: every hook runs once, in registration order; no hooks, no change."""
    got, _, result = run_plan(student, rng, [])
    assert same(got["result"], result), "run_hooks: with no hooks, the gradient should come back unchanged"
    plan = hook_plan(rng, int(rng.integers(3, 6)), kinds=("watch",))
    got, _, _ = run_plan(student, rng, plan)
    assert got["calls"] == list(range(len(plan))), (
        "run_hooks: the hooks should each run once, in the order they were registered")


@pytest.mark.points(1, cell="test_run_hooks")
def test_a_hook_returning_none_keeps_the_gradient(student, rng):
    """Part 2: a hook that returns None leaves the gradient as it was."""
    for plan in (hook_plan(rng, int(rng.integers(2, 4)), kinds=("watch",)),
                 [["scale", constant(rng)], ["watch"], ["watch"]]):
        got, seen, result = run_plan(student, rng, plan)
        assert not got["result_is_none"] and same(got["result"], result), (
            "run_hooks: a hook that returns None only looks; the gradient must stay as it was, not become None")
        assert all(same(g, s) for g, s in zip(got["seen"], seen)) and len(got["seen"]) == len(seen), (
            "run_hooks: after a hook that returns None, the next hook should see the same gradient")


@pytest.mark.points(1, cell="test_run_hooks")
def test_a_replacement_is_passed_on(student, rng):
    """Part 2: a hook's result replaces the gradient for the hooks after it, and is returned."""
    plan = [["scale", constant(rng)], ["watch"], ["add", constant(rng)], ["watch"], ["scale", constant(rng)]]
    got, seen, result = run_plan(student, rng, plan)
    assert len(got["seen"]) == len(seen) and all(same(g, s) for g, s in zip(got["seen"], seen)), (
        "run_hooks: a hook should see the gradient as the hooks before it left it")
    assert same(got["result"], result), "run_hooks should return the gradient the last replacement left"


# ---------------------------------------------------------------------------------------------------------
# Part 3: retain_grad


@pytest.mark.points(1, cell="test_retain_grad")
def test_retain_grad_marks_non_leaves(student, rng):
    """Part 3: retain_grad sets retains_grad on non-leaves, and leaves a leaf's False."""
    got = call(student, "retain_flags", "retain_grad", data=vector(rng))
    y, z, x = got["flags"]
    assert y is True and z is True, "retain_grad on a non-leaf should set its retains_grad to True"
    assert x is False, "retain_grad on a leaf changes nothing: its retains_grad stays False"


@pytest.mark.points(1, cell="test_retain_grad")
def test_retain_grad_refuses_a_tensor_without_grad(student, rng):
    """Part 3: retain_grad refuses a tensor that does not require grad."""
    got = call(student, "retain_refused", "retain_grad", data=vector(rng))
    assert got["works"] is None, "retain_grad fails on a non-leaf that requires grad"
    assert got["leaf"] == "RuntimeError" and got["computed"] == "RuntimeError", (
        "retain_grad on a tensor that does not require grad should raise a RuntimeError")


# ---------------------------------------------------------------------------------------------------------
# Part 4: accumulate_grad


def reference_leaf(x, ks, plan):
    t = leaf(x)
    log = []
    for step in plan:
        t.register_hook(reference_hook(step, log, t))
    after = []
    for k in ks:
        ((t * t * ag.tensor(np.asarray(k), dtype=ag.float64)).sum() + t.sum()).backward()
        after.append(t.grad.numpy().copy())
    return log, after


def run_leaf(student, rng, plan, passes):
    x = vector(rng)
    ks = [data(rng, x.shape) for _ in range(passes)]
    got = call(student, "leaf", "accumulate_grad", x=x, ks=ks, plan=plan)
    log, after = reference_leaf(x, ks, plan)
    return got, log, after


@pytest.mark.points(1, cell="test_accumulate_grad")
def test_leaf_gradient_accumulates_in_a_copy(student, rng):
    """Part 4: without hooks, a leaf stores a copy of its first gradient and adds the later ones."""
    got, _, after = run_leaf(student, rng, [], passes=3)
    assert same(got["after"][0], after[0]), "accumulate_grad: after one backward pass, the leaf's .grad is wrong"
    assert all(same(g, a) for g, a in zip(got["after"], after)), (
        "accumulate_grad: later backward passes should add to the leaf's .grad")
    a, b = vector(rng), None
    b, g = data(rng, a.shape), data(rng, a.shape)
    got = call(student, "leaf_copies", "accumulate_grad", a=a, b=b, grad=g)
    assert got["shared"] is False and got["writable"] is True, (
        "accumulate_grad: two leaves handed the same gradient array end up sharing it (or a read-only one): "
        "store a copy")
    assert same(got["left"], 1 + g) and same(got["right"], 1 + g), (
        "accumulate_grad: leaves handed the same gradient array get wrong gradients after a second pass")


@pytest.mark.points(1, cell="test_accumulate_grad")
def test_leaf_hooks_run_before_accumulation(student, rng):
    """Part 4: a leaf's hooks run before its gradient is added into .grad, with the whole gradient."""
    got, log, _ = run_leaf(student, rng, [["watch"]], passes=2)
    calls = got["log"]
    assert len(calls) == 2, "accumulate_grad: a leaf's hooks should run once per backward pass"
    assert calls[0]["grad_then"] is None and same(calls[1]["grad_then"], log[1]["grad_then"]), (
        "accumulate_grad: a leaf's hooks must run before the gradient is added into .grad")
    assert all(same(c["seen"], r["seen"]) for c, r in zip(calls, log)), (
        "accumulate_grad: a leaf's hook should see the leaf's gradient")


@pytest.mark.points(1, cell="test_accumulate_grad")
def test_leaf_hook_replacement_is_accumulated(student, rng):
    """Part 4: what the hooks leave is what gets added into .grad."""
    plan = [["scale", constant(rng)], ["watch"], ["add", constant(rng)]]
    got, log, after = run_leaf(student, rng, plan, passes=2)
    assert len(got["after"]) == 2 and all(same(g, a) for g, a in zip(got["after"], after)), (
        "accumulate_grad: the gradient a leaf's hooks leave (a replacement, if one returned an array) is what "
        "should be added into .grad")


# ---------------------------------------------------------------------------------------------------------
# Part 5: before_backward


def reference_chain(x, k, retain, hooks, passes):
    t = {"x": leaf(x)}
    t["y"] = t["x"] * t["x"]
    t["w"] = t["y"] + t["x"]
    t["loss"] = t["w"].sum() if k is None else (t["w"] * ag.tensor(np.asarray(k), dtype=ag.float64)).sum()
    for name in retain:
        t[name].retain_grad()
    seen = {}
    for name, plan in hooks.items():
        log = seen[name] = []
        for step in plan:
            t[name].register_hook(reference_hook(step, log))
    for _ in range(passes):
        t["loss"].backward(retain_graph=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grads = {n: None if t[n].grad is None else t[n].grad.numpy().copy() for n in t}
    return grads, {n: [e["seen"] for e in log] for n, log in seen.items()}


def run_chain(student, rng, retain, hooks, passes, weighted=True):
    x = vector(rng)
    k = data(rng, x.shape) if weighted else None
    got = call(student, "non_leaf", "before_backward", x=x, k=k, retain=retain, hooks=hooks, passes=passes)
    grads, seen = reference_chain(x, k, retain, hooks, passes)
    return got, grads, seen


@pytest.mark.points(1, cell="test_before_backward")
def test_non_leaf_grad_stays_none(student, rng):
    """Part 5: without retain_grad, a non-leaf's .grad stays None, and the gradient flows on."""
    got, grads, _ = run_chain(student, rng, [], {}, passes=1)
    assert same(got["grads"]["x"], grads["x"]), (
        "before_backward: the leaf's gradient is wrong: return the gradient that flows on")
    assert all(got["grads"][n] is None for n in ("y", "w", "loss")), (
        "before_backward: a non-leaf that did not retain its gradient should keep .grad None")


@pytest.mark.points(1, cell="test_before_backward")
def test_retained_gradient(student, rng):
    """Part 5: non-leaves that retain their gradient store it, and accumulate it over backward passes."""
    retain = [str(n) for n in rng.permutation(["y", "w", "loss"])[: int(rng.integers(2, 4))]]
    for passes in (1, 2):
        got, grads, _ = run_chain(student, rng, retain, {}, passes=passes)
        for name in retain:
            assert same(got["grads"][name], grads[name]), (
                "before_backward: the retained gradient of a non-leaf is wrong" if passes == 1 else
                "before_backward: a retained gradient should add up over backward passes")
        assert same(got["grads"]["x"], grads["x"]), "before_backward: retaining a gradient changed the leaf's"


@pytest.mark.points(1, cell="test_before_backward")
def test_retained_gradient_is_a_copy(student, rng):
    """Part 5: a retained gradient is an array of its own, not the one that flows on."""
    got, grads, _ = run_chain(student, rng, ["y", "w"], {}, passes=1, weighted=False)
    assert got["shared"] is False and got["writable"] is True, (
        "before_backward: a retained .grad shares its array with the gradient that flows on (or is read-only): "
        "store a copy")
    assert same(got["grads"]["y"], grads["y"]) and same(got["grads"]["w"], grads["w"]), (
        "before_backward: the retained gradient of a non-leaf is wrong")


@pytest.mark.points(1, cell="test_before_backward")
def test_hook_replacement_flows_back(student, rng):
    """Part 5: what a non-leaf's hooks leave is the gradient that flows on to its inputs."""
    hooks = {"y": [["scale", constant(rng)], ["watch"]], "w": [["watch"], ["add", constant(rng)]]}
    got, grads, seen = run_chain(student, rng, [], hooks, passes=1)
    assert all(len(got["seen"][n]) == len(hooks[n]) for n in hooks), (
        "before_backward: a non-leaf's hooks should run once per backward pass")
    assert same(got["seen"]["y"][0], seen["y"][0]), (
        "before_backward: the replacement left by a later tensor's hooks should flow back to the tensors before it")
    assert same(got["grads"]["x"], grads["x"]), (
        "before_backward: the gradient that flows on must be the one the hooks left, not the one that came in")


@pytest.mark.points(1, cell="test_before_backward")
def test_retained_gradient_is_stored_after_the_hooks(student, rng):
    """Part 5: a retained gradient is what the hooks left (PyTorch stores it after all of them)."""
    hooks = {"y": [["scale", constant(rng)], ["watch"]]}
    for passes in (1, 2):
        got, grads, _ = run_chain(student, rng, ["y"], hooks, passes=passes)
        assert same(got["grads"]["y"], grads["y"]), (
            "before_backward: the retained gradient should be stored after the tensor's hooks, with what they left")


# ---------------------------------------------------------------------------------------------------------
# Part 6: reverse_gradient


def run_reverse(student, rng, non_leaf, both):
    x = vector(rng)
    k1, k2 = data(rng, x.shape), data(rng, x.shape)
    alpha = float(rng.uniform(0.25, 2.0))
    got = call(student, "reverse", "reverse_gradient", x=x, k1=k1, k2=k2, alpha=alpha, non_leaf=non_leaf, both=both)
    tx = leaf(x)
    t = tx * tx if non_leaf else tx
    r = t * 1.0
    r.register_hook(lambda grad: -alpha * grad)
    loss = (r * ag.tensor(k2, dtype=ag.float64)).sum()
    if both:
        loss = loss + (t * ag.tensor(k1, dtype=ag.float64)).sum()
    loss.backward()
    return got, t.detach().numpy(), tx.grad.numpy()


@pytest.mark.points(1, cell="test_reverse_gradient")
def test_reverse_gradient_value_and_gradient(student, rng):
    """Part 6: the identity forward, the gradient times -alpha on the way back."""
    for non_leaf in (False, True):
        got, value, grad = run_reverse(student, rng, non_leaf, both=False)
        assert same(got["value"], value), "reverse_gradient: the result should have t's values"
        assert same(got["grad"], grad), "reverse_gradient: the gradient through it should be multiplied by -alpha"


@pytest.mark.points(1, cell="test_reverse_gradient")
def test_reverse_gradient_changes_only_its_own_path(student, rng):
    """Part 6: other uses of t keep their gradient: the hook is on a new tensor, not on t."""
    for non_leaf in (False, True):
        got, _, grad = run_reverse(student, rng, non_leaf, both=True)
        assert got["is_t"] is False and got["hooks_added_to_t"] == 0 and same(got["grad"], grad), (
            "reverse_gradient: only the gradient that flows through the new tensor may change sign; the other "
            "uses of t must keep theirs (put the hook on a new tensor, not on t)")


# ---------------------------------------------------------------------------------------------------------
# Part 7: capture_grads


def reference_capture(x, k, names, scale_y):
    t = {"x": leaf(x)}
    t["y"] = t["x"] * t["x"]
    t["w"] = t["y"] + t["x"]
    t["loss"] = (t["w"] * ag.tensor(np.asarray(k), dtype=ag.float64)).sum()
    if scale_y is not None:
        t["y"].register_hook(lambda grad: grad * scale_y)
    captured = {}
    for name in names:
        t[name].register_hook(lambda grad, name=name: captured.__setitem__(name, grad.numpy().copy()))
    t["loss"].backward()
    return [captured[n] for n in names], t["x"].grad.numpy()


def run_capture(student, rng, scale_y):
    x = vector(rng)
    k = data(rng, x.shape)
    names = [str(n) for n in rng.permutation(["x", "y", "w"])]
    got = call(student, "capture", "capture_grads", x=x, k=k, names=names, scale_y=scale_y)
    want, x_grad = reference_capture(x, k, names, scale_y)
    return got, want, x_grad


@pytest.mark.points(1, cell="test_capture_grads")
def test_capture_grads_values(student, rng):
    """Part 7: the gradient that flowed into each tensor, in the order asked for."""
    for scale_y in (None, constant(rng)):
        got, want, _ = run_capture(student, rng, scale_y)
        captured = got["captured"]
        assert isinstance(captured, list) and len(captured) == len(want), (
            "capture_grads should return one gradient per tensor")
        assert all(same(g, w) for g, w in zip(captured, want)), (
            "capture_grads: the captured gradients are wrong (or in the wrong order): does each hook know its "
            "own position?" if scale_y is None else
            "capture_grads: a tensor's own hooks run first; the capture should see what they left")


@pytest.mark.points(1, cell="test_capture_grads")
def test_capture_grads_leaves_no_trace(student, rng):
    """Part 7: afterwards the tensors have exactly their own hooks, and only leaves have a .grad."""
    got, _, x_grad = run_capture(student, rng, constant(rng))
    assert got["hooks_kept_as_before"] is True, (
        "capture_grads should remove its own hooks afterwards, and leave the tensors' other hooks alone")
    assert all(flag is True for flag in got["non_leaf_grads"]), (
        "capture_grads should not make non-leaves keep a .grad (use hooks, not retain_grad)")
    assert same(got["x_grad"], x_grad), "capture_grads: the leaf should get its .grad as in any backward pass"


@pytest.mark.points(1, cell="test_capture_grads")
def test_capture_grads_removes_hooks_when_backward_raises(student, rng):
    """Part 7: the hooks are removed even when backward raises."""
    x = vector(rng)
    got = call(student, "capture_error", "capture_grads", x=x, k=data(rng, x.shape))
    assert got["first_ok"] is True, "capture_grads should return one gradient per tensor"
    assert got["hooks_left"] == [0, 0, 0], (
        "capture_grads leaves its hooks on the tensors when backward raises: remove them in a finally block")
