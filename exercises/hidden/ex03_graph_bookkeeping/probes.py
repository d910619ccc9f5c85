"""Probes for exercise 3 (graph bookkeeping). They run in the grading sandbox, after the notebook's cells,
with ``ns`` the namespace those cells defined; the standard library and numpy only.

A probe builds tensors and graphs with the student's engine and describes what was recorded as plain data:
nodes are named by their class and numbered in the order a walk from the results meets them, edges by those
numbers, and an AccumulateGrad node by the tensor its ``variable`` is. The tests compare these descriptions
with the ones autograd_ref gives for the same expressions.
"""
import numpy as np

MAX_NODES = 2000
MAX_EDGES = 50


def _flag(x):
    """A bool as it is, anything else as a description (the tests expect a bool)."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    return "not a bool: %s" % type(x).__name__


def _pairs(x):
    """A tuple or list as a list (at most MAX_EDGES items), None for anything else."""
    if isinstance(x, (tuple, list)):
        return list(x)[:MAX_EDGES]
    return None


def _label(obj, known):
    """What obj is, in words the tests know: a label from ``known`` (a list of (label, object)), an
    AccumulateGrad node of one of them, None, or a description."""
    if obj is None:
        return None
    for label, thing in known:
        if obj is thing:
            return label
    if type(obj).__name__ == "AccumulateGrad":
        variable = getattr(obj, "variable", None)
        for label, thing in known:
            if variable is thing:
                return "AccumulateGrad(%s)" % label
        return "AccumulateGrad(?)"
    return "object of type %s" % type(obj).__name__


def _edge(edge, known):
    """One entry of next_functions as [label, input_nr], or a string saying what is wrong with it."""
    pair = _pairs(edge)
    if pair is None or len(pair) != 2:
        return "not a (node, input_nr) pair: %s" % type(edge).__name__
    node, nr = pair
    if isinstance(nr, (int, np.integer)) and not isinstance(nr, (bool, np.bool_)):
        nr = int(nr)
    else:
        nr = "not an int: %s" % type(nr).__name__
    return [_label(node, known), nr]


def _edges(edges, known):
    items = _pairs(edges)
    if items is None:
        return "not a tuple: %s" % type(edges).__name__
    return [_edge(e, known) for e in items]


# -- Part 1 ---------------------------------------------------------------------------------------------


def probe_accumulator(ns, data, other):
    """grad_accumulator called twice on one leaf and once on another."""
    Tensor, grad_accumulator = ns["Tensor"], ns["grad_accumulator"]
    leaf, second = Tensor(np.asarray(data, dtype=float), requires_grad=True), \
        Tensor(np.asarray(other, dtype=float), requires_grad=True)
    first = grad_accumulator(leaf)
    again = grad_accumulator(leaf)
    its_own = grad_accumulator(second)
    edges = getattr(first, "next_functions", "missing")
    return {
        "type": type(first).__name__,
        "is_node": isinstance(first, ns["Node"]),
        "same_twice": first is again,
        "distinct": its_own is not first,
        "variable_is_leaf": getattr(first, "variable", None) is leaf,
        "second_variable_is_its_leaf": getattr(its_own, "variable", None) is second,
        "next_functions": _edges(edges, []) if edges != "missing" else "missing",
    }


# -- Part 2 ---------------------------------------------------------------------------------------------


def _three_inputs(ns, data):
    Tensor, Node = ns["Tensor"], ns["Node"]
    node = Node(())
    inputs = {
        "leaf": Tensor(np.asarray(data, dtype=float), requires_grad=True),
        "const": Tensor(np.asarray(data, dtype=float)),
        "computed": Tensor(np.asarray(data, dtype=float), requires_grad=True, grad_fn=node),
    }
    known = [("node", node)] + list(inputs.items())
    return inputs, known


def probe_gradient_edge(ns, data, kind):
    """gradient_edge of a leaf that requires grad, a constant, or a tensor with a grad_fn."""
    inputs, known = _three_inputs(ns, data)
    return _edge(ns["gradient_edge"](inputs[kind]), known)


def probe_collect_next_edges(ns, data, order):
    """collect_next_edges of the three kinds of inputs, in the given order (names may repeat)."""
    inputs, known = _three_inputs(ns, data)
    return _edges(ns["collect_next_edges"](*[inputs[k] for k in order]), known)


# -- Part 3 ---------------------------------------------------------------------------------------------


def probe_make_result(ns, data, kinds):
    """make_result(data * 2, inputs, ProbeBackward0) for inputs of the given kinds: "leaf" (requires grad),
    "const" or "computed" (has a grad_fn of its own)."""
    Tensor, Node = ns["Tensor"], ns["Node"]

    class ProbeBackward0(Node):
        pass

    data = np.asarray(data, dtype=float)
    inputs, known = [], []
    for k, kind in enumerate(kinds):
        if kind == "computed":
            node = Node(())
            known.append(("node%d" % k, node))
            t = Tensor(data, requires_grad=True, grad_fn=node)
        else:
            t = Tensor(data, requires_grad=(kind == "leaf"))
        known.append(("input%d" % k, t))
        inputs.append(t)
    out = ns["make_result"](data * 2, tuple(inputs), ProbeBackward0)
    if not isinstance(out, Tensor):
        return {"is_tensor": False}
    try:
        values = np.asarray(out.data, dtype=float)
        same_data = bool(values.shape == data.shape and np.array_equal(values, data * 2))
    except Exception:
        same_data = False
    grad_fn = getattr(out, "grad_fn", None)
    described = None
    if grad_fn is not None:
        described = {"exact_class": type(grad_fn) is ProbeBackward0, "type": type(grad_fn).__name__,
                     "edges": _edges(getattr(grad_fn, "next_functions", None), known)}
    return {"is_tensor": True, "same_data": same_data, "requires_grad": _flag(out.requires_grad),
            "grad_fn": described}


# -- Part 4 ---------------------------------------------------------------------------------------------


def probe_is_leaf(ns, data):
    Tensor, Node = ns["Tensor"], ns["Node"]
    data = np.asarray(data, dtype=float)
    return {
        "made": _flag(Tensor(data).is_leaf),
        "made_requiring_grad": _flag(Tensor(data, requires_grad=True).is_leaf),
        "computed": _flag(Tensor(data, requires_grad=True, grad_fn=Node(())).is_leaf),
    }


def probe_requires_grad_on(ns, data):
    """requires_grad_() and requires_grad_(False) on a leaf; requires_grad_() on a tensor with a grad_fn."""
    Tensor, Node = ns["Tensor"], ns["Node"]
    t = Tensor(np.asarray(data, dtype=float))
    returned_on = t.requires_grad_() is t
    flag_on = _flag(t.requires_grad)
    returned_off = t.requires_grad_(False) is t
    flag_off = _flag(t.requires_grad)
    keyword = t.requires_grad_(requires_grad=True) is t and t.requires_grad is True
    return {"returned_on": returned_on, "flag_on": flag_on, "returned_off": returned_off,
            "flag_off": flag_off, "keyword": keyword}


def _error(fn):
    try:
        fn()
    except Exception as e:  # the student's refusal (or another failure): its type and message
        return {"type": type(e).__name__, "message": str(e)[:300]}
    return None


def probe_requires_grad_refused(ns, data, integers):
    """requires_grad_(False) on a tensor with a grad_fn; requires_grad_() on an integer tensor."""
    Tensor, Node = ns["Tensor"], ns["Node"]
    computed = Tensor(np.asarray(data, dtype=float), requires_grad=True, grad_fn=Node(()))
    ints = Tensor(np.asarray(integers))
    return {
        "non_leaf": _error(lambda: computed.requires_grad_(False)),
        "non_leaf_flag_after": _flag(computed.requires_grad),
        "integer": _error(lambda: ints.requires_grad_()),
        "integer_flag_after": _flag(ints.requires_grad),
    }


# -- Part 5 ---------------------------------------------------------------------------------------------


def _describe(values):
    """The graph behind values, as plain data. Nodes are numbered in the order a breadth-first walk from
    the values' grad_fns (in the values' order) meets them, so two graphs of the same shape get the same
    description."""
    numbers, nodes = {}, []

    def number(node):
        if node is None:
            return None
        if id(node) not in numbers:
            if len(nodes) >= MAX_NODES:
                raise ValueError("the graph has more than %d nodes" % MAX_NODES)
            numbers[id(node)] = len(nodes)
            nodes.append(node)
        return numbers[id(node)]

    described_values = [{"requires_grad": _flag(v.requires_grad), "grad_fn": number(v.grad_fn)} for v in values]
    described_nodes, k = [], 0
    while k < len(nodes):
        node = nodes[k]
        k += 1
        kind = type(node).__name__
        entry = {"type": kind, "name": None, "variable": None}
        if kind == "AccumulateGrad":
            variable = getattr(node, "variable", None)
            entry["variable"] = next((i for i, v in enumerate(values) if v is variable), -1)
        else:
            name = node.name() if callable(getattr(node, "name", None)) else None
            entry["name"] = name if isinstance(name, str) else "not a str"
        items = _pairs(getattr(node, "next_functions", None))
        if items is None:
            entry["edges"] = "not a tuple"
        else:
            edges = []
            for edge in items:
                pair = _pairs(edge)
                if pair is None or len(pair) != 2:
                    edges.append("not a pair")
                    continue
                nr = pair[1]
                nr = int(nr) if isinstance(nr, (int, np.integer)) and not isinstance(nr, (bool, np.bool_)) \
                    else "not an int"
                edges.append([number(pair[0]), nr])
            entry["edges"] = edges
        described_nodes.append(entry)
    return {"values": described_values, "nodes": described_nodes}


def probe_graph(ns, leaves, flags, steps):
    """The graph a program records, described."""
    return _describe(_run_program(ns, leaves, flags, steps))


# -- Part 6 ---------------------------------------------------------------------------------------------


def _found(found, leaves):
    """leaves_reached's answer as indices into leaves (-1 for anything else)."""
    items = _pairs(found)
    if items is None:
        return "not a list: %s" % type(found).__name__
    return [next((i for i, t in enumerate(leaves) if t is item), -1) for item in items[:10 * len(leaves) + 10]]


def probe_leaves_reached(ns, n_leaves, nodes):
    """leaves_reached of a tensor whose grad_fn is the last of ``nodes``, a graph built by hand: each node
    is ["acc", leaf index] (the leaf's AccumulateGrad) or ["node", [indices of earlier nodes, -1 for
    None]]."""
    Tensor, Node, AccumulateGrad = ns["Tensor"], ns["Node"], ns["AccumulateGrad"]
    leaves = [Tensor(np.zeros(2), requires_grad=True) for _ in range(int(n_leaves))]
    made = []
    for kind, arg in nodes:
        if kind == "acc":
            made.append(AccumulateGrad(leaves[int(arg)]))
        else:
            made.append(Node(tuple((None if int(i) < 0 else made[int(i)], 0) for i in arg)))
    root = Tensor(np.zeros(2), requires_grad=True, grad_fn=made[-1])
    return _found(ns["leaves_reached"](root), leaves)


def probe_leaves_of_a_leaf(ns, requires_grad):
    """leaves_reached of a tensor you made."""
    leaf = ns["Tensor"](np.ones(3), requires_grad=bool(requires_grad))
    return _found(ns["leaves_reached"](leaf), [leaf])


def probe_leaves_reached_deep(ns, length):
    """leaves_reached of a chain of ``length`` nodes (built here) over two leaves."""
    Tensor, Node, AccumulateGrad = ns["Tensor"], ns["Node"], ns["AccumulateGrad"]
    x, w = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    node = Node(((AccumulateGrad(x), 0),))
    for _ in range(int(length)):
        node = Node(((node, 0), (None, 0)))
    root = Tensor(np.zeros(2), requires_grad=True, grad_fn=Node(((node, 0), (AccumulateGrad(w), 0))))
    return _found(ns["leaves_reached"](root), [x, w])
