"""Hidden tests for exercise 1: a scalar reverse-mode engine.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox
and returns plain data; ``rng`` is seeded afresh for every grading run. Expected values come from
autograd_ref (and finite differences for the whole function). Failure messages name the concept and never
show the inputs drawn here.
"""
import math

import pytest

import autograd_ref as ag
from autograd_course.suite import call

# ---------------------------------------------------------------------------------------------------------
# Helpers


def number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def near(got, want, rel=1e-8, abs_=1e-10):
    return number(got) and math.isclose(got, want, rel_tol=rel, abs_tol=abs_)


def leaf(x):
    return ag.tensor(float(x), dtype=ag.float64, requires_grad=True)


def floats(rng, n, low, high, away_from_zero=0.0):
    out = []
    while len(out) < n:
        x = float(rng.uniform(low, high))
        if abs(x) >= away_from_zero:
            out.append(x)
    return out


# ---------------------------------------------------------------------------------------------------------
# Parts 1 and 2: binary operations

REFERENCE = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}
SYMBOL = {"add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b"}


def reference_binary(op, a, b, form):
    """The value and the derivatives with respect to each Value operand, from autograd_ref."""
    if form == "same":
        ta = leaf(a)
        out = REFERENCE[op](ta, ta)
        out.backward()
        return out.item(), ta.grad.item(), None
    ta = leaf(a) if form in ("vv", "vn") else float(a)
    tb = leaf(b) if form in ("vv", "nv") else float(b)
    if form == "nv":
        out = REFERENCE[op](ag.tensor(ta, dtype=ag.float64), tb)
    else:
        out = REFERENCE[op](ta, tb)
    out.backward()
    d_left = ta.grad.item() if form in ("vv", "vn") else None
    d_right = tb.grad.item() if form in ("vv", "nv") else None
    return out.item(), d_left, d_right


def check_binary(student, op, form, a, b, *, value=True, left=True, right=True):
    got = call(student, "binary", op, op=op, a=a, b=b, form=form)
    want_value, want_left, want_right = reference_binary(op, a, b, form)
    expr = SYMBOL[op]
    if value:
        assert near(got["data"], want_value), f"{op}: the value of {expr} is wrong"
        assert got["n_children"] == 2, f"{op}: the new Value should have both operands as its children"
    if form == "same":
        if left:
            assert near(got["d_left"], want_left), (
                f"{op}: with the same Value on both sides, its local derivatives do not add up to "
                f"d({expr})/da (one for each side)")
        return
    if left and want_left is not None:
        assert near(got["d_left"], want_left), f"{op}: the local derivative of {expr} with respect to a is wrong"
    if right and want_right is not None:
        assert near(got["d_right"], want_right), f"{op}: the local derivative of {expr} with respect to b is wrong"


@pytest.mark.points(1, cell="test_add_mul")
def test_add(student, rng):
    """Part 1: a + b, its value and local derivatives."""
    for form in ("vv", "vn", "nv", "same"):
        a, b = floats(rng, 2, -3, 3)
        check_binary(student, "add", form, a, b)


@pytest.mark.points(1, cell="test_add_mul")
def test_mul(student, rng):
    """Part 1: a * b, its value and local derivatives."""
    for form in ("vv", "vn", "nv", "same"):
        a, b = floats(rng, 2, -3, 3, away_from_zero=0.1)
        check_binary(student, "mul", form, a, b)


@pytest.mark.points(1, cell="test_sub_div")
def test_sub(student, rng):
    """Part 2: a - b, its value and local derivatives."""
    for form in ("vv", "vn", "nv", "same"):
        a, b = floats(rng, 2, -3, 3)
        check_binary(student, "sub", form, a, b)


@pytest.mark.points(1, cell="test_sub_div")
def test_div_value_and_numerator(student, rng):
    """Part 2: a / b, its value and derivative with respect to a."""
    for form in ("vv", "vn"):
        a, b = floats(rng, 2, -3, 3, away_from_zero=0.5)
        check_binary(student, "div", form, a, b, right=False)


@pytest.mark.points(1, cell="test_sub_div")
def test_div_denominator(student, rng):
    """Part 2: a / b, its derivative with respect to b."""
    for form in ("vv", "nv", "same"):
        a, b = floats(rng, 2, -3, 3, away_from_zero=0.5)
        check_binary(student, "div", form, a, b, value=False, left=(form == "same"))


# ---------------------------------------------------------------------------------------------------------
# Part 3: sin, exp, power


def check_unary(student, op, x, n=None):
    inputs = {"op": op, "x": x} if n is None else {"op": op, "x": x, "n": n}
    got = call(student, "unary", op, **inputs)
    tx = leaf(x)
    out = {"sin": ag.sin, "exp": ag.exp}[op](tx) if n is None else tx ** n
    out.backward()
    name = {"sin": "sin(x)", "exp": "exp(x)", "power": "x ** n"}[op]
    assert near(got["data"], out.item()), f"{op}: the value of {name} is wrong"
    assert got["n_children"] == 1, f"{op}: {name} should have exactly one child, x"
    assert near(got["d_x"], tx.grad.item()), f"{op}: the local derivative of {name} is wrong"


@pytest.mark.points(1, cell="test_sin_exp_pow")
def test_sin(student, rng):
    """Part 3: sin."""
    for x in floats(rng, 3, -3, 3):
        check_unary(student, "sin", x)


@pytest.mark.points(1, cell="test_sin_exp_pow")
def test_exp(student, rng):
    """Part 3: exp."""
    for x in floats(rng, 3, -2, 2):
        check_unary(student, "exp", x)


@pytest.mark.points(1, cell="test_sin_exp_pow")
def test_power(student, rng):
    """Part 3: powers by a number."""
    exponents = [2, 3, -1, 0.5, -1.5, float(rng.uniform(-2.5, 2.5))]
    for n in exponents:
        (x,) = floats(rng, 1, 0.3, 2.5)
        check_unary(student, "power", x, n=n)


# ---------------------------------------------------------------------------------------------------------
# Graphs for Parts 4 and 5. A graph is plain data: leaves (numbers) and nodes [child indices, local
# derivatives], indices into leaves + the nodes before; the last node is the root.


def chain(rng, length):
    leaves = floats(rng, 1, -2, 2)
    nodes = [[[i], floats(rng, 1, -2, 2, away_from_zero=0.3)] for i in range(length)]
    return leaves, nodes


def random_dag(rng, n_leaves, n_nodes):
    """A random graph whose interior nodes are shared: some node is a child of two or more others."""
    while True:
        leaves = floats(rng, n_leaves, -2, 2)
        nodes = []
        for k in range(n_nodes):
            first = n_leaves + k - 1 if k else int(rng.integers(n_leaves))   # keeps the graph deep
            others = rng.integers(0, n_leaves + k, size=int(rng.integers(0, 3))).tolist()
            children = [first] + [int(i) for i in others]
            nodes.append([children, floats(rng, len(children), -1.5, 1.5, away_from_zero=0.2)])
        if shared_interior(n_leaves, nodes):
            return leaves, nodes


def shared_interior(n_leaves, nodes):
    reach = reachable(n_leaves, nodes)
    count = [0] * (n_leaves + len(nodes))
    for i, (children, _) in enumerate(nodes):
        if n_leaves + i in reach:
            for c in set(children):
                count[c] += 1
    return any(count[i] >= 2 for i in range(n_leaves, n_leaves + len(nodes) - 1))


def reachable(n_leaves, nodes):
    root = n_leaves + len(nodes) - 1
    seen, stack = {root}, [root]
    while stack:
        i = stack.pop()
        if i >= n_leaves:
            for c in nodes[i - n_leaves][0]:
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
    return seen


def reference_grads(leaves, nodes):
    """d(root)/d(node) for every node, from autograd_ref: node = sum(local * child) has exactly the
    given local derivatives."""
    made = [leaf(x) for x in leaves]
    for children, local_grads in nodes:
        total = None
        for c, g in zip(children, local_grads):
            term = made[c] * float(g)
            total = term if total is None else total + term
        total.retain_grad()
        made.append(total)
    made[-1].backward()
    return [0.0 if t.grad is None else t.grad.item() for t in made]


def graph_inputs(leaves, nodes):
    return {"leaves": [float(x) for x in leaves],
            "nodes": [[[int(c) for c in ch], [float(g) for g in gs]] for ch, gs in nodes]}


# ---------------------------------------------------------------------------------------------------------
# Part 4: topological order


def check_order(order, leaves, nodes):
    n_leaves, total = len(leaves), len(leaves) + len(nodes)
    assert isinstance(order, list) and all(isinstance(i, int) for i in order), (
        "topological_order should return a list of the graph's nodes")
    assert all(i >= 0 for i in order), "topological_order returned objects that are not nodes of the graph"
    assert len(order) == len(set(order)), (
        "a node reached along several paths is listed more than once: remember the nodes already visited")
    want = reachable(n_leaves, nodes)
    assert set(order) >= want, "the order leaves out some of the nodes the root depends on"
    assert set(order) <= want, "the order lists nodes the root does not depend on"
    assert order[-1] == total - 1, "the root should come last"
    position = {node: p for p, node in enumerate(order)}
    for i, (children, _) in enumerate(nodes):
        if n_leaves + i in want:
            assert all(position[c] < position[n_leaves + i] for c in children), (
                "a node comes before one of its children: visit the children first, then append the node")


@pytest.mark.points(1, cell="test_topo")
def test_topological_order_lists_shared_nodes_once(student, rng):
    """Part 4: a node reached along two paths is listed once."""
    # x feeds two nodes that meet again (a diamond), and is used twice by one node, as in x * x.
    leaves = floats(rng, 2, -2, 2)
    g = lambda n: floats(rng, n, -1.5, 1.5, away_from_zero=0.2)  # noqa: E731
    nodes = [[[0, 0], g(2)], [[0, 1], g(2)], [[2, 3], g(2)], [[4, 2], g(2)]]
    order = call(student, "topo", "topological_order", **graph_inputs(leaves, nodes))
    check_order(order, leaves, nodes)


@pytest.mark.points(1, cell="test_topo")
def test_topological_order_of_random_graphs(student, rng):
    """Part 4: the order of chains and of larger graphs."""
    graphs = [chain(rng, int(rng.integers(3, 9)))]
    graphs += [random_dag(rng, int(rng.integers(2, 5)), int(rng.integers(6, 16))) for _ in range(4)]
    for leaves, nodes in graphs:
        order = call(student, "topo", "topological_order", **graph_inputs(leaves, nodes))
        check_order(order, leaves, nodes)


@pytest.mark.points(1, cell="test_topo")
def test_topological_order_of_a_deep_graph(student, rng):
    """Part 4: a graph thousands of operations deep."""
    length = int(rng.integers(3000, 6000))
    try:
        order = student.probe("topo_chain", length=length)
    except Exception as e:  # ProbeFailed
        if "RecursionError" in str(e) or "recursion" in str(e).lower():
            raise AssertionError("topological_order fails on a graph thousands of nodes deep: recursion goes "
                                 "too deep there; keep a stack of your own instead") from None
        raise AssertionError(f"topological_order: your code failed: {e}") from None
    assert order == list(range(length + 1)), (
        "topological_order of a long chain of operations should list it from the input to the root")


# ---------------------------------------------------------------------------------------------------------
# Part 5: backward


def check_grads(got, want, message):
    assert isinstance(got, list) and len(got) == len(want), "backward: the graph's nodes lost their grad"
    assert all(near(g, w, rel=1e-7, abs_=1e-9) for g, w in zip(got, want)), message


@pytest.mark.points(1, cell="test_backward")
def test_backward_along_one_path(student, rng):
    """Part 5: backward along a single path."""
    leaves, nodes = chain(rng, int(rng.integers(2, 7)))
    got = call(student, "backward", "backward", **graph_inputs(leaves, nodes))
    want = reference_grads(leaves, nodes)
    assert isinstance(got, list) and got and near(got[-1], 1.0), "backward should set root.grad to 1.0"
    check_grads(got, want, "along a single path, a node's grad should be the product of the local "
                           "derivatives between it and the root (the chain rule)")


@pytest.mark.points(2, cell="test_backward")
def test_backward_sums_over_paths(student, rng):
    """Part 5: an input used several times sums its contributions."""
    # Inputs used several times, by one node (as in x * x) and by different nodes; every other node is
    # used once. Called through the function and through the Value's method.
    g = lambda n: floats(rng, n, -1.5, 1.5, away_from_zero=0.2)  # noqa: E731
    graphs = [
        (floats(rng, 2, -2, 2), [[[0, 0], g(2)], [[2, 1, 0], g(3)], [[3, 0], g(2)]]),
        (floats(rng, 3, -2, 2), [[[0, 1], g(2)], [[1, 2], g(2)], [[3, 4, 1], g(3)]]),
    ]
    for call_as, (leaves, nodes) in zip(("function", "method"), graphs):
        got = call(student, "backward", "backward", call=call_as, **graph_inputs(leaves, nodes))
        check_grads(got, reference_grads(leaves, nodes),
                    "a node used more than once must get the sum of the contributions of every use: "
                    "gradients overwrite instead of accumulating (use +=)")


@pytest.mark.points(2, cell="test_backward")
def test_backward_with_shared_intermediate_nodes(student, rng):
    """Part 5: graphs with shared intermediate nodes."""
    for _ in range(3):
        leaves, nodes = random_dag(rng, int(rng.integers(2, 5)), int(rng.integers(6, 16)))
        got = call(student, "backward", "backward", **graph_inputs(leaves, nodes))
        check_grads(got, reference_grads(leaves, nodes),
                    "when an intermediate node is shared by several paths, the gradients are wrong: a node "
                    "may pass its grad on only once every node that uses it has added to it (walk the "
                    "topological order backwards, from the root)")


# ---------------------------------------------------------------------------------------------------------
# Part 6: lesson 01's function


def f_plain(x1, x2):
    return (1 + math.sin(x2)) / (x2 + math.exp(x1)) + x1 * x2


def f_reference(x1, x2):
    t1, t2 = leaf(x1), leaf(x2)
    out = (ag.sin(t2) + 1) / (t2 + ag.exp(t1)) + t1 * t2
    out.backward()
    value, d1, d2 = out.item(), t1.grad.item(), t2.grad.item()
    h = 1e-6
    fd1 = (f_plain(x1 + h, x2) - f_plain(x1 - h, x2)) / (2 * h)
    fd2 = (f_plain(x1, x2 + h) - f_plain(x1, x2 - h)) / (2 * h)
    if not (math.isclose(d1, fd1, rel_tol=1e-5, abs_tol=1e-6) and math.isclose(d2, fd2, rel_tol=1e-5, abs_tol=1e-6)):
        raise RuntimeError("the grader's reference disagrees with finite differences")  # a grader bug
    return value, d1, d2


def points_for_f(rng, n):
    found = []
    while len(found) < n:
        x1, x2 = float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2))
        if abs(x2 + math.exp(x1)) > 0.5:
            found.append((x1, x2))
    return found


@pytest.mark.points(1, cell="test_seed_function")
def test_f_value(student, rng):
    """Part 6: the value of f."""
    for x1, x2 in points_for_f(rng, 3):
        got = call(student, "f_graph", "f", x1=x1, x2=x2)
        assert near(got["data"], f_plain(x1, x2)), "f(x1, x2) computed with Values has the wrong value"
        assert got["has_children"], "f should build a graph of Values (use your operations)"
        got = call(student, "f", "value_and_grad_f", x1=x1, x2=x2)
        assert isinstance(got, list) and near(got[0], f_plain(x1, x2)), (
            "value_and_grad_f: the first number, the value of f, is wrong")


@pytest.mark.points(1, cell="test_seed_function")
def test_f_gradient_x1(student, rng):
    """Part 6: df/dx1."""
    for x1, x2 in points_for_f(rng, 3):
        got = call(student, "f", "value_and_grad_f", x1=x1, x2=x2)
        _, want, _ = f_reference(x1, x2)
        assert isinstance(got, list) and near(got[1], want, rel=1e-7, abs_=1e-9), (
            "value_and_grad_f: df/dx1 is wrong (x1 reaches f along two paths)")


@pytest.mark.points(2, cell="test_seed_function")
def test_f_gradient_x2(student, rng):
    """Part 6: df/dx2."""
    for x1, x2 in [(1.5, 0.5)] + points_for_f(rng, 3):
        got = call(student, "f", "value_and_grad_f", x1=x1, x2=x2)
        _, _, want = f_reference(x1, x2)
        assert isinstance(got, list) and near(got[2], want, rel=1e-7, abs_=1e-9), (
            "value_and_grad_f: df/dx2 is wrong (x2 reaches f along three paths)")
