"""``make_dot``: a picture of the backward graph, as torchviz draws it.

    >>> y = (x1 * x2).sin()
    >>> make_dot(y, params={"x1": x1, "x2": x2})     # a graphviz.Digraph: shows inline in Jupyter

The leaves (blue) are at the top and the output (green) at the bottom, so read
downwards it is the forward computation; read upwards it is the path gradients
take: from the output through each node's ``backward`` to the
``AccumulateGrad`` nodes that add them into the leaves' ``.grad``. Without
graphviz the same graph comes back as text.
"""
from . import _optional
from .text import CURRENT, DONE, TextGraph, tree_html, tree_text
from .walk import COLOURS, collect

# torchviz's node style: small monospace boxes.
NODE_ATTR = dict(style="filled", shape="box", align="left", fontsize="10", ranksep="0.1",
                 height="0.2", fontname="monospace")


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """Draw the backward graph that produced ``var`` (a tensor or a tuple of them).

        >>> y = (sin(x2) + 1) / (x2 + exp(x1)) + x1 * x2
        >>> make_dot(y, params={"x1": x1, "x2": x2}, show_saved=True)

    ``params`` names tensors (``dict(model.named_parameters())``); ``show_saved``
    adds, in orange, the tensors each node keeps for its backward (gone after
    ``backward()`` unless ``retain_graph=True``); ``show_attrs`` lists what each
    node stored (shapes, dims, exponents), cutting values at ``max_attr_chars``.

    Returns a ``graphviz.Digraph``, or, where graphviz or its ``dot`` program is
    missing, a ``TextGraph`` that shows the graph as an indented tree.
    """
    picture = collect(var, params, show_attrs=show_attrs, show_saved=show_saved,
                      max_attr_chars=max_attr_chars)
    return render(picture)


def render(picture, current=None, done=()):
    """A ``graphviz.Digraph`` of the picture when graphviz can render here,
    otherwise a ``TextGraph``. ``current`` / ``done`` mark nodes of a backward
    pass being stepped through."""
    reason = _optional.missing()
    digraph = draw(picture, current, done) if _optional.graphviz_module() is not None else None
    if reason is None:
        return digraph
    return TextGraph(tree_text(picture, current, done), tree_html(picture, current, done),
                     _optional.message(reason), digraph)


def draw(picture, current=None, done=()):
    """The picture as a ``graphviz.Digraph`` (needs the graphviz package, not ``dot``)."""
    graphviz = _optional.graphviz_module()
    dot = graphviz.Digraph(node_attr=NODE_ATTR, graph_attr=dict(size="12,12", nodesep="0.4"))
    for box in picture.boxes.values():
        attrs = {}
        colour = COLOURS[box.kind]
        if box.id == current:
            colour, attrs["penwidth"] = CURRENT, "2"
        elif box.id in done:
            colour = DONE
        if colour is not None:
            attrs["fillcolor"] = colour
        dot.node(box.id, box.label, **attrs)
    for arrow in picture.arrows:
        if arrow.kind == "saved":
            dot.edge(arrow.tail, arrow.head, dir="none")
        elif arrow.kind == "view":
            dot.edge(arrow.tail, arrow.head, style="dotted")
        elif arrow.label:
            dot.edge(arrow.tail, arrow.head, label=rows(arrow.label), fontsize="9", fontname="monospace")
        else:
            dot.edge(arrow.tail, arrow.head)
    resize(dot)
    return dot


def rows(label):
    """A label holding a matrix, one row per line, left-aligned (graphviz's ``\\l``), so that labels stay
    narrow and two arrows between the same nodes do not run into each other.

        >>> rows("y = [[3.0, 3.0], [3.0, 3.0]]")
        'y = [[3.0, 3.0],\\l     [3.0, 3.0]]\\l'
    """
    start = label.find("[[")
    if start < 0:
        return label
    return label.replace("], [", "],\\l" + " " * (start + 1) + "[") + "\\l"


def resize(dot, size_per_element=0.15, min_size=12):
    """Give big graphs a bigger canvas, as torchviz does: 0.15 inch per line of
    DOT, at least 12 inches."""
    size = max(min_size, len(dot.body) * size_per_element)
    dot.graph_attr.update(size=f"{size},{size}")
