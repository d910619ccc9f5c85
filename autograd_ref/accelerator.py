"""``torch.accelerator``: the device-agnostic way recent PyTorch code picks where to run. autograd_ref's one
accelerator is CUDA through CuPy (``autograd_ref.cuda``).

    >>> device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    >>> model = Net().to(device)
"""
from . import cuda
from ._backend import device

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "current_device_idx",
           "set_device_index", "set_device_idx", "synchronize"]


def is_available():
    """True when a CUDA GPU and CuPy are there."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """``device(type='cuda')`` when CuPy is installed (and, with ``check_available``, a GPU answers), else None.

        >>> torch.accelerator.current_accelerator()       # None on a machine without a GPU
    """
    if cuda.is_available() or (not check_available and _cupy_installed()):
        return device("cuda")
    return None


def _cupy_installed():
    import importlib.util
    return importlib.util.find_spec("cupy") is not None


def device_count():
    return cuda.device_count()


def current_device_index():
    return cuda.current_device()


current_device_idx = current_device_index


def set_device_index(index):
    if index != current_device_index():
        raise RuntimeError("autograd_ref runs on one GPU, the first")


set_device_idx = set_device_index


def synchronize(device=None):
    cuda.synchronize(device)
