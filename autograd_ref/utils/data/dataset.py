"""Datasets: anything with ``len(ds)`` and ``ds[i]``.

    >>> ds = TensorDataset(x, y)
    >>> len(ds), ds[0]          # (number of samples, (x[0], y[0]))
"""
import math
import warnings

from ...creation import randperm

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split"]


class Dataset:
    """Base class of map-style datasets: a subclass defines ``__getitem__``
    (one sample by index) and ``__len__`` (how many there are).

        >>> class Squares(Dataset):
        ...     def __len__(self): return 10
        ...     def __getitem__(self, i): return tensor(float(i)), tensor(float(i * i))
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")


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
                              "This might result in an empty dataset.")
        lengths = counts
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = randperm(sum(lengths), generator=generator).tolist()
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[start:start + length]))
        start += length
    return subsets
