"""Checking a backward against finite differences: ``gradcheck`` and ``gradgradcheck``.

    >>> x = randn(3, dtype=float64, requires_grad=True)
    >>> gradcheck(sin, (x,))
    True

Both sides of the check are Jacobians laid out as PyTorch lays them out: one
matrix per (output, input) pair, with a row per input element and a column per
output element.

- numerical: move one input element by ``+eps`` and ``-eps`` and take the
  central difference ``(f(x + eps) - f(x - eps)) / (2 eps)``: one row at a time.
- analytical: backpropagate a one-hot ``grad_output`` for each output element
  (a vector-Jacobian product): one column at a time.

They must agree within ``atol + rtol * |numerical|`` everywhere. Then come a few
checks that each catch a classic mistake in a hand-written backward: an answer
that changes when backward runs twice, a backward that forgets to multiply by
``grad_output``, and a backward that breaks when an output's gradient is
undefined (``None``).
"""
import itertools
import warnings

from .. import dtypes
from ..creation import rand, zeros_like
from ..ops.common import attach
from ..tensor import Tensor, make_tensor
from . import forward_ad, grad
from .grad_mode import no_grad
from .graph import Node, edge_to

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` and ``gradgradcheck`` when a check fails."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False):
    """Check the gradients ``func``'s backward computes for the ``inputs`` that
    require grad against finite differences; True if they agree.

        >>> x = randn(2, 3, dtype=float64, requires_grad=True)
        >>> gradcheck(lambda a: (a * a).sum(1), (x,))
        True

    A failed check raises :class:`GradcheckError` (or returns False when
    ``raise_exception=False``). Use float64 inputs: float32 is too coarse for
    ``eps=1e-6``. ``fast_mode=True`` compares one random projection
    ``v^T J u`` per Jacobian instead of every element. ``check_forward_ad=True``
    also checks forward mode (a custom Function's ``jvp``); ``check_backward_ad=False``
    skips the reverse-mode checks, for a Function that has only a ``jvp``.
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad and not check_backward_ad:
        raise AssertionError("Setting check_batched_grad=True requires check_backward_ad to be True")
    _refuse_unsupported(check_batched_grad=check_batched_grad)
    try:
        if check_backward_ad:
            _gradcheck(func, _as_tuple(inputs), eps, atol, rtol, nondet_tol, check_undefined_grad,
                       check_grad_dtypes, fast_mode)
        else:
            _check_inputs(_as_tuple(inputs))
        if check_forward_ad:
            _forward_ad_check(func, _as_tuple(inputs), eps, atol, rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False):
    """Check second derivatives: ``gradcheck`` on the function that computes
    the first derivatives (``autograd.grad`` with ``create_graph=True``).

        >>> x = randn(3, dtype=float64, requires_grad=True)
        >>> gradgradcheck(lambda a: a.exp() * a, (x,))
        True

    ``grad_outputs`` weight the outputs in the first backward; by default they
    are random, and they take part in the check as extra inputs. ``check_fwd_over_rev=True`` also checks
    the second derivatives that forward mode gives through the first backward (forward-over-reverse).
    """
    _refuse_unsupported(check_batched_grad=check_batched_grad)
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outputs = _differentiable(_tensors(func(*inputs)))
        grad_outputs = tuple(_random_like(o).requires_grad_() for o in outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_grads = len(grad_outputs)
    wanted = [isinstance(x, Tensor) and x.requires_grad for x in inputs]

    def first_derivatives(*args):
        split = len(args) - n_grads
        xs, gs = args[:split], args[split:]
        outputs = _differentiable(_tensors(func(*xs)))
        diff_xs = [x for x, w in zip(xs, wanted) if w]
        grads = grad(outputs, diff_xs, gs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev, check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, fast_mode=fast_mode)


def _refuse_unsupported(**flags):
    for name, value in flags.items():
        if value:
            raise NotImplementedError(
                f"gradcheck: {name}=True checks PyTorch's batching rules, which autograd_ref does not have "
                "(its func.vmap is a loop over the batch); leave it False")


# ---- the checks, in the order they run -------------------------------------------

def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad,
               check_grad_dtypes, fast_mode):
    diff_inputs = _check_inputs(inputs)
    func_out = _tensors(func(*inputs))
    outputs = _differentiable(func_out)
    if not outputs:
        _check_no_differentiable_outputs(func, inputs, diff_inputs, func_out, eps)
        return
    if fast_mode:
        _fast_check(func, inputs, diff_inputs, func_out, eps, atol, rtol, nondet_tol)
    else:
        _slow_check(func, inputs, diff_inputs, func_out, eps, atol, rtol, nondet_tol,
                    check_grad_dtypes)
    _check_backward_multiplies_grad_output(outputs, diff_inputs)
    if check_undefined_grad:
        _check_undefined_grad(func, inputs, diff_inputs)


def _check_inputs(inputs):
    """The inputs that require grad; warn about those that are not float64."""
    diff_inputs = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad:
            if x.dtype is not dtypes.float64:
                warnings.warn(
                    f"Input #{i} requires gradient and is not a double precision floating point "
                    "or complex. This check will likely fail if all the inputs are not of double "
                    "precision floating point or complex. ", UserWarning, stacklevel=4)
            diff_inputs.append(x)
    if not diff_inputs:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of "
            "them have requires_grad=True.")
    return diff_inputs


def _check_no_differentiable_outputs(func, inputs, diff_inputs, func_out, eps):
    """No output requires grad: then moving an input must not move any output."""
    for jacobians in _numerical_jacobians(func, inputs, diff_inputs, func_out, eps):
        for jac in jacobians:
            if jac._data.any():
                raise GradcheckError("Numerical gradient for function expected to be zero")


def _slow_check(func, inputs, diff_inputs, func_out, eps, atol, rtol, nondet_tol,
                check_grad_dtypes):
    """Compare every element of every Jacobian."""
    numerical = _numerical_jacobians(func, inputs, diff_inputs, func_out, eps)
    positions = [p for p, o in enumerate(func_out) if o.requires_grad]
    for i, p in enumerate(positions):
        analytical = _analytical_jacobians(func_out[p], diff_inputs, nondet_tol,
                                           check_grad_dtypes)
        for j, a in enumerate(analytical):
            n = numerical[j][p]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch_message(i, j, n, a))


def _mismatch_message(i, j, numerical, analytical):
    return (f"Jacobian mismatch for output {i} with respect to input {j},\n"
            f"numerical:{numerical}\nanalytical:{analytical}\n")


def _allclose(a, n, rtol, atol):
    """``|a - n| <= atol + rtol * |n|`` for every element (NaN never passes)."""
    xp = a._device.xp
    return bool(xp.all(xp.abs(a._data - n._data) <= atol + rtol * xp.abs(n._data)))


def _forward_ad_check(func, inputs, eps, atol, rtol):
    """``check_forward_ad=True``: the Jacobians again, with forward-mode AD, one column (one input element's
    one-hot tangent) at a time, against the same central differences."""
    diff_inputs = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    func_out = _tensors(func(*inputs))
    numerical = _numerical_jacobians(func, inputs, diff_inputs, func_out, eps)
    for j, x in enumerate(diff_inputs):
        xp = x._device.xp
        forward = [xp.zeros((x.numel(), o.numel()), _numerical_dtype(o).np) for o in func_out]
        for row, index in enumerate(_element_indices(x.shape)):
            one_hot = zeros_like(x)
            one_hot._data[index] = 1
            with forward_ad.dual_level():
                duals = tuple(forward_ad.make_dual(a, one_hot) if a is x else a for a in inputs)
                tangents = [forward_ad.unpack_dual(o).tangent for o in _tensors(func(*duals))]
            for jac, tangent in zip(forward, tangents):
                if tangent is not None:
                    jac[row] = tangent._data.reshape(-1)
        for p, o in enumerate(func_out):
            if not o.is_floating_point():
                continue
            a = make_tensor(forward[p], x._device)
            if not _allclose(a, numerical[j][p], rtol, atol):
                raise GradcheckError(
                    f"Jacobian computed with forward mode mismatch for output {p} with respect to input {j},\n"
                    f"numerical:{numerical[j][p]}\nanalytical:{a}\n")


# ---- the numerical Jacobian: central differences ---------------------------------

def _numerical_jacobians(func, inputs, diff_inputs, func_out, eps):
    """``jacobians[j][p]``: d output p / d input j, one row per element of input
    j, by central differences."""
    result = []
    for x in diff_inputs:
        xp = x._device.xp
        jacobians = [xp.zeros((x.numel(), o.numel()), _numerical_dtype(o).np) for o in func_out]
        for row, index in enumerate(_element_indices(x.shape)):
            plus = _outputs_with(func, inputs, x, index, eps)
            minus = _outputs_with(func, inputs, x, index, -eps)
            for jac, hi, lo in zip(jacobians, plus, minus):
                jac[row] = (hi - lo) / (2 * eps)
        result.append([make_tensor(jac, x._device) for jac in jacobians])
    return result


def _numerical_dtype(output):
    return output.dtype if output.is_floating_point() else dtypes.float64


def _flat_copies(result):
    """Copies of the numbers of a function's output tensors, flattened (copies:
    an output may share memory with an input that is about to be restored)."""
    return [o._data.astype(_numerical_dtype(o).np).reshape(-1) for o in _tensors(result)]


def _element_indices(shape):
    """Every index of a tensor of ``shape``, in row-major order:
    ``(0, 0), (0, 1), ...``; a 0-d tensor has the one index ``()``."""
    return itertools.product(*(range(n) for n in shape))


def _outputs_with(func, inputs, x, index, delta):
    """The outputs of ``func`` (flattened copies of their numbers) with element
    ``index`` of ``x`` moved by ``delta``; ``x`` is restored afterwards.

    The change is made through ``x.data``: the same memory, but its own version
    counter, so graphs already built from ``x`` stay usable (as in PyTorch).
    """
    with no_grad():
        entry = x.data
        original = entry[index].item()
        entry[index] = original + delta
    try:
        return _flat_copies(func(*inputs))
    finally:
        with no_grad():
            entry[index] = original


# ---- the analytical Jacobian: one backward per output element --------------------

def _analytical_jacobians(output, diff_inputs, nondet_tol, check_grad_dtypes):
    """``jacobians[j]``: d output / d input j, built column by column from
    vector-Jacobian products. Computed twice, to catch a backward whose answer
    changes from one run to the next."""
    first, sizes_ok, types_ok = _vjp_columns(output, diff_inputs)
    second, _, _ = _vjp_columns(output, diff_inputs)
    if check_grad_dtypes and not types_ok:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    _check_reentrant(first, second, nondet_tol)
    return first


def _check_reentrant(first, second, nondet_tol):
    """The same backward run twice must give the same gradients (within
    ``nondet_tol``)."""
    for a, b in zip(first, second):
        if a is None or b is None or not a.numel():
            continue
        xp = a._device.xp
        if float(xp.max(xp.abs(a._data - b._data))) > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and "
                "grad_output multiple times gives different values, although analytical "
                f"gradient matches numerical gradient.The tolerance for nondeterminism was "
                f"{nondet_tol}.\n\nNOTE: if your backward is non-deterministic on purpose, "
                "call gradcheck/gradgradcheck with `nondet_tol=<tol>`.")


def _vjp_columns(output, diff_inputs):
    """The Jacobians of ``output``, filled one column (one output element) at a
    time by backpropagating a one-hot ``grad_output``. Inputs the output does
    not use get zero columns."""
    xp = output._device.xp
    n = output.numel()
    jacobians = [xp.zeros((x.numel(), n), x._data.dtype) for x in diff_inputs]
    sizes_ok = types_ok = True
    for column in range(n):
        one_hot = xp.zeros(n, output._data.dtype)
        one_hot[column] = 1
        grad_output = make_tensor(one_hot.reshape(output.shape), output._device)
        grads = grad(output, diff_inputs, grad_output, retain_graph=True, allow_unused=True)
        for jac, x, g in zip(jacobians, diff_inputs, grads):
            if g is None:
                continue
            if g.shape != x.shape:
                sizes_ok = False
                continue
            types_ok = types_ok and g.dtype is x.dtype
            jac[:, column] = g._data.reshape(-1)
    return [make_tensor(jac, output._device) for jac in jacobians], sizes_ok, types_ok


# ---- fast mode: one random projection per Jacobian -------------------------------

def _fast_check(func, inputs, diff_inputs, func_out, eps, atol, rtol, nondet_tol):
    """Compare ``v^T J u`` for random ``u`` (one per input) and ``v`` (one per
    output): two function calls per input and one backward per output, instead
    of one per element. A mismatch is reported with the full Jacobians."""
    positions = [p for p, o in enumerate(func_out) if o.requires_grad]
    us = [_random_like(x) for x in diff_inputs]
    vs = [_random_like(func_out[p]) for p in positions]
    # numerical[j][p] = J u_j for output p: a derivative along the direction u_j.
    numerical = [_directional_derivative(func, inputs, x, u, eps) for x, u in zip(diff_inputs, us)]
    for i, (p, v) in enumerate(zip(positions, vs)):
        grads = _repeatable_vjp(func_out[p], diff_inputs, v, nondet_tol)
        for j, (g, u) in enumerate(zip(grads, us)):
            xp = u._device.xp
            a = float((g._data * u._data).sum()) if g is not None else 0.0
            n = float((numerical[j][p] * v._data.reshape(-1)).sum())
            # atol bounds each element's error, so v^T (error) u by atol * sum|u| * sum|v|.
            tolerance = atol * float(xp.abs(u._data).sum()) * float(xp.abs(v._data).sum())
            if not abs(a - n) <= tolerance + rtol * abs(n):
                raise GradcheckError(_fast_mismatch_message(
                    func, inputs, diff_inputs, func_out, eps, i, j, n, a))


def _directional_derivative(func, inputs, x, u, eps):
    """``(f(x + eps u) - f(x - eps u)) / (2 eps)`` for every output, flattened."""
    with no_grad():
        entry = x.data
        original = entry.clone()
        entry.add_(u, alpha=eps)
    try:
        plus = _flat_copies(func(*inputs))
        with no_grad():
            entry.copy_(original).sub_(u, alpha=eps)
        minus = _flat_copies(func(*inputs))
    finally:
        with no_grad():
            entry.copy_(original)
    return [(hi - lo) / (2 * eps) for hi, lo in zip(plus, minus)]


def _repeatable_vjp(output, diff_inputs, v, nondet_tol):
    """``v^T J`` for every input, computed twice to check it is repeatable."""
    first = grad(output, diff_inputs, v, retain_graph=True, allow_unused=True)
    second = grad(output, diff_inputs, v, retain_graph=True, allow_unused=True)
    if any(g is not None and g.shape != x.shape for g, x in zip(first, diff_inputs)):
        raise GradcheckError("Analytical gradient has incorrect size")
    _check_reentrant(first, second, nondet_tol)
    return first


def _fast_mismatch_message(func, inputs, diff_inputs, func_out, eps, i, j, n, a):
    """PyTorch's fast-mode report: the two projections, then the full
    Jacobians recomputed element by element."""
    p = [q for q, o in enumerate(func_out) if o.requires_grad][i]
    slow_n = _numerical_jacobians(func, inputs, [diff_inputs[j]], func_out, eps)[0][p]
    slow_a = _vjp_columns(func_out[p], [diff_inputs[j]])[0][0]
    xp = slow_a._device.xp
    max_diff = float(xp.max(xp.abs(slow_a._data - slow_n._data))) if slow_a.numel() else 0.0
    return (
        _mismatch_message(i, j, n, a) +
        "\nThe above quantities relating the numerical and analytical jacobians are computed \n"
        "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
        "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
        f"Numerical:\n {slow_n}\nAnalytical:\n{slow_a}\n\n"
        f"The max per-element difference (slow mode) is: {max_diff}.\n")


# ---- mistakes a hand-written backward makes --------------------------------------

def _check_backward_multiplies_grad_output(outputs, diff_inputs):
    """A zero ``grad_output`` must give zero gradients, of each input's shape,
    dtype and device: a backward is linear in ``grad_output``."""
    zeros = [zeros_like(o) for o in outputs]
    grads = grad(outputs, diff_inputs, zeros, allow_unused=True)
    for g, x in zip(grads, diff_inputs):
        if g is None:
            continue
        if not _all_zero(g):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype is not x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.device != x.device:
            raise GradcheckError("grad is incorrect device")
        if g.shape != x.shape:
            raise GradcheckError("grad is incorrect size")


class UndefinedGradBackward(Node):
    """Passes no gradient on (``None``): what a node sees for an output that
    took no part in the loss, PyTorch's "undefined" gradient."""
    __slots__ = ()

    def backward(self, grad):
        return None


def _undefined_grad(t):
    """``t`` again, but whatever gradient reaches it is turned into None."""
    out = make_tensor(t._data, t._device)
    return attach(out, UndefinedGradBackward((edge_to(t),)))


def _check_undefined_grad(func, inputs, diff_inputs):
    """Backward must cope with None for some or all output gradients, and then
    give None or zeros."""
    outputs = _differentiable(_tensors(func(*inputs)))
    cases = [[_undefined_grad(o) for o in outputs]]
    if len(outputs) > 1:        # also one undefined output at a time
        for k in range(len(outputs)):
            fresh = _differentiable(_tensors(func(*inputs)))
            cases.append([_undefined_grad(o) if i == k else o for i, o in enumerate(fresh)])
    for case in cases:
        try:
            grads = grad(case, diff_inputs, [zeros_like(o) for o in case], allow_unused=True)
        except (RuntimeError, TypeError) as e:      # TypeError: None * grad in Python
            raise GradcheckError(
                "Expected backward function to handle undefined output grads. A backward "
                "receives None for an output that is not used; treat it as zeros.") from e
        if any(g is not None and not _all_zero(g) for g in grads):
            raise GradcheckError(
                "Expected all input grads to be undefined or zero when all output grads are "
                "undefined or zero.")


# ---- small helpers -----------------------------------------------------------------

def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _tensors(out):
    """A function's result as a tuple of its tensors (other values are skipped)."""
    return tuple(o for o in _as_tuple(out) if isinstance(o, Tensor))


def _differentiable(outputs):
    return tuple(o for o in outputs if o.requires_grad)


def _all_zero(t):
    return not bool(t._data.any())


def _random_like(t):
    """Uniform numbers in [-1, 1) of ``t``'s shape and device (float64 for a non-float ``t``)."""
    dtype = t.dtype if t.is_floating_point() else dtypes.float64
    with no_grad():
        return rand(t.shape, dtype=dtype, device=t.device) * 2 - 1
