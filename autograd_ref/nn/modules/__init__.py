"""The layers: one concept per file (``module.py`` the base class,
``linear.py``, ``activation.py``, ``container.py``, ``dropout.py``,
``flatten.py``, ``loss.py``)."""
from .module import Module
