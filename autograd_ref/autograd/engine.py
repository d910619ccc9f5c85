"""The backward walk, in one place.

Starting from the roots' nodes, count how many edges lead into every node, then
run the nodes in dependency order: a node runs once every gradient meant for it
has arrived and been summed. The walk is a loop over a priority queue, never
recursion, so graphs of any depth work.

When the walk builds no graph of its own (``create_graph=False``), gradients travel
from node to node as arrays, and a node that has a formula on arrays
(``Node.backward_arrays``) runs that instead of its tensor formula; tensors are made
only where they are needed: for hooks, a leaf's ``.grad``, ``autograd.grad``'s
results and nodes that have only a tensor formula. With ``create_graph=True`` the
gradients are tensors, and each formula's operations are recorded in turn.

``backward()`` through a graph where every node has a formula on arrays and nothing
has a hook (nearly every training step) takes the plain walk, ``_walk_plain``: the
same order without the priority queue, and none of the questions hooks ask.

    >>> run_backward([loss], [ones_like(loss)], keep_graph=False, create_graph=False)
"""
import heapq
import operator

from . import anomaly_mode, grad_mode
from .anomaly_mode import _state as _anomaly
from .grad_mode import _forward_state as _forward
from .graph import AccumulateGrad, GradientEdge, _runs, edge_to
from .._backend import CPU
from ..tensor import Tensor, legacy_type_name, make_tensor     # loaded on first use, after the tensor module

_state = grad_mode._state


def run_backward(roots, grad_roots, keep_graph, create_graph, inputs=None,
                 accumulate=True, allow_unused=False, dependencies=None):
    """Backpropagate ``grad_roots`` from ``roots``.

    ``accumulate=True`` (``backward``) adds gradients into ``.grad`` of the leaves,
    or only of ``inputs`` when given. ``accumulate=False`` (``autograd.grad``)
    leaves ``.grad`` alone and returns the gradients of ``inputs``. ``dependencies``: the count of
    :func:`_count_dependencies` for these roots, when the caller has made it.
    """
    root_edges = []
    for i, root in enumerate(roots):
        if type(root) is GradientEdge:
            root_edges.append((root.node, root.output_nr))
            continue
        if not root._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
        root_edges.append(edge_to(root))

    captures = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            if type(t) is GradientEdge:
                captures.setdefault((t.node, t.output_nr), []).append(i)
                continue
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            captures.setdefault(edge_to(t), []).append(i)

    # When the walk builds no graph of its own, gradients travel as arrays, and nodes with a formula on arrays
    # (``Node.backward_arrays``) run it; tensors are made only for what needs them: hooks, leaves' ``.grad``,
    # autograd.grad's results and nodes with only a tensor formula. Otherwise they travel as tensors.
    on_arrays = not create_graph and not _anomaly.enabled and not _forward.active
    if dependencies is None:
        dependencies, plain_nodes = _count_dependencies([node for node, _ in root_edges])
    else:
        plain_nodes = None      # (backward_plain found that the plain walk cannot take this graph)
    if inputs is None and on_arrays and plain_nodes is not None and all(g._device is CPU for g in grad_roots):
        buffers, shared = {}, set()
        for (node, nr), g in zip(root_edges, grad_roots):
            shared.add(_memory_id(g._data))
            _add_to_buffer(buffers, node, nr, g._data, CPU)
        _walk_plain(plain_nodes, dependencies, buffers, shared, keep_graph)
        return []
    needed = None if inputs is None else _needed_nodes(dependencies, captures)
    # Gradient buffers: node -> its gradient (a node with one output, the most) or a list of one slot per output.
    # On arrays, ``devices`` says where a node's gradients live when that is not the CPU.
    buffers = {}
    devices = {}
    # ids of the memory behind gradients that something besides one buffer can
    # see: the roots' gradients, memory a node hands to two inputs, gradients
    # given to hooks or kept by a leaf. AccumulateGrad copies these before
    # keeping them as a leaf's .grad; anything else it may keep as it is.
    shared = set()
    for (node, nr), g in zip(root_edges, grad_roots):
        shared.add(_memory_id(g._data))
        if on_arrays:
            _add_to_buffer(buffers, node, nr, g._data, g._device)
            if g._device is not CPU:
                devices[node] = g._device
        else:
            _add_to_buffer(buffers, node, nr, g)

    results = [None] * (len(inputs) if inputs is not None else 0)
    # Nodes ready to run, newest first: a heap of (-sequence number, node), filled in the order PyTorch's
    # engine fills its own (which breaks ties between leaves' accumulations alike).
    ready = []
    for n in dict.fromkeys(n for n, _ in root_edges):
        if dependencies[n] == 0:
            heapq.heappush(ready, (-n._sequence_nr, n))
    # The next node to run when it is the one the heap would give next, having come after every node waiting
    # there (a chain of operations, or the newest branch of a graph): it skips the heap.
    # Invariant: while ``follow`` holds a node, its sequence number is above those of the nodes in ``ready``.
    follow = None

    heappop, heappush = heapq.heappop, heapq.heappush
    everything = not captures and needed is None     # backward(): every node runs, no gradient is captured
    # backward() on arrays: while no gradient has left the CPU (``devices`` empty), a node without hooks runs by
    # the short path below, and the rest by the general one.
    plain = everything and on_arrays
    previous_mode = _state.enabled
    _state.enabled = create_graph
    _runs.stack.append((dependencies, needed, captures, accumulate))      # for hooks that ask (graph._will_run)
    try:
        while follow is not None or ready:
            if follow is not None:
                node, follow = follow, None
            else:
                node = heappop(ready)[1]
            if plain and not devices and node._plain:
                # The short path, for the nodes without hooks of a backward() through a graph with some: a
                # formula on arrays, on the CPU. (Not for a node that promoted types: numpy promotes a 0-dim
                # operand unlike PyTorch.)
                grad = buffers.pop(node, None)
                if grad is None:
                    outputs = (None,) * len(node.next_functions)
                else:
                    outputs = node.backward_arrays(grad, CPU)
                    # Along a chain of such nodes, each the only one waiting for the one before and the newest
                    # ready, the gradient goes from formula to formula.
                    while True:
                        if type(outputs) is not tuple:
                            grad = outputs
                        elif len(outputs) == 2 and node.next_functions[1][0] is None:
                            grad = outputs[0]       # an op with a number (x * 2.0): (gradient, None)
                        else:
                            break
                        next_node = node.next_functions[0][0]
                        if not (next_node is not None and next_node._plain and
                                dependencies[next_node] == 1 and next_node not in buffers and
                                (not ready or next_node._sequence_nr > -ready[0][0])):
                            break
                        if not keep_graph and node._saved is not None:
                            node.release_variables()
                        dependencies[next_node] = 0
                        node = next_node
                        outputs = node.backward_arrays(grad, CPU)
                    if type(outputs) is not tuple:
                        outputs = (outputs,)
                next_functions = node.next_functions
            elif plain and not devices and type(node) is AccumulateGrad and not _leaf_has_hooks(node):
                grad = buffers.pop(node, None)      # a leaf without hooks, by the short path too
                if grad is not None and accumulate:
                    _accumulate(node.variable, grad, CPU, shared)
                continue
            else:
                # The general path: hooks, autograd.grad, create_graph, other devices, formulas on tensors.
                if node.num_outputs == 1:
                    grads = [buffers.pop(node, None)]
                else:
                    grads = buffers.pop(node, None) or [None] * node.num_outputs
                # Where its gradients live (None: they are tensors).
                device = (devices.pop(node, CPU) if devices else CPU) if on_arrays else None
                if node._hooked:        # hooks to run, or a leaf's AccumulateGrad (its tensor hooks run here)
                    if type(node) is AccumulateGrad:
                        # The leaf's tensor hooks run whenever its gradient arrives; the node itself (its own
                        # hooks, the accumulation, the leaf's post-accumulate hooks) only in backward(), as in
                        # PyTorch, where autograd.grad captures the gradient instead.
                        runs = accumulate and (needed is None or node in needed)
                        if node.variable._backward_hooks or runs and node._pre_hooks:
                            grads, device = _call_pre_hooks(node, grads, shared, device, own_hooks=runs)
                        if captures:
                            _capture(node, grads, captures, results, shared, device)
                        if runs:
                            _run_accumulate_grad(node, grads, device, shared)
                        continue
                    if _has_pre_hooks(node):
                        grads, device = _call_pre_hooks(node, grads, shared, device)
                if not everything:
                    if captures:
                        _capture(node, grads, captures, results, shared, device)
                    if needed is not None and node not in needed:
                        continue

                next_functions = node.next_functions
                if grads[0] is None and _all_none(grads):
                    outputs = (None,) * len(next_functions)
                elif on_arrays and node.backward_arrays is not None and node._input_metadata is None:
                    outputs = node.backward_arrays(grads[0], device)   # a node with a formula on arrays has one output
                    if type(outputs) is not tuple:
                        outputs = (outputs,)
                    if node._hooked and node._post_hooks:
                        outputs, device = _call_post_hooks(node, outputs, grads, shared, device)
                    if device is not CPU:
                        _remember_devices(devices, next_functions, outputs, device)
                elif on_arrays:
                    outputs = _backward_as_tensors(node, grads, shared, device, devices)
                else:
                    outputs = _tensor_formula(node, grads, shared)
            if not keep_graph and node._saved is not None:
                node.release_variables()

            if len(outputs) == 1 and next_functions:
                next_node, nr = next_functions[0]
                g = outputs[0]
                # A chain of operations: the only next node, and this the only gradient for it.
                if next_node is not None and (needed is None or next_node in needed) and \
                        dependencies[next_node] == 1 and next_node not in buffers and \
                        (not ready or next_node._sequence_nr > -ready[0][0]) and \
                        next_node.num_outputs == 1:
                    dependencies[next_node] = 0
                    follow = next_node
                    if g is not None:
                        buffers[next_node] = g
                    continue
            # One array handed to two inputs (x + x) must not become two .grads.
            elif len(outputs) > 1:
                _mark_shared(outputs if on_arrays else _arrays(outputs), shared)
            for (next_node, nr), g in zip(next_functions, outputs):
                if next_node is None or not everything and needed is not None and next_node not in needed:
                    continue
                if g is not None:
                    if next_node.num_outputs == 1:
                        # _add_to_buffer and _sum's common case, written out: a call per sum cost micrograd's
                        # backward 4 µs of 122.
                        old = buffers.get(next_node)
                        if old is None:
                            buffers[next_node] = g
                        elif on_arrays and old.shape == g.shape and old.dtype is g.dtype:
                            buffers[next_node] = old + g
                        else:
                            buffers[next_node] = _sum(old, g, devices.get(next_node, CPU) if on_arrays else None)
                    else:
                        _add_to_buffer(buffers, next_node, nr, g, devices.get(next_node, CPU) if on_arrays else None)
                left = dependencies[next_node] - 1
                dependencies[next_node] = left
                if left == 0:
                    if follow is None and (not ready or next_node._sequence_nr > -ready[0][0]):
                        follow = next_node
                    else:
                        if follow is not None:
                            heappush(ready, (-follow._sequence_nr, follow))
                            follow = None
                        heappush(ready, (-next_node._sequence_nr, next_node))
    finally:
        _state.enabled = previous_mode
        _runs.stack.pop()

    if inputs is not None and not accumulate and not allow_unused:
        for i, g in enumerate(results):
            if g is None:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
    return results


def _tensors(grads, device):
    """Gradients on arrays as tensors on ``device`` (None stays None), for what needs tensors."""
    return [None if g is None else make_tensor(g, device) for g in grads]


def _arrays(tensors):
    """The arrays of gradient tensors (None stays None)."""
    return [None if t is None else t._data for t in tensors]


def _device_of(tensors, device):
    """Where gradients returned as tensors live: the first one's device (``device`` when all are None)."""
    for t in tensors:
        if t is not None:
            return t._device
    return device


def _remember_devices(devices, next_functions, outputs, device):
    """On arrays, away from the CPU: note that the gradients for these next nodes live on ``device``."""
    for (next_node, _), g in zip(next_functions, outputs):
        if next_node is not None and g is not None:
            devices[next_node] = device


def _backward_as_tensors(node, grads, shared, device, devices):
    """On arrays, a node with only a tensor formula (or one that promoted types): its gradients as tensors on
    ``device``, its formula, its post-hooks; returns its outputs as arrays, noting any that is not on the CPU."""
    outputs = _tensor_formula(node, _tensors(grads, device), shared)
    for (next_node, _), g in zip(node.next_functions, outputs):
        if next_node is not None and g is not None and g._device is not CPU:
            devices[next_node] = g._device
    return tuple(_arrays(outputs))


def _tensor_formula(node, grads, shared):
    """A node's ``backward`` on tensors (watched under anomaly detection), then its post-hooks, then each
    gradient given its input's dtype and device: its outputs, a tuple of tensors (or None)."""
    outputs = _backward_watched(node, grads) if _anomaly.enabled else node.backward(*grads)
    if type(outputs) is not tuple:
        outputs = (outputs,)
    if node._hooked and node._post_hooks:
        outputs, _ = _call_post_hooks(node, outputs, grads, shared, None)
    if node._input_metadata is not None:
        outputs = _match_inputs(outputs, node._input_metadata)
    return outputs


def _accumulate(variable, g, device, shared):
    """AccumulateGrad: add ``g`` (an array on ``device``, or a tensor when ``device`` is None) into
    ``variable.grad``, keeping its memory without a copy when nothing else sees it."""
    if device is CPU and g.base is None and variable._grad is None and g.dtype is variable._data.dtype and \
            id(g) not in shared:
        flags = g.flags
        if flags.c_contiguous and flags.writeable:
            # The common case, written out: a new array on the CPU, the first gradient of a step, kept as it is.
            variable._grad = make_tensor(g)
            shared.add(id(g))       # a leaf holds it now
            return
    data = g if device is not None else g._data
    owned = _may_keep(data, shared) and _same_layout(data, variable._data)
    if owned and device is CPU and variable._grad is None and data.dtype is variable._data.dtype:
        variable._grad = make_tensor(data)      # the first gradient of a step, kept as it is
    else:
        # (On arrays, no graph is built: the sum goes in place. Tensors: in place unless create_graph.)
        variable._accumulate_grad(make_tensor(g, device) if device is not None else g, owned,
                                  device is None and _state.enabled)
    if owned:
        shared.add(_memory_id(data))     # a leaf holds it now


def _run_accumulate_grad(node, grads, device, shared):
    """A leaf's AccumulateGrad on the general path, after the leaf's tensor hooks and its own pre-hooks: the
    accumulation, then the leaf's post-accumulate hooks, then the node's post-hooks (with no outputs)."""
    variable, g = node.variable, grads[0]
    if g is not None:
        _accumulate(variable, g, device, shared)
        # As in PyTorch: a hook may hand the tensor back, but one that returns anything else is refused once all
        # have run, each later hook seeing what the one before returned.
        argument, returned = variable, False
        for hook in list((variable._post_accumulate_grad_hooks or {}).values()):
            result = hook(argument)
            if result is not None and result is not argument:
                argument, returned = _checked_hook_value(hook, argument, result), True
        if returned:
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")
    if node._post_hooks:
        _call_post_hooks(node, (), grads, shared, device)


def _match_inputs(outputs, metadata):
    """Gradients of an operation that promoted types or joined a CPU scalar to a
    GPU tensor, each given its input's dtype and device (a float32 input gets a
    float32 gradient, a CPU scalar a CPU one), as PyTorch does."""
    return tuple(g if g is None or m is None or (g._data.dtype == m[0].np and g._device is m[1])
                 else g.to(m[1], m[0]) for g, m in zip(outputs, metadata))


def _all_none(grads):
    for g in grads:
        if g is not None:
            return False
    return True


def _capture(node, grads, captures, results, shared, device):
    """autograd.grad: keep the gradient arriving for a requested input (as a tensor on ``device`` when the
    gradients are arrays; ``device`` is None when they are tensors)."""
    for nr, g in enumerate(grads):
        for index in captures.get((node, nr), ()):
            if g is not None:
                shared.add(_memory_id(g if device is not None else g._data))
                if device is not None:
                    g = make_tensor(g, device)
            results[index] = g


def _count_dependencies(root_nodes):
    """How many edges enter each node reachable from the roots (the roots included, with 0 unless another
    root leads to them), and, when backward() can take the plain walk (:func:`_walk_plain`) through these
    nodes, the list of those that are not leaves; else None. It can when every node is ``_plain`` (a formula
    on arrays, no hooks, no type promotion) and no leaf has hooks."""
    dependencies = dict.fromkeys(root_nodes, 0)
    nodes = list(dependencies)      # grows as the loop goes: every node that is not a leaf, once
    leaves = []
    for node in nodes:
        for next_node, _ in node.next_functions:
            if next_node is not None:
                if next_node in dependencies:
                    dependencies[next_node] += 1
                else:                           # first time we reach this node
                    dependencies[next_node] = 1
                    if type(next_node) is AccumulateGrad:
                        leaves.append(next_node)
                    else:
                        nodes.append(next_node)
    if not all(map(_is_plain, nodes)):
        return dependencies, None
    for leaf in leaves:
        if _leaf_has_hooks(leaf):
            return dependencies, None
    return dependencies, nodes


_is_plain = operator.attrgetter("_plain")


def _leaf_has_hooks(node):
    """Whether a leaf's AccumulateGrad has hooks to run: its own, or its tensor's (``register_hook``,
    ``register_post_accumulate_grad_hook``)."""
    return bool(node._pre_hooks or node._post_hooks or node.variable._backward_hooks or
                node.variable._post_accumulate_grad_hooks)


def backward_plain(root, keep_graph):
    """``root.backward()`` for a one-element float ``root`` on the CPU with a ``grad_fn``: by the plain walk
    (:func:`_walk_plain`) through a graph that allows it, else by :func:`run_backward`. Returns False, having
    done nothing, for any other root: ``autograd.backward`` takes it, with its checks and messages.

        >>> backward_plain(loss, keep_graph=False)
        True
    """
    node, data = root.grad_fn, root._data
    if node is None or root._device is not CPU or data.size != 1 or data.dtype.kind != "f" or \
            _anomaly.enabled or _forward.active:
        return False
    dependencies, nodes = _count_dependencies((node,))
    # (numpy's ones is written in Python: a 0-dim array of one is four times faster made by array.)
    grad = CPU.xp.array(1, data.dtype) if not data.ndim else CPU.xp.ones(data.shape, data.dtype)
    if nodes is None:       # hooks somewhere: the general walk, with the count made here
        run_backward([root], [make_tensor(grad)], keep_graph, False, dependencies=dependencies)
    else:
        _walk_plain(nodes, dependencies, {node: grad}, {id(grad)}, keep_graph)
    return True


def _walk_plain(nodes, dependencies, buffers, shared, keep_graph):
    """backward() on arrays, on the CPU, through a graph without hooks (:func:`_count_dependencies`):
    nearly every call. ``buffers`` holds the roots' gradients, ``shared`` their memory.

    The nodes run newest first. Every node that hands a gradient to another was made after it, so by then
    all of a node's gradients have arrived; this is also the order of PyTorch's engine, which runs the newest
    ready node first. A leaf's gradient goes into its ``.grad`` as soon as the last one for it arrives. Grad
    mode is left as it is: formulas on arrays record nothing, and the leaves add in place. One array handed
    to two inputs (``x + y``) needs no marking here: a leaf that keeps an array marks it shared itself.
    """
    nodes.sort(key=_sequence_nr, reverse=True)
    for node in nodes:
        grad = buffers.pop(node, None)
        next_functions = node.next_functions
        outputs = (None,) * len(next_functions) if grad is None else node.backward_arrays(grad, CPU)
        if not keep_graph and node._saved is not None:
            node.release_variables()
        if type(outputs) is not tuple:      # the gradient of its one input
            next_node = next_functions[0][0]
            if dependencies.get(next_node) == 1 and type(next_node) is not AccumulateGrad:
                buffers[next_node] = outputs        # the only one it gets: along a chain, the most common case
                continue
            outputs = (outputs,)
        for (next_node, _), g in zip(next_functions, outputs):
            if next_node is None:
                continue
            if g is not None:
                old = buffers.get(next_node)
                if old is None:
                    buffers[next_node] = g
                elif old.shape == g.shape and old.dtype is g.dtype:
                    buffers[next_node] = old + g
                else:
                    buffers[next_node] = _sum(old, g, CPU)
            if type(next_node) is AccumulateGrad:
                left = dependencies[next_node] - 1
                dependencies[next_node] = left
                if left == 0:
                    g = buffers.pop(next_node, None)
                    if g is not None:
                        _accumulate(next_node.variable, g, CPU, shared)


_sequence_nr = operator.attrgetter("_sequence_nr")


def _needed_nodes(nodes, captures):
    """The nodes from which some captured input can be reached: only they run."""
    capture_nodes = {node for node, _ in captures}
    parents = {}
    for node in nodes:
        for next_node, _ in node.next_functions:
            if next_node is not None:
                parents.setdefault(next_node, []).append(node)
    needed = set()
    stack = [n for n in capture_nodes if n in nodes]
    while stack:
        node = stack.pop()
        if node in needed:
            continue
        needed.add(node)
        stack.extend(parents.get(node, ()))
    return needed


def _add_to_buffer(buffers, node, nr, grad, device=None):
    """Put ``grad`` in the node's slot ``nr``, summing with what is there (gradients on arrays live on
    ``device``; it is None for tensors). A node with one output keeps the gradient itself, not a list."""
    if node.num_outputs == 1:
        old = buffers.get(node)
        buffers[node] = grad if old is None else _sum(old, grad, device)
        return
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.num_outputs
    old = slots[nr]
    slots[nr] = grad if old is None else _sum(old, grad, device)


def _sum(old, grad, device):
    """Two gradients for one slot, summed into a fresh one. Tensors (the backward pass builds a graph, or carries
    tangents) are added as a tensor operation; arrays (``device`` given) of one shape and dtype are added as
    they are, others as tensors, with PyTorch's broadcasting and type promotion."""
    if device is None:
        return old + grad
    if old.shape != grad.shape or old.dtype is not grad.dtype and old.dtype != grad.dtype:
        return (make_tensor(old, device) + make_tensor(grad, device))._data
    return old + grad


def _memory_id(array):
    """Identifies the memory behind an array: a view's owner, else the array."""
    return id(array if array.base is None else array.base)


def _may_keep(array, shared):
    """True if a leaf may keep ``array`` as its ``.grad`` without a copy: its
    memory is seen by nothing else, and it covers all of that memory (a whole
    transpose or reshape, not a slice or a broadcast). (CuPy arrays have no
    read-only flag; the size test below tells their broadcasts apart.)"""
    if _memory_id(array) in shared or not getattr(array.flags, "writeable", True):
        return False
    return array.base is None or array.base.size == array.size


def _same_layout(grad, variable):
    """PyTorch's layout contract for ``.grad``: a C-contiguous leaf gets a C-contiguous gradient. A weight used
    through ``weight.t()`` (every Linear) receives its gradient transposed; kept as it is, every optimizer step
    would walk it against its memory order (2.7x slower for a 1000x100 SGD step), so the leaf keeps a copy."""
    return grad.flags.c_contiguous or not variable.flags.c_contiguous


def _mark_shared(outputs, shared):
    """A node may hand one gradient's memory (``outputs`` are arrays) to several inputs (``x + x``)."""
    first = second = None
    for g in outputs:
        if g is not None:
            if first is None:
                first = g
            elif second is None:
                second = g
            else:
                return _mark_shared_among_many(outputs, shared)
    # The same array (add's gradient), or two views of one memory; two new arrays (mul's) share nothing.
    if second is not None and (first is second or first.base is not None or second.base is not None):
        key = _memory_id(first)
        if key == _memory_id(second):
            shared.add(key)


def _mark_shared_among_many(outputs, shared):
    seen = set()
    for g in outputs:
        if g is not None:
            key = _memory_id(g)
            if key in seen:
                shared.add(key)
            seen.add(key)


def _backward_watched(node, grads):
    """A node's backward with anomaly detection on: an error, or a NaN in what it returns, is reported with
    the stack of the forward call that made the node."""
    try:
        outputs = node.backward(*grads)
    except Exception:
        anomaly_mode.report(node)
        raise
    anomaly_mode.check_outputs(node, outputs if type(outputs) is tuple else (outputs,))
    return outputs


def _has_pre_hooks(node):
    """Whether a hooked node (not an AccumulateGrad) has hooks to run before it: its output tensors' hooks and
    retain_grad, or its own pre-hooks."""
    return bool(node._pre_hooks or node._tensor_pre_hooks or node._retains_grad)


def _call_pre_hooks(node, grads, shared, device, own_hooks=True):
    """Tensor hooks, retain_grad, then the node's own pre-hooks (unless ``own_hooks`` is False: an AccumulateGrad
    that does not run), as PyTorch orders them. Hooks see tensors: gradients on arrays (``device`` not None) are
    wrapped for them and unwrapped after. Returns the gradients and their device."""
    if device is not None:
        tensors, _ = _call_pre_hooks(node, _tensors(grads, device), shared, None, own_hooks)
        return _arrays(tensors), _device_of(tensors, device)
    if isinstance(node, AccumulateGrad):
        hooks = node.variable._backward_hooks
        if hooks and grads[0] is not None:
            grads = [_run_tensor_hooks(hooks, grads[0], shared)]
    else:
        if node._tensor_pre_hooks:
            grads = list(grads)
            for nr, hooks in sorted(node._tensor_pre_hooks.items()):
                # An output of a multi-output node (x.unbind(), x.split()) that got no gradient still
                # has its hooks called, with None, as in PyTorch.
                if hooks:
                    grads[nr] = _run_tensor_hooks(hooks, grads[nr], shared)
        if node._retains_grad:
            for nr, ref in node._retains_grad.items():
                tensor = ref()
                if tensor is not None and grads[nr] is not None and tensor.grad_fn is node:
                    _retain(tensor, grads[nr])
    if node._pre_hooks and own_hooks:
        for hook in list(node._pre_hooks.values()):
            new = hook(tuple(grads))
            if new is not None:
                grads = list(_checked_hook_values(hook, tuple(grads), new))
    return grads, None


def _run_tensor_hooks(hooks, grad, shared):
    for hook in list(hooks.values()):
        if grad is not None:
            shared.add(_memory_id(grad._data))
        new = hook(grad)
        if new is not None:
            grad = _checked_hook_value(hook, grad, new)
    if grad is not None:
        shared.add(_memory_id(grad._data))
    return grad


def _retain(tensor, grad):
    if tensor._grad is None:
        if _state.enabled:
            tensor._grad = grad
        else:
            tensor._grad = make_tensor(grad._data.copy(), grad._device)
    else:
        tensor._grad = tensor._grad + grad


def _call_post_hooks(node, outputs, grads, shared, device):
    """The node's post-hooks, which may replace its outputs. Hooks see tensors: gradients on arrays (``device``
    not None) are wrapped for them and unwrapped after. Returns the outputs and their device."""
    if device is not None:
        outputs, _ = _call_post_hooks(node, tuple(_tensors(outputs, device)), _tensors(grads, device), shared, None)
        return tuple(_arrays(outputs)), _device_of(outputs, device)
    for hook in list(node._post_hooks.values()):
        new = hook(outputs, tuple(grads))
        if new is not None:
            outputs = _checked_hook_values(hook, outputs, new)
    for g in outputs:
        if g is not None:
            shared.add(_memory_id(g._data))
    return outputs, None


def _checked_hook_values(hook, before, after):
    """What a node's pre- or post-hook returned in place of the gradients ``before``, checked as PyTorch checks
    it: a tuple of as many values, each None or a tensor that can stand for the gradient it replaces."""
    if not isinstance(after, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(after).__name__}'")
    if len(after) != len(before):
        raise RuntimeError(f"hook '{_hook_name(hook)}' has returned an incorrect number of values "
                           f"(got {len(after)}, but expected {len(before)})")
    for old, new in zip(before, after):
        if new is not None:
            _checked_hook_value(hook, old, new)
    return after


def _checked_hook_value(hook, old, new):
    """``new``, returned by a hook in place of the gradient ``old``, if it has its dtype, kind of device and
    size; otherwise PyTorch's error."""
    if old is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if new._data.dtype != old._data.dtype or new._device.type != old._device.type:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the type of value "
                           f"(was {legacy_type_name(old)} got {legacy_type_name(new)})")
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the size of value")
    return new


def _hook_name(hook):
    """How PyTorch names a hook in its messages: its ``__name__`` (``<lambda>``), else ``<unknown>``."""
    name = getattr(hook, "__name__", None)
    return name if isinstance(name, str) else "<unknown>"
