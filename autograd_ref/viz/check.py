"""``check_grad``: check a derivative numerically, the way a learner should check every new rule.

    >>> check_grad(lambda x: x.sin(), tensor([0.5, 1.0]))
    input 0: autograd [0.8776, 0.5403]   finite differences [0.8776, 0.5403]   largest gap 1.4e-10: ok
    True

The function's output is summed (so any output shape works: the numbers checked are J^T 1), the inputs are
copied to float64, and each element moves by ``+eps`` and ``-eps`` for a central difference. For the full
Jacobian, with PyTorch's rules and messages, use ``autograd.gradcheck``.
"""
from ..autograd import grad
from ..autograd.grad_mode import no_grad
from ..dtypes import float64


def check_grad(fn, *inputs, eps=1e-6, tolerance=1e-5, quiet=False):
    """Compare the gradient autograd gives for ``fn(*inputs).sum()`` with central finite differences, print
    one line per input (unless ``quiet``), and return whether they agree within ``tolerance`` (relative to
    the size of the numbers, at least 1)."""
    xs = [x.detach().to(float64).requires_grad_() for x in inputs]
    out = fn(*xs)
    if not out.requires_grad:
        raise ValueError("fn's output does not depend on its inputs through autograd: nothing to check "
                         "(did fn call .detach(), .item() or numpy?)")
    analytic = grad(out.sum(), xs, allow_unused=True)
    agree = True
    for k, (x, a) in enumerate(zip(xs, analytic)):
        numeric = _finite_differences(fn, xs, k, eps)
        a = numeric * 0 if a is None else a.detach()
        gap = (a - numeric).abs().max().item() if x.numel() else 0.0
        scale = max(1.0, numeric.abs().max().item() if x.numel() else 0.0)
        ok = gap <= tolerance * scale
        agree = agree and ok
        if not quiet:
            print(f"input {k}: autograd {_short(a)}   finite differences {_short(numeric)}   "
                  f"largest gap {gap:.2g}: {'ok' if ok else 'MISMATCH'}")
    return agree


def _finite_differences(fn, xs, k, eps):
    """d sum(fn) / d xs[k], one element at a time."""
    x = xs[k]
    result = x.detach().clone()
    flat_result = result.reshape(-1)
    with no_grad():
        flat = x.detach().reshape(-1)
        base = [v.detach() for v in xs]
        for i in range(flat.numel()):
            moved = []
            for sign in (1, -1):
                changed = flat.clone()
                changed[i] = changed[i] + sign * eps
                args = list(base)
                args[k] = changed.reshape(x.shape)
                moved.append(fn(*args).sum().item())
            flat_result[i] = (moved[0] - moved[1]) / (2 * eps)
    return result


def _short(t):
    values = [round(v, 4) for v in t.reshape(-1).tolist()]
    return str(values if len(values) <= 6 else values[:6] + ["..."]).replace("'...'", "...")
