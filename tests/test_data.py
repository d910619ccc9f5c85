"""autograd_ref.utils.data: datasets, samplers, collation and the DataLoader.

Batching, collation and error messages are compared with what PyTorch gave
(``tests/golden_optim``). Shuffled orders are our own (our random numbers are
not PyTorch's), so for them the tests check what a user relies on: every
sample once per epoch, a new order each epoch, the same orders after the same
seed. torch is never imported.
"""
import json
import os
import sys
from collections import Counter

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_optim import cases  # noqa: E402

import autograd_ref as torch  # noqa: E402 - the tests read like PyTorch code
from autograd_ref.utils.data import (BatchSampler, DataLoader, Dataset, RandomSampler,  # noqa: E402
                                     SequentialSampler, Subset, TensorDataset, default_collate,
                                     random_split)

VALUES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_optim", "values.json")
with open(VALUES_PATH) as f:
    VALUES = json.load(f)

DATA_ERRORS = [name for name in cases.ERROR_CASES
               if name.startswith(("tensor-dataset", "loader", "collate", "random-split", "dataset"))]


def test_the_table_and_the_recording_agree():
    assert sorted(cases.DATA_CASES) == sorted(VALUES["data"])


@pytest.mark.parametrize("name", sorted(cases.DATA_CASES))
def test_batches_match_pytorch(name):
    """The batches' structure (list, dict, namedtuple), values, dtypes and shapes,
    and ``len(loader)``."""
    ours = cases.plain(cases.run_data_case(torch, name))
    problems = cases.differences(ours, VALUES["data"][name])
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("name", DATA_ERRORS)
def test_error_matches_pytorch(name):
    assert cases.run_error_case(torch, name) == VALUES["errors"][name]


# ---- shuffling ----------------------------------------------------------------------------

def _dataset(n=20):
    return TensorDataset(torch.arange(n * 2).reshape(n, 2), torch.arange(n))


def _epoch(loader):
    return [i for _, y in loader for i in y.tolist()]


def test_shuffle_visits_every_sample_once_per_epoch():
    loader = DataLoader(_dataset(), batch_size=3, shuffle=True)
    for _ in range(3):
        order = _epoch(loader)
        assert sorted(order) == list(range(20))
        assert [len(y) for _, y in loader][-1] == 2


def test_shuffle_draws_a_new_order_each_epoch():
    loader = DataLoader(_dataset(), batch_size=4, shuffle=True,
                        generator=torch.Generator().manual_seed(1))
    orders = [tuple(_epoch(loader)) for _ in range(4)]
    assert len(set(orders)) == 4
    assert tuple(range(20)) not in orders


def test_shuffle_repeats_after_manual_seed():
    loader = DataLoader(_dataset(), batch_size=4, shuffle=True)
    torch.manual_seed(123)
    first = [_epoch(loader) for _ in range(2)]
    torch.manual_seed(123)
    again = [_epoch(loader) for _ in range(2)]
    assert first == again


def test_shuffle_with_a_generator_repeats_and_ignores_the_default_generator():
    def orders(seed):
        loader = DataLoader(_dataset(), batch_size=5, shuffle=True,
                            generator=torch.Generator().manual_seed(seed))
        out = []
        for _ in range(2):
            torch.rand(3)           # draws from the default generator change nothing
            out.append(_epoch(loader))
        return out
    assert orders(7) == orders(7)
    assert orders(7) != orders(8)


def test_shuffle_with_drop_last_gives_full_batches_of_distinct_samples():
    loader = DataLoader(_dataset(), batch_size=6, shuffle=True, drop_last=True)
    batches = [y.tolist() for _, y in loader]
    assert len(loader) == len(batches) == 3
    assert all(len(b) == 6 for b in batches)
    seen = [i for b in batches for i in b]
    assert len(set(seen)) == 18


def test_shuffled_batches_pair_inputs_with_their_targets():
    loader = DataLoader(_dataset(), batch_size=7, shuffle=True)
    for x, y in loader:
        assert torch.equal(x[:, 0], y * 2) and torch.equal(x[:, 1], y * 2 + 1)


def test_random_sampler_with_replacement_and_num_samples():
    g = torch.Generator().manual_seed(0)
    draws = list(RandomSampler(range(5), replacement=True, num_samples=50, generator=g))
    assert len(draws) == 50 and set(draws) <= set(range(5)) and len(set(draws)) > 1
    more = list(RandomSampler(range(4), num_samples=10, generator=g))
    counts = Counter(more)
    assert len(more) == 10 and all(counts[i] in (2, 3) for i in range(4))
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(range(4), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(4), replacement=1)


# ---- the pieces -----------------------------------------------------------------------------

def test_tensor_dataset_indexes_every_tensor():
    x, y = torch.arange(6.0).reshape(3, 2), torch.tensor([0, 1, 0])
    ds = TensorDataset(x, y)
    assert len(ds) == 3
    xi, yi = ds[1]
    assert xi.tolist() == [2.0, 3.0] and yi.item() == 1
    assert ds.tensors[0] is x


def test_a_dataset_subclass_works_with_the_loader():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return torch.tensor(float(i)), i * i

    xs, ys = next(iter(DataLoader(Squares(), batch_size=5)))
    assert xs.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] and ys.tolist() == [0, 1, 4, 9, 16]
    assert ys.dtype == torch.int64


def test_len_of_the_loader():
    ds = _dataset(10)
    assert len(DataLoader(ds, batch_size=3)) == 4
    assert len(DataLoader(ds, batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(ds, batch_size=5, shuffle=True)) == 2
    assert len(DataLoader(ds, batch_size=None)) == 10
    assert len(DataLoader(ds, batch_sampler=[[0, 1], [2]])) == 2


def test_loader_attributes_and_samplers():
    ds = _dataset(4)
    loader = DataLoader(ds, batch_size=2)
    assert isinstance(loader.sampler, SequentialSampler)
    assert isinstance(loader.batch_sampler, BatchSampler)
    assert loader.batch_size == 2 and loader.drop_last is False and loader.dataset is ds
    assert isinstance(DataLoader(ds, shuffle=True).sampler, RandomSampler)
    assert list(BatchSampler(SequentialSampler(range(5)), 2, False)) == [[0, 1], [2, 3], [4]]
    assert list(BatchSampler(range(5), 2, True)) == [[0, 1], [2, 3]]


def test_num_workers_is_accepted_and_loads_in_this_process():
    loader = DataLoader(_dataset(6), batch_size=4, num_workers=2)
    assert [len(y) for _, y in loader] == [4, 2]


def test_collate_stacks_tensors_that_require_grad_into_the_graph():
    a = torch.ones(2, requires_grad=True)
    batch = default_collate([a, a * 2])
    assert batch.shape == torch.Size([2, 2]) and batch.grad_fn is not None
    batch.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_subset_and_random_split():
    ds = _dataset(10)
    sub = Subset(ds, [9, 0, 4])
    assert len(sub) == 3 and sub[0][1].item() == 9
    torch.manual_seed(0)
    parts = random_split(ds, [7, 3])
    torch.manual_seed(0)
    again = random_split(ds, [7, 3])
    assert [p.indices for p in parts] == [p.indices for p in again]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    g = torch.Generator().manual_seed(3)
    # Fractions: floor(10 * f) each, then the samples left over go one by one from the first.
    assert [len(p) for p in random_split(ds, [0.33, 0.33, 0.34], generator=g)] == [4, 3, 3]
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(ds, [1.0, 0.0])
