"""How gradients land in .grad: each leaf gets its own memory, never an array
that another leaf, the caller or a hook can also see."""
import numpy as np

import autograd_ref as ag


def _shares(a, b):
    return np.shares_memory(a.numpy(), b.numpy())


def test_two_leaves_fed_by_one_add_get_separate_gradients():
    x = ag.ones(3, requires_grad=True)
    y = ag.ones(3, requires_grad=True)
    (x + y).sum().backward()
    assert not _shares(x.grad, y.grad)
    x.grad.zero_()
    assert y.grad.tolist() == [1.0, 1.0, 1.0]


def test_two_leaves_fed_one_fresh_gradient_by_an_add_get_separate_gradients():
    # mul's gradient is a new, writable array: add hands that one array to both leaves.
    x = ag.ones(3, requires_grad=True)
    y = ag.ones(3, requires_grad=True)
    ((x + y) * 2).sum().backward()
    assert not _shares(x.grad, y.grad)
    x.grad.zero_()
    assert y.grad.tolist() == [2.0, 2.0, 2.0]


def test_a_leaf_used_as_the_root_does_not_keep_the_callers_gradient():
    x = ag.ones(3, requires_grad=True)
    v = ag.tensor([1.0, 2.0, 3.0])
    x.backward(v)
    assert not _shares(x.grad, v)
    v.zero_()
    assert x.grad.tolist() == [1.0, 2.0, 3.0]


def test_gradient_passed_through_an_add_is_not_the_callers_tensor():
    x = ag.ones(3, requires_grad=True)
    v = ag.tensor([1.0, 2.0, 3.0])
    (x + 1).backward(v)
    v.zero_()
    assert x.grad.tolist() == [1.0, 2.0, 3.0]


def test_a_hook_that_keeps_the_gradient_sees_it_unchanged_by_later_backwards():
    x = ag.ones(2, requires_grad=True)
    kept = []
    y = x * 2
    y.register_hook(kept.append)
    (y + 0).sum().backward()
    (x * 2).sum().backward()
    assert kept[0].tolist() == [1.0, 1.0]
    assert x.grad.tolist() == [4.0, 4.0]


def test_retained_gradient_and_leaf_gradient_are_separate():
    x = ag.ones(2, requires_grad=True)
    y = x + 0
    y.retain_grad()
    y.sum().backward()
    x.grad.zero_()
    assert y.grad.tolist() == [1.0, 1.0]


def test_second_backward_accumulates_in_place():
    x = ag.ones(2, requires_grad=True)
    (x * 3).sum().backward()
    first = x.grad
    (x * 3).sum().backward()
    assert x.grad is first and first.tolist() == [6.0, 6.0]


def test_a_transposed_gradient_does_not_alias_another_leafs_gradient():
    x = ag.ones(2, 3, requires_grad=True)
    y = ag.ones(3, 2, requires_grad=True)
    (x + y.t()).sum().backward()
    x.grad.zero_()
    assert y.grad.tolist() == [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]


def test_a_broadcast_gradient_is_copied_before_accumulating_into_it():
    b = ag.ones(3, requires_grad=True)
    c = b.expand(2, 3)
    c.sum().backward()
    c.sum().backward()
    assert b.grad.tolist() == [4.0, 4.0, 4.0]
