"""Record what PyTorch's Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD and LBFGS do into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_optim_more/record.py

The programs are in ``cases.py``; ``tests/test_optim_more.py`` runs them on
autograd_ref and compares, without torch.
"""
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_optim_more.cases imports

from golden_recording import import_torch, write_values  # noqa: E402

torch = import_torch(__file__)

from golden_optim_more import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    out = {
        "torch_version": torch.__version__,
        "optimizers": {c.name: cases.run_opt_case(torch, c) for c in cases.OPT_CASES},
        "lbfgs": {c.name: cases.run_lbfgs_case(torch, c) for c in cases.LBFGS_CASES},
        "errors": {name: cases.run_error_case(torch, name) for name in cases.ERROR_CASES},
    }
    write_values(OUT, out, per_line=("optimizers", "lbfgs", "errors"))
    print(f"wrote {sum(len(v) for k, v in out.items() if k != 'torch_version')} cases to {OUT} "
          f"({os.path.getsize(OUT) / 1e3:.0f} kB) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
