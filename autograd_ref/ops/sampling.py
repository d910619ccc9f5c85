"""Filling a tensor in place with random draws: ``uniform_``, ``normal_``, ``bernoulli_``, ``exponential_``,
``geometric_``, ``cauchy_``, ``log_normal_``, ``random_``. Every element is overwritten by a draw (made on the host
by the autograd_ref generator, then moved to the tensor's device), so the old values get a zero gradient; the
node is named after the distribution, as in PyTorch.

    >>> manual_seed(0); w = empty(3, 4).uniform_(-0.1, 0.1)
    >>> w.abs().max() < 0.1
    tensor(True)
"""
from ..tensor import Tensor
from .inplace import ZeroBackward0, _overwrite


class UniformBackward0(ZeroBackward0):
    __slots__ = ()


class NormalBackward0(ZeroBackward0):
    __slots__ = ()


class BernoulliBackward1(ZeroBackward0):
    """``bernoulli_(p_tensor)``: p gets no gradient either."""
    __slots__ = ()


class BernoulliBackward2(ZeroBackward0):
    """``bernoulli_(p_number)``."""
    __slots__ = ()


class ExponentialBackward0(ZeroBackward0):
    __slots__ = ()


class GeometricBackward0(ZeroBackward0):
    __slots__ = ()


class CauchyBackward0(ZeroBackward0):
    __slots__ = ()


class LogNormalBackward0(ZeroBackward0):
    __slots__ = ()


class RandomBackward0(ZeroBackward0):
    """``random_(from, to)``."""
    __slots__ = ()


class RandomBackward1(ZeroBackward0):
    """``random_(to)``."""
    __slots__ = ()


class RandomBackward2(ZeroBackward0):
    """``random_()``."""
    __slots__ = ()


def _fill_random(self, node_cls, draw, generator, floating=None):
    """Overwrite ``self`` with ``draw(rng, shape)`` (a host array); ``floating`` names the kernel that refuses
    integer tensors."""
    from .._backend import CPU, transfer
    from ..creation import _check_floating, _numpy_generator
    if floating is not None:
        _check_floating(self.dtype, floating)
    host = draw(_numpy_generator(generator, self._device), self._data.shape)
    array = transfer(host.astype(self._data.dtype), CPU, self._device)
    return _overwrite(self, node_cls, lambda: self._data.__setitem__(Ellipsis, array), array)


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    """Fill with numbers drawn uniformly from ``[from, to)``.

        >>> manual_seed(0); x = empty(1000).uniform_(-1, 1)
        >>> bool(x.min() >= -1) and bool(x.max() < 1)
    """
    from_ = kwargs.pop("from", from_)
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_:g} > to={to:g}")
    return _fill_random(self, UniformBackward0, lambda rng, s: rng.uniform(from_, to, s), generator,
                        "check_uniform_bounds")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with numbers drawn from a normal distribution.

        >>> manual_seed(0); x = empty(10000).normal_(2., 0.5)
        >>> x.mean(), x.std()       # about 2 and 0.5
    """
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    return _fill_random(self, NormalBackward0, lambda rng, s: rng.normal(mean, std, s), generator, "normal_kernel_cpu")


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 (probability ``p``, a number or a tensor broadcast to self) or 0.

        >>> manual_seed(0); x = empty(1000).bernoulli_(0.3)
        >>> x.mean()                # about 0.3
    """
    if isinstance(p, Tensor):
        from .._backend import CPU, transfer
        probs = transfer(p._data, p._device, CPU)
        return _fill_random(self, BernoulliBackward1, lambda rng, s: rng.random(s) < probs, generator)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return _fill_random(self, BernoulliBackward2, lambda rng, s: rng.random(s) < p, generator)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with numbers drawn from the exponential distribution of rate ``lambd``.

        >>> manual_seed(0); x = empty(10000).exponential_(2.)
        >>> x.mean()                # about 1 / 2
    """
    if not self.dtype.is_floating_point:
        raise RuntimeError(f"Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {self.dtype.legacy_name[:-6]}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    return _fill_random(self, ExponentialBackward0, lambda rng, s: rng.exponential(1 / lambd, s), generator)


def geometric_(self, p, *, generator=None):
    """Fill with the number of tries (1, 2, ...) until the first success of probability ``p``.

        >>> manual_seed(0); x = empty(10000).geometric_(0.25)
        >>> x.mean()                # about 1 / 0.25
    """
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    return _fill_random(self, GeometricBackward0, lambda rng, s: rng.geometric(p, s), generator)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with numbers drawn from the Cauchy distribution.

        >>> manual_seed(0); x = empty(10001).cauchy_(3., 1.)
        >>> x.median()              # about 3
    """
    return _fill_random(self, CauchyBackward0, lambda rng, s: median + sigma * rng.standard_cauchy(s), generator,
                        "cauchy_cpu")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with ``exp`` of numbers drawn from a normal distribution of ``mean`` and ``std``.

        >>> manual_seed(0); x = empty(10000).log_normal_(0., 0.5)
        >>> x.log().mean()          # about 0
    """
    return _fill_random(self, LogNormalBackward0, lambda rng, s: rng.lognormal(mean, std, s), generator,
                        "log_normal_cpu")


def random_(self, from_=None, to=None, *, generator=None, **kwargs):
    """Fill with integers drawn uniformly: ``random_(to)`` from ``[0, to)``, ``random_(from, to)`` from
    ``[from, to)``, ``random_()`` from ``[0, 2**mantissa]`` for floats (``[0, 2**63)`` for int64).

        >>> manual_seed(0); x = empty(1000).random_(3, 6)
        >>> sorted(set(x.tolist()))     # [3.0, 4.0, 5.0]
    """
    from_ = kwargs.pop("from", from_)
    if from_ is not None and to is None:
        from_, to, node_cls = 0, from_, RandomBackward1
    elif from_ is None:
        bits = {"float32": 24, "float64": 53, "int64": 63, "bool": 1}[self.dtype.name]
        from_, to, node_cls = 0, 2 ** bits + (self.dtype.is_floating_point), RandomBackward2
    else:
        node_cls = RandomBackward0
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return _fill_random(self, node_cls, lambda rng, s: rng.integers(from_, to, s), generator)



# Tensor methods: merged into Tensor's by tensor.py.
METHODS = {
    "uniform_": uniform_, "normal_": normal_, "bernoulli_": bernoulli_, "exponential_": exponential_,
    "geometric_": geometric_, "cauchy_": cauchy_, "log_normal_": log_normal_, "random_": random_,
}
