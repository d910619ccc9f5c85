"""Record what PyTorch's nn.utils (clipping, parameters as a vector) and the
newer nn.init functions do into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_nn_utils/record.py

The programs are in ``cases.py``; ``tests/test_nn_utils.py`` runs them on
autograd_ref and compares, without torch.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_nn_utils.cases imports

from golden_recording import import_torch, write_values  # noqa: E402

torch = import_torch(__file__)

from golden_nn_utils import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")


def main():
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    out = {
        "torch_version": torch.__version__,
        "clip": {name: fn(torch) for name, fn in cases.CLIP_CASES.items()},
        "vector": {name: fn(torch) for name, fn in cases.VECTOR_CASES.items()},
        "init": {name: fn(torch) for name, fn in cases.INIT_VALUES.items()},
        "errors": {name: cases.run_error(torch, fn) for name, fn in cases.ERRORS.items()},
        "warnings": {name: cases.run_warnings(torch, fn) for name, fn in cases.WARNINGS.items()},
    }
    for name, (kind, _) in out["errors"].items():
        assert kind is not None, f"{name} raised nothing in PyTorch"
    # One case per line: small diffs when a case changes.
    write_values(OUT, out, per_line=("clip", "vector", "init", "errors", "warnings"))
    print(f"wrote {sum(len(v) for k, v in out.items() if k != 'torch_version')} cases to {OUT} "
          f"with torch {torch.__version__}")


if __name__ == "__main__":
    main()
