"""A stand-in for CuPy on a machine without a GPU, so that CI exercises the device seam.

Installed as ``sys.modules['cupy']`` (see the ``gpu`` fixture in conftest.py),
it makes ``device('cuda')`` work on the CPU. Its arrays behave like CuPy's where it
matters to the engine:

- they are a type of their own (``fake_cupy.ndarray``), so a test can tell GPU
  data from host data;
- mixing them with numpy arrays, in arithmetic or in a function of the module
  (``cupy.stack``, ``cupy.isclose``), raises TypeError, as CuPy does (CuPy never
  copies between host and GPU behind your back);
- results are arrays (CuPy gives 0-d arrays where numpy gives scalars);
- views know their owner (``.base``), as the engine's gradient bookkeeping needs.

What it cannot catch: code that calls ``numpy.asarray`` on GPU data (numpy accepts
a subclass silently; CuPy refuses). Tests check instead that every tensor on the
fake GPU holds a ``fake_cupy.ndarray``.
"""
import types

import numpy

GPU_NAME = "Fake GPU (numpy)"


class ndarray(numpy.ndarray):   # noqa: N801 - CuPy's name
    """An array "in GPU memory"."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        _refuse_host_arrays(inputs + (out or ()))
        if out is not None:
            kwargs["out"] = tuple(_host(o) for o in out)
        result = getattr(ufunc, method)(*(_host(x) for x in inputs), **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        _refuse_host_arrays(args, kwargs.values())
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    def get(self):
        """A numpy copy, as ``cupy.ndarray.get()``."""
        return numpy.array(_host(self))

    @property
    def flags(self):
        """CuPy's flags: no ``writeable`` (GPU memory has no read-only mark)."""
        flags = numpy.ndarray.flags.__get__(self)
        return types.SimpleNamespace(c_contiguous=flags.c_contiguous, f_contiguous=flags.f_contiguous,
                                     owndata=flags.owndata)


def _host(x):
    return x.view(numpy.ndarray) if isinstance(x, ndarray) else x


def _unwrap(x):
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(i) for i in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return _host(x)


def _refuse_host_arrays(*groups):
    for group in groups:
        for x in group:
            if isinstance(x, (list, tuple)):
                _refuse_host_arrays(x)
            elif type(x) is numpy.ndarray:
                raise TypeError(f"Unsupported type {type(x)} (a numpy array met a GPU array: "
                                "move it to the GPU first)")


def _root(array):
    """The GPU array that owns the memory ``array`` views, if any."""
    base = array.base
    while base is not None:
        if isinstance(base, ndarray) and base.base is None:
            return base
        base = base.base
    return None


def _owned(host):
    """A new GPU array (owning its memory) holding a copy of ``host``."""
    out = numpy.ndarray.__new__(ndarray, host.shape, host.dtype)
    out[...] = host
    return out


def _wrap(result):
    """A computed result as CuPy gives it: GPU arrays, views of GPU memory staying views."""
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    if isinstance(result, list):
        return [_wrap(r) for r in result]
    if isinstance(result, numpy.generic):
        result = numpy.asarray(result)
    if type(result) is not numpy.ndarray:
        return result
    root = _root(result)
    if root is None:
        return _owned(result)
    offset = result.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    view = numpy.ndarray.__new__(ndarray, result.shape, result.dtype, buffer=root, offset=offset,
                                 strides=result.strides)
    if not result.flags.writeable:
        numpy.ndarray.flags.__get__(view).writeable = False
    return view


def asarray(a, dtype=None):
    """On the GPU: GPU arrays as they are (or cast); anything else copied there."""
    if isinstance(a, ndarray):
        return a if dtype is None or a.dtype == dtype else a.astype(dtype)
    return _owned(numpy.asarray(a, dtype=dtype))


def array(a, dtype=None, copy=True):
    """A new GPU array with a copy of ``a``."""
    return _owned(numpy.array(_host(a), dtype=dtype, copy=copy))


def asnumpy(a):
    """A numpy copy of a GPU array."""
    return a.get() if isinstance(a, ndarray) else numpy.asarray(a)


def _gpu_function(function):
    def on_gpu(*args, **kwargs):
        _refuse_host_arrays(args, kwargs.values())
        return _wrap(function(*_unwrap(args), **_unwrap(kwargs)))
    on_gpu.__name__ = getattr(function, "__name__", "function")
    return on_gpu


class _Namespace(types.ModuleType):
    """numpy's functions, returning GPU arrays; numpy's types and constants as they are."""

    def __init__(self, name, source):
        super().__init__(name)
        self._source = source

    def __getattr__(self, name):
        value = getattr(self._source, name)
        if isinstance(value, types.ModuleType):
            return _Namespace(f"{self.__name__}.{name}", value)
        if callable(value) and not isinstance(value, (type, numpy.ufunc)):
            return _gpu_function(value)
        return value


class _Runtime:
    device_count = 1

    def getDeviceCount(self):  # noqa: N802 - CuPy's name
        return self.device_count

    def getDeviceProperties(self, index):  # noqa: N802
        return {"name": GPU_NAME.encode()}


class _Device:
    synchronized = 0

    def __init__(self, index=0):
        self.id = index

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def synchronize(self):
        _Device.synchronized += 1


class _Module(_Namespace):
    ndarray = ndarray
    asarray = staticmethod(asarray)
    array = staticmethod(array)
    asnumpy = staticmethod(asnumpy)

    def __init__(self):
        super().__init__("cupy", numpy)
        self.cuda = types.SimpleNamespace(runtime=_Runtime(), Device=_Device)


def install():
    """A fresh fake CuPy module, to put in ``sys.modules['cupy']``."""
    return _Module()
