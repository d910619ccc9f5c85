"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells, with PyTorch's parameters, shapes and
initialisation, built from differentiable tensor operations.

    >>> lstm = LSTM(10, 20, num_layers=2)
    >>> output, (h_n, c_n) = lstm(randn(5, 3, 10))      # (seq_len, batch, input_size)

How it is built: each cell type has one *step* function below. It takes the input's share of the gates,
``x @ W_ih.T + b_ih`` (already computed), the previous state and the recurrent weights, and returns the next
state. A cell calls its step once. A multi-layer module computes the input's share for a whole sequence in one
matrix product, then calls the step once per time step, layer by layer and direction by direction. There are no
backward nodes here: every operation is an ordinary differentiable one, so ``backward``, ``create_graph`` and
forward mode work through them as through any other code.
"""
import math
import numbers
import warnings

from ...creation import empty, zeros
from ...ops.shape import cat, stack
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


# ---- one time step of each cell ---------------------------------------------------------------------
#
# ``x_part`` is ``x @ W_ih.T + b_ih`` for one time step, shape (batch, gates * hidden_size); the weights
# stack the gates' rows in PyTorch's order, so ``chunk`` along the last dimension separates the gates.

def rnn_tanh_step(x_part, h, w_hh, b_hh):
    """Elman's RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    return (x_part + F.linear(h, w_hh, b_hh)).tanh()


def rnn_relu_step(x_part, h, w_hh, b_hh):
    """As ``rnn_tanh_step`` with ``relu`` in place of ``tanh``."""
    return (x_part + F.linear(h, w_hh, b_hh)).relu()


def lstm_step(x_part, state, w_hh, b_hh):
    """LSTM; the state is ``(h, c)``. Gates in the order i, f, g, o::

        i = sigmoid(.)   f = sigmoid(.)   g = tanh(.)   o = sigmoid(.)
        c' = f * c + i * g        h' = o * tanh(c')
    """
    h, c = state
    i, f, g, o = (x_part + F.linear(h, w_hh, b_hh)).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def gru_step(x_part, h, w_hh, b_hh):
    """GRU. Gates in the order r, z, n; the reset gate r scales only the recurrent share of n::

        r = sigmoid(x_r + h_r)   z = sigmoid(x_z + h_z)   n = tanh(x_n + r * h_n)
        h' = (1 - z) * n + z * h          (computed as z * (h - n) + n)
    """
    x_r, x_z, x_n = x_part.chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return z * (h - n) + n


STEPS = {"RNN_TANH": rnn_tanh_step, "RNN_RELU": rnn_relu_step, "LSTM": lstm_step, "GRU": gru_step}
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def scan(step, x_parts, state, w_hh, b_hh, reverse=False):
    """Run ``step`` along a sequence (from its end if ``reverse``). ``x_parts`` is (seq_len, batch, gates);
    returns the hidden state of every time step, stacked in the sequence's order, and the last state."""
    steps = x_parts.unbind(0)
    hs = []
    for x_t in (reversed(steps) if reverse else steps):
        state = step(x_t, state, w_hh, b_hh)
        hs.append(state[0] if isinstance(state, tuple) else state)
    if reverse:
        hs.reverse()
    return stack(hs), state


def _refuse_packed(input):
    if type(input).__name__ == "PackedSequence":
        raise NotImplementedError(
            "autograd_ref's recurrent layers do not support PackedSequence; pad the sequences to one length "
            "and pass a tensor (seq_len, batch, input_size) instead")


def _uniform_init(module):
    """PyTorch's default for recurrent layers: every weight and bias uniform in ±1/sqrt(hidden_size)."""
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


# ---- multi-layer modules ----------------------------------------------------------------------------

class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: a stack of ``num_layers`` layers, each run forwards (and
    backwards too if ``bidirectional``), each layer's outputs the next one's inputs. ``mode`` is "RNN_TANH",
    "RNN_RELU", "LSTM" or "GRU".

        >>> RNNBase("GRU", 3, 4).weight_ih_l0.shape
        autograd_ref.Size([12, 3])
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=3)
        for name, value, kind in [("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int), ("hidden_size", hidden_size, int)]:
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
            if kind is int and value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size:
            raise NotImplementedError("autograd_ref's LSTM does not support proj_size (an LSTM with projections); "
                                      "use proj_size=0")
        if mode not in STEPS:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gates = GATES[mode] * hidden_size
        # One group of parameters per layer and direction, named as PyTorch names them:
        # weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then weight_ih_l0_reverse, ...
        self._all_weights = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = {"weight_ih": (gates, layer_input), "weight_hh": (gates, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                for name, shape in shapes.items():
                    setattr(self, name + suffix, Parameter(empty(shape, device=device, dtype=dtype)))
                self._all_weights.append([name + suffix for name in shapes])
        self._flat_weights_names = [name for names in self._all_weights for name in names]
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias uniform in ±1/sqrt(hidden_size), as PyTorch does."""
        _uniform_init(self)

    @property
    def all_weights(self):
        """The parameters, one list ``[w_ih, w_hh, b_ih, b_hh]`` per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    def flatten_parameters(self):
        """PyTorch packs the weights into one block for cuDNN here; autograd_ref has nothing to do."""

    def _weights(self, k):
        """``(w_ih, w_hh, b_ih, b_hh)`` of layer-and-direction ``k`` (``layer * directions + direction``)."""
        w_ih, w_hh, *biases = self.all_weights[k]
        return (w_ih, w_hh, *biases) if self.bias else (w_ih, w_hh, None, None)

    def _check_hidden(self, hx, batched):
        """The states of ``hx`` (``(h0,)`` or ``(h0, c0)``), each given a batch dimension of 1 if the input has
        none; with PyTorch's errors for the wrong number of dims."""
        lstm = self.mode == "LSTM"
        states = tuple(hx) if lstm else (hx,)
        want = 3 if batched else 2
        if any(s.dim() != want for s in states):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            if lstm:
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                   f"({states[0].dim()}-D, {states[1].dim()}-D) tensors")
            raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got {hx.dim()}-D tensor")
        return states if batched else tuple(s.unsqueeze(1) for s in states)

    def _check_sizes(self, input, states):
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        if input.shape[-1] != self.input_size:
            raise RuntimeError("input.size(-1) must be equal to input_size. "
                               f"Expected {self.input_size}, got {input.shape[-1]}")
        expected = (self.num_layers * (2 if self.bidirectional else 1), input.shape[1], self.hidden_size)
        for i, s in enumerate(states):
            if tuple(s.shape) != expected:
                which = f"hidden[{i}]" if len(states) == 2 else "hidden"
                raise RuntimeError(f"Expected {which} size {expected}, got {list(s.shape)}")
        if input.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")

    def forward(self, input, hx=None):
        _refuse_packed(input)
        if input.dim() not in (2, 3):
            name, tensor = ("RNN", " tensor") if self.mode.startswith("RNN") else (self.mode, "")
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tensor} instead")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        x = input.transpose(0, 1) if self.batch_first else input          # (seq_len, batch, features)
        lstm = self.mode == "LSTM"
        directions = 2 if self.bidirectional else 1
        if hx is None:
            h0 = zeros(self.num_layers * directions, x.shape[1], self.hidden_size, dtype=x.dtype, device=x.device)
            states = (h0, h0) if lstm else (h0,)
        else:
            states = self._check_hidden(hx, batched)
        self._check_sizes(x, states)
        firsts = [s.unbind(0) for s in states]          # the initial state of each layer and direction
        step = STEPS[self.mode]
        lasts = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh = self._weights(k)
                state = tuple(f[k] for f in firsts) if lstm else firsts[0][k]
                out, state = scan(step, F.linear(x, w_ih, b_ih), state, w_hh, b_hh, reverse=direction == 1)
                outputs.append(out)
                lasts.append(state if lstm else (state,))
            x = outputs[0] if directions == 1 else cat(outputs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        output = x.transpose(0, 1) if self.batch_first else x
        finals = [stack(parts) for parts in zip(*lasts)]      # (num_layers * directions, batch, hidden_size)
        if not batched:
            output = output.squeeze(batch_dim)
            finals = [f.squeeze(1) for f in finals]
        return output, (tuple(finals) if lstm else finals[0])

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)`` (``nonlinearity="relu"`` for
    relu). Input (seq_len, batch, input_size), or (batch, seq_len, ...) if ``batch_first``, or (seq_len,
    input_size); returns ``(output, h_n)``.

        >>> rnn = RNN(10, 20, num_layers=2)
        >>> output, h_n = rnn(randn(5, 3, 10), zeros(2, 3, 20))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, proj_size=None):
        if proj_size is not None:           # accepted only to refuse it, as PyTorch does
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(f"RNN_{nonlinearity.upper()}", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o; see ``lstm_step``). Takes and returns the state as a pair
    ``(h, c)``: ``output, (h_n, c_n) = lstm(input, (h_0, c_0))``; ``proj_size`` is not supported.

        >>> lstm = LSTM(10, 20, batch_first=True)
        >>> output, (h_n, c_n) = lstm(randn(3, 5, 10))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n; see ``gru_step``); arguments, inputs and outputs as for ``RNN``.

        >>> gru = GRU(10, 20, bidirectional=True)
        >>> output, h_n = gru(randn(5, 3, 10))       # output (5, 3, 40), h_n (2, 3, 20)
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, proj_size=None):
        if proj_size is not None:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)


# ---- one-step cells ---------------------------------------------------------------------------------

class RNNCellBase(Module):
    """What the cells share: ``weight_ih`` (gates * hidden_size, input_size), ``weight_hh`` (gates *
    hidden_size, hidden_size), ``bias_ih`` and ``bias_hh``, and the checks of a forward call.

        >>> RNNCellBase(3, 4, bias=False, num_chunks=4).weight_hh.shape
        autograd_ref.Size([16, 4])
    """

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        rows = num_chunks * hidden_size
        self.weight_ih = Parameter(empty((rows, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((rows, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(rows, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(rows, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias uniform in ±1/sqrt(hidden_size), as PyTorch does."""
        _uniform_init(self)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _step(self):
        raise NotImplementedError

    def forward(self, input, hx=None):
        name, lstm = type(self).__name__, isinstance(self, LSTMCell)
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        states = None if hx is None else tuple(hx) if lstm else (hx,)
        for i, s in enumerate(states or ()):
            if s.dim() not in (1, 2):
                which = f"hx[{i}]" if lstm else "hidden"
                raise ValueError(f"{name}: Expected {which} to be 1D or 2D, got {s.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if states is None:
            h0 = zeros(input.shape[0], self.hidden_size, dtype=input.dtype, device=input.device)
            states = (h0, h0) if lstm else (h0,)
        elif not batched:
            states = tuple(s.unsqueeze(0) for s in states)
        step = self._step()
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        for i, s in enumerate(states):
            if s.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                                   f"{s.shape[0]}")
            if s.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {s.shape[1]}, "
                                   f"expected {self.hidden_size}")
        out = step(F.linear(input, self.weight_ih, self.bias_ih), states if lstm else states[0],
                   self.weight_hh, self.bias_hh)
        if not batched:
            out = tuple(o.squeeze(0) for o in out) if lstm else out.squeeze(0)
        return out


class RNNCell(RNNCellBase):
    """One step of ``RNN``: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu). Input (batch,
    input_size) or (input_size,); ``h`` defaults to zeros.

        >>> cell = RNNCell(10, 20)
        >>> h = cell(randn(3, 10))          # (3, 20); cell(x, h) takes the next step
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def _step(self):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return rnn_tanh_step if self.nonlinearity == "tanh" else rnn_relu_step


class LSTMCell(RNNCellBase):
    """One step of ``LSTM``: ``(h', c') = cell(x, (h, c))``; the state defaults to zeros.

        >>> cell = LSTMCell(10, 20)
        >>> h, c = cell(randn(3, 10))       # each (3, 20); cell(x, (h, c)) takes the next step
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def _step(self):
        return lstm_step


class GRUCell(RNNCellBase):
    """One step of ``GRU``: ``h' = cell(x, h)``; ``h`` defaults to zeros.

        >>> cell = GRUCell(10, 20)
        >>> h = cell(randn(3, 10))          # (3, 20); cell(x, h) takes the next step
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def _step(self):
        return gru_step
