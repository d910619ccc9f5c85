"""Record the golden values of ``cases.py`` from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_layers/record.py

For every case it draws the arrays (numpy, fixed seed), runs the program with
``lib=torch`` and stores the arrays, the output (values, ``grad_fn`` and
``next_functions`` names), the gradients after ``backward`` with a fixed
output gradient and second derivatives where asked; then the errors PyTorch
raises and the reprs it prints. ``tests/test_nn_layers_more.py`` reads the
file and never needs torch.
"""
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_layers.cases imports

from golden_recording import import_torch, write_values  # noqa: E402

torch = import_torch(__file__)

from golden_layers import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Some messages print a set of options; a fixed hash seed keeps their order, and this file, stable.
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
    warnings.simplefilter("ignore")     # padding='same' with an even kernel
    torch.set_default_dtype(torch.float32)
    out = {"torch_version": torch.__version__, "reprs": {}, "errors": {}, "cases": {}}
    for case in cases.CASES:
        arrays = cases.make_arrays(case)
        entry = {"arrays": arrays}
        entry.update(cases.run(torch, case, arrays))
        out["cases"][case.name] = cases.encode(entry)
    for name, fn in cases.REPRS.items():
        out["reprs"][name] = repr(fn(torch))
    for name, fn in cases.ERRORS.items():
        kind, message = cases.run_error(torch, fn)
        assert kind is not None, f"{name} raised nothing in PyTorch"
        out["errors"][name] = [kind, message]
    write_values(OUT, out)
    print(f"recorded {len(out['cases'])} cases, {len(out['reprs'])} reprs, {len(out['errors'])} errors "
          f"with torch {torch.__version__} into {OUT}")


if __name__ == "__main__":
    main()
