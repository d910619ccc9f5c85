"""Hidden tests for exercise 2: array gradients and broadcasting.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox
and returns plain data; ``rng`` is seeded afresh for every grading run, and the shapes as well as the
numbers are drawn from it. Expected values come from autograd_ref. Failure messages name the concept and
never show the inputs drawn here.
"""
import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import as_array, call, same

# ---------------------------------------------------------------------------------------------------------
# Helpers


def has_shape(got, shape):
    arr = as_array(got)
    return arr is not None and arr.shape == tuple(shape)


def data(rng, shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape)


def away_from_zero(rng, shape, low=0.5, high=2.0):
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def tensor(x):
    return ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=True)


def sizes(rng, n):
    """n axis sizes, each 2 to 5, so that no axis is accidentally of size 1."""
    return [int(s) for s in rng.integers(2, 6, size=n)]


# Shapes that broadcast: (small, big), where small broadcasts to big.

def leading_pair(rng):
    """small is big without one or two leading axes: numpy adds axes on the left."""
    big = sizes(rng, int(rng.integers(2, 4)))
    return big[int(rng.integers(1, len(big))):], big


def size_one_pair(rng):
    """small has big's number of axes, with at least one stretched axis of size 1."""
    big = sizes(rng, int(rng.integers(2, 4)))
    small = list(big)
    for axis in rng.choice(len(big), size=int(rng.integers(1, len(big))), replace=False):
        small[int(axis)] = 1
    return small, big


def both_pair(rng):
    """small lost leading axes and has a stretched axis of size 1."""
    big = sizes(rng, int(rng.integers(3, 5)))
    small = list(big[int(rng.integers(1, len(big) - 1)):])
    small[int(rng.integers(len(small)))] = 1
    return small, big


def mutual_pair(rng):
    """Both operands stretch: shapes like (n, 1) and (m,)."""
    n, m = sizes(rng, 2)
    return [n, 1], [m]


# ---------------------------------------------------------------------------------------------------------
# Part 1: unbroadcast


def reference_unbroadcast(grad, shape):
    x = ag.zeros(tuple(shape), dtype=ag.float64, requires_grad=True)
    (x + ag.zeros(grad.shape, dtype=ag.float64)).backward(ag.tensor(grad, dtype=ag.float64))
    return x.grad.numpy()


def check_unbroadcast(student, small, big, rng):
    grad = data(rng, big)
    got = call(student, "unbroadcast", "unbroadcast", grad=grad, shape=[int(s) for s in small])
    if not has_shape(got, small):
        arr = as_array(got)
        if arr is not None and arr.ndim > len(small):
            hint = ": sum away the axes numpy added on the left"
        elif arr is not None and arr.ndim == len(small):
            hint = ": sum over every axis where the shape has size 1, keeping it (keepdims=True)"
        else:
            hint = ""
        raise AssertionError("unbroadcast: the result does not have the requested shape" + hint)
    assert same(got, reference_unbroadcast(grad, small)), "unbroadcast: the result has the right shape but wrong values"


@pytest.mark.points(1, cell="test_unbroadcast")
def test_unbroadcast_same_shape(student, rng):
    """Part 1: unbroadcast when nothing was broadcast."""
    for _ in range(2):
        shape = sizes(rng, int(rng.integers(1, 4)))
        check_unbroadcast(student, shape, shape, rng)
    check_unbroadcast(student, [1, 3], [1, 3], rng)
    # and only then: a function that hands back every gradient as it came has reduced nothing
    check_unbroadcast(student, *leading_pair(rng), rng)


@pytest.mark.points(1, cell="test_unbroadcast")
def test_unbroadcast_leading_axes(student, rng):
    """Part 1: unbroadcast over axes added on the left."""
    for _ in range(3):
        check_unbroadcast(student, *leading_pair(rng), rng)


@pytest.mark.points(1, cell="test_unbroadcast")
def test_unbroadcast_size_one_axes(student, rng):
    """Part 1: unbroadcast over stretched axes of size 1."""
    for _ in range(3):
        check_unbroadcast(student, *size_one_pair(rng), rng)


@pytest.mark.points(1, cell="test_unbroadcast")
def test_unbroadcast_both_kinds_and_scalars(student, rng):
    """Part 1: unbroadcast over both kinds of axes, and to a scalar."""
    for _ in range(2):
        check_unbroadcast(student, *both_pair(rng), rng)
    check_unbroadcast(student, [], sizes(rng, 2), rng)


# ---------------------------------------------------------------------------------------------------------
# Parts 2 to 4: binary operations

REFERENCE = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "matmul": lambda a, b: a @ b,
}


def check_binary(student, op, a, b, rng, *, value=True, operands=("a", "b")):
    ta, tb = tensor(a), tensor(b)
    out = REFERENCE[op](ta, tb)
    grad = data(rng, tuple(out.shape))
    out.backward(ag.tensor(grad, dtype=ag.float64))
    got = call(student, "binary", op, op=op, a=a, b=b, grad=grad)
    if value:
        assert same(got["out"], out.detach().numpy()), f"{op}: the result of the forward computation is wrong"
        assert got["n_children"] == 2, f"{op}: the new Tensor should have both operands as its children"
    grads = got["grads"]
    assert isinstance(grads, list) and len(grads) == 2, f"{op}: backward_fn should return two gradients"
    for name, g, operand, want in (("a", grads[0], a, ta.grad), ("b", grads[1], b, tb.grad)):
        if name not in operands:
            continue
        assert has_shape(g, np.shape(operand)), (
            f"{op}: the gradient for {name} does not have {name}'s shape: it was not reduced over the broadcast "
            f"dimensions of {name}" if np.shape(operand) != tuple(out.shape) else
            f"{op}: the gradient for {name} does not have {name}'s shape")
        assert same(g, want.numpy()), f"{op}: the gradient for {name} has the right shape but wrong values"


def broadcast_cases(rng):
    """Operand shapes covering every way of broadcasting, the smaller operand on either side."""
    small, big = leading_pair(rng)
    yield big, small
    small, big = size_one_pair(rng)
    yield small, big
    small, big = both_pair(rng)
    yield big, small
    yield mutual_pair(rng)


@pytest.mark.points(1, cell="test_add_mul")
def test_add_same_shape(student, rng):
    """Part 2: add, operands of the same shape."""
    for _ in range(2):
        shape = sizes(rng, int(rng.integers(1, 4)))
        check_binary(student, "add", data(rng, shape), data(rng, shape), rng)


@pytest.mark.points(1, cell="test_add_mul")
def test_add_broadcast(student, rng):
    """Part 2: add, with broadcasting."""
    for sa, sb in broadcast_cases(rng):
        check_binary(student, "add", data(rng, sa), data(rng, sb), rng)


@pytest.mark.points(1, cell="test_add_mul")
def test_mul_same_shape(student, rng):
    """Part 2: mul, operands of the same shape."""
    for _ in range(2):
        shape = sizes(rng, int(rng.integers(1, 4)))
        check_binary(student, "mul", data(rng, shape), data(rng, shape), rng)


@pytest.mark.points(1, cell="test_add_mul")
def test_mul_broadcast(student, rng):
    """Part 2: mul, with broadcasting."""
    for sa, sb in broadcast_cases(rng):
        check_binary(student, "mul", data(rng, sa), data(rng, sb), rng)


@pytest.mark.points(1, cell="test_div")
def test_div_numerator(student, rng):
    """Part 3: div, the gradient of the numerator."""
    for _ in range(2):
        shape = sizes(rng, int(rng.integers(1, 4)))
        check_binary(student, "div", data(rng, shape), away_from_zero(rng, shape), rng, operands=("a",))


@pytest.mark.points(1, cell="test_div")
def test_div_denominator(student, rng):
    """Part 3: div, the gradient of the denominator."""
    for _ in range(2):
        shape = sizes(rng, int(rng.integers(1, 4)))
        check_binary(student, "div", data(rng, shape), away_from_zero(rng, shape), rng, value=False,
                     operands=("b",))


@pytest.mark.points(1, cell="test_div")
def test_div_broadcast(student, rng):
    """Part 3: div, with broadcasting."""
    for sa, sb in broadcast_cases(rng):
        check_binary(student, "div", data(rng, sa), away_from_zero(rng, sb), rng)


@pytest.mark.points(1, cell="test_matmul")
def test_matmul_gradient_of_a(student, rng):
    """Part 4: matmul, the gradient of the left matrix."""
    for _ in range(2):
        n, k, m = sizes(rng, 3)
        check_binary(student, "matmul", data(rng, (n, k)), data(rng, (k, m)), rng, operands=("a",))


@pytest.mark.points(1, cell="test_matmul")
def test_matmul_gradient_of_b(student, rng):
    """Part 4: matmul, the gradient of the right matrix."""
    for _ in range(2):
        n, k, m = sizes(rng, 3)
        check_binary(student, "matmul", data(rng, (n, k)), data(rng, (k, m)), rng, value=False, operands=("b",))


@pytest.mark.points(1, cell="test_matmul")
def test_matmul_batched(student, rng):
    """Part 4: matmul with stacks of matrices."""
    batch, other, n, k, m = sizes(rng, 5)
    for sa, sb in (((batch, n, k), (k, m)),               # a stack of matrices times one matrix
                   ((n, k), (batch, k, m)),               # one matrix times a stack
                   ((batch, 1, n, k), (other, k, m))):    # stacks whose batch axes broadcast
        check_binary(student, "matmul", data(rng, sa), data(rng, sb), rng)


# ---------------------------------------------------------------------------------------------------------
# Part 5: accumulate_grad


@pytest.mark.points(1, cell="test_accumulate")
def test_accumulate_first_gradient(student, rng):
    """Part 5: the first gradient stored in a leaf."""
    shape = sizes(rng, 2)
    a, g = data(rng, shape), data(rng, shape)
    got = call(student, "accumulate_first", "accumulate_grad", a=a, grad=g)
    assert has_shape(got, shape), "accumulate_grad: after one backward pass, leaf.grad should be an array of the leaf's shape"
    assert same(got, 2.0 * g), "accumulate_grad: after one backward pass, leaf.grad holds the wrong values"


@pytest.mark.points(1, cell="test_accumulate")
def test_accumulate_adds_up_backward_passes(student, rng):
    """Part 5: later backward passes add up."""
    shape = sizes(rng, 2)
    a, g1, g2, g3 = (data(rng, shape) for _ in range(4))
    got = call(student, "accumulate_repeat", "accumulate_grad", a=a, grad1=g1, grad2=g2, grad3=g3)
    assert same(got, 2.0 * g1 + 2.0 * g2 + 3.0 * g3), (
        "accumulate_grad: later backward passes must add to leaf.grad: gradients overwrite instead of accumulating")


@pytest.mark.points(1, cell="test_accumulate")
def test_accumulate_stores_a_copy(student, rng):
    """Part 5: each leaf keeps a gradient array of its own."""
    shape = sizes(rng, 2)
    a, b, g1, g2 = (data(rng, shape) for _ in range(4))
    got = call(student, "accumulate_shared", "accumulate_grad", a=a, b=b, grad1=g1, grad2=g2)
    assert got["shared"] is False, (
        "accumulate_grad: two leaves handed the same gradient array share one .grad array: store a copy")
    assert same(got["after_two"][0], g1 + g2) and same(got["after_two"][1], g1 + g2), (
        "accumulate_grad: two leaves handed the same gradient array get wrong gradients after a second pass")
    assert got["read_only_error"] is None, (
        "accumulate_grad fails on a second pass when the first gradient was a read-only array: store a copy")
    assert same(got["read_only_grad"], np.full(shape, 2.0)), (
        "accumulate_grad: a leaf handed a read-only gradient array gets wrong gradients after a second pass")


# ---------------------------------------------------------------------------------------------------------
# Part 6: reduce_sum and reduce_mean


def check_reduce(student, op, a, rng, axis=None, keepdims=False):
    ta = tensor(a)
    dim = tuple(axis) if isinstance(axis, list) else axis
    if dim is None and keepdims:
        dim = tuple(range(np.ndim(a)))          # every axis, kept with size 1
    if op == "reduce_sum":
        out = ta.sum() if dim is None else ta.sum(dim=dim, keepdim=keepdims)
    else:
        out = ta.mean() if dim is None else ta.mean(dim=dim, keepdim=keepdims)
    grad = data(rng, tuple(out.shape))
    out.backward(ag.tensor(grad, dtype=ag.float64))
    got = call(student, "reduce", op, op=op, a=a, grad=grad, axis=axis, keepdims=keepdims)
    name = "sum" if op == "reduce_sum" else "mean"
    assert same(got["out"], out.detach().numpy()), f"{op}: the {name} itself is wrong"
    assert has_shape(got["grad"], np.shape(a)), f"{op}: the gradient does not have the operand's shape"
    assert same(got["grad"], ta.grad.numpy()), (
        f"{op}: the gradient is wrong" + ("" if axis is None or keepdims else
                                          " (put the reduced axes back before broadcasting)"))


def axis_cases(rng):
    """Reductions over some axes: negative, positive, tuples, with and without keepdims."""
    shape3 = sizes(rng, 3)
    shape2 = sizes(rng, 2)
    return [
        (shape2, -1, False),                      # the last axis of a matrix: row sums
        (shape3, 1, False),
        (shape3, [0, 2], False),
        (shape3, -2, True),
        (shape2, 0, bool(rng.integers(2))),
    ]


@pytest.mark.points(1, cell="test_sum_mean")
def test_sum_of_all_elements(student, rng):
    """Part 6: the sum of all elements."""
    for shape in (sizes(rng, 1), sizes(rng, 2), sizes(rng, 3)):
        check_reduce(student, "reduce_sum", data(rng, shape), rng)
    check_reduce(student, "reduce_sum", data(rng, sizes(rng, 2)), rng, keepdims=True)


@pytest.mark.points(1, cell="test_sum_mean")
def test_sum_over_some_axes(student, rng):
    """Part 6: sums over some axes."""
    for shape, axis, keepdims in axis_cases(rng):
        check_reduce(student, "reduce_sum", data(rng, shape), rng, axis=axis, keepdims=keepdims)


@pytest.mark.points(1, cell="test_sum_mean")
def test_mean_of_all_elements(student, rng):
    """Part 6: the mean of all elements."""
    for shape in (sizes(rng, 1), sizes(rng, 2), sizes(rng, 3)):
        check_reduce(student, "reduce_mean", data(rng, shape), rng)


@pytest.mark.points(1, cell="test_sum_mean")
def test_mean_over_some_axes(student, rng):
    """Part 6: means over some axes."""
    for shape, axis, keepdims in axis_cases(rng):
        check_reduce(student, "reduce_mean", data(rng, shape), rng, axis=axis, keepdims=keepdims)


# ---------------------------------------------------------------------------------------------------------
# Part 7: a linear layer's mean squared error


def run_mse(student, rng, bias_shape):
    """The student's loss and gradients, and autograd_ref's, for a random batch; b is (m,) or (1, m)."""
    batch, k, m = sizes(rng, 3)
    x, W, y = data(rng, (batch, k)), data(rng, (k, m)), data(rng, (batch, m))
    b = data(rng, (m,) if bias_shape == "vector" else (1, m))
    tW, tb = tensor(W), tensor(b)
    err = tensor(x) @ tW + tb - tensor(y)
    loss = (err * err).mean()
    loss.backward()
    got = call(student, "mse", "mse_loss", x=x, W=W, b=b, y=y)
    return got, loss.item(), tW.grad.numpy(), tb.grad.numpy(), b


@pytest.mark.points(1, cell="test_linear_mse")
def test_mse_value(student, rng):
    """Part 7: the loss value."""
    for bias_shape in ("vector", "row"):
        got, loss, _, _, _ = run_mse(student, rng, bias_shape)
        assert same(got["loss"], loss), "mse_loss: the loss value is wrong (the mean of the squared errors)"


@pytest.mark.points(1, cell="test_linear_mse")
def test_mse_gradient_of_weights(student, rng):
    """Part 7: the gradient of the weights."""
    for bias_shape in ("vector", "row"):
        got, _, gW, _, _ = run_mse(student, rng, bias_shape)
        assert same(got["grad_W"], gW), "mse_loss: the gradient for W is wrong"


@pytest.mark.points(2, cell="test_linear_mse")
def test_mse_gradient_of_bias(student, rng):
    """Part 7: the gradient of the bias."""
    for bias_shape in ("vector", "row"):
        got, _, _, gb, b = run_mse(student, rng, bias_shape)
        assert has_shape(got["grad_b"], b.shape), (
            "mse_loss: the gradient for the bias does not have its shape: it was not summed over the batch")
        assert same(got["grad_b"], gb), "mse_loss: the gradient for the bias is wrong"
