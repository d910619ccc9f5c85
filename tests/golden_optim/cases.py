"""Golden programs for optim and utils.data, written once against a module ``lib``.

``record.py`` runs them with ``lib=torch`` and stores what PyTorch gives in
``values.json``; ``tests/test_optim.py`` and ``tests/test_data.py`` run them with
``lib=autograd_ref`` and compare. Nothing here imports torch.

Every program returns plain data (numbers, strings, lists, dicts; tensors
through ``encode``), so that the two runs can be compared field by field.

- Optimizer trajectories: two parameters start from fixed values; each of
  ``STEPS`` steps computes a fixed loss (a quadratic plus a sine of the
  parameters, so that gradients change along the way), calls backward and
  ``step``; the parameters after every step and the final ``state_dict`` are
  recorded. Variants give a parameter no gradient on some steps, use two
  parameter groups, pass a closure, or save the state after a few steps and
  continue in a fresh optimizer loaded from it.
- Schedulers: the learning rates of two groups over a few epochs.
- Errors: the exception type and message of refused calls.
- DataLoader: batches, their dtypes and the loader's length.
"""
import copy
import zlib
from collections import namedtuple

import numpy

SEED = 20240611
STEPS = 5

# Options PyTorch keeps in every param group that autograd_ref does not have
# (they choose among PyTorch's kernels, not what is computed).
TORCH_ONLY_OPTIONS = ("foreach", "differentiable", "fused", "capturable")


# ---- encoding ---------------------------------------------------------------------

def encode(obj):
    """Plain data for JSON: a tensor becomes ``{"dtype", "shape", "data"}``."""
    if hasattr(obj, "detach") and hasattr(obj, "dtype"):          # a tensor of either library
        array = obj.detach().cpu().numpy() if hasattr(obj, "cpu") else obj.detach().numpy()
        return {"dtype": str(obj.dtype).split(".")[-1], "shape": list(array.shape),
                "data": array.reshape(-1).tolist()}
    if isinstance(obj, dict):
        return {str(k): encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    if isinstance(obj, numpy.generic):
        return obj.item()
    return obj


def encode_state_dict(sd):
    groups = [{k: v for k, v in g.items() if k not in TORCH_ONLY_OPTIONS}
              for g in sd["param_groups"]]
    return encode({"state": sd["state"], "param_groups": groups})


# ---- optimizer trajectories -------------------------------------------------------

OptCase = namedtuple("OptCase", "name optim kwargs dtype variant")
OPT_CASES = []


def opt_case(name, optim, variant="plain", dtype="float64", **kwargs):
    assert name not in {c.name for c in OPT_CASES}, name
    OPT_CASES.append(OptCase(name, optim, kwargs, dtype, variant))


# The algorithms and their options, in float64 (agreement to rounding).
opt_case("sgd", "SGD", lr=0.1)
opt_case("sgd-momentum", "SGD", lr=0.1, momentum=0.9)
opt_case("sgd-dampening", "SGD", lr=0.1, momentum=0.9, dampening=0.5)
opt_case("sgd-nesterov", "SGD", lr=0.1, momentum=0.9, nesterov=True)
opt_case("sgd-weight-decay", "SGD", lr=0.1, weight_decay=0.1)
opt_case("sgd-all-maximize", "SGD", lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.2,
         maximize=True)
opt_case("sgd-default-lr", "SGD")
opt_case("adam", "Adam", lr=0.1)
opt_case("adam-defaults", "Adam")
opt_case("adam-amsgrad", "Adam", lr=0.1, amsgrad=True)
opt_case("adam-weight-decay", "Adam", lr=0.1, weight_decay=0.1)
opt_case("adam-maximize", "Adam", lr=0.1, maximize=True)
opt_case("adam-small-betas", "Adam", lr=0.1, betas=(0.3, 0.4), eps=1e-3)   # lerp from the end
opt_case("adamw", "AdamW", lr=0.1)
opt_case("adamw-amsgrad", "AdamW", lr=0.1, weight_decay=0.5, amsgrad=True)
opt_case("rmsprop", "RMSprop", lr=0.01)
opt_case("rmsprop-centered", "RMSprop", lr=0.01, centered=True)
opt_case("rmsprop-momentum", "RMSprop", lr=0.01, momentum=0.9)
opt_case("rmsprop-all", "RMSprop", lr=0.01, alpha=0.3, centered=True, momentum=0.5,
         weight_decay=0.1, eps=1e-4)
opt_case("rmsprop-maximize", "RMSprop", lr=0.01, maximize=True)
opt_case("adagrad", "Adagrad", lr=0.1)
opt_case("adagrad-lr-decay", "Adagrad", lr=0.1, lr_decay=0.5)
opt_case("adagrad-init-acc", "Adagrad", lr=0.1, initial_accumulator_value=0.1, weight_decay=0.1,
         eps=1e-6)
opt_case("adagrad-maximize", "Adagrad", lr=0.1, maximize=True)

# float32, as models train (agreement to float32 rounding).
opt_case("sgd-momentum-f32", "SGD", dtype="float32", lr=0.1, momentum=0.9, weight_decay=0.01)
opt_case("adam-f32", "Adam", dtype="float32", lr=0.1)
opt_case("adamw-f32", "AdamW", dtype="float32", lr=0.1, amsgrad=True)
opt_case("rmsprop-f32", "RMSprop", dtype="float32", lr=0.01, centered=True, momentum=0.9)
opt_case("adagrad-f32", "Adagrad", dtype="float32", lr=0.1, lr_decay=0.1)

# How the loop around the optimizer changes what it does.
for _name, _optim, _kw in (("sgd", "SGD", dict(lr=0.1, momentum=0.9)),
                           ("adam", "Adam", dict(lr=0.1)),
                           ("rmsprop", "RMSprop", dict(lr=0.01, momentum=0.5)),
                           ("adagrad", "Adagrad", dict(lr=0.1))):
    # The second parameter gets no gradient on steps 2 and 3: set_to_none
    # leaves its .grad None, so it is skipped (and its step count stands
    # still); zero_grad(set_to_none=False) leaves zeros, so it still moves.
    opt_case(f"{_name}-skip-none", _optim, variant="skip-none", **_kw)
    opt_case(f"{_name}-skip-zeros", _optim, variant="skip-zeros", **_kw)
    # Two groups with their own learning rates.
    opt_case(f"{_name}-groups", _optim, variant="groups", **_kw)
    # Save after 3 steps, load into a fresh optimizer over fresh parameters, go on.
    opt_case(f"{_name}-resume", _optim, variant="resume", **_kw)
opt_case("sgd-closure", "SGD", variant="closure", lr=0.1, momentum=0.9)
opt_case("adam-add-group", "Adam", variant="add-group", lr=0.1)


def initial_values(name, dtype):
    rng = numpy.random.default_rng([SEED, zlib.crc32(name.encode())])
    return [rng.uniform(-1.5, 1.5, (3,)).astype(dtype), rng.uniform(-1.5, 1.5, (2, 2)).astype(dtype)]


def objective(lib, params, use):
    """A fixed loss of the parameters marked in ``use``: a quadratic bowl around
    a point that differs per parameter, plus a sine that bends it."""
    total = 0
    for i, (p, used) in enumerate(zip(params, use)):
        if used:
            total = total + ((p - 0.25 * (i + 1)) ** 2).sum() + 0.5 * lib.sin(3 * p).sum()
    return total


def _make(lib, case, params):
    optim_class = getattr(lib.optim, case.optim)
    if case.variant == "groups":
        groups = [{"params": [params[0]]}, {"params": [params[1]], "lr": case.kwargs.get("lr", 1e-3) * 0.3}]
        return optim_class(groups, **case.kwargs)
    if case.variant == "add-group":
        opt = optim_class([params[0]], **case.kwargs)
        opt.add_param_group({"params": [params[1]], "lr": 0.05})
        return opt
    return optim_class(params, **case.kwargs)


def run_opt_case(lib, case):
    dtype = getattr(lib, case.dtype)
    params = [lib.tensor(v, dtype=dtype, requires_grad=True)
              for v in initial_values(case.name, case.dtype)]
    opt = _make(lib, case, params)
    out = {"trajectory": [], "grads_after_zero_grad": []}
    for step in range(STEPS):
        skip = case.variant.startswith("skip") and step in (2, 3)
        opt.zero_grad(set_to_none=(case.variant != "skip-zeros"))
        out["grads_after_zero_grad"].append([encode(p.grad) for p in params])
        use = (True, not skip)
        if case.variant == "resume" and step == 3:
            saved = copy.deepcopy(opt.state_dict())
            params = [p.detach().clone().requires_grad_(True) for p in params]
            opt = _make(lib, case, params)
            opt.load_state_dict(saved)
        if case.variant == "closure":
            def closure():
                opt.zero_grad()
                loss = objective(lib, params, use)
                loss.backward()
                return loss
            out.setdefault("losses", []).append(float(opt.step(closure)))
        else:
            objective(lib, params, use).backward()
            opt.step()
        out["trajectory"].append([encode(p) for p in params])
    out["state_dict"] = encode_state_dict(opt.state_dict())
    out["repr"] = "\n".join(line for line in repr(opt).splitlines()
                            if line.split(":")[0].strip() not in TORCH_ONLY_OPTIONS)
    return out


# ---- learning-rate schedulers -----------------------------------------------------

SCHEDULER_CASES = {
    "step": lambda lib, opt: [lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)],
    "step-default-gamma": lambda lib, opt: [lib.optim.lr_scheduler.StepLR(opt, 2)],
    "exponential": lambda lib, opt: [lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)],
    "chained": lambda lib, opt: [lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1),
                                 lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)],
}
SCHEDULER_EPOCHS = 8


def run_scheduler_case(lib, name):
    w, b = lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)
    opt = lib.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=1.0, momentum=0.9)
    schedulers = SCHEDULER_CASES[name](lib, opt)
    out = {"last_lr": [[s.get_last_lr() for s in schedulers]],
           "group_lr": [[g["lr"] for g in opt.param_groups]],
           "last_epoch": [[s.last_epoch for s in schedulers]]}
    for _ in range(SCHEDULER_EPOCHS):
        opt.step()
        for s in schedulers:
            s.step()
        out["last_lr"].append([s.get_last_lr() for s in schedulers])
        out["group_lr"].append([g["lr"] for g in opt.param_groups])
        out["last_epoch"].append([s.last_epoch for s in schedulers])
    keys = ("base_lrs", "last_epoch", "_step_count", "_last_lr", "step_size", "gamma")
    out["state_dict"] = [{k: v for k, v in s.state_dict().items() if k in keys} for s in schedulers]
    out["initial_lr"] = [g["initial_lr"] for g in opt.param_groups]
    return out


# ---- refused calls ------------------------------------------------------------------

def _leaf(lib):
    return lib.zeros(2, requires_grad=True)


def _two_groups_sharing(lib):
    p = _leaf(lib)
    lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


def _load_wrong_groups(lib):
    p, q = _leaf(lib), _leaf(lib)
    a = lib.optim.SGD([{"params": [p]}, {"params": [q]}], lr=0.1)
    lib.optim.SGD([p, q], lr=0.1).load_state_dict(a.state_dict())


def _load_wrong_sizes(lib):
    p, q = _leaf(lib), _leaf(lib)
    a = lib.optim.SGD([p, q], lr=0.1)
    lib.optim.SGD([p], lr=0.1).load_state_dict(a.state_dict())


ERROR_CASES = {
    "empty-list": lambda lib: lib.optim.SGD([], lr=0.1),
    "tensor-not-iterable": lambda lib: lib.optim.SGD(_leaf(lib), lr=0.1),
    "non-leaf": lambda lib: lib.optim.SGD([_leaf(lib) * 2], lr=0.1),
    "not-a-tensor": lambda lib: lib.optim.SGD([_leaf(lib), 3], lr=0.1),
    "set-of-params": lambda lib: lib.optim.SGD([{"params": {_leaf(lib)}}], lr=0.1),
    "group-not-dict": lambda lib: lib.optim.SGD([_leaf(lib)]).add_param_group([_leaf(lib)]),
    "two-groups-sharing": _two_groups_sharing,
    "load-wrong-groups": _load_wrong_groups,
    "load-wrong-sizes": _load_wrong_sizes,
    "sgd-lr": lambda lib: lib.optim.SGD([_leaf(lib)], lr=-1.0),
    "sgd-momentum": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, momentum=-0.5),
    "sgd-weight-decay": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, weight_decay=-1e-4),
    "sgd-nesterov": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, nesterov=True),
    "sgd-nesterov-dampening": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, momentum=0.9,
                                                        dampening=0.1, nesterov=True),
    "adam-lr": lambda lib: lib.optim.Adam([_leaf(lib)], lr=-0.01),
    "adam-eps": lambda lib: lib.optim.Adam([_leaf(lib)], eps=-1.0),
    "adam-beta0": lambda lib: lib.optim.Adam([_leaf(lib)], betas=(1.0, 0.999)),
    "adam-beta1": lambda lib: lib.optim.Adam([_leaf(lib)], betas=(0.9, -0.1)),
    "adam-int-betas": lambda lib: lib.optim.Adam([_leaf(lib)], betas=(0, 0.5)),
    "adam-weight-decay": lambda lib: lib.optim.Adam([_leaf(lib)], weight_decay=-0.1),
    "adamw-lr": lambda lib: lib.optim.AdamW([_leaf(lib)], lr=-2.0),
    "rmsprop-lr": lambda lib: lib.optim.RMSprop([_leaf(lib)], lr=-0.1),
    "rmsprop-alpha": lambda lib: lib.optim.RMSprop([_leaf(lib)], alpha=-0.5),
    "rmsprop-eps": lambda lib: lib.optim.RMSprop([_leaf(lib)], eps=-1e-8),
    "rmsprop-momentum": lambda lib: lib.optim.RMSprop([_leaf(lib)], momentum=-0.9),
    "rmsprop-weight-decay": lambda lib: lib.optim.RMSprop([_leaf(lib)], weight_decay=-1.0),
    "adagrad-lr": lambda lib: lib.optim.Adagrad([_leaf(lib)], lr=-0.1),
    "adagrad-lr-decay": lambda lib: lib.optim.Adagrad([_leaf(lib)], lr_decay=-0.1),
    "adagrad-weight-decay": lambda lib: lib.optim.Adagrad([_leaf(lib)], weight_decay=-0.1),
    "adagrad-init-acc": lambda lib: lib.optim.Adagrad([_leaf(lib)], initial_accumulator_value=-1.0),
    "adagrad-eps": lambda lib: lib.optim.Adagrad([_leaf(lib)], eps=-1.0),
    "scheduler-not-optimizer": lambda lib: lib.optim.lr_scheduler.StepLR(3, 2),
    "scheduler-resume-without-initial-lr": lambda lib: lib.optim.lr_scheduler.ExponentialLR(
        lib.optim.SGD([_leaf(lib)], lr=0.1), 0.9, last_epoch=3),
    # utils.data
    "tensor-dataset-sizes": lambda lib: lib.utils.data.TensorDataset(lib.zeros(3, 2), lib.zeros(4)),
    "loader-sampler-and-shuffle": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), sampler=[0, 1, 2, 3], shuffle=True),
    "loader-batch-sampler-and-batch-size": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), batch_sampler=[[0, 1], [2, 3]], batch_size=2),
    "loader-batch-sampler-and-drop-last": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), batch_sampler=[[0, 1], [2, 3]], drop_last=True),
    "loader-none-batch-and-drop-last": lambda lib: lib.utils.data.DataLoader(
        list(range(4)), batch_size=None, drop_last=True),
    "loader-batch-size-zero": lambda lib: lib.utils.data.DataLoader(list(range(4)), batch_size=0),
    "loader-batch-size-float": lambda lib: lib.utils.data.DataLoader(list(range(4)), batch_size=2.0),
    "loader-drop-last-not-bool": lambda lib: lib.utils.data.DataLoader(list(range(4)), drop_last=1),
    "loader-negative-workers": lambda lib: lib.utils.data.DataLoader(list(range(4)), num_workers=-1),
    "collate-unequal-lists": lambda lib: lib.utils.data.default_collate([[1, 2], [3]]),
    "collate-object": lambda lib: lib.utils.data.default_collate([object(), object()]),
    "random-split-lengths": lambda lib: lib.utils.data.random_split(list(range(5)), [2, 2]),
    "random-split-fraction": lambda lib: lib.utils.data.random_split(list(range(5)), [1.5, -0.5]),
    "dataset-getitem": lambda lib: lib.utils.data.Dataset()[0],
}


def run_error_case(lib, name):
    """``{"type", "message"}`` of what the call raises (or ``None``)."""
    try:
        ERROR_CASES[name](lib)
    except Exception as e:          # noqa: BLE001 - recording whatever is raised
        message = str(e)
        if name == "collate-object":    # the message names the class: keep it library-neutral
            message = message.replace("<class 'object'>", "OBJECT")
        return {"type": type(e).__name__, "message": message}
    return None


# ---- the DataLoader -----------------------------------------------------------------

Point = namedtuple("Point", "x y")


def _dataset(lib):
    x = lib.tensor(numpy.arange(14, dtype=numpy.float32).reshape(7, 2))
    y = lib.tensor(numpy.arange(7) % 3)
    return lib.utils.data.TensorDataset(x, y)


class _Samples:
    """A dataset of mixed Python samples (a plain class: no Dataset needed)."""

    def __init__(self, make):
        self.make = make

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return self.make(i)


DATA_CASES = {
    "tensors-batch3": lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_size=3),
    "tensors-batch3-drop-last": lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_size=3,
                                                                      drop_last=True),
    "tensors-batch1": lambda lib: lib.utils.data.DataLoader(_dataset(lib)),
    "tensors-batch7": lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_size=7,
                                                            drop_last=True),
    "tensors-batch-larger": lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_size=10),
    "tensors-unbatched": lambda lib: lib.utils.data.DataLoader(_dataset(lib), batch_size=None),
    "numbers": lambda lib: lib.utils.data.DataLoader(
        _Samples(lambda i: (i, 0.5 * i, i % 2 == 0)), batch_size=2),
    "dicts": lambda lib: lib.utils.data.DataLoader(
        _Samples(lambda i: {"x": lib.full((2,), float(i)), "label": i, "name": f"s{i}"}),
        batch_size=3),
    "lists": lambda lib: lib.utils.data.DataLoader(
        _Samples(lambda i: [lib.tensor([i, i]), [i, -i]]), batch_size=2),
    "namedtuples": lambda lib: lib.utils.data.DataLoader(
        _Samples(lambda i: Point(lib.tensor(float(i)), i)), batch_size=4),
    "numpy": lambda lib: lib.utils.data.DataLoader(
        _Samples(lambda i: (numpy.full((2,), i, numpy.float32), numpy.int64(i), numpy.float64(i))),
        batch_size=2),
    "numpy-unbatched": lambda lib: lib.utils.data.DataLoader(
        _Samples(lambda i: (numpy.full((2,), i, numpy.float32), [numpy.float64(i)])),
        batch_size=None),
    "custom-collate": lambda lib: lib.utils.data.DataLoader(
        _dataset(lib), batch_size=3, collate_fn=lambda samples: len(samples)),
    "sequential-sampler": lambda lib: lib.utils.data.DataLoader(
        _dataset(lib), batch_size=2, sampler=[6, 5, 4, 0]),
    "batch-sampler": lambda lib: lib.utils.data.DataLoader(
        _dataset(lib), batch_sampler=[[3, 1], [0], [6, 5, 4]]),
}


def _describe(batch):
    """A batch as plain data, naming the container types."""
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return {"namedtuple": type(batch).__name__, "fields": [_describe(b) for b in batch]}
    if isinstance(batch, (list, tuple)):
        return {type(batch).__name__: [_describe(b) for b in batch]}
    if isinstance(batch, dict):
        return {"dict": {k: _describe(v) for k, v in batch.items()}}
    return encode(batch)


def run_data_case(lib, name):
    loader = DATA_CASES[name](lib)
    out = {"batches": [_describe(b) for b in loader]}
    try:
        out["len"] = len(loader)
    except TypeError:
        out["len"] = None
    return out


# ---- comparing -----------------------------------------------------------------------

TOLERANCE = {"float64": (1e-10, 1e-12), "float32": (1e-5, 1e-6)}


def differences(ours, golden, path="", tolerance=TOLERANCE["float64"]):
    """Where ``ours`` and ``golden`` (both plain data) differ, as readable lines.
    Floats inside an encoded tensor are compared with its dtype's tolerance;
    everything else (ints, strings, shapes, dtypes, structure) exactly."""
    if isinstance(golden, dict) and "dtype" in golden and "data" in golden:
        if not isinstance(ours, dict) or set(ours) != set(golden):
            return [f"{path}: expected a tensor, got {ours!r}"]
        if ours["dtype"] != golden["dtype"] or ours["shape"] != golden["shape"]:
            return [f"{path}: {ours['dtype']}{ours['shape']} != {golden['dtype']}{golden['shape']}"]
        rtol, atol = TOLERANCE.get(golden["dtype"], (0, 0))
        a, b = numpy.array(ours["data"]), numpy.array(golden["data"])
        if golden["dtype"] in TOLERANCE:
            if not numpy.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
                return [f"{path}: {ours['data']} != {golden['data']}"]
        elif not numpy.array_equal(a, b):
            return [f"{path}: {ours['data']} != {golden['data']}"]
        return []
    if isinstance(golden, dict):
        if not isinstance(ours, dict) or set(ours) != set(golden):
            return [f"{path}: keys {sorted(ours) if isinstance(ours, dict) else ours!r} "
                    f"!= {sorted(golden)}"]
        return [d for k in golden for d in differences(ours[k], golden[k], f"{path}/{k}", tolerance)]
    if isinstance(golden, list):
        if not isinstance(ours, list) or len(ours) != len(golden):
            return [f"{path}: {ours!r} != {golden!r}"]
        return [d for i, (a, b) in enumerate(zip(ours, golden))
                for d in differences(a, b, f"{path}[{i}]", tolerance)]
    if isinstance(golden, float) and not isinstance(ours, bool) and isinstance(ours, (int, float)):
        rtol, atol = tolerance
        return [] if abs(ours - golden) <= atol + rtol * abs(golden) else [f"{path}: {ours} != {golden}"]
    if type(ours) is not type(golden) or ours != golden:
        return [f"{path}: {ours!r} != {golden!r}"]
    return []


def plain(obj):
    """``obj`` as it reads back from JSON (tuples become lists, keys strings)."""
    import json
    return json.loads(json.dumps(obj))
