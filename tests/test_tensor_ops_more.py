"""The added tensor ops (kthvalue, mode, searchsorted, bucketize; index_copy, index_fill, index_put,
masked_scatter and their in-place forms; the in-place forms of pointwise ops; random fills, bernoulli and
poisson) against golden values recorded from PyTorch in tests/golden_ops/values.json (values, graphs,
versions, gradients, second derivatives, errors), then gradcheck / gradgradcheck in float64 and the
distributions of the random functions. torch is never imported.
"""
import json
import warnings
import os
import sys

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_ops import cases  # noqa: E402
from golden_selection.compare import case_problems, error_problems  # noqa: E402

import autograd_ref  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_ops", "values.json")) as f:
    VALUES = json.load(f)

CASES = {c.name: c for c in cases.CASES}


def test_the_table_and_the_recording_agree():
    assert sorted(CASES) == sorted(VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_ops/record.py where torch is installed"
    assert sorted(cases.ERRORS) == sorted(VALUES["errors"])


@pytest.mark.parametrize("name", sorted(VALUES["cases"]))
def test_case(name):
    random_fill = name.split("-")[0] in ("uniform_", "normal_")     # its draws are numpy's, not PyTorch's
    problems = case_problems(autograd_ref, cases, name, VALUES["cases"][name], compare_values=not random_fill)
    assert not problems, f"{name} disagrees with PyTorch {VALUES['torch_version']}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(VALUES["errors"]))
def test_error(name):
    problems = error_problems(autograd_ref, cases, name, VALUES["errors"][name])
    assert not problems, problems[0]


# ---- gradcheck and gradgradcheck in float64 ----------------------------------------------------------

def _leaf(*shape, low=0.1, high=0.9, seed=0):
    rng = numpy.random.default_rng(seed)
    return autograd_ref.tensor(rng.uniform(low, high, shape), dtype=autograd_ref.float64, requires_grad=True)


def _distinct(*shape, seed=0):
    n = int(numpy.prod(shape))
    data = (numpy.random.default_rng(seed).permutation(n) - n / 2) * 0.3
    return autograd_ref.tensor(data.reshape(shape), dtype=autograd_ref.float64, requires_grad=True)


IX = autograd_ref.tensor([2, 0])
ONE_INPUT = {
    "kthvalue": (lambda x: autograd_ref.kthvalue(x, 2, 1).values, _distinct),
    "tan_": (lambda x: (x * 1).tan_(), _leaf),
    "rsqrt_": (lambda x: (x * 1).rsqrt_(), _leaf),
    "square_": (lambda x: (x * 1).square_(), _leaf),
    "clamp_min_": (lambda x: (x * 1).clamp_min_(0.45), _leaf),
    "lerp_": (lambda x: (x * 1).lerp_(x.exp(), 0.3), _leaf),
    "cumprod_": (lambda x: (x * 1).cumprod_(1), _leaf),
    "index_fill": (lambda x: autograd_ref.index_fill(x, 1, IX, 0.5), _leaf),
    "view-atan_": (lambda x: _view_op(x), _leaf),
}
TWO_INPUTS = {
    "index_copy": lambda x, s: autograd_ref.index_copy(x, 0, IX, s),
    "index_copy_": lambda x, s: (x * 1).index_copy_(0, IX, s),
    "index_put": lambda x, s: autograd_ref.index_put(x, (IX,), s, accumulate=True),
    "index_put_": lambda x, s: (x * 1).index_put_((IX, IX), s[:, 0]),
    "masked_scatter": lambda x, s: autograd_ref.masked_scatter(x, x.detach() > 0.5, s),
    "addcdiv_": lambda x, s: (x * 1)[:2].addcdiv_(s, s + 1, value=0.7),
    "hypot_": lambda x, s: (x[:2] * 1).hypot_(s),
    "index_fill-tensor": lambda x, s: x.index_fill(0, IX, s[0, 0]),
}


def _view_op(x):
    y = x * 1
    y[1].atan_()
    return y


@pytest.mark.parametrize("name", sorted(ONE_INPUT))
def test_gradcheck_one_input(name):
    fn, make = ONE_INPUT[name]
    x = make(3, 4)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", sorted(TWO_INPUTS))
def test_gradcheck_two_inputs(name):
    x, s = _leaf(3, 4), _leaf(2, 4, seed=1)
    assert gradcheck(TWO_INPUTS[name], (x, s))
    assert gradgradcheck(TWO_INPUTS[name], (x, s))


# ---- in-place bookkeeping ------------------------------------------------------------------------------

def test_a_saved_tensor_changed_in_place_is_detected():
    x = _leaf(3)
    y = x * 1
    z = y.sin()             # saves y
    y.tan_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_in_place_without_grad_writes_into_the_same_memory():
    x = autograd_ref.tensor([0.25, 0.5])
    view = x[:]
    out = x.square_()
    assert out is x and x._version == 1 and view.tolist() == [0.0625, 0.25]
    x.index_fill_(0, autograd_ref.tensor([1]), 3.0)
    assert x.tolist() == [0.0625, 3.0] and x._version == 2


# ---- random functions: distributions and seeds -----------------------------------------------------------

N = 20000


def _seeded(fn, seed=0):
    autograd_ref.manual_seed(seed)
    return fn().numpy().astype(numpy.float64)


@pytest.mark.parametrize("name, fn, mean, std", [
    ("uniform_", lambda: autograd_ref.empty(N).uniform_(-1.0, 3.0), 1.0, 4 / 12 ** 0.5),
    ("normal_", lambda: autograd_ref.empty(N).normal_(2.0, 0.5), 2.0, 0.5),
    ("bernoulli_", lambda: autograd_ref.empty(N).bernoulli_(0.3), 0.3, (0.3 * 0.7) ** 0.5),
    ("exponential_", lambda: autograd_ref.empty(N).exponential_(2.0), 0.5, 0.5),
    ("geometric_", lambda: autograd_ref.empty(N).geometric_(0.25), 4.0, (0.75 / 0.25 ** 2) ** 0.5),
    ("log_normal_", lambda: autograd_ref.empty(N).log_normal_(0.0, 0.25), numpy.exp(0.25 ** 2 / 2), None),
    ("random_", lambda: autograd_ref.empty(N).random_(3, 7), 4.5, (15 / 12) ** 0.5),
    ("bernoulli", lambda: autograd_ref.bernoulli(autograd_ref.full((N,), 0.7)), 0.7, (0.21) ** 0.5),
    ("poisson", lambda: autograd_ref.poisson(autograd_ref.full((N,), 4.0)), 4.0, 2.0),
])
def test_random_distribution_and_seed(name, fn, mean, std):
    a = _seeded(fn)
    assert abs(a.mean() - mean) < 0.05 * max(1.0, abs(mean)), (name, a.mean())
    if std is not None:
        assert abs(a.std() - std) < 0.05 * max(1.0, std), (name, a.std())
    assert numpy.array_equal(a, _seeded(fn)), "the same seed must give the same numbers"
    assert not numpy.array_equal(a, _seeded(fn, seed=1))


def test_random_fill_ranges_and_generator():
    autograd_ref.manual_seed(0)
    r = autograd_ref.empty(2000).random_(3, 6).numpy()
    assert set(numpy.unique(r)) == {3.0, 4.0, 5.0}
    b = autograd_ref.empty(4).bernoulli_(autograd_ref.tensor([0.0, 1.0, 0.0, 1.0]))
    assert b.tolist() == [0.0, 1.0, 0.0, 1.0]
    assert autograd_ref.poisson(autograd_ref.zeros(5)).tolist() == [0.0] * 5
    g1, g2 = autograd_ref.Generator().manual_seed(5), autograd_ref.Generator().manual_seed(5)
    assert autograd_ref.equal(autograd_ref.empty(6).normal_(generator=g1), autograd_ref.empty(6).normal_(generator=g2))
    c = autograd_ref.empty(N).cauchy_(3.0, 1.0).numpy()
    assert abs(numpy.median(c) - 3.0) < 0.1


def test_random_fill_gives_a_zero_gradient():
    x = _leaf(4)
    y = x * 2
    y.uniform_()
    assert type(y.grad_fn).__name__ == "UniformBackward0" and y._version == 1
    y.sum().backward()
    assert x.grad.tolist() == [0.0] * 4


@pytest.mark.parametrize("op", [
    lambda t, d: t.sum(d), lambda t, d: t.sum(d, keepdim=True), lambda t, d: t.sum((d,)),
    lambda t, d: t.mean(d), lambda t, d: t.amax(d), lambda t, d: t.logsumexp(d), lambda t, d: t.norm(dim=d),
    lambda t, d: t.prod(d), lambda t, d: t.prod(d, keepdim=True),
    lambda t, d: autograd_ref.log_softmax(t * 2, d), lambda t, d: autograd_ref.softmax(t * 2, d)])
@pytest.mark.parametrize("dim", [0, -1])
def test_a_0_dim_tensor_reduces_over_dim_0_or_minus_1_to_itself(op, dim):
    # As in torch 2.13: a 0-dim tensor takes dim 0 or -1 and keeps its one element; the gradient has its shape
    # and the value a one-element vector's would have.
    t = autograd_ref.tensor(3.0, requires_grad=True)
    out = op(t, dim)
    out.backward()
    one = autograd_ref.tensor([3.0], requires_grad=True)
    expected = op(one, 0)
    expected.sum().backward()
    assert out.shape == () and out.item() == pytest.approx(expected.reshape(-1)[0].item())
    assert t.grad.shape == () and t.grad.item() == pytest.approx(one.grad.item())


def test_std_of_equal_elements_has_no_gradient_as_in_pytorch():
    # torch 2.13.0: where the spread is zero the gradient is 0 (not 0 / 0), without a warning; the rows with a
    # spread keep theirs.
    x = autograd_ref.tensor([[1.0, 2.0], [3.0, 3.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.std(1).sum().backward()
    numpy.testing.assert_allclose(x.grad.numpy(), [[-0.70710677, 0.70710677], [0.0, 0.0]], rtol=1e-6)
    (again,) = autograd_ref.autograd.grad(x.std(1).sum(), x, create_graph=True)
    numpy.testing.assert_array_equal(again.detach().numpy(), x.grad.numpy())
