"""Realistic submissions of ex01_scalar_engine: what each gets wrong, the edits to the source's solution that make
it, and the points per autograded cell the hidden suite must give it (cells not named get full points)."""

FULL = {"test_add_mul": 2, "test_sub_div": 3, "test_sin_exp_pow": 3, "test_topo": 3,
        "test_backward": 5, "test_seed_function": 4}

VARIANTS = {
    "overwrite_grads": {
        "mistake": "backward assigns child.grad instead of adding to it, so a node used more than "
                   "once keeps only the last contribution",
        "edits": [("backward", "child.grad += local_grad * node.grad", "child.grad = local_grad * node.grad")],
        # one path still right (1 of 5); f: the value is right, both inputs reach f along two or
        # more paths (1 of 4)
        "expected": {"test_backward": 1, "test_seed_function": 1},
    },
    "div_sign": {
        "mistake": "the local derivative of a / b with respect to b has the wrong sign (+a/b**2)",
        "edits": [("sub_div", "-quotient / b.data), op=", "quotient / b.data), op=")],
        # the derivative for the denominator (2 of 3); f divides by x2 + e**x1, so both of its
        # derivatives are wrong; its value is right (1 of 4)
        "expected": {"test_sub_div": 2, "test_seed_function": 1},
    },
    "topo_duplicates": {
        "mistake": "the search keeps no set of visited nodes, so a node reached along several paths "
                   "is listed (and later handled by backward) several times",
        "edits": [("topo", "        elif node not in visited:\n            visited.add(node)\n", "        else:\n")],
        # only the deep chain comes out right (1 of 3); backward: repeated inputs do no harm, repeated
        # intermediate nodes pass their gradient on twice (3 of 5); f has no shared intermediate node
        "expected": {"test_topo": 1, "test_backward": 3},
    },
    "recursive_topo": {
        "mistake": "lesson 01's recursive depth-first search: right, but it stops with RecursionError "
                   "on a graph thousands of nodes deep",
        "edits": [("topo",
                   "    order, visited = [], set()\n"
                   "    stack = [(root, False)]\n"
                   "    while stack:\n"
                   "        node, children_done = stack.pop()\n"
                   "        if children_done:\n"
                   "            order.append(node)\n"
                   "        elif node not in visited:\n"
                   "            visited.add(node)\n"
                   "            stack.append((node, True))          # back on top once the children are done\n"
                   "            for child in node.children:\n"
                   "                stack.append((child, False))\n"
                   "    return order",
                   "    order, visited = [], set()\n\n"
                   "    def visit(node):\n"
                   "        if node not in visited:\n"
                   "            visited.add(node)\n"
                   "            for child in node.children:\n"
                   "                visit(child)\n"
                   "            order.append(node)\n\n"
                   "    visit(root)\n"
                   "    return order")],
        "expected": {"test_topo": 2},
    },
    "backward_recursive": {
        "mistake": "backward pushes each node's grad to its children recursively, right away, "
                   "without a topological order: right when only inputs are shared, wrong when an "
                   "intermediate node is (it passes on a partial gradient). Passes every visible check",
        "edits": [("backward",
                   "    root.grad = 1.0\n"
                   "    for node in reversed(topological_order(root)):\n"
                   "        for child, local_grad in zip(node.children, node.local_grads):\n"
                   "            child.grad += local_grad * node.grad",
                   "    root.grad = 1.0\n\n"
                   "    def push(node):\n"
                   "        for child, local_grad in zip(node.children, node.local_grads):\n"
                   "            child.grad += local_grad * node.grad\n"
                   "            push(child)\n\n"
                   "    push(root)")],
        "expected": {"test_backward": 3},
    },
}
