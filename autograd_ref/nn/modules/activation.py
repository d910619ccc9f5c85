"""Activation functions as layers: ``ReLU``, ``Sigmoid``, ``Tanh``,
``Softmax``, ``LogSoftmax``.

    >>> ReLU()(tensor([-1., 2.]))
    tensor([0., 2.])
"""
from .. import functional as F
from .module import Module


class ReLU(Module):
    """``max(x, 0)`` for each element; ``inplace=True`` overwrites the input.

        >>> ReLU()(tensor([-1., 2.]))
        tensor([0., 2.])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` for each element: squashes into (0, 1).

        >>> Sigmoid()(tensor([0.]))
        tensor([0.5000])
    """

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent of each element: squashes into (-1, 1).

        >>> Tanh()(tensor([0.]))
        tensor([0.])
    """

    def forward(self, input):
        return F.tanh(input)


class Softmax(Module):
    """Turns each slice along ``dim`` into probabilities that sum to one.

        >>> Softmax(dim=1)(tensor([[1., 1.]]))
        tensor([[0.5000, 0.5000]])
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, computed stably; pair it with
    ``NLLLoss``.

        >>> LogSoftmax(dim=1)(tensor([[0., 0.]])).exp()
        tensor([[0.5000, 0.5000]])
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"
