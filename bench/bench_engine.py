"""Engine benchmarks (issue: the reference engine). Run by hand:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python bench/bench_engine.py

Each workload is timed as the median of many repeats, and reported as a ratio
to the same computation written by hand in numpy, in the same run. Beside them:
a 70-line tape (``tape.py``: the bare bookkeeping of reverse mode, nothing
else), and, with torch importable, PyTorch's eager CPU, with a ratio to it.
Before timing, each workload checks that the implementations agree.

The benchmarks import the autograd_ref of the checkout that holds this bench/
folder, or of the checkout named by the environment variable AUTOGRAD_REF_ROOT
(``compare.py`` uses it to time two versions of the engine).
"""
import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def repository_root():
    """The checkout whose autograd_ref to import: $AUTOGRAD_REF_ROOT, else the one holding bench/."""
    return os.path.abspath(os.environ.get("AUTOGRAD_REF_ROOT") or os.path.join(HERE, ".."))


# First on sys.path, ahead of an installed autograd_ref. The other scripts import
# this module before autograd_ref, so they honour AUTOGRAD_REF_ROOT too.
sys.path.insert(0, repository_root())
import tape  # noqa: E402 - bench/tape.py

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


def as_array(result):
    """A step's result (a loss, a gradient, an output) as a numpy array, whoever computed it."""
    if isinstance(result, tape.Var):
        return result.value
    if hasattr(result, "detach"):  # an autograd_ref or PyTorch tensor
        return result.detach().numpy()
    return np.asarray(result)


def check_agree(steps, calls=3, rtol=1e-4, atol=1e-6):
    """Call each of ``steps`` ``calls`` times: every result must equal the first implementation's.

    The steps change their own state (weights), so pass fresh ones, not those to be timed.
    Returns the first implementation's results.
    """
    results = {name: [as_array(step()) for _ in range(calls)] for name, step in steps.items()}
    first, expected = next(iter(results.items()))
    for name, values in results.items():
        for call, (got, want) in enumerate(zip(values, expected), 1):
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol,
                                       err_msg=f"{name} differs from {first} at call {call}")
    return expected


# ---- the seed's two-layer net --------------------------------------------------

def two_layer_numpy(x, y, w1, w2, lr):
    w1, w2 = w1.copy(), w2.copy()

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


def two_layer_tape(x, y, w1, w2, lr):
    # x stays a numpy array: on the left of @ it is a constant, and gets no gradient.
    y = tape.Var(y)
    w1, w2 = tape.Var(w1.copy()), tape.Var(w2.copy())

    def step():
        y_pred = (x @ w1).relu() @ w2
        loss = (y_pred - y).square().sum()
        tape.backward(loss)
        w1.value -= lr * w1.grad
        w2.value -= lr * w2.grad
        w1.grad = w2.grad = None
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


def two_layer_steps(*data):
    """One fresh step of each implementation, all from the same inputs and weights."""
    steps = {"numpy (by hand)": two_layer_numpy(*data),
             "70-line tape": two_layer_tape(*data),
             "autograd_ref": two_layer_lib(autograd_ref, *data)}
    if torch is not None:
        steps["PyTorch eager"] = two_layer_lib(torch, *data)
    return steps


def bench_two_layer(n, d_in, h, d_out, repeats):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, d_in), dtype=np.float32)
    y = rng.standard_normal((n, d_out), dtype=np.float32)
    # Scaled so that the larger net does not overflow over hundreds of steps.
    w1 = rng.standard_normal((d_in, h), dtype=np.float32) / np.float32(np.sqrt(d_in))
    w2 = rng.standard_normal((h, d_out), dtype=np.float32) / np.float32(np.sqrt(h))
    data = (x, y, w1, w2, 1e-6)
    check_agree(two_layer_steps(*data))
    return median_times(two_layer_steps(*data), repeats)


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


def chain_forward_numpy(x0):
    def step():
        y = x0
        for i in range(CHAIN):
            k = i % 4
            if k == 0:
                y = y * 1.01
            elif k == 1:
                y = y + 0.5
            elif k == 2:
                y = np.sin(y)
            else:
                y = np.tanh(y)
        return y
    return step


def chain_ops(y):
    """The chain's ops on a tensor or a tape Var: * 1.01, + 0.5, sin, tanh, and again."""
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
    return y


def chain_tape(x0):
    x = tape.Var(x0.copy())

    def step():
        tape.backward(chain_ops(x))
        grad, x.grad = x.grad, None
        return grad
    return step


def chain_forward_tape(x0):
    x = tape.Var(x0.copy())

    def step():
        y = chain_ops(x)
        tape.clear()  # what PyTorch does when y's graph goes out of scope
        return y
    return step


def chain_lib(lib, x0):
    x = lib.from_numpy(x0.copy()).requires_grad_()

    def step():
        y = chain_ops(x)
        y.backward(lib.ones_like(y))
        grad, x.grad = x.grad, None
        return grad
    return step


def chain_forward_lib(lib, x0):
    x = lib.from_numpy(x0.copy()).requires_grad_()

    def step():
        return chain_ops(x)
    return step


def chain_steps(x0, forward_only):
    if forward_only:
        steps = {"numpy (by hand)": chain_forward_numpy(x0), "70-line tape": chain_forward_tape(x0),
                 "autograd_ref": chain_forward_lib(autograd_ref, x0)}
        if torch is not None:
            steps["PyTorch eager"] = chain_forward_lib(torch, x0)
    else:
        steps = {"numpy (by hand)": chain_numpy(x0), "70-line tape": chain_tape(x0),
                 "autograd_ref": chain_lib(autograd_ref, x0)}
        if torch is not None:
            steps["PyTorch eager"] = chain_lib(torch, x0)
    return steps


def bench_chain(repeats, forward_only=False):
    """Seconds per op of the chain, with or without its backward pass."""
    x0 = np.linspace(-1, 1, 4, dtype=np.float32)
    check_agree(chain_steps(x0, forward_only))
    times = median_times(chain_steps(x0, forward_only), repeats, inner=20)
    return {name: t / CHAIN for name, t in times.items()}


def machine_line():
    """What the figures were measured on: processor, cores, versions, BLAS threads, date, and
    which checkout's autograd_ref was imported."""
    threads = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    checkout = os.path.dirname(os.path.dirname(os.path.abspath(autograd_ref.__file__)))
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}"
            + (f", torch {torch.__version__}" if torch else ", torch not installed")
            + f"; BLAS threads {threads}; {time.strftime('%Y-%m-%d')}; autograd_ref from {checkout}")


def report(title, rows, unit, scale):
    """Print ``rows`` ({implementation: seconds}) as a markdown table: the median, its ratio to
    numpy by hand and, when PyTorch was timed, its ratio to PyTorch."""
    base = rows["numpy (by hand)"]
    torch_time = rows.get("PyTorch eager")
    columns = ["implementation", f"median {unit}", "ratio to numpy"]
    if torch_time is not None:
        columns.append("ratio to PyTorch")
    print(f"\n{title}")
    print("| " + " | ".join(columns) + " |")
    print("|---" * len(columns) + "|")
    for name, seconds in rows.items():
        cells = [name, f"{seconds * scale:.2f}", f"{seconds / base:.2f}x"]
        if torch_time is not None:
            cells.append(f"{seconds / torch_time:.2f}x")
        print("| " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--only", choices=["small", "large", "chain", "chain-forward"])
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
    if args.only in (None, "chain-forward"):
        report("Chain of 100 elementwise ops on shape (4,), forward only (x requires grad), per op",
               bench_chain(args.repeats, forward_only=True), "µs", 1e6)


if __name__ == "__main__":
    main()
