"""The golden cases for sorting and selecting (autograd_ref/ops/selection.py): small programs written
once against a module ``lib`` (``torch`` in ``record.py``, ``autograd_ref`` in
``tests/test_golden_selection.py``). Nothing here imports torch.

A case is ``fn(lib, *inputs) -> outputs`` (a tensor, a tuple of them, or a dict of plain values);
its inputs are leaf tensors built from arrays that ``record.py`` draws once and stores.
``run`` is the one procedure both sides use: the forward, the outputs' values, dtypes,
``requires_grad`` and graph (node names, five levels deep), then the inputs' gradients of
``sum(w * y)`` over the float outputs ``y`` that require grad (fixed random ``w``); for
``second=True`` the loss is ``sum(w * y + y * y)``, so that its first derivative depends on the
outputs again and the second derivative goes back through each backward.

``ERRORS`` holds misuse that PyTorch refuses: name -> (program, how many characters of PyTorch's
first message line must match; None for all of it).
"""
import zlib
from collections import namedtuple

import numpy

SEED = 20250301

Input = namedtuple("Input", "shape dtype grad kind values")
Case = namedtuple("Case", "name fn inputs second")
CASES = []


def X(shape=(3, 5), dtype="F", grad=True, kind="distinct", values=None):
    """One input: ``kind`` is distinct (no two values equal: no ties to break), ties (a few repeated
    values), normal, int (small integers), bool, nonzero (floats with exact zeros); or fixed ``values``.
    ``dtype="F"`` becomes float32 and float64 (see ``both``)."""
    if values is not None:
        shape = numpy.shape(values)
    return Input(tuple(shape), dtype, grad, kind, values)


def C(*args, **kw):
    """An input that does not require grad."""
    return X(*args, grad=False, **kw)


def case_adders(cases):
    """``case`` and ``both``, which add to the list ``cases``: each golden set laid out as this one keeps its own.

        >>> CASES = []; case, both = case_adders(CASES)
    """
    def case(name, fn, *inputs, second=False):
        assert name not in {c.name for c in cases}, name
        cases.append(Case(name, fn, tuple(inputs), second))

    def both(name, fn, *inputs, second=False):
        """The case in float32 (``name-f32``) and float64 (``name-f64``)."""
        for suffix, dtype in (("f32", "float32"), ("f64", "float64")):
            case(f"{name}-{suffix}", fn, *(i._replace(dtype=dtype) if i.dtype == "F" else i for i in inputs),
                 second=second)

    return case, both


case, both = case_adders(CASES)


NAN = float("nan")

# ---- sort, argsort, msort, topk ----------------------------------------------------------------

both("sort", lambda lib, x: lib.sort(x), X(), second=True)
both("sort-dim0-descending", lambda lib, x: lib.sort(x, 0, True), X((4, 3)), second=True)
both("sort-method", lambda lib, x: x.sort(dim=-2, descending=False), X((2, 4, 3)))
both("sort-stable-ties", lambda lib, x: lib.sort(x, stable=True), X((3, 8), kind="ties"), second=True)
both("sort-stable-descending-ties", lambda lib, x: lib.sort(x, dim=0, descending=True, stable=True),
     X((8, 3), kind="ties"))
both("sort-stable-false", lambda lib, x: x.sort(stable=False), X((2, 5)))
both("sort-nan", lambda lib, x: (lib.sort(x), lib.sort(x, descending=True)),
     X(values=[3.0, NAN, 1.0, NAN, 2.0]))
both("sort-0d", lambda lib, x: lib.sort(x), X(()))
both("sort-empty", lambda lib, x: lib.sort(x, 0), X((0, 3)))
case("sort-int", lambda lib, x: lib.sort(x, descending=True, stable=True), C((3, 6), "int64", kind="int"))
case("sort-bool", lambda lib, x: lib.sort(x, stable=True), C((7,), "bool", kind="bool"))
both("argsort", lambda lib, x: (lib.argsort(x), lib.argsort(x, dim=0, descending=True)), X((3, 4)))
both("argsort-stable-ties", lambda lib, x: (lib.argsort(x, stable=True), x.argsort(descending=True, stable=True)),
     X((2, 9), kind="ties"))
both("argsort-0d", lambda lib, x: lib.argsort(x), X(()))
both("msort", lambda lib, x: lib.msort(x), X((4, 3)), second=True)
both("msort-method", lambda lib, x: x.msort(), X((5,)))
both("topk", lambda lib, x: lib.topk(x, 2), X(), second=True)
both("topk-smallest-dim0", lambda lib, x: lib.topk(x, 3, dim=0, largest=False), X((4, 3)), second=True)
both("topk-method", lambda lib, x: x.topk(1, -2, True, True), X((2, 3, 4)))
both("topk-k0", lambda lib, x: lib.topk(x, 0), X((3, 4)))
both("topk-all", lambda lib, x: lib.topk(x, 4), X((3, 4)))


def _topk_unsorted(lib, x):
    """PyTorch leaves the order open with ``sorted=False``: compare the values and indices sorted."""
    values, indices = lib.topk(x, 3, sorted=False)
    return lib.sort(values).values, lib.sort(indices).values


both("topk-unsorted", _topk_unsorted, X((2, 6)))
both("topk-0d", lambda lib, x: lib.topk(x, 1), X(()))
both("topk-nan", lambda lib, x: (lib.topk(x, 2), lib.topk(x, 2, largest=False)),
     X(values=[3.0, NAN, 1.0, NAN, 2.0]))
case("topk-int", lambda lib, x: lib.topk(x, 2), C((6,), "int64", values=[4, -1, 7, 0, 3, 2]))

# ---- median --------------------------------------------------------------------------------------

both("median-odd", lambda lib, x: lib.median(x), X((3, 5)), second=True)
both("median-even", lambda lib, x: lib.median(x), X((2, 3)))
both("median-ties", lambda lib, x: lib.median(x), X(values=[[1.0, 2.0, 2.0], [3.0, 2.0, 5.0]]))
both("median-dim", lambda lib, x: lib.median(x, 1), X((3, 4)), second=True)
both("median-dim0-keepdim", lambda lib, x: lib.median(x, 0, keepdim=True), X((5, 3)))
both("median-method", lambda lib, x: (x.median(), x.median(dim=-1)), X((2, 3)))
both("median-0d", lambda lib, x: (lib.median(x), lib.median(x, 0)), X(()))
both("median-nan", lambda lib, x: (lib.median(x), lib.median(x, 1)),
     X(values=[[1.0, NAN, 3.0, NAN], [4.0, 2.0, 0.0, 5.0]]))
both("median-empty", lambda lib, x: lib.median(x), X((0,)))
case("median-int", lambda lib, x: (lib.median(x), lib.median(x, 0)), C((4,), "int64", values=[7, -1, 3, 10]))

# ---- flip, roll, tile, repeat_interleave ---------------------------------------------------------

both("flip", lambda lib, x: lib.flip(x, (0,)), X((3, 4)), second=True)
both("flip-two-dims", lambda lib, x: lib.flip(x, [0, -1]), X((2, 3, 4)))
both("flip-method", lambda lib, x: (x.flip(1), x.flip(0, 1), x.flip([2])), X((2, 3, 4)))
both("flip-no-dims", lambda lib, x: lib.flip(x, ()), X((2, 3)))
both("flip-0d", lambda lib, x: lib.flip(x, (0,)), X(()))
case("flip-int", lambda lib, x: lib.flip(x, (1,)), C((2, 3), "int64", kind="int"))
both("roll-flat", lambda lib, x: lib.roll(x, 2), X((3, 4)), second=True)
both("roll-dims", lambda lib, x: lib.roll(x, (1, -2), (0, 1)), X((3, 4)), second=True)
both("roll-past-size", lambda lib, x: lib.roll(x, 7, 1), X((2, 3)))
both("roll-method", lambda lib, x: x.roll(-1, -1), X((2, 5)))
both("roll-0d", lambda lib, x: lib.roll(x, 1), X(()))
case("roll-bool", lambda lib, x: lib.roll(x, 1, 0), C((5,), "bool", kind="bool"))
both("tile", lambda lib, x: lib.tile(x, (2,)), X((2, 3)), second=True)
both("tile-more-dims", lambda lib, x: lib.tile(x, (2, 1, 3)), X((2, 3)))
both("tile-method", lambda lib, x: (x.tile(2, 1), x.tile((1, 2))), X((2, 2)))
both("tile-0d", lambda lib, x: lib.tile(x, (2, 3)), X(()))
both("repeat-interleave", lambda lib, x: lib.repeat_interleave(x, 2), X((2, 3)), second=True)
both("repeat-interleave-dim0", lambda lib, x: lib.repeat_interleave(x, 3, dim=0), X((2, 3)), second=True)
both("repeat-interleave-method", lambda lib, x: x.repeat_interleave(2, dim=-1), X((2, 3)))
both("repeat-interleave-1d", lambda lib, x: lib.repeat_interleave(x, 2), X((3,)))
both("repeat-interleave-0d", lambda lib, x: lib.repeat_interleave(x, 3), X(()))
both("repeat-interleave-zero", lambda lib, x: lib.repeat_interleave(x, 0, dim=1), X((2, 3)))


def _counts(lib, values):
    return lib.tensor(values)


both("repeat-interleave-tensor", lambda lib, x: lib.repeat_interleave(x, _counts(lib, [1, 0, 3]), dim=0),
     X((3, 2)), second=True)
both("repeat-interleave-tensor-flat", lambda lib, x: lib.repeat_interleave(x, _counts(lib, [2, 1, 0, 1, 1, 3])),
     X((2, 3)))
both("repeat-interleave-tensor-one", lambda lib, x: (lib.repeat_interleave(x, _counts(lib, [2]), dim=1),
                                                     x.repeat_interleave(_counts(lib, 2), dim=0)), X((2, 3)))
case("repeat-interleave-counts", lambda lib: lib.repeat_interleave(_counts(lib, [2, 0, 1, 3])))
case("repeat-interleave-int", lambda lib, x: lib.repeat_interleave(x, 2, dim=0), C((2, 2), "int64", kind="int"))

# ---- vstack, hstack, dstack ----------------------------------------------------------------------

both("vstack", lambda lib, a, b: lib.vstack([a, b]), X((2, 3)), X((1, 3)), second=True)
both("vstack-1d", lambda lib, a, b: lib.vstack((a, b)), X((3,)), X((3,)))
both("vstack-mixed", lambda lib, a, b: lib.vstack([a, b]), X((3,)), X((2, 3)))
both("vstack-0d", lambda lib, a, b: lib.vstack([a, b]), X(()), X(()))
both("hstack", lambda lib, a, b: lib.hstack([a, b]), X((2, 3)), X((2, 1)), second=True)
both("hstack-1d", lambda lib, a, b: lib.hstack([a, b]), X((3,)), X((2,)))
both("hstack-0d", lambda lib, a, b: lib.hstack([a, b]), X(()), X((2,)))
both("dstack", lambda lib, a, b: lib.dstack([a, b]), X((2, 3)), X((2, 3)), second=True)
both("dstack-1d", lambda lib, a, b: lib.dstack([a, b]), X((3,)), X((3,)))
both("dstack-0d", lambda lib, a, b: lib.dstack([a, b]), X(()), X(()))
both("dstack-3d", lambda lib, a, b: lib.dstack([a, b]), X((2, 1, 2)), X((2, 1, 3)))
case("hstack-int", lambda lib, a, b: lib.hstack([a, b]), C((2,), "int64", kind="int"), C((3,), "int64", kind="int"))

# ---- nonzero, masked_select, unique --------------------------------------------------------------

both("nonzero", lambda lib, x: (lib.nonzero(x), lib.nonzero(x, as_tuple=True)), X((3, 4), kind="nonzero"))
both("nonzero-method", lambda lib, x: (x.nonzero(), x.nonzero(as_tuple=True)), X((2, 2, 3), kind="nonzero"))
both("nonzero-nan", lambda lib, x: lib.nonzero(x), X(values=[NAN, 0.0, -0.0, 2.0]))
both("nonzero-0d", lambda lib, x: (lib.nonzero(x), lib.nonzero(x, as_tuple=True),
                                   lib.nonzero(x * 0), lib.nonzero(x * 0, as_tuple=True)), X(()))
both("nonzero-empty", lambda lib, x: (lib.nonzero(x), lib.nonzero(x, as_tuple=True)), X((0, 3)))
case("nonzero-bool", lambda lib, x: lib.nonzero(x), C((3, 3), "bool", kind="bool"))
both("masked-select", lambda lib, x, m: lib.masked_select(x, m), X((3, 4)), C((3, 4), "bool", kind="bool"),
     second=True)
both("masked-select-broadcast-mask", lambda lib, x, m: lib.masked_select(x, m), X((3, 4)),
     C((4,), "bool", values=[True, False, True, True]), second=True)
both("masked-select-broadcast-input", lambda lib, x, m: lib.masked_select(x, m), X((4,)),
     C((3, 4), "bool", kind="bool"), second=True)
both("masked-select-method", lambda lib, x: x.masked_select(x > 0), X((2, 5), kind="normal"))
both("masked-select-0d", lambda lib, x, m: (lib.masked_select(x, m), lib.masked_select(x, m.logical_not())),
     X(()), C((), "bool", values=True))
both("masked-select-none", lambda lib, x, m: lib.masked_select(x, m), X((2, 3)),
     C((2, 3), "bool", values=[[False] * 3] * 2))
case("masked-select-int", lambda lib, x, m: lib.masked_select(x, m), C((2, 3), "int64", kind="int"),
     C((2, 3), "bool", kind="bool"))
both("unique", lambda lib, x: lib.unique(x), X((3, 5), kind="ties"))
both("unique-inverse-counts", lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True),
     X((3, 5), kind="ties"))
both("unique-unsorted", lambda lib, x: lib.unique(x, sorted=False, return_counts=True), X((8,), kind="ties"))
both("unique-method", lambda lib, x: x.unique(return_inverse=True), X((2, 4), kind="ties"))
both("unique-dim0", lambda lib, x: lib.unique(x, dim=0, return_inverse=True, return_counts=True),
     X(values=[[1.0, 2.0], [0.0, 4.0], [1.0, 2.0], [1.0, -3.0]]))
both("unique-dim1", lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True, dim=1),
     X(values=[[1.0, 2.0, 1.0], [3.0, 4.0, 3.0]]))
both("unique-0d", lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True), X(()))
both("unique-nan", lambda lib, x: lib.unique(x, return_counts=True), X(values=[NAN, 1.0, NAN, 1.0]))
case("unique-int", lambda lib, x: lib.unique(x, return_inverse=True), C((10,), "int64", kind="int"))
case("unique-bool", lambda lib, x: lib.unique(x, return_counts=True), C((6,), "bool", kind="bool"))


def _unique_backward(lib, x):
    """unique's result is in the graph, but its backward refuses."""
    lib.unique(x).sum().backward()


def _unique_dim_backward(lib, x):
    lib.unique(x, dim=0).sum().backward()


# ---- multinomial: what is deterministic (shapes, dtypes, rules); the draws are tested apart -------

def _draws(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).rsplit(".", 1)[-1], "requires_grad": t.requires_grad}


def _multinomial_all(lib, w):
    """Without replacement, every category is drawn once when all are asked for."""
    t = lib.multinomial(w, 4)
    return dict(_draws(t), drawn=sorted(t.tolist()))


def _multinomial_zero_last(lib, w):
    """Categories of weight 0 come only after every positive one, without replacement."""
    t = lib.multinomial(w, 4)
    drawn = t.tolist()
    return dict(_draws(t), positive_first=sorted(drawn[:2]), zero_last=sorted(drawn[2:]))


both("multinomial", lambda lib, w: _draws(lib.multinomial(w, 3)), X((5,), kind="weights"))
both("multinomial-2d-replacement", lambda lib, w: _draws(lib.multinomial(w, 7, replacement=True)),
     X((3, 4), kind="weights"))
both("multinomial-method", lambda lib, w: _draws(w.multinomial(2, True)), X((2, 3), kind="weights"))
both("multinomial-all", _multinomial_all, C((4,), kind="weights"))
both("multinomial-zero-last", _multinomial_zero_last, C(values=[0.0, 2.0, 0.0, 1.0]))
both("multinomial-no-rows", lambda lib, w: _draws(lib.multinomial(w, 2)), C((0, 3), kind="weights"))


# ---- errors --------------------------------------------------------------------------------------

def _t(lib, shape=(3, 4)):
    return lib.ones(shape)


ERRORS = {
    "sort-dim": (lambda lib: lib.sort(_t(lib), 2), None),
    "argsort-dim": (lambda lib: lib.argsort(_t(lib), -3), None),
    "topk-k-too-large": (lambda lib: lib.topk(_t(lib), 5), None),
    "topk-k-negative": (lambda lib: lib.topk(_t(lib), -1), None),
    "topk-dim": (lambda lib: lib.topk(_t(lib), 1, 3), None),
    "median-empty-dim": (lambda lib: lib.median(lib.ones(0, 3), 0), None),
    "median-bool": (lambda lib: lib.median(lib.tensor([True, False])), None),
    "median-dim": (lambda lib: lib.median(_t(lib), 2), None),
    "flip-int-dims": (lambda lib: lib.flip(_t(lib), 0), None),
    "flip-repeated-dim": (lambda lib: lib.flip(_t(lib), (0, -2)), None),
    "flip-dim": (lambda lib: lib.flip(_t(lib), (2,)), None),
    "flip-method-no-dims": (lambda lib: _t(lib).flip(), None),
    "roll-misaligned": (lambda lib: lib.roll(_t(lib), (1, 2), (0,)), None),
    "roll-misaligned-no-dims": (lambda lib: lib.roll(_t(lib), (1, 2)), None),
    "roll-no-shifts": (lambda lib: lib.roll(_t(lib), (), ()), None),
    "roll-0d-dim": (lambda lib: lib.roll(lib.tensor(1.0), 1, 0), None),
    "roll-dim": (lambda lib: lib.roll(_t(lib), 1, 2), None),
    "tile-int-dims": (lambda lib: lib.tile(_t(lib), 2), None),
    "tile-negative": (lambda lib: lib.tile(_t(lib), (-1,)), None),
    "repeat-interleave-negative": (lambda lib: lib.repeat_interleave(_t(lib), -1), None),
    "repeat-interleave-size": (lambda lib: lib.repeat_interleave(_t(lib), lib.tensor([1, 2]), dim=0), None),
    "repeat-interleave-tensor-negative": (lambda lib: lib.repeat_interleave(_t(lib), lib.tensor([1, -1, 2]), dim=0),
                                          None),
    "repeat-interleave-2d-repeats": (lambda lib: lib.repeat_interleave(_t(lib), lib.tensor([[1, 1, 1]]), dim=0),
                                     None),
    "repeat-interleave-float-repeats": (lambda lib: lib.repeat_interleave(_t(lib), lib.tensor([1.0, 2.0, 1.0]), dim=0),
                                        None),
    "repeat-interleave-float-counts": (lambda lib: lib.repeat_interleave(lib.tensor([2.0, 1.0])), None),
    "repeat-interleave-dim": (lambda lib: lib.repeat_interleave(_t(lib), 2, 2), None),
    "repeat-interleave-list": (lambda lib: lib.repeat_interleave(_t(lib), [1, 2, 0], dim=0), 60),
    "vstack-empty": (lambda lib: lib.vstack([]), None),
    "hstack-empty": (lambda lib: lib.hstack([]), None),
    "dstack-empty": (lambda lib: lib.dstack([]), None),
    "vstack-tensor": (lambda lib: lib.vstack(_t(lib)), None),
    "vstack-sizes": (lambda lib: lib.vstack([_t(lib), lib.ones(3)]), None),
    "nonzero-as-tuple-positional": (lambda lib: lib.nonzero(_t(lib), True), None),
    "masked-select-not-bool": (lambda lib: lib.masked_select(_t(lib), lib.tensor([1, 0, 1, 0])), None),
    "masked-select-shapes": (lambda lib: lib.masked_select(_t(lib), lib.tensor([True, False])), None),
    "unique-dim": (lambda lib: lib.unique(_t(lib), dim=2), None),
    "unique-backward": (lambda lib: _unique_backward(lib, lib.ones(3, requires_grad=True)), None),
    "unique-dim-backward": (lambda lib: _unique_dim_backward(lib, lib.ones(2, 2, requires_grad=True)), None),
    "multinomial-too-many": (lambda lib: lib.multinomial(lib.tensor([1.0, 2.0, 0.0]), 4), None),
    "multinomial-negative": (lambda lib: lib.multinomial(lib.tensor([1.0, -1.0]), 1), None),
    "multinomial-nan": (lambda lib: lib.multinomial(lib.tensor([1.0, float("nan")]), 1), None),
    "multinomial-inf": (lambda lib: lib.multinomial(lib.tensor([1.0, float("inf")]), 1, True), None),
    "multinomial-zero-row": (lambda lib: lib.multinomial(lib.tensor([[1.0, 1.0], [0.0, 0.0]]), 1), None),
    "multinomial-3d": (lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1), None),
    "multinomial-0d": (lambda lib: lib.multinomial(lib.tensor(1.0), 1), None),
    "multinomial-no-samples": (lambda lib: lib.multinomial(lib.ones(3), 0), None),
    "multinomial-int": (lambda lib: lib.multinomial(lib.tensor([1, 2]), 1), None),
}


def run_error(lib, fn):
    """``(type name, first line of the message)`` of what ``fn(lib)`` raises, or ``(None, None)``."""
    try:
        fn(lib)
    except Exception as e:      # what PyTorch refuses, autograd_ref must refuse too
        return type(e).__name__, str(e).split("\n")[0]
    return None, None


# ---- running a case ------------------------------------------------------------------------------

def case_rng(name):
    return numpy.random.default_rng([SEED, zlib.crc32(name.encode())])


def make_input(spec, rng):
    np_dtype = {"float32": numpy.float32, "float64": numpy.float64, "int64": numpy.int64,
                "bool": numpy.bool_}[spec.dtype]
    if spec.values is not None:
        return numpy.array(spec.values, dtype=np_dtype)
    shape, kind, n = spec.shape, spec.kind, int(numpy.prod(spec.shape))
    if kind == "distinct":      # values at least 0.1 apart: no ties, and finite differences see no swap
        a = (rng.permutation(n) - n / 2) * 0.37 + rng.uniform(-0.05, 0.05, n)
    elif kind == "ties":
        a = rng.integers(-2, 3, n) / 2
    elif kind == "normal":
        a = rng.standard_normal(n)
    elif kind == "nonzero":
        a = rng.standard_normal(n) * (rng.random(n) < 0.5)
    elif kind == "weights":
        a = rng.uniform(0.1, 2.0, n)
    elif kind == "int":
        a = rng.integers(-4, 5, n)
    elif kind == "bool":
        a = rng.random(n) < 0.5
    else:
        raise ValueError(kind)
    return numpy.asarray(a).astype(np_dtype).reshape(shape)


def build_inputs(lib, arrays, case):
    return [lib.tensor(a, dtype=getattr(lib, s.dtype), requires_grad=s.grad) for a, s in zip(arrays, case.inputs)]


def _outputs(result):
    """The result as a flat list of ``(label, value)``."""
    if isinstance(result, dict):
        return [(k, v) for k, v in result.items()]
    if isinstance(result, (tuple, list)):
        flat = []
        for i, r in enumerate(result):
            if isinstance(r, (tuple, list)):
                flat.extend((f"{i}.{label}", v) for label, v in _outputs(r))
            else:
                flat.append((str(i), r))
        return flat
    return [("0", result)]


def _graph(node, depth=5):
    """``[name, [children...]]`` of a node, ``depth`` levels down (None for a missing edge)."""
    if node is None:
        return None
    children = [_graph(n, depth - 1) for n, _ in node.next_functions] if depth > 1 else []
    return [type(node).__name__, children]


def describe(lib, value):
    if not isinstance(value, lib.Tensor):
        return {"python": value}
    return {"array": value.detach().numpy().copy(), "requires_grad": value.requires_grad,
            "graph": _graph(value.grad_fn)}


def _types(result):
    """The class names of the tuples in ``result`` (``sort``, ``topk``, ``median`` are named tuples)."""
    if not isinstance(result, tuple):
        return []
    return [type(result).__name__] + [name for r in result for name in _types(r)]


def _np_dtype(t):
    return numpy.dtype(str(t.dtype).rsplit(".", 1)[-1])


def _float_outputs(lib, outs):
    return [v for _, v in outs if isinstance(v, lib.Tensor) and v.requires_grad and v.is_floating_point()]


def run(lib, case, arrays, weights=None, second_weights=None):
    """Run ``case`` on ``arrays``; ``weights`` (one per float output that requires grad) and
    ``second_weights`` (one per input that requires grad) may be a numpy Generator to draw them from."""
    inputs = build_inputs(lib, arrays, case)
    result = case.fn(lib, *inputs)
    outs = _outputs(result)
    record = {"outputs": [[label, describe(lib, v)] for label, v in outs],
              "types": _types(result)}
    ys = _float_outputs(lib, outs)
    leaves = [t for t in inputs if t.requires_grad]
    if not ys or not leaves:
        return record
    if isinstance(weights, numpy.random.Generator):
        weights = [weights.standard_normal(tuple(y.shape)).astype(_np_dtype(y)) for y in ys]
    record["weights"] = weights
    w = [lib.tensor(a, dtype=y.dtype) for a, y in zip(weights, ys)]
    if case.second:
        loss = sum((wi * y + y * y).sum() for wi, y in zip(w, ys))
    else:
        loss = sum((wi * y).sum() for wi, y in zip(w, ys))
    try:
        first = lib.autograd.grad(loss, leaves, create_graph=case.second, allow_unused=True)
    except Exception as e:      # unique: in the graph, but with no derivative
        record["backward_error"] = [type(e).__name__, str(e).split("\n")[0]]
        return record
    record["grads"] = [None if g is None else g.detach().numpy().copy() for g in first]
    if case.second:
        if isinstance(second_weights, numpy.random.Generator):
            second_weights = [second_weights.standard_normal(tuple(t.shape)).astype(_np_dtype(t))
                              for t in leaves]
        record["second_weights"] = second_weights
        used = [(g, lib.tensor(h, dtype=g.dtype)) for g, h in zip(first, second_weights)
                if g is not None and g.requires_grad]
        second = [None] * len(leaves)
        if used:
            second = lib.autograd.grad(sum((g * h).sum() for g, h in used), leaves, allow_unused=True)
        record["second"] = [None if s is None else s.detach().numpy().copy() for s in second]
    return record


# ---- storing arrays as JSON: the golden sets' one format ---------------------------------------------

from golden_nn.cases import decode_array, encode  # noqa: E402,F401 - record.py and the test use them
