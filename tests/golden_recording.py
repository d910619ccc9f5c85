"""What each golden set's ``record.py`` needs before anything else: PyTorch, or a message saying how to get it.

    >>> torch = import_torch(__file__)      # in tests/golden_nn/record.py
"""
import importlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def import_torch(script, *submodules):
    """The ``torch`` module for the record script at ``script``, with ``submodules`` (``"torch.utils.data"``)
    imported too; where this Python has none, exit saying which Python ran and how to run the script instead."""
    try:
        for name in submodules:
            importlib.import_module(name)
        return importlib.import_module("torch")
    except ImportError:
        where = os.path.relpath(os.path.abspath(script), ROOT)
        sys.exit(f"{os.path.basename(script)} needs PyTorch, which is not installed in this Python "
                 f"({sys.executable}). Run it with a Python that has torch, e.g. "
                 f"/path/to/torch-venv/bin/python {where}")
