"""``autograd_ref.nn``: layers, losses and the Module they are built on.

    >>> from autograd_ref import nn
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))

``Module`` and ``Parameter`` are the base; ``modules/`` holds the layers and
losses; ``functional`` their stateless forms (``F.relu``, ``F.cross_entropy``);
``init`` the ways to fill weights.
"""
from .parameter import Parameter
from .modules import *  # noqa: F401,F403 - Module, Linear, ReLU, MSELoss, ...
from . import functional, init
