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


def test_vmap_maps_over_the_batch_dimension_as_pytorch_does():
    """Results and errors as torch.func.vmap gives them (checked with torch 2.13.0)."""
    x = ag.arange(6.).reshape(2, 3)
    assert func.vmap(ag.dot)(x, x).tolist() == [5.0, 50.0]
    assert func.vmap(ag.dot, in_dims=(0, None))(x, x[0]).tolist() == [5.0, 14.0]
    assert func.vmap(lambda a: a.sum(), in_dims=1)(x).tolist() == [3.0, 5.0, 7.0]
    a, b = func.vmap(lambda a: (a, a * 2), out_dims=(0, 1))(x)
    assert a.tolist() == x.tolist() and b.tolist() == [[0.0, 6.0], [2.0, 8.0], [4.0, 10.0]]
    assert func.vmap(lambda d: d["a"] * 2)({"a": x}).tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
    with pytest.raises(ValueError, match="Expected all tensors to have the same size in the mapped dimension, "
                                         "got sizes \\[2, 3\\] for the mapped dimension"):
        func.vmap(ag.dot)(x, ag.ones(3, 4))
    with pytest.raises(ValueError, match="Got in_dim=2 for some input, but that input is a Tensor of "
                                         "dimensionality 2 so expected in_dim to satisfy -2 <= in_dim < 2."):
        func.vmap(lambda a: a * 2, in_dims=2)(x)
    with pytest.raises(ValueError, match="vmap: Expected at least one Tensor to vmap over"):
        func.vmap(lambda a, b: a + b, in_dims=(None, None))(x, x)
    with pytest.raises(ValueError, match="must only return Tensors, got type <class 'float'>"):
        func.vmap(lambda a: 3.0)(x)


def test_vmap_of_grad_gives_per_sample_gradients():
    w = ag.tensor([1.0, -1.0, 2.0])
    x = ag.arange(6.).reshape(2, 3)
    per_sample = func.vmap(func.grad(lambda w, xi: (w * xi).sum() ** 2), in_dims=(None, 0))(w, x)
    expected = [(2 * (w * xi).sum() * xi).tolist() for xi in x]
    assert per_sample.tolist() == expected
