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


# ---- the modes switch the fastest ops to the general path while they are on, and only then ------------------

def special_modes():
    from autograd_ref.autograd.grad_mode import _special_modes
    return _special_modes[0]


def packs_inside(*blocks):
    """How many tensors x.sin() and x * w packed inside ``blocks`` (entered in order), and just after them."""
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    w = torch.tensor([2.0, 3.0], requires_grad=True)
    packed = []
    hooks = torch.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t) or t, lambda t: t)
    with hooks:
        for block in blocks:
            block.__enter__()
        x.sin(), x * w
        inside = len(packed)
        for block in reversed(blocks):
            block.__exit__(None, None, None)
        x.sin(), x * w
    after = len(packed) - inside
    x.sin(), x * w
    return inside, after, len(packed) - inside - after


def test_saved_tensors_hooks_nested_are_each_counted():
    before = special_modes()
    inner = torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t)
    assert packs_inside(inner) == (0, 3, 0)         # the inner block's hooks pack inside it, the outer's after
    assert special_modes() == before


def test_anomaly_detection_switched_on_twice_is_off_after_one_switch_off():
    before = special_modes()
    torch.autograd.set_detect_anomaly(True)
    torch.autograd.set_detect_anomaly(True)
    y = torch.tensor([0.5], requires_grad=True).sin()
    assert "traceback_" in y.grad_fn.metadata
    torch.autograd.set_detect_anomaly(False)
    assert special_modes() == before
    assert "traceback_" not in torch.tensor([0.5], requires_grad=True).sin().grad_fn.metadata
    with torch.autograd.detect_anomaly(), torch.autograd.set_detect_anomaly(True):
        assert "traceback_" in (torch.tensor([0.5], requires_grad=True) * 2.0).grad_fn.metadata
    assert special_modes() == before


def test_a_dual_level_is_counted_out_while_paused_and_in_again_after():
    from autograd_ref.autograd import forward_ad as fwAD
    before = special_modes()
    x = torch.tensor([0.5, 1.0])
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, torch.tensor([1.0, 1.0]))      # (pauses the level inside)
        y = dual.sin() * 2.0
        assert fwAD.unpack_dual(y).tangent.tolist() == pytest.approx((2 * x.cos()).tolist())
    assert special_modes() == before


def test_an_inference_block_is_counted_and_an_error_inside_one_still_closes_it():
    before = special_modes()
    with pytest.raises(ZeroDivisionError):
        with torch.inference_mode():
            assert torch.tensor([0.5], requires_grad=True).sin().is_inference()
            1 / 0
    made = special_modes() - before
    assert made in (0, 1)       # the first inference tensor of the process counts for good
    assert not torch.tensor([0.5], requires_grad=True).sin().is_inference()
    with torch.inference_mode():
        pass
    assert special_modes() == before + made


@pytest.mark.parametrize("op", ["mul number", "add", "sin", "exp"])
@pytest.mark.parametrize("grad", [True, False])
def test_a_0_dim_result_holds_memory_that_can_be_written(op, grad):
    # numpy gives a scalar, not an array, for an operation on 0-dim arrays: the result must still hold memory.
    x = torch.tensor(0.5, requires_grad=grad)
    y = {"mul number": lambda: x * 2.0, "add": lambda: x + x, "sin": lambda: x.sin(), "exp": lambda: x.exp()}[op]()
    y.data[()] = 3.0
    assert y.item() == 3.0


@pytest.mark.parametrize("op", ["mul", "div"])
def test_a_constant_operand_changed_in_place_after_it_was_saved_is_caught(op):
    x = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
    c = torch.tensor([2.0, 3.0, 4.0])           # needs no gradient, but x's gradient needs it
    y = x * c if op == "mul" else x / c
    c.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("first", [0.0, -0.0])
def test_zero_and_negative_zero_stay_apart_as_operands(first):
    # Numbers become cached 0-dim arrays (Device.scalar); 0.0 == -0.0, but x * -0.0 is -0.
    import math
    x = torch.tensor([1.0, -2.0])
    for zero in (first, -first, first):
        signs = [math.copysign(1, v) for v in (x * zero).tolist()]
        assert signs == ([1, -1] if math.copysign(1, zero) > 0 else [-1, 1])
        assert [math.copysign(1, v) for v in (x + zero).tolist()] == [1, -1]
    assert torch.tensor([-1.0, 0.5]).relu().tolist() == [0.0, 0.5]
