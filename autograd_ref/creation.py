"""Making tensors: from data, filled with one value, ranges, and random numbers.

    >>> zeros(2, 3).shape, tensor([1, 2]).dtype
    (autograd_ref.Size([2, 3]), autograd_ref.int64)

Every function takes PyTorch's keywords ``dtype=``, ``device=`` and
``requires_grad=``. The numbers are made by the device's array module
(``device.xp``, chosen in ``_backend``); random numbers are drawn on the host by a
:class:`Generator` and then moved to the device.
"""
import math
import numbers
import operator
import secrets
import warnings

import numpy  # for numpy's types and its random generator; math goes through device.xp

from . import dtypes
from . import _backend
from ._backend import CPU, placement
from .autograd.grad_mode import is_grad_enabled
from .autograd.graph import Node, edge_to
from .ops.common import attach, check_same_device
from .tensor import Size, Tensor, _to_array, make_tensor

__all__ = [
    "tensor", "as_tensor", "from_numpy",
    "zeros", "ones", "empty", "full", "eye", "arange", "linspace",
    "zeros_like", "ones_like", "empty_like", "full_like",
    "rand", "randn", "randint", "randperm", "normal", "bernoulli", "poisson",
    "rand_like", "randn_like", "randint_like",
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed",
    "get_rng_state", "set_rng_state",
    "FloatTensor", "DoubleTensor", "LongTensor", "BoolTensor",
]


# ---- the keywords every creation function shares ----------------------------

_PYTHON_TYPES = {float: dtypes.float64, int: dtypes.int64, bool: dtypes.bool_}


def _dtype(dtype, default, fn_name):
    """The dtype asked for: an autograd_ref dtype, or ``float``/``int``/``bool``
    as PyTorch also accepts; ``default`` when None."""
    if dtype is None:
        return default
    if isinstance(dtype, dtypes.dtype):
        return dtype
    if isinstance(dtype, type) and dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    raise TypeError(
        f"{fn_name}(): argument 'dtype' must be autograd_ref.dtype, not {type(dtype).__name__}")


def _device(device):
    """Where a new tensor goes: ``device`` if given, else the default device."""
    return _backend.default_device() if device is None else placement(device)


def _finish(array, device, requires_grad):
    """Wrap a new array as a leaf tensor on ``device``; arrays made on the host
    (from data, or random draws) are moved there first."""
    if device is not CPU and not isinstance(array, device.xp.ndarray):
        array = _backend.transfer(array, CPU, device)
    t = make_tensor(array, device)
    if requires_grad:
        if not t.dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def _size(args, fn_name):
    """The shape meant by ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(Size)``.

        >>> _size(((2, 3),), "zeros")
        (2, 3)
    """
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    shape = []
    for position, n in enumerate(args, 1):
        try:
            shape.append(operator.index(n))  # ints, numpy ints, one-element int tensors
        except TypeError:
            raise TypeError(
                f"{fn_name}(): argument 'size' must be tuple of ints, but found element "
                f"of type {type(n).__name__} at pos {position}") from None
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {shape}")
    return tuple(shape)


def _number(value):
    """A Python number from a number or a one-element tensor."""
    return value.item() if isinstance(value, Tensor) else value


# ---- from data --------------------------------------------------------------

def tensor(data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, a numpy
    array or a tensor). Floats become float32, ints int64, bools bool.

        >>> tensor([[1, 2], [3, 4]]).dtype, tensor(2.5)
        (autograd_ref.int64, tensor(2.5000))
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), "
            "rather than autograd_ref.tensor(sourceTensor).", UserWarning, stacklevel=2)
    return _from_data(data, dtype, device, requires_grad, "tensor")


def _from_data(data, dtype, device, requires_grad, fn_name):
    dtype = _dtype(dtype, None, fn_name)
    if isinstance(data, Tensor) and data.device.type != "cpu":
        if device is None:
            device = data.device        # a copy of a GPU tensor stays on its GPU
        data = data.detach().cpu()
    if isinstance(data, numpy.generic):
        data = numpy.asarray(data)  # a numpy scalar keeps its dtype, as an array does
    try:
        array = _to_array(data, dtypes.get_default_dtype(), dtype)
    except (TypeError, ValueError):
        _check_nested(data)  # raises PyTorch's message when it can tell what is wrong
        raise
    return _finish(array, _device(device), requires_grad)


def _check_nested(data):
    """Raise PyTorch's error for data that is not a rectangular nest of numbers.

    The expected length of each dimension comes from the first element at each
    depth, as PyTorch reads it; every other list is compared with that.
    """
    sizes = []
    probe = data
    while _is_sequence(probe):
        sizes.append(len(probe))
        if not len(probe):
            break
        probe = probe[0]
    _check_level(data, sizes, 0)


def _is_sequence(x):
    return isinstance(x, (list, tuple)) or (isinstance(x, (numpy.ndarray, Tensor)) and x.ndim > 0)


def _check_level(item, sizes, dim):
    if dim == len(sizes):
        if _is_sequence(item):
            raise TypeError(f"must be real number, not {type(item).__name__}")
        if isinstance(item, str):
            raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
        if not isinstance(item, (numbers.Number, numpy.generic, numpy.ndarray, Tensor)):
            raise RuntimeError(f"Could not infer dtype of {type(item).__name__}")
        return
    if not _is_sequence(item):
        raise TypeError("not a sequence")
    if len(item) != sizes[dim]:
        raise ValueError(
            f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(item)})")
    for element in item:
        _check_level(element, sizes, dim + 1)


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, without copying when it can: a tensor of the asked
    dtype is returned itself, and a numpy array of a supported dtype shares memory.

        >>> a = numpy.zeros(2); t = as_tensor(a); a[0] = 5; t
        tensor([5., 0.], dtype=autograd_ref.float64)
    """
    dtype = _dtype(dtype, None, "as_tensor")
    target = None if device is None else placement(device)
    if isinstance(data, Tensor):
        if (dtype is None or dtype is data.dtype) and (target is None or target == data.device):
            return data
        return data.to(dtype=dtype, device=target)
    if isinstance(data, numpy.ndarray) and (target or _backend.default_device()) is CPU:
        own = dtypes._BY_NUMPY.get(data.dtype)
        if own is not None and (dtype is None or dtype is own):
            return make_tensor(data)
    return _from_data(data, dtype, target, False, "as_tensor")


def from_numpy(ndarray):
    """A tensor sharing memory with a numpy array: writing through either one is
    seen in the other. The array must hold float64, float32, int64 or bool.

        >>> a = numpy.arange(3); t = from_numpy(a); t[0] = 7; a
        array([7, 1, 2])
    """
    if not isinstance(ndarray, numpy.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)  # refuses the dtypes we cannot hold
    if any(stride < 0 for stride in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around "
            "this by making a copy of your array  with array.copy().) ")
    return make_tensor(ndarray)


# ---- filled with one value ----------------------------------------------------

def _filled(shape, value, dtype, device, requires_grad, fn_name):
    dtype = _dtype(dtype, dtypes.get_default_dtype(), fn_name)
    device = _device(device)
    return _finish(device.xp.full(shape, value, dtype=dtype.np), device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros; the size as ``zeros(2, 3)`` or ``zeros((2, 3))``.

        >>> zeros(2)
        tensor([0., 0.])
    """
    return _filled(_size_given(size, "zeros"), 0, dtype, device, requires_grad, "zeros")


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of ones.

        >>> ones(2, dtype=int64)
        tensor([1, 1])
    """
    return _filled(_size_given(size, "ones"), 1, dtype, device, requires_grad, "ones")


def empty(*size, dtype=None, device=None, requires_grad=False):
    """A tensor whose memory is not initialised: fill it before reading it.

        >>> empty(2, 3).shape
        autograd_ref.Size([2, 3])
    """
    shape = _size_given(size, "empty")
    dtype = _dtype(dtype, dtypes.get_default_dtype(), "empty")
    device = _device(device)
    return _finish(device.xp.empty(shape, dtype=dtype.np), device, requires_grad)


def _size_given(args, fn_name):
    if not args:
        raise TypeError(f'{fn_name}() missing 1 required positional arguments: "size"')
    return _size(args, fn_name)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value``, whose type sets the dtype unless given:
    int -> int64, float -> float32, bool -> bool.

        >>> full((2,), 7), full((2,), 7.)
        (tensor([7, 7]), tensor([7., 7.]))
    """
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            "full(): argument 'size' (position 1) must be tuple of ints, "
            f"not {type(size).__name__}")
    fill_value = _number(fill_value)
    if not isinstance(fill_value, numbers.Number):
        raise TypeError(
            "full(): argument 'fill_value' (position 2) must be Number, "
            f"not {type(fill_value).__name__}")
    dtype = _dtype(dtype, dtypes.scalar_dtype(fill_value), "full")
    return _filled(_size((size,), "full"), fill_value, dtype, device, requires_grad, "full")


def _like(input, dtype, device, fn_name):
    """The shape, dtype and device of a ``*_like`` result: the input's unless given."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{fn_name}(): argument 'input' (position 1) must be Tensor, "
            f"not {type(input).__name__}")
    dtype = _dtype(dtype, input.dtype, fn_name)
    return input.shape, dtype, input.device if device is None else _device(device)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False):
    """Zeros with the shape (and, unless given, dtype and device) of ``input``.

        >>> zeros_like(tensor([1, 2]))
        tensor([0, 0])
    """
    shape, dtype, device = _like(input, dtype, device, "zeros_like")
    return _filled(shape, 0, dtype, device, requires_grad, "zeros_like")


def ones_like(input, *, dtype=None, device=None, requires_grad=False):
    """Ones with the shape (and, unless given, dtype and device) of ``input``.

        >>> ones_like(tensor([1., 2.]))
        tensor([1., 1.])
    """
    shape, dtype, device = _like(input, dtype, device, "ones_like")
    return _filled(shape, 1, dtype, device, requires_grad, "ones_like")


def empty_like(input, *, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor with the shape, dtype and device of ``input``.

        >>> empty_like(tensor([1., 2.])).shape
        autograd_ref.Size([2])
    """
    shape, dtype, device = _like(input, dtype, device, "empty_like")
    return empty(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    """``fill_value`` everywhere, in the shape, dtype and device of ``input``.

        >>> full_like(tensor([1, 2]), 2.7)     # converted to int64, like the input
        tensor([2, 2])
    """
    shape, dtype, device = _like(input, dtype, device, "full_like")
    return full(shape, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


# ---- ranges --------------------------------------------------------------------

def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The ``n`` x ``m`` matrix with ones on the diagonal (``m`` defaults to ``n``).

        >>> eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    for position, name, value in ((1, "n", n), (2, "m", m)):
        if value is None:
            continue
        if not isinstance(value, numbers.Integral):
            raise TypeError(f"eye(): argument '{name}' (position {position}) must be int, "
                            f"not {type(value).__name__}")
        if value < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    dtype = _dtype(dtype, dtypes.get_default_dtype(), "eye")
    device = _device(device)
    return _finish(device.xp.eye(n, m, dtype=dtype.np), device, requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """``start, start + step, ...`` up to but not including ``end``. int64 when
    every argument is an int, else float32.

        >>> arange(3), arange(1, 2, 0.5)
        (tensor([0, 1, 2]), tensor([1.0000, 1.5000]))
    """
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    all_ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    dtype = _dtype(dtype, dtypes.int64 if all_ints else dtypes.get_default_dtype(), "arange")
    if not dtype.is_floating_point:
        start, end, step = int(start), int(end), int(step)  # PyTorch truncates them too
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    device = _device(device)
    # Step in float64 (or int64) and round once at the end, as PyTorch does.
    work = dtypes.float64 if dtype.is_floating_point else dtypes.int64
    array = device.xp.arange(start, end, step, dtype=work.np).astype(dtype.np)
    return _finish(array, device, requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

        >>> linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    if not isinstance(steps, numbers.Integral):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = _dtype(dtype, dtypes.get_default_dtype(), "linspace")
    device = _device(device)
    array = device.xp.linspace(_number(start), _number(end), steps, dtype=numpy.float64)
    return _finish(array.astype(dtype.np), device, requires_grad)


# ---- random numbers --------------------------------------------------------------

_FRESH_SEED = 67280421310721  # the seed a new torch.Generator() starts from


class Generator:
    """A source of random numbers with its own seed: the same seed gives the same
    numbers. Pass one as ``generator=`` to keep a stream apart from the default.

        >>> g = Generator().manual_seed(0)
        >>> rand(2, generator=g)   # the same two numbers after every manual_seed(0)
    """

    def __init__(self, device="cpu"):
        # The numbers are drawn on the host for every device (then copied), so that
        # a seed gives the same numbers on the CPU and on a GPU.
        self.device = placement(device)
        self.manual_seed(_FRESH_SEED)

    def manual_seed(self, seed):
        """Restart from ``seed`` (an int; negatives wrap modulo 2**64); returns self."""
        seed = int(seed)
        if not -2**63 <= seed < 2**64:
            raise ValueError("Overflow when unpacking long long")
        self._initial_seed = seed % 2**64
        self._numpy = numpy.random.Generator(numpy.random.PCG64(self._initial_seed))
        return self

    def seed(self):
        """Restart from a fresh unpredictable seed, and return that seed."""
        new_seed = secrets.randbits(64)
        self.manual_seed(new_seed)
        return new_seed

    def initial_seed(self):
        """The seed this generator was last started from."""
        return self._initial_seed

    def get_state(self):
        """A snapshot to give to ``set_state`` later to replay the same numbers."""
        return {"initial_seed": self._initial_seed, "pcg64": self._numpy.bit_generator.state}

    def set_state(self, new_state):
        """Go back to a snapshot from ``get_state``; returns self."""
        if not (isinstance(new_state, dict) and "pcg64" in new_state):
            raise TypeError(
                f"expected a state from Generator.get_state(), got {type(new_state).__name__}")
        self._initial_seed = new_state["initial_seed"]
        self._numpy.bit_generator.state = new_state["pcg64"]
        return self

    def __repr__(self):
        return f"<autograd_ref.Generator object at {hex(id(self))}>"


default_generator = Generator()
default_generator.seed()  # like PyTorch, each process starts from an unpredictable seed


# The default generator of each GPU, made when first used (see autograd_ref.cuda).
_gpu_generators = {}
_gpu_seed = []          # the seed manual_seed last gave, for GPU generators made later


def gpu_generator(device):
    """The default generator of a GPU ``device``, seeded like the CPU's last manual_seed."""
    generator = _gpu_generators.get(device)
    if generator is None:
        generator = Generator(device)
        if _gpu_seed:
            generator.manual_seed(_gpu_seed[0])
        else:
            generator.seed()
        _gpu_generators[device] = generator
    return generator


def manual_seed(seed):
    """Seed the default generators (the CPU's and every GPU's), so that random
    results repeat; returns the CPU's.

        >>> manual_seed(0); a = rand(2); manual_seed(0)
        >>> rand(2).tolist() == a.tolist()
        True
    """
    _gpu_seed[:] = [seed]
    for generator in _gpu_generators.values():
        generator.manual_seed(seed)
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator unpredictably; returns the seed used."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last started from."""
    return default_generator.initial_seed()


def get_rng_state():
    """A snapshot of the default generator, for ``set_rng_state``."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Put the default generator back to a snapshot from ``get_rng_state``."""
    default_generator.set_state(new_state)


def _numpy_generator(generator, device=CPU):
    """The host generator that draws numbers for ``device``."""
    if generator is None:
        return (default_generator if device is CPU else gpu_generator(device))._numpy
    if not isinstance(generator, Generator):
        raise TypeError(
            f"argument 'generator' must be autograd_ref.Generator, not {type(generator).__name__}")
    if generator.device != device:
        raise RuntimeError(f"Expected a '{device.type}' device type for generator but found "
                           f"'{generator.device.type}'")
    return generator._numpy


# PyTorch's C++ names for dtypes, used in its "not implemented for" errors.
_KERNEL_NAMES = {dtypes.bool_: "Bool", dtypes.int64: "Long",
                 dtypes.float32: "Float", dtypes.float64: "Double"}


def _floating(dtype, kernel, fn_name):
    """The float dtype to draw random numbers in (the default float unless given)."""
    dtype = _dtype(dtype, dtypes.get_default_dtype(), fn_name)
    _check_floating(dtype, kernel)
    return dtype


def _check_floating(dtype, kernel):
    """Refuse to draw random floats in an integer dtype, with PyTorch's message
    (which names its C++ kernel)."""
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_KERNEL_NAMES[dtype]}\'')


def _uniform(shape, dtype, generator, device=CPU):
    """Uniform numbers in [0, 1) for ``device``: drawn in float64 on the host, then
    rounded to ``dtype``."""
    array = _numpy_generator(generator, device).random(shape).astype(dtype.np)
    # Rounding to float32 can carry a draw just below 1 up to 1.0; keep it below.
    below_one = numpy.nextafter(dtype.np.type(1), dtype.np.type(0))
    return numpy.minimum(array, below_one, out=array)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Numbers drawn uniformly from [0, 1).

        >>> manual_seed(0); rand(2, 3).shape
        autograd_ref.Size([2, 3])
    """
    shape = _size_given(size, "rand")
    dtype = _floating(dtype, "check_uniform_bounds", "rand")
    device = _device(device)
    return _finish(_uniform(shape, dtype, generator, device), device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Numbers drawn from the standard normal distribution (mean 0, std 1).

        >>> w = randn(3, 2, requires_grad=True)
        >>> w.requires_grad, w.shape
        (True, autograd_ref.Size([3, 2]))
    """
    shape = _size_given(size, "randn")
    dtype = _floating(dtype, "normal_kernel_cpu", "randn")
    device = _device(device)
    array = _numpy_generator(generator, device).standard_normal(shape).astype(dtype.np)
    return _finish(array, device, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers drawn uniformly from ``low`` (default 0) up to ``high`` - 1:
    ``randint(high, size)`` or ``randint(low, high, size)``.

        >>> randint(10, (3,)).dtype
        autograd_ref.int64
    """
    if size is None and high is not None:   # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:                      # randint(high, size=...)
        low, high = 0, low
    if size is None:
        raise TypeError('randint() missing 1 required positional arguments: "size"')
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"randint(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    shape = _size((size,), "randint")
    low, high = int(_number(low)), int(_number(high))
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = _dtype(dtype, dtypes.int64, "randint")
    device = _device(device)
    array = _numpy_generator(generator, device).integers(low, high, size=shape).astype(dtype.np)
    return _finish(array, device, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """The integers 0 .. n-1 in a random order.

        >>> sorted(randperm(4).tolist())
        [0, 1, 2, 3]
    """
    if not isinstance(n, numbers.Integral):
        raise TypeError(
            f"randperm(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    _size((n,), "randperm")
    dtype = _dtype(dtype, dtypes.int64, "randperm")
    device = _device(device)
    array = _numpy_generator(generator, device).permutation(n).astype(dtype.np)
    return _finish(array, device, requires_grad)


def rand_like(input, *, generator=None, dtype=None, device=None, requires_grad=False):
    """``rand`` with the shape (and, unless given, dtype and device) of ``input``.

        >>> rand_like(zeros(2, 3)).shape
        autograd_ref.Size([2, 3])
    """
    shape, dtype, device = _like(input, dtype, device, "rand_like")
    return rand(shape, generator=generator, dtype=dtype, device=device,
                requires_grad=requires_grad)


def randn_like(input, *, generator=None, dtype=None, device=None, requires_grad=False):
    """``randn`` with the shape (and, unless given, dtype and device) of ``input``.

        >>> randn_like(zeros(2, 3)).shape
        autograd_ref.Size([2, 3])
    """
    shape, dtype, device = _like(input, dtype, device, "randn_like")
    return randn(shape, generator=generator, dtype=dtype, device=device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, device=None,
                 requires_grad=False):
    """``randint`` with the shape (and, unless given, dtype and device) of ``input``:
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``.

        >>> randint_like(zeros(2), 5).dtype      # float32, like the input
        autograd_ref.float32
    """
    if high is None:
        low, high = 0, low
    shape, dtype, device = _like(input, dtype, device, "randint_like")
    return randint(low, high, shape, generator=generator, dtype=dtype, device=device,
                   requires_grad=requires_grad)


_NORMAL_OVERLOADS = (
    "but expected one of:\n"
    " * (Tensor mean, Tensor std, *, Generator generator = None)\n"
    " * (Tensor mean, float std = 1, *, Generator generator = None)\n"
    " * (float mean, Tensor std, *, Generator generator = None)\n"
    " * (float mean, float std, tuple of ints size, *, Generator generator = None, "
    "dtype dtype = None, device device = None, bool requires_grad = False)")


def _refuse_normal_arguments(*args):
    given = ", ".join(type(a).__name__ for a in args if a is not None)
    raise TypeError(
        f"normal() received an invalid combination of arguments - got ({given}), "
        + _NORMAL_OVERLOADS)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False):
    """Numbers drawn from normal distributions. With numbers for ``mean`` and ``std``
    give a ``size``; with tensors, each element has its own mean and std, and the
    result has their (broadcast) shape.

        >>> normal(0., 1., (2, 3)).shape, normal(zeros(4), 1.).shape
        (autograd_ref.Size([2, 3]), autograd_ref.Size([4]))
    """
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            _refuse_normal_arguments(mean, std, size)
        return _normal_of_tensors(mean, std, generator)
    if not isinstance(size, (tuple, list)):
        _refuse_normal_arguments(mean, std, size)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    shape = _size((size,), "normal")
    dtype = _floating(dtype, "normal_kernel_cpu", "normal")
    device = _device(device)
    draws = _numpy_generator(generator, device).standard_normal(shape)
    array = (mean + std * draws).astype(dtype.np)
    return _finish(array, device, requires_grad)


class NormalBackward1(Node):
    """``normal(mean_tensor, std)``. PyTorch defines the gradient of a sample with
    respect to its mean and std as zero (for a gradient that flows, write the
    sample as ``mean + std * randn_like(mean)``)."""

    __slots__ = ("inputs",)

    def backward(self, grad):
        return tuple(zeros(shape, dtype=dtype, device=grad.device) for shape, dtype in self.inputs)


class NormalBackward2(NormalBackward1):
    """``normal(mean, std_tensor)``: zero gradient for ``std``."""

    __slots__ = ()


class NormalBackward3(NormalBackward1):
    """``normal(mean_tensor, std_tensor)``: zero gradients for both."""

    __slots__ = ()


def _normal_of_tensors(mean, std, generator):
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    dtype = tensors[0].dtype
    if len(tensors) == 2:
        dtype = dtypes.promote_types(dtype, tensors[1].dtype)
    _check_floating(dtype, "normal_kernel_cpu")
    if isinstance(std, Tensor):
        if bool((std._data < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    shape = _broadcast_shape(*(t.shape for t in (mean, std) if isinstance(t, Tensor)))
    device = tensors[0].device
    for t in tensors[1:]:
        check_same_device(tensors[0], t)
    draws = _backend.transfer(_numpy_generator(generator, device).standard_normal(shape), CPU, device)
    mean_data = mean._data if isinstance(mean, Tensor) else mean
    std_data = std._data if isinstance(std, Tensor) else std
    out = _finish((mean_data + std_data * draws).astype(dtype.np), device, False)
    if is_grad_enabled() and any(t.requires_grad for t in tensors):
        node_class = (NormalBackward3 if len(tensors) == 2
                      else NormalBackward1 if tensors[0] is mean else NormalBackward2)
        node = node_class(tuple(edge_to(t) for t in tensors))
        node.inputs = [(t.shape, t.dtype) for t in tensors]
        attach(out, node)
    return out


class BernoulliBackward0(NormalBackward1):
    """``bernoulli(probs)``: a sample's gradient with respect to its probabilities is zero, as in PyTorch."""
    __slots__ = ()


class PoissonBackward0(NormalBackward1):
    """``poisson(rates)``: zero gradient for the rates."""
    __slots__ = ()


def _sampled(input, node_cls, array):
    """The tensor of ``array`` (drawn on the host) on ``input``'s device, in the graph with a zero gradient."""
    out = _finish(array.astype(input._data.dtype), input._device, False)
    if is_grad_enabled() and input.requires_grad:
        node = node_cls((edge_to(input),))
        node.inputs = [(input.shape, input.dtype)]
        attach(out, node)
    return out


def bernoulli(input, p=None, *, generator=None):
    """1 with probability ``input`` (each element its own; or the number ``p`` for all), else 0.

        >>> manual_seed(0); bernoulli(full((1000,), 0.3)).mean()
        tensor(0.3...)                  # about 0.3
    """
    _check_floating(input.dtype, "bernoulli_tensor_cpu_p_" if p is None else "bernoulli_scalar_cpu_")
    probs = _backend.transfer(input._data, input._device, CPU) if p is None else p
    if p is None and not bool(((probs >= 0) & (probs <= 1)).all()):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    if p is not None and not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    draws = _numpy_generator(generator, input._device).random(input._data.shape) < probs
    return _sampled(input, BernoulliBackward0, draws)


def poisson(input, generator=None):
    """A count drawn from the Poisson distribution of rate ``input``, for each element.

        >>> manual_seed(0); poisson(full((1000,), 4.)).mean()
        tensor(4.0...)                  # about 4
    """
    _check_floating(input.dtype, "poisson_cpu")
    rates = _backend.transfer(input._data, input._device, CPU)
    if not bool((rates >= 0).all()):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return _sampled(input, PoissonBackward0, _numpy_generator(generator, input._device).poisson(rates))


def _broadcast_shape(*shapes):
    """The shape tensors of ``shapes`` broadcast to, with PyTorch's error.

        >>> _broadcast_shape((3, 1), (2,))
        (3, 2)
    """
    ndim = max(len(s) for s in shapes)
    result = [1] * ndim
    for shape in shapes:
        padded = (1,) * (ndim - len(shape)) + tuple(shape)
        for dim, n in enumerate(padded):
            if n != 1 and result[dim] not in (1, n):
                raise RuntimeError(
                    f"The size of tensor a ({result[dim]}) must match the size of tensor "
                    f"b ({n}) at non-singleton dimension {dim}")
            if n != 1:
                result[dim] = n
    return tuple(result)


# ---- the legacy typed constructors ------------------------------------------------

class _LegacyTensorType(type):
    """Makes ``isinstance(t, FloatTensor)`` ask whether ``t`` is a float32 tensor,
    as PyTorch's legacy types do."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is getattr(cls, "_legacy_dtype", None)


class _LegacyTensor(Tensor, metaclass=_LegacyTensorType):
    """Calling a legacy type makes a plain Tensor of its dtype."""

    def __new__(cls, *args, device=None):
        return _legacy_new(cls._legacy_dtype, args, device)


class FloatTensor(_LegacyTensor):
    """Old PyTorch's float32 constructor: ``FloatTensor([4])`` is ``tensor([4.])``,
    ``FloatTensor(2, 3)`` an uninitialised 2x3 tensor; ``x.type(FloatTensor)`` converts."""

    _legacy_dtype = dtypes.float32


class DoubleTensor(_LegacyTensor):
    """Old PyTorch's float64 constructor: ``DoubleTensor([1, 2])``, ``DoubleTensor(2, 3)``."""

    _legacy_dtype = dtypes.float64


class LongTensor(_LegacyTensor):
    """Old PyTorch's int64 constructor: ``LongTensor([1, 2])``, ``LongTensor(3)``."""

    _legacy_dtype = dtypes.int64


class BoolTensor(_LegacyTensor):
    """Old PyTorch's bool constructor: ``BoolTensor([True, False])``."""

    _legacy_dtype = dtypes.bool_


def _legacy_new(dtype, args, device):
    """What ``FloatTensor(...)`` and friends build: sizes (ints or a Size) give an
    uninitialised tensor, one sequence or array gives its data in ``dtype``."""
    if not args:
        return empty(0, dtype=dtype, device=device)
    data = args[0]
    if len(args) > 1 or isinstance(data, (numbers.Integral, Size)):
        return empty(_size(args, "new"), dtype=dtype, device=device)
    if isinstance(data, Tensor):
        if data.dtype is not dtype:
            raise TypeError(f"expected {dtype} (got {data.dtype})")
        return data.detach()  # PyTorch's legacy constructor aliases a tensor of its type
    if isinstance(data, numbers.Number):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    return _from_data(data, dtype, device, False, "new")


# ---- Tensor.new_*: new tensors like an existing one ------------------------------------
#
# ``x.new_zeros(2, 3)`` makes a tensor with x's dtype and device (unless given) that has nothing to do with
# x's graph: requires_grad is False unless asked for.

_MISSING = object()


def _new_size(args, fn_name):
    """The size given to ``x.new_zeros(...)``: ints, or one tuple, list or Size."""
    if len(args) == 1 and not isinstance(args[0], (tuple, list)):
        try:
            operator.index(args[0])
        except TypeError:
            raise TypeError(f"{fn_name}(): argument 'size' (position 1) must be tuple of ints, "
                            f"not {type(args[0]).__name__}") from None
    return _size_given(args, fn_name)


def _new_filled(self, args, value, dtype, device, requires_grad, fn_name):
    shape = _new_size(args, fn_name)
    return _filled(shape, value, self.dtype if dtype is None else dtype, self.device if device is None else device,
                   requires_grad, fn_name)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """Zeros of ``size``, with this tensor's dtype and device unless given.

        >>> tensor([1.], dtype=float64).new_zeros(2)
        tensor([0., 0.], dtype=autograd_ref.float64)
    """
    return _new_filled(self, size, 0, dtype, device, requires_grad, "new_zeros")


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """Ones of ``size``, with this tensor's dtype and device unless given.

        >>> tensor([1, 2]).new_ones(3)
        tensor([1, 1, 1])
    """
    return _new_filled(self, size, 1, dtype, device, requires_grad, "new_ones")


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of ``size``, with this tensor's dtype and device unless given.

        >>> tensor([1.]).new_empty((2, 3)).shape
        autograd_ref.Size([2, 3])
    """
    shape = _new_size(size, "new_empty")
    return empty(shape, dtype=self.dtype if dtype is None else dtype,
                 device=self.device if device is None else device, requires_grad=requires_grad)


def new_full(self, size=_MISSING, fill_value=_MISSING, *, dtype=None, device=None, requires_grad=False):
    """``fill_value`` everywhere in a tensor of ``size`` (a tuple or list), converted to this tensor's
    dtype unless ``dtype`` is given.

        >>> tensor([1, 2]).new_full((2,), 2.7)
        tensor([2, 2])
    """
    for name, given in (("size", size), ("fill_value", fill_value)):
        if given is _MISSING:
            raise TypeError(f'new_full() missing 1 required positional arguments: "{name}"')
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"new_full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    return full(size, fill_value, dtype=self.dtype if dtype is None else dtype,
                device=self.device if device is None else device, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data``, in this tensor's dtype and on its device unless given
    (and out of any graph, unless ``requires_grad=True``).

        >>> tensor([1.]).new_tensor([1, 2])
        tensor([1., 2.])
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    return _from_data(data, self.dtype if dtype is None else dtype, self.device if device is None else device,
                      requires_grad, "new_tensor")


def type_as(self, other):
    """This tensor in ``other``'s dtype and on its device (itself when they already match).

        >>> tensor([1, 2]).type_as(tensor([0.5]))
        tensor([1., 2.])
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"type_as(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
    return self.to(dtype=other.dtype, device=other.device)
