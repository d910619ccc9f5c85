"""What the pytorch/tutorials nn, optim and data scripts need from the engine.

Each test is a behaviour one of those tutorials relied on, found by running the
tutorial with PyTorch 2.13 and with ``autograd_ref`` standing in for ``torch``.
Messages and reprs below were printed by PyTorch 2.13.

recipes/defining_a_neural_network.py builds its MNIST net with ``nn.Dropout2d``
and, after ``flatten``, calls it on a 2-D ``(N, features)`` input.
"""
import warnings

import numpy
import pytest

import autograd_ref as torch
from autograd_ref import nn
import autograd_ref.nn.functional as F


def test_dropout2d_module_exists_and_prints_as_pytorch():
    drop = nn.Dropout2d(0.25)
    assert repr(drop) == "Dropout2d(p=0.25, inplace=False)"
    assert isinstance(drop, nn.Dropout)


def test_dropout2d_zeroes_whole_channels_while_training():
    torch.manual_seed(0)
    x = torch.ones(4, 8, 3, 3)
    y = nn.Dropout2d(0.5)(x).numpy()
    planes = y.reshape(4, 8, 9)
    # every (sample, channel) plane is all zeros or all 1 / (1 - p)
    assert numpy.all(planes == planes[:, :, :1])
    assert set(numpy.unique(planes)) <= {0.0, 2.0}
    assert 0 < (planes[:, :, 0] == 0).sum() < 32


def test_dropout2d_in_eval_mode_passes_input_through():
    x = torch.randn(2, 3, 4, 4)
    drop = nn.Dropout2d(0.5).eval()
    assert torch.equal(drop(x), x)
    assert torch.equal(F.dropout2d(x, 0.5, training=False), x)


def test_dropout2d_gradient_is_the_channel_mask():
    torch.manual_seed(1)
    x = torch.ones(2, 6, 2, 2, requires_grad=True)
    y = F.dropout2d(x, p=0.5)
    y.sum().backward()
    assert torch.equal(x.grad, y.detach())


def test_dropout2d_p_one_and_p_zero():
    x = torch.ones(1, 3, 2, 2)
    assert torch.equal(F.dropout2d(x, p=1.0), torch.zeros(1, 3, 2, 2))
    assert torch.equal(F.dropout2d(x, p=0.0), x)


def test_dropout2d_inplace_changes_the_input():
    torch.manual_seed(0)
    x = torch.ones(2, 4, 2, 2)
    out = F.dropout2d(x, p=0.5, inplace=True)
    assert out is x


def test_dropout2d_bad_probability_is_a_value_error():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got -0.1"):
        F.dropout2d(torch.ones(1, 2, 2, 2), p=-0.1)


def test_dropout2d_on_2d_input_warns_and_drops_elements():
    # What defining_a_neural_network.py does after x.flatten(start_dim=1).
    torch.manual_seed(0)
    with pytest.warns(UserWarning, match="dropout2d: Received a 2-D input to dropout2d, which is deprecated"):
        y = F.dropout2d(torch.ones(16, 32), p=0.5)
    values = y.numpy()
    assert set(numpy.unique(values)) <= {0.0, 2.0}
    # one draw per element: rows are not all-or-nothing
    assert any(0 < (row == 0).sum() < 32 for row in values)


def test_dropout2d_on_3d_input_is_channel_wise_1d_dropout():
    torch.manual_seed(0)
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d and assuming that channel-wise"):
        y = F.dropout2d(torch.ones(4, 6, 5), p=0.5)
    values = y.numpy()
    assert numpy.all(values == values[:, :, :1])


def test_dropout2d_on_1d_input_is_an_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions in the input"):
            F.dropout2d(torch.ones(3), p=0.5)


def test_defining_a_neural_network_recipe_runs():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.dropout1 = nn.Dropout2d(0.25)
            self.dropout2 = nn.Dropout2d(0.5)
            self.fc1 = nn.Linear(4 * 13 * 13, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = self.dropout1(x)
            x = x.flatten(start_dim=1)
            x = self.dropout2(self.fc1(x))
            return F.log_softmax(x, dim=1)

    net = Net()
    assert "(dropout1): Dropout2d(p=0.25, inplace=False)" in repr(net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = net(torch.rand(2, 1, 28, 28))
    assert out.shape == (2, 10)
    out.sum().backward()
    assert net.conv1.weight.grad is not None
