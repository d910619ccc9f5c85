"""Probes for exercise 7 (custom Functions). They run in the grading sandbox, after the notebook's cells, with
``ns`` the namespace those cells defined; the standard library and numpy only.

Each part is probed on its own where it can be: the Functions of Parts 4 to 6 get a ctx made here (not the
student's FunctionCtx), and gradcheck gets functions built here on the given engine (not the student's apply).
Arrays come back as {"shape": [...], "values": [...]}; every judgement is made by the tests.
"""
import numpy as np


def _grads(result):
    """What a backward returned, as a list: one entry per gradient (None stays None)."""
    if not isinstance(result, (tuple, list)):
        result = (result,)
    return [_tensor_array(g) for g in result][:10]


def _error(e):
    # NotImplementedError is a RuntimeError: it is what an unanswered part raises, never a check
    return {"type": type(e).__name__,
            "runtime": isinstance(e, RuntimeError) and not isinstance(e, NotImplementedError)}


class _Ctx:
    """A ctx of the probes' own, so that the Functions are tested without the student's Parts 1 to 3."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = tuple(bool(n) for n in needs_input_grad)
        self._saved = ()

    def save_for_backward(self, *tensors):
        self._saved = tensors

    @property
    def saved_tensors(self):
        return tuple(self._saved)


# ---------------------------------------------------------------------------------------------------------
# Part 1: FunctionCtx


def probe_ctx_roundtrip(ns, n, none_at):
    """Save n tensors (None at the positions none_at), read them back: which come back as themselves."""
    Tensor = ns["Tensor"]
    items = [None if i in none_at else Tensor(float(i)) for i in range(n)]
    ctx = ns["FunctionCtx"]()
    ctx.save_for_backward(*items)
    got = ctx.saved_tensors
    got_list = list(got)[:20] if isinstance(got, (tuple, list)) else []
    return {"is_tuple": isinstance(got, tuple), "length": len(got_list),
            "same": [a is b for a, b in zip(got_list, items)]}


def probe_ctx_inplace(ns, n, changed, when):
    """Save n tensors; change tensor number ``changed`` in place before or after saving (or change a tensor
    that was never saved: when == "unsaved"); then read saved_tensors."""
    Tensor = ns["Tensor"]
    items = [Tensor([1.0, 2.0]) for _ in range(n)]
    other = Tensor([3.0])
    ctx = ns["FunctionCtx"]()
    if when == "before":
        items[changed].mul_(2.0)
    ctx.save_for_backward(*items)
    if when == "after":
        items[changed].add_(1.0)
    elif when == "unsaved":
        other.mul_(2.0)
    try:
        got = ctx.saved_tensors
    except Exception as e:
        return {"error": _error(e)}
    return {"error": None, "same": isinstance(got, tuple) and len(got) == n and all(a is b for a, b in zip(got, items))}


# ---------------------------------------------------------------------------------------------------------
# Part 2: BackwardFunction.apply


def probe_node(ns, factors, needs, grad):
    """A BackwardFunction for a backward that returns grad_output * f for each f in factors (a single
    gradient, not a tuple, when factors has one entry); apply it to grad."""
    Tensor = ns["Tensor"]
    seen = {}

    class Probe:
        @staticmethod
        def backward(ctx, grad_output):
            seen["ctx_is_node"] = ctx is node
            seen["grad"] = _tensor_array(grad_output)
            out = tuple(Tensor(np.asarray(getattr(grad_output, "data", grad_output), dtype=float) * f)
                        for f in factors)
            return out[0] if len(out) == 1 else out

    node = ns["BackwardFunction"](Probe, [(None, 0)] * len(needs), tuple(bool(n) for n in needs))
    try:
        result = node.apply(Tensor(grad))
    except Exception as e:
        return {"error": _error(e), "called": "grad" in seen}
    return {"error": None, "is_tuple": isinstance(result, tuple), "grads": _grads(result),
            "ctx_is_node": seen.get("ctx_is_node"), "grad_seen": seen.get("grad")}


# ---------------------------------------------------------------------------------------------------------
# Part 3: Function.apply


def _functions(ns):
    Function, Tensor = ns["Function"], ns["Tensor"]
    log = {"grad_mode": [], "inner_recorded": [], "ctx": []}

    class Scale(Function):
        @staticmethod
        def forward(ctx, x, k):
            log["grad_mode"].append(bool(ns["is_grad_enabled"]()))
            log["ctx"].append(ctx)
            inner = x * k
            log["inner_recorded"].append(getattr(inner, "grad_fn", None) is not None)
            ctx.k = k
            return inner

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * ctx.k, None

    class Product(Function):
        @staticmethod
        def forward(ctx, a, b):
            log["ctx"].append(ctx)
            ctx.save_for_backward(a, b)
            return Tensor(a.data * b.data)

        @staticmethod
        def backward(ctx, grad_output):
            a, b = ctx.saved_tensors
            return grad_output * b, grad_output * a

    return Scale, Product, log


def _make_input(ns, data, kind):
    """A leaf requiring grad, a result of a recorded operation, a plain tensor, or a plain number."""
    Tensor = ns["Tensor"]
    if kind == "leaf":
        return Tensor(data, requires_grad=True), None
    if kind == "result":
        leaf = Tensor(data, requires_grad=True)
        return leaf * 1.0, leaf
    if kind == "plain":
        return Tensor(data), None
    return float(np.asarray(data).ravel()[0]), None


def _edge(ns, pair, arg):
    """Describe one entry of next_functions for the argument arg."""
    try:
        node = pair[0]
    except Exception:
        return "not a pair"
    if node is None:
        return "none"
    grad_fn = getattr(arg, "grad_fn", None)
    if grad_fn is not None:
        return "grad_fn" if node is grad_fn else "other"
    if isinstance(node, ns["AccumulateGrad"]) and getattr(node, "variable", None) is arg:
        return "accumulate"
    return "other"


def probe_apply(ns, function, a, b, kinds, mode="grad"):
    """Scale.apply(a, k) or Product.apply(a, b), with inputs of the given kinds, under grad mode or no_grad."""
    Scale, Product, log = _functions(ns)
    x, _ = _make_input(ns, a, kinds[0])
    y, _ = _make_input(ns, b, kinds[1])
    cls = Scale if function == "Scale" else Product
    if mode == "no_grad":
        with ns["no_grad"]():
            out = cls.apply(x, y)
    else:
        out = cls.apply(x, y)
    ctx = log["ctx"][-1] if log["ctx"] else None
    grad_fn = getattr(out, "grad_fn", None)
    needs = getattr(ctx, "needs_input_grad", None)
    try:
        needs = [bool(n) for n in needs]
    except Exception:
        needs = None
    try:
        edges = [_edge(ns, pair, arg) for pair, arg in zip(grad_fn.next_functions, (x, y))]
        n_edges = len(grad_fn.next_functions)
    except Exception:
        edges, n_edges = None, None
    return {
        "is_tensor": isinstance(out, ns["Tensor"]),
        "value": _tensor_array(out),
        "requires_grad": bool(getattr(out, "requires_grad", False)),
        "has_grad_fn": grad_fn is not None,
        "grad_fn_is_node": isinstance(grad_fn, ns["BackwardFunction"]),
        "grad_fn_is_ctx": grad_fn is not None and grad_fn is ctx,
        "name": str(grad_fn.name()) if isinstance(grad_fn, ns["BackwardFunction"]) else None,
        "needs": needs,
        "edges": edges,
        "n_edges": n_edges,
        "grad_mode_in_forward": log["grad_mode"][-1] if log["grad_mode"] else None,
        "inner_recorded": log["inner_recorded"][-1] if log["inner_recorded"] else None,
    }


def probe_apply_backward(ns, x, w, c, k):
    """loss = (Scale.apply(Product.apply(x * 2, w), k) * c).sum(), with x and w leaves; backward; the grads."""
    Tensor = ns["Tensor"]
    Scale, Product, _ = _functions(ns)
    tx, tw = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
    h = tx * 2.0
    y = Product.apply(h, tw)
    z = Scale.apply(y, float(k))
    loss = (z * Tensor(c)).sum()
    loss.backward()
    return {"x": _tensor_array(tx.grad), "w": _tensor_array(tw.grad)}


# ---------------------------------------------------------------------------------------------------------
# Parts 4 to 6: the Functions, with the probes' own ctx


def probe_function(ns, function, inputs, needs, grad):
    """function.forward(ctx, *inputs), then function.backward(ctx, grad), both without recording."""
    Tensor = ns["Tensor"]
    cls = ns[function]
    ctx = _Ctx(needs)
    xs = [Tensor(a, requires_grad=bool(n)) for a, n in zip(inputs, needs)]
    before = [x.data.copy() for x in xs]
    g = Tensor(grad)
    g_before = g.data.copy()
    with ns["no_grad"]():
        out = cls.forward(ctx, *xs)
        saved = [_tensor_array(t) for t in list(ctx._saved)[:10]]
        try:
            grads = _grads(cls.backward(ctx, g))
            error = None
        except Exception as e:
            grads, error = None, _error(e)
    return {"out": _tensor_array(out), "saved": saved, "grads": grads, "error": error,
            "grad_output_unchanged": bool(np.array_equal(g.data, g_before)),
            "inputs_unchanged": all(np.array_equal(x.data, b) for x, b in zip(xs, before))}


# ---------------------------------------------------------------------------------------------------------
# Part 7: gradcheck, on functions built here with the given engine


def _custom(ns, forward, backward):
    """A function of tensors whose node runs backward(grad_output, *input arrays) -> one array per input."""
    Tensor, Node = ns["Tensor"], ns["Node"]

    class ProbeBackward(Node):
        def __init__(self, inputs):
            Node.__init__(self, [ns["gradient_edge"](t) for t in inputs])
            self.inputs = inputs

        def apply(self, grad_output):
            g = np.asarray(grad_output.data, dtype=float)
            return tuple(Tensor(r) for r in backward(g, *[t.data for t in self.inputs]))

    def fn(*inputs):
        out = Tensor(forward(*[t.data for t in inputs]))
        if ns["is_grad_enabled"]() and any(t.requires_grad for t in inputs):
            out.requires_grad = True
            out.grad_fn = ProbeBackward(inputs)
        return out

    return fn


# The forwards gradcheck is tried on. Which backward goes with one (right or wrong) is not decided here: the
# tests send the Jacobian it multiplies by, so nothing in this file or in a probe's frame tells a correct
# backward from a wrong one; only comparing it with the forward's numerical derivative does.
_FORWARDS = {
    "row_squares": lambda X: (X ** 2).sum(axis=1),
    "tanh_matvec": lambda W, x: np.tanh(W @ x),
    "mul": lambda a, b: a * b,
    "cube": lambda x: x ** 3,
    "exp3": lambda x: np.exp(3 * x),
    "sin": np.sin,
    "square": lambda x: x ** 2,
}


def _backward_from(jacobians, shapes):
    """A backward that returns grad_output times each given Jacobian (rows: the output's elements)."""
    matrices = [np.asarray(j, dtype=float) for j in jacobians]

    def backward(grad_output, *inputs):
        flat = np.asarray(grad_output, dtype=float).reshape(-1)
        return tuple((flat @ m).reshape(s) for m, s in zip(matrices, shapes))

    return backward


def probe_gradcheck(ns, forward, inputs, jacobians, eps=None, atol=None, rtol=None):
    """gradcheck(fn, inputs, ...) for the forward named here with the backward of the given Jacobians; what
    it returned or raised, and whether the inputs were put back."""
    Tensor = ns["Tensor"]
    fn = _custom(ns, _FORWARDS[forward], _backward_from(jacobians, [np.shape(a) for a in inputs]))
    jacobians = None
    xs = tuple(Tensor(np.array(a, dtype=float), requires_grad=True) for a in inputs)
    before = [x.data.copy() for x in xs]
    options = {name: value for name, value in (("eps", eps), ("atol", atol), ("rtol", rtol)) if value is not None}
    error = None
    returned = None
    try:
        result = ns["gradcheck"](fn, xs, **options)
        returned = "True" if result is True else "not True: %s" % type(result).__name__
    except Exception as e:
        error = _error(e)
        error["gradcheck_error"] = isinstance(e, ns["GradcheckError"])
        try:
            error["input_index"] = int(e.input_index)
            error["element"] = [int(i) for i in e.element]
        except Exception:
            error["input_index"], error["element"] = None, None
    return {"returned": returned, "error": error,
            "inputs_unchanged": all(np.array_equal(x.data, b) for x, b in zip(xs, before))}
