"""The forward view: the same recorded graph read the other way, as values
flowing from the inputs through operations to the output.

    >>> y = sin(x1 * x2)
    >>> print(forward_tape(y, {"x1": x1, "x2": x2}))
    x1 = 1.5
    x2 = 0.5
    t1 = mul(x1, x2)    = 0.75
    output = sin(t1)    = 0.6816

Nothing is recomputed. A node does not remember the result it produced, so a
value is shown only where the graph has it: the leaves, the output(s), tensors
some node saved for its backward (``mul`` saves its inputs), and any
intermediate tensor you name in ``inputs`` (``{"h": h}``).
"""
import html
from dataclasses import dataclass, field

from . import _optional
from .dot import rows
from .text import TextGraph
from .walk import COLOURS, as_outputs, function_nodes, name_map, op_name, size_to_str
from ..autograd.graph import AccumulateGrad
from ..tensor import Tensor


@dataclass
class Op:
    """One recorded operation, in forward order."""
    name: str       # what its result is called: "t3", or a name from ``inputs``
    op: str         # "mul"
    node: object    # its grad_fn node
    args: list      # names of its inputs; "const" where autograd keeps no edge
    values: dict    # output_nr -> Tensor, for the results the graph kept


@dataclass
class Tape:
    leaves: list = field(default_factory=list)      # (name, tensor)
    ops: list = field(default_factory=list)         # Op, in the order they ran
    outputs: list = field(default_factory=list)     # (name, tensor)

    def __str__(self):
        return tape_text(self)


def format_value(tensor, max_values=4):
    """A tensor's numbers when it has at most ``max_values`` of them
    (``0.75``, ``[1, 2.5]``), else its shape."""
    if tensor.numel() > max_values:
        return f"shape {size_to_str(tensor.shape)}"

    def fmt(v):
        if not isinstance(v, float):
            return str(v)
        text = f"{v:.4g}"
        return text + ".0" if text.lstrip("-").isdigit() else text    # 1.0, not 1

    def nested(v):
        return "[" + ", ".join(nested(u) for u in v) + "]" if isinstance(v, list) else fmt(v)

    return nested(tensor.detach().tolist())


def forward_tape(output, inputs=None):
    """The operations that produced ``output`` (a tensor or a tuple), in the
    order they ran, with the values the graph kept.

        >>> tape = forward_tape(x1 * x2, {"x1": x1, "x2": x2})
        >>> [op.op for op in tape.ops]
        ['mul']
    """
    outputs = as_outputs(output)
    names = name_map(inputs)
    named = _named_tensors(inputs)
    nodes = function_nodes(outputs)
    known = _kept_values(nodes, named + list(outputs))
    # Creation order is forward order: every node is made after its inputs' nodes.
    ops = sorted((n for n in nodes if not isinstance(n, AccumulateGrad)),
                 key=lambda n: n._sequence_nr)
    result_names = _result_names(ops, outputs, named, names)

    tape = Tape()
    leaf_names = {}     # id(leaf) -> its name, in the order leaves are met

    def arg_name(edge):
        node, nr = edge
        if node is None:
            return "const"
        if isinstance(node, AccumulateGrad):
            leaf = node.variable
            if id(leaf) not in leaf_names:
                leaf_names[id(leaf)] = names.get(id(leaf), f"leaf{len(leaf_names) + 1}")
                tape.leaves.append((leaf_names[id(leaf)], leaf))
            return leaf_names[id(leaf)]
        name = result_names[node]
        return f"{name}[{nr}]" if node.num_outputs > 1 else name

    graph_leaves = {id(n.variable): n for n in nodes if isinstance(n, AccumulateGrad)}
    for t in named:         # named leaves first, in the order given
        if id(t) in graph_leaves:
            arg_name((graph_leaves[id(t)], 0))
    for node in ops:
        args = [arg_name(edge) for edge in node.next_functions]
        values = {nr: known[(node, nr)] for nr in range(node.num_outputs) if (node, nr) in known}
        tape.ops.append(Op(result_names[node], op_name(node), node, args, values))
    for out in outputs:
        if out.grad_fn is None:     # an output that no operation made
            tape.outputs.append((names.get(id(out), "output"), out))
        else:
            tape.outputs.append((result_names[out.grad_fn], out))
    return tape


def _kept_values(nodes, tensors):
    """``(node, output_nr) -> tensor`` for every result the graph still holds:
    a tensor whose ``grad_fn`` is P (output k) is P's k-th result. Looked for
    among ``tensors`` and the tensors the nodes saved."""
    tensors = list(tensors)
    for node in nodes:
        if not isinstance(node, AccumulateGrad) and node._saved is not None:
            tensors.extend(v for v in node._saved if isinstance(v, Tensor))
    known = {}
    for t in tensors:
        if t.grad_fn is not None:
            known.setdefault((t.grad_fn, t._output_nr), t)
    return known


def _result_names(ops, outputs, named, names):
    """node -> the name of its result: the output's, a name from ``inputs``,
    or t1, t2, ... in forward order."""
    result_names = {}
    for i, out in enumerate(outputs):
        if out.grad_fn is not None and out.grad_fn not in result_names:
            result_names[out.grad_fn] = names.get(
                id(out), "output" if len(outputs) == 1 else f"output{i + 1}")
    for t in named:
        if t.grad_fn is not None:
            result_names.setdefault(t.grad_fn, names[id(t)])
    count = 0
    for node in ops:
        if node not in result_names:
            count += 1
            result_names[node] = f"t{count}"
    return result_names


def _named_tensors(inputs):
    if inputs is None:
        return []
    return list(inputs.values() if hasattr(inputs, "values") else (t for _, t in inputs))


def tape_text(tape, max_values=4):
    """The tape as lines of code, one operation a line, values at the right."""
    lines = [f"{name} = {format_value(t, max_values)}" for name, t in tape.leaves]
    width = max([len(_call(op)) for op in tape.ops] + [0]) + 4
    for op in tape.ops:
        call = _call(op)
        if op.values:
            shown = ", ".join(format_value(v, max_values) for _, v in sorted(op.values.items()))
            call = f"{call:<{width}}= {shown}"
        lines.append(call)
    return "\n".join(lines)


def _call(op):
    return f"{op.name} = {op.op}({', '.join(op.args)})"


def make_forward_dot(output, inputs=None, max_values=4):
    """Draw the forward computation of ``output``: inputs (blue) on the left,
    operations in order, the output (green) on the right; each arrow carries the
    value flowing along it, where the graph kept it.

        >>> y = (sin(x2) + 1) / (x2 + exp(x1)) + x1 * x2
        >>> make_forward_dot(y, inputs={"x1": x1, "x2": x2})

    ``inputs`` names tensors: leaves, and intermediate results you kept, whose
    values then show too. Returns a ``graphviz.Digraph``, or a ``TextGraph``
    listing the operations as code where graphviz cannot render.
    """
    tape = forward_tape(output, inputs)
    reason = _optional.missing()
    digraph = _draw_tape(tape, max_values) if _optional.graphviz_module() is not None else None
    if reason is None:
        return digraph
    text = tape_text(tape, max_values)
    return TextGraph(text, f'<pre style="font-size:12px">{html.escape(text)}</pre>',
                     _optional.message(reason), digraph)


def _draw_tape(tape, max_values):
    graphviz = _optional.graphviz_module()
    # left to right, at most 9.5 inches wide: JupyterLab's notebook column (graphviz only ever shrinks to it)
    dot = graphviz.Digraph(graph_attr=dict(rankdir="LR", size="9.5,12"),
                           node_attr=dict(fontsize="10", fontname="monospace", style="filled",
                                          height="0.2"),
                           edge_attr=dict(fontsize="9", fontname="monospace"))
    where = {}      # the name of a value -> the id of the DOT node that makes it
    for name, leaf in tape.leaves:
        where[name] = f"leaf {name}"
        dot.node(where[name], f"{name}\n{_matrix_rows(format_value(leaf, max_values))}", shape="box",
                 fillcolor=COLOURS["leaf"])
    values = dict(tape.leaves)
    for op in tape.ops:
        op_id = f"op {op.name}"
        dot.node(op_id, op.op, shape="ellipse", fillcolor="white")
        for arg in op.args:
            if arg == "const":
                const_id = f"{op_id} const {len(dot.body)}"
                dot.node(const_id, "constant", shape="plaintext", style="", fontcolor="gray40")
                dot.edge(const_id, op_id, style="dashed", color="gray60")
            else:
                dot.edge(where[arg], op_id, label=rows(_edge_label(arg, values, max_values)))
        for nr in range(op.node.num_outputs):
            name = f"{op.name}[{nr}]" if op.node.num_outputs > 1 else op.name
            where[name] = op_id
            if nr in op.values:
                values[name] = op.values[nr]
    for name, out in tape.outputs:
        out_id = f"output {name}"
        dot.node(out_id, f"{name}\n{_matrix_rows(format_value(out, max_values))}", shape="box",
                 fillcolor=COLOURS["output"])
        if name in where:
            dot.edge(where[name], out_id, label=rows(format_value(out, max_values)))
    return dot


def _matrix_rows(text):
    """A matrix in a box, one row per (centred) line."""
    return text.replace("], [", "],\n [")


def _edge_label(name, values, max_values):
    if name in values:
        return f"{name} = {format_value(values[name], max_values)}"
    return name
