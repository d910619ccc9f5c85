"""Comparing autograd_ref with the recorded PyTorch values (used by
``test_nn_layers.py``, ``test_nn_losses.py`` and ``test_nn_module.py``)."""
import json
import os

import numpy

from . import cases

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "values.json")) as f:
    VALUES = json.load(f)

RTOL = {"float32": 2e-5, "float64": 1e-10}

# Where autograd_ref knowingly records other nodes than PyTorch: case name
# prefix -> reason. Only the node names are skipped; values and gradients are
# still compared.
KNOWN_GRAPH = {
    "pairwise-distance": "PyTorch's pairwise_distance calls at::norm (NormBackward1) after a scalar add "
                         "(AddBackward1); autograd_ref's Tensor.norm records LinalgVectorNormBackward0 and its "
                         "tensor + float AddBackward0",
    "F.pairwise_distance": "as pairwise-distance",
}


def case_names(group):
    return [c.name for c in cases.CASES if c.group == group]


def case_by_name(name):
    return next(c for c in cases.CASES if c.name == name)


def close(where, want, got, problems, rtol=None):
    """Append a message to ``problems`` unless ``got`` matches ``want`` (within ``rtol``, by dtype name;
    ``RTOL`` when None)."""
    if want is None or got is None:
        if (want is None) != (got is None):
            problems.append(f"{where}: PyTorch gives {'None' if want is None else 'a tensor'}, "
                            f"autograd_ref {'None' if got is None else 'a tensor'}")
        return
    if got.dtype != want.dtype:
        problems.append(f"{where}: dtype {got.dtype}, PyTorch {want.dtype}")
        return
    if got.shape != want.shape:
        problems.append(f"{where}: shape {got.shape}, PyTorch {want.shape}")
        return
    if want.dtype.kind != "f":
        if not numpy.array_equal(want, got):
            problems.append(f"{where}: {got.tolist()} != PyTorch's {want.tolist()}")
        return
    rtol = (rtol or RTOL)[want.dtype.name]
    finite = numpy.abs(want[numpy.isfinite(want)])
    atol = rtol * max(1.0, float(finite.max()) if finite.size else 1.0)
    if not numpy.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        worst = numpy.nanmax(numpy.abs(got.astype(float) - want.astype(float)))
        problems.append(f"{where}: values differ (max abs diff {worst:.3g});\n  got  {got.tolist()}\n"
                        f"  want {want.tolist()}")


def compare_case(lib, name):
    """Every disagreement between autograd_ref and PyTorch on one case."""
    return case_problems(lib, cases, case_by_name(name), VALUES["cases"][name], KNOWN_GRAPH)


def case_problems(lib, cases_module, case, want, known_graph):
    """Every disagreement between ``lib`` and the recording ``want`` of ``case`` (from ``cases_module``, in
    golden_nn's layout; golden_layers uses it too): the output, its node names unless the case's name starts
    with a key of ``known_graph``, the gradients and second derivatives."""
    arrays = {k: cases_module.decode_array(v) for k, v in want["arrays"].items()}
    got = cases_module.run(lib, case, arrays)
    problems = []
    close("output", cases_module.decode_array(want["output"]), got["output"], problems)
    if not any(case.name.startswith(prefix) for prefix in known_graph):
        for key in ("grad_fn", "next_functions"):
            if got[key] != want[key]:
                problems.append(f"{key}: {got[key]!r}, PyTorch {want[key]!r}")
    if "grad_output" in want and want["grad_output"] is not None:
        assert numpy.array_equal(cases_module.decode_array(want["grad_output"]), got["grad_output"])
    for section in ("grads", "second"):
        if section not in want:
            if section in got:
                problems.append(f"{section}: autograd_ref computed them, PyTorch did not")
            continue
        if set(want[section]) != set(got.get(section, {})):
            problems.append(f"{section}: for {sorted(got.get(section, {}))}, PyTorch for {sorted(want[section])}")
            continue
        for key, value in want[section].items():
            close(f"{section}[{key}]", None if value is None else cases_module.decode_array(value),
                  got[section][key], problems)
    return problems


def torch_words(message):
    """PyTorch's message in autograd_ref's words (its Size and dtypes are ours)."""
    return message.replace("torch.Size", "autograd_ref.Size").replace("dtype=torch.", "dtype=autograd_ref.")


def compare_error(lib, name):
    """The problem with what autograd_ref raises for error case ``name``, or None."""
    want_kind, want_message = VALUES["errors"][name]
    kind, message = cases.run_error(lib, cases.ERRORS[name])
    if kind is None:
        return f"autograd_ref raised nothing; PyTorch raises {want_kind}: {want_message}"
    if (kind, message) != (want_kind, torch_words(want_message)):
        return (f"autograd_ref raises {kind}: {message!r}\n"
                f"PyTorch raises     {want_kind}: {torch_words(want_message)!r}")
    return None


LOSS_ERRORS = ["bce_range", "bce_shape", "bce_logits_shape", "bce_weight_grad", "nll_bounds", "nll_batch",
               "nll_float_target", "bad_reduction", "one_hot_float", "one_hot_negative", "one_hot_too_big"]
LAYER_ERRORS = ["dropout_p", "linear_shapes", "seq_index", "fan_1d", "bad_gain", "bad_mode"]
MORE_ERRORS = cases.MORE_ERRORS       # tested by test_nn_more.py
MODULE_ERRORS = [name for name in cases.ERRORS if name not in LOSS_ERRORS + LAYER_ERRORS + MORE_ERRORS]
