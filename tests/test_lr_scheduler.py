"""autograd_ref.optim.lr_scheduler: every scheduler against PyTorch's.

The schedules (each group's lr and momentum epoch by epoch, ``get_last_lr()``,
``last_epoch``, the final ``state_dict()`` and the warnings raised) and the
error messages are compared with what PyTorch gave for the same programs
(``tests/golden_lr``: ``cases.py`` holds the programs, ``record.py`` ran them
with torch into ``values.json``). torch is never imported.
"""
import copy
import json
import math
import os
import sys
import warnings

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_lr import cases  # noqa: E402

import autograd_ref as torch  # noqa: E402 - the tests read like PyTorch code
from autograd_ref import optim  # noqa: E402
from autograd_ref.optim import lr_scheduler  # noqa: E402

VALUES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_lr", "values.json")
with open(VALUES_PATH) as f:
    VALUES = json.load(f)

RTOL = 1e-12


def assert_close(got, expected, where):
    """Equal structure; numbers equal to ``RTOL`` relative."""
    if isinstance(expected, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(expected), where
        for key in expected:
            assert_close(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), (where, got, expected)
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(got, bool):
        assert isinstance(got, (int, float)), (where, got, expected)
        assert got == pytest.approx(expected, rel=RTOL, abs=1e-300), (where, got, expected)
    else:
        assert got == expected, (where, got, expected)


def test_the_tables_and_the_recording_agree():
    assert sorted(cases.CASES) == sorted(VALUES["schedules"])
    assert sorted(cases.ERROR_CASES) == sorted(VALUES["errors"])


def test_all_lists_every_scheduler():
    classes = {name for name, obj in vars(lr_scheduler).items()
               if isinstance(obj, type) and issubclass(obj, lr_scheduler.LRScheduler)
               and not name.startswith("_")}
    assert sorted(lr_scheduler.__all__) == sorted(classes)
    assert len(classes) == 16


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_schedule_matches_pytorch(name):
    got = cases.run_case(torch, name)
    expected = VALUES["schedules"][name]
    assert_close(got["records"], expected["records"], "records")
    assert got["warnings"] == expected["warnings"]


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_state_dict_matches_pytorch(name):
    got = cases.run_case(torch, name)["state_dicts"]
    assert_close(got, VALUES["schedules"][name]["state_dicts"], "state_dict")


@pytest.mark.parametrize("name", sorted(n for n, c in cases.CASES.items() if c.steps > 11))
def test_resuming_from_state_dicts_continues_the_schedule(name):
    """Save after 11 epochs, load into a fresh optimizer and schedulers built
    the same way (schedulers first, as PyTorch's docs ask), and run on: the
    rest of the recorded schedule follows."""
    case = cases.CASES[name]
    before = cases.make_optimizer(torch, case.optimizer)
    before_schedulers = case.build(torch, before)
    cases.run_case(torch, name, steps=11, opt=before, schedulers=before_schedulers)
    saved = copy.deepcopy(([s.state_dict() for s in before_schedulers], before.state_dict()))

    opt = cases.make_optimizer(torch, case.optimizer)
    schedulers = case.build(torch, opt)
    opt.load_state_dict(saved[1])
    for scheduler, state in zip(schedulers, saved[0]):
        scheduler.load_state_dict(state)
    rest = cases.run_case(torch, name, opt=opt, schedulers=schedulers, start=11)
    assert_close(rest["records"], VALUES["schedules"][name]["records"][11:], "resumed")


@pytest.mark.parametrize("name", sorted(cases.ERROR_CASES))
def test_refused_calls_match_pytorch(name):
    assert cases.run_error_case(torch, name) == VALUES["errors"][name]


# ---- behaviour worked out by hand --------------------------------------------------------

def _opt(lr=1.0, **kwargs):
    return optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, **kwargs)


def _run(opt, scheduler, epochs):
    lrs = []
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    return lrs


def test_lambda_state_dict_keeps_a_callable_objects_attributes():
    opt = _opt()
    scale = cases.Scale(0.5)
    sched = lr_scheduler.LambdaLR(opt, scale)
    saved = sched.state_dict()
    assert saved["lr_lambdas"] == [{"rate": 0.5}] and "optimizer" not in saved
    other = cases.Scale(0.9)
    sched2 = lr_scheduler.LambdaLR(_opt(), other)
    sched2.load_state_dict(saved)
    assert other.rate == 0.5 and sched2.lr_lambdas[0] is other
    assert "lr_lambdas" in saved               # loading leaves the dict as it was
    assert lr_scheduler.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"] == [None]


def test_multistep_lr_by_hand():
    opt = _opt()
    sched = lr_scheduler.MultiStepLR(opt, milestones=[2, 4, 4], gamma=0.5)
    assert _run(opt, sched, 5) == [1.0, 0.5, 0.5, 0.125, 0.125]


def test_linear_and_polynomial_by_hand():
    opt = _opt()
    sched = lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    assert sched.get_last_lr() == [0.25]
    assert _run(opt, sched, 4) == pytest.approx([0.5, 0.75, 1.0, 1.0], rel=1e-15)
    opt = _opt()
    sched = lr_scheduler.PolynomialLR(opt, total_iters=4)
    assert _run(opt, sched, 5) == pytest.approx([0.75, 0.5, 0.25, 0.0, 0.0], abs=1e-15)


def test_cosine_annealing_reaches_eta_min_at_t_max():
    opt = _opt()
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.1)
    lrs = _run(opt, sched, 20)
    assert lrs[9] == pytest.approx(0.1) and lrs[19] == pytest.approx(1.0)
    assert lrs[4] == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 2)) / 2)


def test_cyclic_lr_moves_momentum_against_the_lr():
    opt = _opt(momentum=0.9)
    sched = lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=2)
    assert opt.param_groups[0]["momentum"] == 0.9
    opt.step()
    sched.step()
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(1.0)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.8)


def test_plateau_waits_patience_epochs_then_cools_down():
    opt = _opt()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1, factor=0.5)
    lrs = []
    for loss in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]:
        opt.step()
        sched.step(loss)
        lrs.append(sched.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    saved = sched.state_dict()
    assert saved["best"] == 1.0 and saved["mode_worse"] == math.inf


def test_closed_form_forgets_what_was_set_by_hand():
    """step() builds on the current lr; step(epoch) recomputes it from base_lrs."""
    opt = _opt()
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.param_groups[0]["lr"] = 10.0
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [5.0]
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(2)
    assert sched.get_last_lr() == [0.25] and sched.last_epoch == 2


def test_get_lr_outside_step_warns():
    sched = lr_scheduler.StepLR(_opt(), step_size=2)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.optimizer.step()
        sched.step()


def test_sequential_and_chained_save_their_schedulers():
    opt = _opt()
    inner = [lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2), lr_scheduler.ExponentialLR(opt, 0.9)]
    sched = lr_scheduler.SequentialLR(opt, inner, milestones=[3])
    saved = sched.state_dict()
    assert "optimizer" not in saved and len(saved["_schedulers"]) == 2
    assert saved["_schedulers"][1]["gamma"] == 0.9
    chained = lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(opt, 2)])
    assert not hasattr(chained, "last_epoch") and chained.state_dict()["_schedulers"][0]["step_size"] == 2


def test_warm_restarts_fractional_epochs_by_hand():
    opt = _opt()
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched.step(2.5)            # in the second period (length 4), half an epoch in
    assert sched.T_i == 4 and sched.T_cur == 0.5 and sched.last_epoch == 2
    assert sched.get_last_lr()[0] == pytest.approx((1 + math.cos(math.pi * 0.5 / 4)) / 2)
