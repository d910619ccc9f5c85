"""autograd_ref.utils.checkpoint: the same values and gradients as without it, PyTorch's graph (the block's
own nodes without reentrancy, one CheckpointFunctionBackward with it), recomputation with the first run's
random state, and less kept for backward. Values checked against torch 2.13.0."""
import warnings

import pytest

import autograd_ref as ag
from autograd_ref.utils.checkpoint import checkpoint


def block(t):
    h = (t * 2).sin()
    return (h * h).exp().sum(0)


@pytest.mark.parametrize("reentrant", [False, True])
def test_checkpointed_block_gives_the_plain_blocks_values_and_gradients(reentrant):
    x = ag.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], dtype=ag.float64, requires_grad=True)
    plain = block(x)
    (plain * ag.tensor([1., 2., 3.], dtype=ag.float64)).sum().backward()
    want = x.grad.clone()
    x.grad = None
    y = checkpoint(block, x, use_reentrant=reentrant)
    assert y.grad_fn.name() == ("CheckpointFunctionBackward" if reentrant else "SumBackward1")
    assert y.tolist() == pytest.approx(plain.tolist())
    (y * ag.tensor([1., 2., 3.], dtype=ag.float64)).sum().backward()
    assert x.grad.reshape(-1).tolist() == pytest.approx(want.reshape(-1).tolist())
    assert [round(v, 5) for v in x.grad.reshape(-1).tolist()] == [0.81019, 3.33929, 7.69215, 3.34451, 7.38377, 9.66102]


@pytest.mark.parametrize("reentrant", [False, True])
def test_recomputation_sees_the_same_dropout_mask(reentrant):
    ag.manual_seed(0)
    x = ag.ones(1000, requires_grad=True)
    d = checkpoint(lambda t: ag.nn.functional.dropout(t * 3, 0.5), x, use_reentrant=reentrant)
    d.sum().backward()
    assert bool(((x.grad != 0) == (d != 0)).all())


def test_without_reentrancy_the_block_keeps_nothing_of_its_own():
    """What the block's nodes saved are placeholders until backward asks: the first request runs the block
    again, once."""
    calls = []

    def counted(t):
        calls.append(1)
        return block(t)

    x = ag.rand(2, 3, requires_grad=True)
    y = checkpoint(counted, x, use_reentrant=False)
    exp_node = y.grad_fn.next_functions[0][0]
    assert exp_node.name() == "ExpBackward0" and len(calls) == 1
    y.sum().backward()
    assert len(calls) == 2


def test_use_reentrant_left_out_warns_as_pytorch_does():
    x = ag.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="the use_reentrant parameter should be passed explicitly"):
        checkpoint(lambda t: t * 2, x)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        checkpoint(lambda t, scale: t * scale, x, use_reentrant=True, scale=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert checkpoint(lambda t, scale: t * scale, x, use_reentrant=False, scale=2).tolist() == [2.0, 2.0]
