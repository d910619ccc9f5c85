"""``autograd_ref.utils.data``: datasets, and the loader that batches them.

    >>> loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    >>> for xb, yb in loader: ...

A *dataset* answers ``len(ds)`` and ``ds[i]`` (one sample). A *sampler*
chooses the order of the indices, a *batch sampler* groups them, and the
*collate function* turns a list of samples into one batch. ``DataLoader``
puts the four together.
"""
from .dataloader import DataLoader, default_collate, default_convert
from .dataset import Dataset, Subset, TensorDataset, random_split
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader",
           "default_collate", "default_convert", "Sampler", "SequentialSampler",
           "RandomSampler", "BatchSampler"]
