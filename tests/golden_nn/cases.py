"""The nn golden cases: small programs written once against a module ``lib``
(``torch`` when recording, ``autograd_ref`` when testing). Nothing here
imports torch.

A case names its arrays (inputs, weights, targets) by spec; ``record.py`` draws
them with numpy, runs the program with ``lib=torch`` and stores arrays and
results in ``values.json``; ``tests/test_nn_layers.py`` and
``tests/test_nn_losses.py`` run the same program with ``lib=autograd_ref`` on
the stored arrays and compare.

A program is ``fn(lib, T) -> (output, params)``: ``T`` maps each spec's name to
a tensor (float specs with ``grad=True`` are leaves that require grad), and
``params`` maps names to extra tensors whose gradients are compared (a module's
parameters). ``run`` then calls ``backward`` with a fixed output gradient, and
for ``second=True`` also takes second derivatives through
``autograd.grad(..., create_graph=True)``.
"""
import zlib
from collections import namedtuple

import numpy

SEED = 20240612

Spec = namedtuple("Spec", "name shape kind grad dtype")
Case = namedtuple("Case", "name group fn specs second")
CASES = []


def S(name, shape, kind="normal", grad=True, dtype="F"):
    """One array: ``kind`` is normal, prob (in (0.05, 0.95)), binary (0./1.),
    positive, labels:C (int64 in [0, C)), or edge01 (probabilities with exact
    0s and 1s)."""
    return Spec(name, tuple(shape), kind, grad, dtype)


def W(name, shape, kind="normal"):
    """A weight or other constant: no grad."""
    return S(name, shape, kind, grad=False)


def case(name, group, fn, *specs, second=False, dtypes=("float32", "float64")):
    """Add the case once per float dtype (``name-f32``, ``name-f64``); specs with
    dtype ``"F"`` take that dtype."""
    for dt in dtypes:
        full = f"{name}-{'f32' if dt == 'float32' else 'f64'}"
        assert full not in {c.name for c in CASES}, full
        CASES.append(Case(full, group, fn,
                          tuple(s._replace(dtype=dt) if s.dtype == "F" else s for s in specs),
                          second))


def load(lib, module, T, **names):
    """Put fixed values into a module's parameters: ``load(lib, m, T,
    weight="W", bias="b")``; the module takes the dtype of those values."""
    first = T[next(iter(names.values()))]
    module.to(first.dtype)
    with lib.no_grad():
        for pname, key in names.items():
            _param(module, pname).copy_(T[key])
    return module


def _param(module, dotted):
    *path, name = dotted.split(".")
    for part in path:
        module = getattr(module, part)
    return getattr(module, name)


def with_params(module):
    return dict(module.named_parameters())


# ---- layers --------------------------------------------------------------------------

def _linear(lib, T):
    m = load(lib, lib.nn.Linear(3, 2), T, weight="W", bias="b")
    return m(T["x"]), with_params(m)


def _linear_nobias(lib, T):
    m = load(lib, lib.nn.Linear(3, 2, bias=False), T, weight="W")
    return m(T["x"]), with_params(m)


def _linear_const_input(lib, T):
    m = load(lib, lib.nn.Linear(3, 2), T, weight="W", bias="b")
    return m(T["x"]), with_params(m)


case("linear", "layers", _linear, S("x", (4, 3)), W("W", (2, 3)), W("b", (2,)), second=True)
case("linear-nobias", "layers", _linear_nobias, S("x", (4, 3)), W("W", (2, 3)))
case("linear-const-input", "layers", _linear_const_input, S("x", (4, 3), grad=False), W("W", (2, 3)),
     W("b", (2,)))
case("linear-3d", "layers", _linear, S("x", (2, 4, 3)), W("W", (2, 3)), W("b", (2,)))
case("linear-1d", "layers", _linear, S("x", (3,)), W("W", (2, 3)), W("b", (2,)))
case("linear-3d-nobias", "layers", _linear_nobias, S("x", (2, 4, 3)), W("W", (2, 3)))
case("functional-linear", "layers", lambda lib, T: (lib.nn.functional.linear(T["x"], T["W"], T["b"]), {}),
     S("x", (4, 3)), S("W", (2, 3)), S("b", (2,)), second=True)

ACTIVATIONS = {
    "identity": lambda lib: lib.nn.Identity(),
    "relu": lambda lib: lib.nn.ReLU(),
    "sigmoid": lambda lib: lib.nn.Sigmoid(),
    "tanh": lambda lib: lib.nn.Tanh(),
    "softmax-dim1": lambda lib: lib.nn.Softmax(dim=1),
    "softmax-dim0": lambda lib: lib.nn.Softmax(dim=0),
    "softmax-dim-1": lambda lib: lib.nn.Softmax(dim=-1),
    "logsoftmax-dim1": lambda lib: lib.nn.LogSoftmax(dim=1),
    "logsoftmax-dim0": lambda lib: lib.nn.LogSoftmax(dim=0),
    "flatten": lambda lib: lib.nn.Flatten(),
    "flatten-0-1": lambda lib: lib.nn.Flatten(0, 1),
    "flatten-all": lambda lib: lib.nn.Flatten(0, -1),
    "dropout-eval": lambda lib: lib.nn.Dropout(0.5).eval(),
    "dropout-p0": lambda lib: lib.nn.Dropout(0.0),
}
for _name, _make in ACTIVATIONS.items():
    case(_name, "layers", lambda lib, T, make=_make: (make(lib)(T["x"]), {}), S("x", (3, 4, 2)),
         second=_name in ("sigmoid", "tanh", "softmax-dim1", "logsoftmax-dim1"))

FUNCTIONAL = {
    "F.relu": lambda F, x: F.relu(x),
    "F.sigmoid": lambda F, x: F.sigmoid(x),
    "F.tanh": lambda F, x: F.tanh(x),
    "F.softmax": lambda F, x: F.softmax(x, dim=1),
    "F.log_softmax": lambda F, x: F.log_softmax(x, dim=-1),
    "F.dropout-eval": lambda F, x: F.dropout(x, 0.3, training=False),
}
for _name, _f in FUNCTIONAL.items():
    case(_name, "layers", lambda lib, T, f=_f: (f(lib.nn.functional, T["x"]), {}), S("x", (3, 4)))


def _mlp(lib, T):
    m = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.ReLU(), lib.nn.Linear(5, 3), lib.nn.Tanh())
    load(lib, m, T, **{"0.weight": "W0", "0.bias": "b0", "2.weight": "W1", "2.bias": "b1"})
    return m(T["x"]), with_params(m)


case("sequential-mlp", "layers", _mlp, S("x", (6, 4)), W("W0", (5, 4)), W("b0", (5,)),
     W("W1", (3, 5)), W("b1", (3,)), second=True)


def _classifier(lib, T):
    """A small classifier trained one step's worth: logits, then the loss."""
    nn = lib.nn
    m = nn.Sequential(nn.Flatten(), nn.Linear(6, 4), nn.Sigmoid(), nn.Linear(4, 3))
    load(lib, m, T, **{"1.weight": "W0", "1.bias": "b0", "3.weight": "W1", "3.bias": "b1"})
    return nn.CrossEntropyLoss()(m(T["x"]), T["t"]), with_params(m)


case("classifier-ce", "layers", _classifier, S("x", (5, 2, 3)), W("W0", (4, 6)), W("b0", (4,)),
     W("W1", (3, 4)), W("b1", (3,)), S("t", (5,), "labels:3", grad=False, dtype="int64"))

# ---- embedding, distances, more activations, padding ------------------------------------


def _embedding(lib, T, **kwargs):
    m = load(lib, lib.nn.Embedding(5, 3, **kwargs), T, weight="W")
    return m(T["t"]), with_params(m)


case("embedding", "layers", _embedding, W("W", (5, 3)), S("t", (2, 4), "labels:5", grad=False, dtype="int64"))
case("embedding-padding", "layers", lambda lib, T: _embedding(lib, T, padding_idx=2), W("W", (5, 3)),
     S("t", (3, 4), "labels:5", grad=False, dtype="int64"))
case("embedding-padding-negative", "layers", lambda lib, T: _embedding(lib, T, padding_idx=-1), W("W", (5, 3)),
     S("t", (6,), "labels:5", grad=False, dtype="int64"))
case("embedding-scalar-index", "layers", lambda lib, T: _embedding(lib, T), W("W", (5, 3)),
     S("t", (), "labels:5", grad=False, dtype="int64"))
case("F.embedding", "layers", lambda lib, T: (lib.nn.functional.embedding(T["t"], T["W"], padding_idx=0), {}),
     S("W", (4, 2)), S("t", (2, 3, 2), "labels:4", grad=False, dtype="int64"))
case("F.embedding-freq", "layers",
     lambda lib, T: (lib.nn.functional.embedding(T["t"], T["W"], padding_idx=1, scale_grad_by_freq=True), {}),
     S("W", (4, 2)), S("t", (9,), "labels:4", grad=False, dtype="int64"))
case("F.normalize", "layers", lambda lib, T: (lib.nn.functional.normalize(T["x"]), {}), S("x", (3, 4)),
     second=True)
case("F.normalize-p1-dim0", "layers", lambda lib, T: (lib.nn.functional.normalize(T["x"], p=1, dim=0), {}),
     S("x", (3, 4)))
case("F.normalize-3d", "layers", lambda lib, T: (lib.nn.functional.normalize(T["x"], dim=-1, eps=0.5), {}),
     S("x", (2, 3, 2)))
case("cosine-similarity", "layers", lambda lib, T: (lib.nn.CosineSimilarity()(T["x"], T["y"]), {}),
     S("x", (3, 4)), S("y", (3, 4)), second=True)
case("F.cosine_similarity-dim0-bcast", "layers",
     lambda lib, T: (lib.nn.functional.cosine_similarity(T["x"], T["y"], dim=0), {}), S("x", (4, 1, 3)),
     S("y", (4, 3)))
case("F.cosine_similarity-small", "layers",
     lambda lib, T: (lib.nn.functional.cosine_similarity(T["x"] * 1e-9, T["y"], eps=1e-8), {}),
     S("x", (2, 3)), S("y", (2, 3)))
case("pairwise-distance", "layers", lambda lib, T: (lib.nn.PairwiseDistance()(T["x"], T["y"]), {}),
     S("x", (3, 4)), S("y", (3, 4)), second=True)
case("F.pairwise_distance-p1-keepdim", "layers",
     lambda lib, T: (lib.nn.functional.pairwise_distance(T["x"], T["y"], p=1.0, keepdim=True), {}),
     S("x", (3, 4)), S("y", (4,)))
case("logsigmoid", "layers", lambda lib, T: (lib.nn.LogSigmoid()(T["x"]), {}), S("x", (3, 4), "wide"),
     second=True)
case("F.logsigmoid-extreme", "layers", lambda lib, T: (lib.nn.functional.logsigmoid(T["x"]), {}),
     S("x", (6,), "extreme"))
case("relu6", "layers", lambda lib, T: (lib.nn.ReLU6()(T["x"]), {}), S("x", (3, 4), "wide"))
case("F.relu6", "layers", lambda lib, T: (lib.nn.functional.relu6(T["x"]), {}), S("x", (3, 4), "wide"))
case("F.pad", "layers", lambda lib, T: (lib.nn.functional.pad(T["x"], (1, 2)), {}), S("x", (3, 4)))
case("F.pad-value-2d", "layers", lambda lib, T: (lib.nn.functional.pad(T["x"], (1, 2, 0, 1), value=3.5), {}),
     S("x", (3, 4)))
case("F.pad-negative", "layers", lambda lib, T: (lib.nn.functional.pad(T["x"], (-1, 2, 1, -2)), {}),
     S("x", (3, 4)))
case("F.pad-all-dims", "layers", lambda lib, T: (lib.nn.functional.pad(T["x"], [1, 1, 2, 0, 0, 1]), {}),
     S("x", (2, 3, 2)))

# ---- losses ---------------------------------------------------------------------------

REDUCTIONS = ("mean", "sum", "none")

for _r in REDUCTIONS:
    case(f"mse-{_r}", "losses", lambda lib, T, r=_r: (lib.nn.MSELoss(reduction=r)(T["x"], T["y"]), {}),
         S("x", (3, 4)), S("y", (3, 4)), second=_r == "mean")
    case(f"l1-{_r}", "losses", lambda lib, T, r=_r: (lib.nn.L1Loss(reduction=r)(T["x"], T["y"]), {}),
         S("x", (3, 4)), S("y", (3, 4)))
    case(f"bce-{_r}", "losses", lambda lib, T, r=_r: (lib.nn.BCELoss(reduction=r)(T["p"], T["y"]), {}),
         S("p", (3, 4), "prob"), S("y", (3, 4), "prob"), second=_r == "sum")
    case(f"bce-weight-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.BCELoss(weight=T["w"], reduction=r)(T["p"], T["y"]), {}),
         S("p", (3, 4), "prob"), S("y", (3, 4), "binary", grad=False), W("w", (4,), "positive"))
    case(f"bce-edges-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.BCELoss(reduction=r)(T["p"], T["y"]), {}),
         S("p", (2, 4), "edge01"), S("y", (2, 4), "edge01-target", grad=False))
    case(f"bce-logits-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.BCEWithLogitsLoss(reduction=r)(T["x"], T["y"]), {}),
         S("x", (3, 4), "wide"), S("y", (3, 4), "prob"), second=_r == "mean")
    case(f"bce-logits-weights-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.BCEWithLogitsLoss(weight=T["w"], pos_weight=T["pw"], reduction=r)(
             T["x"], T["y"]), {}),
         S("x", (3, 4), "wide"), S("y", (3, 4), "prob"), W("w", (3, 1), "positive"),
         W("pw", (4,), "positive"), second=_r == "sum")
    case(f"nll-{_r}", "losses", lambda lib, T, r=_r: (lib.nn.NLLLoss(reduction=r)(T["x"], T["t"]), {}),
         S("x", (5, 3)), S("t", (5,), "labels:3", grad=False, dtype="int64"))
    case(f"nll-weight-ignore-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.NLLLoss(weight=T["w"], ignore_index=1, reduction=r)(T["x"], T["t"]), {}),
         S("x", (6, 4)), S("t", (6,), "labels:4", grad=False, dtype="int64"), W("w", (4,), "positive"))
    case(f"nll-2d-{_r}", "losses", lambda lib, T, r=_r: (lib.nn.NLLLoss(reduction=r)(T["x"], T["t"]), {}),
         S("x", (2, 3, 4)), S("t", (2, 4), "labels:3", grad=False, dtype="int64"))
    case(f"ce-{_r}", "losses", lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(reduction=r)(T["x"], T["t"]), {}),
         S("x", (5, 3)), S("t", (5,), "labels:3", grad=False, dtype="int64"), second=_r == "mean")
    case(f"ce-weight-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(weight=T["w"], reduction=r)(T["x"], T["t"]), {}),
         S("x", (6, 4)), S("t", (6,), "labels:4", grad=False, dtype="int64"), W("w", (4,), "positive"))
    case(f"ce-ignore-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(ignore_index=2, reduction=r)(T["x"], T["t"]), {}),
         S("x", (6, 4)), S("t", (6,), "labels:4", grad=False, dtype="int64"))
    case(f"ce-smoothing-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(label_smoothing=0.2, reduction=r)(T["x"], T["t"]), {}),
         S("x", (5, 3)), S("t", (5,), "labels:3", grad=False, dtype="int64"))
    case(f"ce-smoothing-weight-ignore-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(weight=T["w"], ignore_index=0, label_smoothing=0.1,
                                                       reduction=r)(T["x"], T["t"]), {}),
         S("x", (6, 4)), S("t", (6,), "labels:4", grad=False, dtype="int64"), W("w", (4,), "positive"))
    case(f"ce-probs-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(reduction=r)(T["x"], T["q"].softmax(1)), {}),
         S("x", (5, 3)), S("q", (5, 3)))
    case(f"ce-probs-weight-smoothing-{_r}", "losses",
         lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(weight=T["w"], label_smoothing=0.3, reduction=r)(
             T["x"], T["q"].softmax(1)), {}),
         S("x", (5, 3)), S("q", (5, 3), grad=False), W("w", (3,), "positive"))
    case(f"ce-2d-{_r}", "losses", lambda lib, T, r=_r: (lib.nn.CrossEntropyLoss(reduction=r)(T["x"], T["t"]), {}),
         S("x", (2, 3, 2, 2)), S("t", (2, 2, 2), "labels:3", grad=False, dtype="int64"))

case("ce-1d", "losses", lambda lib, T: (lib.nn.functional.cross_entropy(T["x"], T["t"]), {}),
     S("x", (4,)), S("t", (), "labels:4", grad=False, dtype="int64"))
case("mse-bcast", "losses", lambda lib, T: (lib.nn.functional.mse_loss(T["x"], T["y"]), {}),
     S("x", (3, 1)), S("y", (3,)))
case("bce-logits-extreme", "losses",
     lambda lib, T: (lib.nn.functional.binary_cross_entropy_with_logits(T["x"], T["y"], reduction="none"), {}),
     S("x", (6,), "extreme"), S("y", (6,), "binary"))
case("bce-logits-zero", "losses",
     lambda lib, T: (lib.nn.functional.binary_cross_entropy_with_logits(T["x"], T["y"],
                                                                        pos_weight=T["pw"]), {}),
     S("x", (2, 3), "zeros"), S("y", (2, 3), "binary"), W("pw", (3,), "positive"))

# ---- reprs, gains, errors ---------------------------------------------------------------


def _net(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Flatten(), nn.Linear(4, 8, bias=False), nn.ReLU(inplace=True))
            self.heads = nn.ModuleList([nn.Linear(8, 2) for _ in range(3)] + [nn.Identity()])
            self.drop = nn.Dropout(p=0.25)
            self.loss = nn.CrossEntropyLoss(label_smoothing=0.1)
            self.register_buffer("steps", lib.zeros(1))

        def forward(self, x):
            return self.heads[0](self.drop(self.features(x)))

    return Net()


REPRS = {
    "net": lambda lib: repr(_net(lib)),
    "activations": lambda lib: repr(lib.nn.Sequential(
        lib.nn.Identity(), lib.nn.ReLU(), lib.nn.Sigmoid(), lib.nn.Tanh(), lib.nn.Softmax(dim=1),
        lib.nn.LogSoftmax(dim=-1), lib.nn.Softmax(), lib.nn.Flatten(0, 2), lib.nn.Dropout(),
        lib.nn.Dropout(0.1, inplace=True))),
    "losses": lambda lib: repr(lib.nn.ModuleList([
        lib.nn.MSELoss(), lib.nn.L1Loss(reduction="sum"), lib.nn.BCELoss(), lib.nn.BCEWithLogitsLoss(),
        lib.nn.CrossEntropyLoss(), lib.nn.NLLLoss(), lib.nn.NLLLoss()])),
    "nested-ordered": lambda lib: repr(lib.nn.Sequential(__import__("collections").OrderedDict(
        [("block", lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Sequential(lib.nn.Tanh()))),
         ("out", lib.nn.Linear(3, 1))]))),
    "empty": lambda lib: repr([lib.nn.Sequential(), lib.nn.ModuleList(), lib.nn.Module()]),
    "modulelist-runs": lambda lib: repr(lib.nn.ModuleList(
        [lib.nn.ReLU(), lib.nn.ReLU(), lib.nn.Tanh(), lib.nn.Linear(1, 1), lib.nn.Linear(1, 1),
         lib.nn.Linear(1, 2), lib.nn.Sequential(lib.nn.ReLU()), lib.nn.Sequential(lib.nn.ReLU())])),
    "sequential-slice": lambda lib: repr(lib.nn.Sequential(
        lib.nn.ReLU(), lib.nn.Tanh(), lib.nn.Sigmoid(), lib.nn.Identity())[1:3]),
    "parameter": lambda lib: repr(lib.nn.Parameter(lib.tensor([[1.5, -2.0], [0.0, 3.25]]))),
    "parameter-no-grad": lambda lib: repr(lib.nn.Parameter(lib.tensor([1.0, 2.0]), requires_grad=False)),
    "parameter-empty": lambda lib: repr(lib.nn.Parameter()),
    "named-parameters": lambda lib: repr([(n, tuple(p.shape)) for n, p in _net(lib).named_parameters()]),
    "state-dict-keys": lambda lib: repr(list(_net(lib).state_dict())),
    "named-modules": lambda lib: repr([n for n, _ in _net(lib).named_modules()]),
    "incompatible-keys": lambda lib: repr(lib.nn.Linear(2, 1).load_state_dict(
        {"weight": lib.zeros(1, 2), "extra": lib.zeros(1)}, strict=False)),
    "all-keys-matched": lambda lib: repr(lib.nn.Linear(2, 1).load_state_dict(
        {"weight": lib.zeros(1, 2), "bias": lib.zeros(1)})),
    "embeddings-distances": lambda lib: repr(lib.nn.Sequential(
        lib.nn.Embedding(10, 4), lib.nn.Embedding(4, 3, padding_idx=-1),
        lib.nn.Embedding(4, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True),
        lib.nn.ReLU6(), lib.nn.ReLU6(inplace=True), lib.nn.LogSigmoid(), lib.nn.CosineSimilarity(dim=0),
        lib.nn.PairwiseDistance(p=1.0, keepdim=True))),
    "moduledict": lambda lib: repr(lib.nn.ModuleDict({"b": lib.nn.Linear(2, 3), "a": lib.nn.ModuleDict(
        {"inner": lib.nn.ReLU()}), "c": lib.nn.ModuleDict()})),
}

GAINS = [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
         ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)]
FANS = [(3, 5), (8, 3, 5, 5), (2, 4, 3)]


def _bad_load(lib):
    m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
    m.load_state_dict({"0.weight": lib.zeros(3, 2), "2.weight": lib.zeros(3, 3), "junk": lib.zeros(1),
                       "1.nothing": lib.zeros(1)})


def _bad_load_not_strict(lib):
    lib.nn.Linear(2, 3).load_state_dict({"weight": lib.zeros(2, 2)}, strict=False)


def _assign_tensor_to_param(lib):
    m = lib.nn.Linear(2, 3)
    m.weight = lib.zeros(3, 2)


def _assign_int_to_child(lib):
    m = lib.nn.Sequential(lib.nn.ReLU())
    setattr(m, "0", 5)


def _param_before_init(lib):
    class Bad(lib.nn.Module):
        def __init__(self):
            self.w = lib.nn.Parameter(lib.zeros(1))
    Bad()


def _module_before_init(lib):
    class Bad(lib.nn.Module):
        def __init__(self):
            self.fc = lib.nn.Linear(1, 1)
    Bad()


def _no_forward(lib):
    lib.nn.Module()(lib.zeros(1))


def _missing_attr(lib):
    lib.nn.Linear(1, 1).wieght


def _buffer_dot(lib):
    lib.nn.Module().register_buffer("a.b", lib.zeros(1))


def _buffer_exists(lib):
    m = lib.nn.Linear(1, 1)
    m.register_buffer("weight", lib.zeros(1))


def _buffer_not_tensor(lib):
    lib.nn.Module().register_buffer("b", 3)


def _param_not_parameter(lib):
    lib.nn.Module().register_parameter("p", lib.zeros(1))


def _add_module_not_module(lib):
    lib.nn.Module().add_module("x", lib.zeros(1))


def _add_module_empty_name(lib):
    lib.nn.Module().add_module("", lib.nn.ReLU())


def _train_not_bool(lib):
    lib.nn.Linear(1, 1).train("yes")


def _to_int(lib):
    lib.nn.Linear(1, 1).to(lib.int64)


def _seq_index(lib):
    lib.nn.Sequential(lib.nn.ReLU())[3]


def _dropout_p(lib):
    lib.nn.Dropout(p=1.5)


def _bce_range(lib):
    lib.nn.BCELoss()(lib.tensor([1.5]), lib.tensor([1.0]))


def _bce_shape(lib):
    lib.nn.BCELoss()(lib.rand(3, 1), lib.rand(3))


def _bce_logits_shape(lib):
    lib.nn.BCEWithLogitsLoss()(lib.rand(3, 1), lib.rand(3))


def _bce_weight_grad(lib):
    lib.nn.functional.binary_cross_entropy(lib.rand(3), lib.rand(3), weight=lib.rand(3, requires_grad=True))


def _nll_bounds(lib):
    lib.nn.NLLLoss()(lib.zeros(2, 3), lib.tensor([0, 3]))


def _nll_batch(lib):
    lib.nn.CrossEntropyLoss()(lib.zeros(3, 4), lib.tensor([0, 1]))


def _nll_float_target(lib):
    lib.nn.NLLLoss()(lib.zeros(3, 4), lib.tensor([0., 1., 2.]))


def _bad_reduction(lib):
    lib.nn.functional.mse_loss(lib.zeros(2), lib.zeros(2), reduction="avg")


def _one_hot_float(lib):
    lib.nn.functional.one_hot(lib.tensor([0.0, 1.0]))


def _one_hot_negative(lib):
    lib.nn.functional.one_hot(lib.tensor([0, -1]))


def _one_hot_too_big(lib):
    lib.nn.functional.one_hot(lib.tensor([0, 3]), 3)


def _linear_shapes(lib):
    lib.nn.Linear(3, 2)(lib.zeros(4, 5))


def _fan_1d(lib):
    lib.nn.init.xavier_uniform_(lib.zeros(3))


def _bad_gain(lib):
    lib.nn.init.calculate_gain("swish")


def _bad_mode(lib):
    lib.nn.init.kaiming_uniform_(lib.zeros(2, 2), mode="fan_avg")


def _embedding_padding_range(lib):
    lib.nn.Embedding(4, 3, padding_idx=4)


def _embedding_padding_negative(lib):
    lib.nn.functional.embedding(lib.tensor([1]), lib.zeros(4, 3), padding_idx=-5)


def _embedding_float_indices(lib):
    lib.nn.Embedding(4, 3)(lib.tensor([1.0, 2.0]))


def _embedding_out_of_range(lib):
    lib.nn.Embedding(4, 3)(lib.tensor([[0, 4]]))


def _embedding_negative_index(lib):
    lib.nn.functional.embedding(lib.tensor([-1]), lib.zeros(4, 3))


def _embedding_weight_1d(lib):
    lib.nn.functional.embedding(lib.tensor([1]), lib.zeros(4))


def _pad_odd(lib):
    lib.nn.functional.pad(lib.zeros(2, 3), (1,))


def _pad_too_long(lib):
    lib.nn.functional.pad(lib.zeros(2, 3), (1, 1, 1, 1, 1, 1))


def _pad_cut_too_much(lib):
    lib.nn.functional.pad(lib.zeros(2, 3), (-4, 0))


def _pad_bad_mode(lib):
    lib.nn.functional.pad(lib.zeros(2, 3), (1, 1), mode="bogus")


def _cosine_shapes(lib):
    lib.nn.functional.cosine_similarity(lib.zeros(3, 4), lib.zeros(2, 4))


def _cosine_long(lib):
    lib.nn.functional.cosine_similarity(lib.tensor([[1, 2]]), lib.tensor([[1, 2]]))


def _normalize_dim(lib):
    lib.nn.functional.normalize(lib.zeros(3, 4), dim=2)


def _moduledict_not_module(lib):
    lib.nn.ModuleDict({"a": 3})


def _moduledict_update_int(lib):
    lib.nn.ModuleDict().update(3)


def _moduledict_missing(lib):
    lib.nn.ModuleDict({"a": lib.nn.ReLU()})["b"]


def _parameterlist_index(lib):
    lib.nn.ParameterList([lib.nn.Parameter(lib.zeros(1))])[3]


def _parameterlist_extend_tensor(lib):
    lib.nn.ParameterList().extend(lib.zeros(2))


def _parameterdict_missing(lib):
    lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.zeros(1))})["b"]


def _parameterdict_int_key(lib):
    lib.nn.ParameterDict()[0] = lib.nn.Parameter(lib.zeros(1))


def _parameterdict_update_int(lib):
    lib.nn.ParameterDict().update(3)


MORE_ERRORS = [f.__name__.lstrip("_") for f in [
    _embedding_padding_range, _embedding_padding_negative, _embedding_float_indices, _embedding_out_of_range,
    _embedding_negative_index, _embedding_weight_1d, _pad_odd, _pad_too_long, _pad_cut_too_much, _pad_bad_mode,
    _cosine_shapes, _cosine_long, _normalize_dim, _moduledict_not_module, _moduledict_update_int,
    _moduledict_missing, _parameterlist_index, _parameterlist_extend_tensor, _parameterdict_missing,
    _parameterdict_int_key, _parameterdict_update_int]]


ERRORS = {f.__name__.lstrip("_"): f for f in [
    _bad_load, _bad_load_not_strict, _assign_tensor_to_param, _assign_int_to_child, _param_before_init,
    _module_before_init, _no_forward, _missing_attr, _buffer_dot, _buffer_exists, _buffer_not_tensor,
    _param_not_parameter, _add_module_not_module, _add_module_empty_name,
    _train_not_bool, _to_int, _seq_index, _dropout_p, _bce_range, _bce_shape, _bce_logits_shape,
    _bce_weight_grad, _nll_bounds, _nll_batch, _nll_float_target, _bad_reduction, _one_hot_float,
    _one_hot_negative, _one_hot_too_big, _linear_shapes, _fan_1d, _bad_gain, _bad_mode]}
ERRORS.update({name: globals()['_' + name] for name in MORE_ERRORS})


def run_error(lib, fn):
    """``(exception type name, message)`` of what ``fn(lib)`` raises."""
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - recording whatever it is
        message = e.args[0] if e.args and isinstance(e.args[0], str) else str(e)
        return type(e).__name__, message
    return None, None


# ---- running a case ------------------------------------------------------------------------

def case_rng(name):
    return numpy.random.default_rng([SEED, zlib.crc32(name.encode())])


def make_array(spec, rng):
    shape, kind = spec.shape, spec.kind
    if kind.startswith("labels:"):
        return rng.integers(0, int(kind.split(":")[1]), shape).astype(numpy.int64)
    if kind == "normal":
        a = rng.standard_normal(shape)
    elif kind == "wide":
        a = 3 * rng.standard_normal(shape)
    elif kind == "prob":
        a = rng.uniform(0.05, 0.95, shape)
    elif kind == "binary":
        a = rng.integers(0, 2, shape).astype(float)
    elif kind == "positive":
        a = rng.uniform(0.5, 2.0, shape)
    elif kind == "zeros":
        a = numpy.zeros(shape)
    elif kind == "extreme":
        a = numpy.array([-200., -30., -1e-3, 0., 40., 300.])
    elif kind == "edge01":
        a = numpy.array([0., 1., 0., 1., 0.5, 1e-30, 0.25, 1.])[:int(numpy.prod(shape))].reshape(shape)
    elif kind == "edge01-target":
        a = numpy.array([0., 1., 1., 0., 1., 0., 0.5, 1.])[:int(numpy.prod(shape))].reshape(shape)
    else:
        raise ValueError(kind)
    return a.astype(spec.dtype)


def make_arrays(case):
    rng = case_rng(case.name)
    return {s.name: make_array(s, rng) for s in case.specs}


def _to_numpy(t):
    return t.detach().cpu().numpy().copy()


def _grad_fn_name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def run(lib, case, arrays):
    """Run one case with ``lib``; everything that is compared, as numpy arrays,
    names and numbers."""
    specs = {s.name: s for s in case.specs}

    def leaves():
        return {name: lib.tensor(a, requires_grad=specs[name].grad and a.dtype.kind == "f")
                for name, a in arrays.items()}

    T = leaves()
    out, params = case.fn(lib, T)
    result = {"output": _to_numpy(out), "grad_fn": _grad_fn_name(out),
              "next_functions": None if out.grad_fn is None else
              [None if n is None else type(n).__name__ for n, _ in out.grad_fn.next_functions]}
    if not out.requires_grad:
        return result
    g_rng = case_rng(case.name + "/grad")
    grad_out = g_rng.standard_normal(out.shape).astype(result["output"].dtype) if out.dim() else None
    result["grad_output"] = grad_out
    out.backward(None if grad_out is None else lib.tensor(grad_out))
    result["grads"] = {name: (None if t.grad is None else _to_numpy(t.grad))
                       for name, t in list(T.items()) + [("param:" + k, v) for k, v in params.items()]
                       if t.requires_grad}
    if case.second:
        T = leaves()
        out, params = case.fn(lib, T)
        wrt = [(k, t) for k, t in list(T.items()) + [("param:" + k, v) for k, v in params.items()]
               if t.requires_grad]
        firsts = lib.autograd.grad(out, [t for _, t in wrt],
                                   None if grad_out is None else lib.tensor(grad_out),
                                   create_graph=True, allow_unused=True)
        s_rng = case_rng(case.name + "/second")
        total = None
        for g in firsts:
            if g is None or not g.requires_grad:
                continue
            v = lib.tensor(s_rng.standard_normal(tuple(g.shape)).astype(result["output"].dtype))
            term = (g * v).sum()
            total = term if total is None else total + term
        seconds = lib.autograd.grad(total, [t for _, t in wrt], allow_unused=True)
        result["second"] = {k: (None if g is None else _to_numpy(g)) for (k, _), g in zip(wrt, seconds)}
    return result


# ---- storing numbers in JSON ---------------------------------------------------------------

def encode(obj):
    """numpy arrays become ``{"dtype", "shape", "data"}``; float32 numbers are
    written in their shortest exact form."""
    if isinstance(obj, numpy.ndarray):
        if obj.dtype == numpy.float32:
            data = [float(str(v)) for v in obj.reshape(-1)]
        else:
            data = obj.reshape(-1).tolist()
        data = [v if not (isinstance(v, float) and not numpy.isfinite(v)) else str(v) for v in data]
        return {"dtype": obj.dtype.name, "shape": list(obj.shape), "data": data}
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    if isinstance(obj, numpy.generic):
        return obj.item()
    return obj


def decode_array(obj):
    data = [float(v) if isinstance(v, str) else v for v in obj["data"]]
    return numpy.array(data, dtype=obj["dtype"]).reshape(obj["shape"])


# ---- the seeds' training runs ----------------------------------------------------------------

def linear_regression_data(lib, seed=10):
    """The seed's data: 20 points on y = 2x + 5 with normal noise, and the
    starting weight, drawn from ``lib``'s random numbers."""
    lib.manual_seed(seed)
    x = lib.rand(20, 1) * 10
    y = 2 * x + (5 + lib.randn(20, 1))
    w = lib.randn((1), requires_grad=True)
    return x, y, w


def linear_regression(lib, x, y, w, lr=0.05, steps=100):
    """The seed's linear regression by hand; the loss of each step, stopping
    after the first below 1."""
    b = lib.zeros((1), requires_grad=True)
    losses = []
    for _ in range(steps):
        wx = lib.mul(w, x)
        y_pred = lib.add(wx, b)
        loss = (0.5 * (y - y_pred) ** 2).mean()
        loss.backward()
        b.data.sub_(lr * b.grad)
        w.data.sub_(lr * w.grad)
        w.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
        if loss.data.cpu().numpy() < 1:
            break
    return losses
