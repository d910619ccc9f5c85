"""Record the math golden values from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_math/record.py

For every case in ``cases.py`` it draws the arrays (numpy, fixed seed), runs the program with ``lib=torch``
through golden_nn's ``run`` and stores the arrays, the output (values, dtype, ``grad_fn`` and its
``next_functions``), the inputs' gradients after ``backward`` with a fixed output gradient, and second
derivatives where asked; plus the errors and warnings PyTorch gives. ``tests/test_golden_math.py`` reads
the file and never needs torch.
"""
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_math.cases and golden_nn import

from golden_recording import import_torch, write_values  # noqa: E402

torch = import_torch(__file__)

from golden_math import cases  # noqa: E402
from golden_nn.cases import encode  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_warn_always(True)         # warnings PyTorch gives once per process, every time
    out = {"torch_version": torch.__version__, "errors": {}, "warnings": {}, "cases": {}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # cross without dim, in its cases
        for case in cases.CASES:
            arrays = cases.make_arrays(case)
            entry = {"arrays": arrays}
            try:
                entry.update(cases.run(torch, case, arrays))
            except Exception:
                print("failed:", case.name)
                raise
            out["cases"][case.name] = encode(entry)
    for name, fn in cases.ERRORS.items():
        kind, message = cases.run_error(torch, fn)
        assert kind is not None, f"{name} raised nothing in PyTorch"
        out["errors"][name] = [kind, message]
    for name, fn in cases.WARNINGS.items():
        out["warnings"][name] = cases.run_warnings(torch, fn)
        assert out["warnings"][name], f"{name} gave no warning in PyTorch"
    write_values(OUT, out)
    print(f"recorded {len(out['cases'])} cases, {len(out['errors'])} errors, {len(out['warnings'])} warnings "
          f"with torch {torch.__version__} into {OUT}")


if __name__ == "__main__":
    main()
