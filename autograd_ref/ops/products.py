"""Products beyond a matrix times a matrix: batched and accumulated products (``baddbmm``, ``addbmm``,
``addmv``, ``addr``), contractions over chosen dimensions (``tensordot``) and distances between sets of points
(``cdist``). Each forward beside its backward node, named as PyTorch names it.

Also the top-level names PyTorch keeps for ``torch.linalg`` functions (``torch.det``, ``torch.inverse``,
``torch.svd``...): thin wrappers that import ``autograd_ref.linalg`` when called (it is loaded after ops).

    >>> addmv(tensor([1., 1.]), eye(2), tensor([2., 3.]))
    tensor([3., 4.])
"""
import math
import warnings

from ..autograd.graph import Node, edge_to
from ..tensor import make_tensor
from .common import _fw, _state, attach, check_broadcastable, normalize_dim, reconnect, reduce_to
from .linalg import _shape_str, outer
from .shape import permute, reshape

__all__ = ["baddbmm", "addbmm", "addmv", "addr", "ger", "tensordot", "cdist", "chain_matmul",
           "det", "logdet", "slogdet", "inverse", "cholesky", "qr", "svd", "pinverse", "matrix_power"]


def _record(node_cls, inputs, out, saved=(), **attrs):
    """Attach a ``node_cls`` to ``out`` when an input is recorded; ``saved`` kept for its backward."""
    if _state.enabled and any(t._requires_grad for t in inputs) or _fw.active:
        node = node_cls(tuple(edge_to(t) for t in inputs))
        node.save_for_backward(*saved)
        for name, value in attrs.items():
            setattr(node, name, value)
        attach(out, node)
    return out


def _expand_check(shape, target):
    """PyTorch's error when the ``input`` of an add-product cannot be expanded to the product's shape."""
    for i in range(1, len(shape) + 1):
        if i > len(target) or (shape[-i] != 1 and shape[-i] != target[-i]):
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-i] if i <= len(target) else -1}) must match the "
                f"existing size ({shape[-i]}) at non-singleton dimension {len(target) - i}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(shape)}")


class _AddProductBackward(Node):
    """``beta * input + alpha * P(a, b)``: the input's gradient is ``beta * grad`` summed back to its shape;
    the factors' come from the product rule of P, each scaled by ``alpha``."""
    SAVED = ("batch1", "batch2")

    def backward(self, grad):
        a, b = self.saved_tensors
        ga, gb = self.factor_grads(grad, a, b)
        return reduce_to(grad * self.beta, self.shape), ga * self.alpha, gb * self.alpha


class BaddbmmBackward0(_AddProductBackward):
    """P = a @ b per batch: ga = g b^T, gb = a^T g."""

    def factor_grads(self, grad, a, b):
        return grad.bmm(b.transpose(1, 2)), a.transpose(1, 2).bmm(grad)


class AddbmmBackward0(_AddProductBackward):
    """P = sum over the batch of a[i] @ b[i]: every a[i] sees the same g, ga[i] = g b[i]^T, gb[i] = a[i]^T g."""

    def factor_grads(self, grad, a, b):
        g = grad.unsqueeze(0).expand(a.shape[0], *grad.shape)
        return g.bmm(b.transpose(1, 2)), a.transpose(1, 2).bmm(g)


class AddmvBackward0(_AddProductBackward):
    """P = M v: gM = outer(g, v), gv = M^T g."""
    SAVED = ("mat", "vec")

    def factor_grads(self, grad, mat, vec):
        return outer(grad, vec), mat.t().mv(grad)


class AddrBackward0(_AddProductBackward):
    """P = outer(u, v): gu = g v, gv = g^T u."""
    SAVED = ("vec1", "vec2")

    def factor_grads(self, grad, u, v):
        return grad.mv(v), grad.t().mv(u)


def _add_product(node_cls, input, a, b, beta, alpha, value):
    xp = input._device.xp
    value = value * alpha if alpha != 1 else value
    if beta != 0:
        value = value + (input._data * beta if beta != 1 else input._data)
    out = make_tensor(xp.asarray(value).astype(a._data.dtype), input._device)
    return _record(node_cls, (input, a, b), out, (a, b), beta=beta, alpha=alpha, shape=input.shape)


def _check_batches(batch1, batch2):
    """PyTorch reads dim 2 of each batch first: a 2-D one fails there, with the usual IndexError."""
    for t in (batch1, batch2):
        if t.dim() != 3:
            normalize_dim(2, t.dim())
            raise RuntimeError(f"expected 3D tensor, got {t.dim()}D")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices (``(b, n, m) @ (b, m, p)``),
    ``input`` broadcast to ``(b, n, p)``.

        >>> baddbmm(zeros(2, 1, 1), ones(2, 1, 3), ones(2, 3, 1), alpha=2).flatten()
        tensor([6., 6.])
    """
    _check_batches(batch1, batch2)
    if batch1.shape[0] != batch2.shape[0] or batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch1.shape[0]}, {batch1.shape[2]}] but got: [{batch2.shape[0]}, {batch2.shape[1]}].")
    target = (batch1.shape[0], batch1.shape[1], batch2.shape[2])
    _expand_check(input.shape, target)
    value = input._device.xp.matmul(batch1._data, batch2._data)
    return _add_product(BaddbmmBackward0, input, batch1, batch2, beta, alpha, value)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]``: the batch of products, summed.

        >>> addbmm(zeros(1, 1), ones(2, 1, 3), ones(2, 3, 1))
        tensor([[6.]])
    """
    _check_batches(batch1, batch2)
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")
    _expand_check(input.shape, (batch1.shape[1], batch2.shape[2]))
    value = input._device.xp.matmul(batch1._data, batch2._data).sum(0)
    return _add_product(AddbmmBackward0, input, batch1, batch2, beta, alpha, value)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``, a matrix times a vector added to ``input``.

        >>> addmv(tensor([1., 1.]), eye(2), tensor([2., 3.]))
        tensor([3., 4.])
    """
    if mat.dim() != 2 or vec.dim() != 1 or input.dim() > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.dim()}, {mat.dim()}, {vec.dim()}")
    if mat.shape[1] != vec.shape[0] or (input.dim() == 1 and input.shape[0] not in (1, mat.shape[0])):
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.dim() else 1}), mat "
                           f"({_shape_str(mat)}), vec ({vec.shape[0]})")
    value = mat._data @ vec._data
    return _add_product(AddmvBackward0, input, mat, vec, beta, alpha, value)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)``.

        >>> addr(zeros(2, 2), tensor([1., 2.]), tensor([1., 10.]))
        tensor([[ 1., 10.], [ 2., 20.]])
    """
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.dim()}-D")
    _expand_check(input.shape, (vec1.shape[0], vec2.shape[0]))
    value = vec1._data[:, None] * vec2._data[None, :]
    return _add_product(AddrBackward0, input, vec1, vec2, beta, alpha, value)


def ger(input, vec2):
    """The outer product of two vectors: PyTorch's old name for ``outer``.

        >>> ger(tensor([1., 2.]), tensor([1., 10.]))
        tensor([[ 1., 10.], [ 2., 20.]])
    """
    return outer(input, vec2)


# ---- tensordot ----------------------------------------------------------------------------------------

def tensordot(a, b, dims=2):
    """Sum of products over chosen dims: the last ``dims`` of ``a`` with the first ``dims`` of ``b``, or the
    listed pairs ``([dims of a], [dims of b])``. Composed, as in PyTorch, of a permute, a reshape and one mm.

        >>> tensordot(ones(2, 3), ones(3, 4), dims=1).shape
        autograd_ref.Size([2, 4])
    """
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.dim() - dims, a.dim())), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
    dims_a = [d % a.dim() for d in dims_a]
    dims_b = [d % b.dim() for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                               f"{da - a.dim()} and second has size {b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.dim()) if d not in dims_a]
    free_b = [d for d in range(b.dim()) if d not in dims_b]
    k = math.prod(a.shape[d] for d in dims_a)
    left = reshape(permute(a, free_a + dims_a), (-1, k))
    right = reshape(permute(b, dims_b + free_b), (k, -1))
    return reshape(left.mm(right), [a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])


# ---- cdist --------------------------------------------------------------------------------------------

class CdistBackward0(Node):
    """d_ij = ||x1_i - x2_j||_p with diff = x1_i - x2_j. Its derivative in diff:
    p = 2: diff / d;  p = 1: sign(diff);  p = inf: sign(diff) where |diff| is largest;  p = 0: none;
    other p: diff |diff|^(p-2) / d^(p-1)  (0 where d = 0). gx1_i = sum_j g_ij dd/ddiff, gx2_j = -sum_i ..."""
    SAVED = ("x1", "x2", "result")

    def backward(self, grad):
        x1, x2, d = self.saved_tensors
        d = reconnect(d, self)
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)          # (..., P, R, M)
        dist = d.unsqueeze(-1)
        p = self.p
        if p == 0:
            scale = diff * 0
        elif p == 1:
            scale = diff.sign()
        elif p == float("inf"):
            scale = diff.sign() * (diff.abs() == dist)
        else:
            from .pointwise import where
            safe = where(dist == 0, 1.0, dist)
            power = diff if p == 2 else diff * diff.abs() ** (p - 2)
            scale = where(dist == 0, 0.0, power / safe ** (p - 1))
        g = grad.unsqueeze(-1) * scale
        return reduce_to(g.sum(-2), self.shapes[0]), reduce_to(-g.sum(-3), self.shapes[1])


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The ``p``-norm distance between every row of ``x1`` (``(..., P, M)``) and every row of ``x2``
    (``(..., R, M)``): a ``(..., P, R)`` tensor. ``compute_mode`` is accepted; distances are always exact.

        >>> cdist(tensor([[0., 0.]]), tensor([[3., 4.], [1., 0.]]))
        tensor([[5., 1.]])
    """
    if x1.dim() < 2 or x2.dim() < 2:
        which, t = ("X1", x1) if x1.dim() < 2 else ("X2", x2)
        raise RuntimeError(f"cdist only supports at least 2D tensors, {which} got: {t.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for which, t in (("X1", x1), ("X2", x2)):
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {which} got: {t.dtype.legacy_name[:-6]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    check_broadcastable(x1.shape[:-2], x2.shape[:-2])
    xp = x1._device.xp
    a = xp.abs(x1._data[..., :, None, :] - x2._data[..., None, :, :])
    if p == 0:
        value = (a != 0).sum(-1)
    elif p == float("inf"):
        value = a.max(-1) if a.shape[-1] else a.sum(-1)
    elif p == 1:
        value = a.sum(-1)
    elif p == 2:
        value = xp.sqrt((a * a).sum(-1))
    else:
        value = (a ** p).sum(-1) ** (1 / p)
    out = make_tensor(xp.asarray(value).astype(x1._data.dtype), x1._device)
    return _record(CdistBackward0, (x1, x2), out, (x1, x2, out.detach()), p=float(p), shapes=(x1.shape, x2.shape))


def chain_matmul(*matrices):
    """The product of two or more matrices (deprecated by PyTorch for ``linalg.multi_dot``).

        >>> chain_matmul(eye(2), ones(2, 3), ones(3, 1))
        tensor([[3.], [3.]])
    """
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1:
        return matrices[0].clone()
    from .. import linalg
    return linalg.multi_dot(matrices)


# ---- torch-level names of linalg functions ------------------------------------------------------------
# autograd_ref.linalg is imported after ops: each wrapper finds it when called.

def _linalg():
    from .. import linalg
    return linalg


def det(input):
    """``linalg.det``: the determinant.

        >>> det(tensor([[2., 1.], [1., 3.]]))
        tensor(5.)
    """
    return _linalg().det(input)


def logdet(input):
    """The log of the determinant: ``slogdet``'s log where the sign is positive, NaN where it is negative
    (-inf for a singular matrix), as PyTorch composes it (its node is a WhereBackward0).

        >>> logdet(tensor([[2., 0.], [0., 3.]]))
        tensor(1.7918)
    """
    from .pointwise import where
    if input.dim() >= 2 and input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"logdet: A must be batches of square matrices, but they are {input.shape[-2]} by "
                           f"{input.shape[-1]} matrices")
    sign, logabsdet = _linalg().slogdet(input)
    return where(sign < 0, float("nan"), logabsdet)


def slogdet(input):
    """``linalg.slogdet``: ``(sign, logabsdet)`` of the determinant.

        >>> slogdet(tensor([[-2., 0.], [0., 3.]])).sign
        tensor(-1.)
    """
    la = _linalg()
    return la.RETURN_TYPES["slogdet"](*la.slogdet(input))


def inverse(input):
    """``linalg.inv``: the inverse of a square matrix.

        >>> inverse(tensor([[2., 0.], [0., 4.]]))
        tensor([[0.5000, 0.0000], [0.0000, 0.2500]])
    """
    return _linalg().inv(input)


def cholesky(input, upper=False):
    """``linalg.cholesky`` under its old name, which PyTorch deprecates (with a warning).

        >>> cholesky(tensor([[4., 2.], [2., 5.]]))
        tensor([[2., 0.], [1., 2.]])
    """
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.", UserWarning, stacklevel=2)
    return _linalg().cholesky(input, upper=upper)


def qr(input, some=True):
    """``linalg.qr`` under its old name (``some=False`` is mode 'complete'), deprecated by PyTorch.

        >>> Q, R = qr(eye(2))
        >>> R.abs()
    """
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.", UserWarning, stacklevel=2)
    la = _linalg()
    return la.RETURN_TYPES["qr"](*la.qr(input, "reduced" if some else "complete"))


def svd(input, some=True, compute_uv=True):
    """The old SVD: ``(U, S, V)`` with V, not Vh (``A = U diag(S) V^T``); ``some=False`` gives full matrices.
    Without ``compute_uv``, U and V are zeros.

        >>> svd(tensor([[3., 0.], [0., -2.]])).S
        tensor([3., 2.])
    """
    la = _linalg()
    if not compute_uv:
        from ..creation import zeros
        m, n = input.shape[-2:]
        S = la.svdvals(input)
        U = zeros(*input.shape[:-2], m, m if not some else min(m, n), dtype=input.dtype)
        V = zeros(*input.shape[:-2], n, n if not some else min(m, n), dtype=input.dtype)
        return la.RETURN_TYPES["svd"](U, S, V)
    U, S, Vh = la.svd(input, full_matrices=not some)
    return la.RETURN_TYPES["svd"](U, S, Vh.mT)


def pinverse(input, rcond=1e-15):
    """``linalg.pinv`` with ``rtol=rcond``.

        >>> pinverse(tensor([[2., 0.], [0., 0.]]))
        tensor([[0.5000, 0.0000], [0.0000, 0.0000]])
    """
    return _linalg().pinv(input, rtol=rcond)


def matrix_power(input, n):
    """``linalg.matrix_power``: ``input`` multiplied by itself ``n`` times.

        >>> matrix_power(tensor([[1., 1.], [0., 1.]]), 3)
        tensor([[1., 3.], [0., 1.]])
    """
    return _linalg().matrix_power(input, n)


# Tensor methods (``x.addmv(...)``): name -> function.
METHODS = {
    "baddbmm": baddbmm, "addbmm": addbmm, "addmv": addmv, "addr": addr, "ger": ger,
    "det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inverse, "cholesky": cholesky, "qr": qr,
    "svd": svd, "pinverse": pinverse, "matrix_power": matrix_power,
}
