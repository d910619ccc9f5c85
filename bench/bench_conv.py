"""Conv net benchmark (issue 3). Run by hand:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python bench/bench_conv.py

One forward and backward of a small conv net on a batch of 32 images 1x28x28:
``Conv2d(1, 8, 3)``, relu, 2x2 max pool, ``Linear(8*13*13, 10)``, cross-entropy.
The same computation is written by hand in numpy (im2col and one matrix
product for the convolution, max pooling with ``reshape().max()``), and run
with PyTorch's eager CPU when torch is importable. The implementations take
turns; each figure is a median, reported as a ratio to numpy in the same run.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# bench_engine puts the checkout's root (or $AUTOGRAD_REF_ROOT) first on sys.path.
from bench_engine import machine_line, median_times, report  # noqa: E402 - the shared harness

import autograd_ref  # noqa: E402
import autograd_ref.nn  # noqa: E402,F401

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None

N, C_OUT, K, CLASSES = 32, 8, 3, 10


def numpy_step(x, labels, w_conv, b_conv, w_fc, b_fc):
    """Forward and backward by hand: every gradient of the four parameters."""
    n = x.shape[0]
    ho = wo = x.shape[2] - K + 1
    rows = np.arange(n)

    def step():
        # im2col: (N*Ho*Wo, C*K*K), then one matrix product
        windows = np.lib.stride_tricks.sliding_window_view(x, (K, K), axis=(2, 3))   # (N, 1, Ho, Wo, K, K)
        cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, -1)
        conv = (cols @ w_conv.reshape(C_OUT, -1).T + b_conv).reshape(n, ho, wo, C_OUT).transpose(0, 3, 1, 2)
        act = np.maximum(conv, 0)
        blocks = act.reshape(n, C_OUT, ho // 2, 2, wo // 2, 2)
        pooled = blocks.max(axis=(3, 5))
        flat = pooled.reshape(n, -1)
        logits = flat @ w_fc.T + b_fc
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        probs = exp / exp.sum(axis=1, keepdims=True)
        loss = -np.log(probs[rows, labels]).mean()
        # backward
        d_logits = probs
        d_logits[rows, labels] -= 1
        d_logits /= n
        d_w_fc = d_logits.T @ flat
        d_b_fc = d_logits.sum(axis=0)
        d_pooled = (d_logits @ w_fc).reshape(pooled.shape)
        mask = blocks == pooled[:, :, :, None, :, None]
        d_act = (mask * d_pooled[:, :, :, None, :, None]).reshape(act.shape)
        d_conv = d_act * (conv > 0)
        d_out = d_conv.transpose(0, 2, 3, 1).reshape(-1, C_OUT)          # (N*Ho*Wo, C_out)
        d_w_conv = (d_out.T @ cols).reshape(w_conv.shape)
        d_b_conv = d_out.sum(axis=0)
        return loss, d_w_conv, d_b_conv, d_w_fc, d_b_fc
    return step


def lib_step(lib, x, labels, w_conv, b_conv, w_fc, b_fc):
    nn, F = lib.nn, lib.nn.functional
    conv, fc = nn.Conv2d(1, C_OUT, K), nn.Linear(C_OUT * 13 * 13, CLASSES)
    with lib.no_grad():
        for p, value in ((conv.weight, w_conv), (conv.bias, b_conv), (fc.weight, w_fc), (fc.bias, b_fc)):
            p.copy_(lib.from_numpy(value.copy()))
    x, labels = lib.from_numpy(x.copy()), lib.from_numpy(labels.copy())
    params = [conv.weight, conv.bias, fc.weight, fc.bias]

    def step():
        out = F.max_pool2d(F.relu(conv(x)), 2)
        loss = F.cross_entropy(fc(out.view(out.shape[0], -1)), labels)
        for p in params:
            p.grad = None
        loss.backward()
        return loss
    step.params = params
    return step


def check_same(x, labels, weights):
    """autograd_ref computes the loss and gradients numpy does."""
    loss, *grads = numpy_step(x, labels, *weights)()
    step = lib_step(autograd_ref, x, labels, *weights)
    ours = step()
    assert abs(ours.item() - loss) < 1e-5 * max(1.0, abs(loss)), (ours.item(), loss)
    for p, g in zip(step.params, grads):
        assert np.allclose(p.grad.numpy(), g, rtol=1e-4, atol=1e-6), "gradients differ from numpy's"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    print(machine_line())
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, 1, 28, 28), dtype=np.float32)
    labels = rng.integers(0, CLASSES, N)
    weights = (rng.uniform(-1 / 3, 1 / 3, (C_OUT, 1, K, K)).astype(np.float32),
               rng.uniform(-1 / 3, 1 / 3, C_OUT).astype(np.float32),
               (rng.uniform(-1, 1, (CLASSES, C_OUT * 13 * 13)) / 37).astype(np.float32),
               (rng.uniform(-1, 1, CLASSES) / 37).astype(np.float32))
    check_same(x, labels, weights)
    steps = {"numpy (by hand)": numpy_step(x, labels, *weights),
             "autograd_ref": lib_step(autograd_ref, x, labels, *weights)}
    if torch is not None:
        steps["PyTorch eager"] = lib_step(torch, x, labels, *weights)
    report(f"Conv net forward + backward, batch {N} of 1x28x28: Conv2d(1, 8, 3), relu, "
           "2x2 max pool, Linear(8*13*13, 10), cross-entropy",
           median_times(steps, args.repeats), "ms", 1e3)


if __name__ == "__main__":
    main()
