"""Hidden tests for exercise 12: what backward keeps (saved tensors with a version check, saved-tensor hooks,
the bytes a forward pass saves, checkpointing, and the node that first returns a nan).

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. Gradients and loss values come from
autograd_ref running the same programs; the node a nan comes from, and the error's wording, from
autograd_ref's ``detect_anomaly``; the bytes a program saves from what each of the notebook engine's nodes
saves (its docstrings), counted here. Failure messages name the concept and never show the inputs drawn here.
"""
import warnings

import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import as_array, call, same

INPLACE = "one of the variables needed for gradient computation has been modified by an inplace operation"

# ---------------------------------------------------------------------------------------------------------
# Programs: the probes' step language, run here on autograd_ref (and on numpy, for the sizes of values)

AG_UNARY = {"exp": ag.exp, "log": ag.log, "neg": lambda a: -a, "tanh": ag.tanh, "sigmoid": ag.sigmoid,
            "sum": lambda a: a.sum()}
AG_BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
             "div": lambda a, b: a / b, "mm": lambda a, b: a @ b}
AG_NUMBER = {"mul_number": lambda a, c: a * c, "number_add": lambda a, c: c + a, "number_div": lambda a, c: c / a}


def tensor(x, requires_grad=False):
    return ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=requires_grad)


def run_reference(leaves, flags, steps):
    """The program on autograd_ref: its values (leaves first)."""
    values = [tensor(x, bool(f)) for x, f in zip(leaves, flags)]
    for step in steps:
        op, a = step[0], values[int(step[1])]
        if op in AG_UNARY:
            values.append(AG_UNARY[op](a))
        elif op in AG_BINARY:
            values.append(AG_BINARY[op](a, values[int(step[2])]))
        else:
            values.append(AG_NUMBER[op](a, float(step[2])))
    return values


def reference(leaves, flags, steps):
    """(loss, [gradient of each leaf, None where it needs none]) by autograd_ref."""
    values = run_reference(leaves, flags, steps)
    values[-1].backward()
    return values[-1].item(), [None if v.grad is None else v.grad.numpy() for v in values[:len(leaves)]]


def anomaly_message(leaves, flags, steps):
    """The RuntimeError autograd_ref's detect_anomaly raises for the program's backward pass."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        values = run_reference(leaves, flags, steps)
        try:
            with ag.autograd.detect_anomaly():
                values[-1].backward()
        except RuntimeError as e:
            return str(e)
    raise AssertionError("the program should give a nan gradient")


def sizes(leaves, steps):
    """The number of elements of each value of the program."""
    values = [np.asarray(x, dtype=float) for x in leaves]
    for step in steps:
        op, a = step[0], values[int(step[1])]
        if op == "sum":
            values.append(np.asarray(a.sum()))
        elif op == "mm":
            values.append(a @ values[int(step[2])])
        else:
            values.append(a)                # elementwise: the same shape
    return [v.size for v in values]


# What each of the engine's nodes saves, by the values of the program: ("value", i) is value i; ("hidden",
# k) is a tensor made inside step k that is not one of the values (c / a is a.reciprocal() * c: the
# reciprocal's result, saved by ReciprocalBackward0 and by MulBackward0).
def saves(leaves, steps):
    """Every tensor the program's forward saves, in order, as (identity, number of elements)."""
    n = sizes(leaves, steps)
    out = []
    for k, step in enumerate(steps):
        op, i, result = step[0], int(step[1]), len(leaves) + k
        if op in ("mul", "div", "mm"):
            out += [(("value", i), n[i]), (("value", int(step[2])), n[int(step[2])])]
        elif op in ("exp", "tanh", "sigmoid"):
            out.append((("value", result), n[result]))
        elif op in ("log", "mul_number"):
            out.append((("value", i), n[i]))
        elif op == "number_div":
            out += [(("hidden", k), n[i]), (("hidden", k), n[i])]
    return out


def distinct_bytes(leaves, steps):
    return 8 * sum(dict(saves(leaves, steps)).values())


def grads_match(got, want):
    """got (a probe's list of gradients) matches want (arrays, or None for no gradient)."""
    return isinstance(got, list) and len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))


def draw(rng, *shape, low=-1.5, high=1.5):
    return rng.uniform(low, high, size=shape).round(6).tolist()


def away_from_zero(rng, *shape):
    signs = rng.choice([-1.0, 1.0], size=shape)
    return (signs * rng.uniform(0.5, 1.5, size=shape)).round(6).tolist()


def matrix_sizes(rng):
    return [int(s) for s in rng.choice([2, 3, 4, 5], size=3, replace=False)]


# ---------------------------------------------------------------------------------------------------------
# Part 1: SavedTensor

def part1_programs(rng):
    n, m, k = matrix_sizes(rng)
    first = ([draw(rng, n, m), draw(rng, n, m), draw(rng, m, k)], [True, True, True],
             [["mul", 0, 1], ["tanh", 3], ["mm", 4, 2], ["sigmoid", 5], ["number_add", 6, 1.0],
              ["number_div", 7, 2.0], ["sum", 8]])
    second = ([rng.uniform(0.5, 2.0, size=n).round(6).tolist(), draw(rng, n)], [True, True],
              [["log", 0], ["exp", 1], ["mul", 2, 3], ["mul", 1, 1], ["add", 0, 5], ["div", 4, 6], ["neg", 7],
               ["sum", 8]])
    return first, second


@pytest.mark.points(1, cell="test_saved_tensor")
def test_saved_tensor_gives_back_the_tensor(student, rng):
    """Part 1: unpack gives back the very tensor that was saved, and backward works with it."""
    arrays = [draw(rng, 3), draw(rng, 2, 2), draw(rng, 4)]
    got = call(student, "roundtrip", "SavedTensor", arrays=arrays)
    assert got["same"] == [True] * 6, (
        "SavedTensor(t).unpack() should give back t itself (the very object, not a copy), each time it is called")
    for leaves, flags, steps in part1_programs(rng):
        got = call(student, "program", "a backward pass on the engine", leaves=leaves, flags=flags, steps=steps)
        loss, grads = reference(leaves, flags, steps)
        assert same(got["loss"], loss) and grads_match(got["grads"], grads), (
            "the engine's backward pass, which reads every saved tensor through SavedTensor.unpack, gives "
            "wrong gradients")


@pytest.mark.points(1, cell="test_saved_tensor")
def test_change_in_place_is_refused(student, rng):
    """Part 1: a tensor changed in place after it was saved: a RuntimeError."""
    for after in (1, int(rng.integers(2, 4))):
        got = call(student, "inplace", "SavedTensor", data=draw(rng, 3), before=0, after=after, unrelated=0)
        error = got["error"]
        assert error is not None and error["runtime"], (
            "unpack should raise a RuntimeError for a tensor changed in place after it was saved")
        assert error["message"].startswith(INPLACE), (
            "the error's message should start with PyTorch's words: 'one of the variables needed for gradient "
            "computation has been modified by an inplace operation'")
    got = call(student, "engine_inplace", "backward after a change in place", a=draw(rng, 4), b=draw(rng, 4),
               before=0, after=1)
    error = got["error"]
    assert error is not None and error["runtime"] and error["message"].startswith(INPLACE), (
        "backward through a node whose saved tensor was changed in place should raise that RuntimeError")


@pytest.mark.points(1, cell="test_saved_tensor")
def test_error_names_the_versions(student, rng):
    """Part 1: the error says the version the tensor is at and the version it was saved at."""
    before, after = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    got = call(student, "inplace", "SavedTensor", data=draw(rng, 2, 3), before=before, after=after, unrelated=0)
    error = got["error"]
    assert error is not None and error["runtime"] and error["message"].startswith(INPLACE), (
        "unpack should raise a RuntimeError for a tensor changed in place after it was saved")
    assert f"is at version {before + after}; expected version {before} instead" in error["message"], (
        "the message should say 'is at version <now>; expected version <when saved> instead': the version is "
        "the tensor's _version when SavedTensor was made, not 0")


@pytest.mark.points(1, cell="test_saved_tensor")
def test_no_false_alarm(student, rng):
    """Part 1: changes before saving, or to another tensor, are no reason to refuse."""
    before = int(rng.integers(1, 4))
    got = call(student, "inplace", "SavedTensor", data=draw(rng, 3), before=before, after=0, unrelated=2)
    assert got["error"] is None and got["same"], (
        "a tensor changed in place BEFORE it was saved (or another tensor changed) is fine: unpack should give "
        "the tensor back")
    a, b = draw(rng, 4), draw(rng, 4)
    got = call(student, "engine_inplace", "backward", a=a, b=b, before=before, after=0)
    assert got["error"] is None and same(got["grad"], np.asarray(a) + before), (
        "backward after changes made before the forward pass should work, with the changed values")


# ---------------------------------------------------------------------------------------------------------
# Part 2: saved_tensors_hooks and PackedTensor

@pytest.mark.points(1, cell="test_hooks")
def test_the_innermost_block_packs(student, rng):
    """Part 2: pack runs for each tensor saved in the block; nested blocks use the innermost."""
    a, b = draw(rng, 3), draw(rng, 3)
    got = call(student, "innermost_block", "saved_tensors_hooks", a=a, b=b)
    assert got["count"] >= 1 and all(same_tensor for _, same_tensor in got["calls"]), (
        "inside a saved_tensors_hooks block, pack_hook should be called with each tensor an operation saves")
    assert [tag for tag, _ in got["calls"]] == ["outer", "outer", "inner", "outer"] and got["count"] == 4, (
        "in a block nested in another, the inner block's hooks should be used; once it ends, the outer "
        "block's hooks again")
    assert got["after"] == 0, "once the blocks have ended, no pack hook should run"
    _, grads = reference([a, b], [True, True], [["mul", 0, 1], ["exp", 2], ["tanh", 3], ["mul", 4, 0], ["sum", 5]])
    assert grads_match(got["grads"], grads), "backward after the blocks gives wrong gradients"


@pytest.mark.points(1, cell="test_hooks")
def test_hooks_end_with_the_block_after_an_error(student, rng):
    """Part 2: an exception in the block goes on, and the block's hooks end with it."""
    a, b = draw(rng, 3), draw(rng, 3)
    got = call(student, "block_error", "saved_tensors_hooks", a=a, b=b)
    assert got["inside"] == 2, "inside a saved_tensors_hooks block, pack_hook should run for each saved tensor"
    assert got["came_out"], "an exception raised in the block should come out of it (__exit__ returns False)"
    assert got["after"] == 0, (
        "after a block that ended with an exception, its hooks should be gone: __exit__ runs then too")
    assert grads_match(got["grads"], [np.asarray(b), np.asarray(a)]), "backward after the block gives wrong gradients"


def hooks_program(rng):
    n, m, k = matrix_sizes(rng)
    return ([draw(rng, n, m), draw(rng, m, k), rng.uniform(0.5, 2.0, size=(n, k)).round(6).tolist()],
            [True, True, True],
            [["mm", 0, 1], ["tanh", 3], ["mul", 4, 2], ["log", 2], ["add", 5, 6], ["sigmoid", 7],
             ["number_div", 8, 3.0], ["sum", 9]])


@pytest.mark.points(1, cell="test_hooks")
def test_unpack_runs_in_backward(student, rng):
    """Part 2: a PackedTensor keeps what pack returned, and backward gets unpack of it."""
    leaves, flags, steps = hooks_program(rng)
    count = len(saves(leaves, steps))
    got = call(student, "unpack_in_backward", "PackedTensor", leaves=leaves, flags=flags, steps=steps)
    assert got["forward"]["pack"] == count and got["forward"]["tensors"], (
        "PackedTensor should call pack_hook once, with the tensor, when the tensor is saved")
    assert got["forward"]["unpack"] == 0, (
        "unpack_hook should not run in the forward pass: only when backward needs the tensor")
    assert got["backward"]["unpack"] == count, "backward should get each saved tensor through unpack_hook"
    _, grads = reference(leaves, flags, steps)
    assert grads_match(got["grads"], grads), (
        "backward gives wrong gradients: unpack should return unpack_hook(what pack_hook returned)")


@pytest.mark.points(1, cell="test_hooks")
def test_packed_tensor_keeps_only_what_pack_returned(student, rng):
    """Part 2: what pack returned is all a PackedTensor keeps (no version check, as in PyTorch)."""
    a, b = draw(rng, 4), draw(rng, 4)
    got = call(student, "packed_copy", "PackedTensor", a=a, b=b)
    assert got["pack"] == 2, "PackedTensor should call pack_hook once per saved tensor"
    assert got["error"] is None, (
        "with hooks, a change in place after saving is no error: PackedTensor keeps what pack_hook returned "
        "(here a copy) and checks no version")
    assert same(got["grad"], np.asarray(a)), (
        "backward should use what unpack_hook gives back from what pack_hook returned (a copy made before the "
        "change in place)")


# ---------------------------------------------------------------------------------------------------------
# Part 3: saved_bytes

def check_bytes(student, leaves, flags, steps, message, no_grad=False, want=None):
    got = call(student, "saved_bytes", "saved_bytes", leaves=leaves, flags=flags, steps=steps, no_grad=no_grad)
    want = distinct_bytes(leaves, steps) if want is None else want
    assert got["bytes"] is not None, "saved_bytes should return a number of bytes (an int)"
    assert got["bytes"] == want, message


@pytest.mark.points(1, cell="test_saved_bytes")
def test_saved_bytes(student, rng):
    """Part 3: the bytes a forward pass saves."""
    n, m, k = matrix_sizes(rng)
    programs = [([draw(rng, n, m), draw(rng, m, k)], [["mm", 0, 1], ["exp", 2], ["sum", 3]]),
                ([draw(rng, n, k), draw(rng, n, k)], [["mul", 0, 1], ["sigmoid", 2], ["sum", 3]])]
    for leaves, steps in programs:
        assert len(saves(leaves, steps)) == len(dict(saves(leaves, steps)))      # no tensor saved twice here
        check_bytes(student, leaves, [True] * len(leaves), steps,
                    "saved_bytes is wrong: it should add up tensor.nbytes of the tensors the forward pass saves")


@pytest.mark.points(1, cell="test_saved_bytes")
def test_saved_bytes_counts_each_tensor_once(student, rng):
    """Part 3: a tensor saved twice is memory held once."""
    n, m, k = matrix_sizes(rng)
    programs = [([draw(rng, n)], [["mul", 0, 0], ["exp", 1], ["sum", 2]]),
                ([draw(rng, n, m), draw(rng, m, k), draw(rng, k, n)], [["mm", 0, 1], ["tanh", 3], ["mm", 4, 2],
                                                                       ["sum", 5]]),
                ([rng.uniform(0.5, 2.0, size=n).round(6).tolist(), draw(rng, n)],
                 [["mul", 0, 1], ["log", 0], ["add", 2, 3], ["sum", 4]])]
    for leaves, steps in programs:
        assert len(saves(leaves, steps)) > len(dict(saves(leaves, steps)))       # some tensor saved twice
        check_bytes(student, leaves, [True] * len(leaves), steps,
                    "saved_bytes counts a tensor saved twice (x in x * x, say) twice: it is one piece of memory, "
                    "count it once")


@pytest.mark.points(1, cell="test_saved_bytes")
def test_saved_bytes_counts_what_is_saved_only(student, rng):
    """Part 3: what is saved, not what is computed."""
    n = int(rng.integers(2, 6))
    x, y = draw(rng, n), draw(rng, n)
    check_bytes(student, [x, y], [True, True], [["add", 0, 1], ["mul_number", 2, 3.0], ["sub", 3, 1], ["sum", 4]],
                "saved_bytes is wrong: of (x + y) * 3.0 - y, only the product saves a tensor (x + y; the 3.0 is "
                "kept as a number)", want=8 * n)
    check_bytes(student, [x, y], [True, True], [["sub", 0, 1], ["sum", 2]],
                "saved_bytes of a forward pass that saves nothing should be 0", want=0)
    check_bytes(student, [x, y], [True, True], [["mul", 0, 1], ["exp", 2], ["sum", 3]],
                "saved_bytes of a forward pass run under no_grad should be 0: nothing is recorded or saved",
                no_grad=True, want=0)


# ---------------------------------------------------------------------------------------------------------
# Part 4: checkpoint

def block_inputs(rng):
    n, m, k = matrix_sizes(rng)
    return {"x": draw(rng, n, m), "W": draw(rng, m, k), "V": draw(rng, k, m), "c": away_from_zero(rng, n, m)}


def block_reference(x, W, V, c):
    """The output of fn(x, W) = tanh(tanh(x @ W) @ V), and the gradients of x, W and V of (out * c).sum()."""
    X, Wt, Vt = tensor(x, True), tensor(W, True), tensor(V, True)
    out = ag.tanh(ag.tanh(X @ Wt) @ Vt)
    (out * tensor(c)).sum().backward()
    return out.detach().numpy(), [X.grad.numpy(), Wt.grad.numpy(), Vt.grad.numpy()]


@pytest.mark.points(1, cell="test_checkpoint")
def test_checkpoint_returns_fn_s_value(student, rng):
    """Part 4: checkpoint(fn, *inputs) has fn's value; it is recorded only when something needs a gradient."""
    inputs = block_inputs(rng)
    out, _ = block_reference(**inputs)
    got = call(student, "checkpoint", "checkpoint", mode="forward", **inputs)["out"]
    assert got["tensor"] and same(got["values"], out), (
        "checkpoint(fn, *inputs) should return a Tensor with fn(*inputs)'s values")
    assert got["requires_grad"] and got["grad_fn"], (
        "when an input requires grad, checkpoint's result should require grad and have a grad_fn")
    got = call(student, "checkpoint", "checkpoint under no_grad", mode="no_grad", **inputs)["out"]
    assert got["tensor"] and same(got["values"], out) and not got["requires_grad"] and not got["grad_fn"], (
        "under no_grad, checkpoint should record nothing: a plain Tensor with fn's values")
    got = call(student, "checkpoint", "checkpoint", mode="forward", x_grad=False, W_grad=False, **inputs)["out"]
    assert got["tensor"] and same(got["values"], out) and not got["requires_grad"] and not got["grad_fn"], (
        "when no input requires grad, checkpoint should record nothing: a plain Tensor with fn's values")


@pytest.mark.points(2, cell="test_checkpoint")
def test_checkpoint_gradients(student, rng):
    """Part 4: the gradients through a checkpoint are the ones without it."""
    inputs = block_inputs(rng)
    _, grads = block_reference(**inputs)
    got = call(student, "checkpoint", "backward through checkpoint", **inputs)
    assert got["error"] is None, (
        f"backward through checkpoint's node failed ({got['error']['type']}): its apply should run fn again "
        "with recording switched on (enable_grad: the backward pass runs nodes with it off) and backward "
        "through that")
    assert grads_match(got["grads"][:2], grads[:2]), (
        "the gradients of checkpoint's inputs differ from those without checkpoint: run fn again on new leaves "
        "with the inputs' data, backward from its output with grad_output, and return the leaves' .grad")
    assert same(got["grads"][2], grads[2]), (
        "a tensor fn uses that is not one of its inputs (a weight) should get its gradient through checkpoint too")
    got = call(student, "checkpoint", "backward through checkpoint", W_grad=False, **inputs)
    assert got["error"] is None and got["grads"][1] is None and same(got["grads"][0], grads[0]), (
        "an input that does not require grad should get no gradient through checkpoint, the others theirs")


@pytest.mark.points(1, cell="test_checkpoint")
def test_checkpoint_saves_only_the_inputs(student, rng):
    """Part 4: a checkpoint keeps fn's inputs, and nothing of fn's graph."""
    inputs = block_inputs(rng)
    out, _ = block_reference(**inputs)
    del inputs["c"]
    got = call(student, "checkpoint_bytes", "checkpoint", **inputs)
    assert got["out"]["tensor"] and same(got["out"]["values"], out), (
        "checkpoint(fn, *inputs) should return a Tensor with fn(*inputs)'s values")
    inputs_bytes = 8 * (np.size(inputs["x"]) + np.size(inputs["W"]))
    assert got["checkpoint"] == inputs_bytes < got["plain"], (
        "the forward pass with checkpoint should save fn's inputs only (its node saves them), and nothing of "
        "what fn's operations would save: run fn under no_grad")


@pytest.mark.points(1, cell="test_checkpoint")
def test_checkpoint_runs_fn_again_in_backward(student, rng):
    """Part 4: fn runs once in the forward pass, and once more in backward."""
    got = call(student, "checkpoint", "checkpoint", **block_inputs(rng))
    assert got["runs_forward"] == 1, "checkpoint should run fn once in the forward pass"
    assert got["error"] is None, f"backward through checkpoint's node failed ({got['error']['type']})"
    assert got["runs"] == 2, "backward should run fn once more, to record the graph checkpoint did not keep"


@pytest.mark.points(1, cell="test_checkpoint")
def test_checkpoint_in_the_middle_of_a_graph(student, rng):
    """Part 4: a checkpoint between other operations."""
    n, m, k = matrix_sizes(rng)
    x, W, c, d = draw(rng, n, m), draw(rng, m, k), away_from_zero(rng, n, k), away_from_zero(rng, n, m)
    got = call(student, "checkpoint_middle", "checkpoint", x=x, W=W, c=c, d=d)
    X, Wt = tensor(x, True), tensor(W, True)
    h = ag.exp(X)
    ((ag.tanh(h @ Wt) * tensor(c)).sum() + (h * tensor(d)).sum()).backward()
    assert got["error"] is None and grads_match(got["grads"], [X.grad.numpy(), Wt.grad.numpy()]), (
        "with checkpoint's input made by earlier operations, the gradients are wrong: run fn again on new "
        "leaves (Tensor(t.data, requires_grad=t.requires_grad)), not on the inputs themselves, so that the "
        "backward pass inside apply stops at them and the gradients go on through the outer graph once")


# ---------------------------------------------------------------------------------------------------------
# Part 5: detect_nan

def naive_sigmoid(x, first):
    """The steps of 1 / (1 + exp(-x)), x being value x of a program whose first step makes value first."""
    return [["neg", x], ["exp", first], ["number_add", first + 1, 1.0], ["number_div", first + 2, 1.0]]


def with_big(rng, n, value):
    x = draw(rng, n)
    x[int(rng.integers(0, n))] = value
    return x


def check_nan(student, leaves, flags, steps, where):
    got = call(student, "detect_nan", "detect_nan", leaves=leaves, flags=flags, steps=steps)
    error = got["error"]
    assert error is not None and error["runtime"], (
        f"detect_nan should raise a RuntimeError when a node returns a nan gradient ({where})")
    assert error["message"] == anomaly_message(leaves, flags, steps), (
        f"detect_nan's error should name the first node that returned a nan, and which of its outputs, as "
        f"\"Function '<node name>' returned nan values in its <i>th output.\" ({where})")
    return got


@pytest.mark.points(1, cell="test_detect_nan")
def test_names_the_node_that_made_the_nan(student, rng):
    """Part 5: the naive sigmoid's nan comes from ExpBackward0, and the backward pass stops there."""
    n = int(rng.integers(3, 6))
    leaves, steps = [with_big(rng, n, -1000.0)], naive_sigmoid(0, 1) + [["sum", 4]]
    got = check_nan(student, leaves, [True], steps, "the naive sigmoid at -1000")
    assert got["grads"] == [None], "the backward pass should stop at the nan: nothing reaches the leaves"


@pytest.mark.points(1, cell="test_detect_nan")
def test_names_the_output_and_stops_at_the_first(student, rng):
    """Part 5: which output of a node is nan; the first node, not the ones after it."""
    n = int(rng.integers(3, 6))
    leaves = [with_big(rng, n, 1000.0), draw(rng, n)]
    check_nan(student, leaves, [True, True], [["exp", 0], ["mul", 2, 1], ["mul_number", 3, 0.0], ["sum", 4]],
              "a nan in a node's second output")
    leaves = [with_big(rng, n, 0.0), away_from_zero(rng, n)]
    got = check_nan(student, leaves, [False, True], [["mul", 0, 1], ["log", 2], ["mul_number", 3, 0.0], ["sum", 4]],
                    "a nan that the nodes after it pass on")
    assert got["grads"] == [None, None], "the backward pass should stop at the nan: nothing reaches the leaves"


@pytest.mark.points(1, cell="test_detect_nan")
def test_without_nan_backward_runs_to_the_end(student, rng):
    """Part 5: without a nan, detect_nan is loss.backward() and returns None."""
    n = int(rng.integers(3, 6))
    leaves, flags = [draw(rng, n), draw(rng, n)], [True, True]
    steps = naive_sigmoid(0, 2) + [["mul", 5, 1], ["sum", 6]]
    got = call(student, "detect_nan", "detect_nan", leaves=leaves, flags=flags, steps=steps)
    assert got["error"] is None, f"detect_nan raised a {got['error']['type']} for a backward pass without any nan"
    _, grads = reference(leaves, flags, steps)
    assert grads_match(got["grads"], grads), (
        "without a nan, detect_nan should run the whole backward pass: the leaves get their gradients")
    assert got["returned_none"], "without a nan, detect_nan should return None"
