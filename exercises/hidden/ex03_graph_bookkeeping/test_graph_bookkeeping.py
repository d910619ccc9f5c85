"""Hidden tests for exercise 3: graph bookkeeping.

They run in the grader's trusted process. ``student.probe`` runs a probe from probes.py in the sandbox and
returns plain data; ``rng`` is seeded afresh for every grading run. The graphs the student's engine records
are compared with the graphs autograd_ref (which records what PyTorch records) builds for the same
expressions; the rest is checked by exact reasoning. Failure messages name the concept and never show the
inputs drawn here.
"""
import numpy as np
import pytest

import autograd_ref as ag
from autograd_course.suite import call

# ---------------------------------------------------------------------------------------------------------
# Helpers


def vector(rng, n=3):
    return rng.uniform(-0.5, 0.5, size=n)


# ---------------------------------------------------------------------------------------------------------
# Part 1: AccumulateGrad


def accumulator(student, rng):
    return call(student, "accumulator", "grad_accumulator", data=vector(rng), other=vector(rng, 2))


@pytest.mark.points(1, cell="test_accumulate_grad")
def test_accumulator_is_made_once_per_leaf(student, rng):
    """Part 1: one AccumulateGrad per leaf, reused."""
    got = accumulator(student, rng)
    assert got["type"] == "AccumulateGrad", "grad_accumulator should make an AccumulateGrad node for the leaf"
    assert got["same_twice"] is True, (
        "grad_accumulator makes a new AccumulateGrad every time: a leaf should have one, made by the first "
        "call and returned again by every later call")
    assert got["distinct"] is True, "two different leaves share one AccumulateGrad node: each leaf has its own"


@pytest.mark.points(1, cell="test_accumulate_grad")
def test_accumulator_knows_its_leaf(student, rng):
    """Part 1: an AccumulateGrad node and its .variable."""
    got = accumulator(student, rng)
    assert got["type"] == "AccumulateGrad" and got["is_node"] is True, (
        "grad_accumulator should return an AccumulateGrad node (a subclass of Node)")
    assert got["variable_is_leaf"] is True and got["second_variable_is_its_leaf"] is True, (
        "an AccumulateGrad node's .variable should be its leaf, the tensor itself")


@pytest.mark.points(1, cell="test_accumulate_grad")
def test_accumulator_has_no_next_functions(student, rng):
    """Part 1: nothing comes before a leaf."""
    got = accumulator(student, rng)
    assert got["next_functions"] == [], "an AccumulateGrad node's next_functions should be an empty tuple"


# ---------------------------------------------------------------------------------------------------------
# Part 2: edges

EDGE_OF = {"leaf": ["AccumulateGrad(leaf)", 0], "const": [None, 0], "computed": ["node", 0]}


@pytest.mark.points(1, cell="test_edges")
def test_edge_of_a_leaf_that_requires_grad(student, rng):
    """Part 2: the edge to a leaf that requires grad."""
    got = call(student, "gradient_edge", "gradient_edge", data=vector(rng), kind="leaf")
    assert got == EDGE_OF["leaf"], (
        "gradient_edge of a leaf that requires grad should be (its AccumulateGrad node, 0)")


@pytest.mark.points(1, cell="test_edges")
def test_edge_of_an_input_without_grad(student, rng):
    """Part 2: the edge of an input that needs no gradient."""
    got = call(student, "gradient_edge", "gradient_edge", data=vector(rng), kind="const")
    assert got == EDGE_OF["const"], "gradient_edge of an input that does not require grad should be (None, 0)"


@pytest.mark.points(1, cell="test_edges")
def test_edge_of_a_computed_tensor(student, rng):
    """Part 2: the edge to the node that made an input."""
    got = call(student, "gradient_edge", "gradient_edge", data=vector(rng), kind="computed")
    assert got == EDGE_OF["computed"], "gradient_edge of a tensor with a grad_fn should be (t.grad_fn, 0)"


@pytest.mark.points(1, cell="test_edges")
def test_collect_next_edges(student, rng):
    """Part 2: one pair per input, in order, (None, 0) included."""
    for _ in range(3):
        order = [str(k) for k in rng.permutation(["leaf", "const", "computed"])]
        order += [str(k) for k in rng.choice(["leaf", "const", "computed"], size=int(rng.integers(0, 3)))]
        got = call(student, "collect_next_edges", "collect_next_edges", data=vector(rng), order=order)
        if isinstance(got, list) and len(got) < len(order):
            raise AssertionError("collect_next_edges leaves inputs out: every input gets a pair, (None, 0) for "
                                 "one that needs no gradient, so that pair k belongs to input k")
        assert isinstance(got, list) and len(got) == len(order), (
            "collect_next_edges should return a tuple with one pair per input")
        assert got == [EDGE_OF[k] for k in order], (
            "collect_next_edges should give gradient_edge of each input, in the order of the inputs")


# ---------------------------------------------------------------------------------------------------------
# Part 3: make_result


def make_result(student, rng, kinds):
    got = call(student, "make_result", "make_result", data=vector(rng), kinds=list(kinds))
    assert got.get("is_tensor") is True, "make_result should return a Tensor"
    return got


def kind_lists(k_max, kinds):
    """Every list of length 1 to k_max over kinds."""
    out = [[]]
    found = []
    for _ in range(k_max):
        out = [prefix + [k] for prefix in out for k in kinds]
        found += out
    return found


@pytest.mark.points(1, cell="test_make_result")
def test_result_holds_the_data(student, rng):
    """Part 3: the result is a Tensor holding the data."""
    for _ in range(3):
        kinds = [str(k) for k in rng.choice(["leaf", "const", "computed"], size=int(rng.integers(1, 4)))]
        got = make_result(student, rng, kinds)
        assert got["same_data"] is True, "the Tensor make_result returns should hold the data it was given"


@pytest.mark.points(1, cell="test_make_result")
def test_requires_grad_spreads(student, rng):
    """Part 3: a result requires grad exactly when some input does."""
    for kinds in kind_lists(3, ["leaf", "const"]):
        got = make_result(student, rng, kinds)
        assert got["requires_grad"] == ("leaf" in kinds), (
            "the result should require grad when at least one input does, whichever input that is, and "
            "not otherwise")


@pytest.mark.points(1, cell="test_make_result")
def test_nothing_recorded_without_grad(student, rng):
    """Part 3: inputs that need no gradient record nothing."""
    for k in (1, 2, 3):
        got = make_result(student, rng, ["const"] * k)
        assert got["requires_grad"] is False and got["grad_fn"] is None, (
            "when no input requires grad nothing is recorded: the result has grad_fn None and does not "
            "require grad")


@pytest.mark.points(1, cell="test_make_result")
def test_node_of_a_result(student, rng):
    """Part 3: the node of a recorded operation and its next_functions."""
    for _ in range(4):
        n = int(rng.integers(1, 4))
        kinds = [str(k) for k in rng.choice(["leaf", "computed"], size=n)]
        got = make_result(student, rng, kinds)
        assert got["grad_fn"] is not None, "a result whose inputs require grad should have a grad_fn"
        assert got["grad_fn"]["exact_class"] is True, "the result's grad_fn should be made from node_class"
        want = [[f"AccumulateGrad(input{k})", 0] if kind == "leaf" else [f"node{k}", 0]
                for k, kind in enumerate(kinds)]
        assert got["grad_fn"]["edges"] == want, (
            "the node's next_functions should be collect_next_edges of the inputs, in their order")


# ---------------------------------------------------------------------------------------------------------
# Part 4: leaves and requires_grad_()


@pytest.mark.points(1, cell="test_leaves")
def test_is_leaf(student, rng):
    """Part 4: which tensors are leaves."""
    got = call(student, "is_leaf", "is_leaf", data=vector(rng))
    assert got["made"] is True and got["made_requiring_grad"] is True, (
        "a tensor you made is a leaf, whether it requires grad or not")
    assert got["computed"] is False, "a tensor with a grad_fn is not a leaf"


@pytest.mark.points(1, cell="test_leaves")
def test_requires_grad_on_a_leaf(student, rng):
    """Part 4: requires_grad_() switches the flag of a leaf and returns it."""
    got = call(student, "requires_grad_on", "requires_grad_", data=vector(rng))
    assert got["flag_on"] is True and got["flag_off"] is False, (
        "requires_grad_(flag) should set a leaf's requires_grad to flag")
    assert got["returned_on"] is True and got["returned_off"] is True and got["keyword"] is True, (
        "requires_grad_() should return the tensor itself")


@pytest.mark.points(1, cell="test_leaves")
def test_requires_grad_refusals(student, rng):
    """Part 4: the two changes requires_grad_() refuses."""
    got = call(student, "requires_grad_refused", "requires_grad_", data=vector(rng),
               integers=rng.integers(-5, 6, size=3))
    error = got["non_leaf"]
    assert error is not None and error["type"] == "RuntimeError", (
        "switching requires_grad off on a tensor that is not a leaf should raise RuntimeError")
    assert "leaf" in error["message"], "the error for a non-leaf should say that only leaves can change the flag"
    assert got["non_leaf_flag_after"] is True, "a refused change should leave the flag as it was"
    error = got["integer"]
    assert error is not None and error["type"] == "RuntimeError", (
        "an integer tensor should refuse to require grad with a RuntimeError")
    assert "floating" in error["message"].lower(), "the error for an integer tensor should say floating point"
    assert got["integer_flag_after"] is False, "a refused change should leave the flag as it was"


# ---------------------------------------------------------------------------------------------------------
# Part 5: operations, and graphs compared with autograd_ref

BINARY = ["add", "sub", "mul"]
UNARY = ["neg", "exp", "sum"]
WITH_NUMBER = ["add_number", "number_add", "sub_number", "mul_number", "number_mul"]
SHOWN = {"add": "a + b", "sub": "a - b", "mul": "a * b", "neg": "-a", "exp": "a.exp()", "sum": "a.sum()",
         "add_number": "a + 2", "number_add": "2 + a", "sub_number": "a - 2", "mul_number": "a * 2",
         "number_mul": "2 * a"}


def reference_values(leaves, flags, steps):
    """The same program as probes._run_program, with autograd_ref."""
    values = [ag.tensor(np.asarray(x, dtype=float), dtype=ag.float64, requires_grad=bool(f))
              for x, f in zip(leaves, flags)]
    with np.errstate(all="ignore"):
        for step in steps:
            op, a = step[0], values[int(step[1])]
            if op in BINARY:
                b = values[int(step[2])]
                out = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b}[op]()
            elif op in WITH_NUMBER:
                c = float(step[2])
                out = {"add_number": lambda: a + c, "number_add": lambda: c + a, "sub_number": lambda: a - c,
                       "mul_number": lambda: a * c, "number_mul": lambda: c * a}[op]()
            else:
                out = {"neg": lambda: -a, "exp": lambda: a.exp(), "sum": lambda: a.sum()}[op]()
            values.append(out)
    return values


def describe_reference(values):
    """probes._describe, for autograd_ref's tensors."""
    numbers, nodes = {}, []

    def number(node):
        if node is None:
            return None
        if id(node) not in numbers:
            numbers[id(node)] = len(nodes)
            nodes.append(node)
        return numbers[id(node)]

    described_values = [{"requires_grad": bool(v.requires_grad), "grad_fn": number(v.grad_fn)} for v in values]
    described_nodes, k = [], 0
    while k < len(nodes):
        node = nodes[k]
        k += 1
        kind = type(node).__name__
        entry = {"type": kind, "name": None, "variable": None}
        if kind == "AccumulateGrad":
            entry["variable"] = next((i for i, v in enumerate(values) if v is node.variable), -1)
        else:
            entry["name"] = node.name()
        entry["edges"] = [[number(n), int(nr)] for n, nr in node.next_functions]
        described_nodes.append(entry)
    return {"values": described_values, "nodes": described_nodes}


def student_graph(student, leaves, flags, steps, what):
    got = call(student, "graph", what, leaves=[np.asarray(x, dtype=float) for x in leaves],
               flags=[bool(f) for f in flags], steps=steps)
    assert isinstance(got, dict) and isinstance(got.get("values"), list) and isinstance(got.get("nodes"), list), (
        f"{what}: the graph could not be read")
    return got


def label(graph, n):
    """An edge's end in words that do not depend on how nodes are numbered."""
    if n is None:
        return None
    if not isinstance(n, int) or not 0 <= n < len(graph["nodes"]):
        return "?"
    node = graph["nodes"][n]
    return ("AccumulateGrad", node["variable"]) if node["type"] == "AccumulateGrad" else ("node", node["type"])


def root_edges(graph):
    """The next_functions of the last value's grad_fn, as labels."""
    n = graph["values"][-1]["grad_fn"]
    edges = graph["nodes"][n]["edges"] if isinstance(n, int) and 0 <= n < len(graph["nodes"]) else "?"
    if not isinstance(edges, list):
        return edges
    return [(label(graph, e[0]), e[1]) if isinstance(e, list) else e for e in edges]


def mismatch_of_values(got, want):
    """The first concept on which the values' requires_grad and grad_fn differ, or None."""
    if len(got["values"]) != len(want["values"]):
        return "the expression's results could not be read"
    for g, w in zip(got["values"], want["values"]):
        if g["requires_grad"] != w["requires_grad"]:
            return ("a result's requires_grad is wrong: it should be True exactly when at least one input "
                    "requires grad")
        if w["grad_fn"] is None and g["grad_fn"] is not None:
            return "a result of inputs that need no gradient should have grad_fn None"
        if w["grad_fn"] is not None and g["grad_fn"] is None:
            return "a result that requires grad should have a grad_fn"
    return None


def mismatch_of_graphs(got, want):
    """The first concept on which two described graphs differ, or None when they are the same."""
    message = mismatch_of_values(got, want)
    if message:
        return message
    per_leaf = {}
    for node in got["nodes"]:
        if node.get("type") == "AccumulateGrad":
            per_leaf[node.get("variable")] = per_leaf.get(node.get("variable"), 0) + 1
    if any(count > 1 for count in per_leaf.values()):
        return ("a leaf used several times has several AccumulateGrad nodes: there should be one per leaf, "
                "made once and reused")
    for g, w in zip(got["nodes"], want["nodes"]):
        if g.get("type") != w["type"]:
            if "AccumulateGrad" in (g.get("type"), w["type"]):
                return "an edge leads to the wrong kind of node (AccumulateGrad for a leaf, grad_fn otherwise)"
            return "a node is not named as PyTorch names the node of that operation"
        if g.get("name") != w["name"]:
            return "a node's name() is not its class name"
        if g.get("variable") != w["variable"]:
            return "an AccumulateGrad node's .variable is not its leaf"
        if not isinstance(g.get("edges"), list) or len(g["edges"]) != len(w["edges"]):
            return ("a node's next_functions should have one (node, 0) pair per input of its operation, "
                    "(None, 0) for an input that needs no gradient")
        if g["edges"] != w["edges"]:
            return "a node's next_functions do not lead to the nodes of its inputs, in order"
    if got != want:
        return "the recorded graph does not have the shape of PyTorch's graph for the same expression"
    return None


def one_step(op, flags):
    """A program of one step on two leaves."""
    if op in BINARY:
        return [[op, 0, 1]]
    if op in WITH_NUMBER:
        return [[op, 0, 2.0]]
    return [[op, 0]]


@pytest.mark.points(1, cell="test_operations")
def test_node_names(student, rng):
    """Part 5: each operation's node is named as PyTorch names it."""
    for op in BINARY + UNARY + WITH_NUMBER:
        leaves, flags = [vector(rng), vector(rng)], [True, True]
        got = student_graph(student, leaves, flags, one_step(op, flags), SHOWN[op])
        want = describe_reference(reference_values(leaves, flags, one_step(op, flags)))
        n = got["values"][-1]["grad_fn"]
        assert isinstance(n, int) and 0 <= n < len(got["nodes"]), f"{SHOWN[op]}: the result has no grad_fn"
        node, w = got["nodes"][n], want["nodes"][want["values"][-1]["grad_fn"]]
        assert node["type"] == w["type"], (
            f"{SHOWN[op]}: its grad_fn is not named as PyTorch names it (see the table in Part 5)")
        assert node["name"] == w["name"], f"{SHOWN[op]}: grad_fn.name() should be the node's class name"


@pytest.mark.points(1, cell="test_operations")
def test_next_functions_of_each_operation(student, rng):
    """Part 5: each operation's node leads to its inputs, (None, 0) for one without grad."""
    for op in BINARY + UNARY + WITH_NUMBER:
        combos = [[True, True], [True, False], [False, True], [False, False]] if op in BINARY else \
            [[True, False], [False, False]]
        for flags in combos:
            leaves = [vector(rng), vector(rng)]
            got = student_graph(student, leaves, flags, one_step(op, flags), SHOWN[op])
            want = describe_reference(reference_values(leaves, flags, one_step(op, flags)))
            message = mismatch_of_values(got, want)
            assert message is None, f"{SHOWN[op]}: {message}"
            if want["values"][-1]["grad_fn"] is not None:
                got_edges, want_edges = root_edges(got), root_edges(want)
                if not isinstance(got_edges, list) or len(got_edges) != len(want_edges):
                    raise AssertionError(
                        f"{SHOWN[op]}: next_functions should have one (node, 0) pair per input, (None, 0) for "
                        f"an input that needs no gradient")
                assert got_edges == want_edges, (
                    f"{SHOWN[op]}: next_functions should lead to each input's node (the AccumulateGrad of a "
                    f"leaf), in the order of the inputs")


def random_program(rng):
    """Leaves and steps of a random expression. Always: every operation, a leaf that requires grad used
    several times, an operation whose first input needs no gradient and whose second does, and a result
    computed only from inputs that need no gradient; the rest is drawn."""
    n_leaves = int(rng.integers(3, 5))
    flags = [True, False] + [bool(f) for f in rng.integers(0, 2, size=n_leaves - 2)]
    order = [int(i) for i in rng.permutation(n_leaves)]
    leaves = [vector(rng) for _ in range(n_leaves)]
    flags = [flags[i] for i in order]
    grad = [i for i in range(n_leaves) if flags[i]]
    const = [i for i in range(n_leaves) if not flags[i]]
    pick = lambda pool: int(rng.choice(pool))  # noqa: E731
    g = pick(grad)
    forced = [["mul", pick(const), g], ["sub", g, pick(grad)], [str(rng.choice(BINARY)), pick(const), pick(const)]]
    steps = [forced[i] for i in rng.permutation(len(forced))]
    kinds = [str(k) for k in rng.permutation(BINARY + UNARY + WITH_NUMBER)]
    kinds += [str(k) for k in rng.choice(BINARY + UNARY + WITH_NUMBER, size=int(rng.integers(2, 6)))]
    for op in kinds:
        n = n_leaves + len(steps)
        i = int(rng.integers(max(0, n - 4), n)) if rng.random() < 0.7 else int(rng.integers(n))
        if op in BINARY:
            steps.append([op, i, int(rng.integers(n))])
        elif op in WITH_NUMBER:
            steps.append([op, i, float(np.round(rng.uniform(-2, 2), 3))])
        else:
            steps.append([op, i])
    return leaves, flags, steps


@pytest.mark.points(2, cell="test_operations")
def test_graphs_of_random_expressions(student, rng):
    """Part 5: whole graphs of random expressions have PyTorch's structure."""
    for _ in range(3):
        leaves, flags, steps = random_program(rng)
        got = student_graph(student, leaves, flags, steps, "a random expression")
        want = describe_reference(reference_values(leaves, flags, steps))
        message = mismatch_of_graphs(got, want)
        assert message is None, f"the graph of a random expression: {message}"


# ---------------------------------------------------------------------------------------------------------
# Part 6: leaves_reached, on graphs built by hand


def random_node_graph(rng, shared):
    """[n_leaves, nodes] for probe_leaves_reached, and the leaves the root reaches. With shared, some
    AccumulateGrad node is reached along several paths."""
    while True:
        n_leaves = int(rng.integers(3, 6))
        nodes = [["acc", i] for i in range(n_leaves)]
        for _ in range(int(rng.integers(4, 10))):
            n = len(nodes)
            edges = [int(rng.integers(max(0, n - 3), n))]
            edges += [int(i) if rng.random() < 0.8 else -1 for i in rng.integers(0, n, size=int(rng.integers(0, 3)))]
            nodes.append(["node", edges])
        paths = count_paths(nodes)
        reached = {nodes[k][1] for k in range(n_leaves) if paths[k] > 0}
        if reached and len(reached) < n_leaves and (not shared or any(paths[k] > 1 for k in range(n_leaves))):
            return n_leaves, nodes, reached


def count_paths(nodes):
    """How many paths lead from the last node to each node."""
    paths = [0] * len(nodes)
    paths[-1] = 1
    for k in range(len(nodes) - 1, -1, -1):
        if nodes[k][0] == "node":
            for i in nodes[k][1]:
                if i >= 0:
                    paths[i] += paths[k]
    return paths


def check_found(got, reached, what):
    assert isinstance(got, list), f"{what}: leaves_reached should return a list of tensors"
    assert all(isinstance(i, int) and i >= 0 for i in got), (
        f"{what}: leaves_reached returned something that is not a leaf of the graph (the .variable of an "
        f"AccumulateGrad node is the leaf)")
    assert len(got) == len(set(got)), (
        f"{what}: a leaf reached along several paths is listed more than once; remember the nodes you have "
        f"visited")
    assert set(got) >= reached, f"{what}: leaves_reached misses leaves the root depends on"
    assert set(got) <= reached, f"{what}: leaves_reached lists leaves the root does not depend on"


@pytest.mark.points(1, cell="test_leaves_reached")
def test_leaves_reached_in_small_graphs(student, rng):
    """Part 6: the leaves a backward pass would reach."""
    for _ in range(4):
        n_leaves, nodes, reached = random_node_graph(rng, shared=False)
        got = call(student, "leaves_reached", "leaves_reached", n_leaves=n_leaves, nodes=nodes)
        if isinstance(got, list) and all(isinstance(i, int) for i in got):
            got = sorted(set(got))      # here only which leaves; listing them once is the next test
        check_found(got, reached, "leaves_reached")
    for requires_grad, want in ((True, {0}), (False, set())):
        got = call(student, "leaves_of_a_leaf", "leaves_reached", requires_grad=requires_grad)
        check_found(got, want, "leaves_reached of a tensor you made (no grad_fn)")


@pytest.mark.points(1, cell="test_leaves_reached")
def test_leaves_reached_lists_each_leaf_once(student, rng):
    """Part 6: a leaf reached along several paths is listed once."""
    for _ in range(4):
        n_leaves, nodes, reached = random_node_graph(rng, shared=True)
        got = call(student, "leaves_reached", "leaves_reached", n_leaves=n_leaves, nodes=nodes)
        check_found(got, reached, "leaves_reached")


@pytest.mark.points(1, cell="test_leaves_reached")
def test_leaves_reached_in_a_deep_graph(student, rng):
    """Part 6: a graph thousands of nodes deep."""
    length = int(rng.integers(3000, 6000))
    try:
        got = student.probe("leaves_reached_deep", length=length)
    except Exception as e:  # ProbeFailed
        if "recursion" in str(e).lower():
            raise AssertionError("leaves_reached fails on a graph thousands of nodes deep: recursion goes too "
                                 "deep there; keep a stack of your own instead") from None
        raise AssertionError(f"leaves_reached: your code failed: {e}") from None
    check_found(got, {0, 1}, "leaves_reached of a deep graph")
