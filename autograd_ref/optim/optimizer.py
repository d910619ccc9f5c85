"""The base class of every optimizer: parameter groups, per-parameter state,
``zero_grad``, and saving and loading that state.

    >>> opt = SGD(model.parameters(), lr=0.1)
    >>> loss.backward(); opt.step(); opt.zero_grad()

An optimizer holds a list of *parameter groups*: dicts with a ``"params"``
list and the options (``lr``, ``momentum``, ...) that apply to those
parameters. Options not given for a group come from ``defaults``, which each
optimizer builds from its keyword arguments. What an optimizer remembers
between steps (a momentum buffer, Adam's running averages) lives in
``self.state``, one dict per parameter, keyed by the parameter tensor itself.
"""
import copy
import warnings
from collections import defaultdict

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor, legacy_type_name

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """The default of an option every parameter group must give itself."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    """How PyTorch names a type in its errors: ``torch.FloatTensor`` for a
    tensor, else the class name."""
    if isinstance(obj, Tensor):
        return legacy_type_name(obj)
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in (None, "builtins") else f"{module}.{cls.__qualname__}"


class Optimizer:
    """Base class: subclasses define ``__init__`` (checking their options and
    building ``defaults``) and ``step``.

        >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.01}], lr=0.1)
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                "or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # ---- parameter groups ------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group of parameters with its own options; options it does not
        give take the optimizer's defaults. Useful to unfreeze layers while
        training.

            >>> opt.add_param_group({"params": head.parameters(), "lr": 1e-3})
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)

        # Parameters may come as (name, tensor) pairs, as named_parameters() gives them.
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. "
                                 "Some param names are missing")
            param_group["param_names"] = names

        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            # The update writes into the parameter; a computed tensor would be
            # overwritten by the next forward pass anyway.
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        # Sets of tensors compare by identity here: a Tensor hashes by id.
        if len(params) != len(set(params)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for "
                "more information", stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- the training loop's calls -----------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget the gradients of every parameter before the next backward:
        set ``.grad`` to None (the default), or fill it with zeros.

            >>> opt.zero_grad()          # w.grad is None
            >>> opt.zero_grad(False)     # w.grad is zeros
        """
        for group in self.param_groups:
            for p in group["params"]:
                p._reset_grad(set_to_none)

    def step(self, closure=None):
        """Update every parameter that has a gradient. ``closure``, if given,
        re-evaluates the model and returns the loss (some algorithms need it)."""
        raise NotImplementedError

    @staticmethod
    def _gradients(group):
        """``(parameter, gradient)`` for each parameter of ``group`` that has a gradient, the gradient negated
        when the group maximizes (a new tensor then: ``p.grad`` itself is never changed by a step).

            >>> for p, grad in self._gradients(group): ...
        """
        maximize = group["maximize"]
        for p in group["params"]:
            grad = p.grad
            if grad is not None:
                yield p, (-grad if maximize else grad)

    @staticmethod
    def _evaluate(closure):
        """The loss from ``closure()``, computed with gradient recording on
        (``step`` itself runs without it)."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ---- saving and loading ------------------------------------------------
    def state_dict(self):
        """What to save to resume training: ``{"state": ..., "param_groups": ...}``.
        Parameters are named by their position (0, 1, ... across all groups),
        not by the tensors, so the dict can be loaded into another optimizer
        over another model of the same shape. The state's tensors are the
        optimizer's own (not copies).

            >>> sd = opt.state_dict(); sd["param_groups"][0]["params"]
            [0, 1]
        """
        index_of = {}
        param_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            param_groups.append(packed)
        state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict):
        """Take on the state and options saved by ``state_dict()``; the groups
        must hold as many parameters as this optimizer's.

            >>> opt.load_state_dict(saved)
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        groups = self.param_groups
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")

        param_of = {}
        for group, saved in zip(groups, saved_groups):
            param_of.update(zip(saved["params"], group["params"]))

        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in param_of:
                param = param_of[key]
                state[param] = _cast_state(param, value)
            else:
                state[key] = value

        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups

    def __getstate__(self):
        # What pickle and deepcopy keep: not whatever else was attached to the
        # instance (a scheduler wraps ``step`` in a function that cannot be pickled).
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ---- printing ------------------------------------------------------------
    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"


def check_kernel_options(foreach=None, capturable=False, differentiable=False, fused=None):
    """PyTorch's options that choose among its kernels (``foreach``, ``fused``, ``capturable`` for CUDA graphs):
    accepted, so PyTorch code runs, and ignored, since they change how the update is computed, not what. An
    update recorded for autograd (``differentiable=True``) is not supported.

        >>> check_kernel_options(foreach=False)             # fine
        >>> check_kernel_options(differentiable=True)       # NotImplementedError
    """
    if differentiable:
        raise NotImplementedError("autograd_ref's optimizers update the parameters under no_grad: "
                                  "differentiable=True is not supported")


# What PyTorch calls each hyperparameter in the message when it is out of range.
_OPTION_NAMES = {"lr": "learning rate", "eps": "epsilon value"}


def check_non_negative(**options):
    """Refuse a negative hyperparameter with PyTorch's message, checking in the order given.

        >>> check_non_negative(lr=0.01, eps=1e-8)
        >>> check_non_negative(lr=-1)           # ValueError: Invalid learning rate: -1
    """
    for name, value in options.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {_OPTION_NAMES.get(name, name + ' value')}: {value}")


def check_betas(betas):
    """Refuse a beta outside [0, 1) with PyTorch's message.

        >>> check_betas((0.9, 1.0))             # ValueError: Invalid beta parameter at index 1: 1.0
    """
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _cast_state(param, value, key=None):
    """A loaded state value made ready for ``param``: tensors moved to its
    device and, when it is floating point, its dtype. ``step`` counters keep
    their own dtype."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)
    if isinstance(value, dict):
        return {k: _cast_state(param, v, key=k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return value


def _lerp_(start, end, weight):
    """``start += weight * (end - start)`` in place, as PyTorch's ``lerp_``
    computes it: from ``start`` when the weight is small, from ``end`` when it
    is large, so that the result is exact at weight 0 and at weight 1."""
    if weight < 0.5:
        return start.add_((end - start) * weight)
    return start.copy_(end - (end - start) * (1 - weight))
