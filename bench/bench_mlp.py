"""Training-step benchmark (issue: nn, optim, utils.data). Run by hand:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python bench/bench_mlp.py

One step of an MLP 784-128-10 on a batch of 64: ``zero_grad``, forward
(``Linear``, ``ReLU``, ``Linear``), ``CrossEntropyLoss``, backward and
``SGD(lr=0.01, momentum=0.9).step()``. Three implementations take turns in one
run: the same computation written by hand in numpy (the baseline), autograd_ref
with ``nn`` + ``optim``, and PyTorch with ``nn`` + ``optim`` when torch is
importable. A second table times ``optimizer.step()`` alone on the same four
parameters, to show what the optimizer's own bookkeeping costs.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# bench_engine puts the checkout's root (or $AUTOGRAD_REF_ROOT) first on sys.path.
from bench_engine import machine_line, median_times, report  # noqa: E402 - the shared harness

import autograd_ref  # noqa: E402
import autograd_ref.nn  # noqa: E402,F401 - lib.nn below

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None

BATCH, D_IN, HIDDEN, D_OUT = 64, 784, 128, 10
LR, MOMENTUM = 0.01, 0.9


def initial_values():
    """Inputs, labels and weights shared by every implementation (PyTorch's
    Linear initialisation: uniform in +-1/sqrt(fan_in))."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, D_IN), dtype=np.float32)
    y = rng.integers(0, D_OUT, BATCH)

    def uniform(shape, fan_in):
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape).astype(np.float32)

    weights = [uniform((HIDDEN, D_IN), D_IN), uniform((HIDDEN,), D_IN),
               uniform((D_OUT, HIDDEN), HIDDEN), uniform((D_OUT,), HIDDEN)]
    return x, y, weights


# ---- numpy by hand ---------------------------------------------------------------------

def mlp_numpy(x, y, weights):
    w1, b1, w2, b2 = params = [w.copy() for w in weights]
    buffers = [None] * 4
    rows = np.arange(BATCH)

    def step():
        z1 = x @ w1.T + b1
        h = np.maximum(z1, 0)
        z2 = h @ w2.T + b2
        # Cross entropy: mean of -log softmax at the labels.
        shifted = z2 - z2.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        loss = (np.log(total[:, 0]) - shifted[rows, y]).mean()
        grad_z2 = e / total
        grad_z2[rows, y] -= 1
        grad_z2 /= BATCH
        grad_w2 = grad_z2.T @ h
        grad_b2 = grad_z2.sum(axis=0)
        grad_z1 = grad_z2 @ w2
        grad_z1 *= z1 > 0
        grad_w1 = grad_z1.T @ x
        grad_b1 = grad_z1.sum(axis=0)
        for i, (p, g) in enumerate(zip(params, (grad_w1, grad_b1, grad_w2, grad_b2))):
            if buffers[i] is None:
                buffers[i] = g.copy()
            else:
                buffers[i] *= MOMENTUM
                buffers[i] += g
            p -= LR * buffers[i]
        return loss
    return step


# ---- nn + optim, in either library --------------------------------------------------------

def build(lib, weights):
    model = lib.nn.Sequential(lib.nn.Linear(D_IN, HIDDEN), lib.nn.ReLU(),
                              lib.nn.Linear(HIDDEN, D_OUT))
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(lib.from_numpy(w.copy()))
    opt = lib.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    return model, opt


def mlp_lib(lib, x, y, weights):
    model, opt = build(lib, weights)
    loss_fn = lib.nn.CrossEntropyLoss()
    x, y = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def optimizer_step_lib(lib, weights):
    model, opt = build(lib, weights)
    for p in model.parameters():
        p.grad = lib.full_like(p, 1e-3)
    opt.step()          # the momentum buffers exist from here on
    return opt.step


def optimizer_step_numpy(weights):
    params = [w.copy() for w in weights]
    grads = [np.full_like(w, 1e-3) for w in weights]
    buffers = [g.copy() for g in grads]

    def step():
        for p, g, buf in zip(params, grads, buffers):
            buf *= MOMENTUM
            buf += g
            p -= LR * buf
    return step


def check_same_losses(x, y, weights, steps=5):
    """The three implementations compute the same thing: equal losses, step by step."""
    runs = {"numpy": mlp_numpy(x, y, weights), "autograd_ref": mlp_lib(autograd_ref, x, y, weights)}
    if torch is not None:
        runs["PyTorch"] = mlp_lib(torch, x, y, weights)
    losses = {name: [step().item() for _ in range(steps)] for name, step in runs.items()}
    for name, values in losses.items():
        np.testing.assert_allclose(values, losses["numpy"], rtol=1e-4, err_msg=name)
    return losses["numpy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    print(machine_line())
    x, y, weights = initial_values()
    losses = check_same_losses(x, y, weights)
    print(f"losses over 5 steps agree: {', '.join(f'{v:.4f}' for v in losses)}")

    steps = {"numpy (by hand)": mlp_numpy(x, y, weights),
             "autograd_ref": mlp_lib(autograd_ref, x, y, weights)}
    if torch is not None:
        steps["PyTorch eager"] = mlp_lib(torch, x, y, weights)
    report(f"MLP {D_IN}-{HIDDEN}-{D_OUT} training step, batch {BATCH}, nn + CrossEntropyLoss + "
           f"SGD(momentum={MOMENTUM})", median_times(steps, args.repeats), "ms", 1e3)

    steps = {"numpy (by hand)": optimizer_step_numpy(weights),
             "autograd_ref": optimizer_step_lib(autograd_ref, weights)}
    if torch is not None:
        steps["PyTorch eager"] = optimizer_step_lib(torch, weights)
    report("SGD(momentum) step alone on the MLP's 4 parameters",
           median_times(steps, args.repeats, inner=10), "µs", 1e6)


if __name__ == "__main__":
    main()
