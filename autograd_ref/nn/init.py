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
import warnings

from ..autograd.grad_mode import no_grad
from ..creation import eye as identity, rand, randn, randperm, zeros
from ..ops.pointwise import where

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "zeros_", "ones_",
           "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
           "orthogonal_", "sparse_"]


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


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with numbers from N(mean, std²) cut to [a, b]: a draw that falls
    outside is drawn again until it lands inside.

        >>> w = trunc_normal_(empty(1000), std=0.02, a=-0.04, b=0.04)
        >>> bool((w.abs() <= 0.04).all())
        True
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)

    def draw_normal():
        z = randn(tensor.shape, generator=generator, dtype=tensor.dtype, device=tensor.device)
        return z * std + mean

    def draw_uniform(low=0.0, high=1.0):
        u = rand(tensor.shape, generator=generator, dtype=tensor.dtype, device=tensor.device)
        return u * (high - low) + low

    def normal_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    inside = normal_cdf((b - mean) / std) - normal_cdf((a - mean) / std)
    if inside > 0.3:
        # Most normal draws land in [a, b]: redraw the few that do not.
        values = draw_normal()
        outside = (values < a) | (values > b)
        while outside.any():
            values = where(outside, draw_normal(), values)
            outside = (values < a) | (values > b)
    else:
        # A narrow window (or one far from the mean): normal draws would rarely
        # land in it. Propose uniformly in [a, b] instead and keep a proposal x
        # with probability pdf(x) / (the largest pdf in [a, b]).
        peak = max(a, min(mean, b))
        values = zeros(tensor.shape, dtype=tensor.dtype, device=tensor.device)
        pending = values == 0         # all True: no value accepted yet
        while pending.any():
            x = draw_uniform(a, b)
            ratio = (-0.5 * ((x - mean) / std) ** 2 + 0.5 * ((peak - mean) / std) ** 2).exp()
            accept = pending & (draw_uniform() < ratio)
            values = where(accept, x, values)
            pending = pending & ~accept
    return _fill(tensor, values)


def eye_(tensor):
    """Fill a matrix with the identity (ones on the diagonal): a ``Linear``
    layer that starts out passing as many inputs through unchanged as it can.

        >>> eye_(empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, identity(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


def dirac_(tensor, groups=1):
    """Fill a convolution weight (3, 4 or 5 dimensions) so that the convolution
    copies its input: output channel d has a single 1, at the centre of the
    kernel for input channel d (per group when ``groups > 1``).

        >>> w = dirac_(empty(2, 2, 3, 3))
        >>> w[0, 0, 1, 1].item(), w.sum().item()
        (1.0, 2.0)
    """
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_channels, in_channels = tensor.shape[0], tensor.shape[1]
    if out_channels % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = out_channels // groups
    centre = tuple(size // 2 for size in tensor.shape[2:])
    with no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(min(out_per_group, in_channels)):
                tensor[(g * out_per_group + d, d) + centre] = 1
    return tensor


def _orthonormal_columns(a):
    """Gram-Schmidt: each column of the tall matrix ``a`` minus its projections
    on the columns before it, scaled to length 1. This is the Q of ``a = QR``
    with R's diagonal positive, so for a random normal ``a`` it is a uniformly
    random orthonormal frame."""
    q = zeros(a.shape, dtype=a.dtype, device=a.device)
    for j in range(a.shape[1]):
        v = a[:, j]
        for _ in range(2):      # a second pass removes what rounding left behind
            v = v - q @ (q.t() @ v)      # columns j, j+1, ... of q are still zero
        q[:, j] = v / v.norm()
    return q


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix, times ``gain``: orthonormal rows or
    columns, whichever are fewer (Saxe et al., 2013). Dimensions after the first
    are flattened into the columns.

        >>> w = orthogonal_(empty(3, 5))
        >>> bool(((w @ w.t()) - eye(3)).abs().max() < 1e-5)
        True
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    a = randn((rows, cols), generator=generator, dtype=tensor.dtype, device=tensor.device)
    if rows < cols:
        q = _orthonormal_columns(a.t()).t()     # orthonormal rows
    else:
        q = _orthonormal_columns(a)
    return _fill(tensor, (q * gain).view(tensor.shape))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a matrix from N(0, std²), then zero ``ceil(sparsity * rows)`` randomly
    chosen elements in each column (Martens, 2010).

        >>> w = sparse_(empty(10, 4), sparsity=0.3)
        >>> (w == 0).sum(0)
        tensor([3, 3, 3, 3])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    normal_(tensor, 0.0, std, generator)
    with no_grad():
        for col in range(cols):
            zero_rows = randperm(rows, generator=generator, device=tensor.device)[:num_zeros]
            tensor[zero_rows, col] = 0
    return tensor


# ---- the old names without the trailing underscore -------------------------------

def _deprecated(new):
    """``uniform`` for ``uniform_``: the same function after a FutureWarning."""
    old_name = new.__name__[:-1]

    def old(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new.__name__}`.",
                      FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    old.__name__ = old.__qualname__ = old_name
    old.__doc__ = f"""Deprecated: use :func:`{new.__name__}`, which this calls after a FutureWarning.

        >>> {old_name}(empty(3, 3))          # FutureWarning
        >>> {new.__name__}(empty(3, 3))         # the same, without it
    """
    return old


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)
