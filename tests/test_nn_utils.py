"""``nn.utils`` (gradient clipping, parameters as one vector) and the
structured and sparse ``nn.init`` functions (trunc_normal_, orthogonal_, eye_,
dirac_, sparse_).

Clipped gradients, norms, vectors, deterministic inits, errors and warnings are
compared with what PyTorch gave for the same programs (``tests/golden_nn_utils``:
``cases.py`` holds the programs, ``record.py`` ran them with torch into
``values.json``). The random inits are checked by their properties, since
autograd_ref draws other random numbers than PyTorch. torch is never imported.
"""
import contextlib
import json
import math
import os
import sys

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_nn_utils import cases  # noqa: E402

import autograd_ref as torch  # noqa: E402 - the tests read like PyTorch code
from autograd_ref import nn  # noqa: E402
import autograd_ref.nn.functional as F  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_nn_utils", "values.json")) as f:
    VALUES = json.load(f)

RTOL = {"float32": 2e-6, "float64": 1e-12}


def test_the_tables_and_the_recording_agree():
    assert sorted(cases.CLIP_CASES) == sorted(VALUES["clip"])
    assert sorted(cases.VECTOR_CASES) == sorted(VALUES["vector"])
    assert sorted(cases.INIT_VALUES) == sorted(VALUES["init"])
    assert sorted(cases.ERRORS) == sorted(VALUES["errors"])
    assert sorted(cases.WARNINGS) == sorted(VALUES["warnings"])


def assert_same(where, want, got):
    """``got`` and ``want`` are ``cases.encode``d tensors (or None)."""
    if want is None or got is None:
        assert want is got is None, f"{where}: PyTorch gives {want}, autograd_ref {got}"
        return
    assert got["dtype"] == want["dtype"], f"{where}: dtype"
    w, g = numpy.array(want["values"], dtype=float), numpy.array(got["values"], dtype=float)
    assert g.shape == w.shape, f"{where}: shape {g.shape}, PyTorch {w.shape}"
    assert numpy.allclose(g, w, rtol=RTOL[want["dtype"]], atol=1e-7, equal_nan=True), \
        f"{where}:\n  got  {g.tolist()}\n  want {w.tolist()}"


# ---- against PyTorch ---------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply:RuntimeWarning")  # inf * 0
@pytest.mark.parametrize("name", list(cases.CLIP_CASES))
def test_clipping_matches_pytorch(name):
    want = VALUES["clip"][name]
    got = cases.CLIP_CASES[name](torch)
    assert_same("total norm", want["total"], got["total"])
    assert len(got["grads"]) == len(want["grads"])
    for i, (w, g) in enumerate(zip(want["grads"], got["grads"])):
        assert_same(f"grads[{i}]", w, g)


@pytest.mark.parametrize("name", list(cases.VECTOR_CASES))
def test_vector_conversion_matches_pytorch(name):
    want = VALUES["vector"][name]
    got = cases.VECTOR_CASES[name](torch)
    assert sorted(got) == sorted(want)
    for key, value in want.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for i, (w, g) in enumerate(zip(value, got[key])):
                assert_same(f"{key}[{i}]", w, g)
        elif isinstance(value, dict):
            assert_same(key, value, got[key])
        else:
            assert got[key] == value, key


@pytest.mark.parametrize("name", list(cases.INIT_VALUES))
def test_deterministic_inits_match_pytorch(name):
    assert cases.INIT_VALUES[name](torch) == VALUES["init"][name]


@pytest.mark.parametrize("name", list(cases.ERRORS))
def test_errors_match_pytorch(name):
    assert cases.run_error(torch, cases.ERRORS[name]) == VALUES["errors"][name]


@pytest.mark.parametrize("name", list(cases.WARNINGS))
def test_warnings_match_pytorch(name):
    assert cases.run_warnings(torch, cases.WARNINGS[name]) == VALUES["warnings"][name]


def test_the_public_names_are_pytorchs():
    for name in ("clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
                 "clip_grads_with_norm_", "parameters_to_vector", "vector_to_parameters"):
        assert name in nn.utils.__all__ and callable(getattr(nn.utils, name))
    assert nn.utils.clip_grad.clip_grad_norm_ is nn.utils.clip_grad_norm_
    assert nn.utils.convert_parameters.parameters_to_vector is nn.utils.parameters_to_vector
    for name in ("trunc_normal_", "orthogonal_", "eye_", "dirac_", "sparse_", "uniform", "normal",
                 "constant", "eye", "dirac", "xavier_uniform", "xavier_normal", "kaiming_uniform",
                 "kaiming_normal", "orthogonal", "sparse"):
        assert callable(getattr(nn.init, name)), name


# ---- clipping: what the golden values do not show -------------------------------------

def trained_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
    (model(torch.randn(16, 3)) ** 2).sum().backward()
    return model


def test_clip_grad_norm_shrinks_in_place_to_max_norm_and_keeps_direction():
    model = trained_model()
    grads = [p.grad for p in model.parameters()]
    before = [g.clone() for g in grads]
    versions = [g._version for g in grads]
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    assert isinstance(total, torch.Tensor) and total.dim() == 0 and total.item() > 0.5
    assert all(p.grad is g for p, g in zip(model.parameters(), grads))       # the same tensors
    assert all(g._version > v for g, v in zip(grads, versions))              # changed in place
    new_total = math.sqrt(sum((g ** 2).sum().item() for g in grads))
    assert new_total == pytest.approx(0.5, rel=1e-5)
    scale = 0.5 / (total.item() + 1e-6)
    for g, b in zip(grads, before):
        assert numpy.allclose(g.numpy(), b.numpy() * scale, rtol=1e-5)
    assert total.grad_fn is None and not total.requires_grad


def test_clip_grad_norm_under_enable_grad_records_nothing():
    w = torch.ones(3, requires_grad=True)
    (w ** 2 * torch.tensor([1.5, 2.0, 0.0])).sum().backward(create_graph=True)
    assert w.grad.requires_grad
    with torch.enable_grad():
        total = nn.utils.clip_grad_norm_([w], 1.0)
    assert total.grad_fn is None
    assert w.grad.tolist() == pytest.approx([0.6, 0.8, 0.0], rel=1e-5)


def test_clip_grad_value_clamps_in_place():
    model = trained_model()
    grads = [p.grad for p in model.parameters()]
    versions = [g._version for g in grads]
    assert nn.utils.clip_grad_value_(model.parameters(), 0.1) is None
    assert all(p.grad is g and g._version > v for p, g, v in zip(model.parameters(), grads, versions))
    assert max(g.abs().max().item() for g in grads) == pytest.approx(0.1)


def test_clip_grads_with_norm_never_stretches():
    p = torch.zeros(2, requires_grad=True)
    p.grad = torch.tensor([0.3, 0.4])
    nn.utils.clip_grads_with_norm_([p], 10.0, torch.tensor(0.5))
    assert p.grad.tolist() == pytest.approx([0.3, 0.4])


# ---- parameters as a vector -------------------------------------------------------------

def test_vector_round_trip_and_shared_memory():
    model = trained_model()
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (sum(p.numel() for p in model.parameters()),)
    new = torch.arange(vec.numel(), dtype=torch.float32)
    nn.utils.vector_to_parameters(new, model.parameters())
    assert nn.utils.parameters_to_vector(model.parameters()).tolist() == new.tolist()
    assert model[0].weight.shape == (8, 3) and isinstance(model[0].weight, nn.Parameter)
    assert model[0].weight.requires_grad and model[0].weight.is_leaf
    new[0] = -1.0                     # the parameters are slices of the vector now, as in PyTorch
    assert model[0].weight[0, 0].item() == -1.0
    with torch.no_grad():
        nn.utils.vector_to_parameters(vec, model.parameters())
    assert nn.utils.parameters_to_vector(model.parameters()).tolist() == vec.tolist()


# ---- init: properties of the random ones ------------------------------------------------

def test_orthogonal_rows_or_columns_are_orthonormal():
    torch.manual_seed(0)
    for shape in [(6, 6), (3, 7), (7, 3), (4, 2, 3, 3), (1, 5), (5, 1)]:
        w = nn.Parameter(torch.empty(shape))
        assert nn.init.orthogonal_(w, gain=2.0) is w
        assert w.is_leaf and w.requires_grad and w.grad_fn is None and w.shape == shape
        m = w.detach().reshape(shape[0], -1).numpy() / 2.0
        small = min(m.shape)
        gram = m @ m.T if m.shape[0] == small else m.T @ m
        assert numpy.allclose(gram, numpy.eye(small), atol=1e-5), shape
    w = nn.init.orthogonal_(torch.empty(40, 40, dtype=torch.float64)).numpy()
    assert numpy.allclose(w @ w.T, numpy.eye(40), atol=1e-12)
    assert numpy.allclose((w ** 2).sum(1), 1.0) and abs(w.mean()) < 0.02     # rows of length 1


def test_orthogonal_is_a_random_matrix_not_a_fixed_one():
    torch.manual_seed(1)
    a = nn.init.orthogonal_(torch.empty(4, 4)).numpy()
    b = nn.init.orthogonal_(torch.empty(4, 4)).numpy()
    assert not numpy.allclose(a, b) and not numpy.allclose(numpy.abs(a), numpy.eye(4))


def truncated_normal_moments(mean, std, a, b):
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    z = cdf(beta) - cdf(alpha)
    shift = (pdf(alpha) - pdf(beta)) / z
    var = std ** 2 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - shift ** 2)
    return mean + std * shift, math.sqrt(var)


@pytest.mark.parametrize("mean, std, a, b", [
    (0.0, 1.0, -2.0, 2.0),        # most draws inside: redraw the rest
    (0.5, 0.02, 0.47, 0.55),      # a wide window in std units
    (0.0, 1.0, 1.0, 1.5),         # a narrow window: the uniform proposal branch
    (0.0, 1.0, 2.5, 4.0),         # far in the tail
])
def test_trunc_normal_stays_in_bounds_with_the_right_moments(mean, std, a, b):
    torch.manual_seed(0)
    w = torch.empty(20000, requires_grad=True)
    far = mean < a - 2 * std or mean > b + 2 * std
    with pytest.warns(UserWarning, match="more than 2 std") if far else contextlib.nullcontext():
        assert nn.init.trunc_normal_(w, mean, std, a, b) is w and w.grad_fn is None
    values = w.detach().numpy()
    assert values.min() >= numpy.float32(a) and values.max() <= numpy.float32(b)
    want_mean, want_std = truncated_normal_moments(mean, std, a, b)
    assert abs(values.mean() - want_mean) < 0.03 * (b - a)
    assert abs(values.std() / want_std - 1) < 0.05


def test_sparse_zeros_the_same_number_in_every_column():
    torch.manual_seed(0)
    w = torch.empty(50, 40)
    assert nn.init.sparse_(w, sparsity=0.25, std=0.5) is w
    assert (w == 0).sum(0).tolist() == [13] * 40          # ceil(0.25 * 50)
    nonzero = w.numpy()[w.numpy() != 0]
    assert abs(nonzero.std() / 0.5 - 1) < 0.05 and abs(nonzero.mean()) < 0.03
    rows_zeroed = (w == 0).numpy()
    assert not (rows_zeroed == rows_zeroed[:, :1]).all()   # each column picks its own rows
    assert (nn.init.sparse_(torch.empty(4, 3), 0.0) != 0).all()


def test_eye_and_dirac_keep_parameters_leaves():
    w = nn.Parameter(torch.randn(3, 3))
    assert nn.init.eye_(w) is w and w.is_leaf and w.requires_grad
    assert w.tolist() == torch.eye(3).tolist()
    w = nn.Parameter(torch.randn(2, 2, 3, 3))
    assert nn.init.dirac_(w) is w and w.is_leaf and w.requires_grad


def test_dirac_makes_a_convolution_copy_its_input():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 5, 6)
    w = nn.init.dirac_(torch.empty(3, 3, 3, 3))
    assert numpy.allclose(F.conv2d(x, w, padding=1).numpy(), x.numpy())
    x1 = torch.randn(2, 4, 7)
    w1 = nn.init.dirac_(torch.empty(4, 2, 5), groups=2)
    assert numpy.allclose(F.conv1d(x1, w1, padding=2, groups=2).numpy(), x1.numpy(), atol=1e-6)


@pytest.mark.parametrize("fn, shape, args", [
    (nn.init.trunc_normal_, (5, 4), (0.0, 1.0, -1.0, 1.0)),
    (nn.init.trunc_normal_, (5, 4), (0.0, 1.0, 1.0, 1.2)),
    (nn.init.orthogonal_, (5, 4), ()),
    (nn.init.sparse_, (5, 4), (0.4,)),
])
def test_random_inits_repeat_with_manual_seed_or_a_generator(fn, shape, args):
    torch.manual_seed(7)
    a = fn(torch.empty(shape), *args).tolist()
    torch.manual_seed(7)
    assert fn(torch.empty(shape), *args).tolist() == a
    g = torch.Generator().manual_seed(3)
    b = fn(torch.empty(shape), *args, generator=g).tolist()
    g.manual_seed(3)
    assert fn(torch.empty(shape), *args, generator=g).tolist() == b
    assert b != a


def test_new_inits_keep_dtype():
    for fn, shape, args in [(nn.init.trunc_normal_, (3, 4), ()), (nn.init.orthogonal_, (3, 4), ()),
                            (nn.init.eye_, (3, 4), ()), (nn.init.dirac_, (3, 4, 3), ()),
                            (nn.init.sparse_, (3, 4), (0.5,))]:
        assert fn(torch.empty(shape, dtype=torch.float64), *args).dtype is torch.float64
