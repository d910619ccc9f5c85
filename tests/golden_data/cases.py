"""The cases of ``utils.data`` whose results are the same on every run (no random draws):
each takes the library (``torch`` or ``autograd_ref``) and returns plain data, or raises.

    >>> run_case(autograd_ref, "iterable-batch2")  # == what record.py stored from PyTorch
"""
import math


def _describe(obj):
    """``obj`` as JSON-ready data: a tensor as its dtype, shape and values."""
    if hasattr(obj, "tolist") and hasattr(obj, "dtype"):
        return {"dtype": str(obj.dtype).split(".")[-1], "shape": list(obj.shape), "data": obj.tolist()}
    if isinstance(obj, dict):
        return {str(k): _describe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return {"type": type(obj).__name__, "items": [_describe(v) for v in obj]}
    return obj


def _stream(lib, start, end, with_len=False):
    """An IterableDataset of ``start .. end - 1``, that splits itself between loader workers."""
    class Stream(lib.utils.data.IterableDataset):
        def __iter__(self):
            info = lib.utils.data.get_worker_info()
            if info is None:
                return iter(range(start, end))
            per = int(math.ceil((end - start) / info.num_workers))
            first = start + info.id * per
            return iter(range(first, min(first + per, end)))

    class SizedStream(Stream):
        def __len__(self):
            return end - start

    return SizedStream() if with_len else Stream()


def _pairs(lib, start, end):
    """An IterableDataset of (float tensor of 2, int) samples."""
    class Pairs(lib.utils.data.IterableDataset):
        def __iter__(self):
            for i in range(start, end):
                yield lib.tensor([float(i), -float(i)]), i
    return Pairs()


def _tensors(lib, n, offset=0):
    return lib.utils.data.TensorDataset(lib.arange(2.0 * n).reshape(n, 2) + offset,
                                        lib.arange(n) + offset)


def _loader(lib, dataset, **kwargs):
    """All the batches, and ``len(loader)`` (None where it raises TypeError)."""
    loader = lib.utils.data.DataLoader(dataset, **kwargs)
    out = {"batches": [_describe(b) for b in loader]}
    try:
        out["len"] = len(loader)
    except TypeError:
        out["len"] = None
    return out


def _all_indices(dataset):
    n = len(dataset)
    return [_describe(dataset[i]) for i in range(-n, n)]


CASES = {
    # IterableDataset through the DataLoader
    "iterable-batch2": lambda lib: _loader(lib, _stream(lib, 0, 7), batch_size=2),
    "iterable-batch2-sized": lambda lib: _loader(lib, _stream(lib, 0, 7, True), batch_size=2),
    "iterable-batch2-drop-last": lambda lib: _loader(lib, _stream(lib, 0, 7, True), batch_size=2,
                                                     drop_last=True),
    "iterable-batch-exact": lambda lib: _loader(lib, _stream(lib, 0, 6, True), batch_size=3,
                                                drop_last=True),
    "iterable-batch-larger": lambda lib: _loader(lib, _stream(lib, 0, 3, True), batch_size=10),
    "iterable-batch-larger-drop-last": lambda lib: _loader(lib, _stream(lib, 0, 3, True),
                                                           batch_size=10, drop_last=True),
    "iterable-empty": lambda lib: _loader(lib, _stream(lib, 0, 0, True), batch_size=2),
    "iterable-unbatched": lambda lib: _loader(lib, _stream(lib, 3, 7, True), batch_size=None),
    "iterable-default-batch": lambda lib: _loader(lib, _stream(lib, 3, 6)),
    "iterable-shuffle-false": lambda lib: _loader(lib, _stream(lib, 0, 5), batch_size=2,
                                                  shuffle=False),
    "iterable-pairs": lambda lib: _loader(lib, _pairs(lib, 0, 5), batch_size=2),
    "iterable-collate-fn": lambda lib: _loader(lib, _stream(lib, 0, 5), batch_size=2,
                                               collate_fn=lambda batch: [b * 10 for b in batch]),
    "iterable-num-workers-0": lambda lib: _loader(lib, _stream(lib, 0, 5), batch_size=2,
                                                  num_workers=0),
    "chain": lambda lib: _loader(lib, lib.utils.data.ChainDataset(
        [_stream(lib, 0, 3, True), _stream(lib, 10, 14, True)]), batch_size=3),
    "chain-unsized": lambda lib: _loader(lib, lib.utils.data.ChainDataset(
        [_stream(lib, 0, 3, True), _stream(lib, 10, 14)]), batch_size=3),
    "iterable-plus-iterable": lambda lib: {
        "type": type(_stream(lib, 0, 2) + _stream(lib, 5, 7)).__name__,
        "items": list(_stream(lib, 0, 2) + _stream(lib, 5, 7))},
    # ConcatDataset
    "concat-ranges": lambda lib: {
        "cumulative_sizes": lib.utils.data.ConcatDataset(
            [range(3), range(10, 12), range(20, 24)]).cumulative_sizes,
        "len": len(lib.utils.data.ConcatDataset([range(3), range(10, 12), range(20, 24)])),
        "items": _all_indices(lib.utils.data.ConcatDataset([range(3), range(10, 12), range(20, 24)]))},
    "concat-with-empty": lambda lib: {
        "cumulative_sizes": lib.utils.data.ConcatDataset([range(0), range(2), range(0), range(2)]).cumulative_sizes,
        "items": _all_indices(lib.utils.data.ConcatDataset([range(0), range(2), range(0), range(2)]))},
    "concat-nested": lambda lib: lib.utils.data.ConcatDataset(
        [lib.utils.data.ConcatDataset([range(2), range(3)]), range(4)]).cumulative_sizes,
    "concat-from-generator": lambda lib: lib.utils.data.ConcatDataset(
        d for d in [range(2), range(3)]).cumulative_sizes,
    "concat-tensors-plus": lambda lib: {
        "type": type(_tensors(lib, 3) + _tensors(lib, 2, 100)).__name__,
        "items": _all_indices(_tensors(lib, 3) + _tensors(lib, 2, 100))},
    "concat-loader": lambda lib: _loader(lib, _tensors(lib, 3) + _tensors(lib, 2, 100), batch_size=2),
    # StackDataset
    "stack-tuple": lambda lib: _all_indices(lib.utils.data.StackDataset(_tensors(lib, 3), range(10, 13))),
    "stack-dict": lambda lib: _all_indices(lib.utils.data.StackDataset(x=_tensors(lib, 3),
                                                                       label=range(10, 13))),
    "stack-tuple-loader": lambda lib: _loader(
        lib, lib.utils.data.StackDataset(_tensors(lib, 3), range(10, 13)), batch_size=2),
    "stack-dict-loader": lambda lib: _loader(
        lib, lib.utils.data.StackDataset(x=_tensors(lib, 3), label=range(10, 13)), batch_size=2),
    # samplers whose answer does not depend on the draws
    "weighted-attributes": lambda lib: {
        "weights": _describe(lib.utils.data.WeightedRandomSampler([1, 2, 3], 5).weights),
        "len": len(lib.utils.data.WeightedRandomSampler([1, 2, 3], 5)),
        "replacement": lib.utils.data.WeightedRandomSampler([1, 2], 2).replacement},
    "weighted-one-nonzero": lambda lib: list(lib.utils.data.WeightedRandomSampler([0, 0, 5, 0], 4)),
    "subset-random-len": lambda lib: len(lib.utils.data.SubsetRandomSampler([5, 7, 9])),
    "worker-info-main": lambda lib: lib.utils.data.get_worker_info(),
    # random_split with fractions (only the lengths are deterministic)
    "random-split-fractions": lambda lib: [
        [len(s) for s in lib.utils.data.random_split(range(n), fractions)]
        for n, fractions in [(10, [0.25, 0.25, 0.5]), (7, [0.5, 0.5]), (11, [0.3, 0.3, 0.4]),
                             (3, [1.0]), (5, [0.2] * 5)]],
}




ERRORS = {
    "iterable-shuffle": lambda lib: lib.utils.data.DataLoader(_stream(lib, 0, 3), shuffle=True),
    "iterable-shuffle-int": lambda lib: lib.utils.data.DataLoader(_stream(lib, 0, 3), shuffle=1),
    "iterable-sampler": lambda lib: lib.utils.data.DataLoader(_stream(lib, 0, 3), sampler=[0, 1]),
    "iterable-batch-sampler": lambda lib: lib.utils.data.DataLoader(_stream(lib, 0, 3),
                                                                    batch_sampler=[[0, 1]]),
    "iterable-none-batch-drop-last": lambda lib: lib.utils.data.DataLoader(
        _stream(lib, 0, 3), batch_size=None, drop_last=True),
    "iterable-len": lambda lib: len(_stream(lib, 0, 3)),
    "iterable-loader-len": lambda lib: len(lib.utils.data.DataLoader(_stream(lib, 0, 3), batch_size=2)),
    "iterable-abstract": lambda lib: lib.utils.data.IterableDataset(),
    "concat-empty": lambda lib: lib.utils.data.ConcatDataset([]),
    "concat-iterable": lambda lib: lib.utils.data.ConcatDataset([range(2), _stream(lib, 0, 3)]),
    "concat-negative-too-far": lambda lib: lib.utils.data.ConcatDataset([range(3), range(2)])[-6],
    "concat-past-the-end": lambda lib: lib.utils.data.ConcatDataset([range(3), range(2)])[5],
    "chain-map-style": lambda lib: list(lib.utils.data.ChainDataset([_stream(lib, 0, 2), range(3)])),
    "chain-len-map-style": lambda lib: len(lib.utils.data.ChainDataset([range(3)])),
    "chain-len-unsized": lambda lib: len(lib.utils.data.ChainDataset([_stream(lib, 0, 2, True),
                                                                      _stream(lib, 0, 2)])),
    "stack-size-mismatch": lambda lib: lib.utils.data.StackDataset(range(3), range(4)),
    "stack-dict-size-mismatch": lambda lib: lib.utils.data.StackDataset(a=range(3), b=range(4)),
    "stack-both-forms": lambda lib: lib.utils.data.StackDataset(range(3), b=range(3)),
    "stack-nothing": lambda lib: lib.utils.data.StackDataset(),
    "weighted-num-samples-zero": lambda lib: lib.utils.data.WeightedRandomSampler([1, 2], 0),
    "weighted-num-samples-bool": lambda lib: lib.utils.data.WeightedRandomSampler([1, 2], True),
    "weighted-num-samples-float": lambda lib: lib.utils.data.WeightedRandomSampler([1, 2], 2.0),
    "weighted-replacement-int": lambda lib: lib.utils.data.WeightedRandomSampler([1, 2], 2, replacement=1),
    "weighted-2d": lambda lib: lib.utils.data.WeightedRandomSampler([[1, 2]], 2),
    "weighted-too-many-without-replacement": lambda lib: list(
        lib.utils.data.WeightedRandomSampler([1, 2], 3, replacement=False)),
    "weighted-all-zero": lambda lib: list(lib.utils.data.WeightedRandomSampler([0, 0], 3)),
    "random-split-fractions-over-one": lambda lib: lib.utils.data.random_split(range(10), [0.5, 0.6]),
    "random-split-negative-fraction": lambda lib: lib.utils.data.random_split(range(10),
                                                                              [0.5, -0.5, 1.0]),
    "loader-timeout": lambda lib: lib.utils.data.DataLoader(range(3), timeout=-1),
    "loader-prefetch-without-workers": lambda lib: lib.utils.data.DataLoader(range(3), prefetch_factor=2),
    "loader-prefetch-negative": lambda lib: lib.utils.data.DataLoader(range(3), num_workers=1,
                                                                      prefetch_factor=-1),
    "loader-persistent-without-workers": lambda lib: lib.utils.data.DataLoader(
        range(3), persistent_workers=True),
}


def run_case(lib, name):
    return CASES[name](lib)


def run_error(lib, name):
    """``{"type", "message"}`` of what the call raises, or None; class names made library-neutral."""
    try:
        ERRORS[name](lib)
    except Exception as e:          # noqa: BLE001 - recording whatever is raised
        return {"type": type(e).__name__, "message": str(e)}
    return None
