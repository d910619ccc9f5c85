"""Derivatives of whole functions: ``jacobian``, ``hessian``, ``vjp`` and ``jvp``.

    >>> x = tensor([1., 2., 3.])
    >>> jacobian(lambda a: a ** 2, x)        # diag(2x)
    tensor([[2., 0., 0.],
            [0., 4., 0.],
            [0., 0., 6.]])

Each takes a function and where to evaluate it; nothing is accumulated into
``.grad``. The inputs are copied and made to require grad, the function is run,
and ``autograd.grad`` does the rest:

- ``vjp`` (vector-Jacobian product, ``v^T J``): one backward pass.
- ``jvp`` (Jacobian-vector product, ``J v``): reverse mode only has ``v^T J``,
  so it uses the *double-backward trick*: ``g(u) = u^T J`` is linear in ``u``;
  the gradient of ``g(u) . v`` with respect to ``u`` is ``J v``.
- ``jacobian``: one ``vjp`` per output element (a row each).
- ``hessian``: the ``jacobian`` of the function that computes the gradient.

Structure, as in PyTorch: a Tensor (not a tuple) given as ``inputs`` or returned
by ``func`` gives Tensors back; a tuple gives tuples. ``jacobian`` nests them:
``result[i][j]`` is d output i / d input j, of shape ``output_i.shape +
input_j.shape``.
"""
from ..creation import zeros, zeros_like
from ..ops.shape import stack
from ..tensor import Tensor
from . import forward_ad, grad
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``func(inputs)`` and the vector-Jacobian product ``v^T J`` at ``inputs``.

        >>> vjp(lambda a: a ** 2, tensor([1., 2.]), tensor([1., 1.]))
        (tensor([1., 4.]), tensor([2., 4.]))

    ``v`` has the outputs' shapes; it may be left out when ``func`` returns a
    single one-element tensor. With ``create_graph=True`` the result can be
    differentiated again. With ``strict=True`` an output that does not depend
    on an input is an error rather than zeros.
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare_inputs(inputs, create_graph)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs_require_grad(outputs, strict)
        if v is not None:
            v = _prepare_vectors(_as_tuple(v, "v", "vjp")[1], create_graph)
            _validate_v(v, outputs, outputs_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the user-provided function returns a single "
                "Tensor with a single element.")

    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad_of_some(outputs, inputs, v, create_graph)
        result = _zeros_for_unused(grads, inputs, strict, create_graph, "back")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``func(inputs)`` and the Jacobian-vector product ``J v`` at ``inputs``,
    by the double-backward trick.

        >>> jvp(lambda a: a ** 2, tensor([1., 2.]), tensor([1., 0.]))
        (tensor([1., 4.]), tensor([2., 0.]))

    ``v`` has the inputs' shapes; it may be left out when the input is a single
    one-element tensor.
    """
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare_inputs(inputs, create_graph)
        v = _checked_v(v, inputs, inputs_tuple, "jvp", create_graph)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs_require_grad(outputs, strict)
        # g(u) = u^T J, built with create_graph=True so it can be differentiated in u.
        # g is linear in u, so u's value does not matter: zeros will do.
        us = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        g = _grad_of_some(outputs, inputs, us, create_graph=True)
        _refuse_independent(g, strict, "gradient")

    with set_grad_enabled(create_graph or is_grad_enabled()):
        # d(g(u) . v)/du = J v
        grads = _grad_of_some(g, us, v, create_graph)
        result = _zeros_for_unused(grads, outputs, strict, create_graph, "back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` of shape
    ``output_i.shape + input_j.shape``.

        >>> jacobian(lambda a, b: a * b, (tensor([1., 2.]), tensor([3., 4.])))[0]
        tensor([[3., 0.],
                [0., 4.]])

    Reverse mode takes one backward per output element. ``strategy=
    "forward-mode"`` (which PyTorch allows only with ``vectorize=True``) takes
    one forward-mode pass (``autograd.forward_ad``) per input element.
    ``vectorize=True`` computes the same result with the same loop.
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        return _jacobian_forward(func, inputs, create_graph, strict, vectorize)
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare_inputs(inputs, create_graph)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                           "jacobian")
        _check_outputs_require_grad(outputs, strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                "supported together. Please either set `strict=False` or `vectorize=False`.")
        result = tuple(_jacobian_rows(i, out, inputs, create_graph, strict)
                       for i, out in enumerate(outputs))
        return _unpack(_finish(result, create_graph), (outputs_tuple, inputs_tuple))


def _jacobian_rows(i, out, inputs, create_graph, strict):
    """``d out / d input_j`` for every input: row ``k`` is the gradient of
    element ``k`` of ``out``."""
    rows = tuple([] for _ in inputs)
    flat = out.reshape(-1)
    for k in range(out.numel()):
        grads = _grad_of_some((flat[k],), inputs, None, create_graph, retain_graph=True)
        for j, (g, x) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function is independent of input {j}. "
                        "This is not allowed in strict mode.")
                g = zeros_like(x)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(
                    f"The jacobian of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode when create_graph=True.")
            rows[j].append(g)
    return tuple(_stacked(r, out.shape + x.shape, x) for r, x in zip(rows, inputs))


def _jacobian_forward(func, inputs, create_graph, strict, vectorize):
    """Forward-mode Jacobian: column ``k`` of ``d output_i / d input_j`` is
    ``J e_k`` for the one-hot ``e_k`` in input ``j``."""
    if not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
            "implemented for `vectorize=True`.")
    if create_graph:
        raise NotImplementedError(
            'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` '
            'are not supported together (yet). Please either set `create_graph=False` or '
            '`strategy="reverse-mode"`.')
    if strict:
        raise RuntimeError(
            'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
            'not supported together (yet). Please either set `strict=False` or '
            '`strategy="reverse-mode"`.')
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       "jacobian")
    columns = [[[] for _ in inputs] for _ in outputs]     # columns[i][j]: J_ij e_k, k = 0, 1, ...
    for j, x in enumerate(inputs):
        for k in range(x.numel()):
            v = tuple(_one_hot(x, k) if m == j else zeros_like(y) for m, y in enumerate(inputs))
            products = _forward_products(func, inputs, v, outputs_tuple)
            for i, p in enumerate(products if outputs_tuple else (products,)):
                columns[i][j].append(p.reshape(-1))
    result = tuple(tuple(_stacked(columns[i][j], out.shape + x.shape, x, dim=1)
                         for j, x in enumerate(inputs))
                   for i, out in enumerate(outputs))
    return _unpack(result, (outputs_tuple, inputs_tuple))


def _forward_products(func, inputs, v, outputs_tuple):
    """``J v`` with forward-mode AD (the double-backward ``jvp`` inside another dual level, which would nest)."""
    if forward_ad._state.active:
        return jvp(func, inputs, v)[1]
    with forward_ad.dual_level():
        outputs = func(*(forward_ad.make_dual(x, t) for x, t in zip(inputs, v)))
        outputs = outputs if outputs_tuple else (outputs,)
        products = tuple(zeros_like(o) if t is None else t
                         for o, t in ((o, forward_ad.unpack_dual(o).tangent) for o in outputs))
    return products if outputs_tuple else products[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function with a one-element output: ``H[i][j]`` of
    shape ``input_i.shape + input_j.shape``.

        >>> hessian(lambda a: (a ** 3).sum(), tensor([1., 2.]))     # diag(6x)
        tensor([[ 6.,  0.],
                [ 0., 12.]])

    It is the ``jacobian`` of the function that computes the gradient (itself a
    ``jacobian`` with ``create_graph=True``).
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*xs):
        out = func(*xs)
        outputs_tuple, outputs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_outputs_require_grad(outputs, strict)
        if outputs_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def gradient(*xs):
        g = jacobian(single_output, xs, create_graph=True)
        _refuse_independent(g, strict, "jacobian")
        return g

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(result, (inputs_tuple, inputs_tuple))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``func(inputs)`` (one element) and the vector-Hessian product ``v^T H``: the gradient of
    ``gradient . v``, so one backward through the gradient's graph.

        >>> vhp(lambda a: (a ** 3).sum(), tensor([1., 2.]), tensor([1., 1.]))     # v^T diag(6a)
        (tensor(9.), tensor([ 6., 12.]))
    """
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, out, jac = _first_gradient(func, inputs, v, strict, "vhp")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad_of_some(jac, inputs, v, create_graph)
        result = _zeros_for_unused(grads, inputs, strict, create_graph, "double_back")
    return (_unpack(_finish((out,), create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``func(inputs)`` (one element) and the Hessian-vector product ``H v``, by the double-backward
    trick (as ``jvp``): for a twice-differentiable function H is symmetric, so it equals ``vhp``.

        >>> hvp(lambda a: (a ** 3).sum(), tensor([1., 2.]), tensor([1., 0.]))
        (tensor(9.), tensor([6., 0.]))
    """
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, out, jac = _first_gradient(func, inputs, v, strict, "hvp")
        # g(u) = u^T H, built so that it can be differentiated in u (linear in u: zeros will do).
        us = tuple(zeros_like(x, requires_grad=True) for x in inputs)
        double_back = _grad_of_some(jac, inputs, us, create_graph=True)
        _refuse_independent(jac, strict, "hessian")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad_of_some(double_back, us, v, create_graph)
        result = _zeros_for_unused(grads, inputs, strict, create_graph, "double_back_trick")
    return (_unpack(_finish((out,), create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))


def _first_gradient(func, inputs, v, strict, name):
    """What vhp and hvp share: the inputs and ``v`` checked, the one-element output, and its gradient
    with ``create_graph=True``."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
    inputs = _prepare_inputs(inputs, True)
    v = _checked_v(v, inputs, inputs_tuple, name, False)
    out = func(*inputs)
    outputs_tuple, outputs = _as_tuple(out, "outputs of the user-provided function", name)
    _check_outputs_require_grad(outputs, strict)
    if outputs_tuple or not isinstance(outputs[0], Tensor):
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single element")
    jac = _grad_of_some(outputs, inputs, (None,), create_graph=True)
    _refuse_independent(jac, strict, "jacobian")
    return inputs_tuple, inputs, v, outputs_tuple, outputs[0], jac


# ---- the steps every function shares ---------------------------------------------

def _as_tuple(x, arg_name, fn_name):
    """``(was_a_tuple, x as a tuple of Tensors)``; anything else is refused."""
    was_tuple = isinstance(x, tuple)
    items = x if was_tuple else (x,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if was_tuple else f"the given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                f"but {where} has type {type(item)}.")
    return was_tuple, items


def _unpack(result, was_tuple):
    """Undo ``_as_tuple`` on a result: a single Tensor comes back unwrapped.
    ``was_tuple`` may be a pair (outputs, inputs) for a nested result."""
    if isinstance(was_tuple, tuple):
        outputs_tuple, inputs_tuple = was_tuple
        if not inputs_tuple:
            result = tuple(row[0] for row in result)
        return result if outputs_tuple else result[0]
    return result if was_tuple else result[0]


def _prepare_inputs(inputs, create_graph):
    """New tensor objects for the function to run on, requiring grad. With
    ``create_graph`` they stay connected to the originals (a view), so the
    result can be differentiated with respect to them."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad else _detached_leaf(x) for x in inputs)


def _detached_leaf(x):
    """``x.detach().requires_grad_()``, keeping the tangent of an enclosing forward-mode transform, so that
    forward mode can see through this reverse-mode one (``jacfwd(jacrev(f))``, a Hessian)."""
    leaf = x.detach().requires_grad_(True)
    tangent = forward_ad.tangent_of(x)
    if tangent is not None:
        forward_ad.set_tangent(leaf, tangent)
    return leaf


def _checked_v(v, inputs, inputs_tuple, name, create_graph):
    """``v`` prepared and checked against the inputs; it may be left out only for a single one-element input."""
    if v is not None:
        v = _prepare_vectors(_as_tuple(v, "v", name)[1], create_graph)
        _validate_v(v, inputs, inputs_tuple)
    elif len(inputs) != 1 or inputs[0].numel() != 1:
        raise RuntimeError(
            "The vector v can only be None if the input to the user-provided function is a "
            "single Tensor with a single element.")
    return v


def _prepare_vectors(v, create_graph):
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach() for t in v)


def _finish(result, create_graph):
    """Detach results (recursively) unless the caller wants a graph."""
    if create_graph:
        return result
    return tuple(r.detach() if isinstance(r, Tensor) else _finish(r, False) for r in result)


def _stacked(rows, shape, like, dim=0):
    """Rows (or, with ``dim=1``, columns) joined into one tensor of ``shape``."""
    if not rows:        # an output or input without elements
        return zeros(shape, dtype=like.dtype)
    return stack(rows, dim).view(shape)


def _one_hot(x, k):
    e = zeros_like(x)
    e.view(-1)[k] = 1
    return e


def _grad_of_some(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    """``autograd.grad`` over the outputs that require grad; None for every
    input when none does, or for an input they do not use."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


def _validate_v(v, like, like_is_tuple):
    """``v`` must have one tensor per tensor of ``like``, of the same shape."""
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, like)):
        if a.shape != b.shape:
            where = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {_size(b)} but got {_size(a)}.")


def _size(t):
    return f"torch.Size({list(t.shape)})"


# ---- strict mode: refuse answers that are zero because nothing depends ------------

def _check_outputs_require_grad(outputs, strict):
    if not strict:
        return
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require gradients. The outputs "
                "must be computed in a differentiable manner from the input when running in "
                "strict mode.")


_INDEPENDENT = {
    "gradient": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with "
                "respect to input {i} is independent of the input. This is not allowed in strict mode. You "
                "should ensure that your function is twice differentiable and that the jacobian depends on "
                "the inputs (this would be violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the "
               "input. This is not allowed in strict mode. You should ensure that your function is thrice "
               "differentiable and that the hessian depends on the inputs.",
}


def _refuse_independent(items, strict, what):
    """Strict mode, in order as PyTorch checks: an item that is None (the output does not use input i) or
    that does not require grad (the ``what`` does not depend on the inputs) is an error."""
    if not strict:
        return
    for i, item in enumerate(items):
        if item is None:
            raise RuntimeError(_UNUSED_MESSAGES["back"].format(i=i))
        if not item.requires_grad:
            raise RuntimeError(_INDEPENDENT[what].format(i=i))


_UNUSED_MESSAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is not "
            "allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is "
                   "not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using "
                         "the double backward trick to replace forward mode AD.",
}


def _zeros_for_unused(grads, like, strict, create_graph, stage):
    """Zeros (shaped as ``like``) where a gradient is None, or, in strict mode,
    an error; with ``create_graph`` a strict result must also depend on the inputs."""
    result = []
    for i, (g, ref) in enumerate(zip(grads, like)):
        if g is None:
            if strict:
                raise RuntimeError(_UNUSED_MESSAGES[stage].format(i=i))
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(
                f"The jacobian of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode when create_graph=True.")
        result.append(g)
    return tuple(result)
