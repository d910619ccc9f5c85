"""Fixtures shared by the test modules: the devices a test can run on.

``gpu`` gives each GPU device the engine can be tested on, one test per device:

- ``fake-cuda``: the device seam with ``tests/fake_cupy.py`` standing in for CuPy (always; this is
  how CI, which has no GPU, checks that every op keeps its data on its tensor's device);
- ``cuda``: a real NVIDIA GPU through CuPy (skipped, with the reason, where there is none).
"""
import importlib
import sys

import pytest

import fake_cupy
import system_programs
from autograd_ref import _backend, creation
from autograd_ref.autograd import grad_mode


def pytest_runtest_setup(item):
    """``@pytest.mark.needs("dot", ...)``: skip without the system programs (fail under CI=true)."""
    for mark in item.iter_markers("needs"):
        for program in mark.args:
            system_programs.require(program)


@pytest.fixture(autouse=True)
def _direct_paths_after_inference_tests():
    """The first inference tensor a process makes sends every later operation down the general path for good
    (each save then checks for inference tensors). Forget it after each test, so that the tests after the
    inference ones still run the direct paths the hottest operations take otherwise."""
    yield
    if grad_mode._inference_made[0]:
        grad_mode._inference_made[0] = False
        grad_mode._special_modes[0] -= 1


def _reset_devices():
    _backend._reset_cuda()
    _backend.set_default_device(None)
    creation._gpu_generators.clear()
    creation._gpu_seed.clear()


def _real_cuda_problem():
    """None if this machine has CuPy and a GPU, else why not (without keeping a fake)."""
    if isinstance(sys.modules.get("cupy"), fake_cupy._Module):
        return "the fake CuPy is installed"
    try:
        cupy = importlib.import_module("cupy")
        if cupy.cuda.runtime.getDeviceCount() > 0:
            return None
        return "CuPy sees no GPU"
    except Exception as e:      # ImportError, or CUDA errors without a driver
        return f"no CUDA GPU: {type(e).__name__}: {e}"


@pytest.fixture(params=["fake-cuda", "cuda"])
def gpu(request, monkeypatch):
    """The GPU device to run on: ``autograd_ref.device('cuda:0')`` with a fake or a real CuPy."""
    if request.param == "cuda":
        problem = _real_cuda_problem()
        if problem:
            pytest.skip(f"real-GPU run skipped: {problem}")
        _reset_devices()
    else:
        monkeypatch.setitem(sys.modules, "cupy", fake_cupy.install())
        _reset_devices()
    device = _backend.placement("cuda")
    yield device
    _reset_devices()
