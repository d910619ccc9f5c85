"""Record what PyTorch's learning-rate schedulers do into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_lr/record.py

The programs are in ``cases.py``; ``tests/test_lr_scheduler.py`` runs them on
autograd_ref and compares, without torch.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_lr.cases imports

from golden_recording import import_torch, write_values  # noqa: E402

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
    write_values(OUT, out, per_line=("schedules", "errors"))
    print(f"wrote {len(out['schedules'])} schedules and {len(out['errors'])} errors to {OUT} "
          f"({os.path.getsize(OUT) / 1e3:.0f} kB) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
