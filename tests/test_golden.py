"""autograd_ref against golden values recorded from real PyTorch.

``tests/golden/cases.py`` holds the programs, written once against a module
``lib``; ``tests/golden/record.py`` ran them with ``lib=torch`` into
``tests/golden/values.json``. Here the same programs run with
``lib=autograd_ref`` on the same inputs and output gradients, and everything is
compared: values, dtypes, shapes, ``requires_grad``, the ``grad_fn`` name and
the names in its ``next_functions``, the inputs' gradients, second derivatives,
errors, and the repr strings of a few tensors. torch is never imported.
"""
import json
import math
import os
import sys
import warnings

import numpy
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import cases  # noqa: E402

import autograd_ref  # noqa: E402

VALUES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "values.json")
with open(VALUES_PATH) as f:
    VALUES = json.load(f)

CASES = {c.name: c for c in cases.CASES}
RTOL = {"float32": 1e-5, "float64": 1e-10}
# A case with a float32 input computes partly in float32 even where a result is
# float64 (a float64 0-dim tensor plus a float32 tensor gives float32; its
# gradient is summed in float32, then cast): such cases use float32's tolerance.


def test_the_table_and_the_recording_agree():
    """Every case in cases.py was recorded, and nothing recorded is gone."""
    assert sorted(CASES) == sorted(VALUES["cases"]), \
        "cases.py and values.json differ: re-run tests/golden/record.py where torch is installed"


def _arrays(items):
    if items is None:
        return None
    return [cases.decode_array(a) for a in items]


class Comparison:
    """Collects every disagreement of one case, so a failure shows them all."""

    def __init__(self, known, loose=False):
        self.known = known
        self.loose = loose
        self.problems = []
        self.seen_known = {k: False for k in known}

    def fail(self, where, message):
        self.problems.append(f"{where}: {message}")

    def names(self, check, where, expected, actual):
        if check in self.known:
            if expected != actual:
                self.seen_known[check] = True
            return
        if expected != actual:
            self.fail(where, f"{check} is {actual!r}, PyTorch gives {expected!r}")

    def array(self, where, expected, actual):
        """Both are stored-array dicts (see ``cases.encode``)."""
        want, actual = cases.decode_array(expected), cases.decode_array(actual)
        if actual.dtype.name != want.dtype.name:
            self.fail(where, f"dtype is {actual.dtype.name}, PyTorch gives {want.dtype.name}")
            return
        if actual.shape != want.shape:
            self.fail(where, f"shape is {list(actual.shape)}, PyTorch gives {list(want.shape)}")
            return
        if want.dtype.kind == "f":
            rtol = RTOL["float32" if self.loose else want.dtype.name]
            finite = numpy.abs(want[numpy.isfinite(want)])
            atol = rtol * max(1.0, float(finite.max()) if finite.size else 1.0)
            ok = numpy.allclose(actual, want, rtol=rtol, atol=atol, equal_nan=True)
        else:
            ok = numpy.array_equal(actual, want)
        if not ok:
            self.fail(where, f"values differ:\n    ours    {actual.tolist()}\n    PyTorch {want.tolist()}")

    def maybe_array(self, where, expected, actual):
        if (expected is None) != (actual is None):
            self.fail(where, f"{'no gradient' if actual is None else 'a gradient'} in autograd_ref, "
                             f"{'none' if expected is None else 'one'} in PyTorch")
            return
        if expected is not None:
            self.array(where, expected["array"], actual["array"])
            if "requires_grad" in expected and expected["requires_grad"] != actual["requires_grad"]:
                self.fail(where, f"requires_grad is {actual['requires_grad']}, PyTorch gives "
                                 f"{expected['requires_grad']}")

    def output(self, where, expected, actual):
        if set(expected) != set(actual):
            self.fail(where, f"kind differs: ours {sorted(actual)}, PyTorch {sorted(expected)}")
            return
        if "python" in expected:
            e, a = expected["python"], actual["python"]
            if isinstance(e, float) and isinstance(a, float):
                if not math.isclose(a, e, rel_tol=1e-6, abs_tol=1e-9):
                    self.fail(where, f"value is {a!r}, PyTorch gives {e!r}")
            elif type(e) is not type(a) or e != a:
                self.fail(where, f"value is {a!r}, PyTorch gives {e!r}")
            return
        if "node" in expected:
            self.names("grad_fn", where, expected["node"], actual["node"])
            self.names("next_functions", where, expected["next_functions"], actual["next_functions"])
            return
        self.array(where, expected["array"], actual["array"])
        if expected["requires_grad"] != actual["requires_grad"]:
            self.fail(where, f"requires_grad is {actual['requires_grad']}, PyTorch gives {expected['requires_grad']}")
        self.names("grad_fn", where, expected["grad_fn"], actual["grad_fn"])
        self.names("next_functions", where, expected.get("next_functions"), actual.get("next_functions"))


def _run_ours(case, expected, seen=None):
    arrays = _arrays(expected["inputs"])
    grad_outputs = _arrays(expected.get("grad_outputs"))
    second_weights = _arrays(expected.get("second_weights"))
    rng = numpy.random.default_rng(0)     # only used where PyTorch had no gradient: a mismatch anyway
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cases.run_case(autograd_ref, case, arrays,
                              grad_outputs if grad_outputs is not None else rng,
                              second_weights if second_weights is not None else rng, seen)


@pytest.mark.parametrize("name", sorted(VALUES["cases"]))
def test_case(name):
    check_case(name)


@pytest.mark.parametrize("name", sorted(VALUES["cases"]))
def test_case_on_gpu(name, gpu):
    """The same case with every tensor created on a GPU (``set_default_device``): the same values,
    gradients and graphs as on the CPU, and every result's numbers in GPU memory."""
    autograd_ref.set_default_device(gpu)
    made = []
    check_case(name, made)
    for label, t in made:
        assert t.device == gpu, f"{label} is on {t.device}, not {gpu}"
        assert isinstance(t._data, gpu.xp.ndarray), f"{label} holds a {type(t._data).__name__}, not GPU memory"


def check_case(name, made=None):
    case = CASES[name]
    expected = VALUES["cases"][name]
    actual = cases.encode(_run_ours(case, expected, made))
    cmp = Comparison(case.known, loose=any(i.dtype == "float32" for i in case.inputs))

    if "error" in expected or "error" in actual:
        e, a = expected.get("error"), actual.get("error")
        if e is None:
            pytest.fail(f"autograd_ref raised at {a['stage']}: {a['type']}: {a['message']}")
        if a is None:
            pytest.fail(f"PyTorch raises at {e['stage']} ({e['type']}: {e['message']}); autograd_ref does not")
        assert (a["stage"], a["type"]) == (e["stage"], e["type"]), (a, e)
        if e["stage"] == "forward":
            return

    labels_e = [label for label, _ in expected["outputs"]]
    labels_a = [label for label, _ in actual["outputs"]]
    assert labels_a == labels_e, f"outputs are {labels_a}, PyTorch gives {labels_e}"
    for (label, e), (_, a) in zip(expected["outputs"], actual["outputs"]):
        cmp.output(f"output {label}", e, a)

    if "error" not in expected:
        for i, (e, a) in enumerate(zip(expected["grads"], actual["grads"])):
            cmp.maybe_array(f"grad of input {i}", e, a)
    if "first" in expected:
        for i, (e, a) in enumerate(zip(expected["first"], actual["first"])):
            cmp.maybe_array(f"first derivative (create_graph) of input {i}", e, a)
        for i, (e, a) in enumerate(zip(expected["second"], actual["second"])):
            cmp.maybe_array(f"second derivative of input {i}", e, a)

    for check, differed in cmp.seen_known.items():
        if not differed:
            cmp.fail(check, f"marked as a known difference ({case.known[check]!r}) but autograd_ref "
                            "now agrees with PyTorch: remove it from `known` in cases.py")
    assert not cmp.problems, f"{name} disagrees with PyTorch {VALUES['torch_version']}:\n" + \
        "\n".join(cmp.problems)


FORWARD_MODE = sorted(name for name, v in VALUES["cases"].items() if "tangents" in v.get("forward_mode", {}))
# Where autograd_ref's tangents differ from PyTorch's, and why. autograd_ref's forward mode is the transpose of
# its backward (autograd/forward_ad.py), so the two modes always agree with each other.
CLAMP_TIES = ("where x equals the tensor bound, PyTorch's backward gives the gradient to x but its forward "
              "formula gives the bound's tangent; autograd_ref's forward mode follows the backward")
FORWARD_MODE_KNOWN = {
    "clamp-tensor-max-grad-f32": CLAMP_TIES, "clamp-tensor-max-grad-f64": CLAMP_TIES,
    "clamp-tensor-min-grad-f32": CLAMP_TIES, "clamp-tensor-min-grad-f64": CLAMP_TIES,
    "logsumexp-extreme-f32": "float32 rounding on inputs near 1e4: 3e-5 relative, over float32's tolerance",
}


@pytest.mark.parametrize("name", FORWARD_MODE)
def test_forward_mode(name):
    """Forward-mode AD: the case again inside ``forward_ad.dual_level()``, each float input that requires grad
    made dual with a recorded random tangent; every output's tangent is PyTorch's."""
    check_forward_mode(name)


@pytest.mark.parametrize("name", FORWARD_MODE)
def test_forward_mode_on_gpu(name, gpu):
    autograd_ref.set_default_device(gpu)
    check_forward_mode(name)


def check_forward_mode(name):
    case, expected = CASES[name], VALUES["cases"][name]["forward_mode"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        actual = cases.encode(cases.forward_mode(autograd_ref, case, _arrays(VALUES["cases"][name]["inputs"]),
                                                 _arrays(expected["tangent_inputs"])))
    assert "tangents_error" not in actual, f"autograd_ref raised: {actual['tangents_error']}"
    cmp = Comparison({}, loose=any(i.dtype == "float32" for i in case.inputs))
    assert len(actual["tangents"]) == len(expected["tangents"])
    for i, (e, a) in enumerate(zip(expected["tangents"], actual["tangents"])):
        cmp.maybe_array(f"tangent of output {i}", e, a)
    if name in FORWARD_MODE_KNOWN:
        assert cmp.problems, (f"{name}: marked as a known difference ({FORWARD_MODE_KNOWN[name]}) but "
                              "autograd_ref now agrees with PyTorch: remove it from FORWARD_MODE_KNOWN")
        return
    assert not cmp.problems, f"{name} (forward mode) disagrees with PyTorch:\n" + "\n".join(cmp.problems)


@pytest.mark.parametrize("name", sorted(VALUES["reprs"]))
def test_repr(name):
    expected = VALUES["reprs"][name].replace("torch.", "autograd_ref.")
    assert repr(cases.REPRS[name](autograd_ref)) == expected
