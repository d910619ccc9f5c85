"""Pictures as text, for when graphviz cannot draw: the backward graph as an
indented tree, from the output down to the leaves, in plain text and in HTML.

    >>> print(tree_text(collect(x1 * x2, params={"x1": x1, "x2": x2})))
    [output] ()
    └─ MulBackward0
       ├─ AccumulateGrad
       │  └─ [leaf] x1 ()
       └─ AccumulateGrad
          └─ [leaf] x2 ()
"""
import html
from dataclasses import dataclass

from .walk import COLOURS

CURRENT, DONE = "gold", "palegreen"     # a node running now, nodes that ran (BackwardStepper)

# The graphviz colour names we use, for HTML (which knows only some of them).
HEX = {"darkolivegreen1": "#caff70", "darkolivegreen3": "#a2cd5a", "lightblue": "#add8e6",
       "orange": "#ffa500", None: "#d3d3d3", "gold": "#ffd700", "palegreen": "#98fb98"}

_TAGS = {"output": "[output] ", "base": "[base of view] ", "leaf": "[leaf] ", "saved": "[saved] ",
         "function": ""}
_SMALL = 3      # a subtree met again is printed again when it has at most this many boxes


@dataclass
class Row:
    lead: str       # tree drawing before the box's first line
    indent: str     # tree drawing before its other lines
    box: object
    lines: list     # the box's text, line by line
    note: str       # "", "(see above)", or a step mark


class TextGraph:
    """What ``make_dot`` returns when graphviz cannot render: readable in a
    notebook (HTML) and in a terminal (text), with a line on how to get pictures.

        >>> g = make_dot(y)          # without graphviz
        >>> print(g)                 # the graph as an indented tree
    """

    def __init__(self, text, html_text, note, digraph=None):
        self.text = text
        self.html = html_text
        self.note = note
        self.digraph = digraph      # the graphviz.Digraph, when the package is installed

    @property
    def source(self):
        """The DOT source, when the graphviz package could build it."""
        return None if self.digraph is None else self.digraph.source

    def __str__(self):
        return f"{self.note}\n{self.text}"

    __repr__ = __str__

    def _repr_html_(self):
        note = html.escape(self.note)
        return f'<div><p style="font-style:italic;margin:0 0 4px 0">{note}</p>{self.html}</div>'


def tree_rows(picture, current=None, done=()):
    """The picture as rows of an indented tree, roots first. A node reached
    again by another path is printed once more only if its subtree is small;
    otherwise it says "(see above)". ``current`` and ``done`` are ids of boxes
    to mark (a backward pass being stepped through)."""
    below = picture.children()
    rows, expanded = [], set()
    # An explicit stack, not recursion: graphs can be deeper than Python's recursion limit.
    stack = [(root, "", "", None) for root in reversed(picture.roots)]
    while stack:
        box_id, lead, indent, arrow = stack.pop()
        box = picture.boxes[box_id]
        kids = below[box_id]
        repeat = box_id in expanded and bool(kids) and not _small(box_id, below)
        if box_id == current:
            note = "◀ runs now"
        elif box_id in done:
            note = "✓ ran"
        else:
            note = "(see above)" if repeat else ""
        if arrow is not None and arrow.label:
            note = f"(gets {arrow.label}) {note}".strip()
        rows.append(Row(lead, indent + ("│  " if kids and not repeat else "   "), box,
                        _box_lines(box), note))
        if repeat:
            continue
        expanded.add(box_id)
        for i in reversed(range(len(kids))):
            last = i == len(kids) - 1
            kid, kid_arrow = kids[i]
            stack.append((kid, indent + ("└─ " if last else "├─ "),
                          indent + ("   " if last else "│  "), kid_arrow))
    return rows


def _small(box_id, below):
    """True if the subtree under ``box_id`` has at most ``_SMALL`` boxes."""
    count, stack = 0, [box_id]
    while stack:
        count += 1
        if count > _SMALL:
            return False
        stack.extend(kid for kid, _ in below[stack.pop()])
    return True


def _box_lines(box):
    lines = box.label.split("\n")
    if box.kind != "function":      # a tensor fits on one line: name and shape
        lines = [" ".join(line for line in lines if line)]
    lines[0] = _TAGS[box.kind] + lines[0]
    return lines


def tree_text(picture, current=None, done=()):
    """The tree as plain text."""
    out = []
    for row in tree_rows(picture, current, done):
        first = row.lead + row.lines[0] + (f"  {row.note}" if row.note else "")
        out.append(first)
        out.extend(row.indent + line for line in row.lines[1:])
    return "\n".join(out)


def tree_html(picture, current=None, done=()):
    """The tree as HTML: the same text, each box on its torchviz colour."""
    out = []
    for row in tree_rows(picture, current, done):
        colour = COLOURS[row.box.kind]
        if row.box.id == current:
            colour = CURRENT
        elif row.box.id in done and row.box.kind == "function":
            colour = DONE
        weight = "font-weight:bold;" if row.box.id == current else ""
        style = f"background-color:{HEX[colour]};padding:0 3px;{weight}"

        def span(line):
            return f'<span style="{style}">{html.escape(line)}</span>'

        note = f"  {html.escape(row.note)}" if row.note else ""
        out.append(html.escape(row.lead) + span(row.lines[0]) + note)
        out.extend(html.escape(row.indent) + span(line) for line in row.lines[1:])
    return '<pre style="line-height:1.3;font-size:12px">' + "\n".join(out) + "</pre>"
