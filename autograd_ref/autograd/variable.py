"""``Variable``: how PyTorch wrapped tensors for autograd before version 0.4.

Today a Tensor carries its own autograd state, so ``Variable(t)`` simply gives
back a tensor; it stays for old code such as the seed articles.

    >>> x = Variable(ones(2, 2), requires_grad=True)
    >>> type(x).__name__
    'Tensor'
"""


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        from ..tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)``: returns a Tensor (a new leaf
    sharing the data)."""

    def __new__(cls, data=None, requires_grad=False, volatile=None):
        from ..tensor import Tensor, make_tensor
        if volatile is not None:
            raise RuntimeError(
                "volatile was removed (Variable.volatile is always False). To compute without "
                "recording a graph, use `with torch.no_grad():` (autograd_ref.no_grad()) instead.")
        if data is None:
            from .. import creation
            return creation.tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = make_tensor(data._data, data._device)
        out.requires_grad_(requires_grad)
        return out
