"""The recurrent-layer golden cases: programs written once against a module ``lib`` (``torch`` when
recording, ``autograd_ref`` when testing). Nothing here imports torch.

A case builds one layer (``RNN``, ``LSTM``, ``GRU`` or a cell) with some configuration, puts weights drawn
with numpy into it, runs it on a drawn input (and initial state, if the case has one), and calls backward on
a fixed function of everything it returned: ``sum(output * g_output) + sum(h_n * g_h) (+ sum(c_n * g_c))``
with drawn ``g_*``. A cell is run along the sequence, one step per time step. What is compared: the output
and final states, the gradients of the input, of the initial state and of every parameter, the ``grad_fn``
names of what the layer returned, and ``named_parameters()``' names and shapes.

``record.py`` stores the arrays (weights included) and PyTorch's results in ``values.json``;
``tests/test_nn_rnn.py`` runs the same program with ``lib=autograd_ref`` on the stored arrays.
"""
import zlib
from collections import namedtuple

import numpy

SEED = 20250301
INPUT, HIDDEN, SEQ, BATCH = 3, 4, 4, 2

Case = namedtuple("Case", "name layer kwargs batched h0 dtype")
CASES = []
CELLS = ("RNNCell", "LSTMCell", "GRUCell")


def case(name, layer, batched=True, h0=True, dtypes=("float64",), **kwargs):
    """Add ``name-f64`` (and ``name-f32`` if asked): ``layer(INPUT, HIDDEN, **kwargs)``."""
    for dt in dtypes:
        full = f"{name}-{'f32' if dt == 'float32' else 'f64'}"
        assert full not in {c.name for c in CASES}, full
        CASES.append(Case(full, layer, kwargs, batched, h0, dt))


BOTH = ("float64", "float32")
case("rnn", "RNN", dtypes=BOTH)
case("rnn-no-h0", "RNN", h0=False)
case("rnn-relu-2layers", "RNN", nonlinearity="relu", num_layers=2, dtypes=BOTH)
case("rnn-bidirectional-batch-first", "RNN", bidirectional=True, batch_first=True)
case("rnn-unbatched", "RNN", batched=False)
case("rnn-unbatched-bidirectional-no-h0", "RNN", batched=False, h0=False, bidirectional=True)
case("rnn-no-bias", "RNN", bias=False)
case("rnn-2layers-bidirectional-relu", "RNN", num_layers=2, bidirectional=True, nonlinearity="relu")
case("lstm", "LSTM", dtypes=BOTH)
case("lstm-no-h0", "LSTM", h0=False)
case("lstm-2layers-bidirectional", "LSTM", num_layers=2, bidirectional=True, dtypes=BOTH)
case("lstm-batch-first-no-bias", "LSTM", batch_first=True, bias=False)
case("lstm-unbatched", "LSTM", batched=False)
case("lstm-unbatched-2layers-bidirectional-no-h0", "LSTM", batched=False, h0=False, num_layers=2,
     bidirectional=True)
case("lstm-2layers-batch-first", "LSTM", num_layers=2, batch_first=True)
case("lstm-2layers-dropout1-train", "LSTM", num_layers=2, dropout=1.0)     # layer 2 sees only zeros
case("gru", "GRU", dtypes=BOTH)
case("gru-no-h0", "GRU", h0=False)
case("gru-2layers-bidirectional-batch-first", "GRU", num_layers=2, bidirectional=True, batch_first=True,
     dtypes=BOTH)
case("gru-unbatched-no-h0", "GRU", batched=False, h0=False)
case("gru-unbatched-bidirectional", "GRU", batched=False, bidirectional=True)
case("gru-no-bias", "GRU", bias=False)
case("gru-2layers-dropout-eval", "GRU", num_layers=2, dropout=0.5)         # eval(): no dropout
case("rnncell", "RNNCell", dtypes=BOTH)
case("rnncell-relu-no-h0", "RNNCell", h0=False, nonlinearity="relu")
case("rnncell-unbatched", "RNNCell", batched=False)
case("rnncell-no-bias", "RNNCell", bias=False)
case("lstmcell", "LSTMCell", dtypes=BOTH)
case("lstmcell-no-h0", "LSTMCell", h0=False)
case("lstmcell-unbatched", "LSTMCell", batched=False)
case("lstmcell-no-bias", "LSTMCell", bias=False)
case("grucell", "GRUCell", dtypes=BOTH)
case("grucell-no-h0", "GRUCell", h0=False)
case("grucell-unbatched-no-bias", "GRUCell", batched=False, bias=False)


# ---- shapes -----------------------------------------------------------------------------------------

def is_lstm(c):
    return c.layer.startswith("LSTM")


def param_shapes(c):
    """``[(name, shape)]`` in ``named_parameters()`` order, as PyTorch lays them out."""
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[c.layer.replace("Cell", "")] * HIDDEN
    bias = c.kwargs.get("bias", True)
    if c.layer in CELLS:
        groups = [("", INPUT)]
    else:
        directions = 2 if c.kwargs.get("bidirectional") else 1
        groups = [(f"_l{layer}{'_reverse' if d else ''}", INPUT if layer == 0 else HIDDEN * directions)
                  for layer in range(c.kwargs.get("num_layers", 1)) for d in range(directions)]
    shapes = []
    for suffix, fan_in in groups:
        shapes += [("weight_ih" + suffix, (gates, fan_in)), ("weight_hh" + suffix, (gates, HIDDEN))]
        if bias:
            shapes += [("bias_ih" + suffix, (gates,)), ("bias_hh" + suffix, (gates,))]
    return shapes


def state_shape(c):
    if c.layer in CELLS:
        return (BATCH, HIDDEN) if c.batched else (HIDDEN,)
    layers = c.kwargs.get("num_layers", 1) * (2 if c.kwargs.get("bidirectional") else 1)
    return (layers, BATCH, HIDDEN) if c.batched else (layers, HIDDEN)


def input_shape(c):
    if not c.batched:
        return (SEQ, INPUT)
    return (BATCH, SEQ, INPUT) if c.kwargs.get("batch_first") else (SEQ, BATCH, INPUT)


def make_arrays(c):
    """Input, initial states, weights (uniform in ±0.6) and the loss's weights ``g_*``, drawn from a seed
    of the case's name."""
    rng = numpy.random.default_rng([SEED, zlib.crc32(c.name.encode())])

    def draw(shape, kind="normal"):
        a = rng.standard_normal(shape) if kind == "normal" else rng.uniform(-0.6, 0.6, shape)
        return a.astype(c.dtype)

    arrays = {"x": draw(input_shape(c))}
    states = ["h0", "c0"] if is_lstm(c) else ["h0"]
    if c.h0:
        arrays.update((s, draw(state_shape(c))) for s in states)
    arrays.update(("param:" + name, draw(shape, "uniform")) for name, shape in param_shapes(c))
    out_shape = list(input_shape(c))
    out_shape[-1] = HIDDEN * (2 if c.kwargs.get("bidirectional") else 1)
    if c.layer in CELLS:
        out_shape = [SEQ, *state_shape(c)]
    arrays["g_output"] = draw(tuple(out_shape))
    arrays.update(("g_" + s[0] + "_n", draw(state_shape(c))) for s in states)
    return arrays


# ---- running a case ---------------------------------------------------------------------------------

def build(lib, c):
    kwargs = dict(c.kwargs)
    return getattr(lib.nn, c.layer)(INPUT, HIDDEN, dtype=getattr(lib, c.dtype), **kwargs)


def _numpy(t):
    return t.detach().cpu().numpy().copy()


def _node(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def run(lib, c, arrays):
    """Run case ``c`` with ``lib`` on ``arrays``: every compared result, as numpy arrays and names."""
    T = {k: lib.tensor(a, requires_grad=not k.startswith("g_")) for k, a in arrays.items()
         if not k.startswith("param:")}
    layer = build(lib, c)
    if "dropout-eval" in c.name:
        layer.eval()
    named = dict(layer.named_parameters())
    with lib.no_grad():
        for name, p in named.items():
            p.copy_(lib.tensor(arrays["param:" + name]))
    lstm = is_lstm(c)
    state = None
    if c.h0:
        state = (T["h0"], T["c0"]) if lstm else T["h0"]
    if c.layer in CELLS:
        hs = []
        for x_t in T["x"].unbind(0):
            state = layer(x_t, state)
            hs.append(state[0] if lstm else state)
        output = lib.stack(hs)
    else:
        output, state = layer(T["x"], state)
    finals = {"h_n": state[0], "c_n": state[1]} if lstm else {"h_n": state}
    result = {"output": _numpy(output), "grad_fn": {"output": _node(output)},
              "params": [[name, list(p.shape)] for name, p in named.items()]}
    loss = (output * T["g_output"]).sum()
    for key, t in finals.items():
        result[key] = _numpy(t)
        result["grad_fn"][key] = _node(t)
        loss = loss + (t * T["g_" + key]).sum()
    loss.backward()
    leaves = [(k, t) for k, t in T.items() if not k.startswith("g_")]
    leaves += [("param:" + k, p) for k, p in named.items()]
    result["grads"] = {k: None if t.grad is None else _numpy(t.grad) for k, t in leaves}
    return result


# ---- errors, warnings, reprs ------------------------------------------------------------------------

def _x(lib, *shape):
    return lib.zeros(*shape)


ERRORS = {
    "rnn-input-size": lambda lib: lib.nn.RNN(3, 4)(_x(lib, 5, 2, 6)),
    "lstm-input-size": lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 6)),
    "gru-input-size-batch-first": lambda lib: lib.nn.GRU(3, 4, batch_first=True)(_x(lib, 2, 5, 1)),
    "rnn-4d-input": lambda lib: lib.nn.RNN(3, 4)(_x(lib, 5, 2, 3, 1)),
    "lstm-1d-input": lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 3)),
    "gru-4d-input": lambda lib: lib.nn.GRU(3, 4)(_x(lib, 1, 5, 2, 3)),
    "rnn-hidden-batch": lambda lib: lib.nn.RNN(3, 4)(_x(lib, 5, 2, 3), _x(lib, 1, 3, 4)),
    "rnn-hidden-layers": lambda lib: lib.nn.RNN(3, 4, 2, bidirectional=True)(_x(lib, 5, 2, 3), _x(lib, 2, 2, 4)),
    "gru-hidden-size": lambda lib: lib.nn.GRU(3, 4)(_x(lib, 5, 2, 3), _x(lib, 1, 2, 5)),
    "rnn-batch-first-hidden": lambda lib: lib.nn.RNN(3, 4, 2, batch_first=True)(_x(lib, 2, 5, 3),
                                                                                  _x(lib, 2, 5, 4)),
    "rnn-batched-2d-hidden": lambda lib: lib.nn.RNN(3, 4)(_x(lib, 5, 2, 3), _x(lib, 2, 4)),
    "gru-unbatched-3d-hidden": lambda lib: lib.nn.GRU(3, 4)(_x(lib, 5, 3), _x(lib, 1, 1, 4)),
    "rnn-unbatched-hidden-layers": lambda lib: lib.nn.RNN(3, 4)(_x(lib, 5, 3), _x(lib, 2, 4)),
    "lstm-cell-state-size": lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 3), (_x(lib, 1, 2, 4), _x(lib, 1, 2, 5))),
    "lstm-hidden-batch": lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 3), (_x(lib, 1, 3, 4), _x(lib, 1, 2, 4))),
    "lstm-batched-2d-states": lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 2, 3), (_x(lib, 2, 4), _x(lib, 2, 4))),
    "lstm-unbatched-3d-states": lambda lib: lib.nn.LSTM(3, 4)(_x(lib, 5, 3), (_x(lib, 1, 1, 4), _x(lib, 1, 1, 4))),
    "rnn-empty-sequence": lambda lib: lib.nn.RNN(3, 4)(_x(lib, 0, 2, 3)),
    "rnn-dtype": lambda lib: lib.nn.RNN(3, 4)(_x(lib, 5, 2, 3).double()),
    "lstm-dtype": lambda lib: lib.nn.LSTM(3, 4, dtype=lib.float64)(_x(lib, 5, 2, 3)),
    "rnn-nonlinearity": lambda lib: lib.nn.RNN(3, 4, nonlinearity="sigmoid"),
    "rnn-dropout-range": lambda lib: lib.nn.RNN(3, 4, dropout=1.5),
    "gru-dropout-bool": lambda lib: lib.nn.GRU(3, 4, dropout=True),
    "lstm-hidden-zero": lambda lib: lib.nn.LSTM(3, 0),
    "rnn-input-size-float": lambda lib: lib.nn.RNN(3.0, 4),
    "gru-bias-type": lambda lib: lib.nn.GRU(3, 4, bias=1),
    "rnn-layers-zero": lambda lib: lib.nn.RNN(3, 4, num_layers=0),
    "rnn-proj-size": lambda lib: lib.nn.RNN(3, 4, proj_size=2),
    "gru-proj-size": lambda lib: lib.nn.GRU(3, 4, proj_size=2),
    "lstm-proj-size-too-big": lambda lib: lib.nn.LSTM(3, 4, proj_size=4),
    "lstm-proj-size-negative": lambda lib: lib.nn.LSTM(3, 4, proj_size=-1),
    "rnncell-input-size": lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 2, 5)),
    "rnncell-3d-input": lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 2, 3, 1)),
    "rnncell-3d-hidden": lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 2, 3), _x(lib, 1, 2, 4)),
    "rnncell-hidden-batch": lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 2, 3), _x(lib, 3, 4)),
    "rnncell-hidden-size": lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 2, 3), _x(lib, 2, 5)),
    "rnncell-unbatched-2d-hidden": lambda lib: lib.nn.RNNCell(3, 4)(_x(lib, 3), _x(lib, 2, 4)),
    "rnncell-nonlinearity": lambda lib: lib.nn.RNNCell(3, 4, nonlinearity="gelu")(_x(lib, 2, 3)),
    "lstmcell-input-size": lambda lib: lib.nn.LSTMCell(3, 4)(_x(lib, 2, 5)),
    "lstmcell-3d-input": lambda lib: lib.nn.LSTMCell(3, 4)(_x(lib, 2, 3, 4)),
    "lstmcell-3d-state": lambda lib: lib.nn.LSTMCell(3, 4)(_x(lib, 2, 3), (_x(lib, 2, 4), _x(lib, 1, 2, 4))),
    "lstmcell-cell-size": lambda lib: lib.nn.LSTMCell(3, 4)(_x(lib, 2, 3), (_x(lib, 2, 4), _x(lib, 2, 5))),
    "lstmcell-cell-batch": lambda lib: lib.nn.LSTMCell(3, 4)(_x(lib, 2, 3), (_x(lib, 2, 4), _x(lib, 3, 4))),
    "grucell-hidden-batch": lambda lib: lib.nn.GRUCell(3, 4)(_x(lib, 2, 3), _x(lib, 3, 4)),
    "grucell-3d-input": lambda lib: lib.nn.GRUCell(3, 4)(_x(lib, 2, 3, 4)),
}


def run_error(lib, fn):
    """``(exception type name, message)`` of what ``fn(lib)`` raises, or ``(None, None)``."""
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - recording whatever it is
        return type(e).__name__, str(e.args[0]) if e.args else str(e)
    return None, None


WARNINGS = {
    "rnn-dropout-one-layer": lambda lib: lib.nn.RNN(3, 4, dropout=0.5),
    "lstm-dropout-one-layer": lambda lib: lib.nn.LSTM(3, 4, dropout=0.25, bidirectional=True),
}

REPRS = {
    "rnn": lambda lib: lib.nn.RNN(3, 4),
    "rnn-relu-all-options": lambda lib: lib.nn.RNN(3, 4, 2, "relu", False, True, 0.5, True),
    "lstm": lambda lib: lib.nn.LSTM(10, 20, num_layers=2, bidirectional=True),
    "gru": lambda lib: lib.nn.GRU(3, 4, batch_first=True, dropout=0.25, num_layers=3),
    "cells": lambda lib: lib.nn.ModuleList([lib.nn.RNNCell(3, 4), lib.nn.RNNCell(3, 4, False, "relu"),
                                            lib.nn.LSTMCell(3, 4, bias=False), lib.nn.GRUCell(5, 2)]),
}
