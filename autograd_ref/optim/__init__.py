"""``autograd_ref.optim``: algorithms that update parameters from their gradients.

    >>> opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()

``optimizer.py`` holds what every optimizer shares (parameter groups, state,
``zero_grad``, ``state_dict``); each algorithm has its own file with its
update written out; ``lr_scheduler`` changes learning rates between epochs.
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam",
           "Adadelta", "Rprop", "ASGD", "LBFGS", "lr_scheduler"]
