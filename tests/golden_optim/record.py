"""Record what PyTorch's optim and utils.data do into ``values.json``.

Run by hand, only where torch is installed (with this repository on the path,
which ``cases.py`` needs nothing from):

    /path/to/torch-venv/bin/python tests/golden_optim/record.py

The programs are in ``cases.py``; ``tests/test_optim.py`` and
``tests/test_data.py`` run them on autograd_ref and compare, without torch.
"""
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_optim.cases imports

from golden_recording import import_torch, write_values  # noqa: E402

torch = import_torch(__file__, "torch.utils.data")     # the cases use lib.utils.data

from golden_optim import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    out = {
        "torch_version": torch.__version__,
        "optimizers": {c.name: cases.run_opt_case(torch, c) for c in cases.OPT_CASES},
        "schedulers": {name: cases.run_scheduler_case(torch, name) for name in cases.SCHEDULER_CASES},
        "errors": {name: cases.run_error_case(torch, name) for name in cases.ERROR_CASES},
        "data": {name: cases.run_data_case(torch, name) for name in cases.DATA_CASES},
    }
    write_values(OUT, out, per_line=("optimizers", "schedulers", "errors", "data"))
    print(f"wrote {sum(len(v) for k, v in out.items() if k != 'torch_version')} cases to {OUT} "
          f"({os.path.getsize(OUT) / 1e3:.0f} kB) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
