"""The golden cases: small programs written once against a module ``lib``.

Each program runs with ``lib=torch`` in ``record.py`` (which stores what PyTorch
gives in ``values.json``) and with ``lib=autograd_ref`` in ``tests/test_golden.py``
(which compares). Nothing here imports torch.

A case is ``fn(lib, *inputs) -> outputs``: the inputs are leaf tensors built from
fixed arrays, the outputs a tensor, a tuple of tensors, or (for programs that run
their own backward) a dict of named tensors and numbers. ``run_case`` is the one
procedure both sides use: forward, then ``backward`` with fixed random gradients,
then (for ``second=True``) second derivatives with ``autograd.grad(...,
create_graph=True)``.

Where autograd_ref knowingly records a different node than PyTorch, the case says
so in ``known`` (check name -> reason) and the test skips only that check.
"""
import zlib
from collections import namedtuple

import numpy

SEED = 20240611

# ---- the table ---------------------------------------------------------------

Input = namedtuple("Input", "shape dtype grad kind values")
Case = namedtuple("Case", "name inputs fn second backward known")
CASES = []

# Checks a case may mark as a known difference.
CHECKS = ("grad_fn", "next_functions")


def X(shape=(2, 3), dtype="F", grad=True, kind="normal", values=None):
    """One input: random of ``kind`` (normal, positive, away (|x| in [0.5, 2]),
    unit, ties, int, bool) or fixed ``values``. ``dtype="F"`` is filled in by
    ``both``."""
    if values is not None:
        shape = numpy.shape(values)
    return Input(tuple(shape), dtype, grad, kind, values)


def C(*inputs, **kw):
    """A no-grad input (a constant)."""
    return X(*inputs, grad=False, **kw)


def case(name, fn, *inputs, second=False, backward=True, known=None):
    """Add one case (inputs with dtype ``"F"`` become float64)."""
    inputs = tuple(i._replace(dtype="float64") if i.dtype == "F" else i for i in inputs)
    for check in known or {}:
        assert check in CHECKS, check
    assert name not in {c.name for c in CASES}, name
    CASES.append(Case(name, inputs, fn, second, backward, dict(known or {})))


def both(name, fn, *inputs, **kw):
    """Add the case twice: float64 (``name-f64``) and float32 (``name-f32``)."""
    for suffix, dtype in (("f64", "float64"), ("f32", "float32")):
        case(f"{name}-{suffix}", fn,
             *(i._replace(dtype=dtype) if i.dtype == "F" else i for i in inputs), **kw)


# ---- arithmetic ----------------------------------------------------------------

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}
for op, f in BINARY.items():
    den = "away" if op == "div" else "normal"
    both(f"{op}-same", lambda lib, x, y, f=f: f(x, y), X((2, 3)), X((2, 3), kind=den), second=op in ("mul", "div"))
    both(f"{op}-bcast-row", lambda lib, x, y, f=f: f(x, y), X((2, 3)), X((3,), kind=den), second=op == "div")
    both(f"{op}-bcast-col", lambda lib, x, y, f=f: f(x, y), X((2, 1)), X((1, 3), kind=den))
    both(f"{op}-bcast-3d", lambda lib, x, y, f=f: f(x, y), X((2, 1, 3)), X((4, 1), kind=den))
    both(f"{op}-bcast-left", lambda lib, x, y, f=f: f(x, y), X((3,), kind=den), X((2, 3), kind=den))
    both(f"{op}-0dim", lambda lib, x, y, f=f: f(x, y), X((2, 3)), X((), kind=den))
    both(f"{op}-scalar-right", lambda lib, x, f=f: f(x, 2.5), X((2, 3)))
    both(f"{op}-scalar-left", lambda lib, x, f=f: f(2.5, x), X((2, 3), kind=den))
    both(f"{op}-int-scalar-right", lambda lib, x, f=f: f(x, 3), X((2, 3)))
    both(f"{op}-int-scalar-left", lambda lib, x, f=f: f(3, x), X((2, 3), kind=den))
    both(f"{op}-const-other", lambda lib, x, y, f=f: f(x, y), X((2, 3)), C((2, 3), kind=den))
    both(f"{op}-const-self", lambda lib, x, y, f=f: f(x, y), C((2, 3)), X((3,), kind=den))
    both(f"{op}-same-tensor", lambda lib, x, f=f: f(x, x), X((2, 3), kind="away"))

both("add-fn-alpha", lambda lib, x, y: lib.add(x, y, alpha=2), X(), X((3,)))
both("add-method-alpha", lambda lib, x, y: x.add(y, alpha=-0.5), X(), X())
both("sub-fn-alpha", lambda lib, x, y: lib.sub(x, y, alpha=3), X(), X((2, 1)))
both("mul-fn", lambda lib, x, y: lib.mul(x, y), X(), X((3,)))
both("div-fn", lambda lib, x, y: lib.div(x, y), X(), X(kind="away"))
both("neg", lambda lib, x: -x, X())
both("neg-fn", lambda lib, x: lib.neg(x), X())
both("chain-arith", lambda lib, x, y: (x * y + 1) / (y * y + 2) - x, X(), X(), second=True)

# ---- powers ----------------------------------------------------------------------

both("pow-2", lambda lib, x: x ** 2, X(), second=True)
both("pow-3", lambda lib, x: x ** 3, X(), second=True)
both("pow-half", lambda lib, x: x ** 0.5, X(kind="positive"), second=True)
both("pow-minus1", lambda lib, x: x ** -1, X(kind="away"), second=True)
both("pow-0", lambda lib, x: x ** 0, X())
both("pow-1.5", lambda lib, x: x ** 1.5, X(kind="positive"), second=True)
both("pow-2.0-zeros", lambda lib, x: x ** 2.0, X(values=[0., 1., -2., 0.]), second=True)
both("pow-fn", lambda lib, x: lib.pow(x, 3), X())
both("pow-method", lambda lib, x: x.pow(2.5), X(kind="positive"))
both("square", lambda lib, x: lib.square(x), X())
both("pow-tensor", lambda lib, x, y: x ** y, X(kind="positive"), X(), second=True)
both("pow-tensor-bcast", lambda lib, x, y: x ** y, X((2, 3), kind="positive"), X((3,)))
both("pow-tensor-0dim-const", lambda lib, x, y: x ** y, X(kind="positive"), C(values=2.0))
both("pow-tensor-zeros", lambda lib, x, y: lib.pow(x, y),
     X(values=[0., 0., 0., 2., 1.]), X(values=[2., 0., 1., 0., 3.]))
both("rpow-2", lambda lib, x: 2 ** x, X(), second=True)
both("rpow-half", lambda lib, x: 0.5 ** x, X())
both("rpow-0", lambda lib, x: 0 ** x, X(values=[0., 1., 2.5]))
both("rpow-fn", lambda lib, x: lib.pow(3.0, x), X())

# ---- functions of one tensor -------------------------------------------------------

UNARY = [
    ("exp", lambda lib, x: lib.exp(x), "normal", True),
    ("log", lambda lib, x: lib.log(x), "positive", True),
    ("sin", lambda lib, x: lib.sin(x), "normal", True),
    ("cos", lambda lib, x: lib.cos(x), "normal", True),
    ("tanh", lambda lib, x: lib.tanh(x), "normal", True),
    ("sigmoid", lambda lib, x: lib.sigmoid(x), "normal", True),
    ("relu", lambda lib, x: lib.relu(x), "ties", False),
    ("sqrt", lambda lib, x: lib.sqrt(x), "positive", True),
    ("rsqrt", lambda lib, x: lib.rsqrt(x), "positive", True),
    ("reciprocal", lambda lib, x: lib.reciprocal(x), "away", True),
    ("abs", lambda lib, x: lib.abs(x), "ties", False),
    ("sign", lambda lib, x: lib.sign(x), "ties", False),
    ("floor", lambda lib, x: lib.floor(x), "normal", False),
    ("ceil", lambda lib, x: lib.ceil(x), "normal", False),
    ("round", lambda lib, x: lib.round(x), "normal", False),
]
for name, fn, kind, second in UNARY:
    both(name, fn, X((2, 3), kind=kind), second=second)
both("exp-method", lambda lib, x: x.exp(), X((4,)))
both("log-method", lambda lib, x: x.log(), X((4,), kind="positive"))
both("abs-operator", lambda lib, x: abs(x), X((4,)))
both("sigmoid-extreme", lambda lib, x: x.sigmoid(), X(values=[-50., -5., 0., 5., 50.]), second=True)
both("tanh-extreme", lambda lib, x: x.tanh(), X(values=[-30., -1., 0., 1., 30.]))
both("exp-0dim", lambda lib, x: x.exp(), X(()), second=True)
both("log1p", lambda lib, x: lib.log1p(x), X((2, 3), kind="positive"), second=True)
both("log1p-method", lambda lib, x: x.log1p(), X(values=[1e-10, 0.5, 3.0]))
both("expm1", lambda lib, x: lib.expm1(x), X((2, 3)), second=True)
both("expm1-method", lambda lib, x: x.expm1(), X(values=[-1e-10, 0.0, 2.0]))
both("silu", lambda lib, x: lib.nn.functional.silu(x), X((2, 3)), second=True)
both("silu-extreme", lambda lib, x: lib.nn.functional.silu(x), X(values=[-100., -5., 0., 5., 100.]))
both("elu", lambda lib, x: lib.nn.functional.elu(x), X((2, 3), kind="away"), second=True)
both("elu-alpha", lambda lib, x: lib.nn.functional.elu(x, alpha=0.5), X((2, 3), kind="away"))
both("leaky-relu", lambda lib, x: lib.nn.functional.leaky_relu(x), X((2, 3), kind="away"))   # piecewise linear, as relu
both("leaky-relu-slope", lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2), X((2, 3), kind="away"))
both("softplus", lambda lib, x: lib.nn.functional.softplus(x), X((2, 3)), second=True)
both("softplus-beta-threshold", lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=1.0),
     X(values=[-3., -0.2, 0.2, 0.6, 3.]))
both("softplus-extreme", lambda lib, x: lib.nn.functional.softplus(x), X(values=[-100., -5., 0., 19., 25.]))
both("erf", lambda lib, x: lib.erf(x), X((2, 3)), second=True)
both("atan2", lambda lib, y, x: lib.atan2(y, x), X((2, 3)), X((2, 3)), second=True)
both("atan2-method-broadcast", lambda lib, y, x: y.atan2(x), X((2, 3)), X((3,)))
both("gelu", lambda lib, x: lib.nn.functional.gelu(x), X((2, 3)), second=True)
both("gelu-tanh", lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"), X((2, 3)), second=True)
both("gelu-module", lambda lib, x: lib.nn.GELU()(x), X(values=[-30., -3., 0., 3., 30.]))
both("hardtanh", lambda lib, x: lib.nn.functional.hardtanh(x), X(values=[-2., -1., -0.5, 0.5, 1., 2.]))
both("hardtanh-range", lambda lib, x: lib.nn.functional.hardtanh(x, -0.5, 2.0), X((2, 3)))
both("activation-modules", lambda lib, x: (lib.nn.SiLU()(x), lib.nn.ELU(0.7)(x), lib.nn.LeakyReLU(0.3)(x),
                                           lib.nn.Softplus(1.5)(x), lib.nn.Hardtanh(-0.3, 0.4)(x)),
     X((2, 3), kind="away"))
both("sin-cos-chain", lambda lib, x: lib.sin(lib.cos(x)) * lib.exp(-x * x), X(), second=True)
case("exp-int", lambda lib, i: lib.exp(i), C((4,), dtype="int64", kind="int"))
case("sqrt-int", lambda lib, i: lib.sqrt(i), C((4,), dtype="int64", values=[0, 1, 4, 9]))
case("sigmoid-int", lambda lib, i: lib.sigmoid(i), C((4,), dtype="int64", kind="int"))

# ---- clamp, maximum, minimum, where ---------------------------------------------------

both("clamp-both", lambda lib, x: lib.clamp(x, -1, 1), X((3, 4), kind="ties"))
both("clamp-min", lambda lib, x: x.clamp(min=0), X((3, 4), kind="ties"))
both("clamp-max", lambda lib, x: x.clamp(max=0.5), X((3, 4)))
both("clamp-float-bounds", lambda lib, x: lib.clamp(x, min=-0.5, max=0.75), X((3, 4)))
both("clip", lambda lib, x: lib.clip(x, -1, 1), X((3, 4), kind="ties"))
both("clamp-tensor-bounds", lambda lib, x, lo, hi: x.clamp(lo, hi), X((3, 4)), C((4,), values=[-1., 0., -0.5, -2.]),
     C((4,), values=[1., 0.5, 0., 2.]))
both("clamp-tensor-min-grad", lambda lib, x, lo: x.clamp(min=lo), X((3, 4), kind="ties"), X((4,), kind="ties"))
both("clamp-tensor-max-grad", lambda lib, x, hi: lib.clamp(x, max=hi), X((3, 4), kind="ties"), X((3, 1), kind="ties"))
both("clamp-tensor-both-grad", lambda lib, x, lo, hi: x.clamp(lo, hi), X((3, 4)), X((4,), values=[-1., 0., 0.5, -2.]),
     X((4,), values=[1., 0.5, 0., 2.]))
both("maximum-ties", lambda lib, x, y: lib.maximum(x, y), X((3, 4), kind="ties"), X((3, 4), kind="ties"))
both("minimum-ties", lambda lib, x, y: lib.minimum(x, y), X((3, 4), kind="ties"), X((3, 4), kind="ties"))
both("maximum-bcast", lambda lib, x, y: lib.maximum(x, y), X((3, 4), kind="ties"), X((4,), kind="ties"))
both("minimum-bcast", lambda lib, x, y: x.minimum(y), X((3, 1), kind="ties"), X((4,), kind="ties"))
both("maximum-same-tensor", lambda lib, x: lib.maximum(x, x), X((3,)))
both("max-binary", lambda lib, x, y: lib.max(x, y), X((3, 4), kind="ties"), X((3, 4), kind="ties"))
both("min-binary", lambda lib, x, y: lib.min(x, y), X((3, 4), kind="ties"), X((3, 4), kind="ties"))
both("where", lambda lib, c, x, y: lib.where(c, x, y), C((2, 3), dtype="bool", kind="bool"), X(), X())
both("where-bcast", lambda lib, c, x, y: lib.where(c, x, y), C((2, 3), dtype="bool", kind="bool"), X((2, 1)), X((3,)))
both("where-scalar", lambda lib, x: lib.where(x > 0, x, 0.0), X())
both("where-scalar-left", lambda lib, x: lib.where(x > 0, 1.0, x), X())
both("where-abs", lambda lib, x: lib.where(x > 0, x, -x), X(), second=True)
both("masked_fill", lambda lib, x: x.masked_fill(x > 0, 0.5), X())
both("masked_fill-bcast-mask", lambda lib, x, m: lib.masked_fill(x, m, -1.0), X(), C((3,), dtype="bool", kind="bool"))
both("masked_fill-mask-grows", lambda lib, x, m: x.masked_fill(m, 2.0), X((3,)), C((2, 3), dtype="bool", kind="bool"))
both("masked_fill-tensor-value", lambda lib, x, v: x.masked_fill(x < 0, v), X(), X(()), second=True)

# ---- comparisons, logic, integer division (no gradients) -------------------------------

for name, f in {"gt": lambda x, y: x > y, "ge": lambda x, y: x >= y, "lt": lambda x, y: x < y,
                "le": lambda x, y: x <= y, "eq": lambda x, y: x == y, "ne": lambda x, y: x != y}.items():
    case(f"cmp-{name}", lambda lib, x, y, f=f: f(x, y), X((3, 4), kind="ties"), X((3, 4), kind="ties"))
    case(f"cmp-{name}-scalar", lambda lib, x, f=f: f(x, 0.0), X((3, 4), kind="ties"))
case("cmp-int-float", lambda lib, i, x: i < x, C((4,), dtype="int64", kind="int"), C((4,), dtype="float32"))
case("cmp-fn", lambda lib, x, y: (lib.eq(x, y), lib.ne(x, y), lib.lt(x, y), lib.le(x, y), lib.gt(x, y), lib.ge(x, y)),
     C((5,), kind="ties"), C((5,), kind="ties"))
case("logical", lambda lib, a, b: (lib.logical_and(a, b), lib.logical_or(a, b), lib.logical_xor(a, b),
                                   lib.logical_not(a)),
     C((6,), dtype="bool", kind="bool"), C((6,), dtype="bool", kind="bool"))
case("bitwise-bool", lambda lib, a, b: (a & b, a | b, a ^ b, ~a),
     C((6,), dtype="bool", kind="bool"), C((6,), dtype="bool", kind="bool"))
case("bitwise-int", lambda lib, a, b: (a & b, a | b, a ^ b, ~a),
     C((6,), dtype="int64", kind="int"), C((6,), dtype="int64", kind="int"))
case("isnan-isinf", lambda lib, x: (lib.isnan(x), lib.isinf(x), lib.isfinite(x)),
     C(dtype="float64", values=[0., float("nan"), float("inf"), -float("inf"), 1.]))
case("floordiv-int", lambda lib, a, b: (a // b, a % b, lib.floor_divide(a, 2), lib.remainder(a, -3)),
     C((6,), dtype="int64", values=[-7, -3, 0, 3, 7, 8]), C((6,), dtype="int64", values=[2, -2, 3, 2, -3, 3]))
case("floordiv-float", lambda lib, x: (x // 0.5, x % 0.75, lib.div(x, 0.3, rounding_mode="floor"),
                                       lib.div(x, 0.3, rounding_mode="trunc")), C((6,), dtype="float64"))
case("all-any", lambda lib, b, x: (b.all(), b.any(), lib.all(b, 1), lib.any(b, dim=0, keepdim=True), x.all(), x.any(1)),
     C((3, 4), dtype="bool", kind="bool"), C((3, 4), dtype="float64", kind="ties"))
case("close", lambda lib, x, y: (lib.isclose(x, y), lib.allclose(x, y), lib.equal(x, x), lib.equal(x, y),
                                 x.isclose(y, rtol=0.1, atol=0.5)), C((4,), dtype="float64"), C((4,), dtype="float64"))
case("int-ops", lambda lib, i: (i.sum(), i * 2, i - 1, -i, i.max(), i.argmax(), i.view(2, 2), i[1:], i.t() if i.dim() == 2 else i),
     C((4,), dtype="int64", kind="int"))
both("remainder-grad", lambda lib, x: x % 1.5, X())
both("remainder-tensor-grad", lambda lib, x, y: lib.remainder(x, y), X(), X(kind="away"))
both("div-rounding-grad", lambda lib, x, y: (lib.div(x, y, rounding_mode="floor"), x.div(0.3, rounding_mode="trunc")),
     X(), X((3,), kind="away"))          # DivBackward2: zero gradients
both("floordiv-grad", lambda lib, x: x // 0.5, X())           # NotImplemented: backward raises
both("floordiv-tensor-grad", lambda lib, x, y: lib.floor_divide(x, y), X(), X(kind="away"))
case("rfloordiv", lambda lib, x: 7 // x, X((4,), kind="away"))
both("remainder-tensor-bcast", lambda lib, x, y: x % y, X(), X((3,), kind="away"))

# ---- reductions --------------------------------------------------------------------------

both("sum", lambda lib, x: x.sum(), X((3, 4)))
both("sum-fn", lambda lib, x: lib.sum(x), X((3, 4)))
both("sum-dim0", lambda lib, x: x.sum(0), X((3, 4)))
both("sum-dim1-keepdim", lambda lib, x: x.sum(1, keepdim=True), X((3, 4)))
both("sum-neg-dim", lambda lib, x: x.sum(dim=-1), X((2, 3, 4)))
both("sum-dims", lambda lib, x: x.sum((0, 2)), X((2, 3, 4)))
both("sum-dims-keepdim", lambda lib, x: lib.sum(x, dim=(0, 2), keepdim=True), X((2, 3, 4)))
both("sum-0dim", lambda lib, x: x.sum(), X(()))
case("sum-dtype", lambda lib, x: x.sum(dtype=lib.float64), X((3, 4), dtype="float32"))
case("sum-int", lambda lib, i: (i.sum(), i.sum(0)), C((3, 4), dtype="int64", kind="int"))
case("sum-bool", lambda lib, b: (b.sum(), b.sum(1)), C((3, 4), dtype="bool", kind="bool"))
both("prod", lambda lib, x: x.prod(), X((2, 3), kind="away"), second=True)
both("prod-fn-dim1", lambda lib, x: lib.prod(x, 1), X((3, 4), kind="away"), second=True)
both("prod-dim0-keepdim", lambda lib, x: x.prod(0, keepdim=True), X((3, 4)))
both("prod-neg-dim", lambda lib, x: x.prod(dim=-1), X((2, 3, 4)))
both("prod-one-zero", lambda lib, x: x.prod(), X(values=[[1.5, 0.0, -2.0], [0.5, 3.0, 1.0]]))
both("prod-zeros-by-row", lambda lib, x: x.prod(1),
     X(values=[[1.5, 0.0, -2.0], [0.0, 0.0, 2.0], [0.5, 3.0, 1.0]]))
case("prod-int", lambda lib, i: (i.prod(), i.prod(0)), C((3, 2), dtype="int64", kind="int"))
case("prod-dtype", lambda lib, x: x.prod(dtype=lib.float64), X((3,), dtype="float32"))
both("repeat", lambda lib, x: x.repeat(2, 3), X((2, 3)), second=True)
both("amax", lambda lib, x: x.amax(), X(values=[[1., 3., 3.], [2., 0., 2.]]))
both("amax-dim1", lambda lib, x: lib.amax(x, 1), X(values=[[1., 3., 3.], [2., 0., 2.]]))
both("amax-dims-keepdim", lambda lib, x: x.amax((0, 2), keepdim=True), X((2, 3, 4)))
both("amin-dim0", lambda lib, x: lib.amin(x, dim=0), X(values=[[1., -3., 3.], [1., 0., -3.]]))
both("logsumexp", lambda lib, x: lib.logsumexp(x, 1), X((3, 4)), second=True)
both("logsumexp-dims-keepdim", lambda lib, x: x.logsumexp((0, 1), keepdim=True), X((2, 3, 2)), second=True)
both("logsumexp-extreme", lambda lib, x: lib.logsumexp(x, 0), X(values=[[1000., -1000.], [999., -1001.]]))
both("cumsum", lambda lib, x: lib.cumsum(x, 0), X((3, 4)))
both("cumsum-last", lambda lib, x: x.cumsum(-1), X((2, 3, 4)))
both("cumsum-0dim", lambda lib, x: x.cumsum(0), X(()))
case("cumsum-int", lambda lib, i: i.cumsum(1), C((2, 3), dtype="int64", kind="int"))
both("cumsum-then-square", lambda lib, x: x.cumsum(1) ** 2, X((2, 3)), second=True)
both("outer", lambda lib, a, b: lib.outer(a, b), X((3,)), X((4,)))
both("outer-method-square", lambda lib, a, b: a.outer(b) ** 2, X((2,)), X((3,)), second=True)
# ---- in-place changes to views: CopySlices on the base, AsStridedBackward0 on the views -------------------

def _view_mul(lib, x):
    a = x * 1
    a[1:3].mul_(10)
    return a


def _view_sibling(lib, x):
    a = x * 1
    sibling = a[2:]
    a[1:3].mul_(10)
    return sibling


def _view_value_requires_grad(lib, b, y):
    b = b.clone()
    b[1:].add_(y)
    return b


def _view_transposed(lib, m):
    a = m.clone()
    view = a.t()
    view.mul_(a.t().detach() + 1)
    return a, view


def _view_zeroed(lib, x):
    a = x.clone()
    a.view(2, 2)[0].zero_()
    return a


def _view_copy(lib, x, y):
    a = x * 2
    a[:2].copy_(y)
    return a


def _view_setitem(lib, x, y):
    a = x * 2
    view = a[1:]
    view[0] = y[0]
    return a, view


def _view_then_more(lib, x):
    a = x.exp()
    v = a[::2]
    v.sin_()
    return (a * a).sum(), v


def _base_changed_under_view(lib, x):
    a = x.clone()
    view = a[:2]
    a.mul_(2)                   # the view's values double with its base; so must its gradient
    return view * view


def _base_copied_into_under_view(lib, x, y):
    a = x * 1
    view = a.view(2, 2)
    a.copy_(y)
    return view * 3, a


def _base_setitem_under_view(lib, x, y):
    a = x.exp()
    view = a[1:]
    a[0:2] = y
    return view.sin()


def _view_mul_by_tensor(lib, m, v):
    a = m * 1
    a[:, 0].mul_(v)             # mul_ saves the column's old value: second derivatives go through it
    return a * a


def _unbind_output_changed(lib, x):
    return (x * 2).unbind(0)[0].add_(1)


both("inplace-view-mul", _view_mul, X((4,)), second=True)
both("inplace-view-sibling", _view_sibling, X((4,)))
both("inplace-view-value-requires-grad", _view_value_requires_grad, C((3,)), X((2,)))
both("inplace-view-transposed", _view_transposed, X((2, 3)), second=True)
both("inplace-view-zeroed", _view_zeroed, X((4,)))
both("inplace-view-copy", _view_copy, X((4,)), X((2,)))
both("inplace-view-setitem", _view_setitem, X((4,)), X((2,)))
both("inplace-view-then-more", _view_then_more, X((5,)), second=True)
both("inplace-base-under-view", _base_changed_under_view, X((4,)), second=True)
both("inplace-base-copied-under-view", _base_copied_into_under_view, X((4,)), X((4,)))
both("inplace-base-setitem-under-view", _base_setitem_under_view, X((4,)), X((2,)), second=True)
both("inplace-view-mul-by-tensor", _view_mul_by_tensor, X((2, 3)), X((2,)), second=True)
case("inplace-unbind-output-refused", _unbind_output_changed, X((2, 2)))
case("inplace-view-of-leaf-refused", lambda lib, x: x[1:].mul_(2), X((3,)))

EINSUM = [
    ("matmul", "ij,jk->ik", [(2, 3), (3, 4)]), ("transpose", "ij->ji", [(2, 3)]), ("total", "ij->", [(2, 3)]),
    ("dot", "i,i->", [(3,), (3,)]), ("matvec", "ij,j->i", [(2, 3), (3,)]),
    ("batched", "bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("diagonal", "ii->i", [(3, 3)]), ("trace", "ii", [(3, 3)]),
    ("ellipsis", "...j,j->...", [(2, 3), (3,)]), ("implicit", "ij,kj", [(2, 3), (4, 3)]),
    ("outer", "i,j->ij", [(2,), (3,)]), ("three", "ijk,ikl,ilm->ijm", [(2, 2, 3), (2, 3, 2), (2, 2, 2)]),
    ("rowwise-dot", "bi,bi->b", [(4, 3), (4, 3)]), ("broadcast", "ij,ij->ij", [(2, 3), (1, 3)]),
    ("ellipsis-broadcast", "...ij,...jk", [(2, 1, 2, 3), (5, 3, 2)]), ("diagonal-sum", "iij->j", [(2, 2, 3)]),
]
# PyTorch picks, per equation, which of the same operations (permute, view, mul, sum, bmm) comes last; the
# values, gradients, second derivatives and tangents agree everywhere.
EINSUM_LAST_STEP = {"next_functions": "another operation ends PyTorch's einsum for this equation"}
for label, equation, shapes in EINSUM:
    both(f"einsum-{label}", lambda lib, *xs, equation=equation: lib.einsum(equation, *xs) ** 2,
         *(X(s) for s in shapes), second=True,
         known=EINSUM_LAST_STEP if label in ("broadcast", "diagonal", "ellipsis-broadcast", "outer") else None)
both("einsum-list", lambda lib, a, b: lib.einsum("ij,jk->ik", [a, b]), X((2, 3)), X((3, 2)),
     known=EINSUM_LAST_STEP)
case("einsum-too-few-operands", lambda lib, a: lib.einsum("ij,jk->ik", a), X((2, 3)))
case("einsum-too-many-operands", lambda lib, a, b: lib.einsum("ij", a, b), X((2, 3)), X((3,)))
case("einsum-sizes-differ", lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), X((2, 3)), X((2, 3)))
case("einsum-output-letter-unknown", lambda lib, a: lib.einsum("ij->ik", a), X((2, 3)))
both("tril", lambda lib, x: x.tril(), X((3, 4)))
both("tril-diagonal", lambda lib, x: lib.tril(x, -1), X((2, 3, 3)))
both("triu", lambda lib, x: lib.triu(x), X((4, 3)))
both("triu-diagonal", lambda lib, x: x.triu(1), X((3, 3)))
both("layer-norm", lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4,), w, b), X((3, 4)), X((4,)), X((4,)))
# Second derivatives with a constant bias: PyTorch's one backward node makes the bias's first derivative
# require grad though it does not depend on any input; autograd_ref's does not (its second derivative is 0).
both("layer-norm-second", lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4,), w, b), X((3, 4)), X((4,)),
     C((4,)), second=True)
both("layer-norm-2d-shape", lambda lib, x, w: lib.nn.functional.layer_norm(x, (3, 4), w, eps=1e-3),
     X((2, 3, 4)), X((3, 4)), second=True)
both("xlogy", lambda lib, x, y: lib.xlogy(x, y), X(values=[[0., 1.5, 2.], [0.5, 0., 3.]]), X((2, 3), kind="positive"),
     second=True)
both("xlogy-method-broadcast", lambda lib, x, y: x.xlogy(y), X((3,), kind="positive"), X((2, 3), kind="positive"))
both("smooth-l1", lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y), X(values=[0.2, -2., 1.5, 3.]),
     X(values=[0., 0.5, 0., 1.]), second=True)
both("smooth-l1-beta-sum", lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y, reduction="sum", beta=0.5),
     X((3, 4)), X((3, 4)))
both("smooth-l1-beta0", lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y, beta=0.0), X((3, 4)), C((3, 4)))
both("huber", lambda lib, x, y: lib.nn.functional.huber_loss(x, y), X(values=[0.2, -2., 1.5, 3.]),
     X(values=[0., 0.5, 0., 1.]), second=True)
both("huber-delta-none", lambda lib, x, y: lib.nn.functional.huber_loss(x, y, reduction="none", delta=0.3),
     X((3, 4)), C((3, 4)))
both("kl-div-batchmean", lambda lib, x, t: lib.nn.functional.kl_div(x.log_softmax(1), t, reduction="batchmean"),
     X((3, 4)), X((3, 4), kind="positive"), second=True)
both("kl-div-sum-log-target", lambda lib, x, t: lib.nn.functional.kl_div(x, t, reduction="sum", log_target=True),
     X((3, 4)), X((3, 4)))
both("loss-modules", lambda lib, x, y: (lib.nn.SmoothL1Loss(beta=0.7)(x, y), lib.nn.HuberLoss(delta=0.4)(x, y),
                                        lib.nn.KLDivLoss(reduction="batchmean")(x.log_softmax(1), y.softmax(1))),
     X((3, 4)), X((3, 4)))
both("gather", lambda lib, x, i: x.gather(1, i), X((3, 4)), C(values=[[0, 3], [1, 1], [2, 0]], dtype="int64"))
both("gather-smaller-index", lambda lib, x, i: lib.gather(x, 0, i) ** 2, X((3, 4)),
     C(values=[[2, 0], [1, 2]], dtype="int64"), second=True)
both("index-select", lambda lib, x, i: x.index_select(0, i), X((3, 4)), C(values=[2, 0, 2], dtype="int64"))
both("index-select-last-square", lambda lib, x, i: lib.index_select(x, -1, i) ** 2, X((2, 3, 4)),
     C(values=[3, 1], dtype="int64"), second=True)
both("index-add-alpha", lambda lib, x, i, s: x.index_add(1, i, s, alpha=2.0), X((2, 4)),
     C(values=[3, 0, 3], dtype="int64"), X((2, 3)))
both("scatter-add", lambda lib, x, i, s: x.scatter_add(0, i, s), X((3, 2)),
     C(values=[[0, 1], [0, 2], [2, 2]], dtype="int64"), X((3, 2)))
both("scatter-src", lambda lib, x, i, s: lib.scatter(x, 1, i, s), X((2, 4)),
     C(values=[[3, 0], [1, 2]], dtype="int64"), X((2, 2)))
both("scatter-add-smaller-index", lambda lib, x, i, s: x.scatter_add(1, i, s), X((3, 4)),
     C(values=[[0, 0], [3, 1]], dtype="int64"), C((3, 3)))
both("scatter-value", lambda lib, x, i: x.scatter(0, i, 0.5), X((3, 2)), C(values=[[2, 0]], dtype="int64"))
both("layer-norm-no-affine", lambda lib, x: lib.nn.functional.layer_norm(x, [5]), X((2, 5)), second=True)
both("layer-norm-constant-weight", lambda lib, x, w: lib.nn.functional.layer_norm(x, (4,), w), X((3, 4)), C((4,)))
both("repeat-new-dims", lambda lib, x: x.repeat(2, 1, 3), X((3,)))
both("repeat-ones", lambda lib, x: x.repeat(1, 1), X((2, 3)))
both("repeat-0dim", lambda lib, x: x.repeat(4), X(()))
both("mean", lambda lib, x: x.mean(), X((3, 4)))
both("mean-dim0", lambda lib, x: lib.mean(x, 0), X((3, 4)))
both("mean-dim1-keepdim", lambda lib, x: x.mean(1, keepdim=True), X((3, 4)))
both("mean-dims", lambda lib, x: x.mean((-1, 0)), X((2, 3, 4)))
both("mean-square", lambda lib, x: (x * x).mean(), X((3, 4)), second=True)
both("max-ties", lambda lib, x: x.max(), X((3, 4), values=[[1., 3., 3.], [0., 3., -1.]]))
both("min-ties", lambda lib, x: lib.min(x), X(values=[[1., -3., 3.], [0., -3., -3.]]))
both("max-full", lambda lib, x: x.max(), X((3, 4)))
both("max-dim", lambda lib, x: x.max(1), X((3, 4)))
both("max-dim-ties", lambda lib, x: x.max(dim=1), X(values=[[1., 3., 3.], [2., 2., -1.], [0., 0., 0.]]))
both("max-dim0-keepdim", lambda lib, x: lib.max(x, 0, keepdim=True), X((3, 4), kind="ties"))
both("max-dim-values", lambda lib, x: x.max(-1).values * 2, X((2, 3, 4)))
both("min-dim", lambda lib, x: x.min(0), X((3, 4)))
both("min-dim-ties", lambda lib, x: lib.min(x, 1, keepdim=True), X(values=[[1., -3., -3.], [2., 2., -1.]]))
both("min-dim-indices", lambda lib, x: x.min(dim=-1).indices, C((3, 4), kind="ties"))
case("argmax", lambda lib, x: (x.argmax(), x.argmax(0), x.argmax(1, keepdim=True), lib.argmax(x, dim=-1)),
     C((3, 4), kind="ties"))
case("argmin", lambda lib, x: (x.argmin(), lib.argmin(x, 0), x.argmin(1, keepdim=True)), C((3, 4), kind="ties"))
case("max-int", lambda lib, i: (i.max(), i.max(0), i.min(1)), C((3, 4), dtype="int64", kind="int"))

both("norm", lambda lib, x: x.norm(), X((3, 4)), second=True)
both("norm-fn", lambda lib, x: lib.norm(x), X((3, 4)))
both("norm-fro", lambda lib, x: x.norm("fro"), X((3, 4)))
both("norm-p1", lambda lib, x: x.norm(1), X((3, 4)))
both("norm-p1-dim", lambda lib, x: x.norm(p=1, dim=1), X((3, 4), kind="ties"))
both("norm-p2-dim", lambda lib, x: x.norm(2, dim=0), X((3, 4)), second=True)
both("norm-p2-dim-keepdim", lambda lib, x: x.norm(dim=1, keepdim=True), X((3, 4)))
both("norm-p2-dims", lambda lib, x: lib.norm(x, dim=(0, 2)), X((2, 3, 4)))
both("norm-p3", lambda lib, x: x.norm(3), X((3, 4)), second=True)
both("norm-p3-dim", lambda lib, x: x.norm(p=3, dim=0, keepdim=True), X((3, 4)))
both("norm-inf", lambda lib, x: x.norm(float("inf")), X((3, 4)))
both("norm-inf-ties", lambda lib, x: x.norm(float("inf")), X(values=[[1., -3., 3.], [0., 3., -1.]]))
both("norm-inf-dim-ties", lambda lib, x: x.norm(p=float("inf"), dim=1),
     X(values=[[1., -3., 3.], [0., 2., -1.], [-2., 2., 2.]]))
both("norm-zero-row", lambda lib, x: x.norm(dim=1), X(values=[[0., 0., 0.], [3., 0., -4.]]))
both("norm-p1-zero", lambda lib, x: x.norm(1, dim=0), X(values=[[0., 1., -2.], [0., 0., 3.]]))

both("var", lambda lib, x: x.var(), X((3, 4)), second=True)
both("var-dim", lambda lib, x: x.var(1), X((3, 4)))
both("var-dim0-keepdim", lambda lib, x: x.var(0, keepdim=True), X((3, 4)))
both("var-correction0", lambda lib, x: x.var(correction=0), X((3, 4)))
both("var-correction2-dim", lambda lib, x: lib.var(x, 1, correction=2), X((3, 4)))
both("var-unbiased-false", lambda lib, x: x.var(1, unbiased=False), X((3, 4)))
both("var-dims", lambda lib, x: x.var((0, 2)), X((2, 3, 4)))
both("std", lambda lib, x: x.std(), X((3, 4)), second=True)
both("std-dim", lambda lib, x: x.std(0), X((3, 4)))
both("std-dim-keepdim", lambda lib, x: lib.std(x, dim=1, keepdim=True), X((3, 4)))
both("std-correction0", lambda lib, x: x.std(1, correction=0), X((3, 4)))
both("std-unbiased-false", lambda lib, x: x.std(unbiased=False), X((3, 4)))

both("softmax-dim0", lambda lib, x: x.softmax(0), X((3, 4)), second=True)
both("softmax-dim1", lambda lib, x: lib.softmax(x, dim=1), X((3, 4)), second=True)
both("softmax-neg-dim-3d", lambda lib, x: lib.softmax(x, -1), X((2, 3, 4)))
both("softmax-3d-dim1", lambda lib, x: x.softmax(dim=1), X((2, 3, 4)))
both("softmax-large", lambda lib, x: x.softmax(-1), X(values=[[1000., 1001., 1002.], [-5., 0., 5.]]))
both("log-softmax-dim1", lambda lib, x: x.log_softmax(1), X((3, 4)), second=True)
both("log-softmax-dim0", lambda lib, x: lib.log_softmax(x, dim=0), X((3, 4)), second=True)
both("log-softmax-3d", lambda lib, x: x.log_softmax(-2), X((2, 3, 4)))
both("log-softmax-large", lambda lib, x: x.log_softmax(-1), X(values=[[1000., 1001., 1002.], [-5., 0., 5.]]))

# ---- matrix products ----------------------------------------------------------------------

both("matmul-1d-1d", lambda lib, a, b: a @ b, X((4,)), X((4,)), second=True)
both("matmul-2d-1d", lambda lib, a, b: a @ b, X((3, 4)), X((4,)))
both("matmul-1d-2d", lambda lib, a, b: a @ b, X((3,)), X((3, 4)))
both("matmul-2d-2d", lambda lib, a, b: a @ b, X((3, 4)), X((4, 2)), second=True)
both("matmul-3d-3d", lambda lib, a, b: a @ b, X((2, 3, 4)), X((2, 4, 5)))
both("matmul-3d-2d", lambda lib, a, b: a @ b, X((2, 3, 4)), X((4, 5)), second=True)
both("matmul-2d-3d", lambda lib, a, b: lib.matmul(a, b), X((3, 4)), X((2, 4, 5)))
both("matmul-3d-1d", lambda lib, a, b: a @ b, X((2, 3, 4)), X((4,)))
both("matmul-1d-3d", lambda lib, a, b: a @ b, X((4,)), X((2, 4, 5)))
both("matmul-4d-4d-bcast", lambda lib, a, b: a @ b, X((2, 1, 3, 4)), X((1, 2, 4, 5)))
both("matmul-4d-2d", lambda lib, a, b: a @ b, X((2, 2, 3, 4)), X((4, 5)))
both("matmul-3d-3d-bcast", lambda lib, a, b: a @ b, X((1, 3, 4)), X((2, 4, 5)))
both("matmul-method", lambda lib, a, b: a.matmul(b), X((3, 4)), X((4,)))
both("matmul-const", lambda lib, a, b: a @ b, X((3, 4)), C((4, 2)))
both("matmul-t", lambda lib, a, b: a.t() @ b, X((4, 3)), X((4, 2)))
both("mm", lambda lib, a, b: lib.mm(a, b), X((3, 4)), X((4, 2)), second=True)
both("mm-method", lambda lib, a, b: a.mm(b), X((2, 2)), X((2, 3)))
both("bmm", lambda lib, a, b: lib.bmm(a, b), X((2, 3, 4)), X((2, 4, 2)), second=True)
both("mv", lambda lib, a, b: lib.mv(a, b), X((3, 4)), X((4,)), second=True)
both("dot", lambda lib, a, b: lib.dot(a, b), X((5,)), X((5,)))
both("dot-method", lambda lib, a, b: a.dot(b), X((3,)), C((3,)))
both("mlp", lambda lib, x, w1, w2: (x @ w1).relu() @ w2, C((4, 3)), X((3, 5)), X((5, 2)))
both("mlp-tanh", lambda lib, x, w1, w2: ((x @ w1).tanh() @ w2).sum(), C((4, 3)), X((3, 5)), X((5, 2)), second=True)

# ---- shapes ---------------------------------------------------------------------------------

both("view", lambda lib, x: x.view(3, 2), X())
both("view-infer", lambda lib, x: x.view(-1), X((2, 3, 2)))
both("view-tuple", lambda lib, x: x.view((2, -1, 1)), X((2, 3, 2)))
both("view-as", lambda lib, x, y: x.view_as(y), X(), C((3, 2)))
both("reshape", lambda lib, x: x.reshape(3, 2), X())
both("reshape-fn", lambda lib, x: lib.reshape(x, (6,)), X())
both("reshape-noncontig", lambda lib, x: x.t().reshape(6), X())
both("reshape-as", lambda lib, x, y: x.reshape_as(y), X(), C((6,)))
both("transpose", lambda lib, x: x.transpose(0, 1), X())
both("transpose-3d", lambda lib, x: lib.transpose(x, -1, 0), X((2, 3, 4)))
both("t", lambda lib, x: x.t(), X())
both("swapaxes", lambda lib, x: lib.swapaxes(x, 0, 2), X((2, 3, 4)))
both("concat", lambda lib, x, y: lib.concat([x, y], 1), X(), X((2, 1)))
both("t-1d", lambda lib, x: x.t(), X((3,)))
both("t-fn", lambda lib, x: lib.t(x), X())
both("T", lambda lib, x: x.T, X())
both("T-3d", lambda lib, x: x.T, X((2, 3, 4)))
both("mT", lambda lib, x: x.mT, X((2, 3, 4)))
both("permute", lambda lib, x: x.permute(2, 0, 1), X((2, 3, 4)))
both("permute-fn", lambda lib, x: lib.permute(x, (1, 0, 2)), X((2, 3, 4)))
both("squeeze", lambda lib, x: x.squeeze(), X((1, 3, 1)))
both("squeeze-dim", lambda lib, x: x.squeeze(0), X((1, 3, 1)))
both("squeeze-dim-noop", lambda lib, x: lib.squeeze(x, 1), X((1, 3, 1)))
both("squeeze-dims", lambda lib, x: x.squeeze((0, 2)), X((1, 3, 1)))
both("unsqueeze", lambda lib, x: x.unsqueeze(0), X())
both("unsqueeze-neg", lambda lib, x: lib.unsqueeze(x, -1), X())
both("expand", lambda lib, x: x.expand(4, 3), X((3,)))
both("expand-keep", lambda lib, x: x.expand(2, -1, 4), X((3, 1)))
both("expand-same", lambda lib, x: x.expand(2, 3), X())
both("expand-as", lambda lib, x, y: x.expand_as(y), X((3, 1)), C((3, 4)))
both("flatten", lambda lib, x: x.flatten(), X((2, 3, 2)))
both("flatten-fn", lambda lib, x: lib.flatten(x, 1), X((2, 3, 2)))
both("flatten-range", lambda lib, x: x.flatten(0, 1), X((2, 3, 2)))
both("flatten-noncontig", lambda lib, x: x.transpose(0, 2).flatten(), X((2, 3, 2)))
both("cat", lambda lib, x, y, z: lib.cat([x, y, z]), X((2, 3)), C((1, 3)), X((3, 3)))
both("cat-dim1", lambda lib, x, y: lib.cat((x, y), dim=1), X((2, 3)), X((2, 2)))
both("cat-neg-dim", lambda lib, x, y: lib.cat([x, y], -1), X((2, 1, 3)), X((2, 1, 1)))
both("stack", lambda lib, x, y, z: lib.stack([x, y, z]), X(), C(), X())
both("stack-dim1", lambda lib, x, y: lib.stack((x, y), dim=1), X(), X())
both("stack-neg-dim", lambda lib, x, y: lib.stack([x, y], -1), X(), X())
both("chunk", lambda lib, x: x.chunk(2), X((4, 3)))
both("chunk-uneven", lambda lib, x: lib.chunk(x, 2, dim=1), X((2, 3)))
both("chunk-one-used", lambda lib, x: x.chunk(3)[1], X((6, 2)))
both("split", lambda lib, x: x.split(2), X((5, 2)))
both("split-sizes", lambda lib, x: x.split([1, 3], dim=1), X((2, 4)))
both("split-fn", lambda lib, x: lib.split(x, 2, dim=-1), X((2, 3)))
both("split-one-used", lambda lib, x: x.split(2)[2] * 3, X((5, 2)))
both("unbind", lambda lib, x: x.unbind(), X((3, 2)))
both("unbind-dim1", lambda lib, x: lib.unbind(x, 1), X((2, 3)))
both("unbind-some-used", lambda lib, x: x.unbind(1)[0] + x.unbind(1)[2], X((2, 3)))
both("clone", lambda lib, x: x.clone(), X())
both("clone-fn", lambda lib, x: lib.clone(x) * 2, X())
both("contiguous", lambda lib, x: x.t().contiguous(), X())
both("contiguous-noop", lambda lib, x: (x * 1).contiguous(), X())
both("narrow", lambda lib, x: x.narrow(1, 1, 2), X((2, 4)))
both("select", lambda lib, x: x.select(1, -1), X((2, 4)))
both("select-fn", lambda lib, x: lib.select(x, 0, 1), X((2, 4)))
both("detach", lambda lib, x: x.detach() * x, X())

# ---- indexing ----------------------------------------------------------------------------------

INDEX = {
    "int": lambda lib, x: x[1],
    "neg-int": lambda lib, x: x[-1],
    "int-int": lambda lib, x: x[1, 2],
    "col": lambda lib, x: x[:, 1],
    "slice": lambda lib, x: x[1:3],
    "slice-full": lambda lib, x: x[:],
    "slice-step": lambda lib, x: x[::2],
    "slice-2d": lambda lib, x: x[1:, ::2],
    "slice-neg": lambda lib, x: x[-2:, :-1],
    "none": lambda lib, x: x[None],
    "none-middle": lambda lib, x: x[:, None],
    "ellipsis": lambda lib, x: x[..., 1],
    "ellipsis-only": lambda lib, x: x[...],
    "int-ellipsis": lambda lib, x: x[1, ...],
    "none-int": lambda lib, x: x[None, 1],
    "tensor-int": lambda lib, x: x[lib.tensor(2)],
    "list": lambda lib, x: x[[0, 2]],
    "list-repeated": lambda lib, x: x[[0, 0, 1, 0]],
    "tensor-list": lambda lib, x: x[lib.tensor([2, 0, 2])],
    "list-neg": lambda lib, x: x[[-1, 0]],
    "list-pairs": lambda lib, x: x[[0, 1, 1], [1, 2, 1]],
    "int-list": lambda lib, x: x[1, [0, 2]],
    "col-list": lambda lib, x: x[:, [0, 3, 0]],
    "slice-list": lambda lib, x: x[1:, [0, 2]],
    "mask-computed": lambda lib, x: x[x > 0],
    "mask-row": lambda lib, x: x[lib.tensor([True, False, True])],
    "2d-tensor-index": lambda lib, x: x[lib.tensor([[0, 1], [2, 2]])],
}
for name, fn in INDEX.items():
    both(f"index-{name}", fn, X((3, 4)))
both("index-mask-input", lambda lib, x, m: x[m], X((3, 4)), C((3, 4), dtype="bool", kind="bool"))
both("index-3d-ellipsis-list", lambda lib, x: x[..., [0, 1]], X((2, 3, 4)))
both("index-3d-mixed", lambda lib, x: x[0, :, None], X((2, 3, 4)))
both("index-3d-int-slice", lambda lib, x: x[1, 1:, 2], X((2, 3, 4)))
both("index-3d-int-slice-list", lambda lib, x: x[0, :, [0, 1]], X((2, 3, 4)))
both("index-3d-slice-list-int", lambda lib, x: x[:, [0, 2], 1], X((2, 3, 4)))
both("index-3d-ellipsis-int-list", lambda lib, x: x[..., 1, [0, 3]], X((2, 3, 4)))
both("index-3d-list-slice-list", lambda lib, x: x[[0, 1], :, [0, 3]], X((2, 3, 4)))
both("index-3d-slice-none-list", lambda lib, x: x[1:, None, [0]], X((2, 3, 4)))
both("index-none-list", lambda lib, x: x[None, [0, 1]], X((3, 4)))
both("index-explicit-full-slice", lambda lib, x: x[0:3], X((3, 4)))
both("index-explicit-full-slice-tuple", lambda lib, x: x[0:3, :], X((3, 4)))
both("index-full-slices-tuple", lambda lib, x: x[:, :], X((3, 4)))
both("index-mask-int", lambda lib, x: x[x[:, 0] > 0, 1], X((5, 4)))
both("index-1d-int", lambda lib, x: x[2], X((4,)))
both("index-chain", lambda lib, x: x[1:][0][1:] * 2, X((3, 4)))

SETITEM = {
    "int": lambda lib, x, y: _set(x * 1, 0, y),
    "scalar": lambda lib, x, y: _set(x * 1, 1, 2.0),
    "slice-scalar": lambda lib, x, y: _set(x * 1, (slice(1, None), slice(None, 2)), 0.0),
    "col": lambda lib, x, y: _set(x * 1, (slice(None), 1), y[:3]),
    "int-int-0dim": lambda lib, x, y: _set(x * 1, (0, 0), y[0] * 2),
    "list": lambda lib, x, y: _set(x * 1, [0, 2], y),
    "mask-scalar": lambda lib, x, y: _set(x * 1, x > 0, 0.0),
    "mask-tensor": lambda lib, x, y: _set(x * 1, x > 0.5, y.sum()),
    "bcast-row": lambda lib, x, y: _set(x * 1, slice(0, 2), y),
}


def _set(a, index, value):
    a[index] = value
    return a


for name, fn in SETITEM.items():
    both(f"setitem-{name}", fn, X((3, 4)), X((4,)))
both("setitem-int-leading-one", lambda lib, x, y: _set(x * 1, 0, y), X((3, 4)), X((1, 4)))
both("setitem-slice-leading-one", lambda lib, x, y: _set(x * 1, slice(0, 2), y), X((3, 4)), X((1, 1, 4)))
both("setitem-const-value", lambda lib, x, y: _set(x * 1, 1, y), X((3, 4)), C((4,)))
both("setitem-into-const", lambda lib, c, y: _set(c.clone(), 1, y), C((3, 4)), X((4,)))

# ---- in place on non-leaf tensors ---------------------------------------------------------------

INPLACE = {
    "mul_": lambda lib, x, y: (x * 1).mul_(y),
    "add_": lambda lib, x, y: (x * 1).add_(y),
    "add_-alpha": lambda lib, x, y: (x * 1).add_(y, alpha=2),
    "sub_": lambda lib, x, y: (x * 1).sub_(y),
    "div_": lambda lib, x, y: (x * 1).div_(y + 3),
    "mul_-scalar": lambda lib, x, y: (x + y).mul_(2),
    "pow_": lambda lib, x, y: (x * y).pow_(2),
    "exp_": lambda lib, x, y: (x * y).exp_(),
    "log_": lambda lib, x, y: (x * x + 1).log_() * y,
    "sin_": lambda lib, x, y: (x * y).sin_(),
    "cos_": lambda lib, x, y: (x * y).cos_(),
    "tanh_": lambda lib, x, y: (x * y).tanh_(),
    "sigmoid_": lambda lib, x, y: (x * y).sigmoid_(),
    "relu_": lambda lib, x, y: (x * y).relu_(),
    "sqrt_": lambda lib, x, y: (x * x + 1).sqrt_() * y,
    "abs_": lambda lib, x, y: (x * y).abs_(),
    "neg_": lambda lib, x, y: (x * y).neg_(),
    "clamp_": lambda lib, x, y: (x * y).clamp_(min=-0.5, max=0.5),
    "masked_fill_": lambda lib, x, y: (x * y).masked_fill_(x > 0, 0.25),
    "zero_": lambda lib, x, y: (x * y).zero_() + y,
    "fill_": lambda lib, x, y: (x * y).fill_(2.0) * y,
    "fill_-tensor": lambda lib, x, y: (x * 1).fill_(y[1] * 2),
    "sub_-alpha": lambda lib, x, y: (x * 1).sub_(y, alpha=0.5),
    "copy_": lambda lib, x, y: (x * 1).copy_(y),
    "iadd": lambda lib, x, y: _iadd(x * 1, y),
    "isub": lambda lib, x, y: _isub(x * 1, y),
    "imul": lambda lib, x, y: _imul(x * 1, y),
    "idiv": lambda lib, x, y: _idiv(x * 1, y * y + 1),
    "chained": lambda lib, x, y: (x * 1).mul_(y).add_(1).mul_(x),
    "then-use": lambda lib, x, y: _then_use(x, y),
}


def _iadd(a, b):
    a += b
    return a


def _isub(a, b):
    a -= b
    return a


def _imul(a, b):
    a *= b
    return a


def _idiv(a, b):
    a /= b
    return a


def _then_use(x, y):
    a = x * y          # saves x and y, not a
    b = a + 1
    a.mul_(2)
    return a + b


def _modified_saved(x, y):
    a = x + 1
    b = a * y          # saves a (y requires grad), which then changes: backward must refuse
    a.mul_(2)
    return b


for name, fn in INPLACE.items():
    both(f"inplace-{name}", fn, X((2, 3)), X((3,)))
both("inplace-modified-saved", lambda lib, x, y: _modified_saved(x, y), X((2, 3)), X((3,)))
both("inplace-0dim-bcast", lambda lib, x, s: (x * 1).mul_(s), X((2, 3)), X(()))

# ---- dtype conversions and type promotion -------------------------------------------------------

case("to-float64", lambda lib, x: x.to(lib.float64), X(dtype="float32"), second=False)
case("to-float64-sum", lambda lib, x: (x.to(lib.float64) * 2).sum(), X(dtype="float32"))
case("to-float32", lambda lib, x: x.to(lib.float32), X(dtype="float64"))
case("double", lambda lib, x: x.double() ** 2, X(dtype="float32"))
case("float-noop", lambda lib, x: x.float(), X(dtype="float32"))
case("to-same-dtype", lambda lib, x: x.to(lib.float64), X(dtype="float64"))
case("int-to-float", lambda lib, i: (i.float(), i.double(), i.to(lib.float32)), C((4,), dtype="int64", kind="int"))
case("float-to-int", lambda lib, x: (x.long(), x.to(lib.int64), x.bool()), C((5,), dtype="float32",
                                                                               values=[-1.5, -0.5, 0., 0.7, 2.9]))

PROMOTION = {
    "int-plus-float": (lambda lib, i: i + 2.5, [C((3,), dtype="int64", kind="int")]),
    "int-times-float": (lambda lib, i: i * 2.0, [C((3,), dtype="int64", kind="int")]),
    "int-plus-int": (lambda lib, i: i + 2, [C((3,), dtype="int64", kind="int")]),
    "float-lhs-int": (lambda lib, i: 1.5 - i, [C((3,), dtype="int64", kind="int")]),
    "int-div-int": (lambda lib, a, b: a / b, [C((3,), dtype="int64", values=[1, 2, 7]),
                                             C((3,), dtype="int64", values=[2, 4, -2])]),
    "int-div-scalar": (lambda lib, i: i / 2, [C((3,), dtype="int64", kind="int")]),
    "scalar-div-int": (lambda lib, i: 3 / i, [C((3,), dtype="int64", values=[1, 2, -4])]),
    "f32-plus-f64-0dim": (lambda lib, x, s: x + s, [C((3,), dtype="float32"), C((), dtype="float64")]),
    "f32-0dim-plus-f64-0dim": (lambda lib, x, s: x + s, [C((), dtype="float32"), C((), dtype="float64")]),
    "f32-plus-f64": (lambda lib, x, y: x + y, [C((3,), dtype="float32"), C((3,), dtype="float64")]),
    "f64-0dim-times-f32": (lambda lib, s, x: s * x, [C((), dtype="float64"), C((3,), dtype="float32")]),
    "int-plus-f32": (lambda lib, i, x: i + x, [C((3,), dtype="int64", kind="int"), C((3,), dtype="float32")]),
    "int-plus-f64-0dim": (lambda lib, i, s: i + s, [C((3,), dtype="int64", kind="int"), C((), dtype="float64")]),
    "f32-plus-int-0dim": (lambda lib, x, s: x + s, [C((3,), dtype="float32"), C((), dtype="int64", values=3)]),
    "bool-plus-int": (lambda lib, b: b + 1, [C((4,), dtype="bool", kind="bool")]),
    "bool-plus-bool": (lambda lib, a, b: a + b, [C((4,), dtype="bool", kind="bool"), C((4,), dtype="bool", kind="bool")]),
    "bool-times-bool": (lambda lib, a, b: a * b, [C((4,), dtype="bool", kind="bool"), C((4,), dtype="bool", kind="bool")]),
    "bool-plus-int-tensor": (lambda lib, b, i: b + i, [C((4,), dtype="bool", kind="bool"), C((4,), dtype="int64", kind="int")]),
    "bool-times-float": (lambda lib, b: b * 1.5, [C((4,), dtype="bool", kind="bool")]),
    "int-plus-true": (lambda lib, i: i + True, [C((3,), dtype="int64", kind="int")]),
    "f32-plus-true": (lambda lib, x: x + True, [C((3,), dtype="float32")]),
    "bool-plus-true": (lambda lib, b: b + True, [C((4,), dtype="bool", kind="bool")]),
    "bool-div-bool": (lambda lib, a: a / True, [C((4,), dtype="bool", kind="bool")]),
    "int-pow-2": (lambda lib, i: i ** 2, [C((3,), dtype="int64", kind="int")]),
    "2-pow-int": (lambda lib, i: 2 ** i, [C((3,), dtype="int64", values=[0, 1, 5])]),
    "int-pow-half": (lambda lib, i: i ** 0.5, [C((3,), dtype="int64", values=[0, 1, 4])]),
    "float-pow-int": (lambda lib, i: 2.5 ** i, [C((3,), dtype="int64", values=[0, 1, 3])]),
    "f32-pow-f64": (lambda lib, x, y: x ** y, [C((3,), dtype="float32", kind="positive"), C((3,), dtype="float64")]),
    "int-mean-float": (lambda lib, i: i.float().mean(), [C((3,), dtype="int64", kind="int")]),
    "where-int-float": (lambda lib, c, i: lib.where(c, i, 0.5),
                        [C((4,), dtype="bool", kind="bool"), C((4,), dtype="int64", kind="int")]),
    "where-int-f64": (lambda lib, c, i, x: lib.where(c, i, x),
                      [C((4,), dtype="bool", kind="bool"), C((4,), dtype="int64", kind="int"), C((4,), dtype="float64")]),
    "where-int-int": (lambda lib, c, i: lib.where(c, i, 7),
                      [C((4,), dtype="bool", kind="bool"), C((4,), dtype="int64", kind="int")]),
    "cat-f32-f64": (lambda lib, x, y: lib.cat([x, y]), [C((2,), dtype="float32"), C((3,), dtype="float64")]),
    "cat-int-f32": (lambda lib, i, x: lib.cat([i, x]), [C((2,), dtype="int64", kind="int"), C((3,), dtype="float32")]),
    "stack-int-f32": (lambda lib, i, x: lib.stack([i, x]), [C((2,), dtype="int64", kind="int"), C((2,), dtype="float32")]),
    "maximum-int-f32": (lambda lib, i, x: lib.maximum(i, x), [C((3,), dtype="int64", kind="int"), C((3,), dtype="float32")]),
    "int-mod-float": (lambda lib, i: i % 1.5, [C((4,), dtype="int64", kind="int")]),
    "int-floordiv-float": (lambda lib, i: i // 2.5, [C((4,), dtype="int64", kind="int")]),
    "clamp-int-float": (lambda lib, i: i.clamp(min=0.5), [C((4,), dtype="int64", kind="int")]),
    "clamp-int-int": (lambda lib, i: i.clamp(-1, 1), [C((4,), dtype="int64", kind="int")]),
    "abs-int": (lambda lib, i: (abs(i), -i, i.sign()), [C((4,), dtype="int64", kind="int")]),
    "matmul-int": (lambda lib, a, b: a @ b, [C((2, 3), dtype="int64", kind="int"), C((3,), dtype="int64", kind="int")]),
    "relu-int": (lambda lib, i: i.relu(), [C((4,), dtype="int64", kind="int")]),
    "floor-int": (lambda lib, i: (i.floor(), lib.ceil(i), lib.round(i)), [C((4,), dtype="int64", kind="int")]),
    "round-half-even": (lambda lib, x: lib.round(x), [C(dtype="float64", values=[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])]),
}
for name, (fn, inputs) in PROMOTION.items():
    case(f"promote-{name}", fn, *inputs)

case("grad-dtype-f32-times-f64-0dim", lambda lib, x, s: x * s, X((3,), dtype="float32"), X((), dtype="float64"))
case("grad-dtype-f64-0dim-plus-f32", lambda lib, s, x: s + x, X((), dtype="float64"), X((2, 3), dtype="float32"))
case("grad-dtype-f32-times-f64", lambda lib, x, y: x * y, X((3,), dtype="float32"), X((3,), dtype="float64"))
case("grad-dtype-f32-div-f64", lambda lib, x, y: x / y, X((3,), dtype="float32"), X((3,), dtype="float64", kind="away"))
case("grad-dtype-pow-f32-f64", lambda lib, x, y: x ** y, X((3,), dtype="float32", kind="positive"),
     X((3,), dtype="float64"))
case("grad-dtype-where", lambda lib, c, x, y: lib.where(c, x, y), C((3,), dtype="bool", kind="bool"),
     X((3,), dtype="float32"), X((3,), dtype="float64"))
case("grad-dtype-cat", lambda lib, x, y: lib.cat([x, y]), X((2,), dtype="float32"), X((3,), dtype="float64"))
case("grad-dtype-int-times-f32", lambda lib, i, x: i * x, C((3,), dtype="int64", kind="int"), X((3,), dtype="float32"))
case("grad-dtype-fill", lambda lib, x, v: (x * 1).fill_(v * 2), X((3,), dtype="float32"), X((), dtype="float64"))
case("grad-dtype-clamp-bounds", lambda lib, x, lo: x.clamp(min=lo), X((3,), dtype="float32", kind="ties"),
     X((3,), dtype="float64", kind="ties"))
case("grad-dtype-maximum", lambda lib, x, y: lib.maximum(x, y), X((3,), dtype="float32"), X((3,), dtype="float64"))

# ---- the seed examples ---------------------------------------------------------------------------


def _seed_f(lib, x1, x2):
    """f(x1, x2) = (1 + sin x2) / (x2 + exp x1) + x1 x2; df/dx2 = 1.6165 at (1.5, 0.5)."""
    return (1 + lib.sin(x2)) / (x2 + lib.exp(x1)) + x1 * x2


both("seed-f", _seed_f, X(values=1.5), X(values=0.5), second=True)
both("seed-mean", lambda lib, x: (3 * (x + 2) ** 2).mean(), X(values=[[1., 1.], [1., 1.]]), second=True)


def _seed_mean_program(lib):
    x = lib.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    out.backward()
    return {"y": y, "z": z, "out": out, "x.grad": x.grad}


def _seed_retain(lib):
    x = lib.ones(2, 2, requires_grad=True)
    y = x + 2
    y.retain_grad()
    z = y * y * 3
    out = z.mean()
    out.backward()
    return {"y.grad": y.grad, "x.grad": x.grad, "y.retains_grad": y.retains_grad, "z.grad_fn": z.grad_fn,
            "out": out}


def _seed_retain_quarter(lib, x):
    y = 2 * x
    y.retain_grad()
    z = y.mean()
    z.retain_grad()
    z.backward()
    return {"x.grad": x.grad, "y.grad": y.grad, "z.grad": z.grad}


def _seed_accumulate(lib, w, x):
    """y = (w + x)(w + 1) backward four times without zeroing: w.grad grows by 5."""
    seen = {}
    for i in range(4):
        a = lib.add(w, x)
        b = lib.add(w, 1)
        y = lib.mul(a, b)
        y.backward()
        seen[f"w.grad[{i}]"] = w.grad.clone()
        seen[f"x.grad[{i}]"] = x.grad.clone()
    seen.update({"a": a, "b": b, "y": y, "a.is_leaf": a.is_leaf, "w.is_leaf": w.is_leaf})
    return seen


def _seed_accumulate_zeroed(lib, w, x):
    seen = {}
    for i in range(3):
        y = (w + x) * (w + 1)
        y.backward()
        seen[f"w.grad[{i}]"] = w.grad.clone()
        w.grad.zero_()
        x.grad.zero_()
    return seen


def _backward_twice(lib, x):
    y = (x * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    return {"first": first, "second": x.grad}


def _grad_then_backward(lib, x):
    y = (x ** 3).sum()
    (dx,) = lib.autograd.grad(y, x, create_graph=True)
    dx.sum().backward()
    return {"dx": dx, "x.grad": x.grad}


def _non_scalar_backward(lib, x):
    y = x * 2
    y.backward(lib.tensor([0.1, 1.0, 0.0001], dtype=x.dtype))
    return {"y": y, "x.grad": x.grad}


def _grad_of_two_outputs(lib, x, y):
    a = x * y
    b = x.sin()
    ga, gb = lib.autograd.grad([a.sum(), b.sum()], [x, y])
    return {"gx": ga, "gy": gb}


def _derivatives_of(op):
    """First, second and third derivatives of an activation, each the graph of the one before
    (``create_graph=True``): the first is recorded as one node (TanhBackwardBackward0,
    SigmoidBackwardBackward0, ThresholdBackwardBackward0), as PyTorch records it."""
    def program(lib, x):
        (first,) = lib.autograd.grad(getattr(x, op)().sum(), x, create_graph=True)
        (second,) = lib.autograd.grad((first * first).sum(), x, create_graph=True)
        out = {"first": first, "second": second, "second.requires_grad": second.requires_grad,
               "saved": first.grad_fn._saved_grad_output if op != "relu" else first.grad_fn._saved_self}
        if second.requires_grad:
            (out["third"],) = lib.autograd.grad(second.sum(), x)
        return out
    return program


case("seed-mean-program", _seed_mean_program, backward=False)
case("seed-retain-grad", _seed_retain, backward=False)
case("seed-retain-grad-quarter", _seed_retain_quarter, X(values=[1., 1., 1., 1.], dtype="float32"), backward=False)
case("seed-accumulate", _seed_accumulate, X(values=[1.], dtype="float32"), X(values=[2.], dtype="float32"),
     backward=False)
case("seed-accumulate-zeroed", _seed_accumulate_zeroed, X(values=[1.], dtype="float32"),
     X(values=[2.], dtype="float32"), backward=False)
both("backward-twice", _backward_twice, X((3,)), backward=False)
both("grad-then-backward", _grad_then_backward, X((3,)), backward=False,
     known={"next_functions": "the graph of a first derivative follows each engine's formula: PyTorch's "
                              "C++ pow backward multiplies by a Scalar (MulBackward1), ours by a number (MulBackward0)"})
both("non-scalar-backward", _non_scalar_backward, X((3,)), backward=False)
both("grad-of-two-outputs", _grad_of_two_outputs, X((3,)), X((3,)), backward=False)
for _op in ("tanh", "sigmoid", "relu"):
    both(f"derivatives-of-{_op}", _derivatives_of(_op), X((5,), values=[-2., -0.5, 0.25, 1., 3.]), backward=False)

# ---- reprs ---------------------------------------------------------------------------------------

REPRS = {
    "float": lambda lib: lib.tensor([1., 2., 3.]),
    "float-decimals": lambda lib: lib.tensor([0.1234567, -1.5, 2.0]),
    "float64": lambda lib: lib.tensor([1.5, 2.25], dtype=lib.float64),
    "int64": lambda lib: lib.tensor([1, -2, 3]),
    "bool": lambda lib: lib.tensor([True, False]),
    "0dim": lambda lib: lib.tensor(3.5),
    "0dim-int": lambda lib: lib.tensor(7),
    "0dim-float64": lambda lib: lib.tensor(2.0, dtype=lib.float64),
    "2d": lambda lib: lib.tensor([[1., 2.5], [-3., 4.]]),
    "3d": lambda lib: lib.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]),
    "requires-grad": lambda lib: lib.tensor([1., 2.], requires_grad=True),
    "requires-grad-float64": lambda lib: lib.tensor([1., 2.], dtype=lib.float64, requires_grad=True),
    "grad-fn": lambda lib: lib.tensor([1., 2.], requires_grad=True) * 2,
    "grad-fn-float64": lambda lib: lib.tensor([1., 2.], dtype=lib.float64, requires_grad=True).sum(),
    "grad-fn-0dim": lambda lib: (lib.tensor([1., 2.], requires_grad=True) ** 2).mean(),
    "sci-large": lambda lib: lib.tensor([1e10, 1.0]),
    "sci-small": lambda lib: lib.tensor([1e-5, 1.0]),
    "nan-inf": lambda lib: lib.tensor([float("nan"), float("inf"), -float("inf"), 1.0]),
    "negative-ints-as-float": lambda lib: lib.tensor([-1., 10., 100.]),
    "empty": lambda lib: lib.tensor([]),
    "dtype-float64": lambda lib: lib.float64,
    "dtype-bool": lambda lib: lib.bool,
    "size": lambda lib: lib.tensor([[1., 2., 3.]]).shape,
}

# ---- running a case --------------------------------------------------------------------------------


def case_rng(name):
    """The random generator for one case: the fixed seed and the case's name."""
    return numpy.random.default_rng([SEED, zlib.crc32(name.encode())])


def make_input(spec, rng):
    """The numpy array for one input spec."""
    np_dtype = {"float64": numpy.float64, "float32": numpy.float32, "int64": numpy.int64,
                "bool": numpy.bool_}[spec.dtype]
    if spec.values is not None:
        return numpy.array(spec.values, dtype=np_dtype)
    shape, kind = spec.shape, spec.kind
    if kind == "normal":
        a = rng.standard_normal(shape)
    elif kind == "positive":
        a = rng.uniform(0.5, 2.0, shape)
    elif kind == "away":
        a = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    elif kind == "unit":
        a = rng.uniform(-0.9, 0.9, shape)
    elif kind == "ties":
        a = rng.integers(-2, 3, shape).astype(float) / 2
    elif kind == "int":
        a = rng.integers(-5, 6, shape)
    elif kind == "bool":
        a = rng.random(shape) < 0.5
    else:
        raise ValueError(kind)
    return numpy.asarray(a).astype(np_dtype)


def random_like(shape, dtype, rng):
    return rng.standard_normal(shape).astype(dtype)


def build_inputs(lib, arrays, case):
    return [lib.tensor(a, dtype=getattr(lib, s.dtype), requires_grad=s.grad)
            for a, s in zip(arrays, case.inputs)]


def _outputs(result):
    """The case's result as a list of (label, value)."""
    if isinstance(result, dict):
        return list(result.items())
    if isinstance(result, (tuple, list)):
        flat = []
        for i, r in enumerate(result):
            if isinstance(r, (tuple, list)):        # (values, indices) inside a tuple
                flat.extend((f"{i}.{label}", v) for label, v in _outputs(r))
            else:
                flat.append((str(i), r))
        return flat
    return [("0", result)]


def is_tensor(lib, x):
    return isinstance(x, lib.Tensor)


def dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


def node_name(node):
    return None if node is None else type(node).__name__


def describe(lib, value):
    """What is recorded of one output: numbers and, for a tensor, its graph."""
    if not is_tensor(lib, value):
        if hasattr(value, "next_functions"):       # a graph node
            return {"node": node_name(value),
                    "next_functions": [[node_name(n), nr] for n, nr in value.next_functions]}
        return {"python": value}
    out = {"array": value.detach().cpu().numpy().copy(), "requires_grad": value.requires_grad,
           "grad_fn": node_name(value.grad_fn)}
    if value.grad_fn is not None:
        out["next_functions"] = [[node_name(n), nr] for n, nr in value.grad_fn.next_functions]
    return out


def forward_mode(lib, case, arrays, tangent_arrays):
    """The case run again inside a dual level, each float input that requires grad given a tangent
    (``tangent_arrays``, one per such input, or a generator to draw them from): the outputs' tangents."""
    fw = lib.autograd.forward_ad
    inputs = build_inputs(lib, arrays, case)
    wanted = [t.requires_grad and t.is_floating_point() for t in inputs]
    if not any(wanted):
        return {}
    if isinstance(tangent_arrays, numpy.random.Generator):
        tangent_arrays = [random_like(tuple(t.shape), arrays[i].dtype, tangent_arrays)
                          for i, t in enumerate(inputs) if wanted[i]]
    record = {"tangent_inputs": tangent_arrays}
    given = iter(tangent_arrays)
    try:
        with fw.dual_level():
            duals = [fw.make_dual(t, lib.tensor(next(given), dtype=t.dtype)) if w else t
                     for t, w in zip(inputs, wanted)]
            outs = _outputs(case.fn(lib, *duals))
            record["tangents"] = [_tangent_array(lib, v) for _, v in outs]
    except Exception as e:
        record["tangents_error"] = {"type": type(e).__name__, "message": str(e)}
    return record


def _tangent_array(lib, value):
    if not is_tensor(lib, value):
        return None
    tangent = lib.autograd.forward_ad.unpack_dual(value).tangent
    return None if tangent is None else {"array": tangent.detach().cpu().numpy().copy()}


def run_case(lib, case, arrays, grad_arrays=None, second_arrays=None, seen=None):
    """Run ``case`` with ``lib`` on the input ``arrays``.

    ``grad_arrays`` (one per output that requires grad) are the gradients given
    to ``backward``; ``second_arrays`` (one per input that requires grad) weight
    the first derivatives for the second. Either may be a ``numpy.random.Generator``:
    then the arrays are drawn from it. Returns a dict of plain data and arrays;
    ``seen``, a list, gets (label, tensor) for every output and gradient.
    """
    seen = [] if seen is None else seen
    inputs = build_inputs(lib, arrays, case)
    try:
        result = case.fn(lib, *inputs)
    except Exception as e:      # what PyTorch refuses, autograd_ref must refuse too
        return {"error": {"stage": "forward", "type": type(e).__name__, "message": str(e)}}
    outs = _outputs(result)
    seen.extend((f"output {label}", v) for label, v in outs if is_tensor(lib, v))
    record = {"outputs": [[label, describe(lib, v)] for label, v in outs]}
    diff = [v for _, v in outs if is_tensor(lib, v) and v.requires_grad]
    if not case.backward or not diff:
        record["grads"] = [_grad_array(t) for t in inputs]
        return record
    if isinstance(grad_arrays, numpy.random.Generator):
        grad_arrays = [random_like(tuple(v.shape), v.detach().cpu().numpy().dtype, grad_arrays) for v in diff]
    record["grad_outputs"] = grad_arrays
    grads = [lib.tensor(g, dtype=v.dtype) for g, v in zip(grad_arrays, diff)]
    try:
        lib.autograd.backward(diff, grads)
    except Exception as e:
        record["error"] = {"stage": "backward", "type": type(e).__name__, "message": str(e)}
        return record
    record["grads"] = [_grad_array(t) for t in inputs]
    seen.extend((f"grad of input {i}", t.grad) for i, t in enumerate(inputs) if t.grad is not None)
    if case.second:
        record.update(_second(lib, case, arrays, grad_arrays, second_arrays))
    return record


def _grad_array(t):
    if not t.requires_grad or t.grad is None:
        return None
    return {"array": t.grad.cpu().numpy().copy()}


def _second(lib, case, arrays, grad_arrays, second_arrays):
    """First derivatives with create_graph=True, then the gradient of their
    weighted sum (weights ``second_arrays``)."""
    inputs = build_inputs(lib, arrays, case)
    outs = _outputs(case.fn(lib, *inputs))
    diff = [v for _, v in outs if is_tensor(lib, v) and v.requires_grad]
    leaves = [t for t in inputs if t.requires_grad]
    grads = [lib.tensor(g, dtype=v.dtype) for g, v in zip(grad_arrays, diff)]
    first = lib.autograd.grad(diff, leaves, grads, create_graph=True, allow_unused=True)
    if isinstance(second_arrays, numpy.random.Generator):
        second_arrays = [random_like(tuple(t.shape), t.detach().cpu().numpy().dtype, second_arrays) for t in leaves]
    used = [(f, lib.tensor(h, dtype=f.dtype)) for f, h in zip(first, second_arrays)
            if f is not None and f.requires_grad]
    second = [None] * len(leaves)
    if used:
        second = lib.autograd.grad([f for f, _ in used], leaves, [h for _, h in used], allow_unused=True)
    return {"second_weights": second_arrays,
            "first": [None if f is None else {"array": f.detach().cpu().numpy().copy(), "requires_grad": f.requires_grad}
                      for f in first],
            "second": [None if s is None else {"array": s.detach().cpu().numpy().copy()} for s in second]}


# ---- storing arrays as JSON ----------------------------------------------------------------------


def encode(obj):
    """Turn numpy arrays inside ``obj`` into ``{"dtype", "shape", "data"}`` with
    flat data; float32 numbers are written in their shortest exact form."""
    if isinstance(obj, numpy.ndarray):
        if obj.dtype == numpy.float32:
            data = [float(str(v)) for v in obj.reshape(-1)]
            assert numpy.array_equal(numpy.array(data, numpy.float32), obj.reshape(-1), equal_nan=True)
        else:
            data = obj.reshape(-1).tolist()
        return {"dtype": obj.dtype.name, "shape": list(obj.shape), "data": data}
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    if isinstance(obj, numpy.generic):
        return obj.item()
    return obj


def decode_array(obj):
    return numpy.array(obj["data"], dtype=obj["dtype"]).reshape(obj["shape"])
