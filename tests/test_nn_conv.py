"""Convolution, pooling, batch norm, their layers, the seed's ``Net`` and ResNet-18.

Most checks compare with values recorded from PyTorch by
``tests/golden_conv/record.py`` (``values.json``; torch is never imported here):
outputs, ``grad_fn`` and ``next_functions`` names, gradients, second
derivatives, error messages and reprs. The rest check derivatives against
finite differences (``gradcheck``, ``gradgradcheck``) and the layers' own
behaviour.
"""
import json
import math
import os
import re
import sys
import warnings

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_conv import cases  # noqa: E402

import autograd_ref  # noqa: E402
from autograd_ref import nn  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402
from autograd_ref.models import resnet18  # noqa: E402
import autograd_ref.nn.functional as F  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_conv", "values.json")) as f:
    VALUES = json.load(f)

CASES = {c.name: c for c in cases.CASES}
RTOL = {"float32": 2e-5, "float64": 1e-9}


def assert_close(actual, expected, where, rtol=None):
    actual, expected = numpy.asarray(actual), numpy.asarray(expected)
    assert actual.dtype == expected.dtype, f"{where}: dtype {actual.dtype}, PyTorch {expected.dtype}"
    assert actual.shape == expected.shape, f"{where}: shape {actual.shape}, PyTorch {expected.shape}"
    if expected.dtype.kind != "f":
        assert numpy.array_equal(actual, expected), f"{where}: {actual.tolist()} != PyTorch {expected.tolist()}"
        return
    rtol = rtol or RTOL[expected.dtype.name]
    finite = numpy.abs(expected[numpy.isfinite(expected)])
    atol = rtol * max(1.0, float(finite.max()) if finite.size else 1.0)
    assert numpy.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True), \
        f"{where}: values differ (largest difference {numpy.nanmax(numpy.abs(actual - expected))})"


# ---- the golden cases ------------------------------------------------------------------------------

def test_every_case_was_recorded():
    assert sorted(CASES) == sorted(VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_conv/record.py where torch is installed"
    assert sorted(cases.ERRORS) == sorted(VALUES["errors"])
    assert sorted(cases.REPRS) == sorted(VALUES["reprs"])


def _decoded(items):
    return None if items is None else [cases.decode_array(a) for a in items]


@pytest.mark.parametrize("name", sorted(VALUES["cases"]))
def test_case(name):
    check_case(name)


@pytest.mark.parametrize("name", sorted(VALUES["cases"]))
def test_case_on_gpu(name, gpu):
    """The same case with every tensor created on a GPU: the same values and gradients."""
    autograd_ref.set_default_device(gpu)
    check_case(name)


def test_net_matches_pytorch_on_gpu(gpu):
    autograd_ref.set_default_device(gpu)
    test_net_matches_pytorch()


def check_case(name):
    case, expected = CASES[name], VALUES["cases"][name]
    assert "error" not in expected, expected.get("error")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        actual = cases.encode(cases.run_case(
            autograd_ref, case, _decoded(expected["inputs"]), _decoded(expected.get("grad_outputs")),
            _decoded(expected.get("second_weights"))))
    assert "error" not in actual, actual.get("error")
    assert [label for label, _ in actual["outputs"]] == [label for label, _ in expected["outputs"]]
    for (label, e), (_, a) in zip(expected["outputs"], actual["outputs"]):
        where = f"output {label}"
        assert_close(cases.decode_array(a["array"]), cases.decode_array(e["array"]), where)
        assert a["requires_grad"] == e["requires_grad"], where
        assert a["grad_fn"] == e["grad_fn"], f"{where}: grad_fn {a['grad_fn']}, PyTorch {e['grad_fn']}"
        assert a.get("next_functions") == e.get("next_functions"), \
            f"{where}: next_functions {a.get('next_functions')}, PyTorch {e.get('next_functions')}"
    sections = [("grads", "gradient")] + ([("first", "first derivative"), ("second", "second derivative")]
                                          if "first" in expected else [])
    for key, what in sections:
        for i, (e, a) in enumerate(zip(expected[key], actual[key])):
            where = f"{what} of input {i}"
            if a is None and e is not None and key == "second":
                # A backward that is linear in the gradient does not depend on the input:
                # autograd_ref records no edge (None), PyTorch an explicit zeros_like(input).
                assert not cases.decode_array(e["array"]).any(), f"{where}: PyTorch's is not zero"
                continue
            assert (e is None) == (a is None), f"{where}: PyTorch has {'none' if e is None else 'one'}"
            if e is not None:
                assert_close(cases.decode_array(a["array"]), cases.decode_array(e["array"]), where)


def _same_sets(message):
    """PyTorch prints some sets of options in an order that changes from run to run."""
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


@pytest.mark.parametrize("name", sorted(VALUES["errors"]))
def test_error(name):
    expected = VALUES["errors"][name]
    actual = cases.run_error(autograd_ref, cases.ERRORS[name])
    assert expected is not None
    assert actual is not None, f"PyTorch raises {expected['type']}: {expected['message']}; autograd_ref does not"
    assert actual["type"] == expected["type"], (actual, expected)
    assert _same_sets(actual["message"]) == _same_sets(expected["message"])


@pytest.mark.parametrize("name", sorted(VALUES["reprs"]))
def test_repr(name):
    assert repr(cases.REPRS[name](autograd_ref)) == VALUES["reprs"][name]


# ---- the seed's Net ------------------------------------------------------------------------------

def _compare_summary(actual, expected, where):
    if "array" in expected:
        assert_close(cases.decode_array(actual["array"]), cases.decode_array(expected["array"]), where)
        return
    assert math.isclose(actual["sum"], expected["sum"], rel_tol=1e-8, abs_tol=1e-9), where
    assert math.isclose(actual["sum_sq"], expected["sum_sq"], rel_tol=1e-8, abs_tol=1e-12), where
    assert_close(cases.decode_array(actual["head"]), cases.decode_array(expected["head"]), where)


def test_net_matches_pytorch():
    expected = VALUES["net"]
    actual = cases.encode(cases.run_net(autograd_ref, cases.decode_array(expected["input"]),
                                        cases.decode_array(expected["target"])))
    assert_close(cases.decode_array(actual["output"]), cases.decode_array(expected["output"]), "output")
    assert math.isclose(actual["loss"], expected["loss"], rel_tol=1e-10)
    assert actual["grad_fn"] == expected["grad_fn"]
    assert list(actual["grads"]) == list(expected["grads"])
    for name in expected["grads"]:
        _compare_summary(actual["grads"][name], expected["grads"][name], f"grad of {name}")
    assert actual["repr"] == expected["repr"]


def test_net_runs_forward_and_backward_on_one_image():
    autograd_ref.manual_seed(0)
    net = cases.make_net(autograd_ref)
    out = net(autograd_ref.randn(1, 1, 32, 32))
    assert out.shape == (1, 10)
    out.backward(autograd_ref.randn(1, 10))
    assert all(p.grad is not None and p.grad.shape == p.shape for p in net.parameters())
    assert len(list(net.parameters())) == 10


# ---- ResNet-18 ---------------------------------------------------------------------------------

def test_resnet18_state_dict_is_torchvisions():
    model = resnet18(num_classes=10)
    keys = [[k, list(v.shape)] for k, v in model.state_dict().items()]
    assert keys == VALUES["resnet18"]["state_dict"]
    assert len(keys) == 122
    assert sum(p.numel() for p in model.parameters()) == 11181642
    assert repr(model) == VALUES["resnet18"]["repr"]


def test_resnet18_matches_pytorch():
    expected = VALUES["resnet18"]
    actual = cases.encode(cases.run_resnet(autograd_ref, resnet18(num_classes=10)))
    assert actual["input_sums"] == pytest.approx(expected["input_sums"], rel=1e-12), \
        "numpy drew different random inputs than when the values were recorded"
    assert actual["weight_sum"] == pytest.approx(expected["weight_sum"], rel=1e-12)
    assert actual["grad_fn"] == expected["grad_fn"]
    for key in ("train_output", "eval_output"):
        assert_close(cases.decode_array(actual[key]), cases.decode_array(expected[key]), key, rtol=1e-7)
    for name, e in expected["running"].items():
        assert_close(cases.decode_array(actual["running"][name]), cases.decode_array(e), name, rtol=1e-7)
    assert list(actual["grads"]) == list(expected["grads"])
    for name, e in expected["grads"].items():
        a = actual["grads"][name]
        if "array" in e:
            assert_close(cases.decode_array(a["array"]), cases.decode_array(e["array"]), name, rtol=1e-7)
        else:
            scale = math.sqrt(e["sum_sq"])
            assert abs(a["sum"] - e["sum"]) <= 1e-7 * scale * 100, name
            assert a["sum_sq"] == pytest.approx(e["sum_sq"], rel=1e-7), name
            assert_close(cases.decode_array(a["head"]), cases.decode_array(e["head"]), name, rtol=1e-7)


def test_resnet18_float32_trains_on_a_small_batch():
    autograd_ref.manual_seed(0)
    model = resnet18(num_classes=10)
    x, y = autograd_ref.randn(2, 3, 32, 32), autograd_ref.tensor([3, 7])
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    assert loss.grad_fn.name() == "NllLossBackward0" or loss.dim() == 0
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None for g in grads)
    assert all(bool(autograd_ref.isfinite(g).all()) for g in grads)
    assert int(model.bn1.num_batches_tracked) == 1
    model.eval()
    with autograd_ref.no_grad():
        assert model(x).shape == (2, 10)


def test_resnet18_downsample_and_zero_init_residual():
    model = resnet18(num_classes=3, zero_init_residual=True)
    assert model.layer1[0].downsample is None
    assert isinstance(model.layer2[0].downsample, nn.Sequential)
    assert model.layer2[0].downsample[0].stride == (2, 2)
    assert bool((model.layer3[1].bn2.weight == 0).all())
    assert model.fc.out_features == 3


# ---- derivatives against finite differences ---------------------------------------------------------

def _leaf(*shape, seed=0):
    return autograd_ref.from_numpy(numpy.random.default_rng(seed).standard_normal(shape)).requires_grad_()


CONV_SETTINGS = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), padding=(1, 2), dilation=(2, 1)),
    dict(padding="same", dilation=2),
    dict(padding=1, groups=2),
]


@pytest.mark.parametrize("settings", CONV_SETTINGS, ids=str)
def test_conv2d_gradcheck_and_gradgradcheck(settings):
    groups = settings.get("groups", 1)
    x, w, b = _leaf(1, 4, 5, 4, seed=1), _leaf(2, 4 // groups, 3, 2, seed=2), _leaf(2, seed=3)

    def f(x, w, b):
        return F.conv2d(x, w, b, **settings)
    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))


POOLS = {
    "max_pool2d": lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
    "max_pool2d-dilated": lambda x: F.max_pool2d(x, 2, 1, 1, dilation=2),
    "avg_pool2d": lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    "adaptive_avg_pool2d": lambda x: F.adaptive_avg_pool2d(x, (3, 4)),
    "unfold": lambda x: F.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
    "fold": lambda x: F.fold(x, (4, 6), 2, stride=(1, 2), padding=(1, 0)),
}


@pytest.mark.parametrize("name", sorted(POOLS))
def test_pooling_gradcheck_and_gradgradcheck(name):
    x = _leaf(1, 2, 7, 6, seed=4) if name != "fold" else _leaf(1, 8, 15, seed=4)
    assert gradcheck(POOLS[name], (x,))
    assert gradgradcheck(POOLS[name], (x,))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3, 3, 2, 2)])
def test_batch_norm_gradcheck_and_gradgradcheck(training, shape):
    x, w, b = _leaf(*shape, seed=5), _leaf(3, seed=6), _leaf(3, seed=7)
    mean, var = autograd_ref.zeros(3, dtype=autograd_ref.float64), autograd_ref.ones(3, dtype=autograd_ref.float64)

    def f(x, w, b):
        return F.batch_norm(x, mean.clone(), var.clone(), w, b, training=training)
    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))


# ---- the graph -----------------------------------------------------------------------------------

def test_conv_saves_its_input_and_refuses_it_changed():
    x, w = _leaf(1, 2, 5, 5), _leaf(3, 2, 3, 3)
    y = x * 1
    out = F.conv2d(y, w)
    with autograd_ref.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_conv_frees_what_it_saved_after_backward():
    x, w = _leaf(1, 2, 5, 5), _leaf(3, 2, 3, 3)
    out = F.conv2d(x, w)
    node = out.grad_fn
    assert node.columns is not None
    out.sum().backward()
    assert node.columns is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.sum().backward()


def test_no_grad_records_nothing():
    x, w = _leaf(1, 2, 5, 5), _leaf(3, 2, 3, 3)
    with autograd_ref.no_grad():
        outs = [F.conv2d(x, w), F.max_pool2d(x, 2), F.avg_pool2d(x, 2), F.adaptive_avg_pool2d(x, 2),
                F.batch_norm(x, None, None, training=True)]
    assert all(o.grad_fn is None and not o.requires_grad for o in outs)


def test_max_pool_gradient_goes_to_the_first_of_tied_maxima():
    x = autograd_ref.ones(1, 1, 2, 4, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]]


def test_second_derivative_of_a_conv_net():
    """relu is piecewise linear, so the net's Hessian-vector product comes from the
    conv and pooling backward nodes being differentiated."""
    x, w = _leaf(1, 1, 6, 6), _leaf(2, 1, 3, 3)
    out = F.avg_pool2d(F.conv2d(x, w).tanh(), 2).sum()
    (gw,) = autograd_ref.autograd.grad(out, w, create_graph=True)
    (hv,) = autograd_ref.autograd.grad(gw.sum(), w)
    assert hv.shape == w.shape and bool(autograd_ref.isfinite(hv).all())


# ---- the layers --------------------------------------------------------------------------------------

def test_conv2d_default_initialisation():
    autograd_ref.manual_seed(0)
    conv = nn.Conv2d(16, 32, 3)
    bound = 1 / math.sqrt(16 * 9)
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    assert conv.weight.shape == (32, 16, 3, 3) and conv.bias.shape == (32,)
    assert w.min() >= -bound and w.max() <= bound and w.max() > 0.9 * bound and w.min() < -0.9 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound       # uniform(-a, a) has std a/sqrt(3)
    assert b.min() >= -bound and b.max() <= bound
    assert [name for name, _ in conv.named_parameters()] == ["weight", "bias"]
    assert nn.Conv2d(2, 4, 3, bias=False).bias is None


def test_conv2d_module_forward_is_conv2d():
    conv = nn.Conv2d(2, 4, 3, stride=2, padding="same" if False else 1).double()
    x = _leaf(1, 2, 7, 7)
    assert bool((conv(x) == F.conv2d(x, conv.weight, conv.bias, 2, 1)).all())
    assert conv(x).grad_fn.name() == "ConvolutionBackward0"


def test_batchnorm_buffers_and_modes():
    bn = nn.BatchNorm2d(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert bn.num_batches_tracked.dtype == autograd_ref.int64
    x = autograd_ref.randn(4, 3, 2, 2) * 3 + 1
    out = bn(x)
    assert int(bn.num_batches_tracked) == 1
    # Training normalises with the batch's own statistics...
    assert float(out.mean((0, 2, 3)).abs().max()) < 1e-5
    # ...and updates the running ones by momentum, with the unbiased variance.
    mean = x.mean((0, 2, 3))
    var = x.var((0, 2, 3))      # unbiased
    assert bool(autograd_ref.allclose(bn.running_mean, 0.1 * mean, atol=1e-6))
    assert bool(autograd_ref.allclose(bn.running_var, 0.9 + 0.1 * var, atol=1e-5))
    bn.eval()
    before = bn.running_mean.clone()
    out = bn(x)
    assert bool((bn.running_mean == before).all()) and int(bn.num_batches_tracked) == 1
    expected = (x - bn.running_mean.view(1, 3, 1, 1)) / (bn.running_var.view(1, 3, 1, 1) + 1e-5).sqrt()
    assert bool(autograd_ref.allclose(out, expected, atol=1e-5))


def test_batchnorm_without_running_stats_or_affine():
    bn = nn.BatchNorm1d(4, affine=False, track_running_stats=False)
    assert list(bn.state_dict()) == [] and list(bn.parameters()) == []
    bn.eval()
    out = bn(autograd_ref.randn(8, 4))
    assert float(out.mean(0).abs().max()) < 1e-5       # still the batch's statistics


def test_layers_are_exported_where_pytorch_has_them():
    for name in ("Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d"):
        assert hasattr(nn, name), name
    for name in ("conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm", "unfold", "fold"):
        assert name in F.__all__ and callable(getattr(F, name)), name


def test_unfold_and_fold_of_one_unbatched_image():
    x = _leaf(3, 5, 4)
    columns = F.unfold(x, 2, padding=1)
    assert columns.shape == (12, 30)      # 6 x 5 windows
    assert bool((columns == F.unfold(x.unsqueeze(0), 2, padding=1)[0]).all())
    image = F.fold(columns, (5, 4), 2, padding=1)
    assert image.shape == (3, 5, 4)
    image.sum().backward()
    assert x.grad.shape == x.shape


def test_layers_take_a_dtype():
    conv = nn.Conv2d(2, 3, 3, dtype=autograd_ref.float64)
    bn = nn.BatchNorm2d(3, dtype=autograd_ref.float64)
    assert conv.weight.dtype == conv.bias.dtype == bn.weight.dtype == bn.running_var.dtype == autograd_ref.float64
    assert bn.num_batches_tracked.dtype == autograd_ref.int64
    assert bn(conv(_leaf(2, 2, 5, 5))).dtype == autograd_ref.float64
