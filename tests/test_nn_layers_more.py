"""conv1d/Conv1d, group_norm/GroupNorm, interpolate/Upsample and F.pad's
reflect, replicate and circular modes.

Values, gradients, node names, errors and reprs are compared with what
``tests/golden_layers/record.py`` recorded from PyTorch 2.13 (``values.json``;
torch is never imported here). Derivatives are also checked against finite
differences in float64 (``gradcheck``, ``gradgradcheck``).
"""
import os
import sys

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_layers import cases, check  # noqa: E402

import autograd_ref as torch  # noqa: E402
from autograd_ref import nn  # noqa: E402
import autograd_ref.nn.functional as F  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402


def test_every_case_was_recorded():
    assert sorted(check.CASES) == sorted(check.VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_layers/record.py where torch is installed"
    assert sorted(cases.ERRORS) == sorted(check.VALUES["errors"])
    assert sorted(cases.REPRS) == sorted(check.VALUES["reprs"])


@pytest.mark.parametrize("name", sorted(check.VALUES["cases"]))
def test_case_matches_pytorch(name):
    problems = check.compare_case(torch, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(check.VALUES["errors"]))
def test_error_matches_pytorch(name):
    problem = check.compare_error(torch, name)
    assert problem is None, problem


@pytest.mark.parametrize("name", sorted(check.VALUES["reprs"]))
def test_repr_matches_pytorch(name):
    assert repr(cases.REPRS[name](torch)) == check.VALUES["reprs"][name]


# ---- finite differences -------------------------------------------------------------------

def _double(*shape, seed=0):
    rng = numpy.random.default_rng(seed)
    return torch.tensor(rng.standard_normal(shape), requires_grad=True)


GRADCHECKS = {
    "conv1d": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, groups=2), [(2, 4, 7), (2, 2, 3), (2,)]),
    "conv1d-same-even": (lambda x, w: F.conv1d(x, w, padding="same", dilation=1), [(1, 2, 5), (3, 2, 2)]),
    "conv_transpose2d": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(1, 0), output_padding=(1, 0),
                                                            groups=2, dilation=(1, 2)),
                         [(2, 4, 3, 2), (4, 1, 2, 2), (2,)]),
    "conv_transpose2d-unbatched": (lambda x, w: F.conv_transpose2d(x, w, dilation=2, output_padding=1),
                                   [(2, 2, 2), (2, 1, 2, 2)]),
    "conv_transpose1d": (lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, padding=1, output_padding=1, groups=2),
                         [(2, 4, 3), (4, 2, 3), (4,)]),
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
    "interpolate-nearest": (lambda x: F.interpolate(x, scale_factor=1.5), [(1, 2, 3, 4)]),
    "interpolate-nearest-exact": (lambda x: F.interpolate(x, size=5, mode="nearest-exact"), [(2, 1, 3)]),
    "interpolate-linear": (lambda x: F.interpolate(x, size=7, mode="linear"), [(2, 1, 4)]),
    "interpolate-bilinear": (lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"), [(1, 2, 3, 4)]),
    "interpolate-bilinear-align": (lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True),
                                   [(1, 1, 3, 3)]),
    "pad-reflect": (lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), [(1, 2, 3, 4)]),
    "pad-replicate": (lambda x: F.pad(x, (3, -1), mode="replicate"), [(2, 4)]),
    "pad-circular": (lambda x: F.pad(x, (1, 2, 2, 0), mode="circular"), [(2, 3, 4)]),
}
SECOND = ("conv1d", "conv1d-same-even", "conv_transpose2d", "conv_transpose2d-unbatched", "conv_transpose1d",
          "group_norm")      # the others are linear in their input


@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradcheck(name):
    fn, shapes = GRADCHECKS[name]
    inputs = [_double(*s, seed=i) for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs)
    if name in SECOND:
        assert gradgradcheck(fn, inputs)


def test_second_derivative_through_a_linear_map_backward():
    """The backward of interpolate and pad is itself differentiable (create_graph)."""
    x = _double(1, 1, 3, 3)
    g = _double(1, 1, 5, 6, seed=1)
    (gx,) = torch.autograd.grad(F.interpolate(x, size=(5, 6), mode="bilinear"), x, g, create_graph=True)
    (gg,) = torch.autograd.grad(gx.square().sum(), g)
    assert gg.shape == g.shape
    assert gradcheck(lambda g: torch.autograd.grad(F.pad(x, (2, 2, 1, 1), mode="reflect"), x, g,
                                                   create_graph=True)[0], [_double(1, 1, 5, 7, seed=2)])


# ---- the layers ------------------------------------------------------------------------------

def test_layers_are_exported():
    for name in ("Conv1d", "ConvTranspose1d", "ConvTranspose2d", "GroupNorm", "Upsample"):
        assert getattr(nn, name) is getattr(nn.modules, name)
    for name in ("conv1d", "conv_transpose1d", "conv_transpose2d", "group_norm", "interpolate", "pad"):
        assert callable(getattr(F, name)) and name in F.__all__


def test_conv1d_layer_shapes_and_init():
    torch.manual_seed(0)
    m = nn.Conv1d(4, 6, 3, groups=2, dtype=torch.float64)
    assert m.weight.shape == (6, 2, 3) and m.bias.shape == (6,) and m.weight.dtype is torch.float64
    bound = 1 / numpy.sqrt(2 * 3)
    assert float(m.weight.abs().max()) <= bound and float(m.bias.abs().max()) <= bound
    assert m(torch.randn(2, 4, 10, dtype=torch.float64)).shape == (2, 6, 8)
    assert m(torch.randn(4, 10, dtype=torch.float64)).shape == (6, 8)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]


def test_conv_transpose_layer_shapes_and_init():
    torch.manual_seed(0)
    m = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, groups=2, dtype=torch.float64)
    assert m.weight.shape == (4, 3, 3, 3) and m.bias.shape == (6,)
    bound = 1 / numpy.sqrt(3 * 3 * 3)       # fan_in is weight.size(1) * kernel area
    assert float(m.weight.abs().max()) <= bound and float(m.bias.abs().max()) <= bound
    x = torch.randn(2, 4, 5, 5, dtype=torch.float64)
    assert m(x).shape == (2, 6, 9, 9) and m(x, output_size=(10, 10)).shape == (2, 6, 10, 10)
    m1 = nn.ConvTranspose1d(2, 3, 4, stride=2, dtype=torch.float64)
    assert m1(torch.randn(2, 7, dtype=torch.float64)).shape == (3, 16)


def test_conv_transpose_is_the_input_gradient_of_conv():
    x, w = _double(2, 4, 7, 7, seed=1), _double(6, 2, 3, 2, seed=2)
    y = F.conv2d(x, w, stride=2, padding=1, groups=2)
    g = _double(*y.shape, seed=3)
    (want,) = torch.autograd.grad(y, x, g)
    got = F.conv_transpose2d(g, w, stride=2, padding=1, groups=2, output_padding=(0, 1))
    assert got.grad_fn.name() == "ConvolutionBackward0"
    assert numpy.allclose(got.detach().numpy(), want.numpy())


def test_padding_modes_of_conv_layers_pad_then_convolve():
    m = nn.Conv1d(1, 1, 3, padding=1, padding_mode="replicate", bias=False)
    with torch.no_grad():
        m.weight.fill_(1.0)
    assert m(torch.tensor([[[1., 2., 3.]]])).tolist() == [[[4.0, 6.0, 8.0]]]
    m2 = nn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect")
    assert m2(torch.randn(1, 1, 4, 5)).shape == (1, 1, 4, 5)


def test_group_norm_layer_normalises_each_group():
    gn = nn.GroupNorm(2, 4)
    assert gn.weight.tolist() == [1.0] * 4 and gn.bias.tolist() == [0.0] * 4
    out = gn(torch.randn(3, 4, 5) * 3 + 1).detach().reshape(3, 2, 10)
    assert numpy.allclose(out.mean(-1).numpy(), 0, atol=1e-5)
    assert numpy.allclose(out.var(-1, unbiased=False).numpy(), 1, atol=1e-3)
    assert list(nn.GroupNorm(1, 3, affine=False).parameters()) == []


def test_upsample_and_simple_values():
    up = nn.Upsample(scale_factor=2)
    assert list(up.parameters()) == []
    assert up(torch.tensor([[[1., 2.]]])).tolist() == [[[1.0, 1.0, 2.0, 2.0]]]
    assert F.interpolate(torch.tensor([[[1., 2.]]]), scale_factor=2, mode="linear").tolist() == \
        [[[1.0, 1.25, 1.75, 2.0]]]
    assert F.interpolate(torch.tensor([[[1., 3.]]]), size=3, mode="linear", align_corners=True).tolist() == \
        [[[1.0, 2.0, 3.0]]]
    assert F.pad(torch.tensor([[1., 2., 3.]]), (2, 1), mode="reflect").tolist() == [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
    assert F.pad(torch.tensor([[1., 2., 3.]]), (2, 1), mode="replicate").tolist() == [[1.0, 1.0, 1.0, 2.0, 3.0, 3.0]]
    assert F.pad(torch.tensor([[1., 2., 3.]]), (2, 1), mode="circular").tolist() == [[2.0, 3.0, 1.0, 2.0, 3.0, 1.0]]
    assert F.pad(torch.tensor([[1, 2, 3]]), (1, 1), mode="reflect").tolist() == [[2, 1, 2, 3, 2]]


def test_unsupported_options_say_so():
    with pytest.raises(NotImplementedError, match="autograd_ref's interpolate"):
        F.interpolate(torch.zeros(1, 1, 2, 2), size=3, mode="bicubic")
    with pytest.raises(NotImplementedError, match="autograd_ref's interpolate"):
        F.interpolate(torch.zeros(1, 1, 2, 2, 2), size=3)
    with pytest.raises(NotImplementedError, match="last 1 or 2 dims"):
        F.pad(torch.zeros(1, 1, 2, 2, 2), (1, 1, 1, 1, 1, 1), mode="reflect")


def test_padding_and_nearest_interpolation_take_elements_so_a_nan_stays_where_it_is_taken():
    """Reflect and replicate padding and nearest interpolation pick input elements (PyTorch 2.13's values):
    a NaN or an infinity appears only where it is picked, and its gradient is the sum over the picks."""
    x = torch.tensor([[[1., float("nan"), 3., 4.]]], requires_grad=True)
    assert str(F.pad(x, (2, 1), mode="reflect").tolist()) == "[[[3.0, nan, 1.0, nan, 3.0, 4.0, 3.0]]]"
    assert str(F.pad(x, (2, 1), mode="replicate").tolist()) == "[[[1.0, 1.0, 1.0, nan, 3.0, 4.0, 4.0]]]"
    assert str(F.interpolate(x, scale_factor=2, mode="nearest").tolist()) == \
        "[[[1.0, 1.0, nan, nan, 3.0, 3.0, 4.0, 4.0]]]"
    F.pad(x, (2, 1), mode="reflect").backward(torch.arange(7.).reshape(1, 1, 7))
    assert x.grad.tolist() == [[[2.0, 4.0, 10.0, 5.0]]]
    image = torch.tensor([[[[1., 2.], [3., float("inf")]]]], requires_grad=True)
    z = F.interpolate(image, size=(3, 3), mode="nearest")
    assert z.tolist() == [[[[1.0, 1.0, 2.0], [1.0, 1.0, 2.0], [3.0, 3.0, float("inf")]]]]
    z.sum().backward()
    assert image.grad.tolist() == [[[[4.0, 2.0], [2.0, 1.0]]]]


def test_bilinear_interpolation_reads_only_the_neighbours_so_a_nan_stays_local():
    """PyTorch 2.13's values: a NaN reaches only the outputs whose two neighbours along a dim include it (with
    weight 0 too: 0 * NaN is NaN), not the whole row as a product with a dense matrix would."""
    x = torch.tensor([[[[1., float("nan"), 3., 4.], [5., 6., 7., 8.], [9., 10., 11., 12.]]]])
    y = F.interpolate(x, size=(5, 6), mode="bilinear", align_corners=True)[0, 0]
    assert [[v != v for v in row] for row in y.tolist()] == [
        [True, True, True, True, False, False], [True, True, True, True, False, False],
        [False, False, False, False, False, False], [False, False, False, False, False, False],
        [False, False, False, False, False, False]]
    assert y[4].tolist() == pytest.approx([9.0, 9.6, 10.2, 10.8, 11.4, 12.0])
