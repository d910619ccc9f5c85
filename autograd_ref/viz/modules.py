"""``make_module_dot``: the backward graph of a model with each submodule drawn as one box, for graphs
too big to read node by node (resnet18's has 132 nodes and 62 parameters).

    >>> make_module_dot(resnet, x, depth=2)     # stem layers, the eight residual blocks, the head

The model runs once on the inputs, with hooks on the modules ``depth`` levels down (and on shallower
modules that have no children). A module call's box holds every node of the graph that its output
reaches and its inputs do not: its operations and the ``AccumulateGrad`` nodes of its parameters. Nodes
recorded outside any hooked module (a ``flatten`` in ``forward``, the ``+`` of a residual block at a
deeper ``depth``) are drawn as ``make_dot`` draws them. An arrow joins two boxes when a node of one feeds
a node of the other.
"""
from dataclasses import dataclass, field

from . import _optional
from .dot import draw
from .text import TextGraph, tree_html, tree_text
from .walk import Arrow, Box, Picture, box_id, name_map, node_name, size_to_str, tensor_label
from ..autograd.graph import AccumulateGrad
from ..tensor import Tensor

MODULE_COLOUR = "lightgoldenrod1"       # a module's box, in the graphviz picture


@dataclass
class ModuleCall:
    """One call of a hooked module while the model ran."""
    name: str                   # its dotted name in the model (``layer1.0``), "" for the model itself
    module: object
    inputs: list                # (grad_fn, tensor) of each tensor argument, taken before the call
    outputs: list = field(default_factory=list)     # (grad_fn, tensor) of each tensor it returned, taken
                                                    # at once: an in-place change later moves grad_fn on
    nodes: set = field(default_factory=set)         # the graph's nodes it recorded

    @property
    def label(self):
        shapes = ", ".join(size_to_str(t.shape) for _, t in self.outputs)
        count = len(self.nodes)
        return (f"{self.name or '(model)'}: {type(self.module).__name__}\n"
                f"{count} node{'s' if count != 1 else ''}, out {shapes}")


def hooked_modules(model, depth):
    """``(name, module)`` for the modules ``depth`` levels below ``model`` and for the shallower ones that
    have no children; ``depth=0`` is the model itself."""
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    chosen = []
    for name, module in model.named_modules():
        level = 0 if name == "" else name.count(".") + 1
        if level == depth or (level < depth and not any(True for _ in module.children())):
            chosen.append((name, module))
    return chosen


def _tensors(value):
    """The tensors in a module's arguments or output (a tensor, or tuples and lists of them)."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


def _reach(starts, stop_nodes=frozenset(), stop_leaves=frozenset()):
    """Every node reachable from ``starts`` through ``next_functions``, not entering ``stop_nodes`` nor the
    ``AccumulateGrad`` of a leaf whose id is in ``stop_leaves``."""
    seen, stack = set(), [n for n in starts if n is not None]
    while stack:
        node = stack.pop()
        if node in seen or node in stop_nodes:
            continue
        if isinstance(node, AccumulateGrad) and id(node.variable) in stop_leaves:
            continue
        seen.add(node)
        stack.extend(n for n, _ in node.next_functions if n is not None)
    return seen


def record_calls(model, *inputs, depth=1):
    """Run ``model(*inputs)`` with hooks on the modules ``depth`` levels down; returns the output and the
    ``ModuleCall`` of each call, in the order the calls finished, each with the nodes it recorded."""
    calls, open_calls, handles = [], {}, []
    names = {}

    def before(module, args):
        open_calls.setdefault(id(module), []).append(
            ModuleCall(names[id(module)], module, [(t.grad_fn, t) for t in _tensors(args)]))

    def after(module, args, output):
        call = open_calls[id(module)].pop()
        call.outputs = [(t.grad_fn, t) for t in _tensors(output)]
        calls.append(call)

    try:
        for name, module in hooked_modules(model, depth):
            if id(module) in names:
                continue            # the same module under two names: hook it once
            names[id(module)] = name
            handles.append(module.register_forward_pre_hook(before))
            handles.append(module.register_forward_hook(after))
        output = model(*inputs)
    finally:
        for handle in handles:
            handle.remove()

    claimed = set()
    for call in calls:
        starts = [fn for fn, _ in call.outputs]
        # the nodes its inputs already had, and the inputs' own AccumulateGrad, are not the call's
        before_nodes = _reach([fn for fn, _ in call.inputs])
        leaves = {id(t) for fn, t in call.inputs if fn is None}
        call.nodes = _reach(starts, before_nodes, leaves) - claimed
        claimed |= call.nodes
    return output, calls


def collect_modules(model, *inputs, depth=1, params=None):
    """Run the model and return ``(output, picture, calls)``: the picture of the backward graph with one box
    per module call (see the module's docstring). ``params`` names the leaves drawn outside any module
    (the model's own parameter names are used by default)."""
    output, calls = record_calls(model, *inputs, depth=depth)
    outputs = _tensors(output)
    names = name_map(dict(model.named_parameters()))
    names.update(name_map(params))
    owner = {}
    for i, call in enumerate(calls):
        for node in call.nodes:
            owner[node] = f"call{i}"

    picture = Picture()
    for i, call in enumerate(calls):
        if call.nodes:
            picture.add(Box(f"call{i}", "function", call.label, call))

    def here(node):
        return owner.get(node) or box_id(node)

    for out in outputs:
        picture.roots.append(picture.add(Box(box_id(out), "output", tensor_label(out, names.get(id(out), "")), out)))
        if out.grad_fn is not None:
            picture.arrows.append(Arrow(here(out.grad_fn), box_id(out)))

    drawn = set()
    for node in _reach([out.grad_fn for out in outputs]):
        head = here(node)
        if node not in owner:
            picture.add(Box(head, "function", node_name(node), node))
            if isinstance(node, AccumulateGrad):
                leaf = node.variable
                picture.add(Box(box_id(leaf), "leaf", tensor_label(leaf, names.get(id(leaf), "")), leaf))
                picture.arrows.append(Arrow(box_id(leaf), head))
        for i, (next_node, _) in enumerate(node.next_functions):
            if next_node is None:
                continue
            tail = here(next_node)
            if tail != head and (tail, head) not in drawn:
                drawn.add((tail, head))
                picture.arrows.append(Arrow(tail, head, index=i))
    return output, picture, calls


def make_module_dot(model, *inputs, depth=1, params=None):
    """Run ``model(*inputs)`` and draw its backward graph with each module ``depth`` levels down as one box
    (its name, its class, how many nodes it holds, the shape of its output).

        >>> make_module_dot(resnet18(), zeros(1, 3, 64, 64), depth=2)

    Returns a ``graphviz.Digraph``, or a ``TextGraph`` where graphviz cannot render.
    """
    _, picture, _ = collect_modules(model, *inputs, depth=depth, params=params)
    digraph = None
    if _optional.graphviz_module() is not None:
        digraph = draw(picture)
        for box in picture.boxes.values():
            if isinstance(box.obj, ModuleCall):     # a node statement again: graphviz merges the attributes
                digraph.node(box.id, fillcolor=MODULE_COLOUR, shape="box3d")
    reason = _optional.missing()
    if reason is None:
        return digraph
    return TextGraph(tree_text(picture), tree_html(picture), _optional.message(reason), digraph)
