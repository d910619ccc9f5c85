"""Learning-rate schedules: change each parameter group's ``lr`` as training goes.

    >>> scheduler = StepLR(opt, step_size=30, gamma=0.1)
    >>> for epoch in range(100): train(...); scheduler.step()

Call ``scheduler.step()`` once per epoch, after ``optimizer.step()``. A
scheduler remembers each group's starting lr (``base_lrs``, also stored in
the group as ``initial_lr``) and the number of epochs seen (``last_epoch``).
"""
import warnings

from .optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "ExponentialLR"]


def _mark_step_calls(optimizer):
    """Wrap ``optimizer.step`` so that the scheduler can tell whether it ran
    before the scheduler's first step (the order PyTorch asks for)."""
    step = optimizer.step
    if getattr(step, "_marks_calls", False):
        return

    def step_and_mark(*args, **kwargs):
        optimizer._opt_called = True
        return step(*args, **kwargs)
    step_and_mark._marks_calls = True
    step_and_mark.__doc__ = step.__doc__
    optimizer.step = step_and_mark


class LRScheduler:
    """Base class: subclasses define ``get_lr()``, the groups' next learning
    rates, computed from their current ones (so that schedulers can be chained).

        >>> scheduler = ExponentialLR(opt, gamma=0.9)
        >>> scheduler.step(); scheduler.get_last_lr()
    """

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                        "scheduler with last_epoch >= 0.\nThis typically happens when:\n"
                        "1. You're trying to resume training from a checkpoint but haven't "
                        "properly loaded the optimizer state\n"
                        "2. You're using last_epoch >= 0 for a fresh training run (not recommended)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        _mark_step_calls(optimizer)
        # The first step moves last_epoch from -1 to 0 and sets the starting lrs.
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self):
        """The learning rates for epoch ``last_epoch``, one per parameter group."""
        raise NotImplementedError

    def get_last_lr(self):
        """The learning rates the last ``step()`` set, one per parameter group.

            >>> scheduler.get_last_lr()
            [0.1]
        """
        return self._last_lr

    def step(self):
        """Move on one epoch and set the groups' learning rates for it."""
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
                "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
                "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
                "will result in PyTorch skipping the first value of the learning rate schedule. "
                "See more details at "
                "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                UserWarning, stacklevel=2)
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """The scheduler's attributes, all but the optimizer.

            >>> scheduler.state_dict()["last_epoch"]
            0
        """
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Take on attributes saved by ``state_dict()``."""
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """Multiply each group's lr by ``gamma`` every ``step_size`` epochs.

        >>> scheduler = StepLR(opt, step_size=2, gamma=0.5)   # lr 1, 1, 0.5, 0.5, 0.25 ...
        >>> opt.step(); scheduler.step()
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class ExponentialLR(LRScheduler):
    """Multiply each group's lr by ``gamma`` every epoch.

        >>> scheduler = ExponentialLR(opt, gamma=0.9)         # lr 1, 0.9, 0.81, ...
        >>> opt.step(); scheduler.step()
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]
