"""Comparing autograd_ref with the values ``record.py`` took from PyTorch (used by
``tests/test_nn_layers_more.py``)."""
import json
import os
import re

from golden_nn.check import case_problems, torch_words

from . import cases

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "values.json")) as f:
    VALUES = json.load(f)

# Where autograd_ref knowingly records other nodes than PyTorch: case name prefix -> reason.
# Only the node names are skipped; values and gradients are still compared.
KNOWN_GRAPH = {
    "group_norm": "autograd_ref composes group_norm of mean, rsqrt, mul and add; PyTorch records one "
                  "NativeGroupNormBackward0",
    "GroupNorm": "as group_norm",
    "pad-circular": "autograd_ref wraps with index_select (IndexSelectBackward0); PyTorch copies slices "
                    "into a new tensor (CopySlices)",
    "Conv1d-circular": "its input is padded circularly: as pad-circular",
    "Conv2d-circular": "as Conv1d-circular",
}
CASES = {c.name: c for c in cases.CASES}


def compare_case(lib, name):
    """Every disagreement between autograd_ref and PyTorch on one case."""
    return case_problems(lib, cases, CASES[name], VALUES["cases"][name], KNOWN_GRAPH)


def _same_sets(message):
    """PyTorch prints some sets of options in an order that changes from run to run."""
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


def compare_error(lib, name):
    """The problem with what autograd_ref raises for error case ``name``, or None."""
    want_kind, want_message = VALUES["errors"][name]
    kind, message = cases.run_error(lib, cases.ERRORS[name])
    if kind is None:
        return f"autograd_ref raised nothing; PyTorch raises {want_kind}: {want_message}"
    want_message = _same_sets(torch_words(want_message))
    if (kind, _same_sets(message)) != (want_kind, want_message):
        return (f"autograd_ref raises {kind}: {message!r}\n"
                f"PyTorch raises     {want_kind}: {want_message!r}")
    return None
