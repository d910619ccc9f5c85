"""Golden programs for the optimizers beyond SGD/Adam/RMSprop/Adagrad, written once against a module ``lib``.

``record.py`` runs them with ``lib=torch`` into ``values.json``; ``tests/test_optim_more.py``
runs them with ``lib=autograd_ref`` and compares. Nothing here imports torch.

- Trajectories: Adamax, NAdam, RAdam, Adadelta, Rprop and ASGD, each with a few option sets,
  take ``STEPS`` steps on one of two fixed problems: ``bowl`` (two parameters, a quadratic
  plus a sine) or ``mlp`` (a 3-4-1 tanh network's mean squared error on fixed data). The
  parameters after every step, the final ``state_dict`` and the repr are recorded.
  Variants use two parameter groups, leave a parameter without a gradient for two steps,
  or save the state_dict midway and go on in a fresh optimizer that loads it.
- LBFGS: ``step(closure)`` a few times on the Rosenbrock function of five numbers held in
  two parameters, with and without the strong Wolfe line search; the parameters and the
  returned loss after each step, and the final ``state_dict`` (the history included).
- Errors: the exception type and message of refused options.
"""
import copy
import zlib
from collections import namedtuple

import numpy

# The encoding and the options left out of a param group are golden_optim's.
from golden_optim.cases import TORCH_ONLY_OPTIONS, encode, encode_state_dict, plain  # noqa: F401

SEED = 20250704
STEPS = 10
LBFGS_STEPS = 4

# Options PyTorch keeps in every param group that autograd_ref does not (kernel choices).

# (rtol, atol) per dtype, atol relative to the tensor's largest entry: float64 to rounding,
# float32 to four units in the last place (of the entry, or of the tensor's scale where an
# entry came from cancellation). PyTorch's CPU kernels fuse some multiply-adds (``add`` with
# ``alpha``), numpy does not: a float32 entry may differ in its last bit.
TOLERANCE = {"float64": (1e-10, 1e-13), "float32": (4 * 2.0 ** -23, 4 * 2.0 ** -23)}
# LBFGS takes 20 iterations per step, each solving with the last ones' differences, and the
# Rosenbrock function is ill-conditioned: last-bit differences in a gradient grow. Every
# iteration and closure count still agrees exactly; parameters and losses agree to rounding,
# the history coefficients ("al", gradient differences) to these.
LBFGS_TOLERANCE = {"float64": (1e-8, 1e-10), "float32": (1e-4, 1e-5)}


def plain_repr(opt):
    return "\n".join(line for line in repr(opt).splitlines()
                     if line.split(":")[0].strip() not in TORCH_ONLY_OPTIONS)


# ---- the problems -------------------------------------------------------------------

def _rng(name):
    return numpy.random.default_rng([SEED, zlib.crc32(name.encode())])


SHAPES = {"bowl": [(3,), (2, 2)], "mlp": [(4, 3), (4,), (1, 4), (1,)]}


def initial_values(name, problem, dtype):
    rng = _rng(name)
    return [rng.uniform(-1.0, 1.0, shape).astype(dtype) for shape in SHAPES[problem]]


def _mlp_data(lib, dtype):
    rng = _rng("mlp-data")
    x = rng.uniform(-2.0, 2.0, (6, 3)).astype(dtype)
    y = numpy.sin(x.sum(axis=1, keepdims=True)).astype(dtype)
    return lib.tensor(x), lib.tensor(y)


def objective(lib, problem, params, use, data=None):
    """The loss of the parameters marked in ``use`` (the others get no gradient)."""
    if problem == "bowl":
        total = 0
        for i, (p, used) in enumerate(zip(params, use)):
            if used:
                total = total + ((p - 0.25 * (i + 1)) ** 2).sum() + 0.5 * lib.sin(3 * p).sum()
        return total
    w1, b1, w2, b2 = [p if used else p.detach() for p, used in zip(params, use)]
    x, y = data
    hidden = lib.tanh(x @ w1.T + b1)
    return ((hidden @ w2.T + b2 - y) ** 2).mean()


# ---- trajectories ---------------------------------------------------------------------

OptCase = namedtuple("OptCase", "name optim kwargs dtype problem variant")
OPT_CASES = []


def opt_case(name, optim, problem="bowl", variant="plain", dtype="float64", **kwargs):
    assert name not in {c.name for c in OPT_CASES}, name
    OPT_CASES.append(OptCase(name, optim, kwargs, dtype, problem, variant))


opt_case("adamax", "Adamax", lr=0.1)
opt_case("adamax-defaults", "Adamax", problem="mlp")
opt_case("adamax-all", "Adamax", lr=0.05, betas=(0.3, 0.6), eps=1e-3, weight_decay=0.1, maximize=True)
opt_case("adamax-f32", "Adamax", dtype="float32", lr=0.05, weight_decay=0.01)

opt_case("nadam", "NAdam", lr=0.1)
opt_case("nadam-defaults", "NAdam", problem="mlp")
opt_case("nadam-momentum-decay", "NAdam", lr=0.1, momentum_decay=0.5, betas=(0.8, 0.9))
opt_case("nadam-weight-decay", "NAdam", lr=0.1, weight_decay=0.2)
opt_case("nadam-decoupled", "NAdam", problem="mlp", lr=0.05, weight_decay=0.2, decoupled_weight_decay=True)
opt_case("nadam-maximize", "NAdam", lr=0.1, maximize=True, eps=1e-3)
opt_case("nadam-f32", "NAdam", dtype="float32", lr=0.05)

opt_case("radam", "RAdam", lr=0.1)           # rho_t > 5 from step 6 on: both branches
opt_case("radam-defaults", "RAdam", problem="mlp")
opt_case("radam-small-beta2", "RAdam", lr=0.1, betas=(0.5, 0.8))   # rho_t <= 5 all along
opt_case("radam-weight-decay", "RAdam", lr=0.1, weight_decay=0.3, eps=1e-4)
opt_case("radam-decoupled", "RAdam", problem="mlp", lr=0.05, weight_decay=0.2, decoupled_weight_decay=True)
opt_case("radam-maximize", "RAdam", lr=0.1, maximize=True)
opt_case("radam-f32", "RAdam", dtype="float32", lr=0.05, betas=(0.9, 0.99))

opt_case("adadelta", "Adadelta")
opt_case("adadelta-mlp", "Adadelta", problem="mlp", lr=0.5, rho=0.5, eps=1e-3)
opt_case("adadelta-weight-decay", "Adadelta", lr=2.0, weight_decay=0.1, maximize=True)
opt_case("adadelta-f32", "Adadelta", dtype="float32", rho=0.8)

opt_case("rprop", "Rprop", lr=0.1)
opt_case("rprop-mlp", "Rprop", problem="mlp")
opt_case("rprop-etas-step-sizes", "Rprop", lr=0.2, etas=(0.3, 1.7), step_sizes=(0.05, 0.4))
opt_case("rprop-maximize", "Rprop", lr=0.1, maximize=True)
opt_case("rprop-f32", "Rprop", dtype="float32", lr=0.05, etas=(0.3, 1.7))

opt_case("asgd", "ASGD", lr=0.1)
opt_case("asgd-averaging", "ASGD", lr=0.1, lambd=0.01, alpha=0.5, t0=3)     # ax averages from step 4
opt_case("asgd-mlp", "ASGD", problem="mlp", lr=0.5, t0=2, weight_decay=0.1)
opt_case("asgd-maximize", "ASGD", lr=0.05, maximize=True, t0=5)
opt_case("asgd-f32", "ASGD", dtype="float32", lr=0.5, lambd=0.01, t0=4)

# How the loop around the optimizer changes what it does.
for _optim, _kw in (("Adamax", dict(lr=0.1)), ("NAdam", dict(lr=0.1)), ("RAdam", dict(lr=0.1)),
                    ("Adadelta", dict()), ("Rprop", dict(lr=0.1)), ("ASGD", dict(lr=0.1, t0=2))):
    # Two groups with their own options.
    opt_case(f"{_optim.lower()}-groups", _optim, variant="groups", **_kw)
    # The second parameter gets no gradient on steps 2 and 3, and is skipped then.
    opt_case(f"{_optim.lower()}-skip", _optim, variant="skip", **_kw)
    # Save after 4 steps, load into a fresh optimizer over fresh float64 parameters, go on
    # (loading casts floating-point state to the parameter's dtype, ``step`` excepted: NAdam's
    # ``mu_product`` and ASGD's ``eta`` and ``mu`` become float64 from there on).
    opt_case(f"{_optim.lower()}-resume", _optim, variant="resume", **_kw)


def _make(lib, case, params):
    optim_class = getattr(lib.optim, case.optim)
    if case.variant == "groups":
        second = {"params": params[1:], "lr": case.kwargs.get("lr", 1.0) * 0.3, "weight_decay": 0.1}
        return optim_class([{"params": params[:1]}, second], **case.kwargs)
    return optim_class(params, **case.kwargs)


def run_opt_case(lib, case):
    dtype = getattr(lib, case.dtype)
    params = [lib.tensor(v, dtype=dtype, requires_grad=True)
              for v in initial_values(case.name, case.problem, case.dtype)]
    data = _mlp_data(lib, case.dtype) if case.problem == "mlp" else None
    opt = _make(lib, case, params)
    out = {"trajectory": []}
    for step in range(STEPS):
        if case.variant == "resume" and step == 4:
            saved = copy.deepcopy(opt.state_dict())
            params = [p.detach().clone().requires_grad_(True) for p in params]
            opt = _make(lib, case, params)
            opt.load_state_dict(saved)
        opt.zero_grad()
        skip = case.variant == "skip" and step in (2, 3)
        use = [True] + [not skip] * (len(params) - 1)
        objective(lib, case.problem, params, use, data).backward()
        opt.step()
        out["trajectory"].append([encode(p) for p in params])
    out["state_dict"] = encode_state_dict(opt.state_dict())
    out["repr"] = plain_repr(opt)
    return out


# ---- LBFGS on the Rosenbrock function -------------------------------------------------

LbfgsCase = namedtuple("LbfgsCase", "name kwargs dtype")
LBFGS_CASES = [
    LbfgsCase("fixed-step", dict(lr=0.05, max_iter=5), "float64"),
    LbfgsCase("fixed-step-defaults", dict(lr=1e-3), "float64"),
    LbfgsCase("fixed-step-history-2", dict(lr=0.05, max_iter=8, history_size=2), "float64"),
    LbfgsCase("strong-wolfe", dict(line_search_fn="strong_wolfe", max_iter=8), "float64"),
    LbfgsCase("strong-wolfe-short", dict(line_search_fn="strong_wolfe", max_iter=4, history_size=3,
                                         lr=0.5), "float64"),
    LbfgsCase("strong-wolfe-max-eval", dict(line_search_fn="strong_wolfe", max_iter=10, max_eval=6),
              "float64"),
    LbfgsCase("tolerance-grad", dict(line_search_fn="strong_wolfe", tolerance_grad=2.0), "float64"),
    LbfgsCase("tolerance-change", dict(lr=0.05, max_iter=50, tolerance_change=1e-2), "float64"),
    LbfgsCase("strong-wolfe-f32", dict(line_search_fn="strong_wolfe", max_iter=3), "float32"),
]


def rosenbrock(lib, params):
    v = lib.cat([p.reshape(-1) for p in params])
    return (100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2).sum()


def run_lbfgs_case(lib, case):
    dtype = getattr(lib, case.dtype)
    params = [lib.tensor([-1.2, 1.0, -0.5], dtype=dtype, requires_grad=True),
              lib.tensor([[0.8], [1.3]], dtype=dtype, requires_grad=True)]
    opt = lib.optim.LBFGS(params, **case.kwargs)
    calls = []

    def closure():
        calls.append(lib.is_grad_enabled())
        opt.zero_grad()
        loss = rosenbrock(lib, params)
        loss.backward()
        return loss

    out = {"trajectory": [], "losses": [], "counts": []}
    for _ in range(LBFGS_STEPS):
        loss = opt.step(closure)
        out["losses"].append(encode(loss))
        out["trajectory"].append([encode(p) for p in params])
        state = opt.state[params[0]]
        out["counts"].append([state["func_evals"], state["n_iter"], len(calls)])
    out["closure_had_grad"] = all(calls)
    out["final_loss"] = float(rosenbrock(lib, params))
    out["state_dict"] = encode_state_dict(opt.state_dict())
    out["repr"] = plain_repr(opt)
    return out


# ---- refused options ------------------------------------------------------------------

def _leaf(lib):
    return lib.zeros(2, requires_grad=True)


def _lbfgs_step(lib, **kwargs):
    p = _leaf(lib)
    opt = lib.optim.LBFGS([p], **kwargs)

    def closure():
        opt.zero_grad()
        loss = ((p - 1) ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)


ERROR_CASES = {
    "adamax-lr": lambda lib: lib.optim.Adamax([_leaf(lib)], lr=-0.1),
    "adamax-eps": lambda lib: lib.optim.Adamax([_leaf(lib)], eps=-1e-8),
    "adamax-beta0": lambda lib: lib.optim.Adamax([_leaf(lib)], betas=(1.0, 0.9)),
    "adamax-beta1": lambda lib: lib.optim.Adamax([_leaf(lib)], betas=(0.9, -0.5)),
    "adamax-weight-decay": lambda lib: lib.optim.Adamax([_leaf(lib)], weight_decay=-0.1),
    "nadam-lr": lambda lib: lib.optim.NAdam([_leaf(lib)], lr=-0.1),
    "nadam-eps": lambda lib: lib.optim.NAdam([_leaf(lib)], eps=-1.0),
    "nadam-beta0": lambda lib: lib.optim.NAdam([_leaf(lib)], betas=(-0.1, 0.9)),
    "nadam-beta1": lambda lib: lib.optim.NAdam([_leaf(lib)], betas=(0.9, 1.5)),
    "nadam-weight-decay": lambda lib: lib.optim.NAdam([_leaf(lib)], weight_decay=-1.0),
    "nadam-momentum-decay": lambda lib: lib.optim.NAdam([_leaf(lib)], momentum_decay=-0.004),
    "radam-lr": lambda lib: lib.optim.RAdam([_leaf(lib)], lr=-1.0),
    "radam-eps": lambda lib: lib.optim.RAdam([_leaf(lib)], eps=-0.5),
    "radam-beta0": lambda lib: lib.optim.RAdam([_leaf(lib)], betas=(1.0, 0.999)),
    "radam-beta1": lambda lib: lib.optim.RAdam([_leaf(lib)], betas=(0.9, 1.0)),
    "radam-weight-decay": lambda lib: lib.optim.RAdam([_leaf(lib)], weight_decay=-0.01),
    "adadelta-lr": lambda lib: lib.optim.Adadelta([_leaf(lib)], lr=-1.0),
    "adadelta-rho-low": lambda lib: lib.optim.Adadelta([_leaf(lib)], rho=-0.1),
    "adadelta-rho-high": lambda lib: lib.optim.Adadelta([_leaf(lib)], rho=1.5),
    "adadelta-eps": lambda lib: lib.optim.Adadelta([_leaf(lib)], eps=-1e-6),
    "adadelta-weight-decay": lambda lib: lib.optim.Adadelta([_leaf(lib)], weight_decay=-2.0),
    "rprop-lr": lambda lib: lib.optim.Rprop([_leaf(lib)], lr=-0.01),
    "rprop-eta-minus": lambda lib: lib.optim.Rprop([_leaf(lib)], etas=(1.5, 1.2)),
    "rprop-eta-plus": lambda lib: lib.optim.Rprop([_leaf(lib)], etas=(0.5, 0.9)),
    "rprop-eta-zero": lambda lib: lib.optim.Rprop([_leaf(lib)], etas=(0.0, 1.2)),
    "asgd-lr": lambda lib: lib.optim.ASGD([_leaf(lib)], lr=-0.01),
    "asgd-weight-decay": lambda lib: lib.optim.ASGD([_leaf(lib)], weight_decay=-0.5),
    "lbfgs-lr": lambda lib: lib.optim.LBFGS([_leaf(lib)], lr=-1.0),
    "lbfgs-groups": lambda lib: lib.optim.LBFGS([{"params": [_leaf(lib)]}, {"params": [_leaf(lib)]}]),
    "lbfgs-line-search": lambda lib: _lbfgs_step(lib, line_search_fn="armijo"),
    "lbfgs-no-closure": lambda lib: lib.optim.LBFGS([_leaf(lib)]).step(),
    "adamax-empty": lambda lib: lib.optim.Adamax([]),
}


def run_error_case(lib, name):
    """``{"type", "message"}`` of what the call raises (or ``None``)."""
    try:
        ERROR_CASES[name](lib)
    except Exception as e:          # noqa: BLE001 - recording whatever is raised
        return {"type": type(e).__name__, "message": str(e)}
    return None


# ---- comparing --------------------------------------------------------------------------

def differences(ours, golden, path="", tolerance=TOLERANCE["float64"], tolerances=TOLERANCE):
    """Where ``ours`` and ``golden`` (both plain data) differ, as readable lines.
    Floats inside an encoded tensor are compared with its dtype's tolerance, loose
    floats with ``tolerance``; everything else (ints, strings, shapes, dtypes,
    structure, None) exactly."""
    if isinstance(golden, dict) and set(golden) == {"dtype", "shape", "data"}:
        if not isinstance(ours, dict) or set(ours) != set(golden):
            return [f"{path}: expected a tensor, got {ours!r}"]
        if ours["dtype"] != golden["dtype"] or ours["shape"] != golden["shape"]:
            return [f"{path}: {ours['dtype']}{ours['shape']} != {golden['dtype']}{golden['shape']}"]
        a, b = numpy.array(ours["data"]), numpy.array(golden["data"])
        if golden["dtype"] in tolerances:
            rtol, atol = tolerances[golden["dtype"]]
            scale = max(1e-3, float(numpy.abs(b).max())) if b.size else 1.0
            if not numpy.allclose(a, b, rtol=rtol, atol=atol * scale, equal_nan=True):
                return [f"{path}: {ours['data']} != {golden['data']}"]
        elif not numpy.array_equal(a, b):
            return [f"{path}: {ours['data']} != {golden['data']}"]
        return []
    if isinstance(golden, dict):
        if not isinstance(ours, dict) or set(ours) != set(golden):
            return [f"{path}: keys {sorted(ours) if isinstance(ours, dict) else ours!r} != {sorted(golden)}"]
        return [d for k in golden
                for d in differences(ours[k], golden[k], f"{path}/{k}", tolerance, tolerances)]
    if isinstance(golden, list):
        if not isinstance(ours, list) or len(ours) != len(golden):
            return [f"{path}: {ours!r} != {golden!r}"]
        return [d for i, (a, b) in enumerate(zip(ours, golden))
                for d in differences(a, b, f"{path}[{i}]", tolerance, tolerances)]
    if isinstance(golden, float) and type(ours) is float:
        rtol, atol = tolerance
        return [] if abs(ours - golden) <= atol + rtol * abs(golden) else [f"{path}: {ours} != {golden}"]
    if type(ours) is not type(golden) or ours != golden:
        return [f"{path}: {ours!r} != {golden!r}"]
    return []
