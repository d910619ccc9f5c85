"""Record what PyTorch's learning-rate schedulers do into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_lr/record.py

The programs are in ``cases.py``; ``tests/test_lr_scheduler.py`` runs them on
autograd_ref and compares, without torch.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_lr.cases imports

from golden_recording import import_torch  # noqa: E402

torch = import_torch(__file__, "torch.optim.lr_scheduler")

from golden_lr import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    torch.set_default_dtype(torch.float32)
    out = {
        "torch_version": torch.__version__,
        "schedules": {name: cases.run_case(torch, name) for name in cases.CASES},
        "errors": {name: cases.run_error_case(torch, name) for name in cases.ERROR_CASES},
    }
    # One entry per line: small diffs when a case changes.
    lines = ["{" + '"torch_version": %s' % json.dumps(out["torch_version"])]
    for section in ("schedules", "errors"):
        entries = [f"{json.dumps(name)}: {json.dumps(value, separators=(',', ':'))}"
                   for name, value in out[section].items()]
        lines.append(f', "{section}": {{\n' + ",\n".join(entries) + "\n}")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "}\n")
    with open(OUT) as f:
        assert json.load(f) == json.loads(json.dumps(out))     # it reads back as written
    print(f"wrote {len(out['schedules'])} schedules and {len(out['errors'])} errors to {OUT} "
          f"({os.path.getsize(OUT) / 1e3:.0f} kB) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
