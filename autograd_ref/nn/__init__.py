"""``autograd_ref.nn``: layers, losses and the Module they are built on.

    >>> from autograd_ref import nn
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))

``Module`` and ``Parameter`` are the base; ``modules/`` holds the layers and
losses; ``functional`` their stateless forms (``F.relu``, ``F.cross_entropy``);
``init`` the ways to fill weights.
"""
from .parameter import Parameter
from .modules import Module
from .modules import Identity, Linear
from .modules import (ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU, ReLU6, Sigmoid, SiLU, Softmax,
                      Softplus, Tanh)
from .modules import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .modules import Dropout, Dropout2d
from .modules import Flatten
from .modules import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss,
                      NLLLoss, SmoothL1Loss)
from . import functional, init
from .modules import Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, LayerNorm
from .modules import Conv1d, GroupNorm, Upsample, ConvTranspose1d, ConvTranspose2d
from .modules import CosineSimilarity, Embedding, PairwiseDistance
from .modules.rnn import *  # noqa: F401,F403 - RNN, LSTM, GRU and their cells
from . import utils  # noqa: E402 - clip_grad_norm_, parameters_to_vector, ...
