"""``torch.linalg``: linear algebra on matrices and batches of matrices, differentiable.

Each decomposition's forward (one call to numpy's or CuPy's LAPACK) sits beside its backward node, named
as PyTorch names it. Every backward is written with differentiable tensor operations (``inv``, ``solve``,
``@``, ``tril``), so ``create_graph=True`` differentiates it again and forward mode comes for free. Where
a node saved its own outputs, ``reconnect`` joins them to the node again for higher derivatives.

Notation in the formulas: ``gX`` is the gradient arriving for output ``X``, ``A^T`` the transpose of the
last two dims, ``<X, Y> = sum(X * Y)``.

    >>> import autograd_ref as torch
    >>> torch.linalg.det(torch.eye(2))
    tensor(1.)
"""
import collections
import numbers

from .autograd.grad_mode import no_grad as _no_grad
from .autograd.graph import Node, edge_to
from .ops.common import _fw, _state, attach, reconnect, reduce_to
from .ops.linalg import _linalg_cross, diagonal, matmul, tril
from .ops.reduction import amax, amin, norm as _vector_norm_p
from .ops.shape import cat, movedim, unsqueeze
from .tensor import make_tensor

__all__ = ["LinAlgError", "det", "slogdet", "inv", "solve", "norm", "vector_norm", "matrix_norm", "cholesky",
           "qr", "eigh", "eigvalsh", "svd", "svdvals", "matrix_power", "pinv", "cross", "multi_dot", "matmul",
           "diagonal"]


class _LinAlgError(RuntimeError):
    """A matrix that the algorithm cannot handle (singular, not positive-definite); PyTorch's type."""


LinAlgError = _LinAlgError

# The named tuples PyTorch returns (``torch.return_types.linalg_qr``), by name: their fields.
_FIELDS = {"linalg_slogdet": "sign logabsdet", "slogdet": "sign logabsdet", "linalg_qr": "Q R", "qr": "Q R",
           "linalg_eigh": "eigenvalues eigenvectors", "linalg_svd": "U S Vh", "svd": "U S V"}
RETURN_TYPES = {name: collections.namedtuple(name, fields) for name, fields in _FIELDS.items()}


# ---- checks and recording ----------------------------------------------------------------------------

def _check_matrix(A, fname, square=True, float_only=True):
    """PyTorch's refusals of a non-matrix, a non-square matrix and an integer tensor."""
    if A.dim() < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{fname}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if float_only and A._data.dtype.kind != "f":
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. "
                           f"Got {A.dtype.legacy_name[:-6]}")


def _record(node_cls, inputs, outputs, saved=(), **attrs):
    """Attach one ``node_cls`` to ``outputs`` (output i is output_nr i), saving ``saved`` for its backward,
    when grad mode records an input (or a dual level is open). Returns ``outputs``."""
    if not (_state.enabled and any(t._requires_grad for t in inputs) or _fw.active):
        return outputs
    node = node_cls(tuple(edge_to(t) for t in inputs))
    node.num_outputs = len(outputs)
    node.save_for_backward(*saved)
    for name, value in attrs.items():
        setattr(node, name, value)
    for i, out in enumerate(outputs):
        attach(out, node, i)
    return outputs


def _new(array, like):
    return make_tensor(array, like._device)


def _batch_prefix(data, bad):
    """``'(Batch element 3): '`` for the first bad matrix of a batch (PyTorch's prefix), '' for one matrix."""
    if data.ndim == 2:
        return ""
    flat = bad.reshape(-1)
    return f"(Batch element {int(flat.argmax())}): "


def _zero_pivot(matrix, xp):
    """The 1-based index of the first zero pivot of an LU factorization with partial pivoting (LAPACK's
    getrf), which PyTorch names when a matrix is singular; 0 if there is none."""
    a = xp.array(matrix, dtype=xp.float64)
    n = a.shape[0]
    for k in range(n):
        p = k + int(xp.abs(a[k:, k]).argmax())
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:] -= xp.outer(a[k + 1:, k] / a[k, k], a[k])
    return 0


def _check_invertible(A, fname):
    xp = A._device.xp
    data = A._data.reshape((-1,) + A.shape[-2:])
    pivots = xp.array([_zero_pivot(m, xp) for m in data])
    if pivots.any():
        k = int(pivots[pivots > 0][0])
        raise _LinAlgError(f"{fname}: {_batch_prefix(A._data, pivots > 0)}The diagonal element {k} is zero, the "
                           "inversion could not be completed because the input matrix is singular.")


def _eye_like(A):
    xp = A._device.xp
    n = A.shape[-1]
    return _new(xp.broadcast_to(xp.eye(n, dtype=A._data.dtype), A.shape).copy(), A)


def _diag_embed(v):
    """A batch of diagonal matrices with ``v``'s last dim on their diagonals (differentiable)."""
    return unsqueeze(v, -1) * _eye_like(unsqueeze(v, -1).expand(*v.shape, v.shape[-1]))


# ---- determinants -----------------------------------------------------------------------------------

class LinalgDetBackward0(Node):
    """d det(A) = det(A) tr(A^{-1} dA), so gA = g det(A) A^{-T}.
    (A singular matrix has no inverse: there PyTorch goes through an SVD, this engine gives inf/nan.)"""
    SAVED = ("A", "result")

    def backward(self, grad):
        A, d = self.saved_tensors
        d = reconnect(d, self)
        return unsqueeze(unsqueeze(grad * d, -1), -1) * inv(A).mT


def det(A):
    """The determinant of a square matrix, or of each in a batch.

        >>> det(tensor([[2., 1.], [1., 3.]]))
        tensor(5.)
    """
    _check_matrix(A, "linalg.det")
    out = _new(A._device.xp.linalg.det(A._data), A)
    return _record(LinalgDetBackward0, (A,), (out,), (A, out.detach()))[0]


class LinalgSlogdetBackward0(Node):
    """``(sign, log|det A|)``: only the log is differentiable, d log|det A| = tr(A^{-1} dA),
    so gA = g_logabsdet A^{-T}."""
    SAVED = ("A",)

    def backward(self, grad_sign, grad_logabsdet):
        (A,) = self.saved_tensors
        if grad_logabsdet is None:
            return None
        return unsqueeze(unsqueeze(grad_logabsdet, -1), -1) * inv(A).mT


def slogdet(A):
    """The sign of the determinant and the log of its absolute value: ``(sign, logabsdet)``, which stays
    finite where the determinant itself would overflow or underflow.

        >>> slogdet(tensor([[-2., 0.], [0., 3.]]))
        torch.return_types.linalg_slogdet(sign=tensor(-1.), logabsdet=tensor(1.7918))
    """
    _check_matrix(A, "linalg.slogdet")
    sign, logabs = A._device.xp.linalg.slogdet(A._data)
    outs = _record(LinalgSlogdetBackward0, (A,), (_new(sign, A), _new(logabs, A)), (A,))
    return RETURN_TYPES["linalg_slogdet"](*outs)


# ---- inverse and solve ------------------------------------------------------------------------------

class LinalgInvExBackward0(Node):
    """d(A^{-1}) = -A^{-1} dA A^{-1}, so gA = -A^{-T} g A^{-T}."""
    SAVED = ("inverse",)

    def backward(self, grad):
        (inverse,) = self.saved_tensors
        inverse = reconnect(inverse, self).mT
        return -(inverse @ grad @ inverse)


def inv(A):
    """The inverse of a square matrix (of each in a batch); a singular one raises ``LinAlgError``.

        >>> inv(tensor([[2., 0.], [0., 4.]]))
        tensor([[0.5000, 0.0000], [0.0000, 0.2500]])
    """
    _check_matrix(A, "linalg.inv")
    xp = A._device.xp
    try:
        out = _new(xp.linalg.inv(A._data), A)
    except xp.linalg.LinAlgError:
        _check_invertible(A, "linalg.inv")
        raise
    return _record(LinalgInvExBackward0, (A,), (out,), (out.detach(),))[0]


class LinalgSolveExBackward0(Node):
    """X = A^{-1} B: dX = A^{-1} (dB - dA X), so gB = A^{-T} g and gA = -gB X^T (each summed back over
    batch dims that broadcasting added). With ``left=False``, X = B A^{-1}: gB = g A^{-T}, gA = -X^T gB."""
    SAVED = ("A", "result")

    def backward(self, grad):
        A, X = self.saved_tensors
        X = reconnect(X, self)
        if not self.left:                   # X A = B: gB = g A^{-T}, gA = -X^T gB
            gB = solve(A.mT, grad, left=False)
            return reduce_to(-(X.mT @ gB), self.shapes[0]), reduce_to(gB, self.shapes[1])
        gB = solve(A.mT, grad)
        if self.vector:
            gA = -unsqueeze(gB, -1) * unsqueeze(X, -2)
        else:
            gA = -(gB @ X.mT)
        return reduce_to(gA, self.shapes[0]), reduce_to(gB, self.shapes[1])


def solve(A, B, *, left=True):
    """The solution ``X`` of ``A X = B`` (of ``X A = B`` with ``left=False``), for a square ``A``; ``B`` is a
    vector (or batch of them) when it has one dim less than ``A``, else a matrix.

        >>> solve(tensor([[2., 0.], [0., 4.]]), tensor([2., 2.]))
        tensor([1.0000, 0.5000])
    """
    _check_matrix(A, "linalg.solve", float_only=False)
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{A.dtype.legacy_name[:-6]} and B of type {B.dtype.legacy_name[:-6]} instead")
    vector = left and (B.dim() == 1 or (B.dim() == A.dim() - 1 and B.shape == A.shape[:-1]))
    rows, cols = (B.shape[-1], 1) if vector else B.shape[-2:] if left else B.shape[-2:][::-1]
    if rows != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and {rows}x{cols})")
    xp = A._device.xp
    a, b = (A._data, B._data) if left else (xp.swapaxes(A._data, -1, -2), xp.swapaxes(B._data, -1, -2))
    try:                                    # X A = B is A^T X^T = B^T
        x = xp.linalg.solve(a, b[..., None] if vector else b)
    except xp.linalg.LinAlgError:
        raise _LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
    out = _new(x[..., 0] if vector else x if left else xp.swapaxes(x, -1, -2).copy(), A)
    return _record(LinalgSolveExBackward0, (A, B), (out,), (A, out.detach()), vector=vector, left=left,
                   shapes=(A.shape, B.shape))[0]


# ---- norms ------------------------------------------------------------------------------------------

_INF = float("inf")


class _ZeroGradient(Node):
    """An output that depends on its input only through a step (a count, a constant): zero gradient."""

    def backward(self, grad):
        return grad.new_zeros(self.shape)


class LinalgVectorNormBackward0(_ZeroGradient):
    """``ord=0``: the count of non-zeros, piecewise constant."""


class CopyBackwards(_ZeroGradient):
    """``matrix_power(A, 0)``: the identity, copied into a tensor that is part of the graph."""


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):      # noqa: A002 - PyTorch's name
    """The vector ``ord``-norm of all elements, or along ``dim`` (an int or a tuple): ``sum(|x|^ord)^(1/ord)``,
    ``max|x|`` for inf, ``min|x|`` for -inf, the count of non-zeros for 0.

        >>> vector_norm(tensor([3., -4.]), 1)
        tensor(7.)
    """
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {x.dtype.legacy_name[:-6]}")
    if dtype is not None:
        x = x.to(dtype)
    dims = () if dim is None else dim
    if ord == -_INF:
        return amin(x.abs(), dims, keepdim)
    if ord == 0:
        with _no_grad():
            count = (x != 0).to(x.dtype).sum(dim, keepdim=keepdim) if dim is not None else (x != 0).to(x.dtype).sum()
        return _record(LinalgVectorNormBackward0, (x,), (count,), shape=x.shape)[0]
    return _vector_norm_p(x, ord, dim, keepdim)


def _matrix_dims(A, dim):
    if not (isinstance(dim, (tuple, list)) and len(dim) == 2):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim if isinstance(dim, int) else ' '.join(map(str, dim))}")
    d0, d1 = (d % A.dim() for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):   # noqa: A002
    """A matrix norm over the two dims ``dim``: 'fro' (root of the sum of squares), 'nuc' (sum of the
    singular values), 2 / -2 (largest / smallest singular value), 1 / -1 (largest / smallest column sum of
    ``|A|``), inf / -inf (largest / smallest row sum). Each is built from differentiable operations.

        >>> matrix_norm(tensor([[1., -2.], [3., 4.]]), 1)
        tensor(6.)
    """
    _check_matrix(A, "linalg.matrix_norm", square=False, float_only=False)
    d0, d1 = _matrix_dims(A, dim)
    if ord not in ("fro", "nuc", 1, -1, 2, -2, _INF, -_INF):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if A._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. "
                           f"Got {A.dtype.legacy_name[:-6]}")
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord not in ("nuc", 2, -2):               # 1: column sums (over rows); inf: row sums (over columns)
        d_sum, d_max = (d0, d1) if abs(ord) == 1 else (d1, d0)
        sums = A.abs().sum(d_sum, keepdim=keepdim)
        d_max -= 0 if keepdim or d_sum > d_max else 1
        return amax(sums, d_max, keepdim) if ord > 0 else amin(sums, d_max, keepdim)
    s = svdvals(movedim(A, (d0, d1), (-2, -1)))
    out = s.sum(-1) if ord == "nuc" else (amax(s, -1) if ord == 2 else amin(s, -1))
    if keepdim:
        for d in sorted((d0, d1)):
            out = unsqueeze(out, d)
    return out


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):      # noqa: A002
    """A vector norm or a matrix norm, chosen as PyTorch chooses: by ``dim`` (an int: vector, a 2-tuple:
    matrix), else by ``A``'s dims when ``ord`` is given; with neither, the 2-norm of all elements.

        >>> norm(tensor([[3., 4.], [0., 0.]]))
        tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.dim() == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.dim() == 1 and isinstance(ord, str):
        return matrix_norm(A, ord)               # PyTorch's error: a string order needs a matrix
    if A.dim() != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.dim()}D.")
    return vector_norm(A, ord, None, keepdim, dtype=dtype)


# ---- Cholesky ---------------------------------------------------------------------------------------

def _phi(X):
    """The lower triangle of X with its diagonal halved."""
    return tril(X) - 0.5 * _diag_embed(diagonal(X, 0, -2, -1))


class LinalgCholeskyExBackward0(Node):
    """A = L L^T. From dA = dL L^T + L dL^T: L^{-1} dA L^{-T} = Phi^{-1}... in short dL = L Phi(L^{-1} dA L^{-T}),
    Phi = lower triangle with a halved diagonal. Its adjoint: gA = L^{-T} Phi(L^T gL) L^{-1}, made symmetric
    ((X + X^T) / 2), as only the symmetric part of A is an input. With ``upper=True`` the output is U = L^T."""
    SAVED = ("L",)

    def backward(self, grad):
        (L,) = self.saved_tensors
        L = reconnect(L, self)
        if self.upper:                      # the output was U = L^T: turn both into the lower factor's
            L, grad = L.mT, grad.mT
        L_inv = inv(L)
        gA = L_inv.mT @ _phi(L.mT @ grad) @ L_inv
        return 0.5 * (gA + gA.mT)


def _not_positive_definite(A, fname):
    xp = A._device.xp
    data = A._data.reshape((-1,) + A.shape[-2:])
    for b, m in enumerate(data):
        for k in range(1, m.shape[0] + 1):
            try:
                xp.linalg.cholesky(m[:k, :k])
            except xp.linalg.LinAlgError:
                where = "" if A.dim() == 2 else f"(Batch element {b}): "
                return _LinAlgError(f"{fname}: {where}The factorization could not be completed because the input "
                                    f"is not positive-definite (the leading minor of order {k} is not "
                                    "positive-definite).")
    return _LinAlgError(f"{fname}: The factorization could not be completed.")


def cholesky(A, *, upper=False):
    """The Cholesky factor of a symmetric positive-definite matrix: lower ``L`` with ``A = L L^T`` (or
    ``U = L^T`` with ``upper=True``). Only the lower triangle of ``A`` is read.

        >>> cholesky(tensor([[4., 2.], [2., 5.]]))
        tensor([[2., 0.], [1., 2.]])
    """
    _check_matrix(A, "linalg.cholesky")
    xp = A._device.xp
    lower = xp.tril(A._data)
    try:
        L = xp.linalg.cholesky(lower + xp.swapaxes(xp.tril(A._data, -1), -1, -2))
    except xp.linalg.LinAlgError:
        raise _not_positive_definite(A, "linalg.cholesky") from None
    out = _new(xp.swapaxes(L, -1, -2).copy() if upper else L, A)
    return _record(LinalgCholeskyExBackward0, (A,), (out,), (out.detach(),), upper=upper)[0]


# ---- QR ---------------------------------------------------------------------------------------------

class LinalgQrBackward0(Node):
    """A = QR with Q^T Q = I and R upper triangular. For m >= n (tall A): with X = Q^T dA R^{-1}, the
    skew part C = Q^T dQ = tril(X, -1) - tril(X, -1)^T and dR = (X - C) R. Collecting <gQ, dQ> + <gR, dR>:

        M  = Q^T gQ - gR R^T
        gA = [gQ + Q (tril(M - M^T, -1) - M)] R^{-T}

    For m < n (wide A = [A1 A2], Q and R1 from A1, R2 = Q^T A2): gA2 = Q gR2, and A1 takes the square
    formula with gQ + A2 gR2^T in place of gQ."""
    SAVED = ("Q", "R")

    def backward(self, gQ, gR):
        Q, R = self.saved_tensors
        if self.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        m, n = self.shape[-2:]
        if self.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        Q, R = reconnect(Q, self, 0), reconnect(R, self, 1)
        gQ = gQ if gQ is not None else Q * 0
        gR = gR if gR is not None else R * 0
        if m >= n:
            return _qr_tall_grad(Q, R, gQ, gR)
        A2 = Q @ R[..., m:]                 # rebuilt from the outputs, so that it differentiates again
        gQ = gQ + A2 @ gR[..., m:].mT
        return cat([_qr_tall_grad(Q, R[..., :m], gQ, gR[..., :m]), Q @ gR[..., m:]], -1)


def _qr_tall_grad(Q, R, gQ, gR):
    M = Q.mT @ gQ - gR @ R.mT
    inner = gQ + Q @ (tril(M - M.mT, -1) - M)
    return solve(R, inner.mT).mT             # inner R^{-T}


def qr(A, mode="reduced"):
    """The QR decomposition ``A = Q R``: Q with orthonormal columns, R upper triangular. ``mode`` is
    'reduced' (Q is m x k, k = min(m, n)), 'complete' (Q is m x m) or 'r' (R only; Q is empty).

        >>> Q, R = qr(tensor([[3., 1.], [4., 2.]])); (Q @ R).round()
        tensor([[3., 1.], [4., 2.]])
    """
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    _check_matrix(A, "linalg.qr", square=False)
    xp = A._device.xp
    Q, R = xp.linalg.qr(A._data, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        Q = xp.zeros((0,), dtype=A._data.dtype)
    Q, R = _new(Q, A), _new(R, A)
    outs = _record(LinalgQrBackward0, (A,), (Q, R), (Q.detach(), R.detach()), mode=mode, shape=A.shape)
    return RETURN_TYPES["linalg_qr"](*outs)


# ---- symmetric eigendecomposition -------------------------------------------------------------------

class LinalgEighBackward0(Node):
    """A = V diag(L) V^T, A symmetric. dL = diag(V^T dA V); V^T dV = F * (V^T dA V), F_ij = 1/(L_j - L_i)
    off the diagonal. The adjoint, with V^T gV first projected onto skew-symmetric matrices (the tangent
    space of the orthogonal group, as PyTorch does):

        gA = V (diag(gL) + skew(V^T gV) / E) V^T,   skew(X) = (X - X^T)/2,  E_ij = L_j - L_i
    """
    SAVED = ("eigenvalues", "eigenvectors")

    def backward(self, gL, gV):
        L, V = self.saved_tensors
        L, V = reconnect(L, self, 0), reconnect(V, self, 1)
        inner = _diag_embed(gL) if gL is not None else 0
        if gV is not None:
            VgV = V.mT @ gV
            E = unsqueeze(L, -2) - unsqueeze(L, -1)
            E = E + _eye_like(E)                # the diagonal of skew(.) is 0: divide it by 1
            inner = inner + 0.5 * (VgV - VgV.mT) / E
        return V @ inner @ V.mT


def _check_uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric matrix, reading only
    its lower (``UPLO='L'``) or upper triangle: ``A = V diag(L) V^T``. Each eigenvector's sign is arbitrary.

        >>> eigh(tensor([[2., 0.], [0., 1.]])).eigenvalues
        tensor([1., 2.])
    """
    _check_uplo(UPLO)
    _check_matrix(A, "linalg.eigh")
    L, V = A._device.xp.linalg.eigh(A._data, UPLO=UPLO)
    L, V = _new(L, A), _new(V, A)
    return RETURN_TYPES["linalg_eigh"](*_record(LinalgEighBackward0, (A,), (L, V), (L.detach(), V.detach())))


class _EigvalsBackward(Node):
    """For the eigenvalues alone: gA = V diag(gL) V^T, V computed again (differentiably) from A."""
    SAVED = ("A",)

    def backward(self, grad):
        (A,) = self.saved_tensors
        V = eigh(A, self.uplo).eigenvectors
        return V @ _diag_embed(grad) @ V.mT


class LinalgEighBackward0_values(_EigvalsBackward):     # noqa: N801
    pass


LinalgEighBackward0_values.__name__ = "LinalgEighBackward0"


def eigvalsh(A, UPLO="L"):
    """The eigenvalues of a symmetric matrix, ascending.

        >>> eigvalsh(tensor([[2., 1.], [1., 2.]]))
        tensor([1., 3.])
    """
    _check_uplo(UPLO)
    _check_matrix(A, "linalg.eigvalsh")
    out = _new(A._device.xp.linalg.eigvalsh(A._data, UPLO=UPLO), A)
    return _record(LinalgEighBackward0_values, (A,), (out,), (A,), uplo=UPLO)[0]


# ---- singular value decomposition -------------------------------------------------------------------

class LinalgSvdBackward0(Node):
    """A = U diag(S) Vh, k = min(m, n) singular values (the reduced SVD; with ``full_matrices`` the extra
    columns of U / rows of Vh are not determined by A and get no gradient). With V = Vh^T, gV = gVh^T:

        J = skew(U^T gU) / E,  K = skew(V^T gV) / E,   skew(X) = X - X^T,  E_ij = S_j^2 - S_i^2
        gA = U (diag(gS) + J diag(S) + diag(S) K) Vh
             + (I - U U^T) gU diag(1/S) Vh            (only when m > n)
             + U diag(1/S) gV^T (I - V V^T)           (only when m < n)
    """
    SAVED = ("U", "S", "Vh")

    def backward(self, gU, gS, gVh):
        U, S, Vh = self.saved_tensors
        U, S, Vh = reconnect(U, self, 0), reconnect(S, self, 1), reconnect(Vh, self, 2)
        m, n = self.shape[-2:]
        k = min(m, n)
        U, Vh = U[..., :k], Vh[..., :k, :]
        inner = _diag_embed(gS) if gS is not None else 0
        if gU is None and gVh is None:
            return U @ inner @ Vh
        S2 = S * S
        E = unsqueeze(S2, -2) - unsqueeze(S2, -1)
        E = E + _eye_like(E)
        if gU is not None:
            gU = gU[..., :k]
            UgU = U.mT @ gU
            inner = inner + (UgU - UgU.mT) / E * unsqueeze(S, -2)
        if gVh is not None:
            gV = gVh[..., :k, :].mT
            VgV = Vh @ gV
            inner = inner + unsqueeze(S, -1) * ((VgV - VgV.mT) / E)
        gA = U @ inner @ Vh
        if m > n and gU is not None:
            gA = gA + (gU - U @ (U.mT @ gU)) / unsqueeze(S, -2) @ Vh
        if m < n and gVh is not None:
            gA = gA + U @ ((gV.mT - (gV.mT @ Vh.mT) @ Vh) / unsqueeze(S, -1))
        return gA


def svd(A, full_matrices=True):
    """The singular value decomposition ``A = U diag(S) Vh``, singular values descending. With
    ``full_matrices=False``, U is m x k and Vh is k x n (k = min(m, n)). Signs of the singular vectors are
    arbitrary (a column of U and the row of Vh flip together).

        >>> svd(tensor([[3., 0.], [0., -2.]])).S
        tensor([3., 2.])
    """
    _check_matrix(A, "linalg.svd", square=False)
    U, S, Vh = (_new(a, A) for a in A._device.xp.linalg.svd(A._data, full_matrices=full_matrices))
    outs = _record(LinalgSvdBackward0, (A,), (U, S, Vh), (U.detach(), S.detach(), Vh.detach()), shape=A.shape)
    return RETURN_TYPES["linalg_svd"](*outs)


class LinalgSvdBackward0_values(Node):       # noqa: N801
    """For the singular values alone: gA = U diag(gS) Vh, U and Vh computed again (differentiably) from A."""
    SAVED = ("A",)

    def backward(self, grad):
        (A,) = self.saved_tensors
        U, _, Vh = svd(A, full_matrices=False)
        return U @ _diag_embed(grad) @ Vh


LinalgSvdBackward0_values.__name__ = "LinalgSvdBackward0"


def svdvals(A):
    """The singular values of a matrix, descending.

        >>> svdvals(tensor([[3., 0.], [0., -2.]]))
        tensor([3., 2.])
    """
    _check_matrix(A, "linalg.svd", square=False)
    out = _new(A._device.xp.linalg.svd(A._data, compute_uv=False), A)
    return _record(LinalgSvdBackward0_values, (A,), (out,), (A,))[0]


# ---- pseudo-inverse ---------------------------------------------------------------------------------

class LinalgPinvBackward0(Node):
    """P = A^+ (constant rank). dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P, so

        gA = -P^T gP P^T + (I - A P) gP^T P P^T + P^T P gP^T (I - P A)
    """
    SAVED = ("self", "result")

    def backward(self, grad):
        A, P = self.saved_tensors
        P = reconnect(P, self)
        Pt, gt = P.mT, grad.mT
        return (-(Pt @ grad @ Pt) + (gt @ P @ Pt - A @ (P @ (gt @ (P @ Pt))))
                + (Pt @ (P @ gt) - ((Pt @ P) @ gt @ P) @ A))


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse, from the SVD: singular values at most
    ``max(atol, rtol * largest)`` count as zero (rtol defaults to eps * max(m, n) when neither is given).

        >>> pinv(tensor([[2., 0.], [0., 0.]]))
        tensor([[0.5000, 0.0000], [0.0000, 0.0000]])
    """
    if A.dim() < 2 or A._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.pinv({A.dtype.legacy_name[:-6]}{{{list(A.shape)}}}): expected a tensor with 2 "
                           "or more dimensions of float, double, cfloat or cdouble types")
    xp = A._device.xp
    U, S, Vh = xp.linalg.svd(A._data, full_matrices=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else xp.finfo(A._data.dtype).eps * max(A.shape[-2:])
    largest = S[..., :1] if S.shape[-1] else S
    cutoff = xp.maximum(atol or 0.0, rtol * largest)
    s_inv = xp.where(S > cutoff, 1 / xp.where(S == 0, 1, S), 0).astype(A._data.dtype)
    P = xp.swapaxes(Vh, -1, -2) @ (s_inv[..., :, None] * xp.swapaxes(U, -1, -2))
    out = _new(P, A)
    return _record(LinalgPinvBackward0, (A,), (out,), (A, out.detach()))[0]


# ---- composed of other operations -------------------------------------------------------------------

def matrix_power(A, n):
    """``A`` multiplied by itself ``n`` times (by repeated squaring); ``n = 0`` gives the identity and
    ``n < 0`` powers of the inverse.

        >>> matrix_power(tensor([[1., 1.], [0., 1.]]), 3)
        tensor([[1., 3.], [0., 1.]])
    """
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    _check_matrix(A, "linalg.matrix_power", float_only=False)
    if n == 0:
        return _record(CopyBackwards, (A,), (_eye_like(A),), shape=A.shape)[0]
    if n < 0:
        A, n = inv(A), -n
    if n == 1:
        return A.clone()
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim`` (the last by default).

        >>> cross(tensor([1., 0., 0.]), tensor([0., 1., 0.]))
        tensor([0., 0., 1.])
    """
    return _linalg_cross(input, other, dim)


def multi_dot(tensors):
    """The product of two or more matrices, left to right; the first may be a row vector and the last a
    column vector (1-D), as in ``a @ B @ C @ d``.

        >>> multi_dot([ones(2), ones(2, 3), ones(3)])
        tensor(6.)
    """
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, n - 1) else (2,)
        if t.dim() not in allowed:
            where = "first" if i == 0 else "last" if i == n - 1 else None
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.dim()}D" if where else
                               f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    mats = list(tensors)
    first_vector, last_vector = mats[0].dim() == 1, mats[-1].dim() == 1
    if first_vector:
        mats[0] = unsqueeze(mats[0], 0)
    if last_vector:
        mats[-1] = unsqueeze(mats[-1], 1)
    for i in range(n - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(mats[i].shape)} and "
                               f"{list(mats[i + 1].shape)} cannot be multiplied")
    out = mats[0]
    for m in mats[1:]:
        out = out.mm(m)
    if first_vector or last_vector:         # the vectors' dims dropped again, by a view
        out = out.reshape(out.shape[first_vector:len(out.shape) - last_vector])
    return out

