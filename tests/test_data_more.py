"""autograd_ref.utils.data, continued: IterableDataset and the DataLoader over a stream,
ConcatDataset, ChainDataset, StackDataset, SubsetRandomSampler, WeightedRandomSampler,
get_worker_info, and the DataLoader's worker options.

Results that need no random draws, and error messages, are compared with what PyTorch
gave (``tests/golden_data``). Random samplers are checked by what a user relies on:
the right distribution over many draws, the same draws after the same seed, no repeats
without replacement. torch is never imported.
"""
import json
import os
import sys
from collections import Counter

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_data import cases  # noqa: E402

import autograd_ref as torch  # noqa: E402 - the tests read like PyTorch code
import autograd_ref.utils.data as data  # noqa: E402
from autograd_ref.utils.data import (ChainDataset, ConcatDataset, DataLoader, Dataset,  # noqa: E402
                                     IterableDataset, StackDataset, SubsetRandomSampler,
                                     TensorDataset, WeightedRandomSampler, get_worker_info,
                                     random_split)

VALUES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_data", "values.json")
with open(VALUES_PATH) as f:
    VALUES = json.load(f)


def _plain(obj):
    return json.loads(json.dumps(obj))


def test_the_tables_and_the_recording_agree():
    assert sorted(cases.CASES) == sorted(VALUES["cases"])
    assert sorted(cases.ERRORS) == sorted(VALUES["errors"])


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_matches_pytorch(name):
    """Batches (structure, dtypes, shapes, values), ``len(loader)``, indexing, cumulative sizes."""
    assert _plain(cases.run_case(torch, name)) == VALUES["cases"][name]


# The message of instantiating an abstract class is Python's own, and changes between versions.
PYTHON_WORDED = {"iterable-abstract"}


@pytest.mark.parametrize("name", sorted(cases.ERRORS))
def test_error_matches_pytorch(name):
    ours, theirs = cases.run_error(torch, name), VALUES["errors"][name]
    assert ours is not None, f"expected {theirs}, nothing was raised"
    if name in PYTHON_WORDED:
        assert ours["type"] == theirs["type"] and "abstract" in ours["message"]
        assert "__iter__" in ours["message"]
    else:
        assert ours == theirs


# ---- IterableDataset and the DataLoader ------------------------------------------------------

class Count(IterableDataset):
    """0 .. n-1, counting how many passes were started."""

    def __init__(self, n):
        self.n, self.passes = n, 0

    def __iter__(self):
        self.passes += 1
        return iter(range(self.n))


def test_a_loader_over_a_stream_starts_a_new_pass_each_epoch():
    ds = Count(5)
    loader = DataLoader(ds, batch_size=2)
    first = [b.tolist() for b in loader]
    again = [b.tolist() for b in loader]
    assert first == again == [[0, 1], [2, 3], [4]]
    assert ds.passes == 2


def test_a_loader_reads_an_endless_stream_lazily():
    class Forever(IterableDataset):
        def __iter__(self):
            i = 0
            while True:
                yield i
                i += 1
    it = iter(DataLoader(Forever(), batch_size=3))
    assert next(it).tolist() == [0, 1, 2] and next(it).tolist() == [3, 4, 5]


def test_a_loader_stops_at_the_streams_first_end():
    """As in PyTorch, the first StopIteration ends the pass, even from an
    iterator that would go on if asked again."""
    class Resumes:
        def __init__(self):
            self.i = 0

        def __iter__(self):
            return self

        def __next__(self):
            self.i += 1
            if self.i == 4:
                raise StopIteration
            return self.i

    class DS(IterableDataset):
        def __iter__(self):
            return Resumes()
    assert [b.tolist() for b in DataLoader(DS(), batch_size=2)] == [[1, 2], [3]]
    assert [b.tolist() for b in DataLoader(DS(), batch_size=3)] == [[1, 2, 3]]


def test_a_loader_over_a_stream_has_no_sampler_to_choose():
    loader = DataLoader(Count(4), batch_size=2)
    assert loader.batch_size == 2 and loader.drop_last is False
    with pytest.raises(TypeError, match="has no len"):
        len(loader)
    for bad in ({"shuffle": True}, {"sampler": [0, 1]}, {"batch_sampler": [[0]]}):
        with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified"):
            DataLoader(Count(4), **bad)
    assert [b.tolist() for b in DataLoader(Count(4), batch_size=3, shuffle=False)] == [[0, 1, 2], [3]]


def test_an_iterable_dataset_needs_iter_and_has_no_default_len():
    with pytest.raises(TypeError):
        IterableDataset()
    with pytest.raises(TypeError, match="has no len"):
        len(Count(3))
    assert isinstance(Count(3), Dataset)


def test_get_worker_info_is_none_here_and_a_sharded_stream_is_read_once():
    """This DataLoader loads in the calling process even with num_workers > 0, so
    get_worker_info() stays None and a dataset that shards itself between workers
    gives every sample once; worker_init_fn is not called (no worker starts)."""
    assert get_worker_info() is None
    seen = []

    class Sharded(IterableDataset):
        def __iter__(self):
            seen.append(get_worker_info())
            return iter(range(6))

    called = []
    loader = DataLoader(Sharded(), batch_size=4, num_workers=2, worker_init_fn=called.append,
                        persistent_workers=True, prefetch_factor=2, pin_memory=True, timeout=5)
    assert [b.tolist() for b in loader] == [[0, 1, 2, 3], [4, 5]]
    assert seen == [None] and called == []
    assert loader.num_workers == 2 and loader.worker_init_fn is not None


def test_chain_and_plus():
    assert list(Count(2) + Count(3)) == [0, 1, 0, 1, 2]
    assert isinstance(Count(2) + Count(3), ChainDataset)
    chain = ChainDataset([Count(2), Count(1)])
    with pytest.raises(TypeError):
        len(chain)              # Count has no __len__
    assert list(chain) == list(chain) == [0, 1, 0]


# ---- ConcatDataset and StackDataset ----------------------------------------------------------

def test_concat_indexes_each_part_from_its_start():
    a, b = TensorDataset(torch.arange(3)), TensorDataset(torch.arange(10, 12))
    both = a + b
    assert isinstance(both, ConcatDataset) and both.datasets == [a, b]
    assert both.cumulative_sizes == [3, 5] and len(both) == 5
    assert [both[i][0].item() for i in range(5)] == [0, 1, 2, 10, 11]
    assert [both[i][0].item() for i in range(-5, 0)] == [0, 1, 2, 10, 11]
    assert isinstance(both + a, ConcatDataset) and len(both + a) == 8


def test_concat_shuffled_by_the_loader_gives_every_sample_once():
    both = TensorDataset(torch.arange(4)) + TensorDataset(torch.arange(100, 103))
    loader = DataLoader(both, batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(0))
    got = [i for (b,) in loader for i in b.tolist()]
    assert sorted(got) == [0, 1, 2, 3, 100, 101, 102]


def test_stack_keeps_the_form_it_was_given():
    x, y = TensorDataset(torch.arange(6.0).reshape(3, 2)), list("abc")
    pairs, named = StackDataset(x, y), StackDataset(x=x, y=y)
    assert len(pairs) == len(named) == 3
    assert pairs[1][0][0].tolist() == [2.0, 3.0] and pairs[1][1] == "b"
    assert set(named[2]) == {"x", "y"} and named[2]["y"] == "c"
    assert isinstance(pairs.datasets, tuple) and isinstance(named.datasets, dict)
    batch = next(iter(DataLoader(named, batch_size=3)))
    assert batch["y"] == ["a", "b", "c"] and batch["x"][0].shape == torch.Size([3, 2])


# ---- random samplers ---------------------------------------------------------------------------

def test_subset_random_sampler_shuffles_only_the_given_indices():
    indices = [3, 8, 11, 20, 21]
    g = torch.Generator().manual_seed(0)
    sampler = SubsetRandomSampler(indices, generator=g)
    orders = [list(sampler) for _ in range(6)]
    assert all(sorted(o) == indices for o in orders)
    assert len({tuple(o) for o in orders}) > 1, "a new order on each pass"
    assert len(sampler) == 5
    again = SubsetRandomSampler(indices, generator=torch.Generator().manual_seed(0))
    assert [list(again) for _ in range(6)] == orders


def test_subset_random_sampler_feeds_a_loader():
    ds = TensorDataset(torch.arange(10))
    loader = DataLoader(ds, batch_size=2, sampler=SubsetRandomSampler([7, 8, 9]))
    assert sorted(i for (b,) in loader for i in b.tolist()) == [7, 8, 9] and len(loader) == 2


def test_weighted_sampler_with_replacement_follows_the_weights():
    weights = [1.0, 2.0, 0.0, 5.0]
    sampler = WeightedRandomSampler(weights, num_samples=16000,
                                    generator=torch.Generator().manual_seed(0))
    draws = list(sampler)
    assert len(draws) == len(sampler) == 16000 and all(isinstance(i, int) for i in draws)
    counts = Counter(draws)
    assert counts[2] == 0, "a zero weight is never drawn"
    for i, w in enumerate(weights):
        assert abs(counts[i] / 16000 - w / 8) < 0.015     # about 4 standard deviations


def test_weighted_sampler_without_replacement_never_repeats():
    g = torch.Generator().manual_seed(1)
    sampler = WeightedRandomSampler([1, 1, 1, 50, 1, 1], num_samples=4, replacement=False, generator=g)
    passes = [list(sampler) for _ in range(300)]
    assert all(len(set(p)) == 4 and set(p) <= set(range(6)) for p in passes)
    # The heavy index is almost always among the four.
    assert sum(3 in p for p in passes) > 290
    full = list(WeightedRandomSampler([3, 1, 2], 3, replacement=False, generator=g))
    assert sorted(full) == [0, 1, 2]


def test_weighted_sampler_repeats_with_a_seeded_generator_and_the_default_one():
    def draws(seed):
        return list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 20,
                                          generator=torch.Generator().manual_seed(seed)))
    assert draws(5) == draws(5) and draws(5) != draws(6)
    torch.manual_seed(3)
    a = list(WeightedRandomSampler([1, 2, 3], 20))
    torch.manual_seed(3)
    assert list(WeightedRandomSampler([1, 2, 3], 20)) == a


def test_weighted_sampler_balances_a_loader():
    """The common use: draw a rare class as often as a common one."""
    labels = torch.tensor([0] * 90 + [1] * 10)
    class_weight = {0: 1 / 90, 1: 1 / 10}
    sampler = WeightedRandomSampler([class_weight[c] for c in labels.tolist()], num_samples=4000,
                                    generator=torch.Generator().manual_seed(2))
    loader = DataLoader(TensorDataset(labels), batch_size=100, sampler=sampler)
    drawn = [c for (b,) in loader for c in b.tolist()]
    assert len(loader) == 40 and len(drawn) == 4000
    assert abs(sum(drawn) / 4000 - 0.5) < 0.04


def test_random_split_with_fractions_and_a_generator():
    ds = TensorDataset(torch.arange(10))
    parts = random_split(ds, [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(4))
    again = random_split(ds, [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(4))
    assert [len(p) for p in parts] == [5, 3, 2]
    assert [p.indices for p in parts] == [p.indices for p in again]
    assert sorted(i for p in parts for i in p.indices) == list(range(10))


def test_the_exports():
    names = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
             "ChainDataset", "Subset", "random_split", "DataLoader", "default_collate",
             "default_convert", "get_worker_info", "Sampler", "SequentialSampler", "RandomSampler",
             "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler"]
    assert sorted(data.__all__) == sorted(names)
    assert all(hasattr(data, name) for name in names)
    assert torch.utils.data.WeightedRandomSampler is WeightedRandomSampler
