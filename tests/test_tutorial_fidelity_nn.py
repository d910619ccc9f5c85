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


def test_dcgan_tutorial_step_runs_with_leaky_relu_in_place():
    # beginner_source/dcgan_faces_tutorial.py, scaled down: its generator (ConvTranspose2d, BatchNorm2d,
    # ReLU(True), Tanh) and discriminator (Conv2d, LeakyReLU(0.2, inplace=True), BatchNorm2d, Sigmoid), its
    # weights_init, BCELoss and Adam(betas=(0.5, 0.999)), and one training iteration as the tutorial writes it.
    nz, ngf, ndf, nc = 8, 4, 4, 3
    netG = nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False), nn.Tanh())
    netD = nn.Sequential(
        nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False), nn.Sigmoid())

    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find("BatchNorm") != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)

    torch.manual_seed(0)
    netG.apply(weights_init)
    netD.apply(weights_init)
    criterion = nn.BCELoss()
    optimizerD = torch.optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
    optimizerG = torch.optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
    before = [p.detach().clone() for p in netD.parameters()]

    netD.zero_grad()
    real = torch.randn(5, nc, 16, 16)
    label = torch.full((5,), 1.0, dtype=torch.float)
    errD_real = criterion(netD(real).view(-1), label)
    errD_real.backward()
    noise = torch.randn(5, nz, 1, 1)
    fake = netG(noise)
    assert fake.shape == (5, nc, 16, 16)
    label.fill_(0.0)
    errD_fake = criterion(netD(fake.detach()).view(-1), label)
    errD_fake.backward()
    optimizerD.step()
    netG.zero_grad()
    label.fill_(1.0)
    errG = criterion(netD(fake).view(-1), label)
    errG.backward()
    optimizerG.step()

    assert all(numpy.isfinite(v.item()) for v in (errD_real, errD_fake, errG))
    assert all(p.grad is not None for p in netG.parameters())
    assert any(not torch.equal(p, q) for p, q in zip(netD.parameters(), before))
