"""The nn.utils / nn.init golden cases: small programs written once against a
module ``lib`` (``torch`` when recording, ``autograd_ref`` when testing).
Nothing here imports torch.

Each program returns plain data (numbers, lists, strings), so that
``record.py`` can store what PyTorch gives in ``values.json`` and
``tests/test_nn_utils.py`` can compare what autograd_ref gives with it.
"""
import math
import warnings

import numpy

SEED = 20250611
SHAPES = [(3, 4), (4,), (2, 3, 2)]


def grad_arrays(scale=1.0):
    """Fixed gradients, one per shape in ``SHAPES``."""
    rng = numpy.random.default_rng(SEED)
    return [scale * rng.standard_normal(shape) for shape in SHAPES]


def encode(t):
    """A tensor (or None) as plain data: its dtype's name and its values."""
    if t is None:
        return None
    return {"dtype": str(t.dtype).split(".")[-1], "values": t.detach().tolist()}


def params_with_grads(lib, scale=1.0, dtype="float32", last_without_grad=True, poison=None):
    """Parameters (zeros) whose ``.grad`` are the fixed gradients; the last one
    has none. ``poison`` puts that value (inf, nan) into the first gradient."""
    dt = getattr(lib, dtype)
    params = []
    for a in grad_arrays(scale):
        p = lib.zeros(a.shape, dtype=dt, requires_grad=True)
        g = lib.tensor(a, dtype=dt)
        if poison is not None and not params:
            g[0, 1] = poison
        p.grad = g
        params.append(p)
    if last_without_grad:
        params.append(lib.zeros(5, dtype=dt, requires_grad=True))
    return params


def clip_norm(max_norm, norm_type, **kw):
    def program(lib):
        params = params_with_grads(lib, **kw)
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        return {"total": encode(total), "grads": [encode(p.grad) for p in params]}
    return program


def clip_norm_single_tensor(lib):
    p = params_with_grads(lib, last_without_grad=False)[0]
    total = lib.nn.utils.clip_grad_norm_(p, 0.5)
    return {"total": encode(total), "grads": [encode(p.grad)]}


def clip_norm_generator(lib):
    params = params_with_grads(lib)
    total = lib.nn.utils.clip_grad_norm_((p for p in params), 1.5, 3.0)
    return {"total": encode(total), "grads": [encode(p.grad) for p in params]}


def clip_norm_no_grads(lib):
    params = [lib.zeros(3, requires_grad=True)]
    total = lib.nn.utils.clip_grad_norm_(params, 1.0)
    return {"total": encode(total), "grads": [encode(p.grad) for p in params]}


def clip_norm_nonfinite_allowed(poison, norm_type):
    def program(lib):
        params = params_with_grads(lib, poison=poison)
        total = lib.nn.utils.clip_grad_norm_(params, 1.0, norm_type, error_if_nonfinite=False)
        return {"total": encode(total), "grads": [encode(p.grad) for p in params]}
    return program


def clip_value(clip_value, **kw):
    def program(lib):
        params = params_with_grads(lib, **kw)
        lib.nn.utils.clip_grad_value_(params, clip_value)
        return {"total": None, "grads": [encode(p.grad) for p in params]}
    return program


def total_norm_then_clip(lib):
    params = params_with_grads(lib, scale=2.0)
    grads = [p.grad for p in params if p.grad is not None]
    total = lib.nn.utils.get_total_norm(grads, norm_type=2.0)
    lib.nn.utils.clip_grads_with_norm_(params, 1.0, total)
    return {"total": encode(total), "grads": [encode(p.grad) for p in params]}


def total_norm_empty(lib):
    return {"total": encode(lib.nn.utils.get_total_norm([])), "grads": []}


CLIP_CASES = {
    "norm-2": clip_norm(1.0, 2.0),
    "norm-2-no-clip": clip_norm(100.0, 2.0),
    "norm-1": clip_norm(0.5, 1),
    "norm-inf": clip_norm(0.3, "inf"),
    "norm-inf-float": clip_norm(0.3, math.inf),
    "norm-minus-inf": clip_norm(0.01, -math.inf),
    "norm-3.5": clip_norm(2.0, 3.5),
    "norm-0": clip_norm(1.0, 0),
    "norm-2-float64": clip_norm(0.7, 2.0, dtype="float64"),
    "norm-2-small-grads": clip_norm(1.0, 2.0, scale=1e-3),
    "norm-max-norm-int": clip_norm(1, 2),
    "norm-single-tensor": clip_norm_single_tensor,
    "norm-generator": clip_norm_generator,
    "norm-no-grads": clip_norm_no_grads,
    "norm-inf-grad-allowed": clip_norm_nonfinite_allowed(math.inf, 2.0),
    "norm-nan-grad-allowed": clip_norm_nonfinite_allowed(math.nan, 2.0),
    "norm-inf-grad-inf-norm-allowed": clip_norm_nonfinite_allowed(math.inf, math.inf),
    "value-0.25": clip_value(0.25),
    "value-int": clip_value(1),
    "value-float64": clip_value(0.5, dtype="float64"),
    "total-norm-then-clip": total_norm_then_clip,
    "total-norm-empty": total_norm_empty,
}


# ---- parameters as one vector ------------------------------------------------------

def vector_of_params(lib):
    params = params_with_grads(lib, last_without_grad=False)
    vec = lib.nn.utils.parameters_to_vector(params)
    (vec * lib.arange(vec.numel(), dtype=vec.dtype)).sum().backward()
    return {"vec": encode(vec), "grad_fn": type(vec.grad_fn).__name__,
            "param_grads": [encode(p.grad) for p in params]}


def vector_into_params(lib):
    params = params_with_grads(lib, last_without_grad=False)
    vec = lib.arange(28, dtype=lib.float32) / 4
    lib.nn.utils.vector_to_parameters(vec, params)
    return {"params": [encode(p) for p in params], "shapes": [list(p.shape) for p in params],
            "requires_grad": [p.requires_grad for p in params], "is_leaf": [p.is_leaf for p in params]}


def vector_longer_than_params(lib):
    params = params_with_grads(lib, last_without_grad=False)
    lib.nn.utils.vector_to_parameters(lib.arange(31.0), params)
    return {"params": [encode(p) for p in params]}


VECTOR_CASES = {
    "to-vector": vector_of_params,
    "to-params": vector_into_params,
    "to-params-longer-vector": vector_longer_than_params,
}


# ---- errors and warnings -----------------------------------------------------------

def run_error(lib, fn):
    """``[exception type name, message]`` of what ``fn(lib)`` raises."""
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - recording whatever it is
        return [type(e).__name__, str(e)]
    return [None, None]


def nonfinite(poison, norm_type):
    def program(lib):
        params = params_with_grads(lib, poison=poison)
        lib.nn.utils.clip_grad_norm_(params, 1.0, norm_type, error_if_nonfinite=True)
    return program


def nonfinite_total(lib):
    lib.nn.utils.get_total_norm([lib.tensor([1.0, math.nan])], 1.0, error_if_nonfinite=True)


def init_on(name, shape, *args):
    return lambda lib: getattr(lib.nn.init, name)(lib.empty(shape), *args)


ERRORS = {
    "clip-inf-grad": nonfinite(math.inf, 2.0),
    "clip-nan-grad": nonfinite(math.nan, 2.0),
    "clip-inf-grad-inf-norm": nonfinite(math.inf, "inf"),
    "clip-nan-grad-norm-1": nonfinite(math.nan, 1),
    "total-norm-nan": nonfinite_total,
    "to-params-list": lambda lib: lib.nn.utils.vector_to_parameters([1.0, 2.0], [lib.zeros(2)]),
    "to-params-numpy": lambda lib: lib.nn.utils.vector_to_parameters(numpy.zeros(2), [lib.zeros(2)]),
    "to-params-short-vector": lambda lib: lib.nn.utils.vector_to_parameters(
        lib.arange(5.0), [lib.zeros(2, 3)]),
    "eye-1d": init_on("eye_", (3,)),
    "eye-3d": init_on("eye_", (2, 2, 2)),
    "dirac-2d": init_on("dirac_", (3, 3)),
    "dirac-6d": init_on("dirac_", (1, 1, 1, 1, 1, 1)),
    "dirac-groups": init_on("dirac_", (4, 2, 3), 3),
    "orthogonal-1d": init_on("orthogonal_", (4,)),
    "orthogonal-0d": init_on("orthogonal_", ()),
    "sparse-1d": init_on("sparse_", (4,), 0.5),
    "sparse-3d": init_on("sparse_", (2, 3, 4), 0.5),
}


def run_warnings(lib, fn):
    """``[[category name, message], ...]`` of the warnings ``fn(lib)`` gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(lib)
    return [[w.category.__name__, str(w.message)] for w in caught]


def deprecated_init(name, shape, *args):
    return lambda lib: getattr(lib.nn.init, name)(lib.empty(shape), *args)


WARNINGS = {
    "clip-grad-norm-deprecated": lambda lib: lib.nn.utils.clip_grad_norm(params_with_grads(lib), 1.0),
    "clip-empty-generator": lambda lib: lib.nn.utils.clip_grad_norm_((p for p in []), 1.0),
    "clip-empty-list": lambda lib: lib.nn.utils.clip_grad_norm_([], 1.0),
    "trunc-normal-far-mean": lambda lib: lib.nn.init.trunc_normal_(lib.empty(10), mean=5.0, a=-1.0, b=1.0),
    "trunc-normal-near-mean": lambda lib: lib.nn.init.trunc_normal_(lib.empty(10), mean=2.5, a=-1.0, b=1.0),
    **{f"init-{name}": deprecated_init(name, shape, *args) for name, shape, args in [
        ("uniform", (3, 3), ()), ("normal", (3, 3), ()), ("constant", (3, 3), (0.5,)),
        ("eye", (3, 3), ()), ("dirac", (2, 2, 3), ()), ("xavier_uniform", (3, 3), ()),
        ("xavier_normal", (3, 3), ()), ("kaiming_uniform", (3, 3), ()), ("kaiming_normal", (3, 3), ()),
        ("orthogonal", (3, 3), ()), ("sparse", (3, 3), (0.5,))]},
}


# ---- init results that involve no random numbers ----------------------------------

INIT_VALUES = {
    "eye-2x3": lambda lib: encode(lib.nn.init.eye_(lib.empty(2, 3))),
    "eye-4x2-float64": lambda lib: encode(lib.nn.init.eye_(lib.empty(4, 2, dtype=lib.float64))),
    "dirac-3d": lambda lib: encode(lib.nn.init.dirac_(lib.empty(3, 2, 3))),
    "dirac-4d": lambda lib: encode(lib.nn.init.dirac_(lib.empty(2, 3, 3, 4))),
    "dirac-5d": lambda lib: encode(lib.nn.init.dirac_(lib.empty(2, 2, 1, 2, 3))),
    "dirac-groups": lambda lib: encode(lib.nn.init.dirac_(lib.empty(6, 2, 3), 3)),
    "dirac-groups-4d": lambda lib: encode(lib.nn.init.dirac_(lib.empty(4, 3, 3, 3), 2)),
    "orthogonal-empty": lambda lib: list(lib.nn.init.orthogonal_(lib.empty(0, 3)).shape),
}
