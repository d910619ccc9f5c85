"""Record the nn golden values from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_nn/record.py

For every case in ``cases.py`` it draws the arrays (numpy, fixed seed), runs
the program with ``lib=torch`` and stores the arrays, the output (values and
``grad_fn`` name), the gradients of the inputs and of the module's parameters
after ``backward`` with a fixed output gradient, and second derivatives where
asked; plus module reprs, ``init.calculate_gain`` values, fans, and the errors
PyTorch raises. ``tests/test_nn_layers.py`` and ``tests/test_nn_losses.py``
read the file and never need torch.
"""
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_nn.cases imports

from golden_recording import import_torch, write_values  # noqa: E402

torch = import_torch(__file__)

from golden_nn import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    warnings.simplefilter("ignore")     # Softmax() without dim, broadcasting losses
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    out = {"torch_version": torch.__version__, "cases": {}, "reprs": {}, "errors": {},
           "gains": [], "fans": []}
    for case in cases.CASES:
        arrays = cases.make_arrays(case)
        entry = {"arrays": arrays}
        entry.update(cases.run(torch, case, arrays))
        out["cases"][case.name] = cases.encode(entry)
    for name, fn in cases.REPRS.items():
        out["reprs"][name] = fn(torch)
    for name, fn in cases.ERRORS.items():
        kind, message = cases.run_error(torch, fn)
        assert kind is not None, f"{name} raised nothing in PyTorch"
        out["errors"][name] = [kind, message]
    for nonlinearity, param in cases.GAINS:
        out["gains"].append([nonlinearity, param, torch.nn.init.calculate_gain(nonlinearity, param)])
    for shape in cases.FANS:
        out["fans"].append([list(shape), list(torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape)))])
    x, y, w = cases.linear_regression_data(torch)
    out["linear_regression"] = cases.encode({
        "x": x.numpy(), "y": y.numpy(), "w": w.detach().numpy().copy(),
        "losses": cases.linear_regression(torch, x, y, w)})
    write_values(OUT, out)
    print(f"recorded {len(out['cases'])} cases, {len(out['reprs'])} reprs, {len(out['errors'])} errors "
          f"with torch {torch.__version__} into {OUT}")


if __name__ == "__main__":
    main()
