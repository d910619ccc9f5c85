"""``autograd_ref.utils``: helpers around the engine; ``utils.data`` feeds
training loops with batches.

    >>> from autograd_ref.utils.data import DataLoader, TensorDataset
    >>> loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
"""
from . import checkpoint, data

__all__ = ["checkpoint", "data"]
