"""What each golden set's ``record.py`` needs before anything else: PyTorch, or a message saying how to get it.

    >>> torch = import_torch(__file__)      # in tests/golden_nn/record.py
"""
import importlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def import_torch(script, *submodules):
    """The ``torch`` module for the record script at ``script``, with ``submodules`` (``"torch.utils.data"``)
    imported too; where this Python has none, exit saying which Python ran and how to run the script instead."""
    try:
        for name in submodules:
            importlib.import_module(name)
        return importlib.import_module("torch")
    except ImportError:
        where = os.path.relpath(os.path.abspath(script), ROOT)
        sys.exit(f"{os.path.basename(script)} needs PyTorch, which is not installed in this Python "
                 f"({sys.executable}). Run it with a Python that has torch, e.g. "
                 f"/path/to/torch-venv/bin/python {where}")


def write_values(path, out, per_line=("cases",)):
    """Write a golden set's ``out`` dict to ``path`` as JSON, the dicts named in ``per_line`` one entry per line
    (small diffs when one case changes), the rest inline; and check that it reads back as ``out``.

        >>> write_values(os.path.join(HERE, "values.json"), {"torch_version": "2.13.0", "cases": {...}})
    """
    parts = []
    for key, value in out.items():
        if key in per_line:
            entries = [f"{json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}" for name, entry in value.items()]
            parts.append(f"{json.dumps(key)}: {{\n" + ",\n".join(entries) + "\n}")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    with open(path, "w") as f:
        f.write("{" + ",\n".join(parts) + "}\n")
    with open(path) as f:
        assert json.load(f) == json.loads(json.dumps(out)), f"{path} does not read back as written"


def record_cases_and_errors(torch, cases, out_path):
    """Run every case of a golden set's ``cases`` module (``CASES``, ``ERRORS``, ``make_input``, ``case_rng``,
    ``run``, ``run_error``, ``encode``: the layout of tests/golden_selection) with ``lib=torch`` and write what
    PyTorch gives to ``out_path``, one case per line, so that a re-recording shows as a readable diff.

        >>> record_cases_and_errors(torch, cases, os.path.join(HERE, "values.json"))    # in a record.py
    """
    import warnings

    warnings.simplefilter("ignore")
    torch.set_default_dtype(torch.float32)
    recorded, errors = {}, {}
    for case in cases.CASES:
        arrays = [cases.make_input(spec, cases.case_rng(case.name)) for spec in case.inputs]
        torch.manual_seed(0)
        result = cases.run(torch, case, arrays, cases.case_rng(case.name + "/w"), cases.case_rng(case.name + "/h"))
        recorded[case.name] = cases.encode(dict(inputs=arrays, **result))
    for name, (fn, prefix) in cases.ERRORS.items():
        kind, message = cases.run_error(torch, fn)
        assert kind is not None, f"{name}: PyTorch raised nothing"
        errors[name] = [kind, message if prefix is None else message[:prefix]]
    write_values(out_path, {"torch_version": torch.__version__, "errors": errors, "cases": recorded},
                 per_line=("errors", "cases"))
    print(f"recorded {len(recorded)} cases and {len(errors)} errors with torch {torch.__version__} into {out_path}")
