"""``torch.save`` and ``torch.load``: an object holding tensors (a model's ``state_dict``, a training checkpoint)
written to a file with pickle, each tensor as its numbers on the host, its dtype and shape, whether it requires
grad and the device it lived on.

    >>> torch.save(model.state_dict(), "model.pt")
    >>> model.load_state_dict(torch.load("model.pt"))

``load`` reads with ``weights_only=True`` by default, as PyTorch 2.6 and later do: only tensors, numbers,
strings, containers and the few classes listed in ``_SAFE_GLOBALS`` (or added with :func:`add_safe_globals`)
are rebuilt, so a file cannot run code while it loads. The file format is autograd_ref's own: PyTorch's files
(zip archives) cannot be read here, nor ours by PyTorch. Tensors that shared memory when saved (a view and
its base) are loaded as separate copies.
"""
import contextlib
import os
import pickle

import numpy

from . import dtypes
from ._backend import CPU, Device, device as _device, to_host, transfer
from .tensor import Size, Tensor, make_tensor

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals"]

_FORMAT = ("autograd_ref tensors", 1)       # the first record of every file
_DTYPES = {d.name: d for d in (dtypes.bool_, dtypes.int64, dtypes.float32, dtypes.float64)}


def _rebuild_tensor(data, dtype_name, shape, requires_grad, location, is_parameter):
    """One saved tensor, on the host (``load`` then moves it where ``map_location`` says)."""
    array = numpy.frombuffer(data, dtype=_DTYPES[dtype_name].np).reshape(shape).copy()
    t = make_tensor(array)
    t._requires_grad = requires_grad
    t.__dict__["_saved_location"] = location
    if is_parameter:
        from .nn.parameter import Parameter
        t = Parameter(t, requires_grad)
        t.__dict__["_saved_location"] = location
    return t


def _rebuild_size(sizes):
    return Size(sizes)


def _rebuild_dtype(name):
    return _DTYPES[name]


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter
            host = to_host(obj._data, obj._device)        # tobytes() copies in C order, whatever the layout
            return _rebuild_tensor, (host.tobytes(), obj.dtype.name, tuple(host.shape), obj._requires_grad,
                                     str(obj._device), isinstance(obj, Parameter))
        if isinstance(obj, Size):
            return _rebuild_size, (tuple(obj),)
        if isinstance(obj, Device):
            return _device, (str(obj),)
        if isinstance(obj, dtypes.dtype):
            return _rebuild_dtype, (obj.name,)
        return NotImplemented


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write ``obj`` to ``f``, a path or a file opened for writing in binary mode.

        >>> torch.save({"epoch": 3, "model": model.state_dict()}, "checkpoint.pt")
    """
    if pickle_module is not pickle:
        raise NotImplementedError("autograd_ref.save pickles with Python's pickle module only")
    with _opened(f, "wb") as stream:
        _Pickler(stream, protocol=max(pickle_protocol, 4)).dump(_FORMAT)
        _Pickler(stream, protocol=max(pickle_protocol, 4)).dump(obj)


# What weights_only=True rebuilds besides numbers, strings, bytes, lists, tuples and dicts.
_SAFE_GLOBALS = {
    ("autograd_ref.serialization", "_rebuild_tensor"), ("autograd_ref.serialization", "_rebuild_size"),
    ("autograd_ref.serialization", "_rebuild_dtype"),
    ("autograd_ref._backend", "device"), ("collections", "OrderedDict"), ("builtins", "set"),
    ("builtins", "frozenset"), ("builtins", "complex"), ("builtins", "slice"), ("builtins", "bytearray"),
}
_user_safe_globals = []


def add_safe_globals(safe_globals):
    """Let ``load(..., weights_only=True)`` rebuild these classes or functions too (trust the file first).

        >>> torch.serialization.add_safe_globals([MyConfig])
    """
    _user_safe_globals.extend(safe_globals)


def get_safe_globals():
    """The classes and functions added with :func:`add_safe_globals`."""
    return list(_user_safe_globals)


def clear_safe_globals():
    _user_safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """:func:`add_safe_globals` inside a ``with`` block only.

        >>> with torch.serialization.safe_globals([MyConfig]): state = torch.load("run.pt")
    """
    kept = list(_user_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _user_safe_globals[:] = kept


_WEIGHTS_ONLY_HELP = (
    "Weights only load failed. This file can still be loaded, to do so you have two options, do those steps "
    "only if you trust the source of the checkpoint. \n\t(1) In PyTorch 2.6, we changed the default value of the "
    "`weights_only` argument in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` "
    "set to `False` will likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.\n\t(2) Alternatively, to load with `weights_only=True` please check the "
    "recommended steps in the following error message.\n\tWeightsUnpickler error: ")


class _WeightsUnpickler(pickle.Unpickler):
    """Rebuilds only what ``_SAFE_GLOBALS`` and ``add_safe_globals`` allow: a file cannot run code."""

    def find_class(self, module, name):
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        for allowed in _user_safe_globals:
            if (getattr(allowed, "__module__", None), getattr(allowed, "__qualname__", None)) == (module, name):
                return allowed
        raise pickle.UnpicklingError(
            _WEIGHTS_ONLY_HELP + f"Unsupported global: GLOBAL {module}.{name} was not an allowed global by "
            f"default. Please use `torch.serialization.add_safe_globals([{module}.{name}])` or the "
            f"`torch.serialization.safe_globals([{module}.{name}])` context manager to allowlist this global if "
            "you trust this class/function.")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Read back what :func:`save` wrote to ``f`` (a path or a binary file). ``map_location`` moves the tensors:
    a device (``'cpu'``), a dict from saved to new device names, or ``fn(tensor, saved_device_name)``.

        >>> state = torch.load("model.pt", map_location="cpu")
    """
    unpickler = pickle.Unpickler if weights_only is False else _WeightsUnpickler
    with _opened(f, "rb") as stream:
        start = stream.read(2)
        if start == b"PK":
            raise RuntimeError("This file is a zip archive, as PyTorch's torch.save writes: autograd_ref.load reads "
                               "only files written by autograd_ref.save. Load it with PyTorch and save its numbers "
                               "(tensor.numpy()) to pass them over.")
        stream.seek(stream.tell() - len(start))
        try:
            if unpickler(stream, **pickle_load_args).load() != _FORMAT:
                raise pickle.UnpicklingError("not a file written by autograd_ref.save")
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
            raise pickle.UnpicklingError(f"Weights only load failed: this is not a file written by "
                                         f"autograd_ref.save ({e})") from None
        obj = unpickler(stream, **pickle_load_args).load()
    return _place(obj, map_location)


def _place(obj, map_location, seen=None):
    """Move every loaded tensor in ``obj`` to where ``map_location`` says (or where it was saved from)."""
    seen = {} if seen is None else seen
    if id(obj) in seen:
        return seen[id(obj)]
    if isinstance(obj, Tensor):
        where = obj.__dict__.pop("_saved_location", "cpu")
        result = _moved(obj, where, map_location)
    elif isinstance(obj, dict):
        result = obj
        for key in list(obj):
            obj[key] = _place(obj[key], map_location, seen)
    elif isinstance(obj, list):
        result = obj
        obj[:] = [_place(item, map_location, seen) for item in obj]
    elif isinstance(obj, tuple) and not isinstance(obj, Size):
        items = [_place(item, map_location, seen) for item in obj]
        result = type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
    else:
        result = obj
    seen[id(obj)] = result
    return result


def _moved(t, saved, map_location):
    if callable(map_location):
        moved = map_location(t, saved)
        return moved if isinstance(moved, Tensor) else t
    if isinstance(map_location, dict):
        target = map_location.get(saved, saved)
    elif map_location is not None:
        target = str(map_location)
    else:
        target = saved
    target = _device(target)
    if target.type == "cuda":
        from . import cuda
        if not cuda.is_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you "
                "are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to "
                "map your storages to the CPU.")
    if target.xp is None or target == CPU:
        return t
    t._data = transfer(t._data, CPU, target)
    t._device = target
    return t


@contextlib.contextmanager
def _opened(f, mode):
    """A path opened in ``mode``, or the file object as it is (not closed afterwards)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, mode) as stream:
            yield stream
    else:
        if "r" in mode and not hasattr(f, "read") or "w" in mode and not hasattr(f, "write"):
            raise AttributeError(f"'{type(f).__name__}' object has no attribute '{'read' if 'r' in mode else 'write'}'")
        yield f

