"""The one seam where an array library is chosen for a device.

Every tensor keeps a :class:`Device`; ``device.xp`` is the array module that
holds its numbers: numpy on the CPU, CuPy on an NVIDIA GPU. Nothing else in the
engine imports an array library for math on tensor data, and nothing else
moves numbers between devices (:func:`transfer`).

    >>> device('cpu').xp.__name__
    'numpy'
    >>> device('cuda:0')          # a name; placing a tensor there needs CuPy and a GPU
    device(type='cuda', index=0)

CuPy is imported the first time something asks for a GPU, never before, so the
engine runs with numpy alone.
"""
import contextlib
import math
import importlib

import numpy

# Both work from a clone of the course (or a student release); the course is not published on PyPI.
INSTALL_HINT = ('pip install -e ".[gpu]" in the course\'s folder, which installs CuPy for CUDA 12 '
                '(cupy-cuda12x[ctk]) at the version the course pins')


class Device:
    """Where a tensor's numbers live: ``device('cpu')``, ``device('cuda:0')``.

        >>> device('cpu')
        device(type='cpu')
    """

    __slots__ = ("type", "index", "xp", "_scalars", "_ones")

    def __init__(self, type, index=None, xp=None):
        self.type = type
        self.index = index
        self.xp = xp            # None for a name that no tensor can be placed on (yet)
        self._scalars = {}
        self._ones = {}         # (length, dtype) -> a vector of ones, for sum_leading

    def scalar(self, value, dtype):
        """A Python number as a 0-d array (CPU) or scalar (GPU) of ``dtype``.

        numpy 2 takes a slow path when a Python number meets an array (about
        three times the cost of the arithmetic on a small array), so the
        engine turns numbers into cached read-only 0-d arrays first. CuPy
        arrays have no read-only flag, and a numpy scalar of the right dtype
        is passed to a GPU kernel by value, so a GPU gets a numpy scalar.

            >>> CPU.scalar(2.5, numpy.float32)
            array(2.5, dtype=float32)
        """
        key = (value, dtype)
        array = self._scalars.get(key)     # (never holds anything on a GPU)
        if array is not None:
            return array
        if self.xp is not numpy:
            return numpy.dtype(dtype).type(value)
        if value == 0:      # 0.0 and -0.0 compare equal but must stay apart: kept under keys of their own
            key = (0, dtype, math.copysign(1, value))
            array = self._scalars.get(key)
            if array is not None:
                return array
        array = numpy.asarray(value, dtype=dtype)
        if len(self._scalars) > 4096:
            self._scalars.clear()
        array.flags.writeable = False
        self._scalars[key] = array
        return array

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = Device("cpu", None, numpy)


def device(spec, index=None):
    """A device from ``'cpu'``, ``'cuda'``, ``'cuda:0'``, ``('cuda', 0)``, a GPU
    number or a Device. Naming a GPU needs no GPU; placing a tensor there does.

        >>> device('cpu') == 'cpu'
        True
    """
    if isinstance(spec, Device):
        return spec
    if isinstance(spec, int) and not isinstance(spec, bool):
        spec, index = "cuda", spec
    if not isinstance(spec, str):
        raise TypeError(f"device() expects a string such as 'cpu' or 'cuda:0', got {type(spec).__name__}")
    kind, colon, number = spec.partition(":")
    if colon:
        if index is not None:
            raise RuntimeError(f"type (string) must not include an index because index was passed "
                               f"explicitly: {spec}")
        if not number.isdigit():
            raise RuntimeError(f"Invalid device string: '{spec}'")
        index = int(number)
    if kind == "cpu":
        if index not in (None, 0):
            raise RuntimeError(f"CPU device index must be -1 or zero, got {index}")
        return CPU
    if kind == "cuda":
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative: {spec}")
        loaded = _cuda.devices if _cuda.loaded else None
        if loaded and index is not None and index < len(loaded):
            return loaded[index]
        return Device("cuda", index)
    raise RuntimeError(
        f"Expected one of cpu, cuda device type at start of device string: {spec}")


def placement(spec):
    """The device a tensor can live on, for ``spec`` (as :func:`device` takes it):
    ``'cuda'`` means the first GPU. Raises, saying why, when there is none.

    autograd_ref computes on one GPU, ``cuda:0``: CuPy runs a kernel on its
    current GPU, so arrays on a second GPU would need that GPU made current
    around every operation. A program picks its GPU with ``CUDA_VISIBLE_DEVICES``.

        >>> placement('cpu') is CPU
        True
    """
    target = device(spec)
    if target.type == "cpu":
        return CPU
    gpu = gpu_named(target)
    if gpu.index != 0:
        raise RuntimeError(
            f"autograd_ref computes on one GPU, cuda:0, and {target} was asked for. To use that GPU, "
            f"make it the only one the program sees: start Python with CUDA_VISIBLE_DEVICES={gpu.index} "
            "and use device='cuda'")
    return gpu


def gpu_named(spec):
    """The GPU Device that ``spec`` names (``'cuda'``: the first), for asking about it."""
    gpus = cuda_devices()
    target = device(spec)
    index = 0 if target.index is None else target.index
    if index >= len(gpus):
        raise RuntimeError(
            f"CUDA error: invalid device ordinal: {target} was asked for, but CuPy sees "
            f"{len(gpus)} GPU{'s' if len(gpus) != 1 else ''} (cuda:0 to cuda:{len(gpus) - 1})")
    return gpus[index]


_default = [CPU]


def default_device():
    """Where creation functions put a tensor when no ``device=`` is given."""
    return _default[0]


def set_default_device(spec):
    """Make creation functions put new tensors on ``spec`` (None: the CPU), as
    ``torch.set_default_device``. Operations keep their inputs' device.

        >>> set_default_device('cpu'); get_default_device()
        device(type='cpu')
    """
    _default[0] = CPU if spec is None else placement(spec)


def get_default_device():
    """The device creation functions use when given none."""
    return _default[0]


# ---- CuPy, loaded on first use -----------------------------------------------


class _CudaState:
    """What loading CuPy found: the GPUs as Devices, or why there are none."""

    def __init__(self):
        self.loaded = False
        self.devices = []
        self.problem = None      # a sentence that says why CUDA is not available
        self.cupy = None


_cuda = _CudaState()


def _load_cuda():
    if _cuda.loaded:
        return
    _cuda.loaded = True
    try:
        cupy = importlib.import_module("cupy")
    except ImportError as e:
        _cuda.problem = (f"CuPy, which autograd_ref uses for NVIDIA GPUs, is not installed ({e}). "
                         f"Install it with: {INSTALL_HINT}")
        return
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:      # CuPy is there, the driver or the GPU is not
        _cuda.problem = (f"CuPy is installed but cannot reach an NVIDIA GPU ({type(e).__name__}: {e}). "
                         "Check that this machine has an NVIDIA GPU and driver (nvidia-smi lists "
                         f"them) and that the CuPy wheel matches its CUDA version ({INSTALL_HINT} "
                         "installs the one this course pins)")
        return
    if count == 0:
        _cuda.problem = "CuPy is installed but found no NVIDIA GPU on this machine"
        return
    _cuda.cupy = cupy
    _cuda.devices = [Device("cuda", i, cupy) for i in range(count)]


def cuda_devices():
    """The GPUs as Devices; raises RuntimeError saying why when there are none."""
    _load_cuda()
    if not _cuda.devices:
        raise RuntimeError(f"CUDA is not available: {_cuda.problem}. Use device='cpu' instead.")
    return _cuda.devices


def cuda_problem():
    """None if a GPU can be used, else the reason it cannot."""
    _load_cuda()
    return _cuda.problem


def _reset_cuda():
    """Forget what loading CuPy found, so the next use loads it again (for tests)."""
    global _cuda
    _cuda = _CudaState()


def on(target):
    """A context in which the array module makes its arrays on ``target``."""
    if target.type == "cuda":
        return target.xp.cuda.Device(target.index)
    return contextlib.nullcontext()


def broadcast_shapes(*shapes):
    """The shape ``shapes`` broadcast to: arithmetic on shapes, the same for every device.

        >>> broadcast_shapes((2, 1), (3,))
        (2, 3)
    """
    return numpy.broadcast_shapes(*shapes)


def matrix_product(a, b, device):
    """``a @ b`` (``xp.matmul``). Two float matrices of one dtype are multiplied by ``a.dot(b)`` instead: BLAS
    too, with less overhead around it (0.57 against 0.97 µs for 100x2 by 2x16 on numpy 2.4). For a factor
    with one column, OpenBLAS may pick another kernel for each on some processors, so the last bit can
    differ from matmul's.

        >>> matrix_product(numpy.ones((2, 3)), numpy.ones((3, 4)), CPU).shape
        (2, 4)
    """
    if a.ndim == 2 and b.ndim == 2 and a.dtype is b.dtype and a.dtype.char in "fd":
        return a.dot(b)
    return device.xp.matmul(a, b)


def broadcast_to(array, shape, device):
    """A read-only view of ``array`` broadcast to ``shape``, like ``xp.broadcast_to``.

    numpy's ``broadcast_to`` is written in Python and costs ten times the view it makes
    on small arrays (a few microseconds on every backward of a sum or a mean), so a
    C-contiguous CPU array is viewed with stride 0 along the broadcast dimensions directly.

        >>> broadcast_to(numpy.ones(3), (2, 3), CPU).strides
        (0, 8)
    """
    if device is not CPU or not array.flags.c_contiguous or len(shape) < array.ndim:
        return device.xp.broadcast_to(array, shape)
    if array.ndim == 0:         # the gradient of a sum or a mean
        strides = (0,) * len(shape)
    else:
        extra = len(shape) - array.ndim
        strides = [0] * extra
        for size, want, stride in zip(array.shape, shape[extra:], array.strides):
            if size != want:
                if size != 1:
                    raise ValueError(f"cannot broadcast an array of shape {array.shape} to {tuple(shape)}")
                stride = 0
            strides.append(stride)
    view = numpy.ndarray(shape, array.dtype, array, 0, strides)
    view.setflags(write=False)
    return view


def erf(array, device):
    """The error function of a float array on ``device``. numpy has none, so the CPU uses Python's
    ``math.erf`` element by element (exact, slower); CuPy's arrays use ``cupyx.scipy.special.erf``, and
    any other GPU array (the tests' stand-in for CuPy) is computed on the host and moved back."""
    if device.type == "cuda" and type(array).__module__.split(".")[0] == "cupy":
        return importlib.import_module("cupyx.scipy.special").erf(array)
    if device.type == "cuda":
        return transfer(erf(to_host(array, device), CPU), CPU, device)
    import math
    return numpy.frompyfunc(math.erf, 1, 1)(array).astype(array.dtype)


def ignoring_divide_by_zero():
    """A context that silences numpy's warnings for a division by zero, ``x / 0`` and ``0 / 0`` (CuPy gives none)."""
    return numpy.errstate(divide="ignore", invalid="ignore")


# ---- moving numbers between devices ------------------------------------------


def transfer(array, source, target):
    """``array`` (on ``source``) copied to ``target``; the same array if they are one.

        >>> transfer(numpy.ones(2), CPU, CPU)
        array([1., 1.])
    """
    if source is target:
        return array
    if target is CPU:
        return source.xp.asnumpy(array)
    with on(target):
        return target.xp.array(array, copy=True)     # asarray would not move GPU to GPU


def to_host(array, source):
    """A numpy array with the numbers of ``array`` (for printing and ``.cpu()``)."""
    return array if source is CPU else source.xp.asnumpy(array)


def synchronize(target=None):
    """Wait until every GPU kernel launched on ``target`` (default: the current GPU) has finished."""
    cuda_devices()
    target = device("cuda" if target is None else target)
    if target.type == "cuda":
        gpu = gpu_named(target)
        gpu.xp.cuda.Device(gpu.index).synchronize()


def sum_leading(array, n, device):
    """``array.sum(axis=(0, ..., n-1))``: the sum over the first ``n`` dimensions (a bias's gradient, summed over
    the batch).

    numpy's sum over the first axis of a small float matrix costs about eight times a BLAS product of a
    vector of ones with it (2.3 µs against 0.28 for 100 x 16 with ``dot``, 0.7 with ``@``; the product is
    also the more accurate); so a
    C-contiguous float array is summed that way (on every device, so that a model trains to the same
    numbers on each), anything else by ``sum``.

        >>> sum_leading(numpy.ones((100, 16), numpy.float32), 1, CPU).shape
        (16,)
    """
    if array.dtype.char not in "fd" or not array.flags.c_contiguous or array.size == 0:
        return array.sum(axis=tuple(range(n)))
    shape = array.shape
    rows = shape[0]
    for size in shape[1:n]:
        rows *= size
    key = (rows, array.dtype.char)
    ones = device._ones.get(key)
    if ones is None:
        ones = device.xp.ones(rows, array.dtype)     # never handed out: only multiplied with
        if len(device._ones) > 256:
            device._ones.clear()
        device._ones[key] = ones
    if n == 1 and array.ndim == 2:      # the common case, a batch of rows: no reshapes
        return ones.dot(array)
    return ones.dot(array.reshape(rows, -1)).reshape(shape[n:])
