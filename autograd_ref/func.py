"""``torch.func``'s transforms, as a thin layer over the engine: functions in, functions out.

    >>> from autograd_ref import func
    >>> func.grad(lambda x: (x ** 3).sum())(tensor([1., 2.]))
    tensor([ 3., 12.])

Each transform runs the function with recording on, on inputs of its own (so that transforms nest:
``grad(grad(f))``), and asks the engine with ``create_graph=True``. What it returns is connected to the
inputs only when an input required grad already (an outer transform, or the user's own graph); otherwise
it is plain, as in PyTorch. Arguments may be tensors or dicts, lists and tuples of them (a model's
parameters from ``functional_call``, say).

``jvp`` and ``jacfwd`` use forward-mode AD (``autograd.forward_ad``); ``hessian`` is ``jacfwd(jacrev(f))``,
forward mode over reverse mode, as in PyTorch. ``vmap`` is a loop over the batch, stacked: PyTorch's results,
without its speed.
"""
from .autograd import grad as _grad
from .autograd import forward_ad
from .autograd import functional as _functional
from .autograd.grad_mode import enable_grad
from .creation import zeros_like
from .tensor import Tensor

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "functional_call",
           "stack_module_state", "vmap"]


# ---- arguments as trees of tensors ------------------------------------------------------------------

def _leaves(tree):
    if isinstance(tree, Tensor):
        return [tree]
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return []


def _rebuild(tree, leaves):
    """``tree`` with its tensors replaced, in order, by ``leaves`` (an iterator)."""
    if isinstance(tree, Tensor):
        return next(leaves)
    if isinstance(tree, dict):
        return {key: _rebuild(value, leaves) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuild(item, leaves) for item in tree)
    return tree


def _track(tensor):
    """An input of this transform's own: a view where the tensor is already tracked (so an outer transform
    sees through it), else a detached copy that requires grad, keeping the tangent of an outer forward-mode
    transform (``jacfwd(jacrev(f))``)."""
    return tensor.view_as(tensor) if tensor.requires_grad else _functional._detached_leaf(tensor)


def _outer(tensor):
    """Whether an enclosing transform differentiates through this input: reverse mode (it requires grad) or
    forward mode (it carries a tangent). Then results stay connected (``_finish``)."""
    return tensor.requires_grad or forward_ad.tangent_of(tensor) is not None


def _finish(tree, keep):
    return tree if keep else _rebuild(tree, iter([t.detach() for t in _leaves(tree)]))


def _argnums(argnums, n_args, name):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for k in nums:
        if not -n_args <= k < n_args:
            raise RuntimeError(f"{name}: Got argnums={argnums}, but only {n_args} positional inputs")
    return tuple(k % n_args for k in nums)


# ---- grad --------------------------------------------------------------------------------------------

def grad_and_value(func, argnums=0, has_aux=False):
    """A function that returns ``(gradient, value)`` of ``func`` (``(gradient, (value, aux))`` with
    ``has_aux``); the gradient is with respect to the argument(s) ``argnums``, shaped like them."""
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args), "grad_and_value(f)(*args)")
        with enable_grad():
            args = list(args)
            originals = [args[k] for k in nums]
            for k in nums:
                args[k] = _rebuild(args[k], iter([_track(t) for t in _leaves(args[k])]))
            out = func(*args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: "
                                       "(output, aux) if has_aux is True")
                out, aux = out
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(out).__name__}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                                   "APIs instead?")
            inputs = [leaf for k in nums for leaf in _leaves(args[k])]
            grads = _grad(out, inputs, create_graph=True, allow_unused=True) if out.requires_grad else [None] * len(inputs)
            grads = iter([zeros_like(x) if g is None else g for g, x in zip(grads, inputs)])
            trees = [_rebuild(args[k], grads) for k in nums]
        keep = any(_outer(t) for tree in originals for t in _leaves(tree))
        gradient = trees[0] if isinstance(argnums, int) else tuple(trees)
        value = out if keep else out.detach()
        if has_aux:
            return _finish(gradient, keep), (value, _finish(aux, keep))
        return _finish(gradient, keep), value
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function that returns the gradient of ``func`` (a scalar) with respect to argument ``argnums``
    (``(gradient, aux)`` with ``has_aux``).

        >>> grad(lambda x, y: (x * y).sum(), argnums=1)(tensor([1., 2.]), tensor([3., 4.]))
        tensor([1., 2.])
    """
    with_value = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        gradient, value = with_value(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient
    return wrapper


# ---- vjp, jvp and Jacobians --------------------------------------------------------------------------

def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` gives, for each primal, ``cotangents^T J``,
    shaped like the primal (a dict of parameters gives a dict).

        >>> out, vjp_fn = vjp(lambda p: p["w"] * 3, {"w": tensor([1., 2.])})
        >>> vjp_fn(tensor([1., 1.]))
        ({'w': tensor([3., 3.])},)
    """
    with enable_grad():
        inputs = _rebuild(primals, iter([_track(p) for p in _leaves(primals)]))
        out = func(*inputs)
        aux = None
        if has_aux:
            out, aux = out
    keep = any(_outer(p) for p in _leaves(primals))

    def vjp_fn(*cotangents):
        outs = _leaves(out)
        cots = _leaves(cotangents)
        if len(outs) != len(cots):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function ({len(outs)} tensors, got {len(cots)})")
        flat_inputs = _leaves(inputs)
        with enable_grad():
            grads = _grad(outs, flat_inputs, cots, create_graph=True, retain_graph=True, allow_unused=True)
        return _rebuild(inputs, iter([_finish(zeros_like(x) if g is None else g, keep)
                                      for g, x in zip(grads, flat_inputs)]))

    return (_finish(out, keep), vjp_fn, _finish(aux, keep)) if has_aux else (_finish(out, keep), vjp_fn)


def jvp(func, primals, tangents, *, has_aux=False):
    """``(func(*primals), J tangents)`` with forward-mode AD: each primal made dual with its tangent.

        >>> jvp(lambda x: x.sin(), (tensor([0.]),), (tensor([2.]),))
        (tensor([0.]), tensor([2.]))

    Inside another forward-mode transform (``jacfwd(jacfwd(f))``) the double-backward trick gives the same
    numbers: dual levels do not nest, in PyTorch's ``forward_ad`` either. A primal may be a dict (or list)
    of tensors, its tangent the same structure.
    """
    primals, tangents = tuple(primals), tuple(tangents)
    tree = primals
    flat_primals, flat_tangents = tuple(_leaves(primals)), tuple(_leaves(tangents))
    if len(primals) != len(tangents) or len(flat_primals) != len(flat_tangents):
        raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           f"structure ({len(flat_primals)} and {len(flat_tangents)} tensors)")
    user_func = func

    def func(*leaves):
        return user_func(*_rebuild(tree, iter(leaves)))
    primals, tangents = flat_primals, flat_tangents
    for p, t in zip(primals, tangents):
        if p.shape != t.shape:
            raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same shape, "
                               f"got {list(p.shape)} and {list(t.shape)}")
    if forward_ad._state.active:
        if has_aux:
            raise NotImplementedError("jvp(has_aux=True) inside another forward-mode transform")
        outer = any(_outer(p) for p in primals)
        return _functional.jvp(func, primals, tangents, create_graph=outer)
    with forward_ad.dual_level():
        out = func(*(forward_ad.make_dual(p, t) for p, t in zip(primals, tangents)))
        aux = None
        if has_aux:
            out, aux = out
        outs = _leaves(out)
        unpacked = [forward_ad.unpack_dual(o) for o in outs]
        values = [u.primal.detach() if not o.requires_grad else u.primal for o, u in zip(outs, unpacked)]
        products = [zeros_like(o) if u.tangent is None else u.tangent for o, u in zip(outs, unpacked)]
    result = (_rebuild(out, iter(values)), _rebuild(out, iter(products)))
    return result + (aux,) if has_aux else result


def jacrev(func, argnums=0):
    """A function that returns the Jacobian of ``func`` with respect to argument ``argnums``, built one
    output element (one backward pass) at a time. For an argument that is a dict of tensors (a model's
    parameters) the Jacobian is a dict of the same keys; for a tuple of outputs, a tuple.

        >>> jacrev(lambda p: p["w"] * 2)({"w": tensor([1., 2.])})["w"]
        tensor([[2., 0.],
                [0., 2.]])
    """
    def wrapper(*args):
        nums = _argnums(argnums, len(args), "jacrev(f)(*args)")
        selected = tuple(args[k] for k in nums)
        flat = tuple(_leaves(selected))

        def of_leaves(*leaves):
            full = list(args)
            for k, value in zip(nums, _rebuild(selected, iter(leaves))):
                full[k] = value
            return func(*full)

        # Connected results where an outer transform differentiates them: reverse (an input requires grad)
        # or forward (an input carries a tangent).
        outer = any(_outer(s) for s in flat)
        jac = _functional.jacobian(of_leaves, flat, create_graph=outer)

        def arranged(per_leaf):
            trees = _rebuild(selected, iter(per_leaf))
            return trees[0] if isinstance(argnums, int) else trees
        if jac and isinstance(jac[0], tuple):  # func returned a tuple: one Jacobian tree per output
            return tuple(arranged(per_output) for per_output in jac)
        return arranged(jac)
    return wrapper


def jacfwd(func, argnums=0):
    """A function that returns the Jacobian of ``func`` with respect to argument ``argnums``, built one input
    element (one forward-mode ``jvp`` with a one-hot tangent) at a time: cheaper than ``jacrev`` when there
    are fewer inputs than outputs.

        >>> jacfwd(lambda x: x ** 2)(tensor([1., 2.]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    def wrapper(*args):
        from .ops.shape import stack

        nums = _argnums(argnums, len(args), "jacfwd(f)(*args)")
        jacobians = []
        for k in nums:
            arg_leaves = _leaves(args[k])
            per_leaf = []
            for j, x in enumerate(arg_leaves):
                def of_one(x, k=k, j=j):
                    full, leaves = list(args), list(arg_leaves)
                    leaves[j] = x
                    full[k] = _rebuild(args[k], iter(leaves))
                    return func(*full)

                columns = []
                for index in range(x.numel()):
                    one_hot = zeros_like(x).reshape(-1)
                    one_hot._data[index] = 1
                    out, column = jvp(of_one, (x,), (one_hot.reshape(x.shape),))
                    columns.append(column.reshape(-1))
                if not columns:
                    out = of_one(x)
                jac = stack(columns, 1) if columns else zeros_like(out).reshape(-1, 0)
                per_leaf.append(jac.reshape(tuple(out.shape) + tuple(x.shape)))
            jacobians.append(_rebuild(args[k], iter(per_leaf)))
        return jacobians[0] if isinstance(argnums, int) else tuple(jacobians)
    return wrapper


def hessian(func, argnums=0):
    """A function that returns the Hessian of a scalar ``func`` with respect to argument ``argnums``."""
    return jacfwd(jacrev(func, argnums), argnums)


# ---- modules as functions ---------------------------------------------------------------------------------

def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """Call ``module`` with the given tensors in place of its parameters and buffers (by their names in
    ``named_parameters()``), then put its own back.

        >>> functional_call(model, {"weight": w, "bias": b}, (x,))
    """
    tensors = {}
    for d in (parameter_and_buffer_dicts if isinstance(parameter_and_buffer_dicts, (list, tuple))
              else [parameter_and_buffer_dicts]):
        tensors.update(d)
    if strict:
        expected = {name for name, _ in module.named_parameters()} | {name for name, _ in module.named_buffers()}
        missing, unexpected = sorted(expected - set(tensors)), sorted(set(tensors) - expected)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}: missing keys "
                               f"{missing}, unexpected keys {unexpected}")
    swapped = []
    try:
        for name, tensor in tensors.items():
            owner, _, attr = name.rpartition(".")
            sub = module.get_submodule(owner) if owner else module
            store = sub._parameters if attr in sub._parameters else sub._buffers if attr in sub._buffers else None
            if store is None:
                raise AttributeError(f"{type(sub).__name__} has no parameter or buffer named {attr!r}")
            swapped.append((store, attr, store[attr]))
            store[attr] = tensor
        args = () if args is None else args if isinstance(args, tuple) else (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for store, attr, original in reversed(swapped):
            store[attr] = original


def stack_module_state(models):
    """``(params, buffers)``: the parameters and buffers of ``models`` (all of one class), stacked along a new
    first dimension, by name, for ``vmap`` over an ensemble. The stacked parameters are new leaves.

        >>> params, buffers = stack_module_state([nn.Linear(3, 2) for _ in range(4)])
        >>> params["weight"].shape
        autograd_ref.Size([4, 2, 3])
    """
    from .ops.shape import stack

    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    if not all(type(m) is type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(tensors, name):
        if len({t.requires_grad for t in tensors}) > 1:
            raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
        result = stack(list(tensors))
        return result.detach().requires_grad_() if tensors[0].requires_grad else result

    states = []
    for named in ("named_parameters", "named_buffers"):
        per_model = [dict(getattr(m, named)()) for m in models]
        states.append({k: stacked(tuple(d[k] for d in per_model), k) for k in per_model[0]})
    return states[0], states[1]


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """A function that maps ``func`` over a batch dimension of its inputs (``in_dims``: one per argument, or
    None for an argument used whole) and stacks the results along ``out_dims``.

        >>> vmap(dot)(tensor([[1., 2.], [3., 4.]]), tensor([[1., 1.], [2., 2.]]))
        tensor([ 3., 14.])

    autograd_ref has no batching rules: ``func`` runs once per batch element and the results are stacked,
    which gives PyTorch's results (gradients through it included: ``vmap(grad(f))`` gives per-sample
    gradients). It is as slow as the loop it is, and it does not refuse what PyTorch's vmap refuses
    (``.item()``, control flow on values, random operations), so such code can work here and not in PyTorch.
    """
    name = getattr(func, "__name__", "func")

    def wrapper(*args):
        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                             f"structure of `inputs`. in_dims has structure of length {len(dims)} but inputs has "
                             f"length {len(args)}.")
        sizes = []
        for arg, dim in zip(args, dims):
            if dim is None:
                continue
            for leaf in _leaves(arg):
                if not -max(leaf.dim(), 1) <= dim < max(leaf.dim(), 1) or leaf.dim() == 0:
                    raise ValueError(
                        f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={dim} for some input, but "
                        f"that input is a Tensor of dimensionality {leaf.dim()} so expected in_dim to satisfy "
                        f"-{leaf.dim()} <= in_dim < {leaf.dim()}.")
                sizes.append(leaf.shape[dim])
        if not sizes:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        if len(set(sizes)) > 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        results = []
        for i in range(sizes[0]):
            sliced = [arg if dim is None else _rebuild(arg, iter([leaf.select(dim, i) for leaf in _leaves(arg)]))
                      for arg, dim in zip(args, dims)]
            results.append(func(*sliced))
        return _stack_results(results, out_dims, name)
    return wrapper


def _stack_results(results, out_dims, name):
    """One output tree from one per batch element: each tensor stacked along its out_dim."""
    from .ops.shape import stack

    first = results[0]
    outputs = first if isinstance(first, tuple) else (first,)
    dims = out_dims if isinstance(out_dims, tuple) else (out_dims,) * len(outputs)
    stacked = []
    for k, (output, dim) in enumerate(zip(outputs, dims)):
        per_element = [r[k] if isinstance(first, tuple) else r for r in results]
        if dim is None:
            stacked.append(output)
            continue
        leaves = _leaves(output)
        if not leaves:
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(output)}. Did "
                             "you mean to set out_dims= to None for output?")
        columns = zip(*(_leaves(e) for e in per_element))
        stacked.append(_rebuild(output, iter([stack(list(column), dim) for column in columns])))
    return tuple(stacked) if isinstance(first, tuple) else stacked[0]
