"""Probes for exercise 9 (training with autograd: Module, Linear, SGD and a training loop). They run in the
grading sandbox, after the notebook's cells, with ``ns`` the namespace those cells defined; the standard
library and numpy only.

Each probe builds what the hidden test describes, calls the student's classes and functions, and returns
plain data (arrays come back as {"shape": [...], "values": [...]}). Every judgement is made by the tests,
in the grader's own process.
"""
import itertools

import numpy as np


def _number(x):
    """x as a float, or a short description of what it is."""
    try:
        return float(np.asarray(x, dtype=float).reshape(()))
    except Exception:
        return "not a number: %s" % type(x).__name__


def _data_of(t):
    """The numbers a Tensor holds (or whatever it is, as an array)."""
    return _array(getattr(t, "data", t))


def _grad_state(p):
    """"none", "zeros" or the gradient's numbers."""
    g = getattr(p, "grad", "missing")
    if g is None:
        return "none"
    arr = _array(g)
    if arr is not None and arr.get("values") is not None and all(v == 0 for v in arr["values"]):
        return "zeros"
    return arr


# ---------------------------------------------------------------------------------------------------------
# Module trees from plain data


def _build_tree(ns, modules, shapes):
    """``modules[i]`` lists module i's attributes, in assignment order, as [name, kind, arg]:

    - ["w", "param", label]: the Parameter with that label (the same label twice is the same object);
    - ["sub", "module", j]: module j (the same j twice is the same module);
    - ["t", "tensor", label] a plain Tensor, ["a", "array", label] a numpy array, ["n", "number", x],
      ["z", "none", 0]: attributes that are not Parameters.

    Module 0 is the root. Returns (root, {label: Parameter}, {label: other object}).
    """
    Module, Parameter, Tensor = ns["Module"], ns["Parameter"], ns["Tensor"]
    Block = type("Block", (Module,), {"forward": lambda self, x: x})
    made = [Block() for _ in modules]
    params, others = {}, {}
    for module, attributes in zip(made, modules):
        for name, kind, arg in attributes:
            if kind == "param":
                if arg not in params:
                    params[arg] = Parameter(np.full(tuple(shapes[str(arg)]), float(arg)))
                value = params[arg]
            elif kind == "module":
                value = made[int(arg)]
            elif kind == "tensor":
                value = others.setdefault(("t", arg), Tensor(np.full(tuple(shapes[str(arg)]), float(arg))))
            elif kind == "array":
                value = others.setdefault(("a", arg), np.full(tuple(shapes[str(arg)]), float(arg)))
            elif kind == "number":
                value = float(arg)
            else:
                value = None
            setattr(module, name, value)
    return made[0], params, others


def _labels(found, params, others, limit=200):
    """Each object in ``found`` as the label of its Parameter; "tensor"/"array" for a non-Parameter the
    tree holds; a description for anything else."""
    by_id = {id(p): label for label, p in params.items()}
    other_ids = {id(v): key[0] for key, v in others.items()}
    out = []
    for item in itertools.islice(iter(found), limit):
        if id(item) in by_id:
            out.append(by_id[id(item)])
        elif id(item) in other_ids:
            out.append("tensor" if other_ids[id(item)] == "t" else "array")
        else:
            out.append("other: %s" % type(item).__name__)
    return out


def probe_parameters(ns, modules, shapes):
    """root.parameters(), as the labels of the Parameters it lists, in its order."""
    root, params, others = _build_tree(ns, modules, shapes)
    return _labels(root.parameters(), params, others)


def probe_zero_grad(ns, modules, shapes):
    """Every Parameter gets a gradient, then root.zero_grad(): each one's state, and its data after."""
    root, params, _ = _build_tree(ns, modules, shapes)
    for label, p in params.items():
        p.grad = np.full(p.data.shape, 1.0 + float(label))
    root.zero_grad()
    return {str(label): {"grad": _grad_state(p), "data": _data_of(p)} for label, p in params.items()}


def probe_zero_grad_then_backward(ns, modules, shapes, coefficients):
    """Two backward passes of sum(c * p) over every Parameter, with root.zero_grad() between them: the
    gradients after the second pass."""
    root, params, _ = _build_tree(ns, modules, shapes)
    Tensor = ns["Tensor"]

    def loss():
        total = None
        for label, p in params.items():
            term = (p * Tensor(np.asarray(coefficients[str(label)], dtype=float))).sum()
            total = term if total is None else total + term
        return total

    loss().backward()
    root.zero_grad()
    loss().backward()
    return {str(label): _array(p.grad) for label, p in params.items()}


# ---------------------------------------------------------------------------------------------------------
# Linear


def probe_linear_init(ns, in_features, out_features, bias=True):
    """A new Linear: its weight and bias, and whether they are Parameters."""
    layer = ns["Linear"](int(in_features), int(out_features), bias=bool(bias))
    Parameter = ns["Parameter"]
    weight, b = getattr(layer, "weight", None), getattr(layer, "bias", "missing")
    return {
        "weight_is_parameter": isinstance(weight, Parameter),
        "weight": _data_of(weight),
        "bias_is_none": b is None,
        "bias_is_parameter": isinstance(b, Parameter),
        "bias": None if b is None or isinstance(b, str) else _data_of(b),
    }


def _set(tensor, values, what):
    """Give a Parameter the grader's numbers (after checking its shape)."""
    values = np.array(values, dtype=float)
    if np.shape(getattr(tensor, "data", None)) != values.shape:
        raise ValueError("%s does not have the shape the instructions give" % what)
    tensor.data = values


def probe_linear_forward(ns, weight, bias, x, grad_out):
    """Linear(in, out) with the given weight and bias (bias None: bias=False); its output for x, and the
    gradients of sum(grad_out * output) for the weight, the bias and x."""
    weight = np.asarray(weight, dtype=float)
    out_features, in_features = weight.shape
    layer = ns["Linear"](in_features, out_features, bias=bias is not None)
    _set(layer.weight, weight, "Linear's weight")
    if bias is not None:
        _set(layer.bias, bias, "Linear's bias")
    Tensor = ns["Tensor"]
    tx = Tensor(np.asarray(x, dtype=float), requires_grad=True)
    out = layer(tx)
    if not isinstance(out, Tensor):
        raise TypeError("Linear's forward did not return a Tensor")
    result = {"out": _data_of(out)}
    if getattr(out, "requires_grad", False):
        (out * Tensor(np.asarray(grad_out, dtype=float))).sum().backward()
    result["grad_weight"] = _array(layer.weight.grad)
    result["grad_bias"] = None if bias is None else _array(layer.bias.grad)
    result["grad_x"] = _array(tx.grad)
    return result


# ---------------------------------------------------------------------------------------------------------
# SGD


def probe_sgd(ns, inits, targets, scales, steps, lr, momentum=0.0, weight_decay=0.0, missing=(),
              as_generator=False):
    """SGD on Parameters whose gradient is scales[i] * (p - targets[i]), computed from their current
    values before every step (no gradient at all for the (step, i) pairs in ``missing``). The values of
    every Parameter after every step."""
    Parameter = ns["Parameter"]
    params = [Parameter(np.array(v, dtype=float)) for v in inits]
    given = iter(list(params)) if as_generator else params
    kwargs = {"lr": float(lr)}
    if momentum:
        kwargs["momentum"] = float(momentum)
    if weight_decay:
        kwargs["weight_decay"] = float(weight_decay)
    optimizer = ns["SGD"](given, **kwargs)
    skip = {(int(s), int(i)) for s, i in missing}
    trajectory = []
    for step in range(int(steps)):
        for i, p in enumerate(params):
            if (step, i) in skip:
                p.grad = None
            else:
                current = np.asarray(p.data, dtype=float)
                p.grad = float(scales[i]) * (current - np.asarray(targets[i], dtype=float))
        optimizer.step()
        trajectory.append([_data_of(p) for p in params])
    return trajectory


def probe_sgd_zero_grad(ns, inits):
    """SGD.zero_grad() on Parameters that have gradients: each one's gradient state and data after."""
    Parameter = ns["Parameter"]
    params = [Parameter(np.array(v, dtype=float)) for v in inits]
    for i, p in enumerate(params):
        p.grad = np.full(p.data.shape, 2.0 + i)
    optimizer = ns["SGD"](iter(list(params)), lr=0.1)
    optimizer.zero_grad()
    return [{"grad": _grad_state(p), "data": _data_of(p)} for p in params]


# ---------------------------------------------------------------------------------------------------------
# The loss, the model and the training loop


def probe_bce(ns, p, y):
    """bce_loss(p, y) and its gradient for p."""
    Tensor = ns["Tensor"]
    tp = Tensor(np.asarray(p, dtype=float), requires_grad=True)
    loss = ns["bce_loss"](tp, Tensor(np.asarray(y, dtype=float)))
    if not isinstance(loss, Tensor):
        raise TypeError("bce_loss did not return a Tensor")
    if getattr(loss, "requires_grad", False):
        loss.backward()
    return {"loss": _data_of(loss), "grad": _array(tp.grad)}


def _model_with(ns, weight, bias):
    model = ns["LogisticRegression"]()
    linear = getattr(model, "linear", None)
    if not isinstance(linear, ns["Linear"]):
        raise TypeError("LogisticRegression has no Linear layer called linear")
    _set(linear.weight, weight, "the model's weight")
    _set(linear.bias, bias, "the model's bias")
    return model


def probe_model(ns, weight, bias, x):
    """LogisticRegression with the given weight and bias: its output for x, and its parameters."""
    model = _model_with(ns, weight, bias)
    out = model(ns["Tensor"](np.asarray(x, dtype=float)))
    found = list(itertools.islice(iter(model.parameters()), 20))
    return {"out": _data_of(out),
            "parameters": ["weight" if p is model.linear.weight else "bias" if p is model.linear.bias else "other"
                           for p in found]}


def probe_train_accuracy(ns, X, y, steps, lr, momentum):
    """A new LogisticRegression (its own initialisation) trained with train(): the fraction of X it then
    classifies right, and how many losses train() returned."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    model = ns["LogisticRegression"]()
    losses = ns["train"](model, X, y, steps=int(steps), lr=float(lr), momentum=float(momentum))
    p = np.asarray(model(ns["Tensor"](X)).data, dtype=float).reshape(-1)
    if p.shape != y.shape:
        raise ValueError("the trained model does not give one probability per row")
    try:
        n_losses = len(losses)
    except TypeError:
        n_losses = None
    return {"accuracy": float(np.mean((p >= 0.5) == (y == 1))), "n_losses": n_losses}


def probe_train_from(ns, X, y, weight, bias, steps, lr, momentum):
    """LogisticRegression from the given weight and bias, trained with train(): the losses it returned and
    the final weight and bias."""
    model = _model_with(ns, weight, bias)
    losses = ns["train"](model, np.asarray(X, dtype=float), np.asarray(y, dtype=float),
                         steps=int(steps), lr=float(lr), momentum=float(momentum))
    return {"losses": [_number(v) for v in itertools.islice(iter(losses), 1000)],
            "weight": _data_of(model.linear.weight), "bias": _data_of(model.linear.bias)}
