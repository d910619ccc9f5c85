"""NVIDIA GPUs, as ``torch.cuda`` offers them: is there one, how many, seeding, waiting.

    >>> import autograd_ref as torch
    >>> device = 'cuda' if torch.cuda.is_available() else 'cpu'

autograd_ref reaches a GPU through CuPy (``pip install -e ".[gpu]"`` in the course's folder);
without CuPy or without a GPU, ``is_available()`` is False and placing a tensor
on ``'cuda'`` raises an error that says which of the two is missing.
"""
from . import _backend, creation

__all__ = ["is_available", "device_count", "current_device", "get_device_name", "why_unavailable",
           "manual_seed", "manual_seed_all", "synchronize"]


def is_available():
    """True if a tensor can be placed on ``'cuda'`` (CuPy is installed and sees a GPU).

        >>> torch.cuda.is_available()          # False on a machine without an NVIDIA GPU
    """
    return _backend.cuda_problem() is None


def why_unavailable():
    """None when a GPU can be used, else a sentence saying what is missing.

        >>> torch.cuda.why_unavailable()       # e.g. 'CuPy ... is not installed ...'
    """
    return _backend.cuda_problem()


def device_count():
    """How many GPUs there are (0 without CuPy or a GPU)."""
    return 0 if _backend.cuda_problem() else len(_backend.cuda_devices())


def current_device():
    """The number of the GPU that ``'cuda'`` means: autograd_ref always computes on the first
    (``CUDA_VISIBLE_DEVICES`` chooses which GPU that is)."""
    _backend.cuda_devices()
    return 0


def get_device_name(device=None):
    """The GPU's name, e.g. ``'NVIDIA H100 80GB HBM3'``."""
    target = _backend.gpu_named("cuda" if device is None else device)
    name = target.xp.cuda.runtime.getDeviceProperties(target.index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def manual_seed(seed):
    """Seed the current GPU's default generator, so that ``randn(..., device='cuda')`` repeats."""
    creation.gpu_generator(_backend.placement("cuda")).manual_seed(seed)


def manual_seed_all(seed):
    """Seed every GPU's default generator."""
    for gpu in _backend.cuda_devices():
        creation.gpu_generator(gpu).manual_seed(seed)


def synchronize(device=None):
    """Wait for every kernel launched on the GPU to finish (GPU work runs
    asynchronously: time a GPU computation only after this)."""
    _backend.synchronize(device)
