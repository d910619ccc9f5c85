"""Record the recurrent-layer golden values from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_rnn/record.py

For every case in ``cases.py`` it draws the arrays (numpy, fixed seed: input, initial states, weights and
the loss's weights), runs the case with ``lib=torch`` and stores the arrays with PyTorch's outputs, final
states, gradients, ``grad_fn`` names and parameter names; then the errors and warnings PyTorch gives for
``cases.ERRORS`` and ``cases.WARNINGS``, and the reprs of ``cases.REPRS``. ``tests/test_nn_rnn.py`` reads
the file and never needs torch.
"""
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_rnn.cases imports

from golden_recording import import_torch, write_values  # noqa: E402

torch = import_torch(__file__)

from golden_nn.cases import encode  # noqa: E402
from golden_rnn import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    out = {"torch_version": torch.__version__, "errors": {}, "warnings": {}, "reprs": {}, "cases": {}}
    for name, fn in cases.ERRORS.items():
        kind, message = cases.run_error(torch, fn)
        assert kind is not None, f"{name} raised nothing in PyTorch"
        out["errors"][name] = [kind, message]
    for name, fn in cases.WARNINGS.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn(torch)
        assert len(caught) == 1, name
        out["warnings"][name] = [caught[0].category.__name__, str(caught[0].message)]
    for name, fn in cases.REPRS.items():
        out["reprs"][name] = repr(fn(torch))
    for c in cases.CASES:
        arrays = cases.make_arrays(c)
        entry = {"arrays": arrays}
        entry.update(cases.run(torch, c, arrays))
        out["cases"][c.name] = encode(entry)
    write_values(OUT, out)
    print(f"recorded {len(out['cases'])} cases, {len(out['errors'])} errors, {len(out['warnings'])} warnings and "
          f"{len(out['reprs'])} reprs with torch {torch.__version__} into {OUT}")


if __name__ == "__main__":
    main()
