"""autograd_ref.optim: Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD and LBFGS.

Trajectories, state dicts, LBFGS runs on the Rosenbrock function and error
messages are compared with what PyTorch 2.13 gave for the same programs
(``tests/golden_optim_more``: ``cases.py`` holds the programs, ``record.py``
ran them with torch into ``values.json``). torch is never imported.
"""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_optim_more import cases  # noqa: E402
from test_optim import assert_closure_runs_with_grad_enabled, assert_resumes_exactly  # noqa: E402

import autograd_ref as torch  # noqa: E402 - the tests read like PyTorch code
from autograd_ref import optim  # noqa: E402

VALUES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_optim_more",
                           "values.json")
with open(VALUES_PATH) as f:
    VALUES = json.load(f)

OPT_CASES = {c.name: c for c in cases.OPT_CASES}
LBFGS_CASES = {c.name: c for c in cases.LBFGS_CASES}


def test_the_tables_and_the_recording_agree():
    assert VALUES["torch_version"].startswith("2.13")
    assert sorted(OPT_CASES) == sorted(VALUES["optimizers"])
    assert sorted(LBFGS_CASES) == sorted(VALUES["lbfgs"])
    assert sorted(cases.ERROR_CASES) == sorted(VALUES["errors"])


# ---- against PyTorch ---------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPT_CASES))
def test_trajectory_matches_pytorch(name):
    """Parameters after each of the steps, the final state_dict (state names,
    tensors, step counts, options) and the repr."""
    case = OPT_CASES[name]
    ours = cases.plain(cases.run_opt_case(torch, case))
    problems = cases.differences(ours, VALUES["optimizers"][name],
                                 tolerance=cases.TOLERANCE[case.dtype])
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("name", sorted(LBFGS_CASES))
def test_lbfgs_matches_pytorch(name):
    """Parameters and returned loss after each step(closure), the closure
    call counts, and the final state (history, counters) as PyTorch keeps it."""
    case = LBFGS_CASES[name]
    ours = cases.plain(cases.run_lbfgs_case(torch, case))
    problems = cases.differences(ours, VALUES["lbfgs"][name], tolerance=cases.LBFGS_TOLERANCE[case.dtype],
                                 tolerances=cases.LBFGS_TOLERANCE)
    assert ours["counts"] == VALUES["lbfgs"][name]["counts"]
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("name", sorted(cases.ERROR_CASES))
def test_error_matches_pytorch(name):
    assert cases.run_error_case(torch, name) == VALUES["errors"][name]


# ---- what an update must do and not do ---------------------------------------------------

NEW_OPTIMIZERS = [
    (optim.Adamax, dict(lr=0.1, weight_decay=0.1)),
    (optim.NAdam, dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)),
    (optim.RAdam, dict(lr=0.1, weight_decay=0.1)),
    (optim.Adadelta, dict(weight_decay=0.1)),
    (optim.Rprop, dict(lr=0.1)),
    (optim.ASGD, dict(lr=0.1, t0=1, weight_decay=0.1)),
]
IDS = [c.__name__ for c, _ in NEW_OPTIMIZERS]
STATE_NAMES = {
    "Adamax": ["exp_avg", "exp_inf", "step"],
    "NAdam": ["exp_avg", "exp_avg_sq", "mu_product", "step"],
    "RAdam": ["exp_avg", "exp_avg_sq", "step"],
    "Adadelta": ["acc_delta", "square_avg", "step"],
    "Rprop": ["prev", "step", "step_size"],
    "ASGD": ["ax", "eta", "mu", "step"],
}


def _params():
    values = cases.initial_values("semantics", "bowl", "float64")
    return [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]


def _loss(params):
    return cases.objective(torch, "bowl", params, [True] * len(params))


@pytest.mark.parametrize("optimizer_class,kwargs", NEW_OPTIMIZERS, ids=IDS)
def test_step_updates_in_place_and_leaves_grad_alone(optimizer_class, kwargs):
    params = _params()
    before = [p.detach().clone() for p in params]
    opt = optimizer_class(params, **kwargs)
    _loss(params).backward()
    grads = [p.grad.clone() for p in params]
    ids = [id(p._data) for p in params]
    assert torch.is_grad_enabled()
    opt.step()
    assert torch.is_grad_enabled()
    for p, b, g, i in zip(params, before, grads, ids):
        assert p.is_leaf and p.grad_fn is None and id(p._data) == i
        assert not torch.equal(p.detach(), b)
        assert torch.equal(p.grad, g), "step must not change p.grad"
    for state in opt.state.values():
        assert sorted(state) == STATE_NAMES[optimizer_class.__name__]
        assert state["step"].dtype == torch.float32 and state["step"].item() == 1.0
        assert not any(s.requires_grad for s in state.values())


@pytest.mark.parametrize("optimizer_class,kwargs", NEW_OPTIMIZERS, ids=IDS)
def test_closure_runs_with_grad_enabled_and_its_loss_is_returned(optimizer_class, kwargs):
    assert_closure_runs_with_grad_enabled(optimizer_class, kwargs, _params, _loss)


# NAdam's mu_product and ASGD's eta and mu are float32 scalars that loading casts to the
# parameters' float64, as PyTorch does: their resumed runs differ in the last bits (the
# golden "-resume" cases check that they differ as PyTorch's do).
EXACT_RESUME = [(c, k) for c, k in NEW_OPTIMIZERS if c not in (optim.NAdam, optim.ASGD)]


@pytest.mark.parametrize("optimizer_class,kwargs", EXACT_RESUME, ids=[c.__name__ for c, _ in EXACT_RESUME])
def test_resuming_from_a_state_dict_continues_exactly(optimizer_class, kwargs):
    """Three steps, save, load into a fresh optimizer over fresh parameters, two
    more: bit for bit the same as five uninterrupted steps."""
    assert_resumes_exactly(optimizer_class, kwargs, _params, _loss)


def test_asgd_keeps_the_running_average_of_the_iterates():
    """With t0=0 mu is 1/t, so ax is the plain mean of the iterates so far."""
    p = torch.tensor([2.0, -1.0], dtype=torch.float64, requires_grad=True)
    opt = optim.ASGD([p], lr=0.1, lambd=0.0, t0=0)
    iterates = []
    for _ in range(4):
        opt.zero_grad()
        (p ** 2).sum().backward()
        opt.step()
        iterates.append(p.detach().clone())
    # mu is 1 on the first two steps (ax = p), then 1/2, 1/3: the mean of iterates 2, 3, 4.
    mean = (iterates[1] + iterates[2] + iterates[3]) / 3
    assert torch.allclose(opt.state[p]["ax"], mean, rtol=1e-6)


def test_rprop_step_size_grows_while_the_sign_holds():
    p = torch.tensor([5.0], dtype=torch.float64, requires_grad=True)
    opt = optim.Rprop([p], lr=0.1, etas=(0.5, 2.0), step_sizes=(1e-3, 0.35))
    sizes = []
    for _ in range(4):
        opt.zero_grad()
        (p ** 2).sum().backward()
        opt.step()
        sizes.append(opt.state[p]["step_size"].item())
    assert sizes == [0.1, 0.2, 0.35, 0.35]          # doubled, then held at the maximum
    assert p.item() == pytest.approx(5.0 - 0.1 - 0.2 - 0.35 - 0.35)


def test_new_optimizers_are_exported_with_documented_examples():
    for name in ("Adamax", "NAdam", "RAdam", "Adadelta", "Rprop", "ASGD", "LBFGS"):
        cls = getattr(optim, name)
        assert name in optim.__all__ and issubclass(cls, optim.Optimizer)
        assert cls.__doc__.count(">>> ") >= 2, name


# ---- LBFGS --------------------------------------------------------------------------------

def _rosenbrock_problem(**kwargs):
    x = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    opt = optim.LBFGS([x], **kwargs)

    def closure():
        opt.zero_grad()
        loss = cases.rosenbrock(torch, [x])
        loss.backward()
        return loss
    return x, opt, closure


def test_lbfgs_with_strong_wolfe_finds_the_rosenbrock_minimum():
    x, opt, closure = _rosenbrock_problem(line_search_fn="strong_wolfe", max_iter=100)
    first = opt.step(closure)
    assert first.item() == pytest.approx(24.2)          # the loss before the step
    assert torch.allclose(x.detach(), torch.tensor([1.0, 1.0], dtype=torch.float64), atol=1e-4)


def test_lbfgs_stops_at_once_when_the_gradient_is_already_small():
    x, opt, closure = _rosenbrock_problem(tolerance_grad=1e9)
    before = x.detach().clone()
    opt.step(closure)
    assert torch.equal(x.detach(), before)
    assert opt.state[x]["func_evals"] == 1 and opt.state[x]["n_iter"] == 0


def test_lbfgs_history_is_limited_to_history_size():
    x, opt, closure = _rosenbrock_problem(line_search_fn="strong_wolfe", history_size=3, max_iter=10)
    opt.step(closure)
    state = opt.state[x]
    assert len(state["old_dirs"]) == len(state["old_stps"]) == len(state["ro"]) == 3
    assert len(state["al"]) == 3


def test_lbfgs_max_eval_defaults_to_five_quarters_of_max_iter():
    x, opt, closure = _rosenbrock_problem(max_iter=8)
    assert opt.param_groups[0]["max_eval"] == 10


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam",
                                  "Adadelta", "Rprop", "ASGD"])
def test_pytorchs_kernel_options_are_accepted_and_differentiable_is_refused(name):
    """Code written for PyTorch passes foreach=, fused= or capturable=; they pick PyTorch's kernels, so autograd_ref
    takes them and computes the same update; a differentiable update is not supported and says so."""
    cls = getattr(optim, name)
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    kernel_options = {"foreach": False}
    if name in ("SGD", "Adam", "AdamW", "Adagrad"):
        kernel_options["fused"] = False
    opt = cls([w], lr=0.1, **kernel_options)
    (w * w).sum().backward()
    opt.step()
    assert w.tolist() != [1.0, -2.0]
    with pytest.raises(NotImplementedError, match="differentiable=True is not supported"):
        cls([w], lr=0.1, differentiable=True)
