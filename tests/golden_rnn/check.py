"""Comparing autograd_ref's recurrent layers with the values PyTorch recorded (used by ``test_nn_rnn.py``)."""
import json
import os

import numpy

from . import cases

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "values.json")) as f:
    VALUES = json.load(f)

RTOL = {"float32": 2e-5, "float64": 1e-10}

# Where autograd_ref knowingly records another node than PyTorch for what a layer returns: case name ->
# reason. Only the node name is skipped; values and gradients are still compared.
KNOWN_GRAPH = {
    "lstm-f32": "PyTorch's CPU LSTM runs a fused oneDNN kernel for float32 (MkldnnRnnLayerBackward0); "
                "autograd_ref stacks the time steps (StackBackward0)",
    "rnn-bidirectional-batch-first-f64": "PyTorch's RNN and GRU transpose a batch-first output in place "
                                         "(TransposeBackward1); autograd_ref uses transpose (TransposeBackward0)",
    "gru-2layers-bidirectional-batch-first-f64": "as rnn-bidirectional-batch-first",
    "gru-2layers-bidirectional-batch-first-f32": "as rnn-bidirectional-batch-first",
}


def decode_array(obj):
    data = [float(v) if isinstance(v, str) else v for v in obj["data"]]
    return numpy.array(data, dtype=obj["dtype"]).reshape(obj["shape"])


def close(where, want, got, problems):
    """Append a message to ``problems`` unless ``got`` matches ``want``."""
    if (want is None) != (got is None):
        problems.append(f"{where}: PyTorch gives {'no' if want is None else 'a'} tensor, autograd_ref "
                        f"{'none' if got is None else 'one'}")
        return
    if want is None:
        return
    if got.dtype != want.dtype or got.shape != want.shape:
        problems.append(f"{where}: {got.dtype} {got.shape}, PyTorch {want.dtype} {want.shape}")
        return
    rtol = RTOL[want.dtype.name]
    atol = rtol * max(1.0, float(numpy.abs(want).max()) if want.size else 1.0)
    if not numpy.allclose(got, want, rtol=rtol, atol=atol):
        worst = numpy.abs(got.astype(float) - want.astype(float)).max()
        problems.append(f"{where}: values differ (max abs diff {worst:.3g})")


def compare_case(lib, name):
    """Every disagreement between autograd_ref and PyTorch on case ``name``."""
    c = next(c for c in cases.CASES if c.name == name)
    want = VALUES["cases"][name]
    arrays = {k: decode_array(v) for k, v in want["arrays"].items()}
    got = cases.run(lib, c, arrays)
    problems = []
    if got["params"] != want["params"]:
        problems.append(f"named_parameters: {got['params']}, PyTorch {want['params']}")
    for key in ("output", "h_n", "c_n"):
        if key in want or key in got:
            close(key, decode_array(want[key]) if key in want else None, got.get(key), problems)
    graph = dict(got["grad_fn"])
    if name in KNOWN_GRAPH:
        graph["output"] = want["grad_fn"]["output"]
    if graph != want["grad_fn"]:
        problems.append(f"grad_fn: {got['grad_fn']}, PyTorch {want['grad_fn']}")
    if set(got["grads"]) != set(want["grads"]):
        problems.append(f"gradients of {sorted(got['grads'])}, PyTorch's of {sorted(want['grads'])}")
    for key, value in want["grads"].items():
        close(f"grad[{key}]", None if value is None else decode_array(value), got["grads"].get(key), problems)
    return problems


def torch_words(message):
    """PyTorch's message in autograd_ref's words (``torch.float32`` is ``autograd_ref.float32``)."""
    return message.replace("torch.", "autograd_ref.")


def compare_error(lib, name):
    """What is wrong with the error autograd_ref raises for ``cases.ERRORS[name]``, or None."""
    want_kind, want_message = VALUES["errors"][name]
    kind, message = cases.run_error(lib, cases.ERRORS[name])
    if (kind, message) != (want_kind, torch_words(want_message)):
        return f"autograd_ref raises {kind}: {message!r}\nPyTorch raises     {want_kind}: {want_message!r}"
    return None
