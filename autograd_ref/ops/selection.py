"""Sorting and selecting elements, and rearranging them: sort, topk, flip, roll and their kin.

Each function here is exported from ``autograd_ref`` through ``__all__`` and, where PyTorch has a
Tensor method of the same name, attached as one through ``METHODS``.
"""

__all__ = []

# Tensor method name -> function, attached by tensor.py.
METHODS = {}
