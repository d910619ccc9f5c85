"""Filling weights before training: ``nn.init``.

    >>> w = empty(3, 5)
    >>> init.kaiming_uniform_(w, a=math.sqrt(5)) is w      # in place, returns w
    True

Each function changes its tensor in place, outside the graph (under
``no_grad``), and returns it. The random ones draw from the default generator
(or ``generator=``), so ``manual_seed`` makes them repeat.

Why the scales: a layer with ``fan_in`` inputs sums that many products, so the
variance of its output grows with ``fan_in`` times the variance of its weights.
Kaiming (He) and Xavier (Glorot) initialisation pick the weights' spread so that
the signal keeps roughly the same size from layer to layer.
"""
import math

from ..autograd.grad_mode import no_grad
from ..creation import rand, randn

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]


def calculate_gain(nonlinearity, param=None):
    """The factor by which a nonlinearity shrinks the spread of its input,
    to multiply into an initialisation's standard deviation.

        >>> calculate_gain("relu")
        1.4142135623730951
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
              "conv_transpose2d", "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """How many inputs feed each output (fan_in) and how many outputs each
    input feeds (fan_out), for a weight of shape ``(out, in, *kernel)``.

        >>> _calculate_fan_in_and_fan_out(empty(8, 3, 5, 5))
        (75, 200)
    """
    if tensor.dim() < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = 1
    for n in tensor.shape[2:]:
        receptive_field *= n
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor, values):
    """Write ``values`` into ``tensor`` without recording it in a graph."""
    with no_grad():
        return tensor.copy_(values)


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with numbers drawn uniformly from [a, b).

        >>> uniform_(empty(2, 3), -1, 1).shape
        autograd_ref.Size([2, 3])
    """
    u = rand(tensor.shape, generator=generator, dtype=tensor.dtype, device=tensor.device)
    return _fill(tensor, u * (b - a) + a)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with numbers drawn from a normal distribution.

        >>> normal_(empty(1000), std=0.01).std() < 0.02
        tensor(True)
    """
    z = randn(tensor.shape, generator=generator, dtype=tensor.dtype, device=tensor.device)
    return _fill(tensor, z * std + mean)


def constant_(tensor, val):
    """Fill with ``val``.

        >>> constant_(empty(2), 0.5)
        tensor([0.5000, 0.5000])
    """
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    """Fill with zeros.

        >>> zeros_(empty(2))
        tensor([0., 0.])
    """
    with no_grad():
        return tensor.zero_()


def ones_(tensor):
    """Fill with ones.

        >>> ones_(empty(2))
        tensor([1., 1.])
    """
    with no_grad():
        return tensor.fill_(1.0)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot's uniform initialisation: U(-a, a) with
    ``a = gain * sqrt(6 / (fan_in + fan_out))``.

        >>> xavier_uniform_(empty(3, 5), gain=calculate_gain("tanh")).shape
        autograd_ref.Size([3, 5])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std        # a uniform on [-b, b] has std b / sqrt(3)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot's normal initialisation: N(0, std²) with
    ``std = gain * sqrt(2 / (fan_in + fan_out))``.

        >>> xavier_normal_(empty(3, 5)).shape
        autograd_ref.Size([3, 5])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He's uniform initialisation: U(-b, b) with
    ``b = gain * sqrt(3 / fan)``. ``Linear`` and ``Conv2d`` use it with
    ``a=sqrt(5)``, which makes ``b = 1 / sqrt(fan_in)``.

        >>> kaiming_uniform_(empty(3, 5), nonlinearity="relu").shape
        autograd_ref.Size([3, 5])
    """
    if 0 in tensor.shape:
        import warnings
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He's normal initialisation: N(0, std²) with ``std = gain / sqrt(fan)``.

        >>> kaiming_normal_(empty(3, 5), mode="fan_out", nonlinearity="relu").shape
        autograd_ref.Size([3, 5])
    """
    if 0 in tensor.shape:
        import warnings
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)
