"""Probes for exercise 4 (the lifetime of a graph). They run in the grading sandbox, after the notebook's
cells, with ``ns`` the namespace those cells defined; the standard library and numpy only.

Each probe builds tensors and graphs with the notebook's engine, calls the student's functions, and returns
plain data: arrays as {"shape", "values"}, errors as {"type", "message"}. Every judgement is made by the
tests, in the grader's own process.
"""
import gc
import weakref

import numpy as np


def _error(e):
    return {"type": type(e).__name__, "message": str(e)[:400]}


# -- Part 1 ---------------------------------------------------------------------------------------------


def probe_save_and_unpack(ns, values):
    """save_for_backward(*values), then saved_tensors: the values that come back, and whether they are the
    very arrays saved."""
    node = ns["MulBackward0"]([(None, 0)] * 2)
    arrays = [np.asarray(v, dtype=float) for v in values]
    node.save_for_backward(*arrays)
    got = node.saved_tensors
    if not isinstance(got, (tuple, list)):
        return {"kind": type(got).__name__}
    got = list(got)
    return {"kind": "sequence", "values": [_array(v) for v in got[:10]], "length": len(got),
            "same_objects": len(got) == len(arrays) and all(g is a for g, a in zip(got, arrays))}


def probe_release_frees(ns, values):
    """After release_variables, are the arrays that saved_tensors handed out still alive anywhere?"""
    node = ns["MulBackward0"]([(None, 0)] * 2)
    node.save_for_backward(*[np.array(v, dtype=float) for v in values])    # copies: nothing else holds them
    refs = []
    for v in list(node.saved_tensors):
        try:
            refs.append(weakref.ref(v))
        except TypeError:
            return {"weakref": False}
    v = None
    ns["release_variables"](node)
    gc.collect()
    return {"weakref": True, "alive": sum(r() is not None for r in refs), "count": len(refs)}


def probe_unpack_after_release(ns, values):
    """saved_tensors after release_variables: the error it raises, if any."""
    node = ns["MulBackward0"]([(None, 0)] * 2)
    node.save_for_backward(*[np.asarray(v, dtype=float) for v in values])
    before = None
    try:
        node.saved_tensors
    except Exception as e:  # the student's unpack failed before anything was released
        before = _error(e)
    ns["release_variables"](node)
    try:
        node.saved_tensors
    except Exception as e:  # what the tests want: the student's RuntimeError
        return {"before": before, "after": _error(e)}
    return {"before": before, "after": None}


# -- Part 2 and Part 4 ----------------------------------------------------------------------------------


def probe_accumulate(ns, shape, grads):
    """accumulate_grad(leaf, g) for every g in grads: leaf.grad after each call."""
    leaf = ns["Tensor"](np.zeros(shape), requires_grad=True)
    after = []
    for g in grads:
        ns["accumulate_grad"](leaf, np.asarray(g, dtype=float))
        after.append(_array(leaf.grad))
    return after


def probe_accumulate_shared(ns, g, g2):
    """Two leaves handed the same array (as AddBackward0 does), then more for the first: both grads, and
    whether the array handed in was changed."""
    Tensor = ns["Tensor"]
    g = np.asarray(g, dtype=float)
    kept = g.copy()
    p, q = Tensor(np.zeros(g.shape), requires_grad=True), Tensor(np.zeros(g.shape), requires_grad=True)
    ns["accumulate_grad"](p, g)
    ns["accumulate_grad"](q, g)
    shared = any(isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.shares_memory(a, b)
                 for a, b in ((p.grad, q.grad), (p.grad, g), (q.grad, g)))
    ns["accumulate_grad"](p, np.asarray(g2, dtype=float))
    return {"q": _array(q.grad), "shared": bool(shared), "handed_in_unchanged": bool(np.array_equal(g, kept))}


def probe_zero_grad(ns, grads, set_to_none, then):
    """Leaves given gradients (None for none; set directly, so that this part needs no other), then
    zero_grad(leaves, set_to_none), then ``then`` (a gradient per leaf, or None) accumulated with
    accumulate_grad. Whether each grad is still the same array."""
    Tensor = ns["Tensor"]
    leaves = []
    for g in grads:
        leaf = Tensor(np.zeros(3), requires_grad=True)
        leaf.grad = None if g is None else np.array(g, dtype=float)
        leaves.append(leaf)
    held = [leaf.grad for leaf in leaves]
    if set_to_none is None:
        ns["zero_grad"](leaves)
    else:
        ns["zero_grad"](leaves, set_to_none=bool(set_to_none))
    result = {"after": [_array(leaf.grad) for leaf in leaves],
              "same_array": [h is not None and leaf.grad is h for h, leaf in zip(held, leaves)],
              "held": [_array(h) for h in held]}
    if then is not None:
        for leaf, g in zip(leaves, then):
            ns["accumulate_grad"](leaf, np.asarray(g, dtype=float))
        result["then"] = [_array(leaf.grad) for leaf in leaves]
    return result


# -- Part 3 ---------------------------------------------------------------------------------------------


def _nodes(root):
    """Every node reachable from root.grad_fn (walked here, with the engine's next_functions)."""
    found, stack, seen = [], [root.grad_fn], {id(root.grad_fn)}
    while stack:
        node = stack.pop()
        found.append(node)
        for next_node, _ in node.next_functions:
            if next_node is not None and id(next_node) not in seen:
                seen.add(id(next_node))
                stack.append(next_node)
    return found


def probe_backward(ns, leaves, flags, steps, calls):
    """Run the program, then root.backward(**kwargs) for each kwargs in calls, stopping at the first error.
    The leaves' grads after each call, and the error."""
    values = _run_program(ns, leaves, flags, steps)
    root = values[-1]
    n_leaves = len(leaves)
    after, error = [], None
    for k, kwargs in enumerate(calls):
        try:
            root.backward(**kwargs)
        except Exception as e:  # a refused second pass, or the student's engine failing
            error = dict(_error(e), call=k)
            break
        after.append([_array(values[i].grad) for i in range(n_leaves)])
    return {"after": after, "error": error}


def probe_released_after_backward(ns, leaves, flags, steps, retain_graph):
    """Which nodes had saved values before backward, and whether saved_tensors refuses for each of them after
    root.backward(retain_graph=...)."""
    values = _run_program(ns, leaves, flags, steps)
    root = values[-1]
    saving = []
    for node in _nodes(root):
        if type(node).__name__ in ("MulBackward0", "ExpBackward0"):
            saving.append(node)
    try:
        root.backward(retain_graph=bool(retain_graph))
    except Exception as e:  # the student's engine failed on the first pass
        return {"count": len(saving), "refused": [], "error": _error(e)}
    # after a backward without retain_graph, the tests want each saved_tensors to raise
    refused = [_error_name(lambda: node.saved_tensors) for node in saving]
    return {"count": len(saving), "refused": refused, "error": None}


# -- Part 5 ---------------------------------------------------------------------------------------------


def probe_step_gradients(ns, w, h0, targets):
    """step_gradients(w, h0, targets) with w a new leaf: the gradients, and w.grad afterwards."""
    leaf = ns["Tensor"](np.asarray(w, dtype=float), requires_grad=True)
    got = ns["step_gradients"](leaf, np.asarray(h0, dtype=float), [np.asarray(t, dtype=float) for t in targets])
    if not isinstance(got, (list, tuple)):
        return {"kind": type(got).__name__}
    return {"kind": "sequence", "gradients": [_array(g) for g in list(got)[: len(targets) + 5]]}
