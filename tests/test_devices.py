"""Devices: naming them, placing tensors and modules on them, moving between them, and the errors.

The ``gpu`` fixture (conftest.py) runs each GPU test twice: on ``tests/fake_cupy.py`` (always, so CI
exercises the seam without a GPU) and on a real GPU through CuPy (skipped, with the reason, without one).
The golden suites run on the GPU too (``test_case_on_gpu`` and friends in the golden test modules).
"""
import ast
import functools
import importlib
import os
import sys
from pathlib import Path

import numpy
import pytest

import fake_cupy

import autograd_ref as torch
from autograd_ref import _backend, nn, optim

PACKAGE = Path(torch.__file__).parent


def on(t, device):
    """``t`` lives on ``device``, its numbers in that device's memory."""
    return t.device == device and isinstance(t._data, device.xp.ndarray)


# ---- naming devices (no GPU needed) ---------------------------------------------------------------

def test_device_names_parse_as_pytorch_parses_them():
    assert str(torch.device("cuda:1")) == "cuda:1" and torch.device("cuda:1").index == 1
    assert repr(torch.device("cuda")) == "device(type='cuda')"
    assert torch.device("cuda", 0) == torch.device("cuda:0") == torch.device(0) == "cuda:0"
    assert torch.device("cuda") != torch.device("cuda:0")        # as in PyTorch: no index is not index 0
    assert torch.device("cpu") == "cpu" and torch.device("cpu").type == "cpu"


@pytest.mark.parametrize("spec,message", [
    ("gpu", "Expected one of cpu, cuda device type"),
    ("cuda:x", "Invalid device string"),
    ("cpu:1", "CPU device index must be -1 or zero"),
])
def test_bad_device_names_are_refused(spec, message):
    with pytest.raises(RuntimeError, match=message):
        torch.device(spec)


# ---- no CuPy, or CuPy without a GPU ----------------------------------------------------------------

@pytest.fixture
def no_cupy(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)        # import cupy raises ImportError
    _backend._reset_cuda()
    yield
    _backend._reset_cuda()


def test_without_cupy_cuda_is_unavailable_and_says_how_to_install(no_cupy):
    assert torch.cuda.is_available() is False and torch.cuda.device_count() == 0
    assert 'pip install -e ".[gpu]"' in torch.cuda.why_unavailable()
    for attempt in (lambda: torch.zeros(2, device="cuda"), lambda: torch.ones(2).cuda(),
                    lambda: torch.ones(2).to("cuda:0"), lambda: nn.Linear(2, 2).cuda(),
                    lambda: torch.cuda.manual_seed(0)):
        with pytest.raises(RuntimeError, match=r'CUDA is not available: CuPy.*not installed.*'
                                               r'pip install -e "\.\[gpu\]"'):
            attempt()
    assert torch.device("cuda:0").type == "cuda"          # naming a GPU needs none


def test_cupy_without_a_gpu_says_so(monkeypatch):
    fake = fake_cupy.install()

    def no_driver():
        raise RuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient")

    fake.cuda.runtime.getDeviceCount = no_driver
    monkeypatch.setitem(sys.modules, "cupy", fake)
    _backend._reset_cuda()
    try:
        assert not torch.cuda.is_available()
        with pytest.raises(RuntimeError, match="CuPy is installed but cannot reach an NVIDIA GPU.*"
                                               "insufficient.*nvidia-smi"):
            torch.randn(3, device="cuda")
    finally:
        _backend._reset_cuda()


def test_a_model_on_cpu_keeps_working_when_cuda_is_asked_for_and_missing(no_cupy):
    model = nn.Linear(3, 1)
    before = model.weight.detach().clone()
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        model.to("cuda")
    assert torch.equal(model.weight.detach(), before) and model.weight.device == "cpu"


# ---- placing tensors --------------------------------------------------------------------------------

CREATORS = {
    "tensor": lambda d: torch.tensor([[1.0, 2.0]], device=d),
    "as_tensor": lambda d: torch.as_tensor(numpy.ones(3), device=d),
    "zeros": lambda d: torch.zeros(2, 3, device=d),
    "ones": lambda d: torch.ones(2, device=d),
    "empty": lambda d: torch.empty(4, device=d),
    "full": lambda d: torch.full((2,), 7.0, device=d),
    "eye": lambda d: torch.eye(3, device=d),
    "arange": lambda d: torch.arange(5, device=d),
    "linspace": lambda d: torch.linspace(0, 1, 5, device=d),
    "rand": lambda d: torch.rand(3, device=d),
    "randn": lambda d: torch.randn(3, device=d),
    "randint": lambda d: torch.randint(0, 4, (3,), device=d),
    "randperm": lambda d: torch.randperm(4, device=d),
    "normal": lambda d: torch.normal(0.0, 1.0, (3,), device=d),
    "zeros_like": lambda d: torch.zeros_like(torch.ones(2), device=d),
    "ones_like": lambda d: torch.ones_like(torch.ones(2, device=d)),
    "full_like": lambda d: torch.full_like(torch.ones(2, device=d), 3.0),
    "rand_like": lambda d: torch.rand_like(torch.ones(2, device=d)),
    "randn_like": lambda d: torch.randn_like(torch.ones(2, device=d)),
}


@pytest.mark.parametrize("name", sorted(CREATORS))
def test_every_creation_function_takes_device(name, gpu):
    t = CREATORS[name](gpu)
    assert on(t, gpu), name
    assert t.is_cuda and str(t.device) == "cuda:0"
    assert on(CREATORS[name]("cpu"), _backend.CPU)


def test_copies_of_a_gpu_tensor(gpu):
    x = torch.arange(3.0, device="cuda")
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        copy = torch.tensor(x)
        back = torch.tensor(x.cpu(), device="cuda")
    assert on(copy, gpu) and copy.tolist() == [0.0, 1.0, 2.0] and on(back, gpu)
    assert on(torch.as_tensor(x, device="cpu"), _backend.CPU)
    assert on(x.clone(), gpu) and on(x.detach(), gpu) and on(torch.zeros_like(x), gpu)


def test_a_tensor_prints_its_device(gpu):
    x = torch.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    assert repr(x) == "tensor([1., 2.], device='cuda:0', requires_grad=True)"
    assert repr(x.sum()) == "tensor(3., device='cuda:0', grad_fn=<SumBackward0>)"


def test_cuda_cpu_and_to_move_and_keep_the_graph(gpu):
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x.cuda()
    assert on(y, gpu) and type(y.grad_fn).__name__ == "ToCopyBackward0"
    z = (y * y).sum()
    assert on(z, gpu)
    z.backward()
    assert on(x.grad, _backend.CPU) and x.grad.tolist() == [2.0, -4.0, 6.0]   # the gradient came home

    w = torch.ones(2, device="cuda", requires_grad=True)
    (w.cpu() * torch.tensor([3.0, 4.0])).sum().backward()
    assert on(w.grad, gpu) and w.grad.tolist() == [3.0, 4.0]

    assert x.cpu() is x and y.cuda() is y and y.to("cuda:0") is y
    assert on(y.to(torch.float64), gpu) and y.to(torch.float64).dtype == torch.float64
    other = torch.zeros(1, dtype=torch.float64)
    moved = y.to(other)
    assert on(moved, _backend.CPU) and moved.dtype == torch.float64
    assert on(torch.ones(2).to(0), gpu) and on(torch.ones(2).cuda(0), gpu)


def test_numpy_on_a_gpu_tensor_says_to_call_cpu(gpu):
    x = torch.ones(2, device="cuda")
    with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy\. Use Tensor\.cpu\(\)"):
        x.numpy()
    assert x.cpu().numpy().tolist() == [1.0, 1.0]
    assert x.numpy(force=True).tolist() == [1.0, 1.0]
    assert x.tolist() == [1.0, 1.0] and torch.ones((), device="cuda").item() == 1.0


MIXED = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "matmul": lambda a, b: a @ b,
    "where": lambda a, b: torch.where(a > 0, a, b),
    "cat": lambda a, b: torch.cat([a, b]),
    "mse_loss": lambda a, b: nn.functional.mse_loss(a, b),
    "linear": lambda a, b: nn.functional.linear(a, b),
    "add_": lambda a, b: a.add_(b),
    "stack": lambda a, b: torch.stack([a, b]),
    "clamp": lambda a, b: torch.clamp(a, min=b),
    "equal": lambda a, b: torch.equal(a, b),
    "allclose": lambda a, b: torch.allclose(a, b),
    "isclose": lambda a, b: torch.isclose(a, b),
    "conv2d weight": lambda a, b: nn.functional.conv2d(a.view(1, 1, 3, 3), b.view(1, 1, 3, 3)),
    "linear bias": lambda a, b: nn.functional.linear(a, a, b[0]),
    "batch_norm running stats": lambda a, b: nn.functional.batch_norm(a, b[0], b[1]),
}


@pytest.mark.parametrize("name", sorted(MIXED))
def test_an_op_mixing_devices_names_both(name, gpu):
    a = torch.ones(3, 3, device="cuda")
    b = torch.ones(3, 3)
    with pytest.raises(RuntimeError, match=r"Expected all tensors to be on the same device, but found at "
                                           r"least two devices, (cuda:0 and cpu|cpu and cuda:0)!"):
        MIXED[name](a, b)


# A 0-dim CPU tensor joins an op on the GPU as a number would (PyTorch's rule for CPU scalars).
CPU_SCALAR_OPS = {
    "mul": lambda x, s: x * s,
    "mul, scalar first": lambda x, s: s * x,
    "sub, scalar first": lambda x, s: s - x,
    "div": lambda x, s: x / s,
    "pow": lambda x, s: x ** s,
    "pow, scalar base": lambda x, s: s ** x,
    "maximum": lambda x, s: torch.maximum(x, s),
    "where": lambda x, s: torch.where(x > s, x, s),
    "gt": lambda x, s: x > s,
    "add_": lambda x, s: x.clone().add_(s),
    "float64 scalar": lambda x, s: x * s.double(),
}


@pytest.mark.parametrize("name", sorted(CPU_SCALAR_OPS))
def test_a_cpu_scalar_joins_an_op_on_the_gpu(name, gpu):
    x, s = torch.tensor([0.5, 1.0, 2.0]), torch.tensor(1.5)
    expected = CPU_SCALAR_OPS[name](x, s)
    got = CPU_SCALAR_OPS[name](x.to("cuda"), s)
    assert on(got, gpu) and got.dtype == expected.dtype and torch.equal(got.cpu(), expected)


@pytest.mark.parametrize("x, other", [("cuda", torch.ones(1)), ("cuda", torch.ones(3)), ("cpu", "cuda scalar")],
                         ids=["one-element CPU tensor", "CPU vector", "GPU scalar with a CPU vector"])
def test_only_a_0_dim_cpu_tensor_may_join_another_device(x, other, gpu):
    x = torch.ones(3, device=x)
    other = torch.tensor(1.0, device="cuda") if isinstance(other, str) else other
    for attempt in (lambda: x * other, lambda: other * x, lambda: torch.where(x > 0, x, other)):
        with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
            attempt()


def test_a_cpu_scalars_gradient_comes_back_to_the_cpu(gpu):
    w = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0], device="cuda", requires_grad=True)
    square = w ** 2
    square.retain_grad()
    loss = (x * w + square).sum()                   # float32 on the GPU
    assert on(loss, gpu) and loss.dtype == torch.float32
    loss.backward()
    assert w.grad.device.type == "cpu" and w.grad.dtype == torch.float64 and w.grad.item() == 18.0
    assert square.grad.device.type == "cpu" and square.grad.item() == 3.0
    assert on(x.grad, gpu) and x.grad.tolist() == [2.0, 2.0, 2.0]
    (gw,) = torch.autograd.grad((x * w).sum(), w)
    assert gw.device.type == "cpu" and gw.item() == 6.0


def test_copy_between_devices_and_a_cpu_checkpoint_into_a_gpu_model(gpu):
    src = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    dst = torch.zeros(2, 3, device="cuda").copy_(src)           # broadcast, from the host
    assert on(dst, gpu) and dst.tolist() == [[1.0, 2.0, 3.0]] * 2
    dst.sum().backward()
    assert src.grad.device.type == "cpu" and src.grad.tolist() == [2.0, 2.0, 2.0]
    assert torch.zeros(3, dtype=torch.float64).copy_(dst[1]).tolist() == [1.0, 2.0, 3.0]
    model, checkpoint = nn.Linear(3, 2).cuda(), nn.Linear(3, 2).state_dict()
    model.load_state_dict(checkpoint)
    assert on(model.weight, gpu) and torch.equal(model.weight.cpu(), checkpoint["weight"])


def test_gradients_live_on_their_tensors_device(gpu):
    torch.manual_seed(0)
    w = torch.randn(4, 3, device="cuda", requires_grad=True)
    x = torch.randn(5, 4, device="cuda")
    h = (x @ w).tanh()
    h.retain_grad()
    loss = (h ** 2).mean()
    loss.backward()
    assert on(w.grad, gpu) and on(h.grad, gpu)
    (gw,) = torch.autograd.grad((x @ w).sum(), w)
    assert on(gw, gpu)


def test_indexing_with_host_indices(gpu):
    x = torch.arange(6.0, device="cuda").view(2, 3)
    assert on(x[torch.tensor([1, 0])], gpu) and x[[1, 0], 0].tolist() == [3.0, 0.0]
    x[torch.tensor([0]), 1] = 9.0
    assert x.tolist() == [[0.0, 9.0, 2.0], [3.0, 4.0, 5.0]]


# ---- random numbers ---------------------------------------------------------------------------------

def test_seeds_repeat_gpu_random_numbers(gpu):
    torch.cuda.manual_seed(3)
    a = torch.randn(4, device="cuda")
    torch.cuda.manual_seed(3)
    assert torch.equal(torch.randn(4, device="cuda"), a)
    torch.manual_seed(5)                                  # seeds every GPU too, as in PyTorch
    b = torch.rand(3, device="cuda")
    torch.cuda.manual_seed_all(5)
    assert torch.equal(torch.rand(3, device="cuda"), b)
    torch.manual_seed(5)
    assert torch.equal(torch.rand(3), b.cpu())             # one seed, the same numbers on either device


def test_cuda_module(gpu):
    assert torch.cuda.is_available() and torch.cuda.device_count() >= 1
    assert torch.cuda.current_device() == 0 and torch.cuda.why_unavailable() is None
    assert isinstance(torch.cuda.get_device_name(), str) and torch.cuda.get_device_name(0)
    torch.cuda.synchronize()
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        torch.zeros(1, device=f"cuda:{torch.cuda.device_count()}")


def test_a_second_gpu_is_named_but_not_computed_on(monkeypatch):
    fake = fake_cupy.install()
    fake.cuda.runtime.device_count = 2
    monkeypatch.setitem(sys.modules, "cupy", fake)
    _backend._reset_cuda()
    try:
        assert torch.cuda.device_count() == 2 and torch.cuda.get_device_name(1)
        torch.cuda.synchronize("cuda:1")
        for attempt in (lambda: torch.zeros(2, device="cuda:1"), lambda: torch.ones(2).cuda(1),
                        lambda: torch.ones(2).to("cuda:1"), lambda: nn.Linear(2, 2).to("cuda:1")):
            with pytest.raises(RuntimeError, match=r"one GPU, cuda:0, and cuda:1 was asked for.*"
                                                   r"CUDA_VISIBLE_DEVICES=1"):
                attempt()
        assert torch.zeros(2, device="cuda").device == torch.device("cuda:0")
    finally:
        _backend._reset_cuda()


# ---- modules and optimizers ---------------------------------------------------------------------------

def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))


def test_module_to_cuda_moves_parameters_buffers_and_grads_in_place(gpu):
    model = _model()
    weight = model[0].weight
    model(torch.randn(6, 4)).sum().backward()
    assert model.cuda() is model
    assert model[0].weight is weight                      # an optimizer made earlier still holds it
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        assert on(t, gpu), name
    assert on(weight.grad, gpu)
    out = model(torch.randn(6, 4, device="cuda"))
    assert on(out, gpu)
    model.to("cpu")
    assert all(on(p, _backend.CPU) for p in model.parameters())
    model.to(gpu)
    assert all(on(p, gpu) for p in model.parameters())


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: optim.Adam(ps, lr=0.01),
    lambda ps: optim.AdamW(ps, lr=0.01),
    lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5),
    lambda ps: optim.Adagrad(ps, lr=0.1),
], ids=["sgd", "adam", "adamw", "rmsprop", "adagrad"])
def test_training_gives_the_same_model_on_either_device(make, gpu):
    """The lessons' promise: the same code trains the same model on the CPU or a GPU."""
    results = {}
    for where in ("cpu", "cuda"):
        model = _model().to(where)
        opt = make(model.parameters())
        torch.manual_seed(1)
        x, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
        x, y = x.to(where), y.to(where)
        for _ in range(5):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        state = [t for s in opt.state.values() for t in s.values() if isinstance(t, torch.Tensor)]
        assert state and all(t.device.type == where or t.numel() == 1 and t.device.type == "cpu"
                             for t in state), "optimizer state follows its parameters"
        results[where] = [p.detach().cpu().numpy().copy() for p in model.parameters()]
    for a, b in zip(results["cpu"], results["cuda"]):
        numpy.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_optimizer_state_loaded_onto_gpu_parameters(gpu):
    model = nn.Linear(3, 2)
    opt = optim.Adam(model.parameters(), lr=0.1)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    saved = opt.state_dict()
    model.cuda()
    fresh = optim.Adam(model.parameters(), lr=0.1)
    fresh.load_state_dict(saved)
    for state in fresh.state.values():
        assert on(state["exp_avg"], gpu) and on(state["exp_avg_sq"], gpu)


# ---- the seam ------------------------------------------------------------------------------------------

def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_only_the_backend_chooses_an_array_library():
    """CuPy is named in one module; numpy is imported only where host data is meant (numbers from the
    user, random draws on the host, dtypes, printing, the data loader, files), never by an op."""
    allowed_numpy = {"_backend.py", "tensor.py", "creation.py", "dtypes.py", "utils/data/dataloader.py",
                     "serialization.py"}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("viz/"):
            continue        # pictures of graphs: host-side by nature
        text = path.read_text(encoding="utf-8")
        imports = set(_imports(path))
        assert "cupy" not in imports and ("import_module(\"cupy\")" not in text or rel == "_backend.py"), rel
        if "numpy" in imports:
            assert rel in allowed_numpy, f"{rel} imports numpy: go through device.xp (_backend.py)"
        assert not rel.startswith("ops/") or "import numpy" not in text, rel


# Helpers in ops/pointwise.py that look a ufunc up by name, getattr(xp, name): the argument that names it.
_BY_NAME = {"_compare": 0, "_bitwise": 0, "_choose": 1}


def _array_module_names(path):
    """The names the code at ``path`` looks up on an array module: ``xp.exp``, ``device.xp.full``,
    ``xp.lib.stride_tricks.sliding_window_view`` (as dotted paths after ``xp``), and the ufunc names
    given to the helpers in ``_BY_NAME``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in _BY_NAME:
            named = node.args[_BY_NAME[node.func.id]]
            if isinstance(named, ast.Constant):
                yield named.value
        if not isinstance(node, ast.Attribute):
            continue
        chain, inner = [], node
        while isinstance(inner, ast.Attribute) and inner.attr != "xp":
            chain.append(inner.attr)
            inner = inner.value
        at_xp = (isinstance(inner, ast.Attribute) and inner.attr == "xp") or \
            (isinstance(inner, ast.Name) and inner.id == "xp")
        if at_xp and chain:
            yield ".".join(reversed(chain))


def real_cupy_module(name):
    """A module of the real CuPy (importable without a GPU); skipped without CuPy, failed under CI=true."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = "CuPy is not installed (pip install -e '.[gpu]'; .ci/run installs it without the CUDA libraries)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def test_every_array_function_the_engine_calls_exists_in_cupy():
    """The fake CuPy lends numpy's whole namespace, so it cannot catch a function CuPy lacks; this
    checks each name the engine looks up on ``xp`` against the real CuPy (importable without a GPU)."""
    cupy = real_cupy_module("cupy")
    assert not isinstance(cupy, fake_cupy._Module), "a test left the fake CuPy in sys.modules"
    used = {name for path in PACKAGE.rglob("*.py") for name in _array_module_names(path)}
    assert {"exp", "matmul", "add.at", "cuda.Device", "less", "maximum"} <= used     # the scan finds them
    missing = []
    for name in sorted(used - {"__name__"}):
        try:
            functools.reduce(getattr, name.split("."), cupy)
        except AttributeError:
            missing.append(name)
    assert not missing, f"CuPy {cupy.__version__} has no {missing}"


def test_cupys_special_functions_the_engine_uses_exist():
    """erf on a GPU goes to cupyx.scipy.special.erf, outside the xp namespace the check above reads."""
    assert callable(real_cupy_module("cupyx.scipy.special").erf)
