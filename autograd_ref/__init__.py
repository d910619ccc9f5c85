"""autograd_ref: a small, readable autograd engine with PyTorch's API.

    >>> import autograd_ref as torch
    >>> x = torch.tensor([1., 2.], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    tensor([2., 4.])

Where things live: ``tensor.py`` (the Tensor), ``ops/`` (every operation with
its backward), ``autograd/`` (graph nodes, the backward walk, grad modes,
custom Functions), ``_backend.py`` (numpy or CuPy, by device).
"""
import os

from . import autograd, dtypes
from .tensor import Size, Tensor  # first: it attaches the ops as methods
from ._backend import Device, device, get_default_device, set_default_device
from .autograd import (enable_grad, inference_mode, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                       is_grad_enabled, is_inference_mode_enabled,
                       no_grad, set_grad_enabled)
from .creation import *  # noqa: F401,F403 - tensor, zeros, randn, manual_seed, ...
from .creation import __all__ as _creation_names
from .dtypes import float32, float64, int64, get_default_dtype, set_default_dtype, promote_types
from .dtypes import bool_ as bool  # noqa: A001 - PyTorch's name
from .ops.einsum import einsum
from .ops.indexing import (gather, index_add, index_copy, index_fill, index_put, index_select, masked_scatter, scatter,
                           scatter_add)
from .ops.linalg import bmm, dot, matmul, mm, mv, outer, tril, triu
from .ops.pointwise import (abs, add, allclose, atan2, erf, bitwise_and, bitwise_not, bitwise_or, bitwise_xor,
                            ceil, clamp, clip, cos, div, eq, equal, exp, expm1, floor, floor_divide, ge,
                            gt, isclose, isfinite, isinf, isnan, le, log, log1p, logical_and, logical_not, xlogy,
                            logical_or, logical_xor, lt, masked_fill, maximum, minimum, mul, ne, neg,
                            pow, reciprocal, relu, remainder, round, rsqrt, sigmoid, sign, sin,
                            sqrt, square, sub, tanh, where)
from .ops.reduction import (all, amax, amin, any, argmax, argmin, bincount, cumsum, log_softmax, logsumexp, max, mean,
                            min, norm, prod, softmax, std, sum, var)
from .ops.unary import acos, arccos, arcsin, arctan, asin, atan, cosh, log10, log2, sinh, tan
from .ops.pointwise import fix, fmod, frac, lerp, trunc
from .ops.reduction import cumprod, dist
from .ops.linalg import addmm, cross, diag, diagonal, kron, trace
from .ops.selection import *  # noqa: F401,F403 - sort, topk, flip, roll, ...
from .ops.products import *  # noqa: F401,F403 - baddbmm, addmv, tensordot, cdist, ...
from .ops.shape import (cat, chunk, clone, concat, flatten, narrow, permute, reshape,
                        select, split, squeeze, stack, swapaxes, t, transpose, unbind, unsqueeze)
from .ops.shape import broadcast_tensors, broadcast_to, meshgrid, moveaxis, movedim, unflatten
from .ops.pointwise import addcdiv, addcmul, clamp_max, clamp_min, hypot, logaddexp
from .ops.unary import acosh, arccosh, arcsinh, arctanh, asinh, atanh

float = float32     # noqa: A001 - PyTorch's aliases
double = float64
long = int64
dtype = dtypes.dtype
multiply, subtract, divide, true_divide, negative = mul, sub, div, div, neg


def is_tensor(obj):
    """True if ``obj`` is a Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


_threads = [os.cpu_count() or 1]


def set_num_threads(n):
    """Record how many threads to compute with. autograd_ref computes with numpy, whose BLAS takes its thread
    count from the environment (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) when it starts: this call does not change
    it, and exists so that PyTorch code that calls it runs unchanged."""
    if not isinstance(n, int) or n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, but got {n}")
    _threads[0] = n


def get_num_threads():
    """The number given to ``set_num_threads`` (at first, the machine's CPU count)."""
    return _threads[0]


__version__ = "0.1.0"

autograd._load_tensor_and_engine()
autograd._load_gradcheck()   # last: it needs the whole package

from . import cuda, func, linalg, multiprocessing, nn, optim, utils  # noqa: E402 - GPUs, transforms, processes, training
from . import serialization  # noqa: E402 - torch.save, torch.load
from . import accelerator  # noqa: E402 - torch.accelerator.is_available(), ...
from ._formatting import set_printoptions  # noqa: E402
from .func import vmap  # noqa: E402 - torch.vmap is torch.func.vmap
from .serialization import load, save  # noqa: E402


def __getattr__(name):
    # autograd_ref.viz (pictures, widgets) loads on first use; its graphviz and
    # ipywidgets are optional and imported only when something is drawn.
    if name == "viz":
        import importlib
        return importlib.import_module(".viz", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
