"""Layer normalisation: each sample normalised over its last dims, then scaled and shifted.

(Batch normalisation, which normalises each channel over the batch, is in ``conv.py`` with the other
layers of convolutional networks.)

    >>> layer_norm(tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
"""
from ..autograd.graph import Node, edge_to
from ..tensor import make_tensor
from .common import _fw, _state, attach, check_same_device


class NativeLayerNormBackward0(Node):
    """With x_hat = (x - mean) / sqrt(var + eps) over the normalised dims, out = x_hat * weight + bias.
    The mean and variance depend on x, which gives the two extra terms of the input's gradient; written
    with tensor operations, so that create_graph=True differentiates it again."""
    __slots__ = ("dims", "eps")

    def backward(self, grad):
        x, weight = self.saved_tensors
        mean = x.mean(self.dims, keepdim=True)
        rstd = ((x - mean).square().mean(self.dims, keepdim=True) + self.eps).rsqrt()
        x_hat = (x - mean) * rstd
        batch_dims = tuple(range(x.dim() - len(self.dims)))
        grad_input = grad_weight = grad_bias = None
        if self.next_functions[0][0] is not None:
            g = grad if weight is None else grad * weight
            grad_input = (g - g.mean(self.dims, keepdim=True)
                          - x_hat * (g * x_hat).mean(self.dims, keepdim=True)) * rstd
        if self.next_functions[1][0] is not None:
            grad_weight = (grad * x_hat).sum(batch_dims) if batch_dims else grad * x_hat
        if self.next_functions[2][0] is not None:
            grad_bias = grad.sum(batch_dims) if batch_dims else grad
        return grad_input, grad_weight, grad_bias


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` dims to mean 0 and variance 1 (biased), then
    multiply by ``weight`` and add ``bias`` (both of ``normalized_shape``)."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    n = len(normalized_shape)
    if n == 0 or tuple(input.shape[-n:]) != normalized_shape or input.dim() < n:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(normalized_shape)}")
    check_same_device(input, weight, bias)
    xp = input._device.xp
    x = input._data
    dims = tuple(range(x.ndim - n, x.ndim))
    mean = x.mean(axis=dims, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=dims, keepdims=True)
    out = centred / xp.sqrt(var + xp.asarray(eps, dtype=var.dtype))
    if weight is not None:
        out = out * weight._data
    if bias is not None:
        out = out + bias._data
    res = make_tensor(out.astype(x.dtype, copy=False), input._device)
    if _state.enabled and any(t is not None and t._requires_grad for t in (input, weight, bias)) or _fw.active:
        node = NativeLayerNormBackward0(tuple(edge_to(t) if t is not None else (None, 0)
                                              for t in (input, weight, bias)))
        node.save_for_backward(input, weight)
        node.dims, node.eps = dims, eps
        attach(res, node)
    return res
