"""The layers, one concept per file: ``module.py`` (the base class),
``linear.py``, ``activation.py``, ``container.py``, ``dropout.py``,
``flatten.py``, ``loss.py``, ``sparse.py`` (Embedding), ``distance.py``."""
from .module import Module
from .linear import Identity, Linear
from .activation import (ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU, ReLU6, Sigmoid, SiLU, Softmax,
                         Softplus, Tanh)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .dropout import Dropout, Dropout2d
from .flatten import Flatten
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .batchnorm import BatchNorm1d, BatchNorm2d
from .normalization import GroupNorm, LayerNorm
from .upsampling import Upsample
from .sparse import Embedding
from .distance import CosineSimilarity, PairwiseDistance
from .rnn import *  # noqa: F401,F403 - RNN, LSTM, GRU and their cells
