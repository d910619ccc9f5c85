"""Golden programs for ``optim.lr_scheduler``, written once against a module ``lib``.

``record.py`` runs them with ``lib=torch`` into ``values.json``;
``tests/test_lr_scheduler.py`` runs them with ``lib=autograd_ref`` and compares.
Nothing here imports torch.

A schedule case builds an optimizer (two parameter groups with lrs 1.0 and
0.5), one or more schedulers on it, and runs ``STEPS`` epochs of a scripted
loop (``optimizer.step()`` then ``scheduler.step()``, or a variant: with an
epoch, with a metric, in the wrong order, with the lr changed by hand). After
construction and after every epoch it records each group's lr and momentum,
``get_last_lr()`` and ``last_epoch`` of each scheduler; at the end the
schedulers' ``state_dict()`` and every warning raised along the way.
"""
import math
import warnings
from collections import namedtuple

STEPS = 30

# A validation loss with plateaus, and an accuracy that creeps up.
LOSSES = [10, 9, 8.5, 8.4, 8.4, 8.45, 8.3, 8.2999, 8.3, 8.3, 7, 7, 7.1, 7.2, 6.9,
          6.9, 6.9, 6.9, 6.9, 5, 5, 5, 5.001, 5, 5, 5, 4.99, 5, 5, 5]
ACCURACIES = [0.1, 0.2, 0.25, 0.26, 0.3, 0.3, 0.31, 0.5, 0.5, 0.5, 0.52, 0.6, 0.6, 0.6, 0.6,
              0.61, 0.7, 0.7, 0.71, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.85, 0.85, 0.85, 0.9]
# Epochs given to step(epoch): out of order, repeated, and (for warm restarts) fractional.
EPOCHS = [1, 2, 3, 7, 4, 4, 5, 12, 6, 0, 8, 9, 10, 20, 11, 13, 14, 15, 16, 29, 17, 18, 19, 21,
          22, 23, 24, 25, 26, 27]
FRACTIONS = [i * 0.37 for i in range(1, 26)] + [3.0, 2.5, 0.1, 21.0, 45.5]


def make_optimizer(lib, kind):
    w, b = lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)
    groups = [{"params": [w]}, {"params": [b], "lr": 0.5}]
    if kind == "sgd":
        return lib.optim.SGD(groups, lr=1.0, momentum=0.9)
    if kind == "adam":
        return lib.optim.Adam(groups, lr=1.0, betas=(0.9, 0.999))
    raise ValueError(kind)


class Scale:
    """A callable object: its attributes go into a scheduler's state_dict."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, epoch):
        return self.rate ** epoch


# ---- how each epoch is run ---------------------------------------------------------

def plain(lib, opt, schedulers, i):
    opt.step()
    for s in schedulers:
        s.step()


def with_epoch(epochs):
    def run(lib, opt, schedulers, i):
        opt.step()
        for s in schedulers:
            s.step(epochs[i])
    return run


def with_metric(values, as_tensor=False):
    def run(lib, opt, schedulers, i):
        opt.step()
        for s in schedulers:
            s.step(lib.tensor(values[i]) if as_tensor else values[i])
    return run


def wrong_order(lib, opt, schedulers, i):
    for s in schedulers:
        s.step()
    opt.step()


def halve_by_hand_at_10(lib, opt, schedulers, i):
    """Chainable schedulers carry a change made by hand on; closed forms forget it."""
    if i == 10:
        for group in opt.param_groups:
            group["lr"] = group["lr"] * 0.5
    plain(lib, opt, schedulers, i)


def overridden_step(lib, opt, schedulers, i):
    if i == 0:
        opt.step = lambda closure=None: None
    plain(lib, opt, schedulers, i)


def get_lr_outside_step(lib, opt, schedulers, i):
    if i == 1:
        for s in schedulers:
            s.get_lr()
    plain(lib, opt, schedulers, i)


Case = namedtuple("Case", "build optimizer run steps", defaults=("sgd", plain, STEPS))


def S(lib):
    return lib.optim.lr_scheduler


CASES = {
    # LambdaLR, MultiplicativeLR
    "lambda": Case(lambda lib, opt: [S(lib).LambdaLR(opt, lambda e: 0.95 ** e)]),
    "lambda-per-group": Case(lambda lib, opt: [S(lib).LambdaLR(
        opt, [lambda e: 1 / (e + 1), lambda e: 0.9 ** (e // 3)])]),
    "lambda-object": Case(lambda lib, opt: [S(lib).LambdaLR(opt, Scale(0.8))]),
    "lambda-by-hand": Case(lambda lib, opt: [S(lib).LambdaLR(opt, lambda e: 0.95 ** e)],
                           run=halve_by_hand_at_10),
    "multiplicative": Case(lambda lib, opt: [S(lib).MultiplicativeLR(opt, lambda e: 0.9)]),
    "multiplicative-per-group": Case(lambda lib, opt: [S(lib).MultiplicativeLR(
        opt, (lambda e: 0.95, lambda e: 1.0 if e % 2 else 0.8))]),
    "multiplicative-by-hand": Case(lambda lib, opt: [S(lib).MultiplicativeLR(opt, lambda e: 0.9)],
                                   run=halve_by_hand_at_10),
    # StepLR, MultiStepLR, ExponentialLR
    "step": Case(lambda lib, opt: [S(lib).StepLR(opt, step_size=7, gamma=0.5)]),
    "step-epochs": Case(lambda lib, opt: [S(lib).StepLR(opt, step_size=4, gamma=0.5)],
                        run=with_epoch(EPOCHS)),
    "multistep": Case(lambda lib, opt: [S(lib).MultiStepLR(opt, milestones=[3, 8, 8, 20], gamma=0.3)]),
    "multistep-unsorted": Case(lambda lib, opt: [S(lib).MultiStepLR(opt, milestones=[15, 5])]),
    "multistep-epochs": Case(lambda lib, opt: [S(lib).MultiStepLR(opt, [3, 8, 8, 20], gamma=0.3)],
                             run=with_epoch(EPOCHS)),
    "exponential-epochs": Case(lambda lib, opt: [S(lib).ExponentialLR(opt, gamma=0.9)],
                               run=with_epoch(EPOCHS)),
    "exponential-by-hand": Case(lambda lib, opt: [S(lib).ExponentialLR(opt, gamma=0.9)],
                                run=halve_by_hand_at_10),
    "exponential-adam": Case(lambda lib, opt: [S(lib).ExponentialLR(opt, gamma=0.8)], optimizer="adam"),
    # ConstantLR, LinearLR, PolynomialLR
    "constant": Case(lambda lib, opt: [S(lib).ConstantLR(opt, factor=0.5, total_iters=4)]),
    "constant-default": Case(lambda lib, opt: [S(lib).ConstantLR(opt)]),
    "constant-epochs": Case(lambda lib, opt: [S(lib).ConstantLR(opt, factor=0.25, total_iters=6)],
                            run=with_epoch(EPOCHS)),
    "linear": Case(lambda lib, opt: [S(lib).LinearLR(opt)]),
    "linear-decay": Case(lambda lib, opt: [S(lib).LinearLR(opt, start_factor=1.0, end_factor=0.1,
                                                          total_iters=12)]),
    "linear-epochs": Case(lambda lib, opt: [S(lib).LinearLR(opt, start_factor=0.2, total_iters=9)],
                          run=with_epoch(EPOCHS)),
    "linear-by-hand": Case(lambda lib, opt: [S(lib).LinearLR(opt, start_factor=0.1, total_iters=20)],
                           run=halve_by_hand_at_10),
    "polynomial": Case(lambda lib, opt: [S(lib).PolynomialLR(opt, total_iters=10, power=2.0)]),
    "polynomial-default": Case(lambda lib, opt: [S(lib).PolynomialLR(opt)]),
    "polynomial-epochs": Case(lambda lib, opt: [S(lib).PolynomialLR(opt, total_iters=15, power=0.5)],
                              run=with_epoch(EPOCHS)),
    # CosineAnnealingLR, CosineAnnealingWarmRestarts
    "cosine": Case(lambda lib, opt: [S(lib).CosineAnnealingLR(opt, T_max=8, eta_min=0.01)]),
    "cosine-long": Case(lambda lib, opt: [S(lib).CosineAnnealingLR(opt, T_max=30)]),
    "cosine-epochs": Case(lambda lib, opt: [S(lib).CosineAnnealingLR(opt, T_max=8, eta_min=0.01)],
                          run=with_epoch(EPOCHS)),
    "cosine-by-hand": Case(lambda lib, opt: [S(lib).CosineAnnealingLR(opt, T_max=25)],
                           run=halve_by_hand_at_10),
    "cosine-resumed": Case(lambda lib, opt: [S(lib).ExponentialLR(opt, gamma=0.5),
                                             S(lib).CosineAnnealingLR(opt, T_max=12, last_epoch=4)]),
    "warm-restarts": Case(lambda lib, opt: [S(lib).CosineAnnealingWarmRestarts(opt, T_0=5)]),
    "warm-restarts-mult": Case(lambda lib, opt: [S(lib).CosineAnnealingWarmRestarts(
        opt, T_0=3, T_mult=2, eta_min=0.05)]),
    "warm-restarts-fractional": Case(lambda lib, opt: [S(lib).CosineAnnealingWarmRestarts(
        opt, T_0=2, T_mult=2, eta_min=0.01)], run=with_epoch(FRACTIONS)),
    "warm-restarts-fractional-mult1": Case(lambda lib, opt: [S(lib).CosineAnnealingWarmRestarts(
        opt, T_0=4)], run=with_epoch(FRACTIONS)),
    # CyclicLR
    "cyclic-triangular": Case(lambda lib, opt: [S(lib).CyclicLR(opt, base_lr=0.01, max_lr=0.1,
                                                                step_size_up=4)]),
    "cyclic-triangular2": Case(lambda lib, opt: [S(lib).CyclicLR(
        opt, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3, step_size_down=5,
        mode="triangular2", base_momentum=[0.7, 0.75], max_momentum=0.95)]),
    "cyclic-exp-range": Case(lambda lib, opt: [S(lib).CyclicLR(
        opt, base_lr=0.001, max_lr=0.1, step_size_up=5, mode="exp_range", gamma=0.9)]),
    "cyclic-adam": Case(lambda lib, opt: [S(lib).CyclicLR(
        opt, base_lr=0.01, max_lr=0.05, step_size_up=3, base_momentum=0.85, max_momentum=0.95)],
        optimizer="adam"),
    "cyclic-adam-no-momentum": Case(lambda lib, opt: [S(lib).CyclicLR(
        opt, base_lr=0.01, max_lr=0.05, step_size_up=2, step_size_down=6, cycle_momentum=False)],
        optimizer="adam"),
    "cyclic-scale-fn": Case(lambda lib, opt: [S(lib).CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 1 / (1 + x),
        scale_mode="iterations")]),
    "cyclic-scale-object": Case(lambda lib, opt: [S(lib).CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=Scale(0.7))]),
    # OneCycleLR
    "onecycle-cos": Case(lambda lib, opt: [S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=30)]),
    "onecycle-linear": Case(lambda lib, opt: [S(lib).OneCycleLR(
        opt, max_lr=[1.0, 0.5], epochs=6, steps_per_epoch=5, pct_start=0.25,
        anneal_strategy="linear")]),
    "onecycle-three-phase": Case(lambda lib, opt: [S(lib).OneCycleLR(
        opt, max_lr=0.8, total_steps=32, three_phase=True, div_factor=10.0,
        final_div_factor=100.0)]),
    "onecycle-adam": Case(lambda lib, opt: [S(lib).OneCycleLR(
        opt, max_lr=0.1, total_steps=31, base_momentum=[0.8, 0.85], max_momentum=0.95)],
        optimizer="adam"),
    "onecycle-no-momentum": Case(lambda lib, opt: [S(lib).OneCycleLR(
        opt, max_lr=0.1, total_steps=40, pct_start=0.5, cycle_momentum=False)]),
    # ReduceLROnPlateau
    "plateau-min": Case(lambda lib, opt: [S(lib).ReduceLROnPlateau(opt, patience=2)],
                        run=with_metric(LOSSES)),
    "plateau-min-abs-cooldown": Case(lambda lib, opt: [S(lib).ReduceLROnPlateau(
        opt, factor=0.5, patience=1, threshold=0.05, threshold_mode="abs", cooldown=2)],
        run=with_metric(LOSSES)),
    "plateau-max-rel": Case(lambda lib, opt: [S(lib).ReduceLROnPlateau(
        opt, mode="max", factor=0.5, patience=1, threshold=0.05)], run=with_metric(ACCURACIES)),
    "plateau-max-abs": Case(lambda lib, opt: [S(lib).ReduceLROnPlateau(
        opt, mode="max", factor=0.7, patience=0, threshold=0.01, threshold_mode="abs", cooldown=1)],
        run=with_metric(ACCURACIES)),
    "plateau-min-lrs": Case(lambda lib, opt: [S(lib).ReduceLROnPlateau(
        opt, factor=0.5, patience=0, min_lr=[0.05, 0.01])], run=with_metric(LOSSES)),
    "plateau-eps": Case(lambda lib, opt: [S(lib).ReduceLROnPlateau(
        opt, factor=0.5, patience=0, eps=0.1)], run=with_metric(LOSSES)),
    "plateau-tensor-metric": Case(lambda lib, opt: [S(lib).ReduceLROnPlateau(opt, patience=1)],
                                  run=with_metric(LOSSES, as_tensor=True)),
    # SequentialLR, ChainedScheduler, two schedulers on one optimizer
    "sequential": Case(lambda lib, opt: [S(lib).SequentialLR(
        opt, [S(lib).LinearLR(opt, start_factor=0.1, total_iters=5), S(lib).ExponentialLR(opt, 0.9)],
        milestones=[5])]),
    "sequential-three": Case(lambda lib, opt: [S(lib).SequentialLR(
        opt, [S(lib).ConstantLR(opt, factor=0.5, total_iters=3), S(lib).CosineAnnealingLR(opt, T_max=10),
              S(lib).StepLR(opt, 3, 0.5)], milestones=[4, 14])]),
    "sequential-lambda": Case(lambda lib, opt: [S(lib).SequentialLR(
        opt, [S(lib).MultiplicativeLR(opt, lambda e: 0.8), S(lib).LambdaLR(opt, lambda e: 1 / (1 + e))],
        milestones=[6])]),
    "chained": Case(lambda lib, opt: [S(lib).ChainedScheduler(
        [S(lib).ConstantLR(opt, factor=0.1, total_iters=5), S(lib).ExponentialLR(opt, 0.9)])]),
    "chained-cosine": Case(lambda lib, opt: [S(lib).ChainedScheduler(
        [S(lib).CosineAnnealingLR(opt, T_max=6), S(lib).MultiStepLR(opt, [10, 20], gamma=0.5)],
        optimizer=opt)]),
    "two-schedulers": Case(lambda lib, opt: [S(lib).LinearLR(opt, start_factor=0.5, total_iters=4),
                                             S(lib).MultiStepLR(opt, [6, 12], gamma=0.5)]),
    "two-schedulers-polynomial": Case(lambda lib, opt: [
        S(lib).PolynomialLR(opt, total_iters=20, power=1.5), S(lib).CosineAnnealingLR(opt, T_max=7)]),
    # warnings
    "wrong-order": Case(lambda lib, opt: [S(lib).StepLR(opt, 3)], run=wrong_order, steps=3),
    "wrong-order-chained": Case(lambda lib, opt: [S(lib).ChainedScheduler(
        [S(lib).ExponentialLR(opt, 0.5), S(lib).LinearLR(opt)])], run=wrong_order, steps=3),
    "overridden-step": Case(lambda lib, opt: [S(lib).ExponentialLR(opt, 0.5)], run=overridden_step,
                            steps=3),
    "get-lr-outside-step": Case(lambda lib, opt: [S(lib).ExponentialLR(opt, 0.5)], run=get_lr_outside_step,
                                steps=3),
}


def _momentum(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum")


def _plain(value):
    """JSON-ready: dict keys as strings, callables named, infinities as strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return "<%s>" % type(value).__name__


def snapshot(opt, schedulers):
    return {"lr": [g["lr"] for g in opt.param_groups],
            "momentum": [_momentum(g) for g in opt.param_groups],
            "last_lr": [list(s.get_last_lr()) for s in schedulers],
            "last_epoch": [getattr(s, "last_epoch", None) for s in schedulers]}


def run_case(lib, name, steps=None, opt=None, schedulers=None, start=0):
    """The records of case ``name``: one snapshot after construction and one per
    epoch, the final state dicts and the warnings. ``opt``/``schedulers``/``start``
    continue a run (the tests resume from saved state)."""
    case = CASES[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if opt is None:
            opt = make_optimizer(lib, case.optimizer)
            schedulers = case.build(lib, opt)
        records = [snapshot(opt, schedulers)]
        for i in range(start, case.steps if steps is None else steps):
            case.run(lib, opt, schedulers, i)
            records.append(snapshot(opt, schedulers))
    return {"records": records,
            "state_dicts": [_plain(s.state_dict()) for s in schedulers],
            "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}


# ---- refused calls -----------------------------------------------------------------

def _sgd(lib, groups=1):
    params = [{"params": [lib.zeros(1, requires_grad=True)]} for _ in range(groups)]
    return lib.optim.SGD(params, lr=0.1)


def _onecycle_past_the_end(lib):
    opt = _sgd(lib)
    scheduler = S(lib).OneCycleLR(opt, max_lr=1.0, total_steps=5)
    for _ in range(6):
        opt.step()
        scheduler.step()


def _plateau_group_added(lib):
    opt = _sgd(lib)
    scheduler = S(lib).ReduceLROnPlateau(opt, patience=0, min_lr=[0.0])
    opt.add_param_group({"params": [lib.zeros(1, requires_grad=True)]})
    scheduler.step(1.0)
    scheduler.step(2.0)


def _other_optimizer(lib, kind):
    opt, other = _sgd(lib), _sgd(lib)
    schedulers = [S(lib).StepLR(opt, 2), S(lib).ExponentialLR(other, 0.9)]
    if kind == "sequential":
        S(lib).SequentialLR(opt, schedulers, milestones=[3])
    else:
        S(lib).ChainedScheduler(schedulers)


def _lambda_lr_group_added(lib):
    opt = _sgd(lib)
    scheduler = S(lib).LambdaLR(opt, lambda e: 0.5)
    opt.add_param_group({"params": [lib.zeros(1, requires_grad=True)]})
    opt.step()
    scheduler.step()


def _sequential_milestones(lib):
    opt = _sgd(lib)
    S(lib).SequentialLR(opt, [S(lib).StepLR(opt, 2), S(lib).StepLR(opt, 3)], milestones=[3, 6])


ERROR_CASES = {
    "lambda-count": lambda lib: S(lib).LambdaLR(_sgd(lib, 2), [lambda e: 1.0]),
    "lambda-group-added": _lambda_lr_group_added,
    "multiplicative-count": lambda lib: S(lib).MultiplicativeLR(_sgd(lib), [lambda e: 1.0] * 3),
    "multiplicative-not-callable": lambda lib: S(lib).MultiplicativeLR(_sgd(lib), 0.9),
    "multistep-not-optimizer": lambda lib: S(lib).MultiStepLR([], [2]),
    "constant-factor": lambda lib: S(lib).ConstantLR(_sgd(lib), factor=1.5),
    "constant-negative-factor": lambda lib: S(lib).ConstantLR(_sgd(lib), factor=-0.1),
    "linear-start": lambda lib: S(lib).LinearLR(_sgd(lib), start_factor=0.0),
    "linear-end": lambda lib: S(lib).LinearLR(_sgd(lib), end_factor=1.1),
    "warm-restarts-t0": lambda lib: S(lib).CosineAnnealingWarmRestarts(_sgd(lib), T_0=0),
    "warm-restarts-t0-float": lambda lib: S(lib).CosineAnnealingWarmRestarts(_sgd(lib), T_0=2.0),
    "warm-restarts-tmult": lambda lib: S(lib).CosineAnnealingWarmRestarts(_sgd(lib), T_0=2, T_mult=0),
    "warm-restarts-eta-min": lambda lib: S(lib).CosineAnnealingWarmRestarts(_sgd(lib), 2, eta_min="0"),
    "warm-restarts-negative-epoch": lambda lib: S(lib).CosineAnnealingWarmRestarts(_sgd(lib), 2).step(-1),
    "cyclic-not-optimizer": lambda lib: S(lib).CyclicLR(None, 0.1, 1.0),
    "cyclic-mode": lambda lib: S(lib).CyclicLR(_sgd(lib), 0.1, 1.0, mode="square"),
    "cyclic-base-lr-count": lambda lib: S(lib).CyclicLR(_sgd(lib), [0.1, 0.2], 1.0),
    "cyclic-max-momentum-count": lambda lib: S(lib).CyclicLR(_sgd(lib), 0.1, 1.0, max_momentum=[0.9] * 2),
    "cyclic-no-momentum": lambda lib: S(lib).CyclicLR(
        lib.optim.Adagrad([lib.zeros(1, requires_grad=True)]), 0.1, 1.0),
    "onecycle-no-length": lambda lib: S(lib).OneCycleLR(_sgd(lib), 1.0),
    "onecycle-total-steps": lambda lib: S(lib).OneCycleLR(_sgd(lib), 1.0, total_steps=0),
    "onecycle-epochs": lambda lib: S(lib).OneCycleLR(_sgd(lib), 1.0, epochs=2.5, steps_per_epoch=3),
    "onecycle-steps-per-epoch": lambda lib: S(lib).OneCycleLR(_sgd(lib), 1.0, epochs=2, steps_per_epoch=0),
    "onecycle-pct-start": lambda lib: S(lib).OneCycleLR(_sgd(lib), 1.0, total_steps=9, pct_start=1.5),
    "onecycle-pct-start-int": lambda lib: S(lib).OneCycleLR(_sgd(lib), 1.0, total_steps=9, pct_start=0),
    "onecycle-anneal": lambda lib: S(lib).OneCycleLR(_sgd(lib), 1.0, total_steps=9, anneal_strategy="exp"),
    "onecycle-max-lr-count": lambda lib: S(lib).OneCycleLR(_sgd(lib), [1.0, 2.0], total_steps=9),
    "onecycle-no-momentum": lambda lib: S(lib).OneCycleLR(
        lib.optim.Adagrad([lib.zeros(1, requires_grad=True)]), 1.0, total_steps=9),
    "onecycle-past-the-end": _onecycle_past_the_end,
    "plateau-factor": lambda lib: S(lib).ReduceLROnPlateau(_sgd(lib), factor=1.0),
    "plateau-not-optimizer": lambda lib: S(lib).ReduceLROnPlateau("sgd"),
    "plateau-min-lr-count": lambda lib: S(lib).ReduceLROnPlateau(_sgd(lib), min_lr=[0.1, 0.2]),
    "plateau-mode": lambda lib: S(lib).ReduceLROnPlateau(_sgd(lib), mode="lowest"),
    "plateau-threshold-mode": lambda lib: S(lib).ReduceLROnPlateau(_sgd(lib), threshold_mode="ratio"),
    "plateau-group-added": _plateau_group_added,
    "sequential-empty": lambda lib: S(lib).SequentialLR(_sgd(lib), [], milestones=[]),
    "sequential-milestones": _sequential_milestones,
    "sequential-not-scheduler": lambda lib: S(lib).SequentialLR(_sgd(lib), [object()], milestones=[]),
    "sequential-plateau": lambda lib: S(lib).SequentialLR(
        _sgd(lib), [S(lib).ReduceLROnPlateau(_sgd(lib))], milestones=[]),
    "sequential-other-optimizer": lambda lib: _other_optimizer(lib, "sequential"),
    "chained-empty": lambda lib: S(lib).ChainedScheduler([]),
    "chained-other-optimizer": lambda lib: _other_optimizer(lib, "chained"),
    "chained-plateau": lambda lib: S(lib).ChainedScheduler([S(lib).ReduceLROnPlateau(_sgd(lib))]),
}


def run_error_case(lib, name):
    """``{"type", "message"}`` of what the call raises (or ``None``). An optimizer's
    repr in a message (it lists each library's own options) becomes ``OPTIMIZER``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ERROR_CASES[name](lib)
    except Exception as e:          # noqa: BLE001 - recording whatever is raised
        message = str(e)
        if " has SGD (" in message:
            head, tail = message.split(" has SGD (", 1)
            message = head + " has OPTIMIZER" + tail[tail.index("), which") + 1:]
        return {"type": type(e).__name__, "message": message}
    return None
