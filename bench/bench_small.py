"""Small training steps with nn (issue: speed of small workloads). Run by hand:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python bench/bench_small.py

Two workloads, each written by hand in numpy (the baseline), with autograd_ref, and with
PyTorch's eager CPU when torch is importable. Each first checks that the implementations give
the same losses over a few steps, then times them (they take turns; medians; ratios in one run).

- micrograd's demo net in tensor form: an MLP 2-16-16-1 (``nn.Sequential`` of ``Linear`` and
  ``ReLU``) on 100 points of two half-moons, labels +-1; SVM max-margin loss
  ``(1 - y * scores).relu().mean()`` plus L2 ``1e-4 * sum((p * p).sum())`` over the parameters;
  ``model.zero_grad()``, ``loss.backward()``, and ``p -= 0.05 * p.grad`` under ``no_grad``.
- the seed's two-layer net with nn: ``Linear(1000, 100)``, ``ReLU``, ``Linear(100, 10)`` on a
  batch of 64, ``MSELoss(reduction='sum')``, ``optim.SGD(lr=1e-6)``: ``zero_grad``,
  ``backward``, ``step``.
"""
import argparse
import itertools
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# bench_engine puts the checkout's root (or $AUTOGRAD_REF_ROOT) first on sys.path.
from bench_engine import check_agree, machine_line, median_times, report, torch  # noqa: E402

import autograd_ref  # noqa: E402
import autograd_ref.nn  # noqa: E402,F401 - lib.nn below


def linear_weights(rng, sizes):
    """Weights and biases of Linear layers of ``sizes``, PyTorch's initialisation
    (uniform in +-1/sqrt(fan_in)), in nn.Sequential's parameter order."""
    params = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return params


def sequential(lib, sizes, weights):
    """``nn.Sequential(Linear, ReLU, ..., Linear)`` of ``sizes``, holding ``weights``."""
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        layers += [lib.nn.Linear(fan_in, fan_out), lib.nn.ReLU()]
    model = lib.nn.Sequential(*layers[:-1])
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(lib.from_numpy(w.copy()))
    return model


# ---- micrograd's demo net: MLP 2-16-16-1 on two half-moons ------------------------------------

MOONS, MOONS_SIZES, MOONS_LR, ALPHA = 100, (2, 16, 16, 1), 0.05, 1e-4


def moons(n=MOONS, noise=0.1, seed=0):
    """Two interleaved half-circles of n points, with labels -1 and +1 (as a column)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, np.pi, n // 2)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([-np.ones(n // 2), np.ones(n // 2)])[:, None]
    return x.astype(np.float32), y.astype(np.float32)


def moons_numpy(x, y, weights):
    params = [w.copy() for w in weights]
    w1, b1, w2, b2, w3, b3 = params

    def step():
        z1 = x @ w1.T + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ w2.T + b2
        h2 = np.maximum(z2, 0)
        scores = h2 @ w3.T + b3
        margins = 1 - y * scores
        loss = np.maximum(margins, 0).mean() + ALPHA * sum((p * p).sum() for p in params)
        grad_scores = -y * (margins > 0) / MOONS
        grad_w3 = grad_scores.T @ h2
        grad_b3 = grad_scores.sum(axis=0)
        grad_z2 = (grad_scores @ w3) * (z2 > 0)
        grad_w2 = grad_z2.T @ h1
        grad_b2 = grad_z2.sum(axis=0)
        grad_z1 = (grad_z2 @ w2) * (z1 > 0)
        grad_w1 = grad_z1.T @ x
        grad_b1 = grad_z1.sum(axis=0)
        for p, g in zip(params, (grad_w1, grad_b1, grad_w2, grad_b2, grad_w3, grad_b3)):
            p -= MOONS_LR * (g + 2 * ALPHA * p)  # the L2 term's gradient is 2 * alpha * p
        return loss
    return step


def moons_lib(lib, x, y, weights):
    model = sequential(lib, MOONS_SIZES, weights)
    x, y = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())

    def step():
        scores = model(x)
        data_loss = (1 - y * scores).relu().mean()
        reg_loss = ALPHA * sum((p * p).sum() for p in model.parameters())
        loss = data_loss + reg_loss
        model.zero_grad()
        loss.backward()
        with lib.no_grad():
            for p in model.parameters():
                p -= MOONS_LR * p.grad
        return loss
    return step


def moons_steps():
    x, y = moons()
    weights = linear_weights(np.random.default_rng(1), MOONS_SIZES)
    steps = {"numpy (by hand)": moons_numpy(x, y, weights),
             "autograd_ref": moons_lib(autograd_ref, x, y, weights)}
    if torch is not None:
        steps["PyTorch eager"] = moons_lib(torch, x, y, weights)
    return steps


# ---- the seed's two-layer net with nn.Linear, MSELoss and optim.SGD -------------------------------

SEED_N, SEED_SIZES, SEED_LR = 64, (1000, 100, 10), 1e-6


def seed_numpy(x, y, weights):
    params = [w.copy() for w in weights]
    w1, b1, w2, b2 = params

    def step():
        z1 = x @ w1.T + b1
        h = np.maximum(z1, 0)
        diff = h @ w2.T + b2 - y
        loss = (diff * diff).sum()
        grad_out = 2 * diff
        grad_w2 = grad_out.T @ h
        grad_b2 = grad_out.sum(axis=0)
        grad_z1 = (grad_out @ w2) * (z1 > 0)
        grad_w1 = grad_z1.T @ x
        grad_b1 = grad_z1.sum(axis=0)
        for p, g in zip(params, (grad_w1, grad_b1, grad_w2, grad_b2)):
            p -= SEED_LR * g
        return loss
    return step


def seed_lib(lib, x, y, weights):
    model = sequential(lib, SEED_SIZES, weights)
    loss_fn = lib.nn.MSELoss(reduction="sum")
    optimizer = lib.optim.SGD(model.parameters(), lr=SEED_LR)
    x, y = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())

    def step():
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step


def seed_steps():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((SEED_N, SEED_SIZES[0]), dtype=np.float32)
    y = rng.standard_normal((SEED_N, SEED_SIZES[-1]), dtype=np.float32)
    weights = linear_weights(rng, SEED_SIZES)
    steps = {"numpy (by hand)": seed_numpy(x, y, weights),
             "autograd_ref": seed_lib(autograd_ref, x, y, weights)}
    if torch is not None:
        steps["PyTorch eager"] = seed_lib(torch, x, y, weights)
    return steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--only", choices=["moons", "seed"])
    args = parser.parse_args()
    print(machine_line())
    if args.only in (None, "moons"):
        losses = check_agree(moons_steps(), calls=5)
        print(f"\nmoons: losses over 5 steps agree: {', '.join(f'{v:.4f}' for v in losses)}")
        report(f"MLP 2-16-16-1 (micrograd's demo net) on {MOONS} points, SVM loss + L2, a step",
               median_times(moons_steps(), args.repeats), "µs", 1e6)
    if args.only in (None, "seed"):
        losses = check_agree(seed_steps(), calls=5)
        print(f"\nseed: losses over 5 steps agree: {', '.join(f'{v:.2f}' for v in losses)}")
        report(f"Two-layer net step with nn, N={SEED_N}, 1000-100-10: Linear, ReLU, Linear, "
               "MSELoss(sum), SGD(lr=1e-6)", median_times(seed_steps(), args.repeats), "ms", 1e3)


if __name__ == "__main__":
    main()
