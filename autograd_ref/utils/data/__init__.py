"""``autograd_ref.utils.data``: datasets, and the loader that batches them.

    >>> loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    >>> for xb, yb in loader: ...

A *dataset* answers ``len(ds)`` and ``ds[i]`` (one sample), or, if it is an
``IterableDataset``, yields its samples from ``iter(ds)``. A *sampler*
chooses the order of the indices, a *batch sampler* groups them, and the
*collate function* turns a list of samples into one batch. ``DataLoader``
puts the four together.
"""
from .dataloader import DataLoader, default_collate, default_convert, get_worker_info
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                      Subset, TensorDataset, random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split", "DataLoader", "default_collate",
           "default_convert", "get_worker_info", "Sampler", "SequentialSampler",
           "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler"]
