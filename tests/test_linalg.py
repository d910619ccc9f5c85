"""Linear algebra (autograd_ref/linalg.py, autograd_ref/ops/products.py) against golden values recorded from
PyTorch (tests/golden_linalg: values, gradients, second derivatives, grad_fn names, errors), then gradcheck and
gradgradcheck in float64 on well-conditioned inputs (forward mode too), and the invariants of the
decompositions (Q^T Q = I, A = L L^T, ...). torch is never imported.
"""
import json
import os
import sys
import warnings

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_linalg import cases  # noqa: E402
from golden_selection.compare import case_problems, error_problems  # noqa: E402

import autograd_ref  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402

torch = autograd_ref
L = autograd_ref.linalg

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_linalg", "values.json")) as f:
    VALUES = json.load(f)

CASES = {c.name: c for c in cases.CASES}
RTOL = {"float32": 1e-4, "float64": 1e-9}       # LAPACK's float32 results differ between builds

# Cases whose top node differs from PyTorch's, knowingly: name prefix -> reason (values and gradients are
# still compared).
KNOWN_GRAPH = {
    "norm-ords-vector": "vector_norm with ord=-inf is amin(|x|) (AminBackward0); PyTorch records "
                        "LinalgVectorNormBackward0",
}


def test_the_table_and_the_recording_agree():
    assert sorted(CASES) == sorted(VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_linalg/record.py where torch is installed"
    assert sorted(cases.ERRORS) == sorted(VALUES["errors"])


@pytest.mark.parametrize("name", sorted(VALUES["cases"]))
def test_case(name):
    known = any(name.startswith(k) for k in KNOWN_GRAPH)
    problems = case_problems(autograd_ref, cases, name, VALUES["cases"][name], graph=None if known else "top",
                             rtol=RTOL)
    assert not problems, f"{name} disagrees with PyTorch {VALUES['torch_version']}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(VALUES["errors"]))
def test_error(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problems = error_problems(autograd_ref, cases, name, VALUES["errors"][name])
    assert not problems, problems[0]


def test_linalg_errors_are_runtime_errors():
    with pytest.raises(RuntimeError):
        L.inv(torch.zeros(2, 2))
    assert issubclass(L.LinAlgError, RuntimeError)


# ---- gradcheck, gradgradcheck, forward mode (float64, well conditioned) -----------------------------

def _leaf(*shape, kind="normal", seed=0):
    rng = numpy.random.default_rng(seed)
    a = rng.standard_normal(shape)
    n = shape[-1]
    if kind == "spd":
        a = a @ numpy.swapaxes(a, -1, -2) / n + numpy.eye(n)
    elif kind == "wellcond":
        a = a + 3 * numpy.eye(n)
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _sym(a):
    """eigh and cholesky read one triangle: differentiate them along symmetric directions, as PyTorch's tests do."""
    return a + a.mT


def _squares(*xs):
    """Squares of the columns of singular / eigen vectors: the same whatever sign LAPACK picks."""
    return tuple(x * x for x in xs)


DIFFERENTIABLE = {
    "det": (lambda a: L.det(a), [(2, 3, 3, "wellcond")]),
    "slogdet": (lambda a: L.slogdet(a).logabsdet, [(3, 3, "normal")]),
    "logdet": (lambda a: torch.logdet(a), [(3, 3, "spd")]),
    "inv": (lambda a: L.inv(a), [(2, 3, 3, "wellcond")]),
    "solve": (lambda a, b: L.solve(a, b), [(3, 3, "wellcond"), (3, 2, "normal")]),
    "solve-vector-broadcast": (lambda a, b: L.solve(a, b), [(2, 3, 3, "wellcond"), (3, "normal")]),
    "cholesky": (lambda a: L.cholesky(_sym(a) + 4 * torch.eye(3, dtype=torch.float64)), [(3, 3, "spd")]),
    "cholesky-upper": (lambda a: L.cholesky(_sym(a), upper=True), [(2, 3, 3, "spd")]),
    "qr-tall": (lambda a: L.qr(a), [(4, 3, "normal")]),
    "qr-wide": (lambda a: L.qr(a), [(2, 3, 5, "normal")]),
    "eigh": (lambda a: (lambda r: (r.eigenvalues,) + _squares(r.eigenvectors))(L.eigh(_sym(a))), [(3, 3, "normal")]),
    "eigvalsh": (lambda a: L.eigvalsh(_sym(a)), [(2, 3, 3, "normal")]),
    "svd-tall": (lambda a: (lambda r: (r.S,) + _squares(r.U, r.Vh))(L.svd(a, full_matrices=False)),
                 [(4, 3, "normal")]),
    "svd-wide": (lambda a: (lambda r: (r.S,) + _squares(r.U, r.Vh))(L.svd(a, full_matrices=False)),
                 [(3, 5, "normal")]),
    "svd-full": (lambda a: (lambda r: r.U[:, :3] * r.S @ r.Vh)(L.svd(a)), [(4, 3, "normal")]),
    "svdvals": (lambda a: L.svdvals(a), [(2, 4, 3, "normal")]),
    "pinv": (lambda a: L.pinv(a), [(4, 3, "normal")]),
    "pinv-wide": (lambda a: L.pinv(a), [(3, 4, "normal")]),
    "norm-nuc": (lambda a: L.matrix_norm(a, "nuc"), [(4, 3, "normal")]),
    "norm-2": (lambda a: L.matrix_norm(a, 2), [(4, 3, "normal")]),
    "norm-1": (lambda a: L.norm(a, 1), [(4, 3, "normal")]),
    "norm-vector": (lambda a: L.vector_norm(a, 3, dim=1), [(4, 3, "normal")]),
    "matrix-power": (lambda a: L.matrix_power(a, 3), [(3, 3, "normal")]),
    "matrix-power-negative": (lambda a: L.matrix_power(a, -2), [(3, 3, "wellcond")]),
    "multi-dot": (lambda a, b, c: L.multi_dot([a, b, c]), [(3, "normal"), (3, 4, "normal"), (4, 2, "normal")]),
    "baddbmm": (lambda i, a, b: torch.baddbmm(i, a, b, beta=0.5, alpha=2),
                [(3, 1, "normal"), (2, 3, 4, "normal"), (2, 4, 1, "normal")]),
    "addbmm": (lambda i, a, b: torch.addbmm(i, a, b, alpha=2), [(3, 1, "normal"), (2, 3, 4, "normal"),
                                                                (2, 4, 1, "normal")]),
    "addmv": (lambda i, m, v: torch.addmv(i, m, v, beta=2), [(3, "normal"), (3, 4, "normal"), (4, "normal")]),
    "addr": (lambda i, a, b: torch.addr(i, a, b, alpha=3), [(3, 4, "normal"), (3, "normal"), (4, "normal")]),
    "tensordot": (lambda a, b: torch.tensordot(a, b, ([0, 2], [1, 0])), [(2, 3, 4, "normal"), (4, 2, 5, "normal")]),
    "cdist": (lambda a, b: torch.cdist(a, b), [(3, 4, "normal"), (5, 4, "normal")]),
    "cdist-p1-batch": (lambda a, b: torch.cdist(a, b, p=1), [(2, 3, 4, "normal"), (5, 4, "normal")]),
    "cdist-p3": (lambda a, b: torch.cdist(a, b, p=3), [(3, 4, "normal"), (5, 4, "normal")]),
}


def _inputs(name):
    return [_leaf(*spec[:-1], kind=spec[-1], seed=i) for i, spec in enumerate(DIFFERENTIABLE[name][1])]


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_gradcheck_and_forward_mode(name):
    assert gradcheck(DIFFERENTIABLE[name][0], _inputs(name), check_forward_ad=True)


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_gradgradcheck(name):
    """Every backward is built of differentiable operations: it differentiates again."""
    assert gradgradcheck(DIFFERENTIABLE[name][0], _inputs(name))


# ---- invariants of the decompositions -------------------------------------------------------------

def _np(t):
    return t.detach().numpy()


def test_decompositions_rebuild_their_matrix():
    a = _leaf(2, 4, 3)
    Q, R = L.qr(a)
    assert numpy.allclose(_np(Q @ R), _np(a)) and numpy.allclose(_np(Q.mT @ Q), numpy.eye(3))
    assert numpy.allclose(numpy.tril(_np(R), -1), 0)
    Q, R = L.qr(a, mode="complete")
    assert Q.shape == (2, 4, 4) and R.shape == (2, 4, 3) and numpy.allclose(_np(Q @ R), _np(a))
    U, S, Vh = L.svd(a)
    assert U.shape == (2, 4, 4) and Vh.shape == (2, 3, 3)
    assert numpy.allclose(_np(U[..., :3] * S.unsqueeze(-2) @ Vh), _np(a))
    assert (numpy.diff(_np(S), axis=-1) <= 0).all()
    s = _leaf(3, 3, kind="spd")
    w, V = L.eigh(s)
    assert numpy.allclose(_np(V * w.unsqueeze(-2) @ V.mT), _np(s)) and (numpy.diff(_np(w)) > 0).all()
    C = L.cholesky(s)
    assert numpy.allclose(_np(C @ C.mT), _np(s)) and numpy.allclose(numpy.triu(_np(C), 1), 0)
    assert numpy.allclose(_np(L.inv(s) @ s), numpy.eye(3))
    assert numpy.allclose(_np(L.pinv(a) @ a), numpy.eye(3))


def test_named_tuples_and_methods():
    a = _leaf(3, 3, kind="spd")
    assert L.eigh(a)._fields == ("eigenvalues", "eigenvectors")
    assert L.svd(a)._fields == ("U", "S", "Vh") and torch.svd(a)._fields == ("U", "S", "V")
    assert L.slogdet(a)._fields == ("sign", "logabsdet") and type(a.slogdet()).__name__ == "slogdet"
    assert numpy.allclose(_np(a.inverse()), _np(L.inv(a))) and numpy.allclose(_np(a.det()), _np(L.det(a)))
    with pytest.warns(UserWarning, match="torch.cholesky is deprecated"):
        assert numpy.allclose(_np(a.cholesky()), _np(L.cholesky(a)))
    with pytest.warns(UserWarning, match="torch.qr is deprecated"):
        torch.qr(a)
    assert "det" in L.__all__ and hasattr(torch, "cdist") and hasattr(torch.Tensor, "addmv")


def test_grad_fn_names_of_multi_output_nodes():
    a = _leaf(3, 3, kind="spd")
    for outs in (L.qr(a), L.eigh(a), L.svd(a), L.slogdet(a)):
        assert len({o.grad_fn for o in outs}) == 1
    assert L.svdvals(a).grad_fn.name() == "LinalgSvdBackward0"
    assert L.eigvalsh(a).grad_fn.name() == "LinalgEighBackward0"


def test_only_some_outputs_used():
    """A multi-output node's backward gets None for the outputs the loss did not use."""
    a = _leaf(4, 3)
    (g1,) = torch.autograd.grad(L.svd(a, full_matrices=False).S.sum(), a)
    assert numpy.allclose(_np(g1), _np(L.svd(a, full_matrices=False).U @ L.svd(a, full_matrices=False).Vh))
    (g2,) = torch.autograd.grad(L.qr(a).R.diagonal().abs().sum(), a)
    assert g2.shape == (4, 3)


def test_saved_output_changed_in_place_is_noticed():
    a = _leaf(3, 3, kind="wellcond")
    b = L.inv(a)
    b.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.sum().backward()


def test_no_graph_without_grad():
    a = torch.eye(3)
    assert L.det(a).grad_fn is None and L.svd(a).U.grad_fn is None
    with torch.no_grad():
        assert L.inv(_leaf(3, 3, kind="wellcond")).grad_fn is None
