"""The DataLoader: batches of samples from a dataset, in order or shuffled.

    >>> loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    >>> for xb, yb in loader: ...           # xb.shape == (32, ...) but maybe the last

Each pass over the loader asks the batch sampler for lists of indices, fetches
those samples from the dataset, and gives the list to ``collate_fn``, which
makes one batch of it (by default, stacking tensors along a new first dim).
An ``IterableDataset`` has no indices: its stream is cut into batches as it comes.
"""
import collections.abc
import itertools
import numbers

import numpy

from ...creation import as_tensor, tensor
from ...dtypes import float64
from ...ops.shape import stack
from ...tensor import Tensor
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

_COLLATE_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, "
                  "dicts or lists; found {}")


def default_collate(batch):
    """Make one batch from a list of samples, keeping the samples' structure:
    tensors (and numpy arrays) are stacked along a new first dimension, Python
    floats become a float64 tensor and ints an int64 tensor, strings stay a
    list; tuples, lists and dicts are collated field by field (a tuple of
    fields gives a list of batches, as in PyTorch).

        >>> xs, ys = default_collate([(tensor([1., 2.]), 0), (tensor([3., 4.]), 1)])
        >>> xs.shape, ys
        (autograd_ref.Size([2, 2]), tensor([0, 1]))
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, numpy.ndarray):
        if elem.dtype.kind in "OSU":
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return stack([as_tensor(b) for b in batch], 0)
    if isinstance(elem, numpy.generic) and elem.dtype.kind not in "OSU":
        return as_tensor(numpy.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=float64)
    if isinstance(elem, numbers.Integral):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):        # a namedtuple
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(list(field)) for field in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        try:
            return type(elem)(fields)
        except TypeError:       # a sequence type that cannot be built from a list
            return fields
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def default_convert(data):
    """What a loader with ``batch_size=None`` applies to each sample: numpy
    arrays become tensors, inside lists, tuples (which become lists) and dicts
    too; the rest is left as it is.

        >>> default_convert((numpy.zeros(2), 3))
        [tensor([0., 0.], dtype=autograd_ref.float64), 3]
    """
    if isinstance(data, numpy.ndarray) and data.dtype.kind not in "OSU":
        return as_tensor(data)
    if isinstance(data, numpy.generic) and data.dtype.kind not in "OSU":
        return as_tensor(numpy.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (tuple, list)):      # a tuple gives a list, as in PyTorch
        return [default_convert(d) for d in data]
    return data


def get_worker_info():
    """Which loader worker the calling code runs in: in PyTorch, an object with
    ``id``, ``num_workers``, ``seed`` and ``dataset`` inside a worker process,
    and None in the main process. This DataLoader loads every sample in the
    process that iterates it (``num_workers`` is accepted, no worker is
    started), so the answer here is always None, and an IterableDataset that
    splits its stream between workers reads all of it, once.

        >>> get_worker_info() is None        # in the main process
        True
    """
    return None


class _InfiniteConstantSampler(Sampler):
    """The sampler of a loader over an IterableDataset: ``None`` for ever, one
    per sample asked for (there are no indices to choose)."""

    def __iter__(self):
        return itertools.repeat(None)


class DataLoader:
    """Iterate over ``dataset`` in batches.

    ``batch_size`` samples per batch (``None``: single samples, unbatched);
    ``shuffle=True`` visits the samples in a new random order on every pass,
    drawn from ``generator`` (the default generator if None, so
    ``manual_seed`` makes the orders repeat); ``drop_last=True`` skips a last
    batch that would be smaller. ``sampler`` or ``batch_sampler`` choose the
    order yourself; ``collate_fn`` makes a batch from a list of samples
    (``default_collate`` unless given). An ``IterableDataset`` is batched in
    the order its stream comes, so it takes no sampler and no shuffle.

    Everything is loaded in this process: ``num_workers``, ``pin_memory``,
    ``timeout``, ``worker_init_fn``, ``multiprocessing_context``,
    ``prefetch_factor``, ``persistent_workers``, ``pin_memory_device`` and
    ``in_order`` are accepted (and checked as PyTorch checks them) so that
    PyTorch code runs unchanged, but start no worker; ``worker_init_fn`` is
    never called, as in PyTorch with ``num_workers=0``.

        >>> loader = DataLoader(TensorDataset(x, y), batch_size=2, drop_last=True)
        >>> len(loader) == len(x) // 2
        True
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        iterable = isinstance(dataset, IterableDataset)
        if iterable:        # a stream: no indices to sample or shuffle
            if shuffle not in (False, None):
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        elif sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")

        if sampler is None:
            if iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_convert if batch_sampler is None else default_collate

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self.generator = generator

    def __iter__(self):
        if isinstance(self.dataset, IterableDataset):
            yield from self._iter_stream()
        elif self.batch_sampler is None:        # no batching: one sample at a time
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
        else:
            for indices in self.batch_sampler:
                yield self.collate_fn([self.dataset[i] for i in indices])

    def _iter_stream(self):
        """Batches cut from an IterableDataset's stream, in the order it comes."""
        stream = iter(self.dataset)
        if self.batch_size is None:
            for sample in stream:
                yield self.collate_fn(sample)
            return
        while True:
            batch = list(itertools.islice(stream, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)
            if len(batch) < self.batch_size:        # the stream has ended
                return

    def __len__(self):
        """The number of batches in one pass. For an IterableDataset it is
        worked out from ``len(dataset)`` (a TypeError if the dataset has no
        ``__len__``), trusting the dataset to say how long its stream is."""
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is None:
                return length
            if self.drop_last:
                return length // self.batch_size
            return -(-length // self.batch_size)        # rounded up
        if self.batch_sampler is None:
            return len(self.sampler)
        return len(self.batch_sampler)
