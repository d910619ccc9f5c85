"""Record the golden values of the added ops from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_ops/record.py

For every case in ``cases.py`` it draws the input arrays (numpy, fixed seed per case), runs the
program with ``lib=torch`` and stores the arrays, the outputs (values, dtypes, ``requires_grad``,
graph node names, tuple types), the inputs' gradients for fixed output weights, second derivatives
where asked, and for every entry of ``ERRORS`` the error PyTorch raises (``golden_recording``).
``tests/test_tensor_ops_more.py`` reads the file and never needs torch.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_ops.cases imports

from golden_recording import import_torch, record_cases_and_errors  # noqa: E402

torch = import_torch(__file__)

from golden_ops import cases  # noqa: E402

if __name__ == "__main__":
    record_cases_and_errors(torch, cases, os.path.join(HERE, "values.json"))
