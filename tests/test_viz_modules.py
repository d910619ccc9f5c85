"""autograd_ref.viz.modules: a model's backward graph with each submodule drawn as one box (make_module_dot),
so that resnet18's 132 nodes read as a stem, eight residual blocks and a head. The node counts per block are
PyTorch's (torch 2.13, torchvision's resnet18 layout): 13 for a block, 18 with a downsample, 132 in all."""
import time
from collections import Counter

import pytest

import autograd_ref as torch
from autograd_ref import nn
from autograd_ref.models import resnet18
from autograd_ref.viz import TextGraph, _optional, make_module_dot
from autograd_ref.viz.modules import ModuleCall, collect_modules, hooked_modules, record_calls

needs_graphviz = pytest.mark.skipif(
    _optional.graphviz_module() is None,
    reason="the graphviz Python package is not installed (pip install graphviz; the dev extra has it)")
needs_dot = pytest.mark.needs("dot")


def all_nodes(output):
    seen, stack = set(), [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        stack.extend(n for n, _ in node.next_functions)
    return seen


@pytest.fixture(scope="module")
def resnet():
    torch.manual_seed(0)
    return resnet18(num_classes=10)


def module_boxes(picture):
    return [box for box in picture.boxes.values() if isinstance(box.obj, ModuleCall)]


def test_hooked_modules_are_those_at_the_depth_and_shallower_leaves(resnet):
    names = [name for name, _ in hooked_modules(resnet, 2)]
    assert names == ["conv1", "bn1", "relu", "maxpool", "layer1.0", "layer1.1", "layer2.0", "layer2.1",
                     "layer3.0", "layer3.1", "layer4.0", "layer4.1", "avgpool", "fc"]
    assert [name for name, _ in hooked_modules(resnet, 0)] == [""]
    with pytest.raises(ValueError, match="depth"):
        hooked_modules(resnet, -1)


def test_resnet18_by_blocks_counts_every_node_once(resnet):
    out, picture, calls = collect_modules(resnet, torch.zeros(1, 3, 64, 64), depth=2)
    counts = {call.name: len(call.nodes) for call in calls}
    assert counts == {"conv1": 2, "bn1": 3, "relu": 1, "maxpool": 1,
                      "layer1.0": 13, "layer1.1": 13, "layer2.0": 18, "layer2.1": 13,
                      "layer3.0": 18, "layer3.1": 13, "layer4.0": 18, "layer4.1": 13,
                      "avgpool": 1, "fc": 4}
    every = all_nodes(out)
    assert len(every) == 132
    grouped = set().union(*(call.nodes for call in calls))
    assert sum(counts.values()) == len(grouped) == 131           # no node in two boxes
    assert [type(n).__name__ for n in every - grouped] == ["ViewBackward0"]    # the flatten in forward
    # 14 module boxes, the flatten and the output, in one chain: 15 arrows
    assert len(picture.boxes) == 16 and len(module_boxes(picture)) == 14
    assert len(picture.arrows) == 15
    labels = [box.label for box in module_boxes(picture)]
    assert "layer2.0: BasicBlock\n18 nodes, out (1, 128, 8, 8)" in labels
    assert "relu: ReLU\n1 node, out (1, 64, 32, 32)" in labels


def test_in_place_modules_keep_their_own_node(resnet):
    """The stem's ReLU and a block's ``out += identity`` change a tensor in place: the node each module
    recorded is the one its output had when the module returned."""
    _, calls = record_calls(resnet.layer1[0], torch.randn(1, 64, 8, 8, requires_grad=True), depth=1)
    kinds = {(call.name, tuple(sorted(type(n).__name__ for n in call.nodes))) for call in calls}
    assert ("bn2", ("AccumulateGrad", "AccumulateGrad", "NativeBatchNormBackward0")) in kinds
    assert [c.name for c in calls].count("relu") == 2          # one module, called twice: two boxes
    assert all(sorted(type(n).__name__ for n in c.nodes) == ["ReluBackward0"] for c in calls if c.name == "relu")


def test_a_block_whose_input_requires_grad_shows_both_paths(resnet):
    x = torch.randn(1, 64, 16, 16, requires_grad=True)
    _, picture, calls = collect_modules(resnet.layer2[0], x, depth=1, params={"x": x})
    by_label = {box.label.split(":")[0].split("\n")[0]: box.id for box in picture.boxes.values()}
    accumulate = next(box.id for box in picture.boxes.values()
                      if box.label == "AccumulateGrad")              # x's, outside every module
    fed = {arrow.head for arrow in picture.arrows if arrow.tail == accumulate}
    assert fed == {by_label["conv1"], by_label["downsample"]}
    add = by_label["AddBackward0"]
    assert {arrow.tail for arrow in picture.arrows if arrow.head == add} == {by_label["bn2"],
                                                                             by_label["downsample"]}
    assert any(box.label == "x\n(1, 64, 16, 16)" and box.kind == "leaf" for box in picture.boxes.values())
    assert sum(len(c.nodes) for c in calls) == 17                 # 19 in all: the add and x's AccumulateGrad


def test_depth_zero_is_one_box_and_hooks_are_removed():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    out, picture, calls = collect_modules(model, torch.randn(5, 3), depth=0)
    assert len(calls) == 1 and calls[0].nodes == all_nodes(out)
    assert calls[0].label.startswith("(model): Sequential\n9 nodes")
    assert len(picture.boxes) == 2
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


def test_hooks_are_removed_when_the_model_raises():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))
    with pytest.raises(Exception):
        make_module_dot(model, torch.randn(2, 3))
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


def test_parameters_outside_the_hooked_modules_keep_their_names():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(2))
            self.linear = nn.Linear(3, 2)

        def forward(self, x):
            return self.linear(x) * self.scale

    _, picture, _ = collect_modules(Scaled(), torch.randn(4, 3), depth=1)
    labels = Counter(box.label for box in picture.boxes.values())
    assert labels["scale\n(2)"] == 1 and labels["MulBackward0"] == 1
    assert "linear: Linear\n4 nodes, out (4, 2)" in labels


@needs_dot
def test_make_module_dot_draws_module_boxes_apart_and_quickly(resnet):
    import graphviz
    start = time.perf_counter()
    dot = make_module_dot(resnet, torch.zeros(1, 3, 64, 64), depth=2)
    svg = dot.pipe(format="svg", encoding="utf-8")
    assert time.perf_counter() - start < 3
    assert isinstance(dot, graphviz.Digraph)
    assert dot.source.count("box3d") == 14 and "lightgoldenrod1" in dot.source
    assert "layer4.1: BasicBlock" in svg and "ViewBackward0" in svg


@needs_graphviz
def test_without_dot_the_picture_is_text(resnet, monkeypatch):
    monkeypatch.setattr(_optional, "missing", lambda: "graphviz's dot program is not on the PATH")
    picture = make_module_dot(resnet, torch.zeros(1, 3, 64, 64), depth=1)
    assert isinstance(picture, TextGraph)
    text = str(picture)
    assert "layer3: Sequential" in text and "ViewBackward0" in text and "dot program" in text
    assert "layer3: Sequential" in picture._repr_html_()
