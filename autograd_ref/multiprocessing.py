"""``torch.multiprocessing``: Python's ``multiprocessing``, with tensors that share memory across processes.

    >>> import autograd_ref.multiprocessing as mp
    >>> model.share_memory()                       # its parameters now live in shared memory
    >>> workers = [mp.Process(target=train, args=(model,)) for _ in range(2)]

``Tensor.share_memory_()`` moves a CPU tensor's numbers into a shared-memory file (``memfd``). A child made
by ``fork`` inherits the mapping; one made by ``spawn``, or a tensor sent through a ``Queue``, gets the
file descriptor itself (multiprocessing's ``DupFd``), so every process reads and writes the same numbers:
an in-place change (``optimizer.step()``) in one is seen by all. That is Hogwild-style training: several
processes update one model's parameters without locks. A tensor that is not shared is copied when sent,
and a non-leaf that requires grad is refused: autograd graphs do not cross processes.

Everything else is the standard library's ``multiprocessing`` (``Process``, ``Queue``, ``Pool``,
``get_context``, ``set_start_method`` ...), plus ``spawn(fn, args, nprocs)``.
"""
import mmap
import multiprocessing as _mp
import os
import traceback
from multiprocessing import *  # noqa: F401,F403 - torch.multiprocessing is a drop-in for it
from multiprocessing import reduction as _reduction

from ._backend import CPU
from .tensor import Tensor, make_tensor

__all__ = list(_mp.__all__) + ["spawn", "ProcessRaisedException", "ProcessExitedException"]


# ---- shared memory -------------------------------------------------------------------------------------

class _SharedBuffer:
    """A memfd of ``size`` bytes mapped into this process; the array's buffer keeps it (and the fd) alive."""

    def __init__(self, size, fd=None):
        if fd is None:
            fd = os.memfd_create("autograd_ref-shared", 0)
            os.ftruncate(fd, max(size, 1))
        self.fd = fd
        self.map = mmap.mmap(fd, max(size, 1))

    def array(self, shape, dtype):
        return CPU.xp.ndarray(shape, dtype=dtype, buffer=self.map)      # shared memory is the CPU's

    def __del__(self):      # the mapping stays while arrays use it; the descriptor is only for sending
        os.close(self.fd)


def share_memory_(tensor):
    """Move ``tensor``'s numbers into shared memory (no-op if they are there already); returns ``tensor``.
    Views taken before keep the old, private memory."""
    if tensor._device.type != "cpu":
        raise RuntimeError(f"share_memory_: autograd_ref shares only CPU tensors across processes, not "
                           f"{tensor.device} ones; move it with .cpu() first")
    if is_shared(tensor):
        return tensor
    data = tensor._data
    buffer = _SharedBuffer(data.nbytes)
    shared = buffer.array(data.shape, data.dtype)
    shared[...] = data
    tensor._data = shared
    tensor.__dict__["_shared_buffer"] = buffer
    return tensor


def is_shared(tensor):
    """True if the tensor's numbers are in shared memory (``share_memory_``, or received from another process)."""
    return tensor.is_shared()


# ---- sending tensors to other processes ----------------------------------------------------------------

def _reduce_tensor(tensor):
    """How a Tensor crosses to another process: a shared one by its memory's file descriptor, any other by
    value (a copy)."""
    if tensor._requires_grad and tensor.grad_fn is not None:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does not support "
            "crossing process boundaries.  If you just want to transfer the data, call detach() on the tensor "
            "before serializing (e.g., putting it on the queue).")
    parameter = tensor._is_param
    if not is_shared(tensor):
        return (_rebuild_copy, (tensor._data, tensor._requires_grad, parameter))
    buffer = tensor.__dict__["_shared_buffer"]
    return (_rebuild_shared, (_reduction.DupFd(buffer.fd), buffer.map.size(), tensor._data.shape,
                              tensor._data.dtype.str, tensor._requires_grad, parameter))


def _rebuild_copy(array, requires_grad, parameter):
    return _finish(make_tensor(array), requires_grad, parameter)


def _rebuild_shared(dup_fd, size, shape, dtype, requires_grad, parameter):
    buffer = _SharedBuffer(size, fd=dup_fd.detach())
    tensor = make_tensor(buffer.array(shape, CPU.xp.dtype(dtype)))
    tensor.__dict__["_shared_buffer"] = buffer
    return _finish(tensor, requires_grad, parameter)


def _finish(tensor, requires_grad, parameter):
    if parameter:
        from .nn.parameter import Parameter
        result = Parameter(tensor, requires_grad)
        if is_shared(tensor):       # the Parameter holds the same array: keep its memory alive with it
            result.__dict__["_shared_buffer"] = tensor.__dict__["_shared_buffer"]
        return result
    tensor._requires_grad = requires_grad
    return tensor


def _register_reductions():
    """Teach multiprocessing's pickler (not plain pickle: ``torch.save`` is unchanged) to send tensors so."""
    from .nn.parameter import Parameter
    for cls in (Tensor, Parameter):
        _reduction.ForkingPickler.register(cls, _reduce_tensor)


_register_reductions()


# ---- spawn ---------------------------------------------------------------------------------------------

class ProcessRaisedException(Exception):
    """A process started by ``spawn`` raised; the message holds its traceback."""


class ProcessExitedException(Exception):
    """A process started by ``spawn`` exited with a non-zero code without raising (killed, say)."""


def _wrap(fn, i, args, errors):
    try:
        fn(i, *args)
    except BaseException:
        errors.put((i, traceback.format_exc()))
        raise SystemExit(1)


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` in ``nprocs`` new processes (``i`` = 0, 1, ...) and wait for them; an exception
    in one is raised here with its traceback. With ``join=False`` the processes are returned instead.

        >>> spawn(train, args=(model,), nprocs=2)
    """
    context = _mp.get_context(start_method)
    errors = context.SimpleQueue()
    processes = [context.Process(target=_wrap, args=(fn, i, args, errors), daemon=daemon) for i in range(nprocs)]
    for p in processes:
        p.start()
    if not join:
        return processes
    for p in processes:
        p.join()
    if not errors.empty():
        i, text = errors.get()
        raise ProcessRaisedException(f"\n\n-- Process {i} terminated with the following error:\n{text}")
    for i, p in enumerate(processes):
        if p.exitcode != 0:
            raise ProcessExitedException(f"process {i} terminated with exit code {p.exitcode}")
    return None
