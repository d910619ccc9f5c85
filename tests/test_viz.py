"""autograd_ref.viz: pictures of the graph (make_dot, the forward view), their
text form without graphviz, the backward steps, and the lessons' widgets."""
import math
import re
import subprocess
import sys

import pytest

import autograd_ref as torch
from autograd_ref import autograd
from autograd_ref.viz import (BackwardStepper, GradientSliders, TextGraph, _optional,
                              backward_steps, forward_tape, make_dot, make_forward_dot)
from autograd_ref.viz.text import tree_text
from autograd_ref.viz.walk import collect

needs_graphviz = pytest.mark.skipif(
    _optional.graphviz_module() is None,
    reason="the graphviz Python package is not installed (pip install graphviz; the dev extra has it)")
needs_dot = pytest.mark.needs("dot")
try:
    import ipywidgets  # noqa: F401
    HAVE_WIDGETS = True
except ImportError:
    HAVE_WIDGETS = False
needs_widgets = pytest.mark.skipif(
    not HAVE_WIDGETS, reason="ipywidgets is not installed (pip install ipywidgets; the dev extra has it)")

SEED_NODES = ["AddBackward0", "DivBackward0", "MulBackward0", "SinBackward0", "ExpBackward0",
              "AccumulateGrad"]


def seed(x1_value=1.5, x2_value=0.5):
    """The seed expression (sin(x2) + c) / (x2 + exp(x1)) + x1 * x2, c a constant."""
    x1 = torch.tensor(x1_value, requires_grad=True)
    x2 = torch.tensor(x2_value, requires_grad=True)
    c = torch.tensor(1.0)
    y = (torch.sin(x2) + c) / (x2 + torch.exp(x1)) + x1 * x2
    return y, x1, x2


def f(x1, x2):
    return (1 + torch.sin(x2)) / (x2 + torch.exp(x1)) + x1 * x2


def f_by_hand(x1, x2):
    """f and its two partial derivatives, worked out on paper."""
    d = x2 + math.exp(x1)
    value = (1 + math.sin(x2)) / d + x1 * x2
    dx1 = -(1 + math.sin(x2)) * math.exp(x1) / d ** 2 + x2
    dx2 = math.cos(x2) / d - (1 + math.sin(x2)) / d ** 2 + x1
    return value, dx1, dx2


@pytest.fixture
def no_dot(monkeypatch):
    """graphviz's Python package may be here, but nothing can render."""
    monkeypatch.setattr(_optional, "missing", lambda: "graphviz's dot program is not on the PATH")


@pytest.fixture
def no_graphviz(monkeypatch):
    """Not even the graphviz Python package."""
    monkeypatch.setattr(_optional, "graphviz_module", lambda: None)


# ---- what the picture contains --------------------------------------------

def test_the_picture_of_the_seed_names_every_node_and_leaf():
    y, x1, x2 = seed()
    picture = collect(y, params={"x1": x1, "x2": x2})
    labels = [box.label for box in picture.boxes.values()]
    kinds = {box.label.split("\n")[0]: box.kind for box in picture.boxes.values()}
    for name in SEED_NODES:
        assert name in labels
    assert labels.count("AddBackward0") == 3
    assert labels.count("AccumulateGrad") == 2     # one per leaf, shared by every use
    assert "x1\n()" in labels and "x2\n()" in labels
    assert kinds["x1"] == kinds["x2"] == "leaf"
    assert picture.boxes[picture.roots[0]].kind == "output"
    # 7 operation nodes, 2 AccumulateGrad, 2 leaves, 1 output
    assert len(picture.boxes) == 12


def test_arrows_go_from_inputs_to_the_nodes_that_use_them():
    y, x1, x2 = seed()
    picture = collect(y, params={"x1": x1, "x2": x2})
    by_id = picture.boxes
    pairs = {(by_id[a.tail].label, by_id[a.head].label) for a in picture.arrows}
    assert ("x1\n()", "AccumulateGrad") in pairs
    assert ("AccumulateGrad", "ExpBackward0") in pairs
    assert ("SinBackward0", "AddBackward0") in pairs
    assert ("AddBackward0", "()") in pairs          # the output's grad_fn points at it
    # x2 feeds sin, the denominator's add and mul: three arrows leave its AccumulateGrad
    x2_node = next(b.id for b in by_id.values() if b.label == "AccumulateGrad"
                   and b.obj.variable is x2)
    assert sum(a.tail == x2_node for a in picture.arrows) == 3


def test_a_constant_gets_no_box():
    x = torch.tensor([1., 2.], requires_grad=True)
    c = torch.tensor([3., 4.])
    picture = collect(x * c)
    assert len(picture.boxes) == 4     # output, MulBackward0, AccumulateGrad, x


def test_unnamed_leaves_show_their_shape():
    w = torch.randn(2, 3, requires_grad=True)
    picture = collect((w * 2).sum())
    assert "(2, 3)" in [b.label for b in picture.boxes.values()]


def test_params_may_be_name_tensor_pairs_and_must_be_tensors():
    x = torch.tensor([1., 2.], requires_grad=True)
    picture = collect(x.exp(), params=[("weight", x)])
    assert "weight\n(2)" in [b.label for b in picture.boxes.values()]
    with pytest.raises(TypeError, match="not a Tensor"):
        collect(x.exp(), params={"w": 3.0})
    with pytest.raises(TypeError, match="Tensor or a tuple"):
        collect([x.exp(), "y"])


def test_several_outputs_are_all_drawn_and_share_their_graph():
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x * 3
    picture = collect((h.sum(), h.exp()), params={"x": x})
    roots = [picture.boxes[r] for r in picture.roots]
    assert [r.kind for r in roots] == ["output", "output"]
    assert sum(b.label == "MulBackward0" for b in picture.boxes.values()) == 1


def test_an_output_that_is_a_view_shows_its_base_dotted():
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    base = x * 2
    view = base[0]
    picture = collect(view)
    kinds = [b.kind for b in picture.boxes.values()]
    assert "base" in kinds
    assert any(a.kind == "view" for a in picture.arrows)


def test_show_saved_draws_what_each_node_keeps_until_backward_frees_it():
    y, x1, x2 = seed()
    picture = collect(y, params={"x1": x1, "x2": x2}, show_saved=True)
    saved = [b for b in picture.boxes.values() if b.kind == "saved"]
    # mul keeps x1 and x2, div its two operands, sin its input, exp its result
    assert len(saved) == 6
    labels = sorted(b.label for b in saved)
    # named as PyTorch names them (grad_fn._saved_self, _saved_other), as torchviz labels them
    assert "self = x1\n()" in labels and "other = x2\n()" in labels
    assert all(a.kind == "saved" for a in picture.arrows if a.head.endswith(("saved0", "saved1")))
    assert collect(y, show_saved=False).boxes.keys().isdisjoint(b.id for b in saved)

    y.backward()
    after = collect(y, params={"x1": x1, "x2": x2}, show_saved=True)
    assert not [b for b in after.boxes.values() if b.kind == "saved"]


def test_saved_shapes_follow_the_tensors():
    a = torch.randn(2, 3, requires_grad=True)
    b = torch.randn(3, 4, requires_grad=True)
    picture = collect(a @ b, show_saved=True)
    labels = {b.label for b in picture.boxes.values() if b.kind == "saved"}
    assert labels == {"self\n(2, 3)", "mat2\n(3, 4)"}


def test_show_attrs_lists_what_each_node_stored():
    x = torch.randn(2, 3, requires_grad=True)
    y = (x ** 3).sum(1)
    picture = collect(y, show_attrs=True)
    labels = {b.label.split("\n")[0]: b.label for b in picture.boxes.values() if b.kind == "function"}
    rows = dict(line.split(":", 1) for line in labels["PowBackward0"].split("\n")[2:])
    assert rows["exponent"].strip() == "3"       # values right-aligned, as torchviz does
    assert rows["self    "].strip() == "[saved tensor]"
    assert "dims" in labels["SumBackward1"] and "(2, 3)" in labels["SumBackward1"]
    assert labels["AccumulateGrad"] == "AccumulateGrad"
    # a rule under the name, as wide as the widest row
    pow_lines = labels["PowBackward0"].split("\n")
    assert set(pow_lines[1]) == {"-"} and len(pow_lines[1]) >= max(len(r) for r in pow_lines[2:])

    plain = collect(y)
    assert "PowBackward0" in [b.label for b in plain.boxes.values()]

    y.sum().backward()
    freed = collect(y, show_attrs=True)
    pow_label = next(b.label for b in freed.boxes.values() if b.label.startswith("PowBackward0"))
    assert "[freed]" in pow_label


def test_long_attributes_are_cut_at_max_attr_chars():
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    y = x.sum((0, 1, 2, 3))
    label = next(b.label for b in collect(y, show_attrs=True, max_attr_chars=8).boxes.values()
                 if b.label.startswith("Sum"))
    row = next(line for line in label.split("\n") if line.startswith("shape"))
    assert row.endswith("...") and len(row.split(": ", 1)[1]) == 8


def test_custom_function_nodes_are_drawn_by_their_class():
    class Double(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = torch.tensor([1., 2.], requires_grad=True)
    picture = collect(Double.apply(x), show_saved=True)
    labels = [b.label for b in picture.boxes.values()]
    assert "DoubleBackward" in labels
    assert "saved[0]\n(2)" in labels


def test_deep_graphs_need_no_recursion():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(sys.getrecursionlimit() + 200):
        y = y * 1.0
    text = tree_text(collect(y))
    assert text.count("MulBackward0") == sys.getrecursionlimit() + 200


# ---- make_dot: graphviz, or text -------------------------------------------

@needs_graphviz
@needs_dot
def test_make_dot_gives_a_digraph_in_torchviz_colours():
    import graphviz
    y, x1, x2 = seed()
    dot = make_dot(y, params={"x1": x1, "x2": x2}, show_saved=True)
    assert isinstance(dot, graphviz.Digraph)
    source = dot.source
    for name in SEED_NODES + ['"x1\n()"', '"x2\n()"']:
        assert name in source
    assert "fillcolor=lightblue" in source
    assert "fillcolor=darkolivegreen1" in source
    assert "fillcolor=orange" in source and "dir=none" in source
    assert "fontname=monospace" in source and 'size="12,12"' in source


@needs_graphviz
@needs_dot
def test_make_dot_renders_to_svg():
    y, x1, x2 = seed()
    svg = make_dot(y, params={"x1": x1, "x2": x2}, show_attrs=True).pipe(format="svg",
                                                                         encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for name in SEED_NODES + ["x1", "x2"]:
        assert name in svg
    assert "alpha" in svg       # show_attrs


@needs_graphviz
@needs_dot
def test_a_digraph_shows_inline_in_jupyter():
    y, _, _ = seed()
    bundle = make_dot(y)._repr_mimebundle_()
    assert "image/svg+xml" in bundle and "DivBackward0" in bundle["image/svg+xml"]


@needs_graphviz
def test_big_graphs_get_a_bigger_canvas():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100):
        y = y.sin()
    dot = make_dot(y) if _optional.missing() is None else make_dot(y).digraph
    size = float(dot.graph_attr["size"].split(",")[0])
    assert size == pytest.approx(len(dot.body) * 0.15) and size > 12


def test_without_dot_make_dot_returns_a_readable_tree(no_dot):
    y, x1, x2 = seed()
    g = make_dot(y, params={"x1": x1, "x2": x2})
    assert isinstance(g, TextGraph)
    text = str(g)
    assert text == repr(g)
    first, tree = text.split("\n", 1)
    assert "dot program" in first
    assert 'pip install graphviz' in first and "apt-get install graphviz" in first
    assert "conda install graphviz" in first
    for name in SEED_NODES:
        assert name in tree
    assert "[leaf] x1 ()" in tree and "[leaf] x2 ()" in tree
    assert tree.startswith("[output] ()\n└─ AddBackward0")
    assert "   ├─ DivBackward0" in tree


def test_the_text_tree_html_is_coloured_and_escaped(no_dot):
    y, x1, x2 = seed()
    page = make_dot(y, params={"x1": x1, "x2": x2, "<b>": torch.tensor(0.)}, show_saved=True)._repr_html_()
    assert page.startswith("<div>") and "<pre" in page
    assert "#add8e6" in page and "#caff70" in page and "#ffa500" in page     # leaf, output, saved
    assert "DivBackward0" in page and "x1 ()" in page
    assert "pip install graphviz" in page


def test_shared_subtrees_are_not_repeated_in_full(no_dot):
    x = torch.tensor(2.0, requires_grad=True)
    h = x.exp().sin().cos()          # a chain of 5 boxes, used twice
    text = str(make_dot(h * h, params={"x": x}))
    assert text.count("CosBackward0") == 2
    assert text.count("ExpBackward0") == 1
    assert "(see above)" in text


@needs_graphviz
def test_without_dot_the_digraph_source_is_still_at_hand(no_dot):
    y, _, _ = seed()
    g = make_dot(y)
    assert g.digraph is not None and "DivBackward0" in g.source


def test_without_the_graphviz_package_make_dot_still_answers(no_graphviz):
    y, x1, x2 = seed()
    g = make_dot(y, params={"x1": x1, "x2": x2}, show_attrs=True, show_saved=True)
    assert isinstance(g, TextGraph)
    assert g.digraph is None and g.source is None
    assert "graphviz Python package is not installed" in str(g)
    assert "shapes" in str(g) and "[saved] self = x1 ()" in str(g)


def test_importing_autograd_ref_needs_neither_graphviz_nor_ipywidgets():
    code = ("import sys, autograd_ref\n"
            "assert 'autograd_ref.viz' not in sys.modules\n"
            "autograd_ref.viz.make_dot\n"
            "assert 'graphviz' not in sys.modules and 'ipywidgets' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- the forward view ------------------------------------------------------

def test_the_forward_tape_lists_operations_in_the_order_they_ran():
    y, x1, x2 = seed()
    tape = forward_tape(y, {"x1": x1, "x2": x2})
    assert [name for name, _ in tape.leaves] == ["x1", "x2"]
    assert [op.op for op in tape.ops] == ["sin", "add", "exp", "add", "div", "mul", "add"]
    assert [op.name for op in tape.ops] == ["t1", "t2", "t3", "t4", "t5", "t6", "output"]
    assert tape.ops[1].args == ["t1", "const"]
    assert tape.ops[4].args == ["t2", "t4"]
    # div saved its operands, so their values are known; the output's is too
    assert tape.ops[1].values[0].item() == pytest.approx(1 + math.sin(0.5))
    assert tape.ops[3].values[0].item() == pytest.approx(0.5 + math.exp(1.5))
    assert tape.ops[-1].values[0] is y
    assert not tape.ops[0].values        # nothing kept sin's result


def test_the_forward_tape_reads_as_code():
    y, x1, x2 = seed()
    text = str(forward_tape(y, {"x1": x1, "x2": x2}))
    lines = text.split("\n")
    assert lines[:3] == ["x1 = 1.5", "x2 = 0.5", "t1 = sin(x2)"]
    assert lines[-1].startswith("output = add(t5, t6)") and lines[-1].endswith("= 1.047")


def test_naming_an_intermediate_shows_its_value():
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x.exp()
    y = h.sin().sum()
    tape = forward_tape(y, {"x": x, "h": h})
    assert tape.ops[0].name == "h" and tape.ops[0].values[0] is h
    assert tape.ops[1].args == ["h"]


def test_big_values_show_as_shapes_and_multi_output_ops_are_indexed():
    x = torch.randn(4, requires_grad=True)
    p, q = x.split(2)
    tape = forward_tape(p * q, {"x": x})
    assert tape.ops[0].op == "split" and tape.ops[1].args == ["t1[0]", "t1[1]"]
    w = torch.randn(3, 4, requires_grad=True)
    assert str(forward_tape(w.exp(), {"w": w})).startswith("w = shape (3, 4)")


def test_make_forward_dot_without_dot_lists_the_tape(no_dot):
    y, x1, x2 = seed()
    g = make_forward_dot(y, inputs={"x1": x1, "x2": x2})
    assert isinstance(g, TextGraph)
    assert "t5 = div(t2, t4)" in str(g) and "<pre" in g._repr_html_()


@needs_graphviz
@needs_dot
def test_make_forward_dot_draws_values_left_to_right():
    y, x1, x2 = seed()
    dot = make_forward_dot(y, inputs={"x1": x1, "x2": x2})
    source = dot.source
    assert "rankdir=LR" in source
    assert 'label="x2 = 0.5"' in source and 'label="t2 = 1.479"' in source
    assert "label=div" in source and "constant" in source
    assert "<svg" in dot.pipe(format="svg", encoding="utf-8")


# ---- the backward pass, step by step ---------------------------------------

def consumers_of(steps):
    users = {}
    for step in steps:
        for target, _ in step.node.next_functions:
            if target is not None:
                users.setdefault(id(target), []).append(step.node)
    return users


def test_steps_visit_every_node_once_in_a_valid_order():
    y, x1, x2 = seed()
    steps = backward_steps(y, params={"x1": x1, "x2": x2})
    nodes = [s.node for s in steps]
    reachable = [b.obj for b in collect(y).boxes.values() if b.kind == "function"]
    assert len(nodes) == len(set(map(id, nodes))) == len(reachable) == 9
    assert {id(n) for n in nodes} == {id(n) for n in reachable}
    position = {id(n): i for i, n in enumerate(nodes)}
    for node_id, users in consumers_of(steps).items():
        assert all(position[id(u)] < position[node_id] for u in users)
    assert steps[0].node is y.grad_fn
    assert [s.index for s in steps] == list(range(9))


def test_step_gradients_match_autograd_grad_and_leave_grad_alone():
    y, x1, x2 = seed()
    expected = autograd.grad(y, (x1, x2), retain_graph=True)
    steps = backward_steps(y, params={"x1": x1, "x2": x2})
    at_leaf = {s.tensor_name: s.grad_outputs[0] for s in steps if s.is_leaf}
    assert at_leaf["x1"].item() == pytest.approx(expected[0].item())
    assert at_leaf["x2"].item() == pytest.approx(expected[1].item())
    assert at_leaf["x2"].item() == pytest.approx(f_by_hand(1.5, 0.5)[2])
    assert steps[0].grad_outputs[0].item() == 1.0           # the walk starts from ones
    assert x1.grad is None and x2.grad is None
    y.backward()                                            # the graph was kept
    assert x2.grad.item() == pytest.approx(expected[1].item())


def test_what_a_node_sends_is_what_its_inputs_receive():
    y, x1, x2 = seed()
    steps = backward_steps(y)
    by_node = {id(s.node): s for s in steps}
    mul = next(s for s in steps if s.name == "MulBackward0")
    assert [g.item() for g in mul.grad_inputs] == [pytest.approx(0.5), pytest.approx(1.5)]
    leaf_x2 = next(s for s in steps if s.is_leaf and s.tensor is x2)
    total = sum(g.item() for _, _, g in leaf_x2.received)
    assert len(leaf_x2.received) == 3 and total == pytest.approx(leaf_x2.grad_outputs[0].item())
    for step in steps:
        for (target, nr), g in zip(step.node.next_functions, step.grad_inputs):
            if target is not None:
                assert any(sender is step.node and gg is g for sender, _, gg in by_node[id(target)].received)


def test_a_non_scalar_output_needs_its_starting_gradient():
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    steps = backward_steps(x * x, gradient=torch.tensor([1., 0., 2.]))
    assert steps[-1].grad_outputs[0].tolist() == [2., 0., 12.]
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        backward_steps(x * x)


def test_steps_refuse_a_freed_graph_and_an_output_without_grad():
    y, _, _ = seed()
    y.backward()
    with pytest.raises(RuntimeError, match="build the output again"):
        backward_steps(y)
    with pytest.raises(ValueError, match="nothing to step through"):
        backward_steps(torch.tensor([1., 2.]) * 2)


def test_steps_through_a_node_with_several_outputs():
    x = torch.randn(4, requires_grad=True)
    p, q = x.split(2)
    steps = backward_steps((p * 2).sum())       # q's gradient never arrives
    split = next(s for s in steps if s.name.startswith("Split"))
    assert split.grad_outputs[1] is None
    assert steps[-1].grad_outputs[0].tolist() == [2., 2., 0., 0.]


def test_step_descriptions_name_the_node_and_the_gradients():
    y, x1, x2 = seed()
    stepper = BackwardStepper(y, params={"x1": x1, "x2": x2})
    mul = next(s for s in stepper.steps if s.name == "MulBackward0")
    text = mul.describe(len(stepper.steps), stepper.names)
    assert text.startswith(f"Step {mul.index + 1} of 9: MulBackward0 runs")
    assert "sends to AccumulateGrad (x1): tensor(0.5000)" in text
    leaf = stepper.steps[-1]
    text = leaf.describe(9, stepper.names)
    assert "AccumulateGrad for leaf x2" in text and "= the sum of:" in text and ".grad" in text


# ---- BackwardStepper -------------------------------------------------------

def test_the_stepper_moves_through_the_steps():
    y, x1, x2 = seed()
    stepper = BackwardStepper(y, params={"x1": x1, "x2": x2})
    assert stepper.position == -1 and stepper.current is None
    assert "Nothing has run yet" in stepper.text()
    seen = [stepper.next() for _ in range(len(stepper.steps))]
    assert seen == stepper.steps
    assert stepper.next() is stepper.steps[-1]          # stays on the last step
    assert set(stepper.leaf_gradients()) == {"x1", "x2"}
    assert stepper.previous() is stepper.steps[-2]
    assert stepper.reset() is None and stepper.position == -1
    assert stepper.previous() is None
    with pytest.raises(IndexError):
        stepper.go_to(9)
    assert "step 0 of 9" in repr(stepper)


def test_the_stepper_picture_marks_the_running_node(no_dot):
    y, x1, x2 = seed()
    stepper = BackwardStepper(y, params={"x1": x1, "x2": x2})
    assert "runs now" not in str(stepper.picture())
    assert "AddBackward0  (gets 1.0)" in str(stepper.picture())     # the starting gradient
    stepper.next()
    stepper.next()
    text = str(stepper.picture())
    assert "MulBackward0  (gets 1.0) ◀ runs now" in text
    assert "AddBackward0  (gets 1.0) ✓ ran" in text
    assert "(gets 0.5)" in text and "(gets 1.5)" in text       # what mul sent on
    assert "#ffd700" in stepper.picture()._repr_html_()        # gold


@needs_graphviz
@needs_dot
def test_the_stepper_picture_is_a_digraph_with_gradients_on_arrows():
    y, x1, x2 = seed()
    stepper = BackwardStepper(y, params={"x1": x1, "x2": x2})
    stepper.go_to(1)
    source = stepper.picture().source
    assert "fillcolor=gold" in source and "fillcolor=palegreen" in source
    assert re.search(r'label="?0\.5"? ', source) and re.search(r'label="?1\.5"? ', source)


@needs_widgets
def test_the_stepper_widget_steps_without_a_browser():
    y, x1, x2 = seed()
    stepper = BackwardStepper(y, params={"x1": x1, "x2": x2})
    box = stepper.widget
    buttons = {b.description: b for b in box.children[0].children}
    picture, text = box.children[1], box.children[2]
    assert buttons["Previous"].disabled and not buttons["Next"].disabled
    for _ in range(len(stepper.steps)):
        buttons["Next"].click()
    assert stepper.position == len(stepper.steps) - 1 and buttons["Next"].disabled
    assert "AccumulateGrad for leaf" in text.value
    assert "AccumulateGrad" in picture.value
    buttons["Previous"].click()
    assert stepper.position == len(stepper.steps) - 2
    buttons["Reset"].click()
    assert stepper.position == -1 and "Nothing has run yet" in text.value


@needs_widgets
def test_the_stepper_widget_falls_back_to_text_pictures(no_dot):
    y, _, _ = seed()
    stepper = BackwardStepper(y)
    stepper.widget
    stepper.next()
    assert "runs now" in stepper._views["picture"].value


# ---- GradientSliders -------------------------------------------------------

def test_sliders_evaluate_f_and_its_gradient():
    sliders = GradientSliders(f, x1=(-2, 2), x2=(-2, 2, 0.01))
    assert sliders.values == {"x1": 0.0, "x2": 0.0}
    state = sliders.set(x1=1.5, x2=0.5)
    value, dx1, dx2 = f_by_hand(1.5, 0.5)
    assert state["output"] == pytest.approx(value)
    assert state["gradient"]["x1"] == pytest.approx(dx1)
    assert state["gradient"]["x2"] == pytest.approx(dx2)
    assert state["gradient"]["x2"] == pytest.approx(1.6165, abs=1e-4)
    assert "df/dx2 = 1.6165" in sliders.text()


def test_sliders_check_their_arguments():
    with pytest.raises(TypeError, match="give a range"):
        GradientSliders(f)
    with pytest.raises(ValueError, match="low < high"):
        GradientSliders(f, x1=(2, -2), x2=(0, 1))
    sliders = GradientSliders(f, x1=(-2, 2), x2=(-2, 2))
    with pytest.raises(ValueError, match="outside"):
        sliders.set(x1=3)
    with pytest.raises(KeyError, match="no slider named"):
        sliders.set(x3=0)
    with pytest.raises(TypeError, match="one-element tensor"):
        GradientSliders(lambda x: x * torch.ones(2), x=(0, 1))


def test_an_input_the_function_ignores_has_zero_gradient():
    sliders = GradientSliders(lambda a, b: a * a, a=(0, 4), b=(0, 1))
    assert sliders.set(a=3.0)["gradient"] == {"a": 6.0, "b": 0.0}
    constant = GradientSliders(lambda a: torch.tensor(2.0), a=(0, 1))
    assert constant.gradient == {"a": 0.0}


def test_the_sliders_picture_is_the_forward_graph(no_dot):
    sliders = GradientSliders(f, x1=(-2, 2), x2=(-2, 2))
    sliders.set(x1=1.5, x2=0.5)
    text = str(sliders.picture())
    assert "x1 = 1.5" in text and "div(" in text and "= 1.047" in text


@needs_widgets
def test_the_slider_widget_updates_without_a_browser():
    sliders = GradientSliders(f, x1=(-2, 2), x2=(-2, 2))
    box = sliders.widget
    x1_slider, x2_slider, panel = box.children
    x1_slider.value = 1.5
    x2_slider.value = 0.5
    value, dx1, dx2 = f_by_hand(1.5, 0.5)
    assert sliders.output == pytest.approx(value)
    assert sliders.gradient["x2"] == pytest.approx(dx2)
    assert "df/dx2 = 1.6165" in panel.value
    sliders.set(x1=-1.0)                    # from code: the slider follows
    assert x1_slider.value == -1.0
    assert sliders.gradient["x1"] == pytest.approx(f_by_hand(-1.0, 0.5)[1])


@needs_widgets
def test_an_error_while_sliding_shows_in_the_panel():
    def sometimes(x):
        if x.item() > 0.5:
            raise ValueError("too big")
        return x * x
    sliders = GradientSliders(sometimes, x=(0, 1))
    box = sliders.widget
    box.children[0].value = 0.9
    assert "ValueError: too big" in box.children[1].value
    box.children[0].value = 0.25
    assert sliders.error is None and sliders.gradient["x"] == pytest.approx(0.5)
