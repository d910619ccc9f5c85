"""Record what PyTorch gives for ``cases.py`` into ``values.json`` (run by hand; the tests never import torch).

    /path/to/torch-venv/bin/python tests/golden_data/record.py
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_data.cases imports
from golden_recording import import_torch  # noqa: E402

torch = import_torch(__file__, "torch.utils.data")
from golden_data import cases  # noqa: E402

values = {"torch_version": torch.__version__,
          "cases": {name: cases.run_case(torch, name) for name in sorted(cases.CASES)},
          "errors": {name: cases.run_error(torch, name) for name in sorted(cases.ERRORS)}}
with open(os.path.join(HERE, "values.json"), "w") as f:
    json.dump(values, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"recorded {len(values['cases'])} cases and {len(values['errors'])} errors "
      f"from torch {torch.__version__}")
