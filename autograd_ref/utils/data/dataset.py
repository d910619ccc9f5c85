"""Datasets: *map-style* ones answer ``len(ds)`` and ``ds[i]``; *iterable-style*
ones (``IterableDataset``) are a stream of samples read with ``for sample in ds``.

    >>> ds = TensorDataset(x, y)
    >>> len(ds), ds[0]          # (number of samples, (x[0], y[0]))
"""
import bisect
import collections.abc
import math
import warnings

from ...creation import randperm

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split"]


class Dataset:
    """Base class of map-style datasets: a subclass defines ``__getitem__``
    (one sample by index) and ``__len__`` (how many there are).

        >>> class Squares(Dataset):
        ...     def __len__(self): return 10
        ...     def __getitem__(self, i): return tensor(float(i)), tensor(float(i * i))
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        """``a + b``: the samples of ``a``, then those of ``b`` (a ConcatDataset)."""
        return ConcatDataset([self, other])

    # No default __len__: a dataset that cannot say its length must raise
    # TypeError from len(), as Python does when __len__ is missing.


class IterableDataset(Dataset, collections.abc.Iterable):
    """Base class of iterable-style datasets: a subclass defines ``__iter__``,
    which yields the samples one by one (a file read line by line, a stream).
    A DataLoader batches the stream in the order it comes; there are no
    indices, so no sampler and no shuffle. ``__len__`` is optional.

        >>> class Count(IterableDataset):
        ...     def __iter__(self): return iter(range(5))
    """
    # __iter__ is left abstract (from collections.abc.Iterable): a subclass
    # without it cannot be instantiated, as in PyTorch.

    def __add__(self, other):
        """``a + b``: the stream of ``a``, then that of ``b`` (a ChainDataset)."""
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples cut from tensors along their first dimension: sample ``i`` is
    ``(t[i] for t in tensors)``.

        >>> ds = TensorDataset(x, y)        # x.shape[0] == y.shape[0]
        >>> xi, yi = ds[0]
    """

    def __init__(self, *tensors):
        if not all(t.size(0) == tensors[0].size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)


class StackDataset(Dataset):
    """Datasets of the same length side by side: sample ``i`` is the tuple
    ``(d[i] for d in datasets)``, or with keyword arguments the dict
    ``{name: d[i]}``.

        >>> pairs = StackDataset(images, labels)            # pairs[0] == (images[0], labels[0])
        >>> named = StackDataset(image=images, label=labels)  # named[0]["label"] == labels[0]
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        self.datasets = args if args else kwargs
        parts = list(args) if args else list(kwargs.values())
        self._length = len(parts[0])
        if any(len(d) != self._length for d in parts):
            raise ValueError("Size mismatch between datasets")

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {name: d[index] for name, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """Map-style datasets one after another: indices ``0 .. len(a) - 1`` are
    ``a``'s samples, the next ones ``b``'s, and so on. ``cumulative_sizes[k]``
    is how many samples the first ``k + 1`` datasets hold together.

        >>> both = ConcatDataset([train_a, train_b])        # or: train_a + train_b
        >>> len(both) == len(train_a) + len(train_b)
        True
    """

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    @staticmethod
    def cumsum(datasets):
        """The running totals of the datasets' lengths: [3, 5] for lengths 3 and 2."""
        totals, total = [], 0
        for d in datasets:
            total += len(d)
            totals.append(total)
        return totals

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        # Which dataset: the first whose running total is past the index.
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another: the stream of the first, then of
    the second, ... Nothing is read ahead, so long streams cost nothing to chain.

        >>> stream = ChainDataset([log_2023, log_2024])     # or: log_2023 + log_2024
        >>> for sample in stream: ...
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def _check(self, dataset):
        if not isinstance(dataset, IterableDataset):
            raise AssertionError("ChainDataset only supports IterableDataset")
        return dataset

    def __iter__(self):
        for d in self.datasets:
            yield from self._check(d)

    def __len__(self):
        return sum(len(self._check(d)) for d in self.datasets)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

        >>> first_ten = Subset(ds, range(10))
        >>> len(first_ten)
        10
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping random subsets of the given
    lengths, or fractions of its length that sum to 1. The order comes from
    ``generator`` (the default generator if None), so a seed makes it repeat.

        >>> train, val = random_split(ds, [0.8, 0.2], generator=Generator().manual_seed(0))
        >>> len(train) + len(val) == len(ds)
        True
    """
    lengths = list(lengths)
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(len(dataset) * fraction)))
        # Rounding down leaves a few samples over: hand them out one per subset, in turn.
        for i in range(len(dataset) - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"Length of split at index {i} is 0. "
                              "This might result in an empty dataset.", stacklevel=2)
        lengths = counts
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = randperm(sum(lengths), generator=generator).tolist()
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[start:start + length]))
        start += length
    return subsets
