"""The Tensor factories (new_zeros, new_full, new_tensor, type_as, ...), ``x.where``, tan and the other
trigonometric, hyperbolic and logarithmic functions, trunc/fix/frac, lerp, fmod, cumprod, dist, trace,
addmm, diag, diagonal, cross and kron, broadcast_to/broadcast_tensors/meshgrid, addcmul/addcdiv,
clamp_min/clamp_max, asinh/acosh/atanh, logaddexp, hypot, movedim, unflatten, atleast_nd, fliplr/flipud,
take_along_dim, argwhere, cummax/cummin, diff and count_nonzero, against golden values recorded from PyTorch 2.13
(``tests/golden_math``): values, dtypes, requires_grad, grad_fn and next_functions names, gradients,
second derivatives, errors and warnings. Then gradcheck, gradgradcheck and forward mode on each
differentiable one. torch is never imported here.
"""
import json
import math
import os
import sys
import warnings

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_math import cases  # noqa: E402
from golden_nn.cases import decode_array  # noqa: E402
from golden_nn.check import close, torch_words  # noqa: E402

import autograd_ref as torch  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_math", "values.json")) as f:
    VALUES = json.load(f)

CASES = {c.name: c for c in cases.CASES}


def test_the_table_and_the_recording_agree():
    assert sorted(CASES) == sorted(VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_math/record.py where torch is installed"
    assert sorted(cases.ERRORS) == sorted(VALUES["errors"])


def compare_case(name):
    """Every disagreement between autograd_ref and PyTorch on one case."""
    want = VALUES["cases"][name]
    arrays = {k: decode_array(v) for k, v in want["arrays"].items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # cross without dim warns; checked below
        got = cases.run(torch, CASES[name], arrays)
    problems = []
    close("output", decode_array(want["output"]), got["output"], problems)
    for key in ("grad_fn", "next_functions"):
        if got[key] != want[key]:
            problems.append(f"{key}: {got[key]!r}, PyTorch {want[key]!r}")
    if ("grads" in want) != ("grads" in got):
        problems.append(f"requires_grad: {'grads' in got}, PyTorch {'grads' in want}")
    for section in ("grads", "second"):
        if section not in want or section not in got:
            if (section in want) != (section in got):
                problems.append(f"{section}: PyTorch {'has' if section in want else 'has no'} them")
            continue
        if set(want[section]) != set(got[section]):
            problems.append(f"{section}: for {sorted(got[section])}, PyTorch for {sorted(want[section])}")
            continue
        for key, value in want[section].items():
            close(f"{section}[{key}]", None if value is None else decode_array(value), got[section][key], problems)
    return problems


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    problems = compare_case(name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(cases.ERRORS))
def test_error_matches_pytorch(name):
    want_kind, want_message = VALUES["errors"][name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # cross without dim warns before it raises
        kind, message = cases.run_error(torch, cases.ERRORS[name])
    assert kind is not None, f"autograd_ref raised nothing; PyTorch raises {want_kind}: {want_message}"
    assert (kind, message) == (want_kind, torch_words(want_message))


@pytest.mark.parametrize("name", sorted(cases.WARNINGS))
def test_warning_matches_pytorch(name):
    want = [m.split(" (Triggered internally at")[0] for m in VALUES["warnings"][name]]
    assert cases.run_warnings(torch, cases.WARNINGS[name]) == want


def test_diagonal_is_a_writable_view():
    m = torch.arange(12.).reshape(3, 4).clone()
    d = m.diagonal(1)
    assert d._base is m and d._version_counter is m._version_counter
    d[1] = -1.0
    assert m[1, 2].item() == -1.0 and m._version == 1
    d.mul_(2)
    assert m.tolist()[0][1] == 2.0 and m._version == 2
    assert torch.diag(m)._base is None         # diag of a matrix is a copy, as in PyTorch


# ---- gradcheck, gradgradcheck and forward mode on every differentiable op ---------------------

def _leaf(shape, kind="normal", seed=0):
    g = torch.Generator().manual_seed(seed)
    if kind == "unit":
        x = torch.rand(shape, generator=g, dtype=torch.float64) * 1.6 - 0.8
    elif kind == "positive":
        x = torch.rand(shape, generator=g, dtype=torch.float64) + 0.5
    else:
        x = torch.randn(shape, generator=g, dtype=torch.float64)
    return x.requires_grad_()


def _with_zeros():
    x = torch.randn(3, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    x[0, 1] = x[1, 1] = x[1, 3] = 0.0
    return x.requires_grad_()


GRADCHECKS = {     # name -> (function, inputs, whether it has second derivatives)
    "tan": (torch.tan, lambda: (_leaf((3, 4), "unit"),), True),
    "sinh": (torch.sinh, lambda: (_leaf((3, 4)),), True),
    "cosh": (torch.cosh, lambda: (_leaf((3, 4)),), True),
    "asin": (torch.asin, lambda: (_leaf((3, 4), "unit"),), True),
    "acos": (torch.acos, lambda: (_leaf((3, 4), "unit"),), True),
    "atan": (torch.atan, lambda: (_leaf((3, 4)),), True),
    "log2": (torch.log2, lambda: (_leaf((3, 4), "positive"),), True),
    "log10": (torch.log10, lambda: (_leaf((3, 4), "positive"),), True),
    "trunc": (lambda x: torch.trunc(x * 3), lambda: (_leaf((3, 4)),), False),
    "frac": (lambda x: torch.frac(x * 3), lambda: (_leaf((3, 4)),), False),
    "where": (lambda x, y: x.where(x > 0, y), lambda: (_leaf((3, 4)), _leaf((4,), seed=1)), False),
    "type_as": (lambda x, y: x.type_as(y) * x, lambda: (_leaf((3,)), _leaf((2,), seed=1)), True),
    "lerp-number": (lambda x, y: torch.lerp(x, y, 0.7), lambda: (_leaf((3, 4)), _leaf((4,), seed=1)), False),
    "lerp-tensor": (torch.lerp, lambda: (_leaf((3, 4)), _leaf((4,), seed=1), _leaf((3, 1), seed=2)), True),
    "fmod-number": (lambda x: torch.fmod(x, 0.7), lambda: (_leaf((3, 4)),), False),
    "fmod-tensor": (torch.fmod, lambda: (_leaf((3, 4)), _leaf((4,), "positive", seed=1)), False),
    "cumprod": (lambda x: torch.cumprod(x, 1), lambda: (_leaf((3, 5)),), True),
    "cumprod-zeros": (lambda x: torch.cumprod(x, 1), lambda: (_with_zeros(),), True),
    "cumprod-zeros-dim0": (lambda x: torch.cumprod(x.t(), 0), lambda: (_with_zeros(),), True),
    "dist": (torch.dist, lambda: (_leaf((3, 4)), _leaf((4,), seed=1)), True),
    "dist-p1": (lambda x, y: torch.dist(x, y, 1), lambda: (_leaf((3, 4)), _leaf((3, 4), seed=1)), False),
    "dist-p3": (lambda x, y: torch.dist(x, y, 3), lambda: (_leaf((3, 4)), _leaf((3, 4), seed=1)), True),
    "dist-inf": (lambda x, y: torch.dist(x, y, math.inf), lambda: (_leaf((3, 4)), _leaf((3, 4), seed=1)), False),
    "trace": (torch.trace, lambda: (_leaf((3, 4)),), False),
    "addmm": (torch.addmm, lambda: (_leaf((4,)), _leaf((3, 2), seed=1), _leaf((2, 4), seed=2)), True),
    "addmm-scaled": (lambda a, b, c: torch.addmm(a, b, c, beta=0.5, alpha=-2),
                     lambda: (_leaf((3, 4)), _leaf((3, 2), seed=1), _leaf((2, 4), seed=2)), True),
    "diag-vector": (lambda v: torch.diag(v, -1), lambda: (_leaf((3,)),), False),
    "diag-matrix": (lambda m: torch.diag(m, 1), lambda: (_leaf((3, 4)),), False),
    "diagonal": (lambda c: c.diagonal(1, 0, 2) ** 2, lambda: (_leaf((2, 3, 4)),), True),
    # second derivatives through an in-place change to a view lose the changed values' own dependence
    # (for any view, slices too: CopySlices saves a detached stand-in), so none here
    "diagonal-written": (lambda m, v: (m * 1).diagonal().mul_(v), lambda: (_leaf((3, 3)), _leaf((3,), seed=1)),
                         False),
    "cross": (lambda a, b: torch.cross(a, b, dim=-1), lambda: (_leaf((1, 3)), _leaf((4, 3), seed=1)), True),
    "kron": (torch.kron, lambda: (_leaf((2, 3)), _leaf((3,), seed=1)), True),
    "broadcast_to": (lambda x: torch.broadcast_to(x, (2, 3, 4)), lambda: (_leaf((3, 1)),), True),
    "broadcast_tensors": (lambda x, y: torch.broadcast_tensors(x, y), lambda: (_leaf((3, 1)), _leaf((4,), seed=1)),
                          True),
    "meshgrid-ij": (lambda x, y: torch.meshgrid(x, y, indexing="ij"), lambda: (_leaf((3,)), _leaf((4,), seed=1)),
                    True),
    "meshgrid-xy": (lambda x, y, z: torch.meshgrid(x, y, z, indexing="xy"),
                    lambda: (_leaf((3,)), _leaf((4,), seed=1), _leaf((2,), seed=2)), True),
    "addcmul": (lambda a, b, c: torch.addcmul(a, b, c, value=-1.5),
                lambda: (_leaf((3, 4)), _leaf((3, 1), seed=1), _leaf((4,), seed=2)), True),
    "addcdiv": (lambda a, b, c: torch.addcdiv(a, b, c, value=2),
                lambda: (_leaf((4,)), _leaf((3, 4), seed=1), _leaf((3, 1), "positive", seed=2)), True),
    "clamp_min": (lambda x: torch.clamp_min(x, 0.1), lambda: (_leaf((3, 4)),), True),
    "clamp_max": (lambda x: x.clamp_max(-0.1), lambda: (_leaf((3, 4)),), True),
    "clamp_min-tensor": (torch.clamp_min, lambda: (_leaf((3, 4)), _leaf((4,), seed=1)), True),
    "clamp_max-tensor": (torch.clamp_max, lambda: (_leaf((3, 4)), _leaf((3, 1), seed=1)), True),
    "asinh": (torch.asinh, lambda: (_leaf((3, 4)),), True),
    "acosh": (lambda x: torch.acosh(x + 1), lambda: (_leaf((3, 4), "positive"),), True),
    "atanh": (torch.atanh, lambda: (_leaf((3, 4), "unit"),), True),
    "logaddexp": (torch.logaddexp, lambda: (_leaf((3, 4)), _leaf((4,), seed=1)), True),
    "hypot": (torch.hypot, lambda: (_leaf((3, 4)), _leaf((3, 1), seed=1)), True),
    "movedim": (lambda x: torch.movedim(x, (0, 1), (2, 0)), lambda: (_leaf((2, 3, 4)),), True),
    "moveaxis": (lambda x: x.moveaxis(-1, 0), lambda: (_leaf((2, 3, 4)),), True),
    "unflatten": (lambda x: x.unflatten(1, (2, -1)), lambda: (_leaf((3, 4)),), True),
    "atleast_3d": (lambda x, y: torch.atleast_3d(x, y), lambda: (_leaf(()), _leaf((3,), seed=1)), True),
    "fliplr": (torch.fliplr, lambda: (_leaf((3, 4)),), True),
    "flipud": (lambda x: x.flipud(), lambda: (_leaf((3, 4)),), True),
    "take_along_dim": (lambda x: torch.take_along_dim(x, torch.tensor([[2], [0]]), 1),
                       lambda: (_leaf((1, 4)),), True),
    "take_along_dim-flat": (lambda x: torch.take_along_dim(x, torch.tensor([3, 3, 0])),
                            lambda: (_leaf((2, 3)),), True),
    "cummax": (lambda x: torch.cummax(x, 1).values, lambda: (_leaf((3, 5)),), True),
    "cummin": (lambda x: x.cummin(0)[0], lambda: (_leaf((3, 5)),), True),
    "diff": (lambda x, p: torch.diff(x, n=2, dim=0, prepend=p), lambda: (_leaf((4, 3)), _leaf((1, 3), seed=1)),
             True),
}


def test_cummax_without_nan_and_with():
    values, indices = torch.cummax(torch.tensor([1.0, float("nan"), 0.5, 3.0]), 0)
    assert indices.tolist() == [0, 1, 1, 1] and math.isnan(values[3].item())
    values, indices = torch.cummin(torch.tensor([[2.0, 1.0, 1.0, 3.0]]), 1)
    assert values.tolist() == [[2.0, 1.0, 1.0, 1.0]] and indices.tolist() == [[0, 1, 2, 2]]


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_gradcheck_and_forward_mode(name):
    fn, inputs, second = GRADCHECKS[name]
    assert gradcheck(fn, inputs(), check_forward_ad=True)
    if second:
        assert gradgradcheck(fn, inputs())
