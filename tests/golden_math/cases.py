"""The math golden cases: small programs written once against a module ``lib`` (``torch`` when
recording, ``autograd_ref`` when testing) for the Tensor factories (``new_zeros``, ``type_as``, ...),
``x.where``, the trigonometric, hyperbolic and logarithmic functions, trunc/frac, lerp, fmod, cumprod,
dist, trace, addmm, diag, diagonal, cross and kron; broadcasting and meshgrid, addcmul/addcdiv, the one-sided
clamps, the inverse hyperbolic functions, logaddexp, hypot, movedim, unflatten, atleast_nd, fliplr/flipud,
take_along_dim, argwhere, cummax/cummin, diff and count_nonzero. Nothing here imports torch.

The machinery is golden_nn's (``tests/golden_nn/cases.py``): a case is ``fn(lib, T) -> (output, {})``,
``T`` maps each spec's name to a tensor (float specs with ``grad=True`` require grad), and golden_nn's
``run`` does the forward, the backward with a fixed output gradient and, for ``second=True``, second
derivatives. ``record.py`` stores what PyTorch gives in ``values.json``; ``tests/test_golden_math.py``
runs the same programs with autograd_ref and compares.
"""
import numpy

from golden_nn.cases import Case, S, W, case_rng, make_array, run, run_error  # noqa: F401 - run, run_error: for users

CASES = []


def case(name, group, fn, *specs, second=False, dtypes=("float32", "float64")):
    """Add the case once per float dtype (``name-f32``, ``name-f64``); specs with dtype ``"F"`` take it."""
    for dt in dtypes:
        full = f"{name}-{'f32' if dt == 'float32' else 'f64'}"
        assert full not in {c.name for c in CASES}, full
        CASES.append(Case(full, group, fn, tuple(s._replace(dtype=dt) if s.dtype == "F" else s for s in specs),
                          second))


def I(name, shape, high=5):     # noqa: E743 - an integer input
    return S(name, shape, f"labels:{high}", grad=False, dtype="int64")


def B(name, shape):
    return S(name, shape, "bool", grad=False, dtype="bool")


def make_arrays(case_):
    """golden_nn's arrays, and the kinds only these cases use: unit (in (-0.9, 0.9)), bool, zeros-in
    (normal, with exact zeros: one in row 0, two in row 1, none in row 2)."""
    rng = case_rng(case_.name)
    arrays = {}
    for spec in case_.specs:
        if spec.kind == "unit":
            arrays[spec.name] = rng.uniform(-0.9, 0.9, spec.shape).astype(spec.dtype)
        elif spec.kind == "bool":
            arrays[spec.name] = rng.integers(0, 2, spec.shape).astype(bool)
        elif spec.kind == "zeros-in":
            a = rng.standard_normal(spec.shape)
            a[0, 1] = a[1, 1] = a[1, 3] = 0.0
            arrays[spec.name] = a.astype(spec.dtype)
        else:
            arrays[spec.name] = make_array(spec, rng)
        arrays[spec.name] = numpy.asarray(arrays[spec.name])      # 0-d draws come as numpy scalars
    return arrays


def out(fn):
    """A program from a function of ``lib`` and the tensors, which returns the output alone."""
    return lambda lib, T: (fn(lib, T), {})


# ---- factories and the method form of where ---------------------------------------------

FACTORIES = {
    "new_zeros": lambda lib, T: T["x"].new_zeros(2, 3),
    "new_zeros-tuple-grad": lambda lib, T: T["x"].new_zeros((2,), requires_grad=True),
    "new_zeros-dtype": lambda lib, T: T["x"].new_zeros(2, dtype=lib.float64),
    "new_zeros-0d": lambda lib, T: T["x"].new_zeros(()),
    "new_ones": lambda lib, T: T["x"].new_ones(2, 3),
    "new_ones-int": lambda lib, T: T["i"].new_ones([3]),
    "new_full": lambda lib, T: T["x"].new_full((2, 2), 3),
    "new_full-int": lambda lib, T: T["i"].new_full([2], 2.7),
    "new_empty": lambda lib, T: T["x"].new_empty((2, 3)).zero_(),
    "new_empty-0d": lambda lib, T: T["x"].new_empty(()).fill_(1.5),
    "new_tensor": lambda lib, T: T["x"].new_tensor([1, 2]),
    "new_tensor-int": lambda lib, T: T["i"].new_tensor([1.5, 2.0]),
    "new_tensor-0d": lambda lib, T: T["x"].new_tensor(3),
    "new_tensor-grad": lambda lib, T: T["x"].new_tensor([[1.0, 2.0]], requires_grad=True),
    "new_tensor-dtype": lambda lib, T: T["x"].new_tensor([1.5], dtype=lib.int64),
    "type_as-f64": lambda lib, T: T["x"].type_as(T["d"]) * 2,
    "type_as-int": lambda lib, T: T["x"].type_as(T["i"]),
    "type_as-same": lambda lib, T: T["x"].type_as(T["x"]),
    "type_as-int-to-float": lambda lib, T: T["i"].type_as(T["x"]),
}
for _name, _f in FACTORIES.items():
    case(_name, "factories", out(_f), S("x", (2, 3)), I("i", (3,)), S("d", (2,), grad=False, dtype="float64"))

case("where", "factories", out(lambda lib, T: T["x"].where(T["c"], T["y"])), S("x", (3, 4)), B("c", (3, 4)),
     S("y", (3, 4)))
case("where-number", "factories", out(lambda lib, T: T["x"].where(T["c"], 0.5)), S("x", (3, 4)), B("c", (3, 4)))
case("where-broadcast", "factories", out(lambda lib, T: T["x"].where(T["c"], T["y"])), S("x", (2, 3)),
     B("c", (3,)), S("y", (2, 1)))
case("where-0d", "factories", out(lambda lib, T: T["x"].where(T["c"], T["y"])), S("x", ()), B("c", ()), S("y", ()))

# ---- elementwise functions of one tensor --------------------------------------------------

UNARY = {   # name -> the kind of input it takes, and whether it has second derivatives
    "tan": ("unit", True), "sinh": ("normal", True), "cosh": ("normal", True), "asin": ("unit", True),
    "acos": ("unit", True), "atan": ("wide", True), "arcsin": ("unit", True), "arccos": ("unit", True),
    "arctan": ("normal", True), "log2": ("positive", True), "log10": ("positive", True),
    "trunc": ("wide", False), "fix": ("wide", False), "frac": ("wide", False),
}
for _name, (_kind, _second) in UNARY.items():
    case(_name, "unary", out(lambda lib, T, n=_name: getattr(lib, n)(T["x"])), S("x", (3, 4), _kind),
         second=_second)
    case(f"{_name}-method", "unary", out(lambda lib, T, n=_name: getattr(T["x"], n)()), S("x", (5,), _kind))
    case(f"{_name}-0d", "unary", out(lambda lib, T, n=_name: getattr(lib, n)(T["x"])), S("x", (), _kind),
         second=_second)
    if _name != "frac":
        case(f"{_name}-int", "unary", out(lambda lib, T, n=_name: getattr(lib, n)(T["i"])), I("i", (4,)),
             dtypes=("float32",))
    if _name not in ("trunc", "fix", "frac"):
        case(f"{_name}-bool", "unary", out(lambda lib, T, n=_name: getattr(lib, n)(T["b"])), B("b", (4,)),
             dtypes=("float32",))

# ---- lerp, fmod, cumprod, dist --------------------------------------------------------------

BINARY = {
    "lerp-number": (lambda lib, T: lib.lerp(T["x"], T["y"], 0.3), False),
    "lerp-number-high": (lambda lib, T: T["x"].lerp(T["y"], 0.8), False),
    "lerp-tensor": (lambda lib, T: lib.lerp(T["x"], T["y"], T["w"]), True),
    "lerp-int-weight": (lambda lib, T: lib.lerp(T["x"], T["y"], 2), False),
    "fmod-number": (lambda lib, T: lib.fmod(T["x"], 0.7), False),
    "fmod-tensor": (lambda lib, T: T["x"].fmod(T["p"]), False),
    "fmod-negative": (lambda lib, T: lib.fmod(T["x"], -0.4), False),
    "dist": (lambda lib, T: lib.dist(T["x"], T["y"]), True),
    "dist-p1": (lambda lib, T: lib.dist(T["x"], T["y"], 1), False),
    "dist-p3": (lambda lib, T: T["x"].dist(T["y"], 3), True),
    "dist-p1.5": (lambda lib, T: lib.dist(T["x"], T["y"], p=1.5), True),
    "dist-inf": (lambda lib, T: lib.dist(T["x"], T["y"], float("inf")), False),
    "dist-minus-inf": (lambda lib, T: lib.dist(T["x"], T["y"], float("-inf")), False),
    "dist-p0": (lambda lib, T: lib.dist(T["x"].detach(), T["y"].detach(), 0), False),   # no backward in PyTorch
    "cumprod-dim0": (lambda lib, T: lib.cumprod(T["x"], 0), True),
    "cumprod-dim1": (lambda lib, T: T["x"].cumprod(dim=-1), True),
}
for _name, (_f, _second) in BINARY.items():
    case(_name, "binary", out(_f), S("x", (3, 4)), S("y", (3, 4)), S("w", (3, 4), "prob"),
         S("p", (3, 4), "positive"), second=_second)

case("lerp-broadcast", "binary", out(lambda lib, T: lib.lerp(T["x"], T["y"], T["w"])), S("x", (4,)),
     S("y", (3, 1)), S("w", (3, 4), "prob"), second=True)
case("lerp-0d-weight", "binary", out(lambda lib, T: lib.lerp(T["x"], T["y"], T["w"])), S("x", (3,)),
     S("y", (3,)), S("w", (), "prob"))
case("lerp-0d", "binary", out(lambda lib, T: lib.lerp(T["x"], T["y"], 0.25)), S("x", ()), S("y", ()))
case("fmod-broadcast", "binary", out(lambda lib, T: lib.fmod(T["x"], T["p"])), S("x", (3, 4), "wide"),
     S("p", (4,), "positive"))
case("fmod-0d", "binary", out(lambda lib, T: lib.fmod(T["x"], 0.3)), S("x", (), "wide"))
case("fmod-int", "binary", out(lambda lib, T: lib.fmod(T["i"] - 2, 3)), I("i", (5,)), dtypes=("float32",))
case("fmod-int-float", "binary", out(lambda lib, T: lib.fmod(T["i"], 1.5)), I("i", (5,)), dtypes=("float32",))
case("fmod-mixed", "binary", out(lambda lib, T: lib.fmod(T["x"], T["d"])), S("x", (3,), "wide"),
     S("d", (3,), "positive", dtype="float64"), dtypes=("float32",))
case("cumprod-zeros-dim1", "binary", out(lambda lib, T: lib.cumprod(T["x"], 1)), S("x", (3, 5), "zeros-in"),
     second=True)
case("cumprod-zeros-dim0", "binary", out(lambda lib, T: lib.cumprod(T["x"].t(), 0)), S("x", (3, 5), "zeros-in"),
     second=True)
case("cumprod-zeros-3d", "binary", out(lambda lib, T: lib.cumprod(T["x"].reshape(3, 5, 1), 1)),
     S("x", (3, 5), "zeros-in"), second=True)
case("cumprod-0d", "binary", out(lambda lib, T: lib.cumprod(T["x"], 0)), S("x", ()))
case("cumprod-int", "binary", out(lambda lib, T: lib.cumprod(T["i"], 0)), I("i", (5,)), dtypes=("float32",))
case("cumprod-dtype", "binary", out(lambda lib, T: lib.cumprod(T["x"], 0, dtype=lib.float64)), S("x", (4,)),
     dtypes=("float32",))
case("dist-broadcast", "binary", out(lambda lib, T: lib.dist(T["x"], T["y"])), S("x", (3, 4)), S("y", (4,)),
     second=True)
case("dist-0d", "binary", out(lambda lib, T: lib.dist(T["x"], T["y"])), S("x", ()), S("y", ()))
case("dist-mixed", "binary", out(lambda lib, T: lib.dist(T["x"], T["d"])), S("x", (3,)),
     S("d", (3,), dtype="float64"), dtypes=("float32",))

# ---- trace, addmm, diag, diagonal, cross, kron -------------------------------------------------

MATRIX = {
    "trace": (lambda lib, T: lib.trace(T["m"]), False),
    "trace-rect": (lambda lib, T: T["r"].trace(), False),
    "trace-rect-t": (lambda lib, T: T["r"].t().trace(), False),
    "addmm": (lambda lib, T: lib.addmm(T["m"], T["r"], T["r"].t()), True),
    "addmm-method": (lambda lib, T: T["m"].addmm(T["r"], T["r"].t()), False),
    "addmm-scaled": (lambda lib, T: lib.addmm(T["m"], T["r"], T["r"].t(), beta=0.5, alpha=-2), True),
    "addmm-alpha": (lambda lib, T: lib.addmm(T["v"][:3], T["r"], T["r"].t(), alpha=3), True),
    "addmm-beta0": (lambda lib, T: lib.addmm(T["m"], T["r"], T["r"].t(), beta=0), False),
    "diag-vector": (lambda lib, T: lib.diag(T["v"]), False),
    "diag-vector-above": (lambda lib, T: lib.diag(T["v"], 2), False),
    "diag-vector-below": (lambda lib, T: T["v"].diag(-1), False),
    "diag-matrix": (lambda lib, T: lib.diag(T["m"]), False),
    "diag-matrix-below": (lambda lib, T: lib.diag(T["r"], -1), False),
    "diag-matrix-above": (lambda lib, T: lib.diag(T["r"], diagonal=2), False),
    "diag-matrix-outside": (lambda lib, T: lib.diag(T["r"], 7), False),
    "diagonal": (lambda lib, T: lib.diagonal(T["m"]) * 2, False),
    "diagonal-offset": (lambda lib, T: T["r"].diagonal(1), False),
    "diagonal-negative": (lambda lib, T: T["r"].diagonal(-2), False),
    "diagonal-3d": (lambda lib, T: lib.diagonal(T["c"], 1, 0, 2), False),
    "diagonal-3d-negative-dims": (lambda lib, T: T["c"].diagonal(offset=-1, dim1=-1, dim2=-2), False),
    "diagonal-of-transpose": (lambda lib, T: T["r"].t().diagonal(-1), False),
    "diagonal-square": (lambda lib, T: lib.diagonal(T["m"]) ** 2, True),
    "cross": (lambda lib, T: lib.cross(T["m"], T["n"], dim=1), True),
    "cross-dim0": (lambda lib, T: T["m"].cross(T["n"], dim=0), True),
    "cross-default": (lambda lib, T: lib.cross(T["r"].t(), T["r"].t() * 2 + 1), False),
    "kron": (lambda lib, T: lib.kron(T["m"], T["r"]), True),
    "kron-vectors": (lambda lib, T: T["v"].kron(T["v"][:2]), True),
    "kron-mixed-dims": (lambda lib, T: lib.kron(T["r"], T["v"]), False),
}
for _name, (_f, _second) in MATRIX.items():
    case(_name, "matrix", out(_f), S("m", (3, 3)), S("n", (3, 3)), S("r", (3, 4)), S("v", (4,)),
         S("c", (2, 3, 4)), second=_second)

case("cross-broadcast", "matrix", out(lambda lib, T: lib.cross(T["a"], T["b"], dim=-1)), S("a", (1, 3)),
     S("b", (4, 3)), second=True)
case("trace-int", "matrix", out(lambda lib, T: lib.trace(T["i"].reshape(2, 3))), I("i", (6,)), dtypes=("float32",))
case("diag-int", "matrix", out(lambda lib, T: lib.diag(T["i"])), I("i", (3,)), dtypes=("float32",))
case("kron-0d", "matrix", out(lambda lib, T: lib.kron(T["s"], T["r"])), S("s", ()), S("r", (2, 3)))
case("kron-int", "matrix", out(lambda lib, T: lib.kron(T["i"], T["i"])), I("i", (3,)), dtypes=("float32",))
case("kron-mixed-dtypes", "matrix", out(lambda lib, T: lib.kron(T["x"], T["d"])), S("x", (2,)),
     S("d", (2, 2), dtype="float64"), dtypes=("float32",))
case("addmm-0d-input", "matrix", out(lambda lib, T: lib.addmm(T["s"], T["a"], T["b"], beta=2)), S("s", ()),
     S("a", (2, 3)), S("b", (3, 2)))


def _write_through_diagonal(lib, T):
    """A diagonal is a view: writing into it changes the matrix, and autograd records it (CopySlices)."""
    y = T["m"] * 1
    d = y.diagonal()
    d.mul_(T["v"][:3])
    return y + d.sum()


def _zero_the_diagonal(lib, T):
    y = T["r"].t() * 1
    y.diagonal(1).zero_()
    return y


case("diagonal-written-through", "views", out(_write_through_diagonal), S("m", (3, 3)), S("v", (4,)))
case("diagonal-zeroed", "views", out(_zero_the_diagonal), S("r", (3, 4)))


def _diagonal_shares_memory(lib, T):
    """The view's numbers and version counter are the matrix's."""
    m = T["m"].detach().clone()
    d = m.diagonal()
    d[0] = 7.0
    m[1, 1] = 8.0
    return lib.cat([d, m.diagonal(), lib.tensor([float(d._version), float(m._version)], dtype=m.dtype)])


case("diagonal-shares-memory", "views", out(_diagonal_shares_memory), S("m", (3, 3)))

# ---- broadcasting, meshgrid, addcmul/addcdiv, one-sided clamps --------------------------------

MORE = {   # name -> (program, second derivatives)
    "broadcast_to": (lambda lib, T: lib.broadcast_to(T["c"], (2, 3, 4)), False),
    "broadcast_to-method": (lambda lib, T: T["v"].broadcast_to((3, 4)) * T["r"], True),
    "broadcast_to-same": (lambda lib, T: lib.broadcast_to(T["r"], (3, 4)), False),
    "broadcast_to-minus-one": (lambda lib, T: lib.broadcast_to(T["c"], (2, -1, 4)), False),
    "broadcast_tensors-0": (lambda lib, T: lib.broadcast_tensors(T["c"], T["v"])[0], False),
    "broadcast_tensors-1": (lambda lib, T: lib.broadcast_tensors(T["c"], T["v"])[1] * T["r"], True),
    "broadcast_tensors-three": (lambda lib, T: sum(lib.broadcast_tensors(T["c"], T["v"], T["s"])), False),
    "meshgrid-ij-0": (lambda lib, T: lib.meshgrid(T["a"], T["v"], indexing="ij")[0], False),
    "meshgrid-ij-1": (lambda lib, T: lib.meshgrid(T["a"], T["v"], indexing="ij")[1] ** 2, True),
    "meshgrid-xy-0": (lambda lib, T: lib.meshgrid(T["a"], T["v"], indexing="xy")[0], False),
    "meshgrid-xy-1": (lambda lib, T: lib.meshgrid([T["a"], T["v"]], indexing="xy")[1], False),
    "meshgrid-three-xy": (lambda lib, T: lib.meshgrid(T["a"], T["v"], T["a"], indexing="xy")[2] * 2, False),
    "meshgrid-0d": (lambda lib, T: lib.meshgrid(T["s"], T["v"], indexing="ij")[0], False),
    "addcmul": (lambda lib, T: lib.addcmul(T["r"], T["c2"], T["v"]), True),
    "addcmul-value": (lambda lib, T: T["r"].addcmul(T["r"], T["v"], value=-0.5), True),
    "addcdiv": (lambda lib, T: lib.addcdiv(T["r"], T["c2"], T["p"]), True),
    "addcdiv-value": (lambda lib, T: T["v"].addcdiv(T["r"], T["p"], value=3), True),
    "clamp_min": (lambda lib, T: lib.clamp_min(T["r"], 0.1), False),
    "clamp_min-method": (lambda lib, T: T["r"].clamp_min(-0.2), False),
    "clamp_min-tensor": (lambda lib, T: lib.clamp_min(T["r"], T["v"]), False),
    "clamp_max": (lambda lib, T: lib.clamp_max(T["r"], 0.1), False),
    "clamp_max-tensor": (lambda lib, T: T["r"].clamp_max(T["v"]), False),
    "clamp_min-squared": (lambda lib, T: lib.clamp_min(T["r"], 0.0) ** 2, True),
    "logaddexp": (lambda lib, T: lib.logaddexp(T["r"], T["v"]), True),
    "logaddexp-method": (lambda lib, T: T["r"].logaddexp(T["r"] * 2), True),
    "hypot": (lambda lib, T: lib.hypot(T["r"], T["v"]), True),
    "hypot-method": (lambda lib, T: T["v"].hypot(T["r"]), True),
    "movedim": (lambda lib, T: lib.movedim(T["c"], 0, -1), False),
    "movedim-lists": (lambda lib, T: T["c"].movedim((0, 1), (2, 0)), False),
    "moveaxis": (lambda lib, T: lib.moveaxis(T["c"], -1, 0) ** 2, True),
    "unflatten": (lambda lib, T: lib.unflatten(T["r"], 1, (2, 2)), False),
    "unflatten-method": (lambda lib, T: T["r"].unflatten(-1, (2, -1)), False),
    "atleast_1d-0d": (lambda lib, T: lib.atleast_1d(T["s"]), False),
    "atleast_1d-vector": (lambda lib, T: lib.atleast_1d(T["v"]) * 2, False),
    "atleast_2d-vector": (lambda lib, T: lib.atleast_2d(T["v"]), False),
    "atleast_2d-0d": (lambda lib, T: lib.atleast_2d(T["s"]), False),
    "atleast_2d-tuple": (lambda lib, T: lib.atleast_2d(T["s"], T["v"])[1], False),
    "atleast_3d-vector": (lambda lib, T: lib.atleast_3d(T["v"]), False),
    "atleast_3d-matrix": (lambda lib, T: lib.atleast_3d(T["r"]), False),
    "atleast_3d-0d": (lambda lib, T: lib.atleast_3d([T["s"]])[0], False),
    "fliplr": (lambda lib, T: lib.fliplr(T["r"]), False),
    "fliplr-method": (lambda lib, T: T["c"].fliplr() ** 2, True),
    "flipud": (lambda lib, T: lib.flipud(T["v"]), False),
    "flipud-method": (lambda lib, T: T["c"].flipud(), False),
    "take_along_dim": (lambda lib, T: lib.take_along_dim(T["r"], T["i"], 1), False),
    "take_along_dim-flat": (lambda lib, T: lib.take_along_dim(T["r"], T["i"]), False),
    "take_along_dim-argsort": (lambda lib, T: T["r"].take_along_dim(T["r"].argsort(dim=0), dim=0) ** 2, True),
    "take_along_dim-broadcast": (lambda lib, T: lib.take_along_dim(T["r"], T["i"][:1], 1), False),
    "argwhere": (lambda lib, T: lib.argwhere(T["r"] > 0), False),
    "argwhere-method": (lambda lib, T: (T["c"] > 0).argwhere(), False),
    "cummax-values": (lambda lib, T: lib.cummax(T["r"], 1).values, False),
    "cummax-indices": (lambda lib, T: lib.cummax(T["r"], 0)[1], False),
    "cummax-ties": (lambda lib, T: lib.cummax(lib.cat([T["r"], T["r"]], 1), dim=1)[0] ** 2, True),
    "cummax-ties-indices": (lambda lib, T: lib.cummax(lib.cat([T["r"], T["r"]], 1), 1).indices, False),
    "cummin-ties-indices": (lambda lib, T: lib.cat([T["r"], T["r"]], 0).cummin(0).indices, False),
    "cummax-ties-grad": (lambda lib, T: lib.cummax(lib.cat([T["r"], T["r"] * 1], 1), 1).values, False),
    "cummin-values": (lambda lib, T: T["r"].cummin(0).values, False),
    "cummin-indices": (lambda lib, T: T["r"].round().cummin(1).indices, False),
    "cummax-0d": (lambda lib, T: lib.cummax(T["s"], 0).values, False),
    "diff": (lambda lib, T: lib.diff(T["r"]), False),
    "diff-n2-dim0": (lambda lib, T: T["r"].diff(n=2, dim=0), False),
    "diff-prepend": (lambda lib, T: lib.diff(T["v"], prepend=T["a"], append=T["v"][:1]), False),
    "diff-squared": (lambda lib, T: lib.diff(T["r"], 1, 1) ** 2, True),
    "diff-bool": (lambda lib, T: lib.diff(T["r"] > 0), False),
    "count_nonzero": (lambda lib, T: lib.count_nonzero(T["r"].round()), False),
    "count_nonzero-dim": (lambda lib, T: T["c"].round().count_nonzero(dim=1), False),
    "count_nonzero-dims": (lambda lib, T: lib.count_nonzero(T["c"].round(), dim=(0, 2)), False),
}
for _name, (_f, _second) in MORE.items():
    case(_name, "more", out(_f), S("r", (3, 4)), S("v", (4,)), S("c", (2, 3, 1)), S("c2", (3, 1)), S("s", ()),
         S("a", (3,)), S("p", (4,), "positive"), I("i", (3, 2), high=4), second=_second)

INVERSE_HYPERBOLIC = {"asinh": "wide", "acosh": "positive", "atanh": "unit", "arcsinh": "normal",
                      "arccosh": "positive", "arctanh": "unit"}
for _name, _kind in INVERSE_HYPERBOLIC.items():
    _shift = 1 if "cosh" in _name else 0        # acosh is real from 1 up
    case(_name, "unary", out(lambda lib, T, n=_name, k=_shift: getattr(lib, n)(T["x"] + k)), S("x", (3, 4), _kind),
         second=True)
    case(f"{_name}-method", "unary", out(lambda lib, T, n=_name, k=_shift: getattr(T["x"] + k, n)()),
         S("x", (5,), _kind))
    case(f"{_name}-0d", "unary", out(lambda lib, T, n=_name, k=_shift: getattr(lib, n)(T["x"] + k)),
         S("x", (), _kind), second=True)
    case(f"{_name}-int", "unary", out(lambda lib, T, n=_name: getattr(lib, n)(T["i"])), I("i", (4,)),
         dtypes=("float32",))

case("addcmul-mixed", "more", out(lambda lib, T: lib.addcmul(T["x"], T["d"], T["x"], value=2)), S("x", (3,)),
     S("d", (3,), dtype="float64"), dtypes=("float32",))
case("addcmul-int", "more", out(lambda lib, T: lib.addcmul(T["i"], T["i"], T["i"], value=2)), I("i", (3,)),
     dtypes=("float32",))
case("clamp_min-int-float", "more", out(lambda lib, T: lib.clamp_min(T["i"], 1.5)), I("i", (4,)),
     dtypes=("float32",))
case("clamp_max-mixed", "more", out(lambda lib, T: lib.clamp_max(T["x"], T["d"])), S("x", (3,)),
     S("d", (3,), dtype="float64"), dtypes=("float32",))
case("meshgrid-int", "more", out(lambda lib, T: lib.meshgrid(T["i"], T["i"][:2], indexing="ij")[1]), I("i", (3,)),
     dtypes=("float32",))


# ---- errors ----------------------------------------------------------------------------------


def _x(lib):
    return lib.ones(2, 3)


ERRORS = {
    "new_zeros-str": lambda lib: _x(lib).new_zeros("a"),
    "new_zeros-negative": lambda lib: _x(lib).new_zeros(-1),
    "new_zeros-no-size": lambda lib: _x(lib).new_zeros(),
    "new_ones-no-size": lambda lib: _x(lib).new_ones(),
    "new_full-no-fill": lambda lib: _x(lib).new_full((2,)),
    "new_full-int-size": lambda lib: _x(lib).new_full(2, 3.0),
    "new_tensor-grad-int": lambda lib: lib.tensor([1]).new_tensor([1, 2], requires_grad=True),
    "new_ones-grad-int": lambda lib: lib.tensor([1]).new_ones(2, requires_grad=True),
    "type_as-int": lambda lib: _x(lib).type_as(3),
    "where-not-bool": lambda lib: _x(lib).where(_x(lib), 0.0),
    "where-int-condition": lambda lib: _x(lib).where(lib.tensor([1, 0, 1]), 0.0),
    "where-shapes": lambda lib: _x(lib).where(_x(lib) > 0, lib.zeros(4)),
    "trunc-bool": lambda lib: lib.trunc(lib.tensor([True])),
    "fix-bool": lambda lib: lib.fix(lib.tensor([True])),
    "frac-int": lambda lib: lib.frac(lib.tensor([1, 2])),
    "frac-bool": lambda lib: lib.frac(lib.tensor([True])),
    "lerp-end-dtype": lambda lib: lib.lerp(_x(lib), _x(lib).double(), 0.5),
    "lerp-weight-dtype": lambda lib: lib.lerp(_x(lib), _x(lib), _x(lib).double()),
    "lerp-int": lambda lib: lib.lerp(lib.tensor([1, 2]), lib.tensor([1, 2]), 0.5),
    "lerp-int-tensor-weight": lambda lib: lib.lerp(lib.tensor([1, 2]), lib.tensor([1, 2]), lib.tensor([1, 2])),
    "lerp-shapes": lambda lib: lib.lerp(_x(lib), lib.ones(4), 0.5),
    "fmod-int-zero": lambda lib: lib.fmod(lib.tensor([1, 2]), 0),
    "fmod-int-tensor-zero": lambda lib: lib.fmod(lib.tensor([1, 2]), lib.tensor([1, 0])),
    "fmod-shapes": lambda lib: lib.fmod(_x(lib), lib.ones(4)),
    "cumprod-no-dim": lambda lib: lib.cumprod(_x(lib)),
    "cumprod-dim": lambda lib: lib.cumprod(_x(lib), 2),
    "dist-int": lambda lib: lib.dist(lib.tensor([1, 2]), lib.tensor([1, 2])),
    "dist-shapes": lambda lib: lib.dist(_x(lib), lib.ones(4)),
    "trace-vector": lambda lib: lib.trace(lib.ones(3)),
    "trace-3d": lambda lib: lib.trace(lib.ones(2, 2, 2)),
    "addmm-shapes": lambda lib: lib.addmm(lib.ones(3, 3), _x(lib), _x(lib)),
    "addmm-vector": lambda lib: lib.addmm(lib.ones(3, 3), lib.ones(3), lib.ones(3, 3)),
    "addmm-dtypes": lambda lib: lib.addmm(lib.ones(3, 3), lib.ones(3, 3).double(), lib.ones(3, 3)),
    "addmm-input-dtype": lambda lib: lib.addmm(lib.ones(3, 3).double(), lib.ones(3, 3), lib.ones(3, 3)),
    "addmm-input-shape": lambda lib: lib.addmm(lib.ones(4), _x(lib), _x(lib).t()),
    "diag-3d": lambda lib: lib.diag(lib.ones(2, 2, 2)),
    "diag-0d": lambda lib: lib.diag(lib.tensor(1.0)),
    "diagonal-vector": lambda lib: lib.diagonal(lib.ones(3)),
    "diagonal-same-dims": lambda lib: lib.diagonal(lib.ones(3, 3), 0, 1, 1),
    "diagonal-dim": lambda lib: lib.diagonal(lib.ones(3, 3), 0, 0, 2),
    "cross-no-3": lambda lib: lib.cross(lib.ones(2, 4), lib.ones(2, 4)),
    "cross-length": lambda lib: lib.cross(lib.ones(2, 4), lib.ones(2, 4), dim=1),
    "cross-ndim": lambda lib: lib.cross(lib.ones(3), lib.ones(2, 3), dim=-1),
    "cross-dtypes": lambda lib: lib.cross(lib.ones(3), lib.ones(3).double(), dim=0),
    "kron-number": lambda lib: lib.kron(_x(lib), 2),
    "broadcast_to-shape": lambda lib: lib.broadcast_to(lib.ones(3), (2, 4)),
    "broadcast_to-fewer": lambda lib: lib.broadcast_to(_x(lib), (3,)),
    "broadcast_tensors-shapes": lambda lib: lib.broadcast_tensors(_x(lib), lib.ones(4)),
    "meshgrid-indexing": lambda lib: lib.meshgrid(lib.ones(2), lib.ones(3), indexing="ab"),
    "meshgrid-dtypes": lambda lib: lib.meshgrid(lib.ones(2), lib.ones(3).double(), indexing="ij"),
    "meshgrid-empty": lambda lib: lib.meshgrid([], indexing="ij"),
    "addcmul-shapes": lambda lib: lib.addcmul(_x(lib), lib.ones(4), lib.ones(3)),
    "addcdiv-int": lambda lib: lib.addcdiv(lib.ones(2), lib.tensor([1, 2]), lib.tensor([1, 2])),
    "addcmul-number": lambda lib: lib.addcmul(_x(lib), 2, _x(lib)),
    "clamp_max-shapes": lambda lib: lib.clamp_max(_x(lib), lib.ones(4)),
    "logaddexp-number": lambda lib: lib.logaddexp(_x(lib), 2.0),
    "logaddexp-int": lambda lib: lib.logaddexp(lib.tensor([1, 2]), lib.tensor([1, 2])),
    "hypot-shapes": lambda lib: lib.hypot(_x(lib), lib.ones(4)),
    "movedim-lengths": lambda lib: lib.movedim(lib.ones(2, 3, 4), (0, 1), (0,)),
    "movedim-repeated": lambda lib: lib.movedim(lib.ones(2, 3, 4), (0, 0), (1, 2)),
    "movedim-repeated-destination": lambda lib: lib.movedim(lib.ones(2, 3, 4), (0, 1), (2, 2)),
    "movedim-range": lambda lib: lib.movedim(lib.ones(2, 3), 2, 0),
    "unflatten-product": lambda lib: lib.unflatten(_x(lib), 1, (2, 2)),
    "unflatten-empty": lambda lib: lib.unflatten(_x(lib), 1, ()),
    "fliplr-1d": lambda lib: lib.fliplr(lib.ones(3)),
    "flipud-0d": lambda lib: lib.flipud(lib.tensor(1.0)),
    "take_along_dim-float": lambda lib: lib.take_along_dim(_x(lib), lib.ones(2, 1), 1),
    "take_along_dim-ndim": lambda lib: lib.take_along_dim(_x(lib), lib.tensor([0]), 1),
    "cummax-dim": lambda lib: lib.cummax(_x(lib), 2),
    "diff-0d": lambda lib: lib.diff(lib.tensor(1.0)),
    "diff-negative-n": lambda lib: lib.diff(lib.ones(3), n=-1),
    "count_nonzero-repeated": lambda lib: lib.count_nonzero(_x(lib), dim=(0, 0)),
    "relu-bool": lambda lib: lib.relu(lib.tensor([True, False])),
}
for _name in ("tan", "sinh", "cosh", "asin", "acos", "atan", "log2", "log10", "trunc", "frac", "exp", "log", "sin",
              "cos", "tanh", "log1p", "expm1", "sqrt", "asinh", "acosh", "atanh"):
    ERRORS[f"{_name}-number"] = lambda lib, n=_name: getattr(lib, n)(2.0)

# Warnings PyTorch gives: name -> program; the messages are recorded.
WARNINGS = {
    "cross-without-dim": lambda lib: lib.cross(lib.ones(2, 3), lib.ones(2, 3)),
    "new_tensor-of-tensor": lambda lib: lib.ones(2).new_tensor(lib.ones(2)),
    "meshgrid-without-indexing": lambda lib: lib.meshgrid(lib.ones(2), lib.ones(3)),
}


def run_warnings(lib, fn):
    """The messages of the warnings ``fn(lib)`` gives."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(lib)
    return [str(w.message) for w in caught]
