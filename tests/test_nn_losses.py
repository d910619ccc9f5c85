"""nn losses against golden values recorded from PyTorch, for every
reduction, and their errors; plus the seeds' training runs.

The golden cases live in ``tests/golden_nn/cases.py`` (recorded by
``tests/golden_nn/record.py``); torch is never imported here.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_nn import cases, check  # noqa: E402

import autograd_ref as torch  # noqa: E402
from autograd_ref import nn  # noqa: E402


@pytest.mark.filterwarnings("ignore:Using a target size")  # mse-bcast broadcasts on purpose
@pytest.mark.parametrize("name", check.case_names("losses"))
def test_loss_matches_pytorch(name):
    problems = check.compare_case(torch, name)
    assert not problems, "\n".join(problems)


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name", check.case_names("losses"))
def test_loss_matches_pytorch_on_gpu(name, gpu):
    torch.set_default_device(gpu)
    problems = check.compare_case(torch, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", check.LOSS_ERRORS)
def test_loss_error_matches_pytorch(name):
    problem = check.compare_error(torch, name)
    assert problem is None, problem


# ---- the seeds' training runs ----------------------------------------------------------------

def test_linear_regression_by_hand_on_the_seeds_numbers():
    """The seed (torch.manual_seed(10), lr 0.05) reaches a loss below 1 at step
    79 in PyTorch. Our random numbers differ from PyTorch's, so this runs the
    loop on PyTorch's own draws (recorded) and follows its losses step by step."""
    seed = check.VALUES["linear_regression"]
    x, y = (torch.tensor(cases.decode_array(seed[k])) for k in ("x", "y"))
    w = torch.tensor(cases.decode_array(seed["w"]), requires_grad=True)
    losses = cases.linear_regression(torch, x, y, w)
    assert losses[-1] < 1 and len(losses) <= 100
    assert losses == pytest.approx(seed["losses"], rel=1e-4)


def test_linear_regression_by_hand_with_our_random_numbers():
    """The same loop on our own draws. At lr 0.05 the outcome depends on the
    draw, in PyTorch too: of seeds 0-49, 39 reach a loss below 1 within 100
    steps in PyTorch and 33 here; the others oscillate slowly or diverge
    (when lr * mean(x²) nears 2). Seed 0 is one that converges."""
    x, y, w = cases.linear_regression_data(torch, seed=0)
    losses = cases.linear_regression(torch, x, y, w)
    assert losses[-1] < 1 and len(losses) <= 100
    assert losses[-1] < losses[0] / 10
    hits = sum(cases.linear_regression(torch, *cases.linear_regression_data(torch, seed=s))[-1] < 1
               for s in range(20))
    assert hits >= 12


def _two_gaussians():
    n_data = torch.ones(100, 2)
    x0 = torch.normal(2 * n_data, 1)
    y0 = torch.zeros(100)
    x1 = torch.normal(-2 * n_data, 1)
    y1 = torch.ones(100)
    return torch.cat((x0, x1), 0), torch.cat((y0, y1), 0)


class LR(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Linear(2, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.features(x))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_logistic_regression_reaches_99_percent(seed):
    """The seed's logistic regression: Linear + Sigmoid + BCELoss, SGD with
    momentum 0.9 at lr 0.01, on two gaussian clouds."""
    optim = pytest.importorskip("autograd_ref.optim",
                                reason="autograd_ref.optim (SGD) is not written yet")
    torch.manual_seed(seed)
    train_x, train_y = _two_gaussians()
    net = LR()
    loss_fn = nn.BCELoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    acc, losses = 0.0, []
    for iteration in range(1000):
        y_pred = net(train_x)
        loss = loss_fn(y_pred.squeeze(), train_y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
        mask = y_pred.ge(0.5).float().squeeze()
        correct = (mask == train_y).sum()
        acc = correct.item() / train_y.size(0)
        if acc > 0.99:
            break
    assert acc >= 0.99, f"accuracy {acc} after {iteration + 1} steps"
    assert losses[-1] < losses[0]
