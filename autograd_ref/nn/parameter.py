"""``Parameter``: a tensor that a Module learns.

    >>> w = Parameter(randn(3, 2))
    >>> w.requires_grad, isinstance(w, Tensor)
    (True, True)

A Parameter is an ordinary leaf tensor with one extra meaning: when it is
assigned as an attribute of a :class:`~autograd_ref.nn.Module`, the module
registers it, so that ``module.parameters()`` (and so an optimizer) finds it.
Operations on a Parameter return plain tensors.
"""
from .._backend import CPU
from ..tensor import Tensor, make_tensor


class Parameter(Tensor):
    """A leaf tensor that Modules register as learnable; it shares the memory
    of the tensor it is made from.

        >>> p = Parameter(zeros(2)); p
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """

    _is_param = True

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            from ..creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        # Like ``data.detach()``: the same memory and version counter, but a leaf
        # of its own, whatever graph ``data`` came from.
        self._data = data._data
        self._version_counter = data._version_counter
        self._requires_grad = False
        self.grad_fn = None
        if data._device is not CPU:
            self._device = data._device
        self.requires_grad_(requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        copy = Parameter(make_tensor(self._data.copy(), self._device), self._requires_grad)
        if self._grad is not None:
            copy._grad = make_tensor(self._grad._data.copy(), self._device)
        memo[id(self)] = copy
        return copy

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(make_tensor(data), requires_grad)
