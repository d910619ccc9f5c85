"""Hidden tests for exercise 4: the lifetime of a graph.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. Gradients are compared with
autograd_ref, which frees, refuses and retains as PyTorch does; the rest is checked by exact reasoning.
Failure messages name the concept and never show the inputs drawn here.
"""
import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import call, same as _same

# ---------------------------------------------------------------------------------------------------------
# Helpers


def same(got, want, rtol=1e-9, atol=1e-12):
    """``autograd_course.suite.same`` with this suite's tighter tolerances."""
    return _same(got, want, rtol=rtol, atol=atol)


def vector(rng, n=3):
    return rng.uniform(-0.8, 0.8, size=n)


# ---------------------------------------------------------------------------------------------------------
# Part 1: saved values


def some_values(rng):
    return [vector(rng, int(rng.integers(2, 5))) for _ in range(int(rng.integers(1, 4)))]


@pytest.mark.points(1, cell="test_saved_values")
def test_saved_values_come_back(student, rng):
    """Part 1: saved_tensors gives back what was saved."""
    for _ in range(2):
        values = some_values(rng)
        got = call(student, "save_and_unpack", "saved_tensors", values=values)
        assert got.get("kind") == "sequence", "saved_tensors should return a tuple"
        assert got["length"] == len(values) and all(same(g, v) for g, v in zip(got["values"], values)), (
            "saved_tensors should give back the values saved, in the order they were saved")


@pytest.mark.points(1, cell="test_saved_values")
def test_release_frees_the_memory(student, rng):
    """Part 1: release_variables lets the saved arrays go."""
    values = some_values(rng)
    got = call(student, "release_frees", "release_variables", values=values)
    assert got["weakref"] is True, "keep the saved values as the arrays you were given"
    assert got["count"] == len(values), "saved_tensors should give back every value saved, before the release"
    assert got["alive"] == 0, (
        "after release_variables the node still refers to its saved arrays, so their memory is never freed: "
        "drop the values, not only mark them as released")


@pytest.mark.points(1, cell="test_saved_values")
def test_unpack_after_release_raises(student, rng):
    """Part 1: saved values cannot be read once released."""
    got = call(student, "unpack_after_release", "saved_tensors", values=some_values(rng))
    assert got["before"] is None, "saved_tensors failed before anything was released"
    assert got["after"] is not None, "saved_tensors should raise once the values have been released"
    assert got["after"]["type"] == "RuntimeError", "reading released values should raise RuntimeError"


@pytest.mark.points(1, cell="test_saved_values")
def test_error_message_names_the_fix(student, rng):
    """Part 1: the error says what happened and what to do."""
    got = call(student, "unpack_after_release", "saved_tensors", values=some_values(rng))
    error = got["after"]
    assert error is not None and error["type"] == "RuntimeError", "reading released values should raise RuntimeError"
    assert "second time" in error["message"] and "retain_graph=True" in error["message"], (
        "the error should say, as PyTorch's does, that this is a backward through the graph a second time "
        "(or an access to freed saved tensors) and that retain_graph=True is what keeps them")


# ---------------------------------------------------------------------------------------------------------
# Part 2: accumulate_grad


@pytest.mark.points(1, cell="test_accumulate")
def test_first_gradient_is_stored(student, rng):
    """Part 2: the first gradient a leaf receives."""
    for shape in ([3], [2, 2], []):
        g = rng.uniform(-2, 2, size=shape)
        got = call(student, "accumulate", "accumulate_grad", shape=shape, grads=[g])
        assert isinstance(got, list) and same(got[0], g), "after the first gradient, leaf.grad should hold it"


@pytest.mark.points(1, cell="test_accumulate")
def test_gradients_accumulate(student, rng):
    """Part 2: gradients add up over several backward passes."""
    for shape in ([3], [2, 3]):
        grads = [rng.uniform(-2, 2, size=shape) for _ in range(int(rng.integers(3, 6)))]
        got = call(student, "accumulate", "accumulate_grad", shape=shape, grads=grads)
        total = np.zeros(shape)
        for k, g in enumerate(grads):
            total = total + g
            assert isinstance(got, list) and same(got[k], total), (
                "leaf.grad should be the sum of every gradient it received: add to it, do not replace it")


@pytest.mark.points(1, cell="test_accumulate")
def test_gradient_is_an_array_of_its_own(student, rng):
    """Part 2: two leaves handed one array do not share it."""
    g, g2 = vector(rng), vector(rng)
    got = call(student, "accumulate_shared", "accumulate_grad", g=g, g2=g2)
    assert got["shared"] is False and same(got["q"], g) and got["handed_in_unchanged"] is True, (
        "a leaf's first gradient should be stored as a copy: two leaves handed the same array (as "
        "AddBackward0 does) would share it, and adding to one would change the other")


# ---------------------------------------------------------------------------------------------------------
# Part 3: backward, compared with autograd_ref

ELEMENTWISE = ["add", "sub", "mul", "exp", "add_number", "mul_number", "number_mul"]
NOTHING_SAVED = ["add", "sub", "add_number"]


def random_program(rng, ops):
    """Leaves (vectors) and steps ending in a sum. The first leaf requires grad and the first step uses it
    twice; every later step builds on the one before, so the root depends on all of them."""
    n_leaves = int(rng.integers(2, 4))
    leaves = [vector(rng) for _ in range(n_leaves)]
    flags = [True] + [bool(f) for f in rng.integers(0, 2, size=n_leaves - 1)]
    first = "mul" if "mul" in ops else str(rng.choice(["add", "sub"]))
    steps = [[first, 0, 0]]
    exps = 0
    for _ in range(int(rng.integers(3, 7))):
        n = n_leaves + len(steps)
        op = str(rng.choice(ops))
        if op == "exp":
            exps += 1
            if exps > 2:
                op = "add"
        if op in ("add", "sub", "mul"):
            steps.append([op, n - 1, int(rng.integers(n))])
        elif op in ("add_number", "mul_number", "number_mul"):
            steps.append([op, n - 1, float(np.round(rng.uniform(-1.5, 1.5), 3))])
        else:
            steps.append([op, n - 1])
    steps.append(["sum", n_leaves + len(steps) - 1])
    return leaves, flags, steps


def reference_values(leaves, flags, steps):
    values = [ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=bool(f))
              for x, f in zip(leaves, flags)]
    for step in steps:
        op, a = step[0], values[int(step[1])]
        if op in ("add", "sub", "mul"):
            b = values[int(step[2])]
            out = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b}[op]()
        elif op in ("add_number", "mul_number", "number_mul"):
            c = float(step[2])
            out = {"add_number": lambda: a + c, "mul_number": lambda: a * c, "number_mul": lambda: c * a}[op]()
        else:
            out = {"exp": lambda: a.exp(), "sum": lambda: a.sum()}[op]()
        values.append(out)
    return values


def reference_grads(leaves, flags, steps, calls):
    """The leaves' grads after each backward call, from autograd_ref (None for a leaf without one)."""
    values = reference_values(leaves, flags, steps)
    after = []
    for kwargs in calls:
        values[-1].backward(**kwargs)
        after.append([None if values[i].grad is None else values[i].grad.numpy().copy()
                      for i in range(len(leaves))])
    return after


def run_backward(student, leaves, flags, steps, calls):
    return call(student, "backward", "backward", leaves=[np.asarray(x) for x in leaves], flags=flags,
                steps=steps, calls=calls)


def first_pass_ok(got, what):
    error = got["error"]
    if error is not None and error.get("call", 0) == 0:
        if "second time" in error["message"] or error["type"] == "RuntimeError":
            raise AssertionError(f"{what}: the first backward already fails: are saved values released before "
                                 f"the node that saved them has used them?")
        raise AssertionError(f"{what}: the first backward failed: {error['type']}")


def grads_equal(got_after, want_after):
    return len(got_after) == len(want_after) and all(same(g, w) for g, w in zip(got_after, want_after))


@pytest.mark.points(1, cell="test_backward")
def test_backward_gives_the_gradients(student, rng):
    """Part 3: one backward pass gives the gradients."""
    for _ in range(3):
        leaves, flags, steps = random_program(rng, ELEMENTWISE)
        got = run_backward(student, leaves, flags, steps, [{}])
        first_pass_ok(got, "backward")
        want = reference_grads(leaves, flags, steps, [{}])
        assert got["after"] and grads_equal(got["after"][0], want[0]), (
            "backward: the leaves' gradients are wrong (sum the gradients that arrive at a node, send each of "
            "apply's results along its entry of next_functions)")


@pytest.mark.points(1, cell="test_backward")
def test_saved_values_are_released_after_backward(student, rng):
    """Part 3: a backward pass frees the values the nodes saved."""
    for _ in range(2):
        leaves, flags, steps = random_program(rng, ELEMENTWISE)
        got = call(student, "released_after_backward", "backward", leaves=[np.asarray(x) for x in leaves],
                   flags=flags, steps=steps, retain_graph=False)
        first_pass_ok(got, "backward")
        assert got["count"] > 0
        assert all(r == "RuntimeError" for r in got["refused"]), (
            "after backward (without retain_graph) the nodes' saved values should have been released: call "
            "release_variables on each node once its apply has run")


@pytest.mark.points(1, cell="test_backward")
def test_second_backward_fails(student, rng):
    """Part 3: a second backward through a freed graph raises."""
    for _ in range(2):
        leaves, flags, steps = random_program(rng, ELEMENTWISE)
        got = run_backward(student, leaves, flags, steps, [{}, {}])
        first_pass_ok(got, "a second backward")
        error = got["error"]
        assert error is not None, (
            "a second backward through a graph whose saved values were freed should raise RuntimeError: the "
            "first one should release them")
        assert error["type"] == "RuntimeError", "the second backward should fail with RuntimeError"


@pytest.mark.points(1, cell="test_backward")
def test_retain_graph(student, rng):
    """Part 3: retain_graph=True keeps the graph for another pass."""
    for _ in range(2):
        leaves, flags, steps = random_program(rng, ELEMENTWISE)
        calls = [{"retain_graph": True}, {}]
        got = run_backward(student, leaves, flags, steps, calls)
        first_pass_ok(got, "retain_graph=True")
        assert got["error"] is None, (
            "with retain_graph=True the saved values should be kept, so that a second backward works")
        want = reference_grads(leaves, flags, steps, calls)
        assert len(got["after"]) == 2 and grads_equal(got["after"][1], want[1]), (
            "after backward(retain_graph=True) and a second backward, the gradients should be twice those of "
            "one pass")
    leaves, flags, steps = random_program(rng, ELEMENTWISE)
    got = call(student, "released_after_backward", "backward", leaves=[np.asarray(x) for x in leaves],
               flags=flags, steps=steps, retain_graph=True)
    first_pass_ok(got, "retain_graph=True")
    assert all(r is None for r in got["refused"]), "with retain_graph=True no saved values should be released"


@pytest.mark.points(1, cell="test_backward")
def test_graph_that_saved_nothing_runs_again(student, rng):
    """Part 3: a graph whose nodes saved nothing can be walked again."""
    for _ in range(2):
        leaves, flags, steps = random_program(rng, NOTHING_SAVED)
        calls = [{}, {}, {}]
        got = run_backward(student, leaves, flags, steps, calls)
        first_pass_ok(got, "backward")
        assert got["error"] is None, (
            "a graph of +, - and sum saved nothing, so nothing was freed and it can be walked again (as in "
            "PyTorch): only reading released saved values should fail")
        want = reference_grads(leaves, flags, steps, calls)
        assert len(got["after"]) == 3 and grads_equal(got["after"][2], want[2]), (
            "three backward passes through the same graph should give three times the gradients")


# ---------------------------------------------------------------------------------------------------------
# Part 4: zero_grad


def gradients_for(rng, k, with_none=True):
    grads = [vector(rng) for _ in range(k)]
    if with_none:
        grads[int(rng.integers(k))] = None
    return grads


@pytest.mark.points(1, cell="test_zero_grad")
def test_set_to_none(student, rng):
    """Part 4: zero_grad(set_to_none=True), the default."""
    for mode in (None, True):
        grads = gradients_for(rng, int(rng.integers(2, 5)))
        got = call(student, "zero_grad", "zero_grad", grads=grads, set_to_none=mode, then=None)
        assert got["after"] == [None] * len(grads), "zero_grad(tensors) with set_to_none=True should set every grad to None"


@pytest.mark.points(1, cell="test_zero_grad")
def test_zero_in_place(student, rng):
    """Part 4: zero_grad(set_to_none=False) zeroes the same arrays."""
    grads = gradients_for(rng, int(rng.integers(2, 5)))
    got = call(student, "zero_grad", "zero_grad", grads=grads, set_to_none=False, then=None)
    for g, after, same_array, held in zip(grads, got["after"], got["same_array"], got["held"]):
        if g is None:
            assert after is None, "with set_to_none=False, a grad that is None should stay None"
            continue
        assert same(after, np.zeros(3)), "with set_to_none=False, every grad should be filled with zeros"
        assert same_array is True and same(held, np.zeros(3)), (
            "set_to_none=False should zero the existing array in place (as .grad.zero_() does), not put a new "
            "array in .grad")


@pytest.mark.points(1, cell="test_zero_grad")
def test_zeroing_resets_the_sum(student, rng):
    """Part 4: after zeroing, .grad holds only the next gradient."""
    for mode in (True, False):
        k = int(rng.integers(2, 4))
        grads, then = gradients_for(rng, k, with_none=False), gradients_for(rng, k, with_none=False)
        got = call(student, "zero_grad", "zero_grad", grads=grads, set_to_none=mode, then=then)
        assert all(same(g, t) for g, t in zip(got["then"], then)), (
            "after zero_grad, the next gradient a leaf receives should be all its .grad holds")


# ---------------------------------------------------------------------------------------------------------
# Part 5: step_gradients


def reference_steps(w, h0, targets):
    leaf = ag.tensor(np.asarray(w, dtype=float), dtype=ag.float64, requires_grad=True)
    h = ag.tensor(np.asarray(h0, dtype=float), dtype=ag.float64)
    grads = []
    for target in targets:
        h = h.detach() * leaf + 1.0
        error = h - ag.tensor(np.asarray(target, dtype=float), dtype=ag.float64)
        loss = (error * error).sum()
        leaf.grad = None
        loss.backward()
        grads.append(leaf.grad.numpy().copy())
    return grads


def steps_inputs(rng, n_steps):
    n = int(rng.integers(1, 4))
    return rng.uniform(0.3, 0.9, size=n), rng.uniform(-1, 1, size=n), [rng.uniform(-1, 2, size=n)
                                                                       for _ in range(n_steps)]


def run_steps(student, w, h0, targets):
    try:
        got = student.probe("step_gradients", w=w, h0=h0, targets=targets)
    except Exception as e:  # ProbeFailed
        if "second time" in str(e) and len(targets) == 1:
            raise AssertionError(
                "step_gradients: the first step's backward already fails with the error of a freed graph: does "
                "your backward release saved values before the node has used them?") from None
        if "second time" in str(e):
            raise AssertionError(
                "step_gradients: a step's backward fails with the error of a freed graph: the state h still "
                "carries the previous step's graph, already freed (start each step from h.detach())") from None
        raise AssertionError(f"step_gradients: your code failed: {e}") from None
    assert got.get("kind") == "sequence" and len(got["gradients"]) == len(targets), (
        "step_gradients should return a list with one gradient per target")
    return got["gradients"]


@pytest.mark.points(1, cell="test_step_gradients")
def test_one_step(student, rng):
    """Part 5: the gradient of a single step."""
    for _ in range(2):
        w, h0, targets = steps_inputs(rng, 1)
        got = run_steps(student, w, h0, targets)
        assert same(got[0], reference_steps(w, h0, targets)[0]), "step_gradients: the first step's gradient is wrong"


@pytest.mark.points(2, cell="test_step_gradients")
def test_several_steps(student, rng):
    """Part 5: every step's gradient, on its own."""
    for _ in range(2):
        w, h0, targets = steps_inputs(rng, int(rng.integers(3, 6)))
        got = run_steps(student, w, h0, targets)
        want = reference_steps(w, h0, targets)
        assert same(got[0], want[0]), "step_gradients: the first step's gradient is wrong"
        assert all(same(g, x) for g, x in zip(got, want)), (
            "step_gradients: from the second step on the gradients are wrong; each should come from its own "
            "step alone: clear w.grad before each backward, and start each step from h.detach() (with "
            "retain_graph instead, backward runs through every earlier step as well)")
