"""GPU benchmark (issue: autograd_ref on NVIDIA GPUs). Run by hand on a machine with a GPU:

    pip install -e ".[gpu]" torch          # PyTorch with CUDA, for the comparison
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python bench/bench_gpu.py

Two training steps, each on the CPU with autograd_ref, on the GPU with autograd_ref (CuPy), and on the GPU
with PyTorch CUDA when torch sees a GPU:

- the MLP step at N=512, 1024-1024-10: ``zero_grad``, ``Linear``, ``ReLU``, ``Linear``, cross-entropy,
  backward, ``SGD(lr=0.01, momentum=0.9).step()``;
- a conv net at batch 256 of 1x28x28: ``Conv2d(1, 8, 3)``, relu, 2x2 max pool, ``Linear(8*13*13, 10)``,
  cross-entropy, backward, SGD.

Each timed call ends with a synchronisation (``cuda.synchronize()``), since GPU work is asynchronous. The
implementations take turns (``median_times``); the figures are medians, with ratios to PyTorch CUDA in the
same run. The goal for autograd_ref on the GPU: within 1.5x of PyTorch CUDA on the MLP step.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# bench_engine puts the checkout's root (or $AUTOGRAD_REF_ROOT) first on sys.path.
from bench_engine import machine_line, median_times  # noqa: E402 - the shared harness

import autograd_ref  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def mlp(lib, n=512, d_in=1024, hidden=1024, d_out=10):
    nn = lib.nn
    return (nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, d_out)),
            (n, d_in), d_out)


def conv_net(lib, n=256):
    nn = lib.nn
    return (nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(8 * 13 * 13, 10)),
            (n, 1, 28, 28), 10)


def training_step(lib, make, device):
    """One SGD step of the model ``make`` builds, on ``device``, ending in a synchronisation."""
    lib.manual_seed(0)
    model, x_shape, classes = make(lib)
    model = model.to(device)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal(x_shape, dtype=np.float32)).to(device)
    y = lib.tensor(rng.integers(0, classes, x_shape[0])).to(device)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = lib.nn.CrossEntropyLoss()
    on_gpu = str(device).startswith("cuda")

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if on_gpu:
            lib.cuda.synchronize()
        return loss
    return step


def gpu_name():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                               "--format=csv,noheader"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "nvidia-smi not available"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    print(machine_line())
    print("GPU:", gpu_name())
    if not autograd_ref.cuda.is_available():
        sys.exit(f"autograd_ref sees no GPU: {autograd_ref.cuda.why_unavailable()}")
    torch_gpu = torch is not None and torch.cuda.is_available()
    for title, make in (("MLP step, N=512, 1024-1024-10", mlp),
                        ("Conv net step, batch 256 of 1x28x28", conv_net)):
        steps = {"autograd_ref, CPU": training_step(autograd_ref, make, "cpu"),
                 "autograd_ref, GPU (CuPy)": training_step(autograd_ref, make, "cuda")}
        if torch_gpu:
            steps["PyTorch CUDA"] = training_step(torch, make, "cuda")
        times = median_times(steps, args.repeats)
        base = times.get("PyTorch CUDA")
        print(f"\n{title}")
        print("| implementation | median ms | ratio to PyTorch CUDA |")
        print("|---|---|---|")
        for name, seconds in times.items():
            ratio = f"{seconds / base:.2f}x" if base else "n/a (no PyTorch CUDA)"
            print(f"| {name} | {seconds * 1e3:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
