"""What a picture of the backward graph contains, before anyone draws it.

Starting from the output tensor(s), follow ``grad_fn`` and ``next_functions``
down to the ``AccumulateGrad`` nodes and their leaves, and write down boxes
(tensors and nodes) and arrows. ``dot.py`` turns this into a graphviz drawing,
``text.py`` into an indented tree; neither needs to know how the graph is stored.

    >>> picture = collect(y, params={"x": x})
    >>> [box.label for box in picture.boxes.values()]
    ['()', 'AddBackward0', ...]
"""
import re
from dataclasses import dataclass, field

from ..autograd.graph import AccumulateGrad, Node
from ..tensor import Tensor

# torchviz's colours, so that pictures look like the ones learners meet elsewhere.
COLOURS = {
    "output": "darkolivegreen1",
    "base": "darkolivegreen3",      # the tensor an output is a view of
    "leaf": "lightblue",
    "saved": "orange",
    "function": None,               # graphviz's default fill for style=filled: lightgrey
}


@dataclass
class Box:
    """One thing in the picture: a tensor or a node of the backward graph."""
    id: str
    kind: str           # one of COLOURS' keys
    label: str          # may span several lines
    obj: object         # the Tensor or Node it stands for


@dataclass
class Arrow:
    """``tail -> head``, drawn as torchviz does: from an input to the node that
    consumes it, from a ``grad_fn`` to its output tensor; ``saved`` links a node
    to what it saved (no arrowhead); ``view`` links a view to its base."""
    tail: str
    head: str
    kind: str = "flow"  # "flow", "saved" or "view"
    index: int = -1     # for an input of a node: which of its next_functions
    label: str = ""     # text on the arrow (BackwardStepper: the gradient sent along it)


@dataclass
class Picture:
    boxes: dict = field(default_factory=dict)       # id -> Box, in the order found
    arrows: list = field(default_factory=list)
    roots: list = field(default_factory=list)       # ids of the output boxes

    def add(self, box):
        # The first description of an object wins: a leaf that is also an output stays an output.
        self.boxes.setdefault(box.id, box)
        return box.id

    def children(self):
        """For each box, ``(box id, arrow)`` for the boxes one step further from
        the output: the inputs of a node, what it saved, an output's ``grad_fn``
        and base."""
        below = {box_id: [] for box_id in self.boxes}
        for arrow in self.arrows:
            if arrow.kind == "saved":
                below[arrow.tail].append((arrow.head, arrow))
            else:
                below[arrow.head].append((arrow.tail, arrow))
        return below


def as_outputs(var):
    """The output tensors ``make_dot`` was given: one tensor, or a tuple/list."""
    outputs = tuple(var) if isinstance(var, (tuple, list)) else (var,)
    for v in outputs:
        if not isinstance(v, Tensor):
            raise TypeError(f"expected a Tensor or a tuple of Tensors, got {type(v).__name__}")
    return outputs


def name_map(params):
    """``id(tensor) -> name`` from a dict ``{name: tensor}`` or ``(name, tensor)``
    pairs such as ``model.named_parameters()``."""
    if params is None:
        return {}
    pairs = params.items() if hasattr(params, "items") else params
    names = {}
    for name, tensor in pairs:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"params[{name!r}] is a {type(tensor).__name__}, not a Tensor")
        names[id(tensor)] = name
    return names


def size_to_str(shape):
    """``(2, 3)`` for a shape; ``()`` for a number (a 0-d tensor)."""
    return "(" + ", ".join(str(n) for n in shape) + ")"


def tensor_label(tensor, name=""):
    """A tensor's box: its name (when known) above its shape."""
    shape = size_to_str(tensor.shape)
    return f"{name}\n{shape}" if name else shape


def node_name(node):
    """The class name, as torchviz shows it (``AccumulateGrad``, not PyTorch's C++ name)."""
    return type(node).__name__


def op_name(node):
    """The forward operation a node undoes: ``MulBackward0`` -> ``mul``."""
    return re.sub(r"Backward\d*$", "", node_name(node)).lower() or node_name(node)


# Slots every node has; they are the graph's wiring, not the operation's settings.
_WIRING = {"next_functions", "variable", "metadata"}


def node_attributes(node):
    """What a node stored about its operation, ``{name: value}``: shapes, dims,
    exponents (its ``__slots__`` and public attributes), and its saved values.

        >>> node_attributes((x ** 3).grad_fn)
        {'exponent': 3, 'self': '[saved tensor]'}
    """
    attrs = {}
    names = []
    for cls in type(node).__mro__:
        if cls is Node or cls is object:
            break
        slots = cls.__dict__.get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    # What PyTorch shows as ``_saved_<name>``, a class default included (AddBackward0's alpha is 1).
    names.extend(entry if isinstance(entry, str) else entry[1] for entry in type(node).SAVED_ATTRIBUTES)
    names.extend(getattr(node, "__dict__", {}))
    for name in names:
        if name.startswith("_") or name in _WIRING or name in attrs:
            continue
        try:
            attrs[name] = _plain(getattr(node, name))
        except AttributeError:      # a slot the operation left unset
            continue
    if node.next_functions and not isinstance(node, AccumulateGrad):
        saved = node._saved
        if saved is None and was_saved(node):
            attrs["saved"] = "[freed]"
        for i, value in enumerate(saved or ()):
            attrs[saved_name(node, i)] = "[saved tensor]" if isinstance(value, Tensor) else value
    return attrs


def saved_name(node, i):
    """What saved value ``i`` of ``node`` is called: PyTorch's name (``self``, ``other``, ``result``, as torchviz
    labels it, from ``grad_fn._saved_self``), or ``saved[i]`` where the node has none."""
    names = type(node).SAVED
    return names[i] if i < len(names) else f"saved[{i}]"


def _plain(value):
    """Tuples (shapes are ``Size`` tuples) written as plain tuples: ``(2, 3)``."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def was_saved(node):
    """True once ``save_for_backward`` ran on the node, even if backward freed
    what it saved since (``_versions`` outlives the saved values)."""
    try:
        node._versions
    except AttributeError:
        return False
    return True


def function_label(node, show_attrs=False, max_attr_chars=50):
    """The node's class name, and with ``show_attrs`` a table of its attributes
    under a rule, laid out as torchviz lays it out."""
    name = node_name(node)
    attrs = node_attributes(node) if show_attrs else {}
    if not attrs:
        return name
    max_attr_chars = max(max_attr_chars, 3)
    texts = {k: str(v) for k, v in attrs.items()}
    key_width = max(len(k) for k in texts)
    value_width = min(max(len(v) for v in texts.values()), max_attr_chars)

    def truncate(s):
        return s[:value_width - 3] + "..." if len(s) > value_width else s

    rule = "-" * max(key_width + value_width + 2, len(name))
    rows = [f"{k:<{key_width}}: {truncate(v):>{value_width}}" for k, v in texts.items()]
    return "\n".join([name, rule, *rows])


def saved_tensors_of(node):
    """``(index, tensor)`` for each tensor the node still holds for backward;
    nothing once backward has freed them."""
    if isinstance(node, AccumulateGrad) or node._saved is None:
        return []
    return [(i, v) for i, v in enumerate(node._saved) if isinstance(v, Tensor)]


def function_nodes(outputs):
    """Every node reachable from the outputs' ``grad_fn``, each once, depth first."""
    stack = [v.grad_fn for v in reversed(outputs) if v.grad_fn is not None]
    seen, order = set(), []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(n for n, _ in reversed(node.next_functions) if n is not None and n not in seen)
    return order


def box_id(obj):
    return str(id(obj))


def collect(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """The boxes and arrows of the backward graph of ``var`` (a tensor or a
    tuple of tensors), labelled as ``make_dot`` labels them.

        >>> picture = collect(x1 * x2, params={"x1": x1, "x2": x2})
        >>> picture.roots
        ['140...']
    """
    outputs = as_outputs(var)
    names = name_map(params)
    picture = Picture()

    def name_of(tensor):
        return names.get(id(tensor), "")

    for out in outputs:
        picture.roots.append(picture.add(Box(box_id(out), "output", tensor_label(out, name_of(out)), out)))
        if out.grad_fn is not None:
            picture.arrows.append(Arrow(box_id(out.grad_fn), box_id(out)))
        base = out._base
        if base is not None and id(base) not in map(id, outputs):
            picture.add(Box(box_id(base), "base", tensor_label(base, name_of(base)), base))
            picture.arrows.append(Arrow(box_id(base), box_id(out), "view"))

    for node in function_nodes(outputs):
        here = picture.add(Box(box_id(node), "function",
                               function_label(node, show_attrs, max_attr_chars), node))
        if isinstance(node, AccumulateGrad):
            leaf = node.variable
            picture.add(Box(box_id(leaf), "leaf", tensor_label(leaf, name_of(leaf)), leaf))
            picture.arrows.append(Arrow(box_id(leaf), here))
        for i, (next_node, _) in enumerate(node.next_functions):
            if next_node is not None:
                picture.arrows.append(Arrow(box_id(next_node), here, index=i))
        if show_saved:
            for i, tensor in saved_tensors_of(node):
                # One box per saved slot, even when the saved tensor is a leaf
                # drawn elsewhere: the picture shows what this node holds on to.
                name = name_of(tensor)
                label = tensor_label(tensor, saved_name(node, i) + (f" = {name}" if name else ""))
                saved_id = picture.add(Box(f"{here}-saved{i}", "saved", label, tensor))
                picture.arrows.append(Arrow(here, saved_id, "saved"))
    return picture
