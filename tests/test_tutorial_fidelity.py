"""What PyTorch's own tutorials (autograd, torch.func) do, run here: each test is a call a tutorial makes
that autograd_ref got wrong or refused. Expected values were recorded from PyTorch 2.13."""
import pytest

import autograd_ref as torch
from autograd_ref import nn
from autograd_ref.autograd import Function, gradcheck, gradgradcheck
from autograd_ref.func import functional_call, jacfwd, jacrev, jvp, stack_module_state, vjp, vmap
from autograd_ref.nn import functional as F


class _ExpJvpOnly(Function):
    """forward_ad_usage.py: a Function with a jvp and no backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.result = torch.exp(x)
        return ctx.result

    @staticmethod
    def jvp(ctx, g):
        return g * ctx.result


def _params():
    return {"w": torch.tensor([1., 2.]), "b": torch.tensor(3.)}


def _affine(p, x):
    return p["w"] * x + p["b"]


# ---- gradcheck: check_backward_ad (forward_ad_usage.py) -------------------------------------------

def test_gradcheck_forward_only_function():
    x = torch.tensor([0.1, 0.2], dtype=torch.float64, requires_grad=True)
    assert gradcheck(_ExpJvpOnly.apply, (x,), check_forward_ad=True, check_backward_ad=False,
                     check_undefined_grad=False, check_batched_grad=False) is True


def test_gradcheck_forward_only_still_checks_the_jvp():
    class WrongJvp(_ExpJvpOnly):
        @staticmethod
        def jvp(ctx, g):
            return 2 * g * ctx.result

    x = torch.tensor([0.1, 0.2], dtype=torch.float64, requires_grad=True)
    assert gradcheck(WrongJvp.apply, (x,), check_forward_ad=True, check_backward_ad=False,
                     check_undefined_grad=False, raise_exception=False) is False


def test_gradcheck_needs_one_mode():
    x = torch.tensor([0.1], dtype=torch.float64, requires_grad=True)
    with pytest.raises(AssertionError, match="Expected at least one of check_forward_ad or check_backward_ad"):
        gradcheck(_ExpJvpOnly.apply, (x,), check_backward_ad=False)


def test_gradgradcheck_accepts_check_rev_over_rev():
    x = torch.tensor([0.1, 0.2], dtype=torch.float64, requires_grad=True)
    assert gradgradcheck(lambda a: a.exp(), (x,), check_rev_over_rev=True) is True


# ---- conv2d: the bias dtype message (per_sample_grads.py's float64 baseline) -----------------------

def test_conv2d_bias_dtype_message():
    x = torch.ones(1, 1, 3, 3, dtype=torch.float64)
    w = torch.ones(1, 1, 2, 2, dtype=torch.float64)
    with pytest.raises(RuntimeError, match=r"^Input type \(double\) and bias type \(float\) should be the same$"):
        F.conv2d(x, w, torch.ones(1))
    with pytest.raises(RuntimeError, match=r"^Input type \(double\) and bias type \(float\) should be the same$"):
        F.conv2d(x, w.float(), torch.ones(1))
    with pytest.raises(RuntimeError, match=r"^expected scalar type Double but found Float$"):
        F.conv2d(x, w.float(), torch.ones(1, dtype=torch.float64))


# ---- torch.func over dicts of parameters (neural_tangent_kernels.py) --------------------------------

def test_jacrev_of_dict_argument():
    j = jacrev(_affine)(_params(), torch.tensor([0.5, -1.]))
    assert sorted(j) == ["b", "w"]
    assert j["w"].tolist() == [[0.5, 0.0], [0.0, -1.0]]
    assert j["b"].tolist() == [1.0, 1.0]


def test_jacrev_tuple_output_dict_argument():
    jj = jacrev(lambda p, x: (_affine(p, x), _affine(p, x).sum()))(_params(), torch.tensor([0.5, -1.]))
    assert isinstance(jj, tuple) and isinstance(jj[0], dict)
    assert jj[1]["w"].tolist() == [0.5, -1.0]


def test_jacfwd_of_dict_argument():
    j = jacfwd(_affine)(_params(), torch.tensor([0.5, -1.]))
    assert j["w"].tolist() == [[0.5, 0.0], [0.0, -1.0]]
    assert j["b"].tolist() == [1.0, 1.0]


def test_vjp_of_dict_primal():
    x = torch.tensor([0.5, -1.])
    out, vjp_fn = vjp(lambda p: _affine(p, x), _params())
    g, = vjp_fn(torch.tensor([1., 10.]))
    assert out.tolist() == [3.5, 1.0]
    assert g["w"].tolist() == [0.5, -10.0] and g["b"].item() == 11.0


def test_jvp_of_dict_primal():
    x = torch.tensor([0.5, -1.])
    out, tangent = jvp(lambda p: _affine(p, x), (_params(),),
                       ({"w": torch.tensor([1., 1.]), "b": torch.tensor(2.)},))
    assert out.tolist() == [3.5, 1.0]
    assert tangent.tolist() == [2.5, 1.0]


def test_vmap_of_jacrev_over_dict():
    j = vmap(jacrev(_affine), (None, 0))(_params(), torch.tensor([[1., 2.], [3., 4.]]))
    assert j["w"].tolist() == [[[1.0, 0.0], [0.0, 2.0]], [[3.0, 0.0], [0.0, 4.0]]]
    assert j["b"].tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_ntk_vector_products_match_jacobian_contraction():
    """The tutorial's two NTK methods agree: vjp then jvp over a dict of parameters."""
    torch.manual_seed(0)
    net = nn.Linear(3, 2)
    params = {k: v.detach() for k, v in net.named_parameters()}
    x1, x2 = torch.randn(3), torch.randn(3)

    def fnet(p, x):
        return functional_call(net, p, (x,))

    out, vjp_fn = vjp(lambda p: fnet(p, x1), params)
    rows = []
    for vec in torch.eye(2):
        cot, = vjp_fn(vec)
        rows.append(jvp(lambda p: fnet(p, x2), (params,), (cot,))[1])
    ntk_vps = torch.stack(rows)
    j1, j2 = jacrev(fnet)(params, x1), jacrev(fnet)(params, x2)
    contraction = sum(j1[k].flatten(1) @ j2[k].flatten(1).T for k in params)
    assert torch.allclose(ntk_vps, contraction.T, atol=1e-6)


# ---- stack_module_state (ensembling.py) -----------------------------------------------------------

def _linears(n):
    models = [nn.Linear(2, 1) for _ in range(n)]
    with torch.no_grad():
        for i, m in enumerate(models):
            m.weight.fill_(i)
            m.bias.fill_(-i)
    return models


def test_stack_module_state():
    models = _linears(3)
    params, buffers = stack_module_state(models)
    assert sorted(params) == ["bias", "weight"] and buffers == {}
    assert params["weight"].shape == (3, 1, 2)
    assert params["weight"].is_leaf and params["weight"].requires_grad
    out = vmap(lambda p, b, x: functional_call(models[0], (p, b), (x,)), (0, 0, None))(
        params, buffers, torch.tensor([[1., 2.]]))
    assert out.tolist() == [[[0.0]], [[2.0]], [[4.0]]]


@pytest.mark.parametrize("models, message", [
    ([], "stack_module_state: Expected at least one model, got 0."),
    ([nn.Linear(2, 1), nn.Linear(2, 1).eval()],
     "stack_module_state: Expected all models to have the same training/eval mode."),
    ([nn.Linear(2, 1), nn.Sequential()], "stack_module_state: Expected all models to be of the same class."),
])
def test_stack_module_state_errors(models, message):
    with pytest.raises(RuntimeError) as info:
        stack_module_state(models)
    assert str(info.value) == message


# ---- what current tutorials call at the top level ---------------------------------------------------------

def test_the_accelerator_idiom_of_the_tutorials_picks_the_cpu_without_a_gpu():
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    assert torch.accelerator.is_available() == torch.cuda.is_available()
    if not torch.cuda.is_available():
        assert device == "cpu" and torch.accelerator.device_count() == 0
        assert torch.accelerator.current_accelerator(check_available=True) is None


def test_set_printoptions_changes_how_tensors_print_and_the_default_profile_restores_it():
    try:
        torch.set_printoptions(precision=2)
        assert repr(torch.tensor([1.23456, 2.5])) == "tensor([1.23, 2.50])"
        torch.set_printoptions(sci_mode=True)
        assert repr(torch.tensor([1.5, 2.])) == "tensor([1.50e+00, 2.00e+00])"
        torch.set_printoptions(threshold=5, edgeitems=2)
        assert repr(torch.arange(10)) == "tensor([0, 1,  ..., 8, 9])"
    finally:
        torch.set_printoptions(profile="default")
    assert repr(torch.tensor([1.23456, 2.5])) == "tensor([1.2346, 2.5000])"


def test_torch_vmap_and_matmul_out():
    assert torch.vmap(lambda row: row.sum())(torch.ones(4, 3)).tolist() == [3.0] * 4
    t = torch.ones(2, 3)
    result = torch.empty(2, 2)
    assert torch.matmul(t, t.T, out=result) is result and result.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    with pytest.raises(RuntimeError, match=r"^matmul\(\): functions with out=\.\.\. arguments don't support"):
        torch.matmul(torch.ones(2, 2, requires_grad=True), t, out=torch.empty(2, 3))
