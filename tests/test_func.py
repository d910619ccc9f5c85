"""autograd_ref.func: torch.func's transforms over the engine. Every value below was given by torch 2.13.0
for the same call."""
import pytest

import autograd_ref as ag
from autograd_ref import func


def cubes(x):
    return (x ** 3).sum()


def test_grad_and_its_variants():
    x = ag.tensor([1., 2.])
    g = func.grad(cubes)(x)
    assert g.tolist() == [3.0, 12.0] and not g.requires_grad
    assert func.grad(func.grad(cubes))(ag.tensor(2.)).item() == 12.0          # transforms nest
    gradient, value = func.grad_and_value(cubes)(x)
    assert gradient.tolist() == [3.0, 12.0] and value.item() == 9.0
    gx, gy = func.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, x * 2)
    assert gx.tolist() == [2.0, 4.0] and gy.tolist() == [1.0, 2.0]
    gradient, aux = func.grad(lambda a: ((a ** 2).sum(), a.mean()), has_aux=True)(x)
    assert gradient.tolist() == [2.0, 4.0] and aux.item() == 1.5


def test_grad_of_an_input_that_requires_grad_stays_in_its_graph():
    y = ag.tensor([1., 2.], requires_grad=True)
    g = func.grad(cubes)(y)
    assert g.requires_grad
    g.sum().backward()
    assert y.grad.tolist() == [6.0, 12.0]


def test_grad_of_a_non_scalar_is_refused_as_pytorch_does():
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor, got tensor with 1 "
                                           "dims. Maybe you wanted to use the vjp or jacrev APIs instead?"):
        func.grad(lambda x: x ** 2)(ag.tensor([1., 2.]))


def test_vjp_jvp_and_jacobians():
    x = ag.tensor([1., 2.])
    out, vjp_fn = func.vjp(lambda t: t ** 2, x)
    assert out.tolist() == [1.0, 4.0] and [t.tolist() for t in vjp_fn(ag.ones(2))] == [[2.0, 4.0]]
    out, tangent = func.jvp(lambda t: t ** 2, (x,), (ag.ones(2),))
    assert out.tolist() == [1.0, 4.0] and tangent.tolist() == [2.0, 4.0]
    assert func.jacrev(lambda t: t ** 2)(x).tolist() == [[2.0, 0.0], [0.0, 4.0]]
    assert func.jacfwd(lambda t: t ** 2)(x).tolist() == [[2.0, 0.0], [0.0, 4.0]]
    assert func.hessian(cubes)(x).tolist() == [[6.0, 0.0], [0.0, 12.0]]


def test_functional_call_and_grad_over_a_dict_of_parameters():
    model = ag.nn.Linear(2, 1)
    own = model.weight
    params = {name: ag.ones_like(p) for name, p in model.named_parameters()}
    x = ag.tensor([1., 2.])
    assert func.functional_call(model, params, (x,)).tolist() == [4.0]
    assert model.weight is own                                  # its own parameters are back
    grads = func.grad(lambda p, inp: func.functional_call(model, p, (inp,)).sum())(params, x)
    assert {k: v.tolist() for k, v in grads.items()} == {"weight": [[1.0, 2.0]], "bias": [1.0]}
    with pytest.raises(RuntimeError, match="missing keys \\['bias'\\]"):
        func.functional_call(model, {"weight": params["weight"]}, (x,), strict=True)


def test_vmap_says_what_to_do_instead():
    with pytest.raises(NotImplementedError, match="loop over the batch"):
        func.vmap(cubes)(ag.ones(3, 2))
