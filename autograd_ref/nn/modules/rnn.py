"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells, with PyTorch's parameters, shapes and
initialisation, built from differentiable tensor operations.
"""

__all__ = []
