"""Recurrent layers: RNN (tanh, relu), LSTM, GRU and their cells.

The golden cases (``tests/golden_rnn/cases.py``) put the same weights into a layer on both sides, run it on
the same input and initial state, call backward on a fixed function of the output and final states, and
compare the values, the gradients of the input, the initial state and every parameter, the ``grad_fn``
names, and the parameters' names and shapes. ``tests/golden_rnn/record.py`` recorded PyTorch's side, with
its error messages, warnings and reprs; torch is never imported here. The rest checks what golden values
cannot: initialisation, gradcheck (backward, forward mode, second derivatives), a training run, state_dict,
dropout, and what is refused.
"""
import math
import os
import sys
import warnings
from collections import namedtuple

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_rnn import cases, check  # noqa: E402

import autograd_ref as torch  # noqa: E402
from autograd_ref import nn  # noqa: E402
from autograd_ref.autograd import gradcheck, gradgradcheck  # noqa: E402
from autograd_ref.func import functional_call  # noqa: E402


def test_every_case_was_recorded():
    assert [c.name for c in cases.CASES] == list(check.VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden_rnn/record.py where torch is installed"
    assert set(cases.ERRORS) == set(check.VALUES["errors"])


@pytest.mark.parametrize("name", [c.name for c in cases.CASES])
def test_matches_pytorch(name):
    problems = check.compare_case(torch, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["lstm-2layers-bidirectional-f64", "gru-unbatched-no-h0-f64",
                                  "rnncell-relu-no-h0-f64"])
def test_matches_pytorch_on_gpu(name, gpu):
    """The same case with every tensor (and so the layer's parameters and zero states) on a GPU."""
    torch.set_default_device(gpu)
    problems = check.compare_case(torch, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(cases.ERRORS))
def test_error_matches_pytorch(name):
    problem = check.compare_error(torch, name)
    assert problem is None, problem


@pytest.mark.parametrize("name", list(cases.WARNINGS))
def test_warning_matches_pytorch(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cases.WARNINGS[name](torch)
    assert [[w.category.__name__, str(w.message)] for w in caught] == [check.VALUES["warnings"][name]]
    assert caught[0].filename.endswith("cases.py")       # points at the line that built the layer


@pytest.mark.parametrize("name", list(cases.REPRS))
def test_repr_matches_pytorch(name):
    assert repr(cases.REPRS[name](torch)) == check.VALUES["reprs"][name]


# ---- construction -------------------------------------------------------------------------------------

@pytest.mark.parametrize("layer", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
def test_init_is_uniform_in_one_over_sqrt_hidden(layer):
    torch.manual_seed(0)
    m = getattr(nn, layer)(30, 64)
    bound = 1 / math.sqrt(64)
    for name, p in m.named_parameters():
        values = p.detach().numpy()
        assert p.requires_grad and numpy.abs(values).max() <= bound, name
    w = m.weight_hh_l0 if hasattr(m, "weight_hh_l0") else m.weight_hh
    assert abs(w.detach().numpy().std() / (bound / math.sqrt(3)) - 1) < 0.05     # uniform: std = bound/sqrt 3
    torch.manual_seed(0)
    again = getattr(nn, layer)(30, 64)
    assert all(torch.equal(a, b) for a, b in zip(m.parameters(), again.parameters()))


def test_constructor_options():
    lstm = nn.LSTM(3, 4, 2, bidirectional=True, dtype=torch.float64)
    assert lstm.weight_ih_l1_reverse.shape == (16, 8) and lstm.weight_ih_l0.dtype is torch.float64
    assert [[tuple(p.shape) for p in group] for group in lstm.all_weights][:1] == [[(16, 3), (16, 4), (16,), (16,)]]
    assert lstm.mode == "LSTM" and nn.RNN(3, 4, nonlinearity="relu").mode == "RNN_RELU"
    assert [n for n, _ in nn.GRUCell(3, 4, bias=False).named_parameters()] == ["weight_ih", "weight_hh"]
    assert nn.GRUCell(3, 4, bias=False).bias_ih is None
    assert nn.RNN(3, 4, 2, "relu", False, True, 0.5, True).nonlinearity == "relu"
    assert nn.LSTM(3, 4, dropout=0).dropout == 0.0
    lstm.flatten_parameters()           # PyTorch code calls it; nothing to do here


def test_proj_size_and_packed_sequences_are_refused_clearly():
    with pytest.raises(NotImplementedError, match="proj_size"):
        nn.LSTM(3, 4, proj_size=2)
    PackedSequence = namedtuple("PackedSequence", "data batch_sizes sorted_indices unsorted_indices")
    packed = PackedSequence(torch.zeros(6, 3), torch.tensor([2, 2, 2]), None, None)
    for layer in (nn.RNN(3, 4), nn.LSTM(3, 4), nn.GRU(3, 4)):
        with pytest.raises(NotImplementedError, match="PackedSequence"):
            layer(packed)


# ---- behaviour ------------------------------------------------------------------------------------------

def _copy_cell(module, cell):
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(module, name + "_l0"))
    return cell


@pytest.mark.parametrize("layer", ["RNN", "LSTM", "GRU"])
def test_a_one_layer_module_is_its_cell_run_along_the_sequence(layer):
    torch.manual_seed(1)
    module = getattr(nn, layer)(3, 5)
    cell = _copy_cell(module, getattr(nn, layer + "Cell")(3, 5))
    x = torch.randn(6, 2, 3)
    output, state = module(x)
    s = None
    for t in range(6):
        s = cell(x[t], s)
        assert torch.allclose(output[t], s[0] if layer == "LSTM" else s, atol=1e-6)
    last = state if layer == "LSTM" else (state,)
    now = s if layer == "LSTM" else (s,)
    assert all(torch.allclose(a[0], b, atol=1e-6) for a, b in zip(last, now))


def test_unbatched_input_is_a_batch_of_one_and_bidirectional_runs_backwards():
    torch.manual_seed(2)
    gru = nn.GRU(3, 4, num_layers=2, bidirectional=True)
    x, h0 = torch.randn(5, 3), torch.randn(4, 4)
    out, h = gru(x, h0)
    out1, h1 = gru(x.unsqueeze(1), h0.unsqueeze(1))
    assert torch.allclose(out, out1[:, 0]) and torch.allclose(h, h1[:, 0])
    # the reverse direction of layer 0 sees the sequence from its end: its last output is its first step
    single = nn.GRU(3, 4, bidirectional=True)
    o, h = single(x)
    assert torch.allclose(o[0, 4:], h[1]) and torch.allclose(o[-1, :4], h[0])


def test_dropout_between_layers_only_while_training():
    torch.manual_seed(3)
    lstm = nn.LSTM(3, 8, num_layers=2, dropout=0.5)
    x = torch.randn(4, 2, 3)
    lstm.eval()
    a, b = lstm(x)[0], lstm(x)[0]
    assert torch.equal(a, b)
    lstm.train()
    c = lstm(x)[0]
    assert not torch.allclose(a, c)
    one = nn.GRU(3, 8, dropout=0.0)
    assert torch.equal(one(x)[0], one(x)[0])


def test_dtype_follows_the_model():
    lstm = nn.LSTM(3, 4).double()
    out, (h, c) = lstm(torch.randn(2, 1, 3, dtype=torch.float64))
    assert out.dtype is h.dtype is c.dtype is torch.float64


def _tiny(layer, **kwargs):
    torch.manual_seed(4)
    return getattr(nn, layer)(2, 2, dtype=torch.float64, **kwargs)


def _double(*shape, seed):
    rng = numpy.random.default_rng(seed)
    return torch.tensor(rng.standard_normal(shape), requires_grad=True)


def test_gradcheck_lstm_inputs_states_and_parameters():
    """Backward and forward mode of a tiny two-layer bidirectional LSTM against finite differences."""
    lstm = _tiny("LSTM", num_layers=2, bidirectional=True)
    names = [n for n, _ in lstm.named_parameters()]
    params = [p.detach().clone().requires_grad_() for p in lstm.parameters()]

    def fn(x, h0, c0, *weights):
        out, (h, c) = functional_call(lstm, dict(zip(names, weights)), (x, (h0, c0)))
        return out, h, c

    inputs = [_double(3, 1, 2, seed=0), _double(4, 1, 2, seed=1), _double(4, 1, 2, seed=2)] + params
    assert gradcheck(fn, inputs, check_forward_ad=True)


@pytest.mark.parametrize("layer", ["RNNCell", "LSTMCell", "GRUCell"])
def test_gradgradcheck_cells(layer):
    """Second derivatives (``create_graph=True``) through one step of each cell, with respect to the
    input, the state and the weights."""
    cell = _tiny(layer)
    names = [n for n, _ in cell.named_parameters()]
    params = [p.detach().clone().requires_grad_() for p in cell.parameters()]

    def fn(x, h, c, *weights):
        state = (h, c) if layer == "LSTMCell" else h
        return functional_call(cell, dict(zip(names, weights)), (x, state))

    inputs = [_double(2, 2, seed=0), _double(2, 2, seed=1), _double(2, 2, seed=2)] + params
    if layer != "LSTMCell":
        inputs[2].requires_grad_(False)       # no cell state: c is not used
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_relu_rnn_and_gru_gradcheck_with_batch_first_and_no_bias():
    for layer, kwargs, x_shape in [("RNN", dict(nonlinearity="relu", batch_first=True), (2, 3, 2)),
                                   ("GRU", dict(bias=False, num_layers=2), (3, 2, 2))]:
        m = _tiny(layer, **kwargs)
        assert gradcheck(lambda x, h: m(x, h), [_double(*x_shape, seed=5), _double(m.num_layers, 2, 2, seed=6)])


def test_training_lowers_the_loss():
    """An LSTM and a linear head learn to output the running sum of a sequence."""
    torch.manual_seed(0)
    lstm, head = nn.LSTM(1, 8, batch_first=True), nn.Linear(8, 1)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.03)
    x = torch.rand(16, 5, 1) - 0.5
    y = x.cumsum(1)
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = ((head(lstm(x)[0]) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] / 10, losses[::10]


def test_state_dict_round_trip():
    torch.manual_seed(5)
    gru = nn.GRU(3, 4, num_layers=2, bidirectional=True, bias=False)
    state = gru.state_dict()
    assert list(state) == [n for n, _ in cases.param_shapes(cases.Case("", "GRU", dict(
        num_layers=2, bidirectional=True, bias=False), True, True, "float32"))]
    other = nn.GRU(3, 4, num_layers=2, bidirectional=True, bias=False)
    x = torch.randn(3, 2, 3)
    assert not torch.allclose(gru(x)[0], other(x)[0])
    assert repr(other.load_state_dict(state)) == "<All keys matched successfully>"
    assert torch.equal(gru(x)[0], other(x)[0]) and torch.equal(gru(x)[1], other(x)[1])
    cell = nn.LSTMCell(3, 4)
    copy = nn.LSTMCell(3, 4)
    copy.load_state_dict(cell.state_dict())
    assert list(cell.state_dict()) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert all(torch.equal(a, b) for a, b in zip(cell(x[0]), copy(x[0])))
