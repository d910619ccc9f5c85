"""``nn.Module`` and ``nn.Parameter``: registration, naming, state_dict,
modes, gradients, hooks, dtype conversion, printing; and ``nn.init``.

Reprs, errors and init gains are compared with strings and numbers recorded
from PyTorch (``tests/golden_nn/values.json``); torch is never imported.
"""
import copy
import math
import os
import pickle
import sys
from collections import OrderedDict

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_nn import cases, check  # noqa: E402

import autograd_ref as torch  # noqa: E402
from autograd_ref import nn  # noqa: E402


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("count", torch.zeros(1))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


# ---- Parameter ---------------------------------------------------------------------

def test_parameter_is_a_leaf_tensor_that_requires_grad():
    p = nn.Parameter(torch.randn(2, 3))
    assert isinstance(p, torch.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert not nn.Parameter(torch.zeros(2), requires_grad=False).requires_grad


def test_parameter_shares_memory_with_its_data():
    data = torch.zeros(3)
    p = nn.Parameter(data)
    data[0] = 5.0
    assert p[0].item() == 5.0
    with torch.no_grad():
        p.add_(1.0)
    assert data.tolist() == [6.0, 1.0, 1.0]


def test_parameter_of_a_computed_tensor_is_a_leaf():
    x = torch.ones(2, requires_grad=True)
    p = nn.Parameter(x * 2)
    assert p.is_leaf and p.grad_fn is None
    (p * 3).sum().backward()
    assert p.grad.tolist() == [3.0, 3.0] and x.grad is None


def test_operations_on_parameters_give_plain_tensors():
    p = nn.Parameter(torch.ones(2))
    for y in (p * 2, p + p, p.view(2), p.detach(), p.data):
        assert type(y) is torch.Tensor
    assert type((p * 2).grad_fn).__name__ == "MulBackward0"


def test_parameter_refuses_what_is_not_a_tensor_and_integer_grads():
    with pytest.raises(TypeError):
        nn.Parameter([1.0, 2.0])
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(torch.tensor([1, 2]))
    assert nn.Parameter(torch.tensor([1, 2]), requires_grad=False).dtype is torch.int64


def test_parameter_deepcopy_and_pickle_keep_the_type():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    p.grad = torch.tensor([0.5, 0.5])
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is nn.Parameter and q.requires_grad
        assert q.tolist() == [1.0, 2.0]
        with torch.no_grad():
            q.zero_()
        assert p.tolist() == [1.0, 2.0]
    assert copy.deepcopy(p).grad.tolist() == [0.5, 0.5]


# ---- registration --------------------------------------------------------------------

def test_attributes_register_parameters_modules_and_buffers():
    net = Net()
    assert list(net._parameters) == ["scale"]
    assert list(net._modules) == ["fc1", "act", "fc2"]
    assert list(net._buffers) == ["count"]
    assert "fc1" not in net.__dict__ and net.fc1 is net._modules["fc1"]
    net.plain = torch.zeros(1)            # a plain tensor is only an attribute
    assert "plain" in net.__dict__ and "plain" not in net._buffers


def test_named_parameters_in_registration_order():
    names = [name for name, _ in Net().named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in Net().named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in Net().named_parameters(prefix="model")][:2] == ["model.scale", "model.fc1.weight"]
    assert sum(p.numel() for p in Net().parameters()) == 1 + 3 * 4 + 4 + 4 * 2 + 2


def test_shared_modules_and_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert [n for n, _ in model.named_modules()] == ["", "0", "1"]
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == \
        ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(model.children())) == 2


def test_parameters_are_what_named_parameters_gives_in_a_tree_with_shared_and_absent_members():
    shared = nn.Linear(2, 2)
    inner = nn.Sequential(shared, nn.Tanh(), nn.Linear(2, 3))
    tied = nn.Linear(3, 2)
    tied.extra = nn.Parameter(torch.zeros(1))
    tied.also = tied.extra                          # one parameter under two names
    tied.register_parameter("unused", None)         # declared, absent
    model = nn.Sequential(inner, nn.ReLU(), shared, tied, nn.Sequential(inner))
    model.add_module("absent", None)
    named = [p for _, p in model.named_parameters()]
    assert [id(p) for p in model.parameters()] == [id(p) for p in named]
    assert len(named) == 7                          # 2 + 2 in inner, 3 in tied: each once
    assert list(model.parameters(recurse=False)) == []
    assert [id(p) for p in tied.parameters(recurse=False)] == [id(tied.weight), id(tied.bias), id(tied.extra)]


def test_parameters_follows_a_subclass_that_names_its_parameters_itself():
    class Wrapper(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(2, 2)

        def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
            yield "inner.weight", self.inner.weight

    wrapper = Wrapper()
    assert [id(p) for p in wrapper.parameters()] == [id(wrapper.inner.weight)]


def test_children_modules_and_buffers():
    net = Net()
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert list(net.children()) == [net.fc1, net.act, net.fc2]
    assert [type(m).__name__ for m in net.modules()] == ["Net", "Linear", "ReLU", "Linear"]
    assert [n for n, _ in net.named_buffers()] == ["count"]
    assert list(net.buffers())[0] is net.count
    assert net.get_submodule("fc2") is net.fc2 and net.get_submodule("") is net


def test_reassigning_and_deleting():
    net = Net()
    net.scale = None                      # a declared but absent parameter
    assert "scale" in net._parameters and net.scale is None
    assert len(list(net.parameters())) == 4
    net.fc2 = nn.Linear(4, 5)             # a new child replaces the old
    assert net.fc2.out_features == 5
    del net.fc2
    assert "fc2" not in net._modules
    with pytest.raises(AttributeError):
        net.fc2
    net.count = torch.ones(1)             # a buffer stays a buffer
    assert net._buffers["count"].tolist() == [1.0]
    net.fc1 = nn.Parameter(torch.zeros(1))   # a name moves to where its new value belongs
    assert "fc1" in net._parameters and "fc1" not in net._modules
    del net.count
    assert "count" not in net._buffers


def test_register_buffer_persistent_and_not():
    m = nn.Module()
    m.register_buffer("kept", torch.zeros(2))
    m.register_buffer("scratch", torch.ones(2), persistent=False)
    m.register_buffer("absent", None)
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch"]
    assert list(m.state_dict()) == ["kept"]


def test_register_parameter_and_add_module():
    m = nn.Module()
    m.register_parameter("w", nn.Parameter(torch.ones(2)))
    m.add_module("child", nn.Tanh())
    m.register_module("other", nn.ReLU())
    assert [n for n, _ in m.named_parameters()] == ["w"]
    assert [n for n, _ in m.named_children()] == ["child", "other"]
    assert "w" in dir(m) and "child" in dir(m)


# ---- modes and gradients -----------------------------------------------------------------

def test_train_and_eval_reach_every_module_and_return_self():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.ReLU()))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model and all(m.training for m in model.modules())
    model[1].train(False)
    assert model.training and not model[1][0].training


def test_zero_grad_sets_to_none_or_zeros():
    net = Net()
    net(torch.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    grad = net.fc1.weight.grad
    net.zero_grad(set_to_none=False)
    assert net.fc1.weight.grad is grad and grad.abs().sum().item() == 0
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_requires_grad_freezes_parameters():
    net = Net()
    assert net.fc1.requires_grad_(False) is net.fc1
    net(torch.randn(5, 3)).sum().backward()
    assert net.fc1.weight.grad is None and net.fc2.weight.grad is not None


def test_gradients_reach_every_parameter():
    net = Net()
    x = torch.randn(5, 3, requires_grad=True)
    net(x).pow(2).sum().backward()
    for name, p in net.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
    assert x.grad.shape == x.shape


# ---- state_dict ------------------------------------------------------------------------

def test_state_dict_keys_values_and_memory():
    net = Net()
    sd = net.state_dict()
    assert list(sd) == ["scale", "count", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert type(sd) is OrderedDict
    assert all(type(t) is torch.Tensor and not t.requires_grad for t in sd.values())
    sd["fc1.bias"][0] = 42.0              # detached, but the same memory
    assert net.fc1.bias[0].item() == 42.0
    assert net.state_dict(keep_vars=True)["fc1.weight"] is net.fc1.weight


def test_state_dict_round_trip_gives_the_same_model():
    torch.manual_seed(0)
    a, b = Net(), Net()
    x = torch.randn(4, 3)
    assert not torch.allclose(a(x), b(x))
    weight = b.fc1.weight
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert torch.equal(a(x), b(x))
    assert b.fc1.weight is weight          # copied into, not replaced
    assert b.fc1.weight.requires_grad and b.fc1.weight.grad_fn is None
    a.fc1.bias.data[0] = 100.0             # the copy owns its memory
    assert b.fc1.bias[0].item() != 100.0


def test_load_state_dict_converts_dtype_and_can_assign():
    model = nn.Linear(2, 1)
    model.load_state_dict({"weight": torch.ones(1, 2, dtype=torch.float64),
                           "bias": torch.zeros(1, dtype=torch.float64)})
    assert model.weight.dtype is torch.float32 and model.weight.tolist() == [[1.0, 1.0]]
    w = torch.full((1, 2), 3.0)
    model.load_state_dict({"weight": w, "bias": torch.zeros(1)}, assign=True)
    assert isinstance(model.weight, nn.Parameter) and model.weight.requires_grad
    w[0, 0] = 7.0
    assert model.weight[0, 0].item() == 7.0


def test_load_state_dict_not_strict_reports_keys():
    result = nn.Linear(2, 1).load_state_dict({"weight": torch.zeros(1, 2), "extra": torch.zeros(1)},
                                             strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    missing, unexpected = result
    assert missing == ["bias"]


def test_state_dict_survives_pickle_and_deepcopy():
    net = Net()
    restored = Net()
    restored.load_state_dict(pickle.loads(pickle.dumps(net.state_dict())))
    x = torch.randn(2, 3)
    assert torch.equal(net(x), restored(x))
    clone = copy.deepcopy(net)
    assert torch.equal(clone(x), net(x))
    with torch.no_grad():
        clone.fc1.weight.zero_()
    assert not torch.equal(clone(x), net(x))
    assert isinstance(clone.fc1.weight, nn.Parameter)


# ---- calling: forward, hooks, apply ----------------------------------------------------------

def test_call_runs_forward():
    class Double(nn.Module):
        def forward(self, x, factor=2):
            return x * factor
    assert Double()(torch.tensor([1.0]), factor=3).tolist() == [3.0]


def test_forward_pre_hook_and_forward_hook():
    model = nn.Linear(2, 2)
    seen = []
    pre = model.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = model.register_forward_hook(lambda m, args, out: seen.append((m, args[0], out)))
    out = model(torch.ones(1, 2))
    assert seen[0][0] is model and seen[0][1].tolist() == [[0.0, 0.0]]
    assert torch.equal(out, model.bias.detach().unsqueeze(0))
    pre.remove()
    post.remove()
    model(torch.ones(1, 2))
    assert len(seen) == 1


def test_hooks_that_return_replace_and_run_in_order():
    model = nn.Identity()
    model.register_forward_pre_hook(lambda m, args: args[0] + 1)     # not a tuple: wrapped
    model.register_forward_hook(lambda m, args, out: out * 10)
    model.register_forward_hook(lambda m, args, out: out - 1)
    assert model(torch.tensor([1.0])).tolist() == [19.0]


def test_hook_handle_works_as_a_context_manager():
    model = nn.Identity()
    with model.register_forward_hook(lambda m, a, out: out * 0):
        assert model(torch.tensor([2.0])).tolist() == [0.0]
    assert model(torch.tensor([2.0])).tolist() == [2.0]


def test_hooks_see_intermediate_activations():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    shapes = {}

    def remember(name):
        def hook(module, args, out):
            shapes[name] = tuple(out.shape)     # returns None: the output is kept
        return hook
    for name, module in model.named_children():
        module.register_forward_hook(remember(name))
    model(torch.randn(5, 3))
    assert shapes == {"0": (5, 4), "1": (5, 4), "2": (5, 1)}


def test_apply_visits_children_first_and_returns_self():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2)))
    order = []
    assert model.apply(lambda m: order.append(type(m).__name__)) is model
    assert order == ["Linear", "Linear", "Sequential", "Sequential"]

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    model.apply(init_weights)
    assert model(torch.ones(1, 2)).tolist() == [[4.0, 4.0]]


# ---- dtype and device ----------------------------------------------------------------------

def test_double_float_and_to_keep_parameter_identity():
    net = Net()
    weight = net.fc1.weight
    net(torch.randn(2, 3)).sum().backward()
    assert net.double() is net
    assert net.fc1.weight is weight and weight.dtype is torch.float64
    assert weight.grad.dtype is torch.float64 and net.count.dtype is torch.float64
    assert net(torch.randn(2, 3, dtype=torch.float64)).dtype is torch.float64
    assert net.float().fc2.bias.dtype is torch.float32
    assert net.to(torch.float64).scale.dtype is torch.float64
    assert net.to(dtype=torch.float32).scale.dtype is torch.float32
    assert net.to(torch.zeros(1, dtype=torch.float64)).scale.dtype is torch.float64
    assert net.to("cpu") is net and net.cpu() is net


def test_to_leaves_integer_buffers_alone():
    m = nn.Module()
    m.register_buffer("steps", torch.tensor([3]))
    m.double()
    assert m.steps.dtype is torch.int64


def test_to_a_missing_device_gives_the_engines_error():
    with pytest.raises(RuntimeError) as module_error:
        nn.Linear(1, 1).to("cuda")
    with pytest.raises(RuntimeError) as engine_error:
        torch.zeros(1, device="cuda")
    assert str(module_error.value) == str(engine_error.value)
    with pytest.raises(RuntimeError):
        nn.Linear(1, 1).cuda()


# ---- printing and errors, as PyTorch ----------------------------------------------------------

@pytest.mark.parametrize("name", list(cases.REPRS))
def test_repr_matches_pytorch(name):
    assert cases.REPRS[name](torch) == check.VALUES["reprs"][name]


def test_extra_repr_of_a_custom_module():
    class Scale(nn.Module):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def extra_repr(self):
            return f"factor={self.factor}"

    class Two(nn.Module):
        def extra_repr(self):
            return "first line\nsecond line"

    assert repr(Scale(2)) == "Scale(factor=2)"
    assert repr(nn.Sequential(Scale(2))) == "Sequential(\n  (0): Scale(factor=2)\n)"
    assert repr(Two()) == "Two(\n  first line\n  second line\n)"


@pytest.mark.parametrize("name", check.MODULE_ERRORS)
def test_module_error_matches_pytorch(name):
    problem = check.compare_error(torch, name)
    assert problem is None, problem


# ---- nn.init -------------------------------------------------------------------------------

@pytest.mark.parametrize("nonlinearity, param, gain", check.VALUES["gains"])
def test_calculate_gain_matches_pytorch(nonlinearity, param, gain):
    assert nn.init.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-15)


@pytest.mark.parametrize("shape, fans", check.VALUES["fans"])
def test_fans_match_pytorch(shape, fans):
    assert list(nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))) == fans


def _filled(fn, shape=(200, 300), **kw):
    w = torch.empty(shape, requires_grad=True)
    assert fn(w, **kw) is w
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    return w.detach().numpy()


def test_init_fills_in_place_outside_the_graph():
    values = _filled(nn.init.uniform_, a=-2.0, b=3.0)
    assert values.min() >= -2.0 and values.max() < 3.0
    assert abs(values.mean() - 0.5) < 0.05
    values = _filled(nn.init.normal_, mean=1.0, std=0.5)
    assert abs(values.mean() - 1.0) < 0.01 and abs(values.std() - 0.5) < 0.01
    assert (_filled(nn.init.constant_, val=0.25) == 0.25).all()
    assert (_filled(nn.init.zeros_) == 0).all() and (_filled(nn.init.ones_) == 1).all()


@pytest.mark.parametrize("fn, kw, std", [
    (nn.init.kaiming_uniform_, {}, math.sqrt(2) / math.sqrt(300)),      # a=0: the gain of relu
    (nn.init.kaiming_uniform_, {"a": math.sqrt(5)}, 1 / math.sqrt(3 * 300)),
    (nn.init.kaiming_normal_, {"nonlinearity": "relu"}, math.sqrt(2 / 300)),
    (nn.init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "relu"}, math.sqrt(2 / 200)),
    (nn.init.xavier_uniform_, {}, math.sqrt(2 / 500)),
    (nn.init.xavier_normal_, {"gain": 2.0}, 2 * math.sqrt(2 / 500)),
])
def test_scaled_inits_have_the_right_spread(fn, kw, std):
    values = _filled(fn, **kw)
    assert abs(values.std() / std - 1) < 0.02
    if fn in (nn.init.kaiming_uniform_, nn.init.xavier_uniform_):
        assert numpy.abs(values).max() <= math.sqrt(3) * std * (1 + 1e-6)


def test_init_is_reproducible_with_manual_seed_or_a_generator():
    torch.manual_seed(3)
    a = nn.init.normal_(torch.empty(5)).tolist()
    torch.manual_seed(3)
    assert nn.init.normal_(torch.empty(5)).tolist() == a
    g = torch.Generator().manual_seed(1)
    b = nn.init.uniform_(torch.empty(5), generator=g).tolist()
    g.manual_seed(1)
    assert nn.init.uniform_(torch.empty(5), generator=g).tolist() == b


def test_init_keeps_dtype():
    w = torch.empty(3, 4, dtype=torch.float64)
    assert nn.init.xavier_uniform_(w).dtype is torch.float64
