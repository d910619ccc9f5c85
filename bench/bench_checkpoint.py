"""Memory that activation checkpointing saves (issue: engine fidelity). Run by hand from the repository root:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python bench/bench_checkpoint.py

A stack of 4 blocks, each of 4 layers (Linear 512-512, tanh), on a batch of 256, float32, forward and
backward, run plainly and with every block checkpointed (use_reentrant=False): the plain graph keeps each
layer's output, the checkpointed one only each block's input. For each: the peak of memory allocated while the
forward pass and its graph are alive, above what was allocated before (Python's tracemalloc, which sees
numpy's arrays), and the median time of a step over 7 interleaved rounds.
"""
import os
import platform
import statistics
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_engine  # noqa: E402,F401 - puts the checkout's root (or $AUTOGRAD_REF_ROOT) first on sys.path

import autograd_ref as torch  # noqa: E402
from autograd_ref.utils.checkpoint import checkpoint  # noqa: E402

BLOCKS, LAYERS, WIDTH, BATCH = 4, 4, 512, 256


def make_model():
    torch.manual_seed(0)
    return [[torch.nn.Linear(WIDTH, WIDTH) for _ in range(LAYERS)] for _ in range(BLOCKS)]


def run_block(layers, x):
    for layer in layers:
        x = layer(x).tanh()
    return x


def forward(blocks, x, checkpointed):
    for layers in blocks:
        if checkpointed:
            x = checkpoint(run_block, layers, x, use_reentrant=False)
        else:
            x = run_block(layers, x)
    return x.square().mean()


def peak_mib(layers, x, checkpointed):
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    loss = forward(layers, x, checkpointed)
    after_forward = tracemalloc.get_traced_memory()[0] - base
    loss.backward()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return after_forward / 2**20, peak / 2**20


def main():
    layers = make_model()
    x = torch.randn(BATCH, WIDTH, requires_grad=True)
    print(f"{BLOCKS} blocks of {LAYERS} x (Linear({WIDTH}, {WIDTH}) + tanh), batch {BATCH}, float32 "
          f"({platform.machine()}, Python {platform.python_version()})")
    for checkpointed in (False, True):
        held, peak = peak_mib(layers, x, checkpointed)
        print(f"{'checkpointed' if checkpointed else 'plain':>12}: graph holds {held:6.1f} MiB after forward, "
              f"peak {peak:6.1f} MiB")
    times = {False: [], True: []}
    for _ in range(7):
        for checkpointed in (False, True):
            start = time.perf_counter()
            forward(layers, x, checkpointed).backward()
            times[checkpointed].append(time.perf_counter() - start)
    plain, ckpt = statistics.median(times[False]), statistics.median(times[True])
    print(f"step time, median of 7: plain {plain * 1e3:.1f} ms, checkpointed {ckpt * 1e3:.1f} ms "
          f"({ckpt / plain:.2f}x)")


if __name__ == "__main__":
    main()
