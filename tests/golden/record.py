"""Record golden values from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    python tests/golden/record.py

For every case in ``cases.py`` it draws the inputs (numpy, fixed seed), runs the
program with ``lib=torch`` and stores inputs, outputs (values, dtype, shape,
grad_fn and next_functions names), the gradients of the inputs after
``backward`` with fixed random output gradients, and second derivatives for the
cases that ask for them; plus the repr strings of a few tensors. The test suite
(``tests/test_golden.py``) reads the file and never needs torch.
"""
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden.cases imports

from golden_recording import import_torch  # noqa: E402

torch = import_torch(__file__)

from golden import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def record_case(case):
    rng = cases.case_rng(case.name)
    arrays = [cases.make_input(spec, rng) for spec in case.inputs]
    grad_rng = cases.case_rng(case.name + "/grad")
    second_rng = cases.case_rng(case.name + "/second")
    result = cases.run_case(torch, case, arrays, grad_rng, second_rng)
    entry = {"inputs": arrays, "requires_grad": [s.grad for s in case.inputs]}
    entry.update(result)
    if "error" not in result or result["error"]["stage"] != "forward":
        entry["forward_mode"] = cases.forward_mode(torch, case, arrays, cases.case_rng(case.name + "/tangent"))
    return cases.encode(entry)


def main():
    warnings.simplefilter("ignore")     # x.T on 3-D tensors is deprecated in PyTorch; recorded anyway
    torch.set_default_dtype(torch.float32)
    out = {"torch_version": torch.__version__, "cases": {}, "reprs": {}}
    for case in cases.CASES:
        out["cases"][case.name] = record_case(case)
    for name, fn in cases.REPRS.items():
        out["reprs"][name] = repr(fn(torch))
    # One case per line: small diffs when a case changes.
    lines = ['{"torch_version": %s,' % json.dumps(out["torch_version"]), '"cases": {']
    items = list(out["cases"].items())
    for i, (name, entry) in enumerate(items):
        sep = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}{sep}")
    lines.append("},")
    lines.append('"reprs": ' + json.dumps(out["reprs"], indent=1))
    lines.append("}")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    json.load(open(OUT))        # it must read back
    print(f"wrote {len(items)} cases and {len(out['reprs'])} reprs to {OUT} "
          f"({os.path.getsize(OUT) / 1e6:.2f} MB) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
