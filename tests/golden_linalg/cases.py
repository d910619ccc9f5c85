"""The golden cases for linear algebra (autograd_ref/linalg.py, autograd_ref/ops/products.py): small programs
written once against a module ``lib`` (``torch`` in ``record.py``, ``autograd_ref`` in ``tests/test_linalg.py``).
Nothing here imports torch. The procedure (``run``: values, graph, gradients of ``sum(w * y)``, second
derivatives) and the JSON format are those of ``tests/golden_selection``.

Decompositions whose outputs are defined only up to signs (qr, eigh, svd) return quantities that do not
depend on those signs: ``V * V`` (a column and its negative give the same squares), ``U @ diag(S) @ Vh``,
``|Q|``. Their gradients are then the same whatever signs LAPACK picks.

``ERRORS``: misuse PyTorch refuses, name -> (program, characters of the first message line to match).
"""
import numpy

from golden_selection import cases as _selection
from golden_selection.cases import (Case, Input, case_rng, decode_array, encode, run,  # noqa: F401
                                    run_error, make_input as _make_input)

CASES = []


def X(shape=(3, 3), dtype="F", grad=True, kind="normal", values=None):
    """One input: ``kind`` normal, spd (symmetric positive-definite, well conditioned), wellcond (a normal
    matrix plus 3 on the diagonal), or any kind of golden_selection's; or fixed ``values``."""
    if values is not None:
        shape = numpy.shape(values)
    return Input(tuple(shape), dtype, grad, kind, values)


def C(*args, **kw):
    return X(*args, grad=False, **kw)


def make_input(spec, rng):
    if spec.kind in ("spd", "wellcond") and spec.values is None:
        a = rng.standard_normal(spec.shape)
        n = spec.shape[-1]
        if spec.kind == "spd":
            a = a @ numpy.swapaxes(a, -1, -2) / n + numpy.eye(n)
        else:
            a = a + 3 * numpy.eye(n)
        return a.astype(spec.dtype)
    return _make_input(spec, rng)


case, both = _selection.case_adders(CASES)


INF = float("inf")


def _sym(x):
    return x + x.mT


def _eigh(lib, x, **kw):
    L, V = lib.linalg.eigh(_sym(x), **kw)
    return L, V * V, (V * L.unsqueeze(-2)) @ V.mT


def _svd(lib, x, full=False):
    U, S, Vh = lib.linalg.svd(x, full_matrices=full)
    k = S.shape[-1]
    return U[..., :k] * U[..., :k], S, Vh[..., :k, :] * Vh[..., :k, :], (U[..., :k] * S.unsqueeze(-2)) @ Vh[..., :k, :]


def _qr(lib, x, mode="reduced"):
    Q, R = lib.linalg.qr(x, mode=mode)
    return Q @ R, Q.abs(), R.abs(), Q.mT @ Q


# ---- determinants, inverse, solve ---------------------------------------------------------------------

both("det", lambda lib, x: lib.linalg.det(x), X(kind="wellcond"), second=True)
both("det-batch", lambda lib, x: (lib.linalg.det(x), lib.det(x), x.det()), X((2, 3, 3), kind="wellcond"))
both("slogdet", lambda lib, x: lib.linalg.slogdet(x), X((2, 3, 3), kind="wellcond"), second=True)
both("slogdet-torch", lambda lib, x: (lib.slogdet(x), x.slogdet()), X(kind="normal"))
both("logdet", lambda lib, x: (lib.logdet(x), x.logdet()), X((2, 3, 3), kind="spd"), second=True)
both("logdet-negative", lambda lib, x: lib.logdet(x), X(values=[[0.0, 1.0], [1.0, 0.0]]))
both("inv", lambda lib, x: lib.linalg.inv(x), X(kind="wellcond"), second=True)
both("inv-batch", lambda lib, x: (lib.linalg.inv(x), lib.inverse(x), x.inverse()), X((2, 3, 3), kind="wellcond"))
both("solve", lambda lib, a, b: lib.linalg.solve(a, b), X(kind="wellcond"), X((3, 2)), second=True)
both("solve-vector", lambda lib, a, b: lib.linalg.solve(a, b), X(kind="wellcond"), X((3,)), second=True)
both("solve-batch-vector", lambda lib, a, b: lib.linalg.solve(a, b), X((2, 3, 3), kind="wellcond"), X((2, 3)))
both("solve-broadcast", lambda lib, a, b: lib.linalg.solve(a, b), X((2, 3, 3), kind="wellcond"), X((3, 4)))
both("solve-left-false", lambda lib, a, b: lib.linalg.solve(a, b, left=False), X(kind="wellcond"), X((2, 3)))

# ---- norms --------------------------------------------------------------------------------------------

both("norm-default", lambda lib, x: (lib.linalg.norm(x), lib.linalg.norm(x, dim=1), lib.linalg.norm(x[0])),
     X((3, 4)), second=True)
both("norm-ords-vector", lambda lib, x: tuple(lib.linalg.norm(x, o) for o in (1, 3, INF, -INF, 0)), X((5,)))
both("vector-norm", lambda lib, x: (lib.linalg.vector_norm(x), lib.linalg.vector_norm(x, 1, dim=(0, 2)),
                                    lib.linalg.vector_norm(x, INF, dim=-1, keepdim=True),
                                    lib.linalg.vector_norm(x, 0.5, dim=1)), X((2, 3, 4)), second=True)
both("matrix-norm-fro", lambda lib, x: (lib.linalg.matrix_norm(x), lib.linalg.norm(x[0], "fro")), X((2, 3, 4)),
     second=True)
both("matrix-norm-nuc", lambda lib, x: lib.linalg.matrix_norm(x, "nuc"), X((2, 4, 3)), second=True)
both("matrix-norm-ords", lambda lib, x: tuple(lib.linalg.matrix_norm(x, o) for o in (1, -1, INF, -INF, 2, -2)),
     X((4, 3)))
both("matrix-norm-dims-keepdim", lambda lib, x: (lib.linalg.matrix_norm(x, 1, dim=(0, 2), keepdim=True),
                                                 lib.linalg.norm(x, INF, dim=(2, 0))), X((3, 2, 4)))

# ---- decompositions -----------------------------------------------------------------------------------

both("cholesky", lambda lib, x: lib.linalg.cholesky(x), X(kind="spd"), second=True)
both("cholesky-upper-batch", lambda lib, x: lib.linalg.cholesky(x, upper=True), X((2, 3, 3), kind="spd"))
both("cholesky-lower-triangle-only", lambda lib, x: lib.linalg.cholesky(x.tril() + 5 * x.triu(1)), X(kind="spd"))
both("qr", lambda lib, x: _qr(lib, x), X((4, 3)), second=True)
both("qr-square-batch", lambda lib, x: _qr(lib, x), X((2, 3, 3)))
both("qr-wide", lambda lib, x: _qr(lib, x), X((2, 4)))
both("qr-complete-square", lambda lib, x: _qr(lib, x, "complete"), X((3, 3)))
both("qr-r", lambda lib, x: lib.linalg.qr(x, mode="r").R.abs(), C((4, 3)))
both("eigh", lambda lib, x: _eigh(lib, x), X((3, 3)), second=True)
both("eigh-upper-batch", lambda lib, x: _eigh(lib, x, UPLO="U"), X((2, 3, 3)))
both("eigvalsh", lambda lib, x: lib.linalg.eigvalsh(_sym(x)), X((2, 3, 3)), second=True)
both("svd-tall", lambda lib, x: _svd(lib, x), X((4, 3)), second=True)
both("svd-wide-batch", lambda lib, x: _svd(lib, x), X((2, 3, 5)))
both("svd-full", lambda lib, x: _svd(lib, x, True), X((4, 3)))
both("svdvals", lambda lib, x: lib.linalg.svdvals(x), X((2, 4, 3)), second=True)
both("svd-torch", lambda lib, x: (lambda r: (r.S, r.U @ lib.diag(r.S) @ r.V.mT))(lib.svd(x)), X((4, 3)))
both("pinv", lambda lib, x: (lib.linalg.pinv(x), lib.pinverse(x)), X((4, 3)), second=True)
both("pinv-rank-deficient", lambda lib, x: lib.linalg.pinv(x), C(values=[[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]]))

# ---- composed -----------------------------------------------------------------------------------------

both("matrix-power", lambda lib, x: tuple(lib.linalg.matrix_power(x, n) for n in (0, 1, 2, 5)), X(),
     second=True)
both("matrix-power-negative", lambda lib, x: (lib.linalg.matrix_power(x, -2), x.matrix_power(3),
                                              lib.matrix_power(x, 2)), X(kind="wellcond"))
both("linalg-cross", lambda lib, a, b: lib.linalg.cross(a, b), X((4, 3)), X((4, 3)), second=True)
both("multi-dot", lambda lib, a, b, c: (lib.linalg.multi_dot([a, b, c]), lib.linalg.multi_dot([b.mT, a])),
     X((3,)), X((3, 4)), X((4, 2)), second=True)

# ---- products -----------------------------------------------------------------------------------------

both("baddbmm", lambda lib, i, a, b: lib.baddbmm(i, a, b), X((2, 3, 2)), X((2, 3, 4)), X((2, 4, 2)), second=True)
both("baddbmm-scaled-broadcast", lambda lib, i, a, b: (lib.baddbmm(i, a, b, beta=0.5, alpha=-2),
                                                       i.baddbmm(a, b, beta=0)), X((3, 1)), X((2, 3, 4)),
     X((2, 4, 2)))
both("addbmm", lambda lib, i, a, b: (lib.addbmm(i, a, b), i.addbmm(a, b, alpha=3, beta=2)), X((3, 2)),
     X((2, 3, 4)), X((2, 4, 2)), second=True)
both("addmv", lambda lib, i, m, v: (lib.addmv(i, m, v), i.addmv(m, v, beta=0.5, alpha=2)), X((3,)), X((3, 4)),
     X((4,)), second=True)
both("addmv-broadcast", lambda lib, i, m, v: lib.addmv(i, m, v, beta=2), X(()), X((3, 4)), X((4,)))
both("addr", lambda lib, i, a, b: (lib.addr(i, a, b), i.addr(a, b, alpha=2, beta=-1)), X((3, 4)), X((3,)),
     X((4,)), second=True)
both("ger", lambda lib, a, b: (lib.ger(a, b), a.ger(b)), X((3,)), X((2,)))
both("tensordot-int", lambda lib, a, b: (lib.tensordot(a, b), lib.tensordot(a, b[0], 1)), X((2, 3, 4)),
     X((3, 4, 5)), second=True)
both("tensordot-lists", lambda lib, a, b: (lib.tensordot(a, b, ([0, 2], [1, 0])), lib.tensordot(a, b, 0)),
     X((2, 3, 4)), X((4, 2, 2)))
both("cdist", lambda lib, a, b: lib.cdist(a, b), X((3, 4), kind="distinct"), X((5, 4)))
both("cdist-p", lambda lib, a, b: tuple(lib.cdist(a, b, p) for p in (1, 3, INF, 0)),
     X((2, 3, 4), kind="distinct"), X((2, 5, 4)))
both("cdist-broadcast", lambda lib, a, b: lib.cdist(a, b, 1.5), X((2, 3, 4), kind="distinct"), X((5, 4)))

# ---- what PyTorch refuses -----------------------------------------------------------------------------


def _t(lib, values, dtype=None):
    return lib.tensor(values, dtype=dtype)


SINGULAR = [[1.0, 2.0], [2.0, 4.0]]
NOT_PD = [[1.0, 2.0], [2.0, 1.0]]
ERRORS = {
    "det-not-square": (lambda lib: lib.linalg.det(lib.ones(2, 3)), None),
    "det-vector": (lambda lib: lib.linalg.det(lib.ones(3)), None),
    "det-int": (lambda lib: lib.linalg.det(lib.ones(2, 2, dtype=lib.int64)), None),
    "slogdet-not-square": (lambda lib: lib.linalg.slogdet(lib.ones(2, 3)), None),
    "logdet-not-square": (lambda lib: lib.logdet(lib.ones(2, 3)), None),
    "inv-singular": (lambda lib: lib.linalg.inv(_t(lib, SINGULAR)), None),
    "inv-singular-batch": (lambda lib: lib.linalg.inv(lib.stack([lib.eye(2), _t(lib, SINGULAR)])), None),
    "inv-not-square": (lambda lib: lib.inverse(lib.ones(2, 3)), None),
    "inv-int": (lambda lib: lib.linalg.inv(lib.ones(2, 2, dtype=lib.int64)), None),
    "solve-singular": (lambda lib: lib.linalg.solve(_t(lib, SINGULAR), lib.ones(2)), None),
    "solve-shapes": (lambda lib: lib.linalg.solve(lib.eye(3), lib.ones(2)), None),
    "solve-shapes-matrix": (lambda lib: lib.linalg.solve(lib.eye(3), lib.ones(2, 2)), None),
    "solve-dtypes": (lambda lib: lib.linalg.solve(lib.eye(3), lib.ones(3, dtype=lib.float64)), None),
    "cholesky-not-pd": (lambda lib: lib.linalg.cholesky(_t(lib, NOT_PD)), None),
    "cholesky-not-pd-batch": (lambda lib: lib.linalg.cholesky(lib.stack([lib.eye(2), _t(lib, NOT_PD)])), None),
    "cholesky-not-square": (lambda lib: lib.linalg.cholesky(lib.ones(2, 3)), None),
    "cholesky-int": (lambda lib: lib.linalg.cholesky(lib.ones(2, 2, dtype=lib.int64)), None),
    "eigh-not-square": (lambda lib: lib.linalg.eigh(lib.ones(2, 3)), None),
    "eigh-uplo": (lambda lib: lib.linalg.eigh(lib.eye(2), UPLO="X"), None),
    "qr-mode": (lambda lib: lib.linalg.qr(lib.eye(2), mode="full"), None),
    "qr-vector": (lambda lib: lib.linalg.qr(lib.ones(3)), None),
    "qr-int": (lambda lib: lib.linalg.qr(lib.ones(2, 2, dtype=lib.int64)), None),
    "qr-r-backward": (lambda lib: lib.linalg.qr(lib.eye(3).requires_grad_(), mode="r")[1].sum().backward(), None),
    "qr-complete-tall-backward": (
        lambda lib: lib.linalg.qr(lib.ones(3, 2).requires_grad_(), mode="complete")[0].sum().backward(), None),
    "svd-vector": (lambda lib: lib.linalg.svd(lib.ones(3)), None),
    "svdvals-vector": (lambda lib: lib.linalg.svdvals(lib.ones(3)), None),
    "svd-int": (lambda lib: lib.linalg.svd(lib.ones(2, 2, dtype=lib.int64)), None),
    "pinv-vector": (lambda lib: lib.linalg.pinv(lib.ones(3)), None),
    "matrix-power-not-square": (lambda lib: lib.linalg.matrix_power(lib.ones(2, 3), 2), None),
    "matrix-power-float": (lambda lib: lib.linalg.matrix_power(lib.eye(2), 2.0), None),
    "matrix-power-singular": (lambda lib: lib.linalg.matrix_power(_t(lib, SINGULAR), -1), None),
    "matrix-norm-ord": (lambda lib: lib.linalg.matrix_norm(lib.eye(3), 3), None),
    "matrix-norm-dim": (lambda lib: lib.linalg.matrix_norm(lib.eye(3), dim=(0, 0)), None),
    "matrix-norm-vector": (lambda lib: lib.linalg.matrix_norm(lib.ones(3)), None),
    "norm-fro-vector": (lambda lib: lib.linalg.norm(lib.ones(3), "fro"), None),
    "norm-3d-ord": (lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), "fro"), None),
    "vector-norm-int": (lambda lib: lib.linalg.vector_norm(lib.ones(3, dtype=lib.int64)), None),
    "multi-dot-one": (lambda lib: lib.linalg.multi_dot([lib.eye(3)]), None),
    "multi-dot-3d": (lambda lib: lib.linalg.multi_dot([lib.eye(3), lib.ones(2, 3, 3)]), None),
    "multi-dot-shapes": (lambda lib: lib.linalg.multi_dot([lib.eye(3), lib.ones(2, 3)]), None),
    "baddbmm-shapes": (lambda lib: lib.baddbmm(lib.ones(2, 2, 2), lib.ones(2, 2, 3), lib.ones(2, 2, 2)), None),
    "baddbmm-2d": (lambda lib: lib.baddbmm(lib.eye(3), lib.eye(3), lib.eye(3)), None),
    "baddbmm-input": (lambda lib: lib.baddbmm(lib.ones(3, 2, 2), lib.ones(2, 2, 3), lib.ones(2, 3, 2)), None),
    "addbmm-shapes": (lambda lib: lib.addbmm(lib.eye(3), lib.ones(2, 3, 2), lib.ones(2, 3, 3)), None),
    "addbmm-batches": (lambda lib: lib.addbmm(lib.eye(3), lib.ones(2, 3, 3), lib.ones(3, 3, 3)), None),
    "addmv-shapes": (lambda lib: lib.addmv(lib.ones(3), lib.eye(3), lib.ones(2)), None),
    "addmv-vector-matrix": (lambda lib: lib.addmv(lib.ones(3), lib.ones(3), lib.ones(3)), None),
    "addmv-input": (lambda lib: lib.addmv(lib.ones(2), lib.eye(3), lib.ones(3)), None),
    "addr-matrix": (lambda lib: lib.addr(lib.eye(3), lib.eye(3), lib.ones(3)), None),
    "addr-input": (lambda lib: lib.addr(lib.ones(2, 2), lib.ones(3), lib.ones(3)), None),
    "tensordot-sizes": (lambda lib: lib.tensordot(lib.eye(3), lib.ones(2, 3), 2), None),
    "tensordot-lists": (lambda lib: lib.tensordot(lib.ones(2, 3), lib.eye(3), ([0, 1], [0])), None),
    "tensordot-negative": (lambda lib: lib.tensordot(lib.ones(2, 3), lib.eye(3), -1), None),
    "cdist-vector": (lambda lib: lib.cdist(lib.ones(3), lib.eye(3)), None),
    "cdist-columns": (lambda lib: lib.cdist(lib.ones(2, 3), lib.ones(2, 2)), None),
    "cdist-negative-p": (lambda lib: lib.cdist(lib.ones(2, 3), lib.ones(2, 3), p=-1), None),
    "cdist-int": (lambda lib: lib.cdist(lib.ones(2, 3, dtype=lib.int64), lib.ones(2, 3, dtype=lib.int64)), None),
    "cdist-batches": (lambda lib: lib.cdist(lib.ones(2, 3, 3), lib.ones(3, 3, 3)), None),
}
