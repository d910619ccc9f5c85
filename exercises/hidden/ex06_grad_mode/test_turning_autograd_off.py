"""Hidden tests for exercise 6: turning autograd off.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. Expected values come from autograd_ref:
the same nestings of ``no_grad`` / ``enable_grad`` are run with its context managers, and gradients computed
with it. Each part is probed with correct versions of the other parts, so every failure message names a
concept of the part it counts toward.
"""
import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import call, same

# ---------------------------------------------------------------------------------------------------------
# Helpers


def vector(rng, low=-1.5, high=1.5):
    return rng.uniform(low, high, size=(int(rng.integers(2, 6)),))


def leaf(x):
    return ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=True)


class in_grad_mode:
    """autograd_ref's grad mode set to `mode` for a while, and switched back on afterwards."""

    def __init__(self, mode):
        self.mode = mode

    def __enter__(self):
        ag.set_grad_enabled(self.mode)

    def __exit__(self, *exc):
        ag.set_grad_enabled(True)
        return False


# ---------------------------------------------------------------------------------------------------------
# Part 1: is_grad_enabled and _set_grad_enabled, one flag per thread


@pytest.mark.points(1, cell="test_grad_mode_flag")
def test_set_and_read_the_grad_mode(student, rng):
    """Part 1: _set_grad_enabled switches the mode that is_grad_enabled reports."""
    modes = [bool(m) for m in rng.integers(0, 2, size=6)] + [False, False, True, True]
    got = call(student, "flag", "is_grad_enabled", modes=modes)
    assert got == modes, (
        "is_grad_enabled should return True or False: the mode _set_grad_enabled last set in this thread")


@pytest.mark.points(1, cell="test_grad_mode_flag")
def test_a_new_thread_starts_with_grad_enabled(student, rng):
    """Part 1: a thread started while grad mode is off sees it on (the mode is per thread, on by default)."""
    got = call(student, "new_thread", "is_grad_enabled")
    assert got["here"] is False, "is_grad_enabled should report the mode _set_grad_enabled set in this thread"
    if isinstance(got["thread"], dict):
        raise AssertionError(
            f"is_grad_enabled fails in a new thread ({got['thread'].get('error')}): an attribute set on a "
            "threading.local() at module level exists only in the thread that set it; read it with a default")
    assert got["thread"] is True, (
        "a new thread should start with grad mode on, whatever another thread set: keep the mode in a "
        "threading.local(), not in a variable all threads share")


@pytest.mark.points(1, cell="test_grad_mode_flag")
def test_threads_do_not_share_the_grad_mode(student, rng):
    """Part 1: switching grad mode off in one thread leaves it on in another."""
    got = call(student, "thread_switches_off", "_set_grad_enabled")
    assert got["thread"] == [False, False], "in a thread that switched grad mode off, is_grad_enabled should be False"
    assert got["meanwhile"] is True and got["after"] is True, (
        "another thread switching grad mode off must not switch it off here: the mode belongs to each thread")


# ---------------------------------------------------------------------------------------------------------
# Part 2: record


def run_record(student, rng, enabled):
    x = vector(rng)
    k = rng.uniform(-1.5, 1.5, size=x.shape)
    got = call(student, "record", "record", x=x, k=k, enabled=enabled)
    tx = leaf(x)
    with in_grad_mode(enabled):
        y = tx * ag.tensor(k, dtype=ag.float64)
        z = y.exp().sum() + (tx + 1.0).sum()
    return got, tx, y, z, k


@pytest.mark.points(1, cell="test_record")
def test_operations_are_recorded_while_grad_is_enabled(student, rng):
    """Part 2: with grad mode on, an operation on a tensor that requires grad gets a grad_fn."""
    got, tx, y, z, k = run_record(student, rng, True)
    for name, ref in (("y", y), ("z", z)):
        assert got[name]["requires_grad"] is True and got[name]["has_grad_fn"], (
            "record: with grad mode on, the result of an operation on a tensor that requires grad needs a "
            "grad_fn and requires_grad True")
        assert same(got[name]["data"], ref.detach().numpy()), "record: the result of the operation is wrong"
    assert got["plain"]["requires_grad"] is False and not got["plain"]["has_grad_fn"], (
        "record: an operation on tensors that do not require grad records nothing")
    z.backward()
    assert same(got["x_grad"], tx.grad.numpy()), "record: backward through the recorded graph gives wrong gradients"


@pytest.mark.points(1, cell="test_record")
def test_nothing_is_recorded_while_grad_is_disabled(student, rng):
    """Part 2: with grad mode off, results have no grad_fn and requires_grad False; recording resumes after."""
    got, _, y, z, _ = run_record(student, rng, False)
    for name, ref in (("y", y), ("z", z)):
        assert got[name]["requires_grad"] is False, (
            "record: with grad mode off, a result must have requires_grad False, whatever its inputs")
        assert not got[name]["has_grad_fn"], "record: with grad mode off, a result must have no grad_fn"
        assert same(got[name]["data"], ref.detach().numpy()), "record: the result of the operation is wrong"
    assert got["again"]["requires_grad"] is True and got["again"]["has_grad_fn"], (
        "record: once grad mode is back on, operations must be recorded again")


# ---------------------------------------------------------------------------------------------------------
# Part 3: no_grad and enable_grad as context managers

REFERENCE_CONTEXTS = {"no_grad": ag.no_grad, "enable_grad": ag.enable_grad}


class Boom(Exception):
    pass


def reference_nesting(start, levels, raise_inside, catch_at):
    """probes.probe_nesting, with autograd_ref's context managers."""
    log = []

    def level(i):
        if i == len(levels):
            log.append(["innermost", ag.is_grad_enabled()])
            if raise_inside:
                raise Boom()
            return
        with REFERENCE_CONTEXTS[levels[i]]():
            log.append(["enter", i, ag.is_grad_enabled()])
            if catch_at == i:
                try:
                    level(i + 1)
                except Boom:
                    log.append(["caught", i, ag.is_grad_enabled()])
            else:
                level(i + 1)
            log.append(["leave", i, ag.is_grad_enabled()])

    with in_grad_mode(start):
        try:
            level(0)
        except Boom:
            log.append(["caught", -1, ag.is_grad_enabled()])
        log.append(["after", ag.is_grad_enabled()])
    return log


def check_nesting(student, start, levels, raise_inside=False, catch_at=-1, message=""):
    got = call(student, "nesting", "no_grad / enable_grad", start=start, levels=levels,
               raise_inside=raise_inside, catch_at=catch_at)
    assert got == reference_nesting(start, levels, raise_inside, catch_at), message


def random_levels(rng, n):
    return [str(rng.choice(["no_grad", "enable_grad"])) for _ in range(n)]


@pytest.mark.points(1, cell="test_grad_mode_context")
def test_no_grad_and_enable_grad_set_the_mode(student, rng):
    """Part 3: no_grad switches recording off inside its block, enable_grad on; on again afterwards."""
    for name in ("no_grad", "enable_grad"):
        check_nesting(student, True, [name], message=(
            f"with {name}(): the grad mode inside the block, or after it, is wrong"))


@pytest.mark.points(1, cell="test_grad_mode_context")
def test_leaving_a_block_restores_the_previous_mode(student, rng):
    """Part 3: blocks nest; leaving one restores the mode that was there before it, not simply True."""
    message = "leaving a no_grad / enable_grad block should restore the mode that was there before it"
    for name in ("no_grad", "enable_grad"):
        check_nesting(student, False, [name], message=message)
    for _ in range(2):
        levels = ["no_grad"] + random_levels(rng, int(rng.integers(2, 5)))
        check_nesting(student, bool(rng.integers(2)), levels, message=message)


@pytest.mark.points(1, cell="test_grad_mode_context")
def test_the_mode_is_restored_when_the_block_raises(student, rng):
    """Part 3: an exception inside nested blocks restores each block's previous mode on its way out."""
    message = "when a with block raises, the grad mode must still be restored to what it was before the block"
    levels = ["no_grad", "enable_grad"] + random_levels(rng, int(rng.integers(1, 3)))
    check_nesting(student, True, levels, raise_inside=True, catch_at=0, message=message)
    check_nesting(student, False, random_levels(rng, int(rng.integers(1, 4))), raise_inside=True, catch_at=-1,
                  message=message)


@pytest.mark.points(1, cell="test_grad_mode_context")
def test_an_exception_is_not_swallowed(student, rng):
    """Part 3: an exception raised inside a block comes out of it (__exit__ returns a false value)."""
    levels = random_levels(rng, int(rng.integers(1, 4)))
    check_nesting(student, True, levels, raise_inside=True, catch_at=-1, message=(
        "an exception raised inside a no_grad / enable_grad block must come out of it: __exit__ should not "
        "return True"))


# ---------------------------------------------------------------------------------------------------------
# Part 4: context_decorator


def random_mode(rng):
    return str(rng.choice(["no_grad", "enable_grad"]))


def mode_value(mode):
    return mode == "enable_grad"


@pytest.mark.points(1, cell="test_context_decorator")
def test_each_call_runs_in_the_mode(student, rng):
    """Part 4: the decorated function runs in the decorator's mode at every call, never at definition."""
    mode = random_mode(rng)
    starts = [not mode_value(mode), mode_value(mode)] + [bool(s) for s in rng.integers(0, 2, size=3)]
    calls = [[s, float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2)), float(rng.uniform(0.5, 2))] for s in starts]
    got = call(student, "decorated", "context_decorator", mode=mode, calls=calls)
    assert got["at_definition"] == 0, (
        "context_decorator must not call the function when it is decorated, only when it is called")
    for (start, a, b, scale), result in zip(calls, got["results"]):
        assert result["inside"] == [mode_value(mode)], (
            "a decorated function should run once per call, in the decorator's grad mode (set at each call, "
            "not when the function is defined)")
        assert result["value"] is not None and np.isclose(result["value"], (a + b) * scale), (
            "the decorated function should get every argument and return the function's result")
        assert result["after"] is start, "after a call of the decorated function, the caller's mode should be back"


@pytest.mark.points(1, cell="test_context_decorator")
def test_the_decorated_function_keeps_its_name_and_docstring(student, rng):
    """Part 4: functools.wraps: the wrapper has the function's name and docstring."""
    got = call(student, "decorated", "context_decorator", mode=random_mode(rng), calls=[])
    assert got["name"] == "target" and got["doc"] == "Adds two numbers and scales the sum.", (
        "the decorated function should keep the function's __name__ and __doc__: use functools.wraps")


@pytest.mark.points(1, cell="test_context_decorator")
def test_a_decorated_function_calling_itself_many_times(student, rng):
    """Part 4: a new context for every call, so that a function that calls itself restores the caller's mode."""
    mode = random_mode(rng)
    depth, repeats = int(rng.integers(2, 6)), int(rng.integers(20, 40))
    got = call(student, "decorated_recursive", "context_decorator", mode=mode, start=not mode_value(mode),
               depth=depth, repeats=repeats)
    assert len(got["seen"]) == repeats * (2 * depth + 1) and all(s is mode_value(mode) for s in got["seen"]), (
        "a decorated function that calls itself should run in the decorator's mode at every level")
    assert got["after"] == [not mode_value(mode)] * repeats, (
        "after a decorated function that calls itself returns, the caller's mode should be back: make a new "
        "context for every call")


@pytest.mark.points(1, cell="test_context_decorator")
def test_an_exception_from_the_decorated_function(student, rng):
    """Part 4: an exception from the function comes out unchanged, and the caller's mode is restored."""
    mode = random_mode(rng)
    got = call(student, "decorated_raises", "context_decorator", mode=mode, start=not mode_value(mode))
    assert got["error"] == "LookupError", "an exception raised by the decorated function should come out unchanged"
    assert got["after"] is (not mode_value(mode)), (
        "when the decorated function raises, the caller's grad mode must still be restored (use a with "
        "statement, or try/finally)")
    assert got["value"] == 42 and got["after_second"] is (not mode_value(mode)), (
        "the decorated function should return the function's result")


# ---------------------------------------------------------------------------------------------------------
# Part 5: detach


@pytest.mark.points(1, cell="test_detach")
def test_detach_shares_memory(student, rng):
    """Part 5: a detached tensor shares its data with the original: writing into one changes the other."""
    for non_leaf in (False, True):
        x = vector(rng)
        write = rng.uniform(-3, 3, size=x.shape)
        got = call(student, "detach", "detach", x=x, non_leaf=non_leaf, write=write)
        t_data = x * x if non_leaf else x
        assert got["is_t"] is False, "detach should return a new tensor, not the tensor itself"
        assert same(got["data"], t_data), "the detached tensor should hold the original's values"
        assert got["shares"] is True and "write_error" not in got and same(got["t_data"], write), (
            "a detached tensor should share memory with the original (detach is not a copy; that is clone)")


@pytest.mark.points(1, cell="test_detach")
def test_detach_cuts_the_graph(student, rng):
    """Part 5: no grad_fn, requires_grad False, no .grad; the original is unchanged; no gradient flows back."""
    for non_leaf in (False, True):
        x = vector(rng)
        got = call(student, "detach", "detach", x=x, non_leaf=non_leaf, write=x)
        assert got["is_t"] is False, "detach should return a new tensor, not change the tensor itself"
        assert got["has_grad_fn"] is False and got["requires_grad"] is False and got["grad_is_none"] is True, (
            "a detached tensor has no grad_fn, requires_grad False and no .grad")
        assert got["t_unchanged"] is True, "detach must not change the tensor it is called on"
    x = vector(rng)
    k = rng.uniform(-2, 2, size=x.shape)
    got = call(student, "detach_path", "detach", x=x, k=k)
    tx = leaf(x)
    ((tx * ag.tensor(k, dtype=ag.float64)).sum() + (tx.detach() * tx).sum()).backward()
    assert same(got, tx.grad.numpy()), "no gradient should flow back through a detached tensor"


# ---------------------------------------------------------------------------------------------------------
# Part 6: grad_of


def run_grad_of(student, rng, start):
    x = vector(rng)
    k = rng.uniform(-1, 1, size=x.shape)
    got = call(student, "grad_of", "grad_of", x=x, k=k, start=start)
    tx = leaf(x)
    ((tx * tx * ag.tensor(k, dtype=ag.float64)).sum() + tx.exp().sum()).backward()
    return got, tx.grad.numpy()


@pytest.mark.points(1, cell="test_grad_of")
def test_grad_of_values(student, rng):
    """Part 6: grad_of returns the gradient of f at x."""
    got, want = run_grad_of(student, rng, True)
    assert same(got["grad"], want), "grad_of: the gradient is wrong"
    assert got["x_unchanged"] is True, "grad_of must not change the caller's array x"


@pytest.mark.points(1, cell="test_grad_of")
def test_grad_of_inside_no_grad(student, rng):
    """Part 6: grad_of works with grad mode off, and leaves it off."""
    got, want = run_grad_of(student, rng, False)
    assert same(got["grad"], want), (
        "grad_of: called with grad mode off, the gradient is wrong: switch recording on inside (enable_grad)")
    assert got["after"] is False, "grad_of should leave the caller's grad mode as it found it"
