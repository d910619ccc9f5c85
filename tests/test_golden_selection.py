"""Sorting and selecting (autograd_ref/ops/selection.py) against golden values recorded from PyTorch.

``tests/golden_selection/cases.py`` holds the programs, written once against a module ``lib``;
``tests/golden_selection/record.py`` ran them with ``lib=torch`` into ``values.json``. Here the same
programs run with ``lib=autograd_ref`` on the same inputs and weights, and everything is compared:
values, dtypes, shapes, ``requires_grad``, the graph's node names, the named-tuple types, the
inputs' gradients, second derivatives and errors. Then gradcheck and gradgradcheck (float64, inputs
without ties), also in forward mode, and the rules of multinomial's draws. torch is never imported.
"""
import json
import os
import sys

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_selection import cases  # noqa: E402
from golden_selection.compare import case_problems, error_problems  # noqa: E402

import autograd_ref  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_selection", "values.json")) as f:
    VALUES = json.load(f)

CASES = {c.name: c for c in cases.CASES}


def test_the_table_and_the_recording_agree():
    assert sorted(CASES) == sorted(VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_selection/record.py where torch is installed"
    assert sorted(cases.ERRORS) == sorted(VALUES["errors"])


@pytest.mark.parametrize("name", sorted(VALUES["cases"]))
def test_case(name):
    problems = case_problems(autograd_ref, cases, name, VALUES["cases"][name])
    assert not problems, f"{name} disagrees with PyTorch {VALUES['torch_version']}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(VALUES["errors"]))
def test_error(name):
    problems = error_problems(autograd_ref, cases, name, VALUES["errors"][name])
    assert not problems, problems[0]


# ---- gradcheck, gradgradcheck, forward mode ----------------------------------------------------------

def _distinct(*shape, seed=0):
    """A float64 leaf with values at least 0.1 apart: no ties, so finite differences never swap two."""
    n = int(numpy.prod(shape))
    rng = numpy.random.default_rng(seed)
    data = (rng.permutation(n) - n / 2) * 0.3 + rng.uniform(-0.05, 0.05, n)
    return autograd_ref.tensor(data.reshape(shape), dtype=autograd_ref.float64, requires_grad=True)


MASK = autograd_ref.tensor([True, False, True, True])
DIFFERENTIABLE = {
    "sort": lambda x: autograd_ref.sort(x, 1, descending=True).values,
    "sort-stable": lambda x: x.sort(dim=0, stable=True).values,
    "msort": lambda x: autograd_ref.msort(x),
    "topk": lambda x: autograd_ref.topk(x, 2).values,
    "topk-smallest": lambda x: autograd_ref.topk(x, 2, dim=0, largest=False).values,
    "median": lambda x: autograd_ref.median(x),
    "median-dim": lambda x: autograd_ref.median(x, 1).values,
    "median-keepdim": lambda x: x.median(0, keepdim=True).values,
    "flip": lambda x: autograd_ref.flip(x, (0, 1)),
    "roll": lambda x: autograd_ref.roll(x, (1, -1), (0, 1)),
    "roll-flat": lambda x: x.roll(3),
    "tile": lambda x: autograd_ref.tile(x, (2, 1, 2)),
    "repeat_interleave": lambda x: autograd_ref.repeat_interleave(x, 2, dim=1),
    "repeat_interleave-flat": lambda x: x.repeat_interleave(2),
    "repeat_interleave-tensor": lambda x: autograd_ref.repeat_interleave(x, autograd_ref.tensor([2, 0, 1]), dim=0),
    "vstack": lambda x: autograd_ref.vstack([x, x[0]]),
    "hstack": lambda x: autograd_ref.hstack([x, x * 2]),
    "dstack": lambda x: autograd_ref.dstack([x, x.exp()]),
    "masked_select": lambda x: autograd_ref.masked_select(x, MASK),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_gradcheck(name):
    x = _distinct(3, 4)
    assert gradcheck(DIFFERENTIABLE[name], (x,), check_forward_ad=True)


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_gradgradcheck(name):
    """The backward is built of differentiable operations: it differentiates again, also with respect
    to the output gradient (``gradgradcheck`` draws one that requires grad)."""
    x = _distinct(3, 4, seed=1)
    assert gradgradcheck(DIFFERENTIABLE[name], (x,))
    assert gradgradcheck(lambda t: DIFFERENTIABLE[name](t) ** 2, (x,))


def test_forward_mode_tangents_are_the_selection_of_the_tangent():
    """In a dual level, sort's tangent is the input's tangent in sorted order (and so on)."""
    fw = autograd_ref.autograd.forward_ad
    x = _distinct(2, 5).detach()
    t = autograd_ref.tensor(numpy.arange(10.0).reshape(2, 5))
    with fw.dual_level():
        dual = fw.make_dual(x, t)
        values, indices = autograd_ref.sort(dual, 1)
        assert numpy.array_equal(fw.unpack_dual(values).tangent.numpy(), t.gather(1, indices).numpy())
        assert numpy.array_equal(fw.unpack_dual(autograd_ref.flip(dual, (1,))).tangent.numpy(), t.numpy()[:, ::-1])


# ---- multinomial's draws ---------------------------------------------------------------------------

def test_multinomial_follows_the_weights():
    autograd_ref.manual_seed(0)
    w = autograd_ref.tensor([1.0, 0.0, 3.0, 4.0])
    draws = autograd_ref.multinomial(w, 20000, replacement=True)
    counts = numpy.bincount(draws.numpy(), minlength=4) / 20000
    assert counts[1] == 0
    assert numpy.allclose(counts, [0.125, 0.0, 0.375, 0.5], atol=0.015), counts


def test_multinomial_without_replacement_draws_each_once_and_favours_heavy_weights():
    autograd_ref.manual_seed(1)
    w = autograd_ref.tensor([[1.0, 1.0, 50.0, 1.0], [0.0, 1.0, 0.0, 0.0]])
    firsts = [autograd_ref.multinomial(w, 2) for _ in range(200)]
    for d in firsts:
        assert d[0, 0] != d[0, 1] and d[1, 0] == 1 and d[1, 1] in (0, 2, 3)
    assert sum(int(d[0, 0]) == 2 for d in firsts) > 170


def test_multinomial_uses_the_seed_and_the_generator():
    w = autograd_ref.ones(3, 10)
    autograd_ref.manual_seed(7)
    a = autograd_ref.multinomial(w, 5)
    autograd_ref.manual_seed(7)
    assert autograd_ref.equal(a, autograd_ref.multinomial(w, 5))
    g = autograd_ref.Generator().manual_seed(3)
    b = autograd_ref.multinomial(w, 5, True, generator=g)
    assert autograd_ref.equal(b, autograd_ref.multinomial(w, 5, True, generator=autograd_ref.Generator().manual_seed(3)))


def test_multinomial_without_replacement_is_random():
    """Equal weights: every category comes first in some draws, and the draws are permutations."""
    autograd_ref.manual_seed(2)
    draws = autograd_ref.multinomial(autograd_ref.ones(400, 4), 4).numpy()
    assert (numpy.sort(draws, axis=1) == numpy.arange(4)).all()
    assert numpy.allclose(numpy.bincount(draws[:, 0], minlength=4) / 400, 0.25, atol=0.08)
