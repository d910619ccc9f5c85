"""autograd_ref.multiprocessing: tensors shared across processes, and Hogwild-style training of one model by
several worker processes (seed 002: "python multiprocessing, but with memory sharing of Tensors across
processes"). Each start method Python offers on Linux is tried: fork, spawn and forkserver."""
import pickle
from multiprocessing.reduction import ForkingPickler

import pytest

import autograd_ref as torch
import autograd_ref.multiprocessing as mp

START_METHODS = ["fork", "spawn", "forkserver"]


def add_in_place(tensor, amount):
    tensor.add_(amount)


def take_from_queue_and_scale(queue):
    tensor = queue.get()
    tensor.mul_(10)


def data(seed, n=64):
    """Points of y = 3 x0 - 2 x1 + 1, with noise."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = x @ torch.tensor([[3.0], [-2.0]]) + 1 + 0.01 * torch.randn(n, 1, generator=g)
    return x, y


def train(rank, model, steps):
    """One Hogwild worker: its own data and optimizer, the shared model's parameters."""
    x, y = data(100 + rank)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()


def fail(rank):
    raise ValueError(f"worker {rank} gives up")


@pytest.mark.parametrize("method", START_METHODS)
def test_a_shared_tensor_is_changed_by_a_child_process_and_through_a_queue(method):
    context = mp.get_context(method)
    x = torch.zeros(3).share_memory_()
    assert x.is_shared() and not torch.zeros(3).is_shared()
    child = context.Process(target=add_in_place, args=(x, 1.0))
    child.start()
    child.join()
    assert child.exitcode == 0 and x.tolist() == [1.0, 1.0, 1.0]
    queue = context.Queue()
    child = context.Process(target=take_from_queue_and_scale, args=(queue,))
    child.start()
    queue.put(x)
    child.join()
    assert x.tolist() == [10.0, 10.0, 10.0]


@pytest.mark.parametrize("method", START_METHODS)
def test_a_tensor_that_is_not_shared_is_copied(method):
    context = mp.get_context(method)
    x = torch.zeros(2)
    child = context.Process(target=add_in_place, args=(x, 1.0))
    child.start()
    child.join()
    assert child.exitcode == 0 and x.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_hogwild_two_processes_train_one_shared_model(method):
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1).share_memory()
    assert all(p.is_shared() for p in model.parameters())
    x, y = data(0)
    before = torch.nn.functional.mse_loss(model(x), y).item()
    context = mp.get_context(method)
    workers = [context.Process(target=train, args=(rank, model, 40)) for rank in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.exitcode for w in workers] == [0, 0]
    # The parent trained nothing: what it sees is the workers' updates, in its own model.
    after = torch.nn.functional.mse_loss(model(x), y).item()
    assert after < 0.01 * before, (before, after)
    assert model.weight.detach().reshape(-1).tolist() == pytest.approx([3.0, -2.0], abs=0.05)
    assert model.bias.item() == pytest.approx(1.0, abs=0.05)


def test_spawn_runs_the_function_in_each_process_and_reports_an_error():
    x = torch.zeros(3).share_memory_()
    assert mp.spawn(add_in_place_by_rank, args=(x,), nprocs=3) is None
    assert sorted(x.tolist()) == [1.0, 2.0, 3.0]
    with pytest.raises(mp.ProcessRaisedException, match="ValueError: worker 0 gives up"):
        mp.spawn(fail, nprocs=1)


def add_in_place_by_rank(rank, tensor):
    tensor[rank] = rank + 1.0


def test_what_cannot_be_shared_says_why():
    y = torch.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor which requires_grad"):
        ForkingPickler.dumps(y)         # what a Queue or a spawned Process's arguments go through
    # plain pickle (torch.save) is not changed: a shared tensor is saved by value
    shared = torch.ones(2).share_memory_()
    again = pickle.loads(pickle.dumps(shared))
    assert again.tolist() == [1.0, 1.0] and not again.is_shared()
