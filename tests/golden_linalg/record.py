"""Record the linear algebra golden values from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_linalg/record.py

For every case in ``cases.py`` it draws the input arrays (numpy, fixed seed per case), runs the
program with ``lib=torch`` and stores the arrays, the outputs (values, dtypes, ``requires_grad``,
graph node names, tuple types), the inputs' gradients for fixed output weights, second derivatives
where asked, and for every entry of ``ERRORS`` the error PyTorch raises.
``tests/test_golden_linalg.py`` reads the file and never needs torch.
"""
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_linalg.cases imports

from golden_recording import import_torch  # noqa: E402

torch = import_torch(__file__)

from golden_linalg import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def record_case(case):
    arrays = [cases.make_input(spec, cases.case_rng(case.name)) for spec in case.inputs]
    torch.manual_seed(0)
    result = cases.run(torch, case, arrays, cases.case_rng(case.name + "/w"), cases.case_rng(case.name + "/h"))
    return cases.encode(dict(inputs=arrays, **result))


def main():
    warnings.simplefilter("ignore")
    torch.set_default_dtype(torch.float32)
    out = {"torch_version": torch.__version__, "cases": {}, "errors": {}}
    for case in cases.CASES:
        out["cases"][case.name] = record_case(case)
    for name, (fn, prefix) in cases.ERRORS.items():
        kind, message = cases.run_error(torch, fn)
        assert kind is not None, f"{name}: PyTorch raised nothing"
        out["errors"][name] = [kind, message if prefix is None else message[:prefix]]
    lines = ['{"torch_version": %s,' % json.dumps(out["torch_version"]),
             '"errors": ' + json.dumps(out["errors"], indent=0) + ",", '"cases": {']
    items = list(out["cases"].items())
    for i, (name, entry) in enumerate(items):
        lines.append(f"{json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}"
                     + ("," if i < len(items) - 1 else ""))
    lines.append("}}")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(OUT) as f:
        json.load(f)        # it must read back
    print(f"recorded {len(items)} cases and {len(out['errors'])} errors with torch {torch.__version__} into {OUT}")


if __name__ == "__main__":
    main()
