"""The nodes of the most frequent operations carry their backward formula twice: ``backward`` on tensors, which
``create_graph=True`` differentiates again, and ``backward_arrays`` beside it, which the engine calls when no
graph of the backward pass is built. The two must give the same gradients, bit for bit, on every device, and
the engine must pick the right one."""
import zlib

import numpy as np
import pytest

import autograd_ref as torch
import autograd_ref.nn.functional as F
from autograd_ref.autograd.graph import Node, edge_to
from autograd_ref.ops.common import attach
from autograd_ref.tensor import make_tensor


def leaf(*shape, dtype=torch.float32, positive=False):
    """What a program's input is: its shape, dtype, and whether its values are kept positive (log, sqrt)."""
    return shape, dtype, positive


# Each program is its inputs and a function of them. Between them they cover every node class that has a
# backward on arrays, in its variants: broadcasting, numbers, alpha, dtypes, layouts, 0-dim.
F64 = torch.float64
PROGRAMS = {
    "add broadcast": ([leaf(3, 4), leaf(4)], lambda a, b: a + b),
    "add alpha": ([leaf(3, 1), leaf(2, 1, 5)], lambda a, b: torch.add(a, b, alpha=0.3)),
    "add number": ([leaf(4)], lambda a: a + 0.5),
    "sub alpha": ([leaf(2, 3), leaf(3)], lambda a, b: torch.sub(a, b, alpha=1.7)),
    "sub": ([leaf(1, 3), leaf(2, 1)], lambda a, b: a - b),
    "rsub": ([leaf(3)], lambda a: 1 - a),
    "mul": ([leaf(3, 4), leaf(3, 1)], lambda a, b: a * b),
    "mul number": ([leaf(5)], lambda a: a * 1.01),
    "mul float64": ([leaf(3, dtype=F64), leaf(3, dtype=F64)], lambda a, b: a * b),
    "mul 0-dim": ([leaf(), leaf(4)], lambda a, b: a * b),
    "div": ([leaf(2, 3), leaf(3, positive=True)], lambda a, b: a / b),
    "div number": ([leaf(4)], lambda a: a / 3),
    "rdiv": ([leaf(4, positive=True)], lambda a: 2 / a),
    "neg": ([leaf(4)], lambda a: -a),
    "pow 2": ([leaf(4)], lambda a: a ** 2),
    "pow 3": ([leaf(4)], lambda a: a ** 3),
    "pow 0.5": ([leaf(4, positive=True)], lambda a: a ** 0.5),
    "pow -1.5": ([leaf(4, positive=True)], lambda a: a ** -1.5),
    "pow 0": ([leaf(4)], lambda a: a ** 0),
    "exp": ([leaf(4)], lambda a: a.exp()),
    "log": ([leaf(4, positive=True)], lambda a: a.log()),
    "sin": ([leaf(4)], lambda a: a.sin()),
    "cos": ([leaf(4)], lambda a: a.cos()),
    "tanh": ([leaf(2, 3)], lambda a: a.tanh()),
    "sigmoid": ([leaf(4, dtype=F64)], lambda a: a.sigmoid()),
    "relu": ([leaf(3, 4)], lambda a: a.relu()),
    "sqrt": ([leaf(4, positive=True)], lambda a: a.sqrt()),
    "sum": ([leaf(2, 3)], lambda a: a.sum() * a),
    "sum 0-dim": ([leaf()], lambda a: a.sum()),
    "sum dim": ([leaf(2, 3, 4)], lambda a: a.sum(1)),
    "sum dims": ([leaf(2, 3, 4)], lambda a: a.sum((0, 2))),
    "sum dims keepdim": ([leaf(2, 3, 4)], lambda a: a.sum((0, 2), keepdim=True)),
    "mean": ([leaf(2, 3)], lambda a: a.mean() * a),
    "mean dim": ([leaf(3, 5)], lambda a: a.mean(-1)),
    "mean dims": ([leaf(2, 3, 4)], lambda a: a.mean((2, 0))),
    "t": ([leaf(2, 3)], lambda a: a.t()),
    "view": ([leaf(2, 3)], lambda a: a.view(6)),
    "reshape of a transpose": ([leaf(2, 3)], lambda a: a.t().reshape(6)),
    "reshape of a slice": ([leaf(2, 4)], lambda a: a[:, ::2].reshape(4)),
    "mm": ([leaf(2, 3), leaf(3, 4)], lambda a, b: a.mm(b)),
    "mm of transposes": ([leaf(3, 2), leaf(4, 3)], lambda a, b: a.t().mm(b.t())),
    "linear": ([leaf(5, 3), leaf(2, 3), leaf(2)], F.linear),
    "linear float64": ([leaf(4, 3, dtype=F64), leaf(2, 3, dtype=F64), leaf(2, dtype=F64)], F.linear),
    "mse mean": ([leaf(3, 2), leaf(3, 2)], F.mse_loss),
    "mse sum": ([leaf(4), leaf(4)], lambda x, y: F.mse_loss(x, y, reduction="sum")),
    "mse none": ([leaf(4), leaf(4)], lambda x, y: F.mse_loss(x, y, reduction="none")),
    "log_softmax": ([leaf(3, 4)], lambda a: F.log_softmax(a, dim=0)),
    "log_softmax 0-dim": ([leaf()], lambda a: F.log_softmax(a * 2, dim=0)),
    "cross_entropy": ([leaf(3, 4)], lambda a: F.cross_entropy(a, torch.tensor([0, 3, 1], device=a.device))),
    "cross_entropy float64": ([leaf(2, 3, dtype=F64)], lambda a: F.cross_entropy(a, torch.tensor([2, 0]))),
    "nll weighted sum": ([leaf(3, 4)], lambda a: F.nll_loss(a, torch.tensor([1, 1, 2]), reduction="sum",
                                                            weight=torch.tensor([0.5, 1.0, 2.0, 1.5]))),
    "nll none, ignoring a sample": ([leaf(3, 4)], lambda a: F.nll_loss(a, torch.tensor([1, -100, 2]),
                                                                     reduction="none")),
    "nll of images": ([leaf(2, 3, 2, 2)], lambda a: F.nll_loss(a, torch.tensor([[[0, 1], [2, 0]], [[1, 1], [0, 2]]]),
                                                               reduction="none")),
}


def run(name, device="cpu"):
    """The program's inputs (seeded by its name) on ``device``, and its output."""
    specs, fn = PROGRAMS[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    leaves = []
    for shape, dtype, positive in specs:
        values = rng.uniform(0.5, 2.0, shape) if positive else rng.standard_normal(shape)
        leaves.append(torch.tensor(values, dtype=dtype, device=device, requires_grad=True))
    return leaves, fn(*leaves)


def gradients(name, create_graph, device="cpu"):
    """The gradients of a weighted sum of the program's output, with or without a graph of the backward pass."""
    leaves, out = run(name, device)
    weights = torch.tensor(np.linspace(-1.5, 2.0, out.numel()).reshape(tuple(out.shape)),
                           dtype=out.dtype, device=device)
    grads = torch.autograd.grad((out * weights).sum(), leaves, create_graph=create_graph)
    return [g.detach() if device == "cpu" else g.detach().cpu() for g in grads]


def node_classes(tensor):
    """The classes of every node in the graph that produced ``tensor``."""
    seen, stack, classes = set(), [tensor.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        classes.add(type(node))
        stack.extend(n for n, _ in node.next_functions)
    return classes


def classes_with_a_formula_on_arrays():
    found, stack = set(), [Node]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.backward_arrays is not None and sub.__module__.startswith("autograd_ref."):
                found.add(sub)
    return found


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_formula_on_arrays_gives_the_tensor_formulas_gradients_exactly(name):
    on_arrays = gradients(name, create_graph=False)
    on_tensors = gradients(name, create_graph=True)
    for got, want in zip(on_arrays, on_tensors):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.stride() == want.stride()    # a weight's gradient arrives in the weight's memory order
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_every_node_with_a_formula_on_arrays_is_covered_by_a_program():
    import autograd_ref.nn  # noqa: F401 - its nodes are among those to cover

    covered = set()
    for name in PROGRAMS:
        covered |= node_classes(run(name)[1])
    missing = classes_with_a_formula_on_arrays() - covered
    assert not missing, f"add a program for {sorted(c.__name__ for c in missing)}"


def test_a_subclass_with_its_own_backward_does_not_inherit_the_formula_on_arrays():
    scaled = torch.addmm(torch.ones(2), torch.ones(2, 2, requires_grad=True), torch.ones(2, 2), alpha=2.0)
    assert type(scaled.grad_fn).backward_arrays is None      # it scales AddmmBackward0's gradients
    x = torch.ones(2, 2, requires_grad=True)
    torch.addmm(torch.ones(2), x, torch.ones(2, 2), alpha=2.0).sum().backward()
    assert x.grad.tolist() == [[4.0, 4.0], [4.0, 4.0]]


class Marked(Node):
    """A node whose two formulas differ on purpose, to see which one the engine calls."""
    __slots__ = ()

    def backward(self, grad):
        return grad * 2

    def backward_arrays(self, grad, device):
        return grad * 3


def through_marked(x):
    """``x`` again, recorded with a Marked node."""
    return attach(make_tensor(x._data.copy()), Marked((edge_to(x),)))


@pytest.mark.parametrize("mode, factor", [("plain", 3), ("create_graph", 2), ("anomaly", 2), ("post hook", 3)])
def test_the_engine_uses_the_formula_on_arrays_only_when_no_graph_is_built(mode, factor):
    x = torch.ones(2, requires_grad=True)
    y = through_marked(x)
    seen = []
    if mode == "post hook":
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append(type(grad_inputs[0])))
    if mode == "anomaly":
        with pytest.warns(UserWarning), torch.autograd.detect_anomaly():
            (grad,) = torch.autograd.grad(y.sum(), x)
    else:
        (grad,) = torch.autograd.grad(y.sum(), x, create_graph=mode == "create_graph")
    assert grad.tolist() == [factor, factor]
    if mode == "post hook":
        assert seen == [torch.Tensor]       # hooks see tensors either way


@pytest.mark.parametrize("name", ["linear", "mm of transposes", "mse mean", "sum dims keepdim", "mean",
                                  "pow 3", "tanh", "relu", "sigmoid", "mul number", "add broadcast", "cross_entropy"])
def test_both_formulas_agree_on_a_gpu(gpu, name):
    on_arrays = gradients(name, create_graph=False, device=gpu)
    on_tensors = gradients(name, create_graph=True, device=gpu)
    for got, want in zip(on_arrays, on_tensors):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    np.testing.assert_allclose(on_arrays[0].numpy(), gradients(name, create_graph=False)[0].numpy(), rtol=1e-6)


def chain(x):
    """A chain of nodes with formulas on arrays (one input each, or one besides a number), keeping two tensors
    from its middle."""
    h = (x * 1.5).sin()
    mid = h.exp()
    return h, mid, ((mid + 1).tanh().neg() * 3).sum()


def test_gradients_captured_in_the_middle_of_a_chain_on_arrays():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h, mid, out = chain(x)
    on_arrays = torch.autograd.grad(out, [mid, h, x], retain_graph=True)
    on_tensors = torch.autograd.grad(out, [mid, h, x], create_graph=True)
    for got, want in zip(on_arrays, on_tensors):
        np.testing.assert_array_equal(got.numpy(), want.detach().numpy())


def test_hooks_and_retain_grad_in_the_middle_of_a_chain_on_arrays_see_their_gradient():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h, mid, out = chain(x)
    seen = []
    mid.register_hook(lambda grad: seen.append(grad.tolist()))
    h.retain_grad()
    out.backward()
    x2 = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h2, mid2, out2 = chain(x2)
    g_mid, g_h, g_x = torch.autograd.grad(out2, [mid2, h2, x2], create_graph=True)
    assert seen == [g_mid.tolist()]
    assert h.grad.tolist() == g_h.tolist() and x.grad.tolist() == g_x.tolist()


def test_a_chain_on_arrays_keeps_what_it_saved_when_the_graph_is_retained():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h, mid, out = chain(x)
    out.backward(retain_graph=True)
    first = x.grad.clone()
    out.backward()                      # every node of the chain still has what it saved
    np.testing.assert_array_equal(x.grad.numpy(), 2 * first.numpy())
    for node in (mid.grad_fn, h.grad_fn):       # and then freed it, in the middle of the chain too
        with pytest.raises(RuntimeError, match="after they have already been freed"):
            node.saved_tensors


# ---- the walk on arrays: gradients travel as arrays, tensors are made where something needs them ----

def branching(x, w, hooks):
    """A graph that branches and joins: nodes with formulas on arrays and nodes with only a tensor formula
    (cat, indexing, softmax), a leaf used three times; ``hooks`` registers its hooks on the tensors in the middle."""
    h = x.mm(w).relu()
    joined = torch.cat([h * h.sum(0), x.mm(w)[:, :1]], dim=1)
    s = F.softmax(joined, dim=1)
    hooks(h, joined, s)
    return (s.tanh() * w.sum()).sum()


def hooked(seen):
    """Hooks of every kind, each noting what it saw and changing the gradient it may change."""
    def register(h, joined, s):
        h.register_hook(lambda g: (seen.append(("tensor hook", type(g), g.device)), g * 2)[1])
        joined.retain_grad()
        s.grad_fn.register_prehook(lambda grads: (seen.append(("pre-hook", type(grads[0]), grads[0].device)),
                                                  (grads[0] * 3,))[1])
        h.grad_fn.register_hook(lambda grads_in, grads_out: (seen.append(("post hook", type(grads_in[0]),
                                                                          grads_in[0].device)),
                                                             (grads_in[0] * 0.5,))[1])
    return register


def branching_gradients(device, create_graph):
    rng = np.random.default_rng(7)
    x = torch.tensor(rng.standard_normal((4, 3)), dtype=torch.float32, device=device, requires_grad=True)
    w = torch.tensor(rng.standard_normal((3, 5)), dtype=torch.float32, device=device, requires_grad=True)
    seen = []
    joined = []
    out = branching(x, w, lambda h, j, s: (joined.append(j), hooked(seen)(h, j, s)))
    if create_graph:
        gx, gw, gj = torch.autograd.grad(out, [x, w, joined[0]], create_graph=True)
        return [gx.detach(), gw.detach(), gj.detach()], seen
    out.backward()
    return [x.grad, w.grad, joined[0].grad], seen


def test_a_branching_graph_with_hooks_gets_the_same_gradients_on_arrays_and_on_tensors():
    assert_branching_graph_agrees(torch.device("cpu"))


def test_a_branching_graph_with_hooks_agrees_on_a_gpu(gpu):
    assert_branching_graph_agrees(gpu)


def assert_branching_graph_agrees(device):
    on_arrays, seen_arrays = branching_gradients(device, create_graph=False)
    on_tensors, seen_tensors = branching_gradients(device, create_graph=True)
    for got, want in zip(on_arrays, on_tensors):
        assert got.device == device and got.dtype == torch.float32
        np.testing.assert_array_equal(got.cpu().numpy(), want.cpu().numpy())
    assert [kind for kind, _, _ in seen_arrays] == ["pre-hook", "tensor hook", "post hook"]
    assert seen_arrays == seen_tensors      # every hook saw a tensor on the graph's device, in both modes
    assert all(kind is torch.Tensor and where == device for _, kind, where in seen_arrays)


def test_gradients_on_arrays_cross_devices(gpu):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    scale = torch.tensor(3.0, requires_grad=True)       # a CPU scalar joining an operation on the GPU
    on_gpu = (x.to(gpu) * scale).sin()
    out = (on_gpu.cpu() * x).sum() + on_gpu.sum().cpu()
    out.backward()
    gx, gscale = torch.autograd.grad(
        (lambda g: (g.cpu() * x).sum() + g.sum().cpu())((x.to(gpu) * scale).sin()), [x, scale], create_graph=True)
    assert x.grad.device == scale.grad.device == torch.device("cpu")
    np.testing.assert_array_equal(x.grad.numpy(), gx.detach().numpy())
    np.testing.assert_array_equal(scale.grad.numpy(), gscale.detach().numpy())


def _two_chains_that_join():
    """Two chains of operations (the older through x * w, the newer through x + 1), joined, then scaled by a
    newest branch: the engine must run nodes newest first, as PyTorch does, also when it skips its heap
    of waiting nodes along a chain. Returns x, w, the output, and the names of the hooked tensors in the order
    their hooks ran (filled in by backward)."""
    seen = []
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = torch.tensor([1.5, 0.25, -0.5], requires_grad=True)
    a1 = x * w
    a3 = a1.tanh().sigmoid()
    b1 = x + 1
    b2 = b1.sin()
    c2 = a3 * (b2.exp() * 2) + b2
    d1 = w.cos()
    for name, t in {"a1": a1, "b1": b1, "c2": c2, "d1": d1}.items():
        t.register_hook(lambda g, name=name: seen.append(name))
    return x, w, (d1 * c2).sum(), seen


# Recorded from torch 2.13.0; float32 transcendental functions may differ in the last bit.
GRAD_X = [0.10045592486858368, 1.9319207668304443, -1.5977983474731445]
GRAD_W = [-4.5049638748168945, -0.6658920049667358, 0.7874900102615356]


@pytest.mark.parametrize("mode", ["backward", "autograd.grad", "create_graph"])
def test_nodes_run_newest_first_as_in_pytorch(mode):
    x, w, out, seen = _two_chains_that_join()
    if mode == "backward":
        out.backward()
        grad_x, grad_w = x.grad, w.grad
    else:
        grad_x, grad_w = torch.autograd.grad(out, [x, w], create_graph=mode == "create_graph")
    assert seen == ["d1", "c2", "b1", "a1"]
    assert grad_x.tolist() == pytest.approx(GRAD_X, rel=1e-6)
    assert grad_w.tolist() == pytest.approx(GRAD_W, rel=1e-6)


def test_only_the_nodes_autograd_grad_needs_run_newest_first():
    x, w, out, seen = _two_chains_that_join()
    (grad_x,) = torch.autograd.grad(out, [x])
    assert seen == ["c2", "b1", "a1"]        # w.cos() leads to w only: not run
    assert grad_x.tolist() == pytest.approx(GRAD_X, rel=1e-6)


def test_a_node_older_than_one_waiting_runs_after_it_as_in_pytorch():
    # p = x.sin() was made between u = x.exp() and q = u.cos(): once q has run, u's node is ready, but p's
    # (newer) runs first. Hooks on u and p see it; so does unpacking what each node saved, which marks no
    # node as hooked, so the engine's shortcut along chains must wait its turn too. Orders from torch 2.13.0.
    seen = []
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    u, p = x.exp(), x.sin()
    q = u.cos() * 3
    u.register_hook(lambda g: seen.append("u"))
    p.register_hook(lambda g: seen.append("p"))
    (p + q).sum().backward()
    assert seen == ["p", "u"]

    unpacked, packed = [], []
    def pack(t):
        packed.append(len(packed))
        return packed[-1], t

    def unpack(saved):
        unpacked.append(saved[0])
        return saved[1]
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        u, p = x.exp(), x.sin()         # save 0 (exp's result) and 1 (sin's input)
        q = u.cos()                     # saves 2
    (p + q).sum().backward()
    assert unpacked == [2, 1, 0]
    assert x.grad.tolist() == pytest.approx([-0.7661354541778564, 0.40799903869628906], rel=1e-6)


# ---- the plain walk: backward() through a graph without hooks, newest node first, leaves on arrival ----

def joined_branches(x, w):
    """Branches that join, a leaf used four times, one gradient handed to both inputs of ``h + h``, a number
    operand, broadcasting and a mean."""
    h = (x @ w).tanh()
    k = (h + h) * x.sum() - h.exp()
    return (k.relu() * w.sum(0)).sum() + (x * x).mean() * 0.5


def joined_branches_gradients(hooked, roots=1):
    rng = np.random.default_rng(11)
    x = torch.tensor(rng.standard_normal((4, 3)), dtype=torch.float32, requires_grad=True)
    w = torch.tensor(rng.standard_normal((3, 5)), dtype=torch.float32, requires_grad=True)
    outs = [joined_branches(x, w) * (i + 1) for i in range(roots)]
    if hooked:
        outs[0].register_hook(lambda g: g)      # a hook that changes nothing: the walk with hooks runs
    if roots == 1:
        outs[0].backward()
    else:
        torch.autograd.backward(outs)
    return x.grad, w.grad


@pytest.fixture
def plain_walks(monkeypatch):
    """Counts the engine's plain walks."""
    from autograd_ref.autograd import engine
    calls = []
    walk = engine._walk_plain
    monkeypatch.setattr(engine, "_walk_plain", lambda *args: (calls.append(1), walk(*args))[1])
    return calls


@pytest.mark.parametrize("roots", [1, 2])
def test_backward_without_hooks_takes_the_plain_walk_and_gets_the_walk_with_hooks_gradients(plain_walks, roots):
    plain = joined_branches_gradients(hooked=False, roots=roots)
    assert len(plain_walks) == 1
    general = joined_branches_gradients(hooked=True, roots=roots)
    assert len(plain_walks) == 1
    for got, want in zip(plain, general):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_the_plain_walk_is_not_taken_for_hooks_retain_grad_type_promotion_or_create_graph(plain_walks):
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append("leaf"))
    (x * 2).sum().backward()
    y = torch.tensor([0.5, -1.0], requires_grad=True)
    y.register_post_accumulate_grad_hook(lambda t: seen.append("post accumulate"))
    (y * 2).sum().backward()
    (x.sin() * 2).sum().backward(create_graph=True)
    assert seen == ["leaf", "post accumulate", "leaf"] and plain_walks == []
    assert x.grad.grad_fn is not None       # create_graph: the sum of the gradients is recorded

    z = torch.tensor([0.5, -1.0], requires_grad=True)
    h = z.exp()
    h.retain_grad()
    h.sum().backward()
    g = z.exp()
    g.grad_fn.register_prehook(lambda grads: seen.append("pre-hook"))
    g.sum().backward()
    scale = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (z * scale).sum().backward()            # type promotion: float32 with a float64 0-dim tensor
    assert plain_walks == [] and seen[-1] == "pre-hook" and h.grad.tolist() == [1.0, 1.0]
    assert z.grad.dtype == torch.float32 and scale.grad.dtype == torch.float64
    (z * 2).sum().backward()
    assert len(plain_walks) == 1


def test_backward_inside_no_grad_leaves_grad_mode_as_it_was(plain_walks):
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    out = (x.exp() * 3).sum()
    with torch.no_grad():
        out.backward()
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled() and len(plain_walks) == 1
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.exp([0.5, -1.0]), rtol=1e-6)


@pytest.mark.parametrize("hooked", [False, True])
def test_a_failing_node_stops_the_walk_where_pytorchs_stops(hooked):
    # q's nodes are older than p's: a's gradient arrives before the multiplication that saved e fails. torch
    # 2.13.0 leaves a.grad = [2, 2] and no gradient in b or c.
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([0.5, -1.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0], requires_grad=True)
    e = b.exp()
    q = (e * c).sum()
    p = (a * 2).sum()
    with torch.no_grad():
        e.mul_(1)
    out = q + p
    if hooked:
        out.register_hook(lambda g: g)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()
    assert a.grad.tolist() == [2.0, 2.0] and b.grad is None and c.grad is None
