"""The backward pass as a list of steps, one per node, in the order the engine
runs them, with the gradients each node receives and sends on.

    >>> steps = backward_steps(x1 * x2, params={"x1": x1, "x2": x2})
    >>> [s.name for s in steps]
    ['MulBackward0', 'AccumulateGrad', 'AccumulateGrad']

Nothing here re-implements the walk: the real engine runs (through
``autograd.grad``, so nobody's ``.grad`` changes) with a hook on every node
that writes down what the node was given and what it returned.
"""
from dataclasses import dataclass, field

from ..autograd import grad as autograd_grad
from ..autograd.graph import AccumulateGrad, FREED_MESSAGE
from .walk import as_outputs, function_nodes, name_map, node_name, was_saved


@dataclass
class Step:
    """One node running in the backward pass."""
    index: int              # 0 for the first node to run
    node: object            # the grad_fn node (or AccumulateGrad) that runs
    name: str               # its class name, 'MulBackward0'
    grad_outputs: tuple     # the gradient arriving, one per output of the node (None: none came)
    grad_inputs: tuple      # what it sends along each of next_functions; () for AccumulateGrad
    tensor: object = None   # the tensor whose gradient arrives, when the graph has it:
    tensor_name: str = ""   # the leaf of an AccumulateGrad, or an output
    received: list = field(default_factory=list)    # (sender node, output_nr, gradient) sent here

    @property
    def is_leaf(self):
        """True for an ``AccumulateGrad`` step: a gradient reaches a leaf."""
        return isinstance(self.node, AccumulateGrad)

    def describe(self, total=None, names=None):
        """A few lines saying what happens in this step.

            >>> print(steps[0].describe(total=len(steps)))
            Step 1 of 3: MulBackward0 runs ...
        """
        names = names or {}
        count = f" of {total}" if total else ""
        who = self.tensor_name or "its output"
        if self.is_leaf:
            lines = [f"Step {self.index + 1}{count}: AccumulateGrad for leaf {who}",
                     f"  gradient arriving at {who}: {_show(self.grad_outputs[0])}",
                     *self._sum_lines(0, names),
                     f"  backward() adds it into {who}.grad; autograd.grad returns it."]
            return "\n".join(lines)
        lines = [f"Step {self.index + 1}{count}: {self.name} runs"]
        for nr, g in enumerate(self.grad_outputs):
            which = f" {nr}" if len(self.grad_outputs) > 1 else ""
            lines.append(f"  gradient arriving at {who}{which}: {_show(g)}")
            lines.extend(self._sum_lines(nr, names))
        for (target, _), g in zip(self.node.next_functions, self.grad_inputs):
            if target is None:
                lines.append("  (an input that needs no gradient gets nothing)")
            else:
                lines.append(f"  sends to {target_label(target, names)}: {_show(g)}")
        return "\n".join(lines)

    def _sum_lines(self, nr, names):
        """When several nodes sent gradients to this output, the sum they make."""
        parts = [(sender, g) for sender, k, g in self.received if k == nr and g is not None]
        if len(parts) < 2:
            return []
        return ["    = the sum of:"] + [
            f"      {_show(g)} from {target_label(sender, names)}" for sender, g in parts]


def _show(grad):
    return "nothing (None)" if grad is None else repr(grad)


def target_label(node, names):
    """``'AccumulateGrad (x1)'`` for a leaf's node, the class name otherwise."""
    if isinstance(node, AccumulateGrad):
        name = names.get(id(node.variable))
        return f"AccumulateGrad ({name})" if name else "AccumulateGrad"
    return node_name(node)


def backward_steps(output, params=None, gradient=None):
    """Run the backward pass of ``output`` (a tensor or a tuple) and return its
    steps in the engine's order. ``gradient`` starts it for a non-scalar output,
    as in ``output.backward(gradient)``; ``params`` names tensors.

        >>> steps = backward_steps(y, params={"x1": x1, "x2": x2})
        >>> steps[-1].grad_outputs[0]       # the gradient arriving at a leaf
        tensor(1.6165)

    The graph is kept (``retain_graph=True``), and ``.grad`` is left alone.
    """
    outputs = as_outputs(output)
    names = name_map(params)
    nodes = function_nodes(outputs)
    leaves = [n.variable for n in nodes if isinstance(n, AccumulateGrad)]
    if not leaves:
        raise ValueError("nothing to step through: the output was not computed from tensors "
                         "that require grad (it has no grad_fn)")
    for node in nodes:
        if node._saved is None and was_saved(node):
            raise RuntimeError(FREED_MESSAGE + " To step through backward, build the output "
                               "again (or call backward(retain_graph=True) the first time).")

    records = {}    # node -> [grad_outputs, grad_inputs]; dicts keep the order nodes ran in

    def before(node):
        def hook(grad_outputs):
            records[node] = [_copies(grad_outputs), ()]
        return hook

    def after(node):
        def hook(grad_inputs, grad_outputs):
            records[node][1] = _copies(grad_inputs)
        return hook

    def at_leaf(node):
        def hook(grad):
            records[node] = [_copies((grad,)), ()]
        return hook

    handles = []
    try:
        for node in nodes:
            if isinstance(node, AccumulateGrad):
                # autograd.grad (below) does not run a leaf's AccumulateGrad, as in PyTorch: the gradient
                # arriving at the leaf is seen by a hook on the leaf itself.
                handles.append(node.variable.register_hook(at_leaf(node)))
            else:
                handles.append(node.register_prehook(before(node)))
                handles.append(node.register_hook(after(node)))
        gradients = None if gradient is None else as_outputs(gradient)
        autograd_grad(outputs, leaves, grad_outputs=gradients, retain_graph=True,
                      allow_unused=True)
    finally:
        for handle in handles:
            handle.remove()

    produced_by = {id(out.grad_fn): out for out in outputs if out.grad_fn is not None}
    steps = []
    for index, (node, (grad_outputs, grad_inputs)) in enumerate(records.items()):
        if isinstance(node, AccumulateGrad):
            tensor = node.variable
        else:
            tensor = produced_by.get(id(node))
            if not grad_inputs:     # a node given only None sends None along every edge
                grad_inputs = (None,) * len(node.next_functions)
        name = names.get(id(tensor), "") if tensor is not None else ""
        if tensor is not None and not name:
            name = "the leaf" if isinstance(node, AccumulateGrad) else "the output"
        steps.append(Step(index, node, node_name(node), grad_outputs, grad_inputs, tensor, name))
    by_node = {id(step.node): step for step in steps}
    for step in steps:
        for (target, nr), g in zip(step.node.next_functions, step.grad_inputs):
            if target is not None and id(target) in by_node:
                by_node[id(target)].received.append((step.node, nr, g))
    return steps


def _copies(grads):
    # The engine may sum into a gradient later; the record keeps what was seen then.
    return tuple(None if g is None else g.detach().clone() for g in grads)

