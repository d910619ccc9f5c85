"""Gradient clipping: keep one bad batch from throwing the weights far away.

    >>> loss.backward()
    >>> clip_grad_norm_(model.parameters(), max_norm=1.0); opt.step()

All gradients together are treated as one long vector. ``clip_grad_norm_``
shrinks that vector when its length (its p-norm) is above ``max_norm``, so its
direction stays the same; ``clip_grad_value_`` clamps each element on its own.
Both change ``p.grad`` in place, outside the graph (under ``no_grad``).
"""
import math
import types
import warnings

from ...autograd.grad_mode import no_grad
from ...creation import tensor as _tensor
from ...ops.shape import stack
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _as_list(tensors):
    """``parameters`` may be one tensor or any iterable of them (a generator too)."""
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(t, norm_type):
    """The p-norm of all elements of ``t``, as ``torch.linalg.vector_norm``:
    inf is the largest size, -inf the smallest, 0 counts the non-zeros."""
    if norm_type == math.inf:
        return t.abs().max()
    if norm_type == -math.inf:
        return t.abs().min()
    if norm_type == 0:
        return (t != 0).sum().to(t.dtype)
    return t.norm(norm_type)


@no_grad()
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The p-norm of several tensors taken together, as if all their elements
    were in one vector (the norm of the per-tensor norms). ``foreach`` is
    accepted and ignored.

        >>> get_total_norm([tensor([3.0]), tensor([4.0])])
        tensor(5.)
    """
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _tensor(0.0)
    norms = [_vector_norm(t, norm_type) for t in tensors]
    total_norm = _vector_norm(stack([n.to(tensors[0].device) for n in norms]), norm_type)
    if error_if_nonfinite and (total_norm.isnan() | total_norm.isinf()).item():
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`")
    return total_norm


@no_grad()
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale every ``p.grad`` by ``min(max_norm / (total_norm + 1e-6), 1)``: the
    second half of ``clip_grad_norm_``, for a ``total_norm`` computed already.

        >>> total = get_total_norm([p.grad for p in model.parameters()])
        >>> clip_grads_with_norm_(model.parameters(), 1.0, total)
    """
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if len(grads) == 0:
        return
    # The 1e-6 keeps a zero norm from dividing by zero; the clamp means that
    # gradients are only ever shrunk, never stretched.
    clip_coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(clip_coef.to(g.device))


@no_grad()
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Shrink all gradients together so that their total p-norm is at most
    ``max_norm``; returns the total norm from before clipping. Parameters whose
    ``grad`` is None are skipped; ``foreach`` is accepted and ignored.

        >>> loss.backward()
        >>> clip_grad_norm_(model.parameters(), max_norm=1.0)     # then opt.step()
    """
    is_generator = isinstance(parameters, types.GeneratorType)
    parameters = _as_list(parameters)
    if is_generator and len(parameters) == 0:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                      stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated: the old name of :func:`clip_grad_norm_`, which it calls after a
    ``FutureWarning``.

        >>> with warnings.catch_warnings(record=True):
        ...     clip_grad_norm(model.parameters(), 1.0)
    """
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@no_grad()
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every element of every ``p.grad`` into ``[-clip_value, clip_value]``,
    in place. ``foreach`` is accepted and ignored.

        >>> loss.backward()
        >>> clip_grad_value_(model.parameters(), clip_value=0.5)  # then opt.step()
    """
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            p.grad.clamp_(min=-clip_value, max=clip_value)
