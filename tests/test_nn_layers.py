"""nn layers against golden values recorded from PyTorch, and the layers'
own behaviour (initialisation, dropout, containers).

The golden cases (``tests/golden_nn/cases.py``) put fixed weights into a layer
on both sides, run it on fixed inputs, call backward with a fixed output
gradient, and compare the output, its ``grad_fn`` and the gradients of the
inputs and of every parameter (second derivatives for some).
``tests/golden_nn/record.py`` recorded PyTorch's side; torch is never imported.
"""
import math
import os
import sys
from collections import OrderedDict

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_nn import cases, check  # noqa: E402

import autograd_ref as torch  # noqa: E402
from autograd_ref import nn  # noqa: E402
import autograd_ref.nn.functional as F  # noqa: E402


def test_every_case_was_recorded():
    assert sorted(c.name for c in cases.CASES) == sorted(check.VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_nn/record.py where torch is installed"


@pytest.mark.parametrize("name", check.case_names("layers"))
def test_layer_matches_pytorch(name):
    problems = check.compare_case(torch, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", check.case_names("layers"))
def test_layer_matches_pytorch_on_gpu(name, gpu):
    """The same case with every tensor (and so every layer's parameters) created on a GPU."""
    torch.set_default_device(gpu)
    problems = check.compare_case(torch, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", check.LAYER_ERRORS)
def test_layer_error_matches_pytorch(name):
    problem = check.compare_error(torch, name)
    assert problem is None, problem


# ---- Linear ------------------------------------------------------------------------------

def test_linear_shapes_and_default_init():
    torch.manual_seed(0)
    fc = nn.Linear(400, 30)
    assert fc.weight.shape == (30, 400) and fc.bias.shape == (30,)
    bound = 1 / math.sqrt(400)
    w, b = fc.weight.detach().numpy(), fc.bias.detach().numpy()
    assert numpy.abs(w).max() <= bound and numpy.abs(b).max() <= bound
    # uniform on [-bound, bound]: standard deviation bound / sqrt(3)
    assert abs(w.std() / (bound / math.sqrt(3)) - 1) < 0.03
    assert fc(torch.randn(7, 400)).shape == (7, 30)
    assert fc(torch.randn(2, 5, 400)).shape == (2, 5, 30)


def test_linear_init_is_reproducible_with_manual_seed():
    torch.manual_seed(1)
    a = nn.Linear(3, 2)
    torch.manual_seed(1)
    b = nn.Linear(3, 2)
    assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)


def test_linear_options():
    fc = nn.Linear(3, 2, bias=False, dtype=torch.float64)
    assert fc.bias is None and "bias" in fc._parameters
    assert [n for n, _ in fc.named_parameters()] == ["weight"]
    assert fc.weight.dtype is torch.float64
    assert fc(torch.randn(4, 3, dtype=torch.float64)).dtype is torch.float64


def test_linear_graph_is_pytorchs():
    fc = nn.Linear(3, 2)
    y = fc(torch.randn(4, 3))
    assert y.grad_fn.name() == "AddmmBackward0"
    bias, inp, weight_t = (n for n, _ in y.grad_fn.next_functions)
    assert bias.variable is fc.bias and inp is None
    assert weight_t.name() == "TBackward0" and weight_t.next_functions[0][0].variable is fc.weight


# ---- activations, flatten, identity ----------------------------------------------------------

def test_relu_inplace():
    x = torch.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x and x.tolist() == [0.0, 2.0]
    y = torch.tensor([-1.0, 2.0])
    nn.ReLU()(y)
    assert y.tolist() == [-1.0, 2.0]


# Values and gradients from torch 2.13.0: x = [-1.5, -0.2, 0.3, 7.0], y = x * 1 changed in place, then
# (y * [1, 2, 3, 4]).sum().backward().
INPLACE_ACTIVATIONS = {
    "leaky_relu": (lambda y: F.leaky_relu(y, 0.2, inplace=True),
                   [-0.30000001192092896, -0.04000000283122063, 0.30000001192092896, 7.0],
                   [0.20000000298023224, 0.4000000059604645, 3.0, 4.0]),
    "elu": (lambda y: F.elu(y, 0.7, inplace=True),
            [-0.5438088774681091, -0.1268884688615799, 0.30000001192092896, 7.0],
            [0.15619111061096191, 1.1462230682373047, 3.0, 4.0]),
    "hardtanh": (lambda y: F.hardtanh(y, -0.5, 0.5, inplace=True),
                 [-0.5, -0.20000000298023224, 0.30000001192092896, 0.5], [0.0, 2.0, 3.0, 0.0]),
    "silu": (lambda y: F.silu(y, inplace=True),
             [-0.2736382782459259, -0.09003320336341858, 0.172332763671875, 6.993622779846191],
             [-0.0412941612303257, 0.8013253808021545, 1.9433400630950928, 4.021840572357178]),
    "relu6": (lambda y: F.relu6(y, inplace=True), [0.0, 0.0, 0.30000001192092896, 6.0], [0.0, 0.0, 3.0, 0.0]),
    "leaky_relu_": (lambda y: F.leaky_relu_(y, 0.2),
                    [-0.30000001192092896, -0.04000000283122063, 0.30000001192092896, 7.0],
                    [0.20000000298023224, 0.4000000059604645, 3.0, 4.0]),
    "elu_": (lambda y: F.elu_(y), [-0.7768698334693909, -0.18126924335956573, 0.30000001192092896, 7.0],
             [0.22313016653060913, 1.637461543083191, 3.0, 4.0]),
    "hardtanh_": (lambda y: F.hardtanh_(y), [-1.0, -0.20000000298023224, 0.30000001192092896, 1.0],
                  [0.0, 2.0, 3.0, 0.0]),
    "relu_": (lambda y: F.relu_(y), [0.0, 0.0, 0.30000001192092896, 7.0], [0.0, 0.0, 3.0, 4.0]),
}


@pytest.mark.parametrize("name", sorted(INPLACE_ACTIVATIONS))
def test_activations_in_place_change_their_input_and_differentiate_as_in_pytorch(name):
    op, values, grad = INPLACE_ACTIVATIONS[name]
    x = torch.tensor([-1.5, -0.2, 0.3, 7.0], requires_grad=True)
    y = x * 1.0
    version = y._version
    out = op(y)
    assert out is y and y._version == version + 1
    (out * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    numpy.testing.assert_allclose(out.detach().numpy(), values, rtol=1e-6)
    numpy.testing.assert_allclose(x.grad.numpy(), grad, rtol=1e-6)


def test_an_activation_in_place_refuses_what_pytorch_refuses():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        F.elu(torch.tensor([0.5, -1.0], requires_grad=True), inplace=True)
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    e = x.exp()                             # exp saved its result: changing it breaks exp's backward
    F.leaky_relu(e, 0.2, inplace=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        e.sum().backward()


def test_a_discriminator_with_leaky_relu_in_place_trains():
    # DCGAN's discriminator block: Linear, LeakyReLU(0.2, inplace=True); the same steps give the same losses
    # as with inplace=False.
    losses = {}
    for inplace in (False, True):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2, inplace=inplace), nn.Linear(8, 1), nn.Sigmoid())
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        x, target = torch.randn(16, 4), (torch.rand(16, 1) > 0.5).float()
        losses[inplace] = []
        for _ in range(5):
            opt.zero_grad()
            loss = nn.BCELoss()(model(x), target)
            loss.backward()
            opt.step()
            losses[inplace].append(loss.item())
    assert losses[True] == losses[False] and losses[True][-1] < losses[True][0]


def test_softmax_without_dim_warns_and_picks_pytorchs_dim():
    x = torch.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        y = nn.Softmax()(x)
    assert torch.allclose(y.sum(1), torch.ones(2))


def test_identity_ignores_arguments_and_returns_the_input():
    x = torch.randn(2)
    assert nn.Identity(3, key="x")(x) is x


def test_flatten_default_keeps_the_batch():
    assert nn.Flatten()(torch.zeros(2, 3, 4, 5)).shape == (2, 60)
    assert nn.Flatten(1, 2)(torch.zeros(2, 3, 4, 5)).shape == (2, 12, 5)


# ---- Dropout --------------------------------------------------------------------------------

def test_dropout_in_training_zeroes_and_scales():
    torch.manual_seed(0)
    x = torch.ones(100_000, requires_grad=True)
    y = nn.Dropout(p=0.3)(x)
    values = y.detach().numpy()
    kept = values != 0
    assert abs(kept.mean() - 0.7) < 0.01
    assert numpy.allclose(values[kept], 1 / 0.7)
    y.sum().backward()
    assert numpy.array_equal(x.grad.numpy(), values)     # the gradient is the same mask
    assert y.grad_fn.name() == "MulBackward0"


def test_dropout_in_eval_mode_returns_the_input():
    drop = nn.Dropout(0.5).eval()
    x = torch.randn(10)
    assert drop(x) is x
    assert nn.functional.dropout(x, 0.5, training=False) is x


def test_dropout_is_reproducible_with_manual_seed():
    drop = nn.Dropout(0.5)
    torch.manual_seed(7)
    a = drop(torch.ones(20))
    torch.manual_seed(7)
    assert torch.equal(drop(torch.ones(20)), a)
    assert not torch.equal(drop(torch.ones(20)), a)


def test_dropout_edges():
    x = torch.randn(5, requires_grad=True)
    assert nn.Dropout(0.0)(x) is x
    y = nn.Dropout(1.0)(x)
    assert y.abs().sum().item() == 0 and y.requires_grad
    z = torch.ones(1000)
    torch.manual_seed(0)
    assert nn.Dropout(0.5, inplace=True)(z) is z and (z == 0).any()


# ---- Sequential and ModuleList -------------------------------------------------------------------

def test_sequential_runs_in_order_and_indexes():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    model = nn.Sequential(a, b, c)
    x = torch.randn(4, 2)
    assert torch.equal(model(x), c(b(a(x))))
    assert model[0] is a and model[-1] is c and len(model) == 3 and list(model) == [a, b, c]
    with pytest.raises(IndexError):
        model[3]
    part = model[1:]
    assert type(part) is nn.Sequential and list(part) == [b, c]
    assert list(part._modules) == ["1", "2"]        # names kept, as PyTorch does
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_sequential_from_ordered_dict():
    model = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 3)), ("act", nn.Tanh())]))
    assert isinstance(model.hidden, nn.Linear) and model[1] is model.act
    assert list(model.state_dict()) == ["hidden.weight", "hidden.bias"]


def test_sequential_append_insert_extend_set_delete():
    model = nn.Sequential(nn.ReLU())
    assert model.append(nn.Tanh()) is model
    model.insert(0, nn.Identity())
    model.extend([nn.Sigmoid()])
    assert [type(m).__name__ for m in model] == ["Identity", "ReLU", "Tanh", "Sigmoid"]
    model[1] = nn.Softmax(dim=0)
    del model[0]
    assert [type(m).__name__ for m in model] == ["Softmax", "Tanh", "Sigmoid"]
    assert list(model._modules) == ["0", "1", "2"]
    del model[1:]
    assert len(model) == 1


def test_module_list_registers_and_behaves_as_a_list():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and len(list(layers.parameters())) == 6
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    layers += [nn.Sigmoid()]
    layers.insert(1, nn.Identity())
    assert [type(m).__name__ for m in layers] == \
        ["Linear", "Identity", "Linear", "Linear", "ReLU", "Tanh", "Sigmoid"]
    assert type(layers[1:3]) is nn.ModuleList and layers[-1] is layers[6]
    del layers[1]
    assert type(layers[1]).__name__ == "Linear" and list(layers._modules)[-1] == "5"

    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x).relu()
            return x

    stack = Stack()
    assert [n for n, _ in stack.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    assert stack(torch.randn(3, 4)).shape == (3, 4)
    with pytest.raises(NotImplementedError, match="forward"):
        stack.layers(torch.zeros(1))


# ---- one_hot --------------------------------------------------------------------------------

def test_one_hot():
    assert F.one_hot(torch.tensor([0, 2, 1])).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    out = F.one_hot(torch.tensor([[1], [0]]), num_classes=4)
    assert out.shape == (2, 1, 4) and out.dtype is torch.int64


def test_activations_print_inplace_as_pytorch_does():
    # Reprs from torch 2.13.0.
    assert [repr(m) for m in (nn.LeakyReLU(0.2, inplace=True), nn.ELU(inplace=True), nn.Hardtanh(inplace=True),
                              nn.SiLU(inplace=True), nn.ReLU6(inplace=True), nn.LeakyReLU(0.2), nn.SiLU())] == [
        "LeakyReLU(negative_slope=0.2, inplace=True)", "ELU(alpha=1.0, inplace=True)",
        "Hardtanh(min_val=-1.0, max_val=1.0, inplace=True)", "SiLU(inplace=True)", "ReLU6(inplace=True)",
        "LeakyReLU(negative_slope=0.2)", "SiLU()"]
