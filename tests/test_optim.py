"""autograd_ref.optim: optimizers and learning-rate schedulers.

The trajectories, state dicts, schedules and error messages are compared with
what PyTorch gave for the same programs (``tests/golden_optim``: ``cases.py``
holds the programs, ``record.py`` ran them with torch into ``values.json``).
The rest are checks of behaviour that need no recording. torch is never imported.
"""
import copy
import json
import os
import pickle
import sys
import warnings

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_optim import cases  # noqa: E402

import autograd_ref as torch  # noqa: E402 - the tests read like PyTorch code
from autograd_ref import optim  # noqa: E402

VALUES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_optim", "values.json")
with open(VALUES_PATH) as f:
    VALUES = json.load(f)

OPT_CASES = {c.name: c for c in cases.OPT_CASES}
DATA_ERRORS = ("tensor-dataset", "loader", "collate", "random-split", "dataset")
OPTIM_ERRORS = [name for name in cases.ERROR_CASES if not name.startswith(DATA_ERRORS)]


def test_the_tables_and_the_recording_agree():
    assert sorted(OPT_CASES) == sorted(VALUES["optimizers"])
    assert sorted(cases.SCHEDULER_CASES) == sorted(VALUES["schedulers"])
    assert sorted(cases.ERROR_CASES) == sorted(VALUES["errors"])


# ---- against PyTorch ---------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPT_CASES))
def test_trajectory_matches_pytorch(name):
    """Parameters after each step, the gradients zero_grad leaves, the final
    state_dict (state tensors, step counts, options) and the repr."""
    case = OPT_CASES[name]
    ours = cases.plain(cases.run_opt_case(torch, case))
    golden = VALUES["optimizers"][name]
    problems = cases.differences(ours, golden, tolerance=cases.TOLERANCE[case.dtype])
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("name", sorted(OPT_CASES))
def test_trajectory_matches_pytorch_on_gpu(name, gpu):
    """The same run with the parameters on a GPU: the same trajectory, and the optimizer's state
    (momentum buffers, Adam's moments) made on the parameters' device."""
    torch.set_default_device(gpu)
    case = OPT_CASES[name]
    ours = cases.plain(cases.run_opt_case(torch, case))
    problems = cases.differences(ours, VALUES["optimizers"][name], tolerance=cases.TOLERANCE[case.dtype])
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("name", sorted(cases.SCHEDULER_CASES))
def test_scheduler_matches_pytorch(name):
    ours = cases.plain(cases.run_scheduler_case(torch, name))
    problems = cases.differences(ours, VALUES["schedulers"][name])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", OPTIM_ERRORS)
def test_error_matches_pytorch(name):
    assert cases.run_error_case(torch, name) == VALUES["errors"][name]


# ---- what an update must not do --------------------------------------------------------

ALL_OPTIMIZERS = [
    (optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True)),
    (optim.Adam, dict(lr=0.1, weight_decay=0.1, amsgrad=True)),
    (optim.AdamW, dict(lr=0.1)),
    (optim.RMSprop, dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1)),
    (optim.Adagrad, dict(lr=0.1, weight_decay=0.1)),
]
IDS = [c.__name__ for c, _ in ALL_OPTIMIZERS]


def _params(dtype=torch.float64):
    values = cases.initial_values("semantics", "float64")
    return [torch.tensor(v, dtype=dtype, requires_grad=True) for v in values]


def _loss(params):
    return cases.objective(torch, params, [True] * len(params))


@pytest.mark.parametrize("optimizer_class,kwargs", ALL_OPTIMIZERS, ids=IDS)
def test_step_updates_in_place_and_keeps_leaves(optimizer_class, kwargs):
    params = _params()
    before = [p.detach().clone() for p in params]
    opt = optimizer_class(params, **kwargs)
    _loss(params).backward()
    grads = [p.grad for p in params]
    grad_values = [g.clone() for g in grads]
    versions = [p._version for p in params]
    ids = [id(p._data) for p in params]
    opt.step()
    for p, b, g, gv, v, i in zip(params, before, grads, grad_values, versions, ids):
        assert p.is_leaf and p.requires_grad and p.grad_fn is None
        assert id(p._data) == i, "the parameter's memory is written into, not replaced"
        assert p._version > v
        assert not torch.equal(p.detach(), b)
        assert p.grad is g and torch.equal(g, gv), "step must not change p.grad"
    assert all(not s.requires_grad for st in opt.state.values() for s in st.values()
               if isinstance(s, torch.Tensor))


@pytest.mark.parametrize("optimizer_class,kwargs", ALL_OPTIMIZERS, ids=IDS)
def test_step_records_no_graph_even_in_grad_mode(optimizer_class, kwargs):
    params = _params()
    opt = optimizer_class(params, **kwargs)
    _loss(params).backward()
    assert torch.is_grad_enabled()
    opt.step()
    assert torch.is_grad_enabled()
    (_loss(params)).backward()      # a second backward works: nothing was recorded in between
    opt.step()


@pytest.mark.parametrize("optimizer_class,kwargs", ALL_OPTIMIZERS, ids=IDS)
def test_closure_runs_with_grad_enabled_and_its_loss_is_returned(optimizer_class, kwargs):
    assert_closure_runs_with_grad_enabled(optimizer_class, kwargs, _params, _loss)


def assert_closure_runs_with_grad_enabled(optimizer_class, kwargs, make_params, loss_of):
    """``step(closure)`` calls the closure once with grad mode on and returns its loss; ``step()`` returns None."""
    params = make_params()
    opt = optimizer_class(params, **kwargs)
    seen = []

    def closure():
        seen.append(torch.is_grad_enabled())
        opt.zero_grad()
        loss = loss_of(params)
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert seen == [True] and isinstance(loss, torch.Tensor) and loss.requires_grad
    assert opt.step() is None


@pytest.mark.parametrize("optimizer_class,kwargs", ALL_OPTIMIZERS, ids=IDS)
def test_resuming_from_a_state_dict_continues_exactly(optimizer_class, kwargs):
    """Three steps, save, a fresh optimizer over fresh parameters loads the
    save: two more steps equal five uninterrupted ones, bit for bit."""
    assert_resumes_exactly(optimizer_class, kwargs, _params, _loss)


def assert_resumes_exactly(optimizer_class, kwargs, make_params, loss):
    """Five steps straight on, and three steps, a save, a fresh optimizer over fresh parameters that loads
    it, two more: the parameters are equal bit for bit (test_optim_more.py uses it too)."""
    straight = make_params()
    opt = optimizer_class(straight, **kwargs)
    for _ in range(5):
        opt.zero_grad()
        loss(straight).backward()
        opt.step()

    params = make_params()
    opt = optimizer_class(params, **kwargs)
    for _ in range(3):
        opt.zero_grad()
        loss(params).backward()
        opt.step()
    saved = copy.deepcopy(opt.state_dict())
    params = [p.detach().clone().requires_grad_() for p in params]
    opt = optimizer_class(params, **kwargs)
    opt.load_state_dict(saved)
    for _ in range(2):
        opt.zero_grad()
        loss(params).backward()
        opt.step()
    for a, b in zip(params, straight):
        assert torch.equal(a.detach(), b.detach())


def test_parameters_without_grad_are_skipped_and_get_no_state():
    used, unused = _params()
    opt = optim.Adam([used, unused], lr=0.1)
    before = unused.detach().clone()
    (used ** 2).sum().backward()
    opt.step()
    assert torch.equal(unused.detach(), before)
    assert unused not in opt.state and used in opt.state
    assert opt.state[used]["step"].item() == 1.0


def test_state_is_keyed_by_the_parameter_tensors():
    params = _params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    _loss(params).backward()
    opt.step()
    assert list(opt.state) == params
    assert sorted(opt.state[params[0]]) == ["momentum_buffer"]
    # The first momentum buffer is a copy of the gradient, not the gradient itself.
    assert opt.state[params[0]]["momentum_buffer"] is not params[0].grad
    assert torch.equal(opt.state[params[0]]["momentum_buffer"], params[0].grad)


def test_adagrad_makes_its_state_at_construction():
    p = torch.zeros(2, requires_grad=True)
    opt = optim.Adagrad([p], initial_accumulator_value=0.5)
    assert opt.state[p]["step"].item() == 0.0
    assert opt.state[p]["sum"].tolist() == [0.5, 0.5]
    assert opt.state_dict()["state"][0]["sum"].tolist() == [0.5, 0.5]


def test_adagrad_param_added_later_gets_state_on_its_first_step():
    p, q = torch.zeros(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = optim.Adagrad([p], lr=0.1)
    opt.add_param_group({"params": q})
    (p.sum() + (q * q).sum()).backward()
    opt.step()
    assert opt.state[q]["step"].item() == 1.0


def test_step_counts_are_float32_scalars_and_count_per_parameter():
    params = _params()
    opt = optim.Adam(params)
    for i in range(3):
        opt.zero_grad()
        (params[0].sum() if i else _loss(params)).backward()
        opt.step()
    steps = [opt.state[p]["step"] for p in params]
    assert [s.dtype for s in steps] == [torch.float32, torch.float32]
    assert [s.shape for s in steps] == [torch.Size([]), torch.Size([])]
    assert [s.item() for s in steps] == [3.0, 1.0]


# ---- zero_grad -------------------------------------------------------------------------

def test_zero_grad_sets_to_none_by_default():
    params = _params()
    opt = optim.SGD(params)
    _loss(params).backward()
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_can_fill_with_zeros_in_place():
    params = _params()
    opt = optim.SGD(params)
    _loss(params).backward()
    grads = [p.grad for p in params]
    opt.zero_grad(set_to_none=False)
    for p, g in zip(params, grads):
        assert p.grad is g and p.grad.abs().sum().item() == 0


def test_zero_grad_detaches_a_gradient_built_with_create_graph():
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    (p ** 3).sum().backward(create_graph=True)
    assert p.grad.requires_grad
    optim.SGD([p]).zero_grad(set_to_none=False)
    assert not p.grad.requires_grad and p.grad.grad_fn is None
    assert p.grad.tolist() == [0.0, 0.0]


def test_zero_grad_leaves_params_without_grad_alone():
    p = torch.zeros(2, requires_grad=True)
    optim.SGD([p]).zero_grad(set_to_none=False)
    assert p.grad is None


# ---- parameter groups --------------------------------------------------------------------

def test_groups_take_the_defaults_they_do_not_override():
    a, b = _params()
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.01, "momentum": 0.5}], lr=0.1)
    assert opt.defaults == {"lr": 0.1, "momentum": 0, "dampening": 0, "weight_decay": 0,
                            "nesterov": False, "maximize": False}
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert [g["momentum"] for g in opt.param_groups] == [0, 0.5]
    assert opt.param_groups[1]["params"] == [b] or opt.param_groups[1]["params"][0] is b


def test_params_may_be_any_iterable_even_a_generator():
    params = _params()
    opt = optim.SGD((p for p in params), lr=0.1)
    assert len(opt.param_groups) == 1 and opt.param_groups[0]["params"][1] is params[1]


def test_named_parameters_are_remembered_by_name():
    a, b = _params()
    opt = optim.SGD([("weight", a), ("bias", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="Some param names are missing"):
        optim.SGD([("weight", a), b], lr=0.1)
    with pytest.raises(ValueError, match="cannot add param group without names"):
        opt.add_param_group({"params": [torch.zeros(1, requires_grad=True)]})


def test_a_parameter_twice_in_one_group_warns():
    p = torch.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


def test_a_required_option_must_be_given_by_every_group():
    class NeedsLr(optim.Optimizer):
        def __init__(self, params, lr=optim.optimizer.required):
            super().__init__(params, {"lr": lr})

    p = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="didn't specify a value of required optimization "
                                         "parameter lr"):
        NeedsLr([p])
    assert NeedsLr([{"params": [p], "lr": 0.5}]).param_groups[0]["lr"] == 0.5
    assert repr(optim.optimizer.required) == "<required parameter>"


def test_a_non_leaf_that_retains_grad_may_be_optimized():
    x = torch.zeros(2, requires_grad=True) * 2
    x.retain_grad()
    optim.SGD([x], lr=0.1)


def test_the_base_class_step_is_abstract():
    with pytest.raises(NotImplementedError):
        optim.Optimizer([torch.zeros(1, requires_grad=True)], {}).step()


# ---- state_dict ---------------------------------------------------------------------------

def test_state_dict_numbers_parameters_across_groups():
    a, b = _params()
    c = torch.zeros(1, requires_grad=True)
    opt = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    (_loss([a, b]) + c.sum()).backward()
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sorted(sd["state"]) == [0, 1, 2]
    # The state's tensors are the optimizer's own, as in PyTorch (save a copy to keep one).
    assert sd["state"][0]["momentum_buffer"] is opt.state[a]["momentum_buffer"]
    # The groups are copies: changing the saved lr changes nothing.
    sd["param_groups"][0]["lr"] = 7.0
    assert opt.param_groups[0]["lr"] == 0.1


def test_load_state_dict_takes_the_saved_options():
    params = _params()
    source = optim.Adam(params, lr=0.5, betas=(0.8, 0.9))
    target = optim.Adam(_params(), lr=0.1)
    target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] == 0.5 and target.param_groups[0]["betas"] == (0.8, 0.9)
    assert target.param_groups[0]["params"][0] is not params[0]


def test_load_state_dict_converts_state_to_the_parameters_dtype():
    p32 = torch.zeros(2, requires_grad=True)
    opt = optim.Adam([p32], lr=0.1)
    p32.grad = torch.ones(2)
    opt.step()
    p64 = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    target = optim.Adam([p64], lr=0.1)
    target.load_state_dict(copy.deepcopy(opt.state_dict()))
    state = target.state[p64]
    assert state["exp_avg"].dtype == torch.float64 and state["exp_avg_sq"].dtype == torch.float64
    assert state["step"].dtype == torch.float32          # step counts keep their dtype


def test_adamw_stays_decoupled_whatever_it_loads():
    p = torch.zeros(2, requires_grad=True)
    opt = optim.AdamW([p])
    opt.load_state_dict(optim.Adam([torch.zeros(2, requires_grad=True)]).state_dict())
    assert opt.param_groups[0]["decoupled_weight_decay"] is True


def test_an_optimizer_pickles_even_with_a_scheduler_attached():
    params = _params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    optim.lr_scheduler.StepLR(opt, step_size=2)
    _loss(params).backward()
    opt.step()
    copied = pickle.loads(pickle.dumps(opt))
    assert copied.param_groups[0]["initial_lr"] == 0.1
    assert torch.equal(list(copied.state.values())[0]["momentum_buffer"],
                       opt.state[params[0]]["momentum_buffer"])
    copied.step()       # the copy steps its own copies of the parameters


def test_repr_lists_each_groups_options_sorted():
    p = torch.zeros(2, requires_grad=True)
    opt = optim.SGD([{"params": [p]}, {"params": [torch.ones(1, requires_grad=True)], "lr": 0.5}],
                    lr=0.1, momentum=0.9)
    assert repr(opt) == (
        "SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: False\n"
        "    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n\nParameter Group 1\n"
        "    dampening: 0\n    lr: 0.5\n    maximize: False\n    momentum: 0.9\n"
        "    nesterov: False\n    weight_decay: 0\n)")


# ---- the update formulas on numbers worked out by hand ----------------------------------

def test_sgd_momentum_by_hand():
    """buf_1 = g_1; buf_t = 0.9 buf + g; p -= lr * buf."""
    p = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    expected, buf = 1.0, None
    for _ in range(4):
        opt.zero_grad()
        (p * p).sum().backward()        # g = 2p
        g = 2 * expected
        buf = g if buf is None else 0.9 * buf + g
        expected -= 0.1 * buf
        opt.step()
        assert p.item() == pytest.approx(expected, rel=1e-15)


def test_adam_first_step_moves_by_lr_times_sign():
    """After bias correction Adam's first step is lr * g / (|g| + eps): about lr."""
    p = torch.tensor([3.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = optim.Adam([p], lr=0.01)
    (p * p).sum().backward()
    opt.step()
    numpy.testing.assert_allclose(p.detach().numpy(), [2.99, -1.99], rtol=1e-9)


# ---- learning-rate schedulers ---------------------------------------------------------------

def test_step_lr_sets_the_groups_and_keeps_initial_lr():
    p = torch.zeros(1, requires_grad=True)
    opt = optim.SGD([p], lr=1.0)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    assert sched.last_epoch == 0 and sched.base_lrs == [1.0]
    assert opt.param_groups[0]["initial_lr"] == 1.0
    lrs = []
    for _ in range(6):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    assert lrs == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]
    assert sched.last_epoch == 6
    assert "initial_lr: 1.0" in repr(opt)


def test_scheduler_warns_when_stepped_before_the_optimizer():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()


def test_scheduler_does_not_warn_in_the_right_order():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_scheduler_state_dict_round_trip():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.1)
    for _ in range(4):
        opt.step()
        sched.step()
    saved = sched.state_dict()
    assert "optimizer" not in saved
    assert saved["last_epoch"] == 4 and saved["step_size"] == 3 and saved["gamma"] == 0.1
    opt2 = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    opt2.load_state_dict(opt.state_dict())
    sched2 = optim.lr_scheduler.StepLR(opt2, step_size=1, gamma=0.9)
    sched2.load_state_dict(saved)
    for s, o in ((sched, opt), (sched2, opt2)):
        for _ in range(3):
            o.step()
            s.step()
    assert sched2.get_last_lr() == sched.get_last_lr() and sched2.last_epoch == 7


def test_scheduler_resumes_with_last_epoch_when_initial_lr_is_there():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5, last_epoch=3)
    assert sched.last_epoch == 4 and sched.base_lrs == [1.0]


# ---- training a model ------------------------------------------------------------------------

def test_sgd_with_momentum_trains_a_linear_layer():
    nn = pytest.importorskip("autograd_ref.nn")
    if not hasattr(nn, "Linear"):
        pytest.skip("autograd_ref.nn.Linear is not there yet")
    torch.manual_seed(0)
    x = torch.randn(64, 2)
    y = x @ torch.tensor([[2.0], [-3.0]]) + 0.5
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for _ in range(200):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    assert loss.item() < 1e-4
    numpy.testing.assert_allclose(model.weight.detach().numpy(), [[2.0, -3.0]], atol=1e-2)
    numpy.testing.assert_allclose(model.bias.detach().numpy(), [0.5], atol=1e-2)
    assert model.weight.is_leaf and model.weight.grad is not None
