"""What each golden set's ``record.py`` needs before anything else: PyTorch, or a message saying how to get it.

    >>> torch = import_torch(__file__)      # in tests/golden_nn/record.py
"""
import importlib
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


def record_cases_and_errors(torch, cases, out_path):
    """Run every case of a golden set's ``cases`` module (``CASES``, ``ERRORS``, ``make_input``, ``case_rng``,
    ``run``, ``run_error``, ``encode``: the layout of tests/golden_selection) with ``lib=torch`` and write what
    PyTorch gives to ``out_path``, one case per line, so that a re-recording shows as a readable diff.

        >>> record_cases_and_errors(torch, cases, os.path.join(HERE, "values.json"))    # in a record.py
    """
    import json
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
    lines = ['{"torch_version": %s,' % json.dumps(torch.__version__),
             '"errors": ' + json.dumps(errors, indent=0) + ",", '"cases": {']
    items = list(recorded.items())
    for i, (name, entry) in enumerate(items):
        lines.append(f"{json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}"
                     + ("," if i < len(items) - 1 else ""))
    lines.append("}}")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(out_path) as f:
        json.load(f)        # it must read back
    print(f"recorded {len(items)} cases and {len(errors)} errors with torch {torch.__version__} into {out_path}")
