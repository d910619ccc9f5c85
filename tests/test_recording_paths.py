"""The hottest operations record their node in two ways: directly, in the common case, and through the general
path (``Node.__init__``, ``save_for_backward``, ``attach``) whenever a mode asks for more (anomaly detection,
saved-tensor hooks, forward-mode AD, inference tensors). Both must build the same graph: the same node, edges,
saved values and attributes, the same in-place check and the same gradients."""
import pytest

import autograd_ref as torch
import autograd_ref.nn.functional as F

pytestmark = pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled")

OPS = {
    "exp": lambda x, w: x.exp(),                       # saves its result
    "sin": lambda x, w: x.sin(),                       # saves its input
    "tanh": lambda x, w: x.tanh(),
    "relu": lambda x, w: x.relu(),
    "leaky_relu": lambda x, w: F.leaky_relu(x, 0.2),   # an attribute beside what it saves
    "sign": lambda x, w: x.sign(),                     # saves nothing
    "add": lambda x, w: torch.add(x, w, alpha=3),
    "sub": lambda x, w: x - w,
    "mul": lambda x, w: x * w,
    "mul number": lambda x, w: 2.5 * x,
    "div": lambda x, w: x / w,
    "broadcast": lambda x, w: x * w[:1],
    "add number": lambda x, w: x + 0.5,
    "div number": lambda x, w: x / 3,
    "mul by a constant": lambda x, w: x * torch.tensor([2.0, 3.0, 4.0]),      # the second operand needs no grad
    "leaf first": lambda x, w: w - x,
    "0-dim": lambda x, w: x * w.sum(),
    # Ops with only the general path: recorded the same under every mode too.
    "mm": lambda x, w: x.reshape(3, 1) @ w.reshape(1, 3),
    "linear": lambda x, w: F.linear(x.reshape(1, 3), w.reshape(1, 3) * 2, w[1:2]),
    "t": lambda x, w: x.reshape(1, 3).t(),
    "sum": lambda x, w: x.sum(),
    "mean": lambda x, w: (x + w).mean(),
}


# Modes that send recording down the general path.
GENERAL = {"anomaly detection": torch.autograd.detect_anomaly, "a dual level": torch.autograd.forward_ad.dual_level}


def record(op, mode=None):
    x = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
    w = torch.tensor([1.5, 2.0, -0.5], requires_grad=True)
    h = x * 1.0             # an input with a grad_fn, and a leaf (w): both kinds of edge
    if mode is None:
        y = OPS[op](h, w)
    else:
        with GENERAL[mode]():
            y = OPS[op](h, w)
    return x, w, h, y


def describe(node):
    saved = [t.tolist() if isinstance(t, torch.Tensor) else t for t in node._saved or ()]
    attributes = {name: getattr(node, name) for name in ("alpha", "negative_slope", "shapes", "shape", "bias_shape",
                                                         "sizes1", "strides1", "sizes2", "strides2")
                  if hasattr(node, name)}
    edges = [(type(n).__name__ if n is not None else None, nr) for n, nr in node.next_functions]
    return type(node).__name__, edges, saved, attributes


@pytest.mark.parametrize("mode", sorted(GENERAL))
@pytest.mark.parametrize("op", sorted(OPS))
def test_the_direct_and_the_general_path_record_the_same_graph(op, mode):
    x1, w1, h1, fast = record(op)
    x2, w2, h2, general = record(op, mode)
    assert describe(fast.grad_fn) == describe(general.grad_fn)
    assert fast.grad_fn._sequence_nr > h1.grad_fn._sequence_nr     # recorded after its input, in order
    fast.sum().backward()
    general.sum().backward()
    assert x1.grad.tolist() == x2.grad.tolist()
    assert w1.grad is None and w2.grad is None or w1.grad.tolist() == w2.grad.tolist()


@pytest.mark.parametrize("op", ["sin", "mul", "div", "mm", "linear"])
def test_an_input_changed_in_place_after_it_was_saved_is_caught(op):
    x, w, h, y = record(op)
    with torch.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_a_saved_result_changed_in_place_is_caught():
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
