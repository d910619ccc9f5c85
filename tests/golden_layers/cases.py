"""Golden cases for conv1d/Conv1d, group_norm/GroupNorm, interpolate/Upsample
and F.pad's reflect, replicate and circular modes: small programs written once
against a module ``lib`` (``torch`` when recording, ``autograd_ref`` when
testing). Nothing here imports torch.

The machinery is ``tests/golden_nn``'s (specs, ``run``, ``encode``): a program
is ``fn(lib, T) -> (output, params)``; ``record.py`` stores PyTorch's output,
``grad_fn`` and ``next_functions`` names, the gradients of the inputs and the
parameters after ``backward``, and second derivatives where asked;
``tests/test_nn_layers_more.py`` runs the same programs with autograd_ref.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))     # tests/
from golden_nn.cases import (Case, S, W, decode_array, encode, load, make_arrays, run,  # noqa: E402,F401
                             run_error, with_params)

CASES = []


def case(name, fn, *specs, second=False, dtypes=("float32", "float64")):
    """Add the case once per float dtype (``name-f32``, ``name-f64``)."""
    for dt in dtypes:
        full = f"{name}-{'f32' if dt == 'float32' else 'f64'}"
        assert full not in {c.name for c in CASES}, full
        CASES.append(Case(full, "layers_more", fn,
                          tuple(s._replace(dtype=dt) if s.dtype == "F" else s for s in specs), second))


def F(lib):
    return lib.nn.functional


# ---- conv1d and Conv1d ------------------------------------------------------------------

def conv1d(**kw):
    return lambda lib, T: (F(lib).conv1d(T["x"], T["w"], T.get("b"), **kw), {})


case("conv1d", conv1d(), S("x", (2, 3, 7)), S("w", (4, 3, 3)), S("b", (4,)), second=True)
case("conv1d-stride2-pad1-groups", conv1d(stride=2, padding=1, groups=2),
     S("x", (2, 4, 9)), S("w", (6, 2, 3)), S("b", (6,)), second=True)
case("conv1d-dilated-depthwise", conv1d(padding=2, dilation=2, groups=3), S("x", (1, 3, 8)), S("w", (3, 1, 3)))
case("conv1d-same", conv1d(padding="same", dilation=3), S("x", (2, 2, 9)), S("w", (3, 2, 3)), S("b", (3,)))
case("conv1d-same-even", conv1d(padding="same"), S("x", (1, 2, 6)), S("w", (2, 2, 4)), S("b", (2,)))
case("conv1d-valid", conv1d(padding="valid"), S("x", (2, 2, 5)), S("w", (2, 2, 5)))
case("conv1d-tuples", conv1d(stride=(3,), padding=(2,), dilation=(1,)), S("x", (2, 2, 10)), S("w", (1, 2, 2)))
case("conv1d-unbatched", conv1d(padding=1), S("x", (3, 6)), S("w", (2, 3, 3)), S("b", (2,)))
case("conv1d-weight-only", conv1d(stride=2), S("x", (2, 3, 8), grad=False), S("w", (4, 3, 2)))
case("conv1d-input-only", conv1d(padding=1), S("x", (2, 3, 5)), W("w", (2, 3, 3)))


def _conv1d_module(kw):
    def fn(lib, T):
        m = lib.nn.Conv1d(T["w"].shape[1] * kw.get("groups", 1), T["w"].shape[0], T["w"].shape[2], **kw)
        load(lib, m, T, **({"weight": "w", "bias": "b"} if kw.get("bias", True) else {"weight": "w"}))
        return m(T["x"]), with_params(m)
    return fn


case("Conv1d", _conv1d_module(dict(stride=2, padding=1)), S("x", (2, 3, 8)), W("w", (4, 3, 3)), W("b", (4,)))
case("Conv1d-nobias-groups", _conv1d_module(dict(groups=2, bias=False, dilation=2)), S("x", (1, 4, 9)),
     W("w", (2, 2, 3)))
for _mode in ("reflect", "replicate", "circular"):
    case(f"Conv1d-{_mode}", _conv1d_module(dict(padding=2, padding_mode=_mode)), S("x", (2, 2, 6)),
         W("w", (3, 2, 3)), W("b", (3,)))
case("Conv1d-same-reflect", _conv1d_module(dict(padding="same", padding_mode="reflect")), S("x", (2, 2, 6)),
     W("w", (3, 2, 4)), W("b", (3,)))
case("Conv2d-circular", lambda lib, T: _conv2d_circular(lib, T), S("x", (1, 2, 5, 6)), W("w", (3, 2, 3, 2)),
     W("b", (3,)))


def _conv2d_circular(lib, T):
    m = load(lib, lib.nn.Conv2d(2, 3, (3, 2), padding=(1, 2), padding_mode="circular"), T, weight="w", bias="b")
    return m(T["x"]), with_params(m)


# ---- conv_transpose1d/2d and ConvTranspose1d/2d -------------------------------------------

def conv_transpose(dims, **kw):
    return lambda lib, T: (getattr(F(lib), f"conv_transpose{dims}d")(T["x"], T["w"], T.get("b"), **kw), {})


case("conv_transpose2d", conv_transpose(2), S("x", (2, 3, 4, 5)), S("w", (3, 2, 3, 3)), S("b", (2,)), second=True)
case("conv_transpose2d-all", conv_transpose(2, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2,
                                            dilation=(1, 2)),
     S("x", (2, 4, 3, 4)), S("w", (4, 3, 2, 3)), S("b", (6,)), second=True)
case("conv_transpose2d-outpad-dilation", conv_transpose(2, dilation=2, output_padding=1),
     S("x", (1, 2, 3, 3)), S("w", (2, 1, 3, 3)))
case("conv_transpose2d-unbatched", conv_transpose(2, stride=2, padding=1), S("x", (2, 3, 3)), S("w", (2, 3, 3, 3)),
     S("b", (3,)))
case("conv_transpose2d-weight-only", conv_transpose(2, stride=2), S("x", (2, 2, 3, 3), grad=False),
     S("w", (2, 2, 2, 2)))
case("conv_transpose2d-input-only", conv_transpose(2, padding=1), S("x", (2, 2, 3, 4)), W("w", (2, 3, 3, 3)))
case("conv_transpose1d", conv_transpose(1), S("x", (2, 3, 6)), S("w", (3, 4, 3)), S("b", (4,)), second=True)
case("conv_transpose1d-all", conv_transpose(1, stride=3, padding=2, output_padding=2, groups=2, dilation=2),
     S("x", (2, 4, 5)), S("w", (4, 1, 3)), S("b", (2,)), second=True)
case("conv_transpose1d-unbatched", conv_transpose(1, stride=2), S("x", (3, 4)), S("w", (3, 2, 2)), S("b", (2,)))


def _conv_transpose_module(cls, output_size=None, **kw):
    def fn(lib, T):
        w = T["w"]
        m = getattr(lib.nn, cls)(w.shape[0], w.shape[1] * kw.get("groups", 1), tuple(w.shape[2:]), **kw)
        load(lib, m, T, **({"weight": "w", "bias": "b"} if kw.get("bias", True) else {"weight": "w"}))
        return m(T["x"], output_size=output_size), with_params(m)
    return fn


case("ConvTranspose2d", _conv_transpose_module("ConvTranspose2d", stride=2, padding=1, output_padding=1),
     S("x", (2, 3, 4, 4)), W("w", (3, 2, 3, 3)), W("b", (2,)))
case("ConvTranspose2d-output-size", _conv_transpose_module("ConvTranspose2d", (8, 7), stride=2, padding=1),
     S("x", (1, 2, 4, 4)), W("w", (2, 3, 3, 3)), W("b", (3,)))
case("ConvTranspose2d-nobias-groups", _conv_transpose_module("ConvTranspose2d", [1, 4, 4, 4], groups=2,
                                                             bias=False, dilation=2),
     S("x", (1, 4, 2, 2)), W("w", (4, 2, 2, 2)))
case("ConvTranspose1d", _conv_transpose_module("ConvTranspose1d", stride=3, padding=1, dilation=2),
     S("x", (2, 2, 5)), W("w", (2, 3, 3)), W("b", (3,)))
case("ConvTranspose1d-output-size-unbatched", _conv_transpose_module("ConvTranspose1d", (11,), stride=2),
     S("x", (2, 5)), W("w", (2, 3, 2)), W("b", (3,)))


# ---- group_norm and GroupNorm -------------------------------------------------------------

def group_norm(groups, affine=True, **kw):
    return lambda lib, T: (F(lib).group_norm(T["x"], groups, T.get("w"), T.get("b"), **kw), {})


case("group_norm", group_norm(2), S("x", (3, 4, 5)), S("w", (4,)), S("b", (4,)), second=True)
case("group_norm-4d", group_norm(3, eps=1e-3), S("x", (2, 6, 3, 4)), S("w", (6,)), S("b", (6,)))
case("group_norm-plain", group_norm(1), S("x", (2, 3, 4)), second=True)
case("group_norm-per-channel", group_norm(4), S("x", (2, 4, 3, 2)), S("w", (4,)))
case("group_norm-2d", group_norm(2), S("x", (3, 4)), S("w", (4,)), S("b", (4,)))


def _group_norm_module(*args, **kw):
    def fn(lib, T):
        m = lib.nn.GroupNorm(*args, **kw)
        names = {k: v for k, v in (("weight", "w"), ("bias", "b")) if v in T}
        if names:
            load(lib, m, T, **names)
        else:
            m.to(T["x"].dtype)
        return m(T["x"]), with_params(m)
    return fn


case("GroupNorm", _group_norm_module(2, 6), S("x", (2, 6, 5)), W("w", (6,)), W("b", (6,)))
case("GroupNorm-no-affine", _group_norm_module(3, 6, affine=False), S("x", (2, 6, 2, 3)))
case("GroupNorm-no-bias", _group_norm_module(2, 4, eps=0.1, bias=False), S("x", (3, 4, 4)), W("w", (4,)))

# ---- interpolate and Upsample -------------------------------------------------------------
# (they and pad are linear in the input: no second derivatives to compare)


def interp(**kw):
    return lambda lib, T: (F(lib).interpolate(T["x"], **kw), {})


INTERPOLATIONS = {
    "nearest-size": dict(size=7), "nearest-down": dict(size=3), "nearest-scale3": dict(scale_factor=3),
    "nearest-scale1.7": dict(scale_factor=1.7), "nearest-scale0.6": dict(scale_factor=0.6),
    "nearest-exact-size": dict(size=7, mode="nearest-exact"), "nearest-exact-down": dict(size=3, mode="nearest-exact"),
    "nearest-exact-scale1.5": dict(scale_factor=1.5, mode="nearest-exact"),
    "linear-size": dict(size=9, mode="linear"), "linear-down": dict(size=3, mode="linear"),
    "linear-scale2": dict(scale_factor=2, mode="linear"), "linear-scale1.3": dict(scale_factor=1.3, mode="linear"),
    "linear-align-size": dict(size=9, mode="linear", align_corners=True),
    "linear-align-down": dict(size=2, mode="linear", align_corners=True),
    "linear-align-one": dict(size=1, mode="linear", align_corners=True),
    "linear-align-scale2.5": dict(scale_factor=2.5, mode="linear", align_corners=True),
    "linear-recompute": dict(scale_factor=1.3, mode="linear", recompute_scale_factor=True),
}
for _name, _kw in INTERPOLATIONS.items():
    case(f"interpolate-1d-{_name}", interp(**_kw), S("x", (2, 3, 5)))

INTERPOLATIONS_2D = {
    "nearest-size": dict(size=(5, 7)), "nearest-down": dict(size=(2, 3)), "nearest-scale2": dict(scale_factor=2),
    "nearest-scales": dict(scale_factor=(1.5, 0.7)),
    "nearest-exact-size": dict(size=(7, 3), mode="nearest-exact"),
    "nearest-exact-scale": dict(scale_factor=(2.5, 1.2), mode="nearest-exact"),
    "bilinear-size": dict(size=(6, 9), mode="bilinear"), "bilinear-down": dict(size=(3, 2), mode="bilinear"),
    "bilinear-scale2": dict(scale_factor=2, mode="bilinear"),
    "bilinear-scales": dict(scale_factor=(1.7, 0.8), mode="bilinear"),
    "bilinear-align-size": dict(size=(6, 9), mode="bilinear", align_corners=True),
    "bilinear-align-scale": dict(scale_factor=(2, 1.5), mode="bilinear", align_corners=True),
    "bilinear-recompute": dict(scale_factor=(1.7, 0.8), mode="bilinear", recompute_scale_factor=True),
}
for _name, _kw in INTERPOLATIONS_2D.items():
    case(f"interpolate-2d-{_name}", interp(**_kw), S("x", (2, 2, 4, 5)))


def _upsample(**kw):
    return lambda lib, T: (lib.nn.Upsample(**kw)(T["x"]), {})


case("Upsample-nearest", _upsample(scale_factor=2), S("x", (1, 2, 3, 4)))
case("Upsample-bilinear", _upsample(size=(5, 6), mode="bilinear", align_corners=True), S("x", (1, 2, 3, 4)))
case("Upsample-linear", _upsample(scale_factor=1.5, mode="linear"), S("x", (2, 2, 4)))

# ---- pad: reflect, replicate, circular ------------------------------------------------------


def pad(amounts, mode):
    return lambda lib, T: (F(lib).pad(T["x"], amounts, mode=mode), {})


PADS = {"1d": ((2, 3), (2, 3, 5)), "1d-unbatched": ((1, 2), (3, 5)), "2d": ((1, 2, 3, 0), (2, 2, 4, 5)),
        "2d-unbatched": ((2, 1, 1, 2), (2, 4, 5)), "1d-cut": ((-1, 2), (2, 3, 5)),
        "2d-cut": ((2, -1, -1, 3), (1, 2, 4, 5)), "1d-wide": ((4, 4), (1, 2, 5))}
for _mode in ("reflect", "replicate", "circular"):
    for _name, (_amounts, _shape) in PADS.items():
        case(f"pad-{_mode}-{_name}", pad(_amounts, _mode), S("x", _shape))
case("pad-replicate-far", pad((7, 6, 5, 8), "replicate"), S("x", (1, 1, 3, 2)))
case("pad-circular-full", pad((5, 5), "circular"), S("x", (1, 2, 5)))


# ---- errors: the exception's type and message must be PyTorch's ------------------------------------

def _t(lib, *shape):
    return lib.zeros(*shape)


ERRORS = {
    "conv1d-4d-input": lambda lib: F(lib).conv1d(_t(lib, 2, 4, 5, 6), _t(lib, 4, 4, 3)),
    "conv1d-channels": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 2, 3)),
    "conv1d-groups-channels": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 6, 1, 3), groups=2),
    "conv1d-bias-size": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), _t(lib, 3)),
    "conv1d-kernel-too-large": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 9)),
    "conv1d-2d-weight": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3)),
    "conv1d-4d-weight": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3, 3)),
    "conv1d-stride-two-values": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), stride=(1, 1)),
    "conv1d-padding-two-values": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), padding=(1, 1)),
    "conv1d-bad-padding-string": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), padding="full"),
    "conv1d-same-strided": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), stride=2, padding="same"),
    "conv1d-zero-stride": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), stride=0),
    "conv1d-negative-padding": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), padding=-1),
    "conv1d-zero-dilation": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3), dilation=0),
    "conv1d-dtypes": lambda lib: F(lib).conv1d(_t(lib, 2, 3, 7), _t(lib, 4, 3, 3).double()),
    "Conv1d-groups": lambda lib: lib.nn.Conv1d(3, 4, 3, groups=2),
    "Conv1d-padding-string": lambda lib: lib.nn.Conv1d(3, 4, 3, padding="full"),
    "Conv1d-same-strided": lambda lib: lib.nn.Conv1d(3, 4, 3, stride=2, padding="same"),
    "Conv1d-padding-mode": lambda lib: lib.nn.Conv1d(3, 4, 3, padding_mode="mirror"),
    "conv_transpose1d-4d-input": lambda lib: F(lib).conv_transpose1d(_t(lib, 2, 4, 5, 6), _t(lib, 4, 3, 3)),
    "conv_transpose2d-5d-input": lambda lib: F(lib).conv_transpose2d(_t(lib, 1, 2, 4, 5, 6), _t(lib, 4, 3, 3, 3)),
    "conv_transpose2d-channels": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 3, 5, 5), _t(lib, 4, 3, 3, 3)),
    "conv_transpose2d-groups": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 3, 5, 5), _t(lib, 3, 3, 3, 3),
                                                                   groups=2),
    "conv_transpose2d-bias-size": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 4, 5, 5), _t(lib, 4, 3, 3, 3),
                                                                      _t(lib, 4)),
    "conv_transpose2d-output-padding": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 4, 5, 5), _t(lib, 4, 3, 3, 3),
                                                                           stride=2, output_padding=2),
    "conv_transpose1d-output-padding": lambda lib: F(lib).conv_transpose1d(_t(lib, 2, 4, 5), _t(lib, 4, 3, 3),
                                                                           stride=2, output_padding=2),
    "conv_transpose2d-negative-padding": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 4, 5, 5),
                                                                             _t(lib, 4, 3, 3, 3), padding=-1),
    "conv_transpose2d-negative-output-padding": lambda lib: F(lib).conv_transpose2d(
        _t(lib, 2, 4, 5, 5), _t(lib, 4, 3, 3, 3), output_padding=-1),
    "conv_transpose2d-zero-stride": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 4, 5, 5), _t(lib, 4, 3, 3, 3),
                                                                        stride=0),
    "conv_transpose2d-stride-three-values": lambda lib: F(lib).conv_transpose2d(
        _t(lib, 2, 4, 5, 5), _t(lib, 4, 3, 3, 3), stride=(1, 1, 1)),
    "conv_transpose2d-3d-weight": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 4, 5, 5), _t(lib, 4, 3, 3)),
    "conv_transpose2d-dtypes": lambda lib: F(lib).conv_transpose2d(_t(lib, 2, 4, 5, 5), _t(lib, 4, 3, 3, 3).double()),
    "ConvTranspose2d-padding-mode": lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect"),
    "ConvTranspose1d-padding-mode": lambda lib: lib.nn.ConvTranspose1d(3, 4, 3, padding_mode="circular"),
    "ConvTranspose2d-groups": lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, groups=2),
    "ConvTranspose2d-output-size-range": lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, stride=2)(
        _t(lib, 1, 3, 5, 5), output_size=(20, 20)),
    "ConvTranspose2d-output-size-length": lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, stride=2)(
        _t(lib, 1, 3, 5, 5), output_size=(1, 2, 3)),
    "ConvTranspose1d-output-size-length": lambda lib: lib.nn.ConvTranspose1d(3, 4, 3, stride=2)(
        _t(lib, 3, 5), output_size=(1, 2, 3)),
    "group_norm-groups": lambda lib: F(lib).group_norm(_t(lib, 2, 4, 5), 3),
    "group_norm-zero-groups": lambda lib: F(lib).group_norm(_t(lib, 2, 4, 5), 0),
    "group_norm-weight-size": lambda lib: F(lib).group_norm(_t(lib, 2, 4, 5), 2, _t(lib, 3)),
    "group_norm-1d": lambda lib: F(lib).group_norm(_t(lib, 4), 1),
    "group_norm-one-value": lambda lib: F(lib).group_norm(_t(lib, 1, 2), 2),
    "GroupNorm-divisible": lambda lib: lib.nn.GroupNorm(3, 4),
    "interpolate-no-size": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4)),
    "interpolate-both": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), size=3, scale_factor=2),
    "interpolate-align-nearest": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), size=3, align_corners=True),
    "interpolate-size-dims": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), size=(3, 4, 5)),
    "interpolate-scale-dims": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), scale_factor=(2, 3, 4)),
    "interpolate-linear-4d": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), size=3, mode="linear"),
    "interpolate-bilinear-3d": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3), size=3, mode="bilinear"),
    "interpolate-2d-input": lambda lib: F(lib).interpolate(_t(lib, 2, 3), size=3),
    "interpolate-bad-mode": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), size=3, mode="foo"),
    "interpolate-zero-size": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), size=0),
    "interpolate-small-scale": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), scale_factor=0.1),
    "interpolate-negative-scale-1d": lambda lib: F(lib).interpolate(_t(lib, 2, 3, 4), scale_factor=-1),
    "interpolate-recompute-size": lambda lib: F(lib).interpolate(_t(lib, 2, 3, 4), size=3,
                                                                 recompute_scale_factor=True),
    "interpolate-antialias-nearest": lambda lib: F(lib).interpolate(_t(lib, 1, 2, 3, 4), size=3, antialias=True),
    "interpolate-linear-long": lambda lib: F(lib).interpolate(_t(lib, 2, 3, 4).long(), size=3, mode="linear"),
    "Upsample-both": lambda lib: lib.nn.Upsample(size=3, scale_factor=2)(_t(lib, 1, 2, 3)),
    "pad-bogus-mode": lambda lib: F(lib).pad(_t(lib, 2, 3, 4), (1, 1), mode="bogus"),
    "pad-reflect-too-wide": lambda lib: F(lib).pad(_t(lib, 2, 3, 7), (7, 1), mode="reflect"),
    "pad-reflect-too-high": lambda lib: F(lib).pad(_t(lib, 2, 3, 4, 5), (1, 1, 4, 1), mode="reflect"),
    "pad-reflect-unbatched": lambda lib: F(lib).pad(_t(lib, 3, 5), (5, 1), mode="reflect"),
    "pad-circular-wraps-twice": lambda lib: F(lib).pad(_t(lib, 2, 3, 4, 5), (1, 1, 5, 1), mode="circular"),
    "pad-odd-length": lambda lib: F(lib).pad(_t(lib, 2, 3, 4), (1,), mode="reflect"),
    "pad-size-2-on-4d": lambda lib: F(lib).pad(_t(lib, 2, 3, 4, 5), (1, 2), mode="replicate"),
    "pad-size-4-on-2d": lambda lib: F(lib).pad(_t(lib, 3, 5), (1, 2, 1, 1), mode="circular"),
    "pad-empty-dim": lambda lib: F(lib).pad(_t(lib, 2, 3, 0), (1, 1), mode="replicate"),
    "pad-empty-dim-2d": lambda lib: F(lib).pad(_t(lib, 2, 3, 0, 4), (1, 1, 1, 1), mode="reflect"),
    "pad-reflect-value": lambda lib: F(lib).pad(_t(lib, 2, 3, 4), (1, 1), mode="reflect", value=1.0),
}

REPRS = {
    "Conv1d": lambda lib: lib.nn.Conv1d(3, 4, 3),
    "Conv1d-all": lambda lib: lib.nn.Conv1d(4, 8, 3, stride=2, padding=1, dilation=2, groups=2, bias=False,
                                            padding_mode="circular"),
    "Conv1d-same": lambda lib: lib.nn.Conv1d(3, 4, 3, padding="same"),
    "Conv1d-valid": lambda lib: lib.nn.Conv1d(3, 4, 3, padding="valid"),
    "Conv2d-reflect": lambda lib: lib.nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"),
    "ConvTranspose2d": lambda lib: lib.nn.ConvTranspose2d(3, 4, 3),
    "ConvTranspose2d-all": lambda lib: lib.nn.ConvTranspose2d(4, 8, (3, 2), stride=2, padding=1, output_padding=1,
                                                              groups=2, bias=False, dilation=2),
    "ConvTranspose1d": lambda lib: lib.nn.ConvTranspose1d(3, 4, 5, stride=3, output_padding=2),
    "GroupNorm": lambda lib: lib.nn.GroupNorm(2, 4),
    "GroupNorm-options": lambda lib: lib.nn.GroupNorm(1, 3, eps=0.1, affine=False),
    "GroupNorm-no-bias": lambda lib: lib.nn.GroupNorm(1, 3, bias=False),
    "Upsample-scale": lambda lib: lib.nn.Upsample(scale_factor=2, mode="bilinear"),
    "Upsample-scales": lambda lib: lib.nn.Upsample(scale_factor=(2, 3)),
    "Upsample-size": lambda lib: lib.nn.Upsample(size=(3, 4)),
    "Upsample-size-int": lambda lib: lib.nn.Upsample(size=4, mode="linear", align_corners=True),
}
