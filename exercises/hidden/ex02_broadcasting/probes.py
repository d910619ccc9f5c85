"""Probes for exercise 2 (array gradients and broadcasting). They run in the grading sandbox, after the
notebook's cells, with ``ns`` the namespace those cells defined; the standard library and numpy only.

Each probe builds what the hidden test describes, calls the student's functions, and returns plain data
(arrays come back as {"shape": [...], "values": [...]}). Every judgement is made by the tests, in the
grader's own process.
"""
import numpy as np


def _array(x):
    """The prelude's _array, except that None is not set apart: numpy reads it as NaN, a 0-d array. This
    suite's feedback was written against that: an unbroadcast to shape () that returns None fails as "the
    right shape but wrong values", where the prelude's None would make it "not the requested shape"."""
    return _numbers(x, x)


def _tensor(ns, data):
    return ns["Tensor"](np.asarray(data, dtype=float))


def _check_tensor(ns, out, what):
    if not isinstance(out, ns["Tensor"]):
        raise TypeError("%s did not return a Tensor" % what)
    return out


def _gradients(root, grad, wanted):
    """Backpropagate through the student's nodes with a walk of our own (so that these probes do not
    depend on accumulate_grad), and return the gradients of the tensors in ``wanted``.

    A gradient whose shape is not its operand's is not added to anything: that operand's result is the
    first such gradient, as it came, and nothing is passed on through it."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child in node.children:
            if id(child) not in seen:
                stack.append((child, False))
    grads = {id(root): np.asarray(grad, dtype=float)}
    misshapen = {}
    for node in reversed(order):
        g = grads.get(id(node))
        if g is None or not node.children or id(node) in misshapen:
            continue
        child_grads = tuple(node.backward_fn(g))
        if len(child_grads) != len(node.children):
            raise ValueError("a backward_fn returned %d gradients for %d children"
                             % (len(child_grads), len(node.children)))
        for child, cg in zip(node.children, child_grads):
            cg = np.asarray(cg, dtype=float)
            if cg.shape != child.shape:
                misshapen.setdefault(id(child), cg)
            elif id(child) in grads:
                grads[id(child)] = grads[id(child)] + cg
            else:
                grads[id(child)] = cg
    return [misshapen.get(id(t), grads.get(id(t), np.zeros(t.shape))) for t in wanted]


def probe_unbroadcast(ns, grad, shape):
    """unbroadcast(grad, shape)."""
    return _array(ns["unbroadcast"](np.array(grad, dtype=float), tuple(shape)))


def probe_binary(ns, op, a, b, grad):
    """op(a, b) for op in add, mul, div, matmul: the result, and backward_fn(grad) as returned."""
    ta, tb = _tensor(ns, a), _tensor(ns, b)
    out = _check_tensor(ns, ns[op](ta, tb), op)
    grads = tuple(out.backward_fn(np.array(grad, dtype=float)))
    return {"out": _array(out.data), "n_children": len(out.children), "grads": [_array(g) for g in grads]}


def probe_reduce(ns, op, a, grad, axis=None, keepdims=False):
    """reduce_sum or reduce_mean of a: the result, and the gradient for a through the whole graph the
    function built (reduce_mean may be made of several operations)."""
    if isinstance(axis, list):
        axis = tuple(axis)
    ta = _tensor(ns, a)
    out = _check_tensor(ns, ns[op](ta, axis=axis, keepdims=keepdims), op)
    (g,) = _gradients(out, np.array(grad, dtype=float), [ta])
    return {"out": _array(out.data), "grad": _array(g)}


def probe_accumulate_first(ns, a, grad):
    """One backward pass into a fresh leaf: what accumulate_grad stored."""
    Tensor = ns["Tensor"]
    leaf = _tensor(ns, a)
    node = Tensor(2.0 * leaf.data, children=(leaf,), backward_fn=lambda g: (2.0 * g,))
    ns["run_backward"](node, np.array(grad, dtype=float))
    return _array(leaf.grad)


def probe_accumulate_repeat(ns, a, grad1, grad2, grad3):
    """Three backward passes, through two different graphs, into the same leaf."""
    Tensor = ns["Tensor"]
    leaf = _tensor(ns, a)
    twice = Tensor(2.0 * leaf.data, children=(leaf,), backward_fn=lambda g: (2.0 * g,))
    thrice = Tensor(3.0 * leaf.data, children=(leaf,), backward_fn=lambda g: (3.0 * g,))
    ns["run_backward"](twice, np.array(grad1, dtype=float))
    ns["run_backward"](twice, np.array(grad2, dtype=float))
    ns["run_backward"](thrice, np.array(grad3, dtype=float))
    return _array(leaf.grad)


def probe_accumulate_shared(ns, a, b, grad1, grad2):
    """Two leaves handed the very same gradient array (as a + b does), then a second pass; and a leaf
    handed a read-only array, then a second pass."""
    Tensor = ns["Tensor"]
    left, right = _tensor(ns, a), _tensor(ns, b)
    both = Tensor(left.data + right.data, children=(left, right), backward_fn=lambda g: (g, g))
    ns["run_backward"](both, np.array(grad1, dtype=float))
    shared = bool(np.shares_memory(np.asarray(left.grad), np.asarray(right.grad)))
    ns["run_backward"](both, np.array(grad2, dtype=float))
    after_two = [_array(left.grad), _array(right.grad)]

    lone = _tensor(ns, a)
    total = Tensor(lone.data.sum(), children=(lone,),
                   backward_fn=lambda g: (np.broadcast_to(g, lone.shape),))   # a read-only view
    ns["run_backward"](total, np.array(1.0))
    # the student's accumulate_grad fails on the second pass?
    error = _error_name(lambda: ns["run_backward"](total, np.array(1.0)))
    return {"shared": shared, "after_two": after_two, "read_only_error": error,
            "read_only_grad": _array(lone.grad)}


def probe_mse(ns, x, W, b, y):
    """mse_loss(x, W, b, y): the loss, and the gradients for W and b through the graph it built."""
    tx, tW, tb, ty = (_tensor(ns, v) for v in (x, W, b, y))
    loss = _check_tensor(ns, ns["mse_loss"](tx, tW, tb, ty), "mse_loss")
    gW, gb = _gradients(loss, np.ones(loss.shape), [tW, tb])
    return {"loss": _array(loss.data), "grad_W": _array(gW), "grad_b": _array(gb)}
