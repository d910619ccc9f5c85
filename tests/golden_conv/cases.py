"""Golden cases for convolution, pooling, batch norm, ``Net`` and ResNet-18.

Like ``tests/golden/cases.py`` (whose helpers this file reuses), every program is
written once against a module ``lib``: ``record.py`` runs it with ``lib=torch``
and stores what PyTorch gives in ``values.json``; ``tests/test_nn_conv.py`` runs
it with ``lib=autograd_ref`` and compares. Nothing here imports torch.

A case is ``fn(lib, *inputs) -> outputs``; ``second=True`` also records second
derivatives (``autograd.grad(..., create_graph=True)``, then a backward through
that). ``ERRORS`` are calls that PyTorch refuses: the exception's type and
message are recorded and must be the same.
"""
import os
import sys

import numpy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # tests/
from golden.cases import (Case, Input, case_rng, decode_array, encode, make_input,  # noqa: E402,F401
                          run_case)

CASES = []


def X(*shape, grad=True, kind="normal", dtype="float64"):
    return Input(tuple(shape), dtype, grad, kind, None)


def C(*shape, **kw):
    return X(*shape, grad=False, **kw)


def case(name, fn, *inputs, second=False, dtypes=("float64",)):
    """Add a case, once per dtype (``name-f64``, ``name-f32``)."""
    for dtype in dtypes:
        suffix = {"float64": "f64", "float32": "f32"}[dtype]
        typed = tuple(i._replace(dtype=dtype) if i.dtype in ("float64", "float32") else i for i in inputs)
        full = f"{name}-{suffix}"
        assert full not in {c.name for c in CASES}, full
        CASES.append(Case(full, typed, fn, second, True, {}))


BOTH = ("float64", "float32")

# ---- conv2d -------------------------------------------------------------------------------------


def conv(**kw):
    return lambda lib, *t: lib.nn.functional.conv2d(*t, **kw)


case("conv2d", conv(), X(2, 3, 7, 6), X(4, 3, 3, 2), X(4), second=True, dtypes=BOTH)
case("conv2d-stride2-pad1-groups2", conv(stride=2, padding=1, groups=2),
     X(2, 4, 9, 8), X(6, 2, 3, 3), X(6), second=True, dtypes=BOTH)
case("conv2d-depthwise-dilated", conv(stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=4),
     X(1, 4, 10, 9), X(4, 1, 3, 3), second=True)
case("conv2d-nonsquare-kernel", conv(stride=(1, 3), padding=(2, 0)), X(2, 2, 8, 11), X(3, 2, 5, 2), X(3))
case("conv2d-1x1", conv(), X(2, 5, 4, 4), X(3, 5, 1, 1), X(3))
case("conv2d-same", conv(padding="same", dilation=2), X(1, 2, 7, 6), X(3, 2, 3, 3), X(3), second=True)
case("conv2d-same-even-kernel", conv(padding="same"), X(1, 2, 6, 7), X(2, 2, 4, 2), X(2))
case("conv2d-valid", conv(padding="valid"), X(1, 2, 5, 5), X(2, 2, 3, 3))
case("conv2d-unbatched", conv(padding=1), X(3, 5, 5), X(2, 3, 3, 3), X(2))
case("conv2d-weight-only", conv(stride=2), C(2, 3, 6, 6), X(4, 3, 2, 2), C(4))
case("conv2d-input-only", conv(padding=1), X(2, 3, 5, 4), C(2, 3, 3, 3), second=True)
case("conv2d-bias-only", conv(), C(1, 2, 4, 4), C(3, 2, 2, 2), X(3))
case("conv2d-kernel-as-large-as-input", conv(), X(2, 2, 3, 3), X(4, 2, 3, 3), X(4))
case("conv2d-lenet-like", conv(), X(2, 1, 12, 12), X(6, 1, 5, 5), X(6), dtypes=("float32",))

# ---- unfold and fold ------------------------------------------------------------------------------------

case("unfold", lambda lib, x: lib.nn.functional.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
     X(2, 3, 6, 7), second=True)
case("fold", lambda lib, x: lib.nn.functional.fold(x, (5, 6), 3, padding=1, stride=2),
     X(2, 18, 9), second=True)

# ---- max pooling -----------------------------------------------------------------------------------


def max_pool(*args, **kw):
    return lambda lib, x: lib.nn.functional.max_pool2d(x, *args, **kw)


case("max_pool2d-2", max_pool(2), X(2, 3, 8, 6), second=True, dtypes=BOTH)
case("max_pool2d-tuple-odd-size", max_pool((2, 2)), X(1, 2, 7, 9))
case("max_pool2d-3-stride2-pad1", max_pool(3, 2, 1), X(2, 3, 9, 8), second=True)
case("max_pool2d-ceil", max_pool(3, 2, 1, ceil_mode=True), X(2, 3, 8, 8))
case("max_pool2d-ceil-no-pad", max_pool(3, 2, ceil_mode=True), X(1, 2, 8, 7))
case("max_pool2d-dilated-rect", max_pool((2, 3), (1, 2), (1, 1), dilation=2, ceil_mode=True), X(2, 2, 9, 10))
case("max_pool2d-ties", max_pool(2), X(2, 3, 6, 6, kind="ties"))
case("max_pool2d-ties-overlap", max_pool(3, 1, 1), X(2, 2, 6, 5, kind="ties"), second=True)
case("max_pool2d-return-indices", max_pool(3, 2, 1, return_indices=True), X(2, 2, 7, 7, kind="ties"))
case("max_pool2d-unbatched", max_pool(2, return_indices=True), X(3, 6, 5))


def _max_pool_specials(lib, x):
    """NaN wins its window; a window of -inf (or of padding and -inf) keeps -inf."""
    z = x * 1
    mask = lib.zeros(x.shape, dtype=x.dtype)
    mask[0, 0, 0, 1] = float("nan")
    mask[0, 1, :2, :2] = -float("inf")
    return lib.nn.functional.max_pool2d(z + mask, 2, 2, 1, return_indices=True)


case("max_pool2d-nan-and-inf", _max_pool_specials, X(1, 2, 5, 5))

# ---- average pooling -----------------------------------------------------------------------------------


def avg_pool(*args, **kw):
    return lambda lib, x: lib.nn.functional.avg_pool2d(x, *args, **kw)


case("avg_pool2d-2", avg_pool(2), X(2, 3, 8, 6), second=True, dtypes=BOTH)
case("avg_pool2d-3-stride2-pad1", avg_pool(3, 2, 1), X(2, 3, 9, 8), second=True)
case("avg_pool2d-ceil", avg_pool(3, 2, 1, ceil_mode=True), X(2, 2, 8, 8))
case("avg_pool2d-ceil-exclude-pad", avg_pool(3, 2, 1, ceil_mode=True, count_include_pad=False), X(2, 2, 8, 8))
case("avg_pool2d-rect-exclude-pad", avg_pool((2, 3), (1, 2), (1, 1), count_include_pad=False), X(1, 2, 7, 8))
case("avg_pool2d-ceil-no-pad", avg_pool(3, 2, 0, ceil_mode=True), X(1, 2, 8, 7))
case("avg_pool2d-divisor-override", avg_pool(3, 2, 1, divisor_override=5), X(1, 2, 7, 7))
case("avg_pool2d-unbatched", avg_pool(2, 1), X(2, 4, 5))

# ---- adaptive average pooling ------------------------------------------------------------------------


def adaptive(size):
    return lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, size)


case("adaptive_avg_pool2d-1", adaptive((1, 1)), X(2, 3, 5, 4), dtypes=BOTH)
case("adaptive_avg_pool2d-3x2", adaptive((3, 2)), X(2, 3, 9, 7), second=True)
case("adaptive_avg_pool2d-4-none", adaptive((4, None)), X(1, 2, 9, 7))
case("adaptive_avg_pool2d-5", adaptive(5), X(1, 2, 9, 7))
case("adaptive_avg_pool2d-larger", adaptive((6, 4)), X(1, 2, 4, 3))
case("adaptive_avg_pool2d-unbatched", adaptive(2), X(3, 5, 5))

# ---- batch norm ---------------------------------------------------------------------------------


def bn(training, momentum=0.1, eps=1e-5, stats=True, affine=True):
    """F.batch_norm on the inputs (x, weight, bias, running_mean, running_var);
    the outputs are the result and the running statistics afterwards."""
    def fn(lib, x, w, b, mean, var):
        var = var.abs() + 0.5
        mean, var = mean.clone(), var.clone()
        out = lib.nn.functional.batch_norm(
            x, mean if stats else None, var if stats else None, w if affine else None,
            b if affine else None, training, momentum, eps)
        return (out, mean, var) if stats else out
    return fn


def bn_inputs(*shape):
    c = shape[1]
    return (X(*shape), X(c), X(c), C(c), C(c))


case("batch_norm-train-4d", bn(True), *bn_inputs(3, 4, 3, 5), second=True, dtypes=BOTH)
case("batch_norm-eval-4d", bn(False), *bn_inputs(3, 4, 3, 5), second=True, dtypes=BOTH)
case("batch_norm-train-2d", bn(True, momentum=0.3), *bn_inputs(5, 3), second=True)
case("batch_norm-eval-2d", bn(False, eps=1e-3), *bn_inputs(5, 3))
case("batch_norm-train-3d", bn(True), *bn_inputs(2, 3, 4))
case("batch_norm-train-no-stats", bn(True, stats=False), *bn_inputs(4, 2, 3, 3), second=True)
case("batch_norm-train-no-affine", bn(True, affine=False), *bn_inputs(4, 2, 3, 3), second=True)
case("batch_norm-eval-no-affine", bn(False, affine=False), *bn_inputs(4, 2, 3, 3))
case("batch_norm-train-two-values", bn(True), *bn_inputs(2, 3))


def _bn_module(lib, x, w, b):
    """BatchNorm2d over three steps with momentum=None (a plain average of the
    batches), then eval."""
    m = lib.nn.BatchNorm2d(4, momentum=None).double()
    with lib.no_grad():
        m.weight.copy_(w)
        m.bias.copy_(b)
    outs = [m(x), m(x * 2 + 1), m(0.5 - x)]
    m.eval()
    outs.append(m(x))
    return tuple(outs) + (m.running_mean, m.running_var, m.num_batches_tracked)


case("BatchNorm2d-momentum-none", _bn_module, X(3, 4, 2, 3), X(4), X(4))


def _bn1d_module(lib, x):
    m = lib.nn.BatchNorm1d(3, affine=False, track_running_stats=False).double()
    train = m(x)
    m.eval()
    return train, m(x)     # no running statistics: eval uses the batch's too


case("BatchNorm1d-no-running-stats", _bn1d_module, X(4, 3, 5))

# ---- modules and the seed's Net ----------------------------------------------------------------


def _conv_module(lib, x, w, b):
    m = lib.nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=1, groups=2).double()
    with lib.no_grad():
        m.weight.copy_(w)
        m.bias.copy_(b)
    return m(x)


case("Conv2d-module", _conv_module, X(2, 2, 6, 5), X(4, 1, 3, 2), X(4))


def _pool_modules(lib, x):
    nn = lib.nn
    return (nn.MaxPool2d(3, 2, 1)(x), nn.AvgPool2d(2, ceil_mode=True)(x),
            nn.AdaptiveAvgPool2d((2, 3))(x), nn.MaxPool2d(2, return_indices=True)(x))


case("pooling-modules", _pool_modules, X(2, 3, 7, 7))


def make_net(lib):
    """The seed's LeNet-style ``Net``, as a learner writes it."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

        def num_flat_features(self, x):
            size = x.size()[1:]
            num_features = 1
            for s in size:
                num_features *= s
            return num_features

    return Net()


def fixed_weights(lib, model, seed):
    """Load weights drawn by numpy from ``seed`` and each key's name, the same
    in every library: weights scaled by 1/sqrt(fan_in), batch norm scales near
    1, running variances positive."""
    import zlib
    state = {}
    for key, value in model.state_dict().items():
        shape = tuple(value.shape)
        rng = numpy.random.default_rng([seed, zlib.crc32(key.encode())])
        if key.endswith("num_batches_tracked"):
            state[key] = lib.tensor(0)
            continue
        a = rng.standard_normal(shape)
        if key.endswith("running_var"):
            a = 0.5 + numpy.abs(a)
        elif key.endswith("running_mean") or key.endswith("bias"):
            a = 0.1 * a
        elif len(shape) == 1:           # a batch norm's weight
            a = 1 + 0.1 * a
        else:
            a = a / numpy.sqrt(numpy.prod(shape[1:]))
        state[key] = lib.tensor(a, dtype=value.dtype)
    model.load_state_dict(state)
    return model


def grad_summary(g, full=3000):
    """A gradient as stored: whole when small, else its sum, its sum of
    squares and its first 8 elements."""
    g = g.cpu().numpy()
    if g.size <= full:
        return {"array": g.copy()}
    return {"sum": float(g.sum()), "sum_sq": float((g * g).sum()), "head": g.reshape(-1)[:8].copy()}


def run_net(lib, x, target):
    """Net on one (1, 1, 32, 32) image: output, loss and every parameter's gradient."""
    net = fixed_weights(lib, make_net(lib).double(), 1)
    out = net(lib.tensor(x))
    loss = lib.nn.functional.mse_loss(out, lib.tensor(target))
    net.zero_grad()
    loss.backward()
    return {"output": out.detach().cpu().numpy().copy(), "loss": loss.item(), "grad_fn": type(out.grad_fn).__name__,
            "grads": {name: grad_summary(p.grad) for name, p in net.named_parameters()},
            "repr": repr(net)}


def resnet_input():
    """ResNet's input and output gradient, drawn rather than stored (the file
    keeps their sums, to notice if numpy ever draws differently)."""
    rng = numpy.random.default_rng(3)
    return rng.standard_normal((2, 3, 64, 64)), rng.standard_normal((2, 10))


def run_resnet(lib, model):
    """One training-mode forward and backward of ResNet-18 with fixed weights,
    then an eval-mode forward with the updated running statistics."""
    x, grad_out = resnet_input()
    model = fixed_weights(lib, model.double(), 2)
    model.train()
    out = model(lib.tensor(x))
    out.backward(lib.tensor(grad_out))
    result = {"input_sums": [float(x.sum()), float(grad_out.sum())],
              "weight_sum": sum(float(v.double().sum()) for v in model.state_dict().values()),
              "train_output": out.detach().cpu().numpy().copy(), "grad_fn": type(out.grad_fn).__name__,
              "grads": {name: grad_summary(p.grad, full=600) for name, p in model.named_parameters()}}
    result["running"] = {k: v.cpu().numpy().copy() for k, v in model.state_dict().items()
                         if k in ("bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_var")}
    model.eval()
    with lib.no_grad():
        result["eval_output"] = model(lib.tensor(x)).cpu().numpy().copy()
    return result


# ---- what PyTorch refuses --------------------------------------------------------------------


def _t(lib, *shape, dtype=None):
    return lib.zeros(*shape, dtype=dtype or lib.float64)


ERRORS = {
    "conv2d-2d-input": lambda lib: lib.nn.functional.conv2d(_t(lib, 3, 5), _t(lib, 1, 1, 3, 3)),
    "conv2d-channels": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 3, 8, 8), _t(lib, 6, 1, 5, 5)),
    "conv2d-groups-channels": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 4, 8, 8), _t(lib, 6, 1, 3, 3),
                                                                   groups=2),
    "conv2d-groups-out": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 2, 8, 8), _t(lib, 3, 1, 3, 3),
                                                              groups=2),
    "conv2d-bias-size": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 8, 8), _t(lib, 6, 1, 5, 5),
                                                             _t(lib, 3)),
    "conv2d-kernel-too-large": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4), _t(lib, 6, 1, 5, 5)),
    "conv2d-kernel-too-large-dilated": lambda lib: lib.nn.functional.conv2d(
        _t(lib, 1, 1, 6, 6), _t(lib, 1, 1, 3, 3), padding=1, dilation=4),
    "conv2d-3d-weight": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4), _t(lib, 1, 3, 3)),
    "conv2d-negative-padding": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4), _t(lib, 1, 1, 3, 3),
                                                                    padding=-1),
    "conv2d-zero-stride": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4), _t(lib, 1, 1, 3, 3),
                                                               stride=0),
    "conv2d-zero-dilation": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4), _t(lib, 1, 1, 3, 3),
                                                                 dilation=0),
    "conv2d-stride-three-values": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4),
                                                                       _t(lib, 1, 1, 3, 3), stride=(1, 1, 1)),
    "conv2d-same-strided": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4), _t(lib, 1, 1, 3, 3),
                                                                stride=2, padding="same"),
    "conv2d-bad-padding-string": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4),
                                                                      _t(lib, 1, 1, 3, 3), padding="full"),
    "conv2d-dtypes": lambda lib: lib.nn.functional.conv2d(_t(lib, 1, 1, 4, 4),
                                                          _t(lib, 1, 1, 3, 3, dtype=lib.float32)),
    "Conv2d-groups": lambda lib: lib.nn.Conv2d(3, 6, 3, groups=2),
    "Conv2d-out-groups": lambda lib: lib.nn.Conv2d(4, 6, 3, groups=4),
    "Conv2d-zero-groups": lambda lib: lib.nn.Conv2d(4, 6, 3, groups=0),
    "Conv2d-padding-string": lambda lib: lib.nn.Conv2d(4, 6, 3, padding="full"),
    "Conv2d-same-strided": lambda lib: lib.nn.Conv2d(4, 6, 3, stride=2, padding="same"),
    "Conv2d-padding-mode": lambda lib: lib.nn.Conv2d(4, 6, 3, padding_mode="mirror"),
    "max_pool2d-2d-input": lambda lib: lib.nn.functional.max_pool2d(_t(lib, 4, 4), 2),
    "max_pool2d-pad-too-large": lambda lib: lib.nn.functional.max_pool2d(_t(lib, 1, 1, 8, 8), 2, padding=2),
    "max_pool2d-output-too-small": lambda lib: lib.nn.functional.max_pool2d(_t(lib, 1, 1, 2, 2), 3),
    "max_pool2d-zero-stride": lambda lib: lib.nn.functional.max_pool2d(_t(lib, 1, 1, 4, 4), 2, 0),
    "max_pool2d-kernel-three-values": lambda lib: lib.nn.functional.max_pool2d(_t(lib, 1, 1, 4, 4), (2, 2, 2)),
    "avg_pool2d-pad-too-large": lambda lib: lib.nn.functional.avg_pool2d(_t(lib, 1, 1, 8, 8), 3, padding=2),
    "avg_pool2d-output-too-small": lambda lib: lib.nn.functional.avg_pool2d(_t(lib, 1, 1, 2, 2), 3),
    "avg_pool2d-zero-divisor": lambda lib: lib.nn.functional.avg_pool2d(_t(lib, 1, 1, 4, 4), 2,
                                                                        divisor_override=0),
    "batch_norm-one-value-per-channel": lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 1, 3), None, None, training=True),
    "batch_norm-running-mean-size": lambda lib: lib.nn.functional.batch_norm(
        _t(lib, 2, 3), _t(lib, 4), _t(lib, 3)),
    "BatchNorm2d-3d-input": lambda lib: lib.nn.BatchNorm2d(3).double()(_t(lib, 2, 3, 4)),
    "BatchNorm1d-4d-input": lambda lib: lib.nn.BatchNorm1d(3).double()(_t(lib, 2, 3, 4, 4)),
}


def run_error(lib, fn):
    """The type and message of what ``fn(lib)`` raises (None if nothing)."""
    try:
        fn(lib)
    except Exception as e:      # noqa: BLE001 - what is raised is what is recorded
        return {"type": type(e).__name__, "message": str(e)}
    return None


# ---- how modules print ---------------------------------------------------------------------------

REPRS = {
    "Conv2d": lambda lib: lib.nn.Conv2d(1, 6, 5),
    "Conv2d-all": lambda lib: lib.nn.Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 0), dilation=2,
                                            groups=2, bias=False),
    "Conv2d-same": lambda lib: lib.nn.Conv2d(4, 8, 3, padding="same"),
    "Conv2d-valid": lambda lib: lib.nn.Conv2d(4, 8, 3, padding="valid"),
    "MaxPool2d": lambda lib: lib.nn.MaxPool2d(2),
    "MaxPool2d-all": lambda lib: lib.nn.MaxPool2d((3, 2), stride=1, padding=1, dilation=2, ceil_mode=True),
    "AvgPool2d": lambda lib: lib.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
    "AdaptiveAvgPool2d": lambda lib: lib.nn.AdaptiveAvgPool2d((1, 1)),
    "AdaptiveAvgPool2d-int": lambda lib: lib.nn.AdaptiveAvgPool2d(7),
    "BatchNorm1d": lambda lib: lib.nn.BatchNorm1d(10, eps=1e-3, momentum=None, affine=False),
    "BatchNorm2d": lambda lib: lib.nn.BatchNorm2d(64, track_running_stats=False, bias=False),
}
