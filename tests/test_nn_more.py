"""Embedding, ModuleDict, ParameterList, ParameterDict, normalize,
cosine_similarity, pairwise_distance, logsigmoid, relu6 and pad.

Values, gradients and node names are golden cases in ``tests/golden_nn``
(run by ``test_nn_layers.py``); this file checks their errors against
PyTorch's, the containers' registration, and each differentiable function
with ``gradcheck`` in float64. The repr strings below were printed by PyTorch
2.13 (``torch.`` written ``autograd_ref.`` where a dtype is printed).
"""
import os
import sys
from collections import OrderedDict

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_nn import check  # noqa: E402

import autograd_ref as torch  # noqa: E402
from autograd_ref import nn  # noqa: E402
import autograd_ref.nn.functional as F  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402


@pytest.mark.parametrize("name", check.MORE_ERRORS)
def test_error_matches_pytorch(name):
    problem = check.compare_error(torch, name)
    assert problem is None, problem


# ---- Embedding ---------------------------------------------------------------------------

def test_embedding_init_is_standard_normal_with_the_padding_row_zero():
    torch.manual_seed(0)
    emb = nn.Embedding(400, 50, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert emb.weight.shape == (400, 50) and emb.weight.requires_grad
    assert (w[3] == 0).all()
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    assert nn.Embedding(4, 3, padding_idx=-1).padding_idx == 3
    assert nn.Embedding(4, 3, dtype=torch.float64).weight.dtype is torch.float64


def test_embedding_lookup_shapes_and_padding_gradient():
    emb = nn.Embedding(5, 3, padding_idx=2)
    idx = torch.tensor([[0, 2, 2], [4, 0, 1]])
    out = emb(idx)
    assert out.shape == (2, 3, 3) and type(out.grad_fn).__name__ == "EmbeddingBackward0"
    assert torch.equal(out[1, 0], emb.weight[4])
    out.sum().backward()
    assert emb.weight.grad.tolist() == [[2.0] * 3, [1.0] * 3, [0.0] * 3, [0.0] * 3, [1.0] * 3]
    assert emb(torch.tensor(4)).shape == (3,)


def test_embedding_from_pretrained_is_frozen_unless_asked():
    table = torch.arange(6.).reshape(3, 2)
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad and repr(frozen) == "Embedding(3, 2)"
    assert frozen(torch.tensor([2])).tolist() == [[4.0, 5.0]]
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad


def test_embedding_options_not_supported_say_so():
    with pytest.raises(NotImplementedError):
        nn.Embedding(3, 2, max_norm=1.0)(torch.tensor([0]))
    with pytest.raises(NotImplementedError):
        nn.Embedding(3, 2, sparse=True)(torch.tensor([0]))


# ---- containers ----------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 2, padding_idx=0)
        self.heads = nn.ModuleDict({"y": nn.Linear(2, 1), "x": nn.Linear(2, 3)})
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(3))])
        self.extra = nn.ParameterDict({"t": nn.Parameter(torch.zeros(1))})


NET_REPR = ("Net(\n  (emb): Embedding(5, 2, padding_idx=0)\n  (heads): ModuleDict(\n"
            "    (y): Linear(in_features=2, out_features=1, bias=True)\n"
            "    (x): Linear(in_features=2, out_features=3, bias=True)\n  )\n"
            "  (scales): ParameterList(\n      (0): Parameter containing: [autograd_ref.float32 of size 2]\n"
            "      (1): Parameter containing: [autograd_ref.float32 of size 3]\n  )\n"
            "  (extra): ParameterDict(  (t): Parameter containing: [torch.FloatTensor of size 1])\n)")
NET_KEYS = ["emb.weight", "heads.y.weight", "heads.y.bias", "heads.x.weight", "heads.x.bias", "scales.0",
            "scales.1", "extra.t"]


def test_containers_register_with_their_parent():
    net = Net()
    assert repr(net) == NET_REPR
    assert list(net.state_dict()) == NET_KEYS
    assert [n for n, _ in net.named_parameters()] == NET_KEYS
    net.double()
    assert all(p.dtype is torch.float64 for p in net.parameters())
    assert net.scales[0].dtype is torch.float64 and net.extra["t"].dtype is torch.float64
    copy = Net()
    copy.load_state_dict(net.state_dict())
    assert torch.equal(copy.heads["x"].weight, net.heads["x"].weight.float())


def test_module_dict_behaves_as_a_dict():
    d = nn.ModuleDict({"a": nn.ReLU()})
    d.update([("c", nn.Tanh()), ("b", nn.ReLU())])
    assert list(d) == ["a", "c", "b"]
    d.update({"z": nn.ReLU(), "d": nn.ReLU()})
    assert list(d.keys()) == ["a", "c", "b", "z", "d"]
    d["e"] = nn.Linear(1, 1)
    assert "e" in d and len(d) == 6 and len(list(d.parameters())) == 2
    assert isinstance(d.pop("c"), nn.Tanh) and "c" not in d
    del d["a"]
    assert [k for k, _ in d.items()] == ["b", "z", "d", "e"] and len(list(d.values())) == 4
    d.update(nn.ModuleDict(OrderedDict(f=nn.ReLU())))
    assert list(d)[-1] == "f"
    d.clear()
    assert len(d) == 0 and repr(d) == "ModuleDict()"
    with pytest.raises(ValueError, match="element #0 has length 1; 2 is required"):
        d.update([("a",)])


def test_parameter_list_behaves_as_a_list():
    pl = nn.ParameterList([nn.Parameter(torch.zeros(2, 3)),
                           nn.Parameter(torch.zeros(4, dtype=torch.float64), requires_grad=False), torch.ones(1)])
    assert isinstance(pl[2], nn.Parameter) and pl[-1] is pl[2]
    pl.append("x")
    assert repr(pl) == ("ParameterList(\n    (0): Parameter containing: [autograd_ref.float32 of size 2x3]\n"
                        "    (1): Parameter containing: [autograd_ref.float64 of size 4]\n"
                        "    (2): Parameter containing: [autograd_ref.float32 of size 1]\n"
                        "    (3): Object of type: str\n)")
    assert list(pl.state_dict()) == ["0", "1", "2"] and len(pl) == 4 and pl[3] == "x"
    assert repr(nn.ParameterList([torch.zeros(())])) == \
        "ParameterList(  (0): Parameter containing: [autograd_ref.float32 of size ])"
    tail = pl[1:3]
    assert type(tail) is nn.ParameterList and len(tail) == 2 and tail[0] is pl[1]
    pl[0] = torch.ones(5)
    assert isinstance(pl[0], nn.Parameter) and pl[0].shape == (5,)
    pl += [torch.zeros(1)]
    assert len(pl) == 5 and pl[4].shape == (1,)
    assert repr(nn.ParameterList()) == "ParameterList()"


def test_parameter_dict_behaves_as_a_dict():
    pd = nn.ParameterDict({"w": nn.Parameter(torch.zeros(2)), "b": torch.ones(3, 1, dtype=torch.float64)})
    assert list(pd) == ["b", "w"]            # a plain dict's items are sorted, as PyTorch
    assert repr(pd) == ("ParameterDict(\n    (b): Parameter containing: [torch.DoubleTensor of size 3x1]\n"
                        "    (w): Parameter containing: [torch.FloatTensor of size 2]\n)")
    assert isinstance(pd["b"], nn.Parameter) and list(pd.state_dict()) == ["b", "w"]
    assert list(nn.ParameterDict(OrderedDict([("w", torch.zeros(1)), ("b", torch.zeros(1))]))) == ["w", "b"]
    assert list(nn.ParameterDict([("w", torch.zeros(1)), ("b", torch.zeros(1))])) == ["w", "b"]
    assert list(pd | {"a": torch.zeros(1)}) == ["b", "w", "a"]
    assert list({"z": torch.zeros(1)} | pd) == ["z", "b", "w"]
    assert pd.get("nope", 7) == 7 and "w" in pd and len(pd) == 2
    assert pd.setdefault("c", torch.ones(2)).shape == (2,) and list(pd) == ["b", "w", "c"]
    assert list(reversed(pd)) == ["c", "w", "b"]
    assert pd.popitem()[0] == "c" and list(pd.keys()) == ["b", "w"]
    assert pd.pop("b").shape == (3, 1) and list(pd) == ["w"]
    assert [k for k, _ in pd.items()] == ["w"] and len(list(pd.values())) == 1
    copy = pd.copy()
    assert copy["w"] is pd["w"]
    pd |= {"x": torch.zeros(1)}
    assert list(pd) == ["w", "x"]
    assert list(pd.fromkeys(["p", "q"])) == ["p", "q"]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == [] and repr(pd) == "ParameterDict()"


# ---- functions: behaviour and gradcheck ---------------------------------------------------------

def test_functions_small_facts():
    assert F.normalize(torch.tensor([[3., 4.]], dtype=torch.float64)).tolist() == [[0.6, 0.8]]
    assert F.normalize(torch.zeros(2, 3)).tolist() == [[0.0] * 3] * 2
    assert F.cosine_similarity(torch.zeros(2, 3), torch.ones(2, 3)).tolist() == [0.0, 0.0]
    assert F.pairwise_distance(torch.zeros(3), torch.ones(3)).shape == ()
    assert F.pairwise_distance(torch.zeros(2, 3), torch.ones(3)).shape == (2,)
    assert F.cosine_similarity(torch.ones(2, 1, 3), torch.ones(4, 3)).shape == (2, 3)
    assert F.relu6(torch.tensor([-1., 3., 8.])).tolist() == [0.0, 3.0, 6.0]
    x = torch.tensor([6.0, 0.0], requires_grad=True)
    F.relu6(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    assert F.logsigmoid(torch.tensor([-200., 200.])).tolist() == [-200.0, 0.0]
    assert F.pad(torch.tensor([1, 2]), (1, 1)).tolist() == [0, 1, 2, 0]
    assert F.pad(torch.tensor([1, 2]), (1, 1)).dtype is torch.int64
    assert F.pad(torch.tensor([[1., 2., 3.]]), (2, 1), mode="reflect").tolist() == [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
    with pytest.raises(NotImplementedError, match="the last 1 or 2 dims only"):
        F.pad(torch.zeros(1, 2, 3, 4, 5), (1, 1, 1, 1, 1, 1), mode="reflect")


def _double(*shape, seed=0):
    rng = numpy.random.default_rng(seed)
    return torch.tensor(rng.standard_normal(shape), requires_grad=True)


GRADCHECKS = {
    # (padding_idx and scale_grad_by_freq change the gradient on purpose: golden cases check them)
    "embedding": (lambda w: F.embedding(torch.tensor([[0, 2, 2], [3, 1, 0]]), w), [(4, 3)]),
    "normalize": (lambda x: F.normalize(x, p=3, dim=0), [(3, 4)]),
    "cosine_similarity": (lambda a, b: F.cosine_similarity(a, b, dim=-1), [(3, 4), (3, 4)]),
    "pairwise_distance": (lambda a, b: F.pairwise_distance(a, b, keepdim=True), [(3, 4), (4,)]),
    "logsigmoid": (F.logsigmoid, [(3, 4)]),
    "relu6": (lambda x: F.relu6(x * 4), [(3, 4)]),
    "pad": (lambda x: F.pad(x, (1, -1, 0, 2), value=2.0), [(2, 3, 4)]),
}


@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradcheck(name):
    fn, shapes = GRADCHECKS[name]
    inputs = [_double(*s, seed=i) for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs)
    if name not in ("embedding", "pad", "relu6"):     # linear in their inputs: nothing second
        assert gradgradcheck(fn, inputs)


def test_forward_mode_tangents():
    """Forward-mode AD through each function: the tangent is the directional
    derivative; embedding's tangent keeps the padding row, as PyTorch's does."""
    import autograd_ref.autograd.forward_ad as fwAD
    x, t = _double(3, 4, seed=1).detach(), _double(3, 4, seed=2).detach()
    fns = [F.logsigmoid, F.normalize, lambda v: F.pad(v, (1, -1, 0, 2), value=1.0),
           lambda v: F.cosine_similarity(v, x.flip(0)), lambda v: F.pairwise_distance(v, x.flip(1))]
    with fwAD.dual_level():
        for fn in fns:
            jvp = fwAD.unpack_dual(fn(fwAD.make_dual(x, t))).tangent
            numerical = (fn(x + 1e-6 * t) - fn(x - 1e-6 * t)) / 2e-6
            assert numpy.allclose(jvp.numpy(), numerical.numpy(), atol=1e-7)
        w = torch.ones(4, 2, dtype=torch.float64)
        tangent = torch.arange(8.).reshape(4, 2).double()
        out = F.embedding(torch.tensor([1, 0, 0]), fwAD.make_dual(w, tangent), padding_idx=0,
                          scale_grad_by_freq=True)
        assert fwAD.unpack_dual(out).tangent.tolist() == [[2.0, 3.0], [0.0, 1.0], [0.0, 1.0]]
