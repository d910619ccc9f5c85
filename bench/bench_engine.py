"""Engine benchmarks (issue: the reference engine). Run by hand:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python bench/bench_engine.py

Each workload is timed as the median of many repeats, and reported as a ratio
to the same computation written by hand in numpy, in the same run. With torch
importable, PyTorch's eager CPU times are measured beside them.
"""
import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import autograd_ref  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None


def median_times(steps, repeats, inner=1):
    """Median seconds per call of each of ``steps`` (a dict of callables).

    The implementations take turns, one timing of ``inner`` calls each per
    round, so that a slow spell of the machine hits them all alike.
    """
    times = {name: [] for name in steps}
    for step in steps.values():
        step()  # warm up
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(inner):
                step()
            times[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(t) for name, t in times.items()}


# ---- the seed's two-layer net --------------------------------------------------

def two_layer_numpy(x, y, w1, w2, lr):
    def step():
        nonlocal w1, w2
        h = x @ w1
        h_relu = np.maximum(h, 0)
        y_pred = h_relu @ w2
        diff = y_pred - y
        loss = (diff * diff).sum()
        grad_y_pred = 2.0 * diff
        grad_w2 = h_relu.T @ grad_y_pred
        grad_h = grad_y_pred @ w2.T
        grad_h[h < 0] = 0
        grad_w1 = x.T @ grad_h
        w1 -= lr * grad_w1
        w2 -= lr * grad_w2
        return loss
    return step


def two_layer_lib(lib, x, y, w1, w2, lr):
    x, y = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())
    w1 = lib.from_numpy(w1.copy()).requires_grad_()
    w2 = lib.from_numpy(w2.copy()).requires_grad_()

    def step():
        nonlocal w1, w2
        y_pred = (x @ w1).relu() @ w2
        loss = ((y_pred - y) ** 2).sum()
        loss.backward()
        with lib.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad = None
            w2.grad = None
        return loss
    return step


def bench_two_layer(n, d_in, h, d_out, repeats):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, d_in), dtype=np.float32)
    y = rng.standard_normal((n, d_out), dtype=np.float32)
    # Scaled so that the larger net does not overflow over hundreds of steps.
    w1 = rng.standard_normal((d_in, h), dtype=np.float32) / np.float32(np.sqrt(d_in))
    w2 = rng.standard_normal((h, d_out), dtype=np.float32) / np.float32(np.sqrt(h))
    lr = 1e-6
    steps = {"numpy (by hand)": two_layer_numpy(x, y, w1.copy(), w2.copy(), lr),
             "autograd_ref": two_layer_lib(autograd_ref, x, y, w1, w2, lr)}
    if torch is not None:
        steps["PyTorch eager"] = two_layer_lib(torch, x, y, w1, w2, lr)
    return median_times(steps, repeats)


# ---- a chain of small elementwise ops -------------------------------------------

CHAIN = 100


def chain_numpy(x0):
    def step():
        inputs = []
        y = x0
        for i in range(CHAIN):
            inputs.append(y)
            k = i % 4
            if k == 0:
                y = y * 1.01
            elif k == 1:
                y = y + 0.5
            elif k == 2:
                y = np.sin(y)
            else:
                y = np.tanh(y)
        grad = np.ones_like(y)
        for i in reversed(range(CHAIN)):
            k = i % 4
            if k == 0:
                grad = grad * 1.01
            elif k == 2:
                grad = grad * np.cos(inputs[i])
            elif k == 3:
                t = np.tanh(inputs[i])
                grad = grad * (1 - t * t)
        return grad
    return step


def chain_lib(lib, x0):
    x = lib.from_numpy(x0.copy()).requires_grad_()

    def step():
        y = x
        for i in range(CHAIN):
            k = i % 4
            if k == 0:
                y = y * 1.01
            elif k == 1:
                y = y + 0.5
            elif k == 2:
                y = y.sin()
            else:
                y = y.tanh()
        y.backward(lib.ones_like(y))
        x.grad = None
    return step


def bench_chain(repeats):
    x0 = np.linspace(-1, 1, 4, dtype=np.float32)
    steps = {"numpy (by hand)": chain_numpy(x0), "autograd_ref": chain_lib(autograd_ref, x0)}
    if torch is not None:
        steps["PyTorch eager"] = chain_lib(torch, x0)
    return {name: t / CHAIN for name, t in median_times(steps, repeats, inner=20).items()}


def machine_line():
    """What the figures were measured on: processor, cores, versions, BLAS threads, date."""
    threads = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}"
            + (f", torch {torch.__version__}" if torch else ", torch not installed")
            + f"; BLAS threads {threads}; {time.strftime('%Y-%m-%d')}")


def report(title, rows, unit, scale):
    base = rows["numpy (by hand)"]
    print(f"\n{title}")
    print(f"| implementation | median {unit} | ratio to numpy |")
    print("|---|---|---|")
    for name, seconds in rows.items():
        print(f"| {name} | {seconds * scale:.2f} | {seconds / base:.2f}x |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--only", choices=["small", "large", "chain"])
    args = parser.parse_args()
    print(machine_line())
    if args.only in (None, "small"):
        report("Two-layer net step, N=64, D_in=1000, H=100, D_out=10",
               bench_two_layer(64, 1000, 100, 10, args.repeats), "ms", 1e3)
    if args.only in (None, "large"):
        report("Two-layer net step, N=512, 1024-1024-10",
               bench_two_layer(512, 1024, 1024, 10, max(args.repeats // 10, 10)), "ms", 1e3)
    if args.only in (None, "chain"):
        report("Chain of 100 elementwise ops on shape (4,), forward + backward, per op",
               bench_chain(args.repeats), "µs", 1e6)


if __name__ == "__main__":
    main()
