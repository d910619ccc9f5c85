"""Hidden tests for exercise 7: custom Functions.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. Expected values come from autograd_ref
and from exact reasoning about the graph. Failure messages name the concept and never show the inputs drawn
here.
"""
import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import call, same

# ---------------------------------------------------------------------------------------------------------
# Helpers


def tensor(x, requires_grad=True):
    return ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=requires_grad)


def shape(rng, low=1, high=3):
    return tuple(int(s) for s in rng.integers(2, 5, size=int(rng.integers(low, high + 1))))


def away_from_zero(rng, size, low=0.1, high=2.0):
    return rng.uniform(low, high, size=size) * rng.choice([-1.0, 1.0], size=size)


# ---------------------------------------------------------------------------------------------------------
# Part 1: FunctionCtx


@pytest.mark.points(1, cell="test_ctx")
def test_ctx_gives_back_the_saved_tensors_in_order(student, rng):
    """Part 1: saved_tensors returns what was saved, in order, as a tuple."""
    for n in (1, int(rng.integers(2, 6))):
        got = call(student, "ctx_roundtrip", "saved_tensors", n=n, none_at=[])
        assert got["is_tuple"], "saved_tensors should be a tuple"
        assert got["length"] == n and all(got["same"]), (
            "saved_tensors should give back the very tensors that were saved, in the order they were saved")


@pytest.mark.points(1, cell="test_ctx")
def test_ctx_keeps_none_and_nothing(student, rng):
    """Part 1: None entries, and saving nothing."""
    n = int(rng.integers(2, 5))
    none_at = [int(rng.integers(n))]
    got = call(student, "ctx_roundtrip", "saved_tensors", n=n, none_at=none_at)
    assert got["is_tuple"] and got["length"] == n and all(got["same"]), (
        "saved_tensors should give back a saved None as None, in its place")
    got = call(student, "ctx_roundtrip", "saved_tensors", n=0, none_at=[])
    assert got["is_tuple"] and got["length"] == 0, "saving nothing gives an empty tuple"


@pytest.mark.points(1, cell="test_ctx")
def test_ctx_notices_tensors_changed_in_place(student, rng):
    """Part 1: a saved tensor changed in place is noticed."""
    n = int(rng.integers(2, 5))
    changed = int(rng.integers(n))
    got = call(student, "ctx_inplace", "saved_tensors", n=n, changed=changed, when="after")
    assert got["error"] is not None, (
        "saved_tensors should raise when a saved tensor was changed in place after it was saved (compare versions)")
    assert got["error"]["runtime"], "a saved tensor changed in place should raise a RuntimeError"
    for when in ("before", "unsaved"):
        got = call(student, "ctx_inplace", "saved_tensors", n=n, changed=changed, when=when)
        assert got["error"] is None and got["same"], (
            "saved_tensors should only raise for a saved tensor changed after it was saved")


# ---------------------------------------------------------------------------------------------------------
# Part 2: BackwardFunction.apply


@pytest.mark.points(1, cell="test_backward_node")
def test_node_calls_the_functions_backward(student, rng):
    """Part 2: the node calls backward with itself as ctx and returns a tuple."""
    for n_inputs in (1, 2):
        factors = [float(f) for f in rng.uniform(0.5, 3.0, size=n_inputs)]
        grad = rng.normal(size=shape(rng))
        got = call(student, "node", "BackwardFunction.apply", factors=factors, needs=[True] * n_inputs, grad=grad)
        assert got["error"] is None, "BackwardFunction.apply fails for a correct backward"
        assert got["ctx_is_node"], "the Function's backward should get the node itself as its ctx"
        assert same(got["grad_seen"], grad), "the Function's backward should get grad_output as it came"
        assert got["is_tuple"] and len(got["grads"]) == n_inputs, (
            "BackwardFunction.apply should return a tuple with one gradient per input "
            "(a single gradient from backward becomes a tuple of one)")
        assert all(same(g, f * grad) for g, f in zip(got["grads"], factors)), (
            "BackwardFunction.apply should return the gradients the Function's backward computed")


@pytest.mark.points(1, cell="test_backward_node")
def test_node_gives_none_to_inputs_that_need_no_gradient(student, rng):
    """Part 2: None for inputs whose needs_input_grad is False."""
    for needs in ([True, False], [False, True], [False, True, True]):
        factors = [float(f) for f in rng.uniform(0.5, 3.0, size=len(needs))]
        grad = rng.normal(size=shape(rng))
        got = call(student, "node", "BackwardFunction.apply", factors=factors, needs=needs, grad=grad)
        assert got["error"] is None and isinstance(got.get("grads"), list) and len(got["grads"]) == len(needs), (
            "BackwardFunction.apply should return one entry per input")
        for g, f, needed in zip(got["grads"], factors, needs):
            if needed:
                assert same(g, f * grad), "an input that needs a gradient should get the one backward computed"
            else:
                assert g is None, "an input whose needs_input_grad is False should get None"


@pytest.mark.points(1, cell="test_backward_node")
def test_node_checks_the_number_of_gradients(student, rng):
    """Part 2: a wrong number of gradients raises a RuntimeError."""
    grad = rng.normal(size=shape(rng))
    for factors, needs in (([1.5], [True, True]), ([1.0, 2.0], [True, True, True]), ([1.0, 2.0, 3.0], [True, True])):
        got = call(student, "node", "BackwardFunction.apply", factors=factors, needs=needs, grad=grad)
        assert got["called"] and got["error"] is not None and got["error"]["runtime"], (
            "a backward returning the wrong number of gradients should make BackwardFunction.apply raise a "
            "RuntimeError")


# ---------------------------------------------------------------------------------------------------------
# Part 3: Function.apply


def apply(student, rng, function, kinds, mode="grad"):
    a = rng.normal(size=shape(rng))
    b = rng.normal(size=a.shape) if function == "Product" else float(rng.uniform(0.5, 3.0))
    got = call(student, "apply", "Function.apply", function=function, a=a, b=b, kinds=kinds, mode=mode)
    if kinds[1] == "number":
        b = float(np.asarray(b).ravel()[0])
    return got, a * b


@pytest.mark.points(1, cell="test_function_apply")
def test_apply_returns_the_result_with_one_node(student, rng):
    """Part 3: apply returns forward's result, with the node as grad_fn."""
    for function, kinds in (("Scale", ["leaf", "number"]), ("Product", ["leaf", "plain"])):
        got, want = apply(student, rng, function, kinds)
        assert got["is_tensor"] and same(got["value"], want), "apply should return forward's result as a Tensor"
        assert got["requires_grad"] and got["has_grad_fn"], (
            "apply's result should require grad and have a grad_fn when an input requires grad")
        assert got["grad_fn_is_node"] and got["grad_fn_is_ctx"], (
            "the result's grad_fn should be the BackwardFunction that forward got as its ctx")
        assert got["name"] == function + "Backward", "the node should be the one made for the Function's class"


@pytest.mark.points(1, cell="test_function_apply")
def test_apply_sets_needs_input_grad(student, rng):
    """Part 3: needs_input_grad, one boolean per argument."""
    cases = [("Product", ["leaf", "plain"], [True, False]), ("Product", ["plain", "result"], [False, True]),
             ("Product", ["leaf", "leaf"], [True, True]), ("Scale", ["result", "number"], [True, False]),
             ("Product", ["plain", "plain"], [False, False])]
    for function, kinds, want in cases:
        got, _ = apply(student, rng, function, kinds)
        assert got["needs"] == want, (
            "ctx.needs_input_grad should hold, for each argument, whether it is a Tensor that requires grad")


@pytest.mark.points(1, cell="test_function_apply")
def test_apply_links_the_node_to_its_inputs(student, rng):
    """Part 3: the node's next_functions."""
    want_edge = {"leaf": "accumulate", "result": "grad_fn", "plain": "none", "number": "none"}
    for function, kinds in (("Product", ["leaf", "result"]), ("Product", ["result", "plain"]),
                            ("Scale", ["leaf", "number"])):
        got, _ = apply(student, rng, function, kinds)
        assert got["n_edges"] == 2, "the node should have one entry of next_functions per argument"
        assert got["edges"] == [want_edge[k] for k in kinds], (
            "next_functions should hold gradient_edge(arg) for each argument: a leaf's AccumulateGrad, a "
            "result's grad_fn, None for an argument that needs no gradient")


@pytest.mark.points(1, cell="test_function_apply")
def test_apply_runs_forward_without_recording(student, rng):
    """Part 3: forward runs with grad mode off."""
    got, _ = apply(student, rng, "Scale", ["leaf", "number"])
    assert got["grad_mode_in_forward"] is False and got["inner_recorded"] is False, (
        "forward should run with recording switched off (no_grad): the whole call is one node")


@pytest.mark.points(1, cell="test_function_apply")
def test_apply_records_nothing_when_nothing_needs_a_gradient(student, rng):
    """Part 3: no node under no_grad, or when no input requires grad."""
    for function, kinds, mode in (("Scale", ["leaf", "number"], "no_grad"), ("Product", ["leaf", "leaf"], "no_grad"),
                                  ("Product", ["plain", "plain"], "grad"), ("Scale", ["plain", "number"], "grad")):
        got, want = apply(student, rng, function, kinds, mode)
        assert got["is_tensor"] and same(got["value"], want), "apply should return forward's result as a Tensor"
        assert not got["requires_grad"] and not got["has_grad_fn"], (
            "under no_grad, or when no input requires grad, apply's result should have no grad_fn and not "
            "require grad")


@pytest.mark.points(1, cell="test_function_apply")
def test_backward_through_apply(student, rng):
    """Part 3: a backward pass through Functions and built-in operations reaches the leaves."""
    n = shape(rng)
    x, w, c = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    k = float(rng.uniform(0.5, 3.0))
    tx, tw = tensor(x), tensor(w)
    ((tx * 2.0) * tw * k * tensor(c, requires_grad=False)).sum().backward()
    got = call(student, "apply_backward", "a backward pass through Function.apply", x=x, w=w, c=c, k=k)
    assert same(got["x"], tx.grad.numpy()) and same(got["w"], tw.grad.numpy()), (
        "a backward pass through Functions made with apply gives the leaves wrong gradients")


# ---------------------------------------------------------------------------------------------------------
# Parts 4 to 6: the Functions


def function(student, rng, name, inputs, needs):
    ts = [tensor(a, requires_grad=n) for a, n in zip(inputs, needs)]
    out = {"MyReLU": lambda x: ag.relu(x), "Sigmoid": lambda x: ag.sigmoid(x), "Mul": lambda a, b: a * b}[name](*ts)
    grad = rng.normal(size=tuple(out.shape))
    if any(needs):
        out.backward(tensor(grad, requires_grad=False))
    got = call(student, "function", name, function=name, inputs=list(inputs), needs=needs, grad=grad)
    return got, out.detach().numpy(), [t.grad.numpy() if t.grad is not None else None for t in ts]


@pytest.mark.points(1, cell="test_my_relu")
def test_relu_forward(student, rng):
    """Part 4: MyReLU's forward."""
    for _ in range(2):
        got, want, _ = function(student, rng, "MyReLU", [away_from_zero(rng, shape(rng))], [True])
        assert same(got["out"], want), "MyReLU's forward is wrong"


@pytest.mark.points(1, cell="test_my_relu")
def test_relu_backward(student, rng):
    """Part 4: MyReLU's backward."""
    for _ in range(2):
        got, _, (want,) = function(student, rng, "MyReLU", [away_from_zero(rng, shape(rng))], [True])
        assert got["error"] is None and got["grads"], "MyReLU's backward fails"
        assert same(got["grads"][0], want), (
            "MyReLU's backward is wrong: the gradient passes where the input was positive and is 0 where it was "
            "negative")


@pytest.mark.points(1, cell="test_my_relu")
def test_relu_leaves_grad_output_alone(student, rng):
    """Part 4: MyReLU's backward does not change grad_output."""
    got, _, want = function(student, rng, "MyReLU", [away_from_zero(rng, shape(rng))], [True])
    assert got["error"] is None and got["grads"], "MyReLU's backward fails"
    assert same(got["grads"][0], want[0]), "MyReLU's backward is wrong (it must be right before it can be kind)"
    assert got["grad_output_unchanged"], (
        "MyReLU's backward changed grad_output in place: build a new tensor for the result")


@pytest.mark.points(1, cell="test_sigmoid")
def test_sigmoid_forward(student, rng):
    """Part 5: Sigmoid's forward."""
    for scale in (3.0, 40.0):
        got, want, _ = function(student, rng, "Sigmoid", [rng.uniform(-scale, scale, size=shape(rng))], [True])
        assert same(got["out"], want), "Sigmoid's forward is wrong"


@pytest.mark.points(1, cell="test_sigmoid")
def test_sigmoid_saves_its_output(student, rng):
    """Part 5: Sigmoid saves its output."""
    got, want, _ = function(student, rng, "Sigmoid", [rng.uniform(-3.0, 3.0, size=shape(rng))], [True])
    assert isinstance(got["saved"], list) and any(same(s, want) for s in got["saved"]), (
        "Sigmoid's forward should save its output with save_for_backward")


@pytest.mark.points(1, cell="test_sigmoid")
def test_sigmoid_backward(student, rng):
    """Part 5: Sigmoid's backward."""
    for _ in range(2):
        got, _, (want,) = function(student, rng, "Sigmoid", [rng.uniform(-3.0, 3.0, size=shape(rng))], [True])
        assert got["error"] is None and got["grads"], "Sigmoid's backward fails"
        assert same(got["grads"][0], want), (
            "Sigmoid's backward is wrong: grad_output * y * (1 - y), with y the saved output")


@pytest.mark.points(1, cell="test_mul")
def test_mul_forward(student, rng):
    """Part 6: Mul's forward."""
    s = shape(rng)
    got, want, _ = function(student, rng, "Mul", [rng.normal(size=s), rng.normal(size=s)], [True, True])
    assert same(got["out"], want), "Mul's forward is wrong"


@pytest.mark.points(1, cell="test_mul")
def test_mul_backward(student, rng):
    """Part 6: Mul's backward, both inputs needing gradients."""
    for _ in range(2):
        s = shape(rng)
        got, _, want = function(student, rng, "Mul", [rng.normal(size=s), rng.normal(size=s)], [True, True])
        assert got["error"] is None and isinstance(got["grads"], list) and len(got["grads"]) == 2, (
            "Mul's backward should return two gradients")
        assert same(got["grads"][0], want[0]), "Mul's backward: the gradient for a is wrong"
        assert same(got["grads"][1], want[1]), "Mul's backward: the gradient for b is wrong"


@pytest.mark.points(1, cell="test_mul")
def test_mul_uses_needs_input_grad(student, rng):
    """Part 6: Mul computes only the gradients that are needed."""
    for needs in ([True, False], [False, True]):
        s = shape(rng)
        got, _, want = function(student, rng, "Mul", [rng.normal(size=s), rng.normal(size=s)], needs)
        assert got["error"] is None and isinstance(got["grads"], list) and len(got["grads"]) == 2, (
            "Mul's backward should return two entries, one per input")
        needed = needs.index(True)
        assert got["grads"][1 - needed] is None, (
            "Mul's backward should return None for an input whose needs_input_grad is False")
        assert same(got["grads"][needed], want[needed]), (
            "Mul's backward: the gradient of the input that needs one is wrong")


# ---------------------------------------------------------------------------------------------------------
# Part 7: gradcheck


FORWARDS = {
    "row_squares": lambda X: (X ** 2).sum(dim=1),
    "tanh_matvec": lambda W, x: ag.tanh(W @ x),
    "mul": lambda a, b: a * b,
    "cube": lambda x: x ** 3,
    "exp3": lambda x: ag.exp(3 * x),
    "sin": ag.sin,
    "square": lambda x: x ** 2,
}


def jacobians(forward, inputs):
    """The forward's Jacobian for each input, from autograd_ref, as (output elements, input elements)."""
    ts = tuple(tensor(a) for a in inputs)
    found = ag.autograd.functional.jacobian(FORWARDS[forward], ts)
    out_size = int(np.prod(FORWARDS[forward](*ts).shape))
    return [j.numpy().reshape(out_size, -1) for j in found]


def gradcheck(student, forward, inputs, wrong=None, **options):
    """Ask the student's gradcheck about ``forward`` with a backward built from its Jacobians, each changed
    by ``wrong(list of Jacobians)`` first when given: the probe gets numbers only, never which is which."""
    found = jacobians(forward, inputs)
    if wrong is not None:
        wrong(found)
    return call(student, "gradcheck", "gradcheck", forward=forward, inputs=[np.asarray(a) for a in inputs],
                jacobians=found, **options)


def scaled(factor):
    """A backward whose derivatives are ``factor`` times too large."""
    def change(found):
        found[:] = [factor * j for j in found]
    return change


def ignoring_grad_output(found):
    """A backward right for grad_output = ones but wrong for others: each column keeps its sum, and so a
    gradcheck that sends ones instead of one-hot gradients cannot see it."""
    j = found[0]
    j[0, :] += 0.75
    j[1, :] -= 0.75


def wrong_at(input_index, element):
    """A backward wrong for one element of one input (its gradient off by half)."""
    def change(found):
        found[input_index][:, element] *= 1.5
        found[input_index][:, element] += 0.5
    return change


def assert_accepted(got, message):
    if got["error"] is not None and not got["error"].get("gradcheck_error"):
        raise AssertionError(f"gradcheck fails on a correct backward ({got['error']['type']})")
    assert got["error"] is None and got["returned"] == "True", message
    assert got["inputs_unchanged"], "gradcheck should put every input element back as it found it"


@pytest.mark.points(1, cell="test_gradcheck")
def test_gradcheck_accepts_correct_backwards(student, rng):
    """Part 7: a correct backward passes."""
    n, k, m = (int(s) for s in rng.integers(2, 5, size=3))
    s = shape(rng)
    for case, inputs in (("row_squares", [rng.normal(size=(n, k))]),
                         ("tanh_matvec", [rng.normal(size=(m, k)), rng.normal(size=k)]),
                         ("mul", [rng.normal(size=s), rng.normal(size=s)])):
        assert_accepted(gradcheck(student, case, inputs),
                        "gradcheck should return True for a correct backward")
    # and only a correct one: a gradcheck that accepts everything has checked nothing
    assert_not_accepted(gradcheck(student, "sin", [rng.normal(size=s)], wrong=scaled(1.1)), "a backward 10% too large")


@pytest.mark.points(1, cell="test_gradcheck")
def test_gradcheck_uses_central_differences(student, rng):
    """Part 7: central differences."""
    x = rng.uniform(0.5, 1.5, size=shape(rng, 1, 2))
    assert_accepted(gradcheck(student, "cube", [x], eps=1e-3, atol=1e-5, rtol=1e-4),
                    "gradcheck rejects a correct backward of a curved function at a large eps: use central "
                    "differences, (y(x + eps) - y(x - eps)) / (2 eps)")
    assert_not_accepted(gradcheck(student, "sin", [x], wrong=scaled(1.1), eps=1e-3, atol=1e-5, rtol=1e-4),
                        "with eps=1e-3, a backward 10% too large")


@pytest.mark.points(1, cell="test_gradcheck")
def test_gradcheck_uses_the_tolerances_it_is_given(student, rng):
    """Part 7: atol and rtol as in np.allclose."""
    x = rng.uniform(1.0, 2.0, size=shape(rng, 1, 2))
    assert_accepted(gradcheck(student, "exp3", [x], eps=1e-6, atol=1e-12, rtol=1e-5),
                    "gradcheck rejects a correct backward with large derivatives: entries agree when "
                    "|analytical - numerical| <= atol + rtol * |numerical|")
    assert_not_accepted(gradcheck(student, "sin", [x], wrong=scaled(1.1), eps=1e-6, atol=1e-12, rtol=1e-5),
                        "with atol=1e-12 and rtol=1e-5, a backward 10% too large")


def assert_not_accepted(got, what):
    """gradcheck did not return True: the part that tells right from wrong (how it says so is tested below)."""
    assert not (got["error"] is None and got["returned"] == "True"), (
        f"gradcheck returned True for {what}: it should accept correct backwards only")


def assert_rejected(got, message):
    err = got["error"]
    assert err is not None, (message + ": gradcheck should raise GradcheckError"
                             + (", not return a value" if got["returned"] is not None else ""))
    assert err.get("gradcheck_error"), message + ": gradcheck should raise GradcheckError, not another error"


@pytest.mark.points(1, cell="test_gradcheck")
def test_gradcheck_rejects_a_wrong_backward(student, rng):
    """Part 7: a wrong backward is caught."""
    assert_rejected(gradcheck(student, "sin", [rng.normal(size=shape(rng))], wrong=scaled(1.1)),
                    "a backward with a wrong derivative passed")


@pytest.mark.points(1, cell="test_gradcheck")
def test_gradcheck_uses_one_hot_gradients(student, rng):
    """Part 7: a backward that ignores grad_output is caught."""
    x = rng.uniform(0.5, 2.0, size=int(rng.integers(2, 6)))
    assert_rejected(gradcheck(student, "square", [x], wrong=ignoring_grad_output),
                    "a backward that ignores grad_output passed: build the analytical Jacobian one row at a time, "
                    "with a one-hot gradient for each output element")


@pytest.mark.points(1, cell="test_gradcheck")
def test_gradcheck_names_the_input_and_element(student, rng):
    """Part 7: the error says which input and which element disagree."""
    s = shape(rng, 2, 2)
    k = int(rng.integers(int(np.prod(s))))
    got = gradcheck(student, "mul", [rng.normal(size=s), rng.uniform(0.5, 2.0, size=s)], wrong=wrong_at(1, k))
    assert_rejected(got, "a backward wrong for one element of the second input passed")
    err = got["error"]
    assert err["input_index"] == 1, "GradcheckError should name the position of the input that disagrees"
    assert err["element"] == [int(i) for i in np.unravel_index(k, s)], (
        "GradcheckError should name the element of the input that disagrees, as an index into that input")
