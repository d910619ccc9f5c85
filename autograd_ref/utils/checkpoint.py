"""Activation checkpointing: keep less for backward, and compute it again when backward needs it.

    >>> from autograd_ref.utils.checkpoint import checkpoint
    >>> y = checkpoint(block, x, use_reentrant=False)   # block's intermediate results are not kept

Two ways, as in PyTorch:

- ``use_reentrant=False`` (recommended) records the block's graph as usual, but every tensor one of its
  operations saves is replaced by a number (``saved_tensors_hooks``). The first time backward asks for one,
  the block runs again, with the random state it had, and its saved tensors are taken from that run.
- ``use_reentrant=True`` runs the block without recording and wraps it in one custom Function,
  ``CheckpointFunction``, whose backward runs the block again with recording and backpropagates through it.
"""
import warnings

from .. import creation
from ..autograd import backward as _backward
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..autograd.graph import saved_tensors_hooks
from ..tensor import Tensor

__all__ = ["checkpoint"]


def checkpoint(function, *args, use_reentrant=None, preserve_rng_state=True, **kwargs):
    """``function(*args, **kwargs)``, with its intermediate results recomputed during backward instead of
    kept. ``preserve_rng_state`` runs the recomputation with the random state of the first run (so that
    dropout masks agree)."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
            "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False "
            "is recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _without_reentrant(function, preserve_rng_state, args, kwargs)


def _without_reentrant(function, preserve_rng_state, args, kwargs):
    rng_state = creation.get_rng_state() if preserve_rng_state else None
    grad_enabled = is_grad_enabled()
    recomputed = []          # the saved tensors of the second run, in the order they were saved
    count = [0]

    def pack(tensor):
        count[0] += 1
        return count[0] - 1

    def unpack(position):
        if not recomputed:
            state = creation.get_rng_state()
            if rng_state is not None:
                creation.set_rng_state(rng_state)
            try:
                with saved_tensors_hooks(lambda t: recomputed.append(t), lambda _: None), \
                        set_grad_enabled(grad_enabled):
                    function(*args, **kwargs)
            finally:
                creation.set_rng_state(state)
            if len(recomputed) != count[0]:
                raise RuntimeError(
                    f"torch.utils.checkpoint: the recomputation saved {len(recomputed)} tensors where the first "
                    f"run saved {count[0]}: the checkpointed function must compute the same operations each "
                    "time it runs")
        return recomputed[position]

    with saved_tensors_hooks(pack, unpack):
        return function(*args, **kwargs)


class CheckpointFunction(Function):
    """The reentrant checkpoint: the block as one node, whose backward runs it again and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function, ctx.preserve_rng_state = run_function, preserve_rng_state
        ctx.rng_state = creation.get_rng_state() if preserve_rng_state else None
        ctx.inputs = [a if not isinstance(a, Tensor) else None for a in args]
        ctx.tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        inputs = list(ctx.inputs)
        for position, tensor in zip(ctx.tensor_positions, ctx.saved_tensors):
            inputs[position] = tensor.detach().requires_grad_(tensor.requires_grad)
        state = creation.get_rng_state()
        if ctx.rng_state is not None:
            creation.set_rng_state(ctx.rng_state)
        try:
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            creation.set_rng_state(state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        _backward([o for o, _ in pairs], [g for _, g in pairs])
        grads = [inp.grad if isinstance(inp, Tensor) else None for inp in inputs]
        return (None, None) + tuple(grads)
