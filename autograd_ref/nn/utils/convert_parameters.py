"""All of a model's parameters as one flat vector, and back.

    >>> vec = parameters_to_vector(model.parameters())      # shape (n,)
    >>> vector_to_parameters(vec * 0.5, model.parameters())

Handy for methods that think of the weights as one point in R^n (line searches,
evolution strategies, measuring how far training moved the weights).
"""
from ...ops.shape import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_same_device(param, first_device):
    """The device of the first parameter; refuses a parameter on another one."""
    if first_device is None:
        return param.device
    if param.device != first_device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return first_device


def _typename(obj):
    """``torch.typename``: ``'list'``, ``'numpy.ndarray'``."""
    cls = type(obj)
    if cls.__module__ in ("", "builtins"):
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def parameters_to_vector(parameters):
    """The parameters flattened and joined into one vector, in order. It is
    computed from them, so gradients flow back to each parameter.

        >>> parameters_to_vector([zeros(2, 2), ones(3)])
        tensor([0., 0., 0., 0., 1., 1., 1.])
    """
    device = None
    pieces = []
    for param in parameters:
        device = _check_same_device(param, device)
        pieces.append(param.view(-1))
    return cat(pieces)


def vector_to_parameters(vec, parameters):
    """Cut ``vec`` into pieces the sizes of the parameters, in order, and make
    each piece the parameter's data (the parameters then share ``vec``'s memory).

        >>> w, b = zeros(2, 2), zeros(3)
        >>> vector_to_parameters(arange(7.0), [w, b]); b
        tensor([4., 5., 6.])
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    device = None
    start = 0
    for param in parameters:
        device = _check_same_device(param, device)
        n = param.numel()
        param.data = vec[start:start + n].view_as(param).data
        start += n
