"""Golden cases for the ops added in ops/selection.py (kthvalue, mode, searchsorted, bucketize),
ops/indexing.py (index_copy, index_fill, index_put, masked_scatter and in-place forms) and ops/inplace.py
(the in-place forms of pointwise ops). Written once against a module ``lib``; the machinery (inputs,
``run``, the JSON format) is tests/golden_selection's. Nothing here imports torch.

An in-place case works on ``y = x * 1`` (so that the leaf ``x`` gets the gradient) and reports ``y``, its
graph (the grad_fn the in-place op left) and ``y._version``.
"""
from golden_selection import cases as _selection
from golden_selection.cases import C, Case, X, case_rng, decode_array, encode, run, run_error  # noqa: F401


def make_input(spec, rng):
    """golden_selection's inputs, and two more kinds: unit (in (0.1, 0.9)) and above1 (in (1.2, 3))."""
    if spec.kind in ("unit", "above1") and spec.values is None:
        low, high = (0.1, 0.9) if spec.kind == "unit" else (1.2, 3.0)
        return rng.uniform(low, high, spec.shape).astype(spec.dtype)
    return _selection.make_input(spec, rng)


CASES = []


case, both = _selection.case_adders(CASES)


def _ip(method, *args, **kwargs):
    """An in-place case: ``(x * 1).method(*args)``; tensors among args come from the inputs after x."""
    def fn(lib, x, *more):
        y = x * 1
        real = [more[-a - 1] if isinstance(a, int) and not isinstance(a, bool) and a < 0 else a for a in args]
        out = getattr(y, method)(*real, **kwargs)
        return y, {"version": y._version, "returns_self": out is y}
    return fn


def T(i):
    """The i-th extra input, in ``_ip``'s arguments."""
    return -i - 1


# ---- kthvalue, mode, searchsorted, bucketize ----------------------------------------------------

both("kthvalue", lambda lib, x: lib.kthvalue(x, 2), X(), second=True)
both("kthvalue-dim0-keepdim", lambda lib, x: x.kthvalue(3, 0, keepdim=True), X((4, 3)), second=True)
both("kthvalue-0d", lambda lib, x: lib.kthvalue(x, 1), X(()))
both("mode", lambda lib, x: lib.mode(x), X((3, 6), kind="ties"))
both("mode-dim0", lambda lib, x: x.mode(0, keepdim=True), X((6, 3), kind="ties"))
case("mode-int", lambda lib, x: lib.mode(x), C((2, 7), "int64", kind="int"))
both("searchsorted", lambda lib, s, v: (lib.searchsorted(s, v), lib.searchsorted(s, v, right=True),
                                        lib.searchsorted(s, v, side="right")),
     C(values=[-1.0, 0.0, 0.5, 0.5, 2.0]), C(values=[[0.5, -2.0], [3.0, 0.0]]))
both("searchsorted-rows", lambda lib, s, v: lib.searchsorted(s, v, out_int32=True),
     C(values=[[0.0, 1.0, 2.0], [-1.0, 5.0, 6.0]]), C(values=[[1.5, 0.0], [5.0, 7.0]]))
both("searchsorted-sorter", lambda lib, s: lib.searchsorted(s, lib.tensor([0.5, 2.5], dtype=s.dtype),
                                                            sorter=lib.argsort(s)),
     C(values=[3.0, 0.0, 2.0, 1.0]))
both("bucketize", lambda lib, v, b: (lib.bucketize(v, b), lib.bucketize(v, b, right=True)),
     C(values=[[0.5, 1.0], [3.0, 9.0]]), C(values=[1.0, 3.0, 5.0]))

# ---- index_copy, index_fill, index_put, masked_scatter -------------------------------------------


def _ix(lib, values):
    return lib.tensor(values)


both("index-copy", lambda lib, x, s: lib.index_copy(x, 0, _ix(lib, [2, 0]), s), X((3, 4)), X((2, 4)), second=True)
both("index-copy-method-dim1", lambda lib, x, s: x.index_copy(1, _ix(lib, [1]), s), X((3, 4)), X((3, 1)))
both("index-fill", lambda lib, x: lib.index_fill(x, 1, _ix(lib, [0, 2]), -1.5), X((3, 4)), second=True)
both("index-fill-tensor", lambda lib, x, v: x.index_fill(0, _ix(lib, [1, 1]), v), X((3, 4)), X(()))
both("index-put", lambda lib, x, v: lib.index_put(x, (_ix(lib, [0, 2]), _ix(lib, [1, 3])), v), X((3, 4)), X((2,)),
     second=True)
both("index-put-broadcast", lambda lib, x, v: x.index_put((_ix(lib, [1]),), v), X((3, 4)), X((4,)))
both("index-put-accumulate", lambda lib, x, v: lib.index_put(x, (_ix(lib, [0, 0, 2]),), v, accumulate=True),
     X((3, 4)), X((3, 4)), second=True)
both("index-put-mask", lambda lib, x, v: x.index_put((x > 0,), v), X((3, 4)), X(()))
both("masked-scatter", lambda lib, x, m, s: lib.masked_scatter(x, m, s), X((3, 4)), C((3, 4), "bool", kind="bool"),
     X((13,)), second=True)
both("masked-scatter-broadcast", lambda lib, x, m, s: x.masked_scatter(m, s), X((3, 4)),
     C((4,), "bool", values=[True, False, False, True]), X((2, 4)))

INPLACE_INDEXING = {
    "index_copy_": lambda lib, x, s: _ip("index_copy_", 0, lib.tensor([2, 0]), T(0))(lib, x, s),
    "index_fill_": lambda lib, x: _ip("index_fill_", 1, lib.tensor([3]), 2.0)(lib, x),
    "index_put_": lambda lib, x, s: _ip("index_put_", (lib.tensor([1, 1]),), T(0), accumulate=True)(lib, x, s),
    "masked_scatter_": lambda lib, x, s: _ip("masked_scatter_", x > 0, T(0))(lib, x, s),
    "index_add_": lambda lib, x, s: _ip("index_add_", 0, lib.tensor([2, 0]), T(0), alpha=2)(lib, x, s),
    "scatter_": lambda lib, x, s: _ip("scatter_", 0, lib.tensor([[0, 1, 2, 0], [2, 0, 1, 1]]), T(0))(lib, x, s),
    "scatter_-value": lambda lib, x: _ip("scatter_", 1, lib.tensor([[0], [3], [1]]), value=4.0)(lib, x),
    "scatter_add_": lambda lib, x, s: _ip("scatter_add_", 0, lib.tensor([[0, 1, 2, 0], [0, 0, 1, 1]]), T(0))(lib, x, s),
}
for _name, _fn in INPLACE_INDEXING.items():
    _extra = () if _name in ("index_fill_", "scatter_-value") else (X((2, 4)),)
    if _name == "masked_scatter_":
        _extra = (X((12,)),)
    both(_name, _fn, X((3, 4)), *_extra, second=True)

# ---- in-place pointwise forms ---------------------------------------------------------------------

UNARY = ["acos_", "arccos_", "asin_", "arcsin_", "atan_", "arctan_", "cosh_", "sinh_", "tan_", "erf_", "expm1_", "log1p_", "log2_", "log10_", "reciprocal_", "rsqrt_",
         "square_", "sign_", "ceil_", "floor_", "round_", "trunc_", "fix_", "frac_", "negative_"]
for _name in UNARY:     # inputs in (0.1, 0.9): inside every domain
    both(_name, _ip(_name), X((2, 3), kind="unit"), second=True)
# asinh_, acosh_, atanh_ (and arc* aliases) are left out: PyTorch 2.13 refuses their backward ("the derivative
# for 'inplace version of acosh' is not implemented"); autograd_ref differentiates them.

BINARY = {
    "clamp_min_": (0.4,), "clamp_max_": (0.4,), "clip_": (0.3, 0.6), "fmod_": (0.3,), "remainder_": (0.3,),
    "lerp_": (T(0), 0.3), "hypot_": (T(0),), "atan2_": (T(0),), "arctan2_": (T(0),), "xlogy_": (T(0),),
    "addcmul_": (T(0), T(0)), "addcdiv_": (T(0), T(0)), "divide_": (T(0),), "true_divide_": (2.0,),
    "multiply_": (T(0),), "subtract_": (T(0),), "cumsum_": (1,), "cumprod_": (0,), "tril_": (), "triu_": (1,),
    "fmod_-tensor": (T(0),), "remainder_-tensor": (T(0),), "clamp_min_-tensor": (T(0),), "lerp_-tensor": (T(0), T(0)),
}
for _name, _args in BINARY.items():
    _method = _name.split("-")[0]
    _kw = {"value": 0.5} if _method in ("addcmul_", "addcdiv_") else {}
    both(_name, _ip(_method, *_args, **_kw), X((2, 3), kind="unit"), X((2, 3), kind="unit"), second=True)


def _on_view(lib, x):
    """An in-place op on a view of a non-leaf: the base's history becomes CopySlices."""
    y = x * 1
    y[0].tan_()
    return y, {"version": y._version}


both("view-tan_", _on_view, X((2, 3), kind="unit"), second=True)


def _other_requires_grad(lib, x, t):
    """Only the other operand requires grad: the in-place op must still record."""
    y = x.detach() * 1
    y.addcmul_(t, t)
    return y, {"version": y._version}


both("other-requires-grad", _other_requires_grad, X((2, 3), kind="unit"), X((2, 3), kind="unit"))

# ---- random functions: shapes, dtypes, graph (values are tested apart) ------------------------------


def _random(lib, x, method, *args):
    y = x * 1
    getattr(y, method)(*args)
    return {"shape": list(y.shape), "version": y._version, "grad_fn": type(y.grad_fn).__name__}


RANDOM = {"uniform_": (), "normal_": (), "bernoulli_": (0.3,), "exponential_": (), "random_": (5,),
          "random_-2": (2, 5), "random_-0": (), "geometric_": (0.3,), "cauchy_": (), "log_normal_": ()}
for _name, _args in RANDOM.items():
    case(_name, lambda lib, x, _m=_name.split("-")[0], _a=_args: _random(lib, x, _m, *_a), X((2, 3), "float32"))
case("bernoulli", lambda lib, x: type(lib.bernoulli(x).grad_fn).__name__, X((3,), "float32", kind="unit"))
case("poisson", lambda lib, x: type(lib.poisson(x).grad_fn).__name__, X((3,), "float32", kind="unit"))


# ---- errors --------------------------------------------------------------------------------------

def _t(lib, shape=(3, 4)):
    return lib.ones(shape)


ERRORS = {
    "index_copy-dtype": (lambda lib: _t(lib).index_copy(0, lib.tensor([0]), lib.ones(1, 4, dtype=lib.float64)), None),
    "index_copy-index-float": (lambda lib: _t(lib).index_copy(0, lib.tensor([0.]), lib.ones(1, 4)), None),
    "index_copy-index-2d": (lambda lib: _t(lib).index_copy(0, lib.tensor([[0]]), lib.ones(1, 4)), None),
    "index_copy-count": (lambda lib: _t(lib).index_copy(0, lib.tensor([0, 1]), lib.ones(1, 4)), None),
    "index_copy-oob": (lambda lib: _t(lib).index_copy(0, lib.tensor([5]), lib.ones(1, 4)), None),
    "index_fill-index-float": (lambda lib: _t(lib).index_fill(0, lib.tensor([0.]), 1.), None),
    "index_fill-value-1d": (lambda lib: _t(lib).index_fill(0, lib.tensor([0]), lib.ones(2)), None),
    "index_fill-oob": (lambda lib: _t(lib).index_fill(0, lib.tensor([3]), 1.), None),
    "index_put-not-tuple": (lambda lib: _t(lib).index_put(lib.tensor([0]), lib.ones(4)), None),
    "index_put-dtype": (lambda lib: _t(lib).index_put((lib.tensor([0]),), lib.ones(4, dtype=lib.float64)), None),
    "index_put-shape": (lambda lib: _t(lib).index_put((lib.tensor([0]),), lib.ones(3)), None),
    "index_put-float": (lambda lib: _t(lib).index_put((lib.tensor([0.]),), lib.ones(4)), None),
    "masked_scatter-not-bool": (lambda lib: _t(lib).masked_scatter(lib.ones(3, 4, dtype=lib.int64), lib.ones(12)),
                                None),
    "masked_scatter-small": (lambda lib: _t(lib).masked_scatter(_t(lib) > 0, lib.ones(5)), None),
    "kthvalue-k": (lambda lib: _t(lib).kthvalue(5), None),
    "kthvalue-k0": (lambda lib: _t(lib).kthvalue(0), None),
    "mode-dim": (lambda lib: _t(lib).mode(2), None),
    "searchsorted-dims": (lambda lib: lib.searchsorted(lib.ones(2, 3), lib.ones(3, 3)), None),
    "searchsorted-side": (lambda lib: lib.searchsorted(lib.ones(3), lib.ones(3), side="middle"), None),
    "searchsorted-opposites": (lambda lib: lib.searchsorted(lib.ones(3), lib.ones(3), right=True, side="left"), None),
    "bucketize-2d": (lambda lib: lib.bucketize(lib.ones(3), lib.ones(2, 2)), None),
    "uniform_-int": (lambda lib: lib.ones(3, dtype=lib.int64).uniform_(), None),
    "normal_-int": (lambda lib: lib.ones(3, dtype=lib.int64).normal_(), None),
    "exponential_-int": (lambda lib: lib.ones(3, dtype=lib.int64).exponential_(), None),
    "normal_-std": (lambda lib: lib.ones(3).normal_(0, -1), None),
    "uniform_-bounds": (lambda lib: lib.ones(3).uniform_(2, 1), None),
    "bernoulli_-p": (lambda lib: lib.ones(3).bernoulli_(1.5), None),
    "bernoulli-probs": (lambda lib: lib.bernoulli(lib.tensor([0.5, 1.5])), 50),
    "poisson-negative": (lambda lib: lib.poisson(lib.tensor([-1.0])), None),
    "poisson-int": (lambda lib: lib.poisson(lib.tensor([1])), None),
    "bernoulli-int": (lambda lib: lib.bernoulli(lib.tensor([1])), None),
    "geometric_-p": (lambda lib: lib.ones(3).geometric_(0), None),
    "exponential_-lambd": (lambda lib: lib.ones(3).exponential_(-1), None),
    "random_-range": (lambda lib: lib.ones(3).random_(3, 2), None),
    "tan_-int": (lambda lib: lib.ones(3, dtype=lib.int64).tan_(), None),
    "addcmul_-broadcast": (lambda lib: lib.ones(3).addcmul_(lib.ones(2, 3), lib.ones(3)), None),
    "tan_-leaf": (lambda lib: lib.ones(3, requires_grad=True).tan_(), None),
    "index_fill_-leaf": (lambda lib: lib.ones(3, requires_grad=True).index_fill_(0, lib.tensor([0]), 1.), None),
}
