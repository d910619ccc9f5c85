"""Probes for exercise 1 (a scalar reverse-mode engine). They run in the grading sandbox, after the
notebook's cells, with ``ns`` the namespace those cells defined; standard library only here.

Each probe builds what the hidden test describes, calls the student's functions, and returns plain
numbers and lists. Every judgement is made by the tests, in the grader's own process.
"""

BINARY = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__"}


def _value(ns, data):
    return ns["Value"](data)


def _check_value(ns, out, what):
    if not isinstance(out, ns["Value"]):
        raise TypeError("%s did not return a Value" % what)
    return out


def _local_grad_wrt(out, operand):
    """d(out)/d(operand) as out records it: the sum of the local derivatives of every child that is
    this very operand (a child can appear twice, as in x * x)."""
    total = 0.0
    for child, local in zip(out.children, out.local_grads):
        if child is operand:
            total += float(local)
    return total


def probe_binary(ns, op, a, b, form):
    """``a <op> b`` through Python's operators. form: "vv" (two Values), "vn" (Value and number),
    "nv" (number and Value) or "same" (the Value a with itself)."""
    va, vb = _value(ns, a), _value(ns, b)
    if form == "vv":
        left, right = va, vb
    elif form == "vn":
        left, right = va, float(b)
    elif form == "nv":
        left, right = float(a), vb
    else:
        left = right = va
    method = BINARY[op]
    if form == "nv":
        reflected = "__r" + method[2:]
        out = getattr(right, reflected)(left)
    else:
        out = getattr(left, method)(right)
    out = _check_value(ns, out, op)
    return {
        "data": float(out.data),
        "d_left": _local_grad_wrt(out, left) if form != "nv" else None,
        "d_right": _local_grad_wrt(out, right) if form not in ("vn", "same") else None,
        "n_children": len(out.children),
    }


def probe_unary(ns, op, x, n=None):
    """sin(x), exp(x) or power(x, n), called by name; returns the value and d(out)/dx."""
    vx = _value(ns, x)
    if op == "power":
        out = ns["power"](vx, n)
    else:
        out = ns[op](vx)
    out = _check_value(ns, out, op)
    return {"data": float(out.data), "d_x": _local_grad_wrt(out, vx), "n_children": len(out.children)}


def _build(ns, leaves, nodes):
    """A graph from a plain description: ``leaves`` are numbers; each node is [child indices, local
    derivatives], indices into leaves + the nodes before it. The last node is the root."""
    Value = ns["Value"]
    made = [Value(x) for x in leaves]
    for children, local_grads in nodes:
        made.append(Value(0.0, children=tuple(made[i] for i in children), local_grads=tuple(local_grads)))
    return made


def probe_topo(ns, leaves, nodes):
    """topological_order(root), as indices into the graph's nodes (-1 for anything else)."""
    made = _build(ns, leaves, nodes)
    order = ns["topological_order"](made[-1])
    index = {id(v): i for i, v in enumerate(made)}
    return [index.get(id(v), -1) for v in list(order)[: 10 * len(made) + 10]]


def probe_topo_chain(ns, length):
    """topological_order of a chain ``length`` operations deep (built here, not sent), as indices."""
    Value = ns["Value"]
    made = [Value(0.5)]
    for _ in range(int(length)):
        made.append(Value(0.0, children=(made[-1],), local_grads=(1.0,)))
    order = ns["topological_order"](made[-1])
    index = {id(v): i for i, v in enumerate(made)}
    return [index.get(id(v), -1) for v in list(order)[: len(made) + 10]]


def probe_backward(ns, leaves, nodes, call="function"):
    """backward on the graph's root (the function, or the Value's method); every node's grad."""
    made = _build(ns, leaves, nodes)
    if call == "method":
        made[-1].backward()
    else:
        ns["backward"](made[-1])
    return [float(v.grad) for v in made]


def probe_f(ns, x1, x2):
    """value_and_grad_f(x1, x2): three numbers."""
    result = tuple(ns["value_and_grad_f"](float(x1), float(x2)))
    if len(result) != 3:
        raise ValueError("value_and_grad_f should return three numbers")
    return [float(r) for r in result]


def probe_f_graph(ns, x1, x2):
    """f built from two Values: its value, and whether it is a Value with a graph behind it."""
    v1, v2 = _value(ns, x1), _value(ns, x2)
    out = _check_value(ns, ns["f"](v1, v2), "f")
    return {"data": float(out.data), "has_children": len(out.children) > 0}
