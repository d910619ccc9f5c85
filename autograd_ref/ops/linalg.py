"""Matrix products. ``matmul`` dispatches on the operands' dimensions as PyTorch
does (dot, mv, mm, batched), and each case records the node PyTorch records.

    >>> (ones(2, 3) @ ones(3, 4)).grad_fn      # with requires_grad inputs
    <MmBackward0 object at ...>
"""
from ..autograd.graph import Node
from .common import attach, check_same_device, edges, needs_grad, reduce_to, result


def _needs(node, i):
    return node.next_functions[i][0] is not None


_C_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "bool": "bool"}


def _check_dtypes(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_C_NAMES[a.dtype.name]} "
            f"!= {_C_NAMES[b.dtype.name]}")


def _shape_str(t):
    return "x".join(str(s) for s in t.shape)


class MmBackward0(Node):
    """d(A B) = dA B + A dB, so grad_A = grad B^T and grad_B = A^T grad."""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.saved_tensors
        return (grad.mm(b.t()) if _needs(self, 0) else None,
                a.t().mm(grad) if _needs(self, 1) else None)


def mm(input, mat2):
    """Product of two matrices.

        >>> mm(ones(2, 3), ones(3, 4)).shape
        autograd_ref.Size([2, 4])
    """
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(input)} and {_shape_str(mat2)})")
    return _product(MmBackward0, input, mat2)


class BmmBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        a, b = self.saved_tensors
        return (grad.bmm(b.transpose(1, 2)) if _needs(self, 0) else None,
                a.transpose(1, 2).bmm(grad) if _needs(self, 1) else None)


def bmm(input, mat2):
    """Batched matrix product of two 3-D tensors: ``(b, n, m) @ (b, m, p)``."""
    if input.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    return _product(BmmBackward0, input, mat2)


class DotBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        a, b = self.saved_tensors
        return (grad * b if _needs(self, 0) else None,
                grad * a if _needs(self, 1) else None)


def dot(input, other):
    """Inner product of two 1-D tensors."""
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(
            "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same "
            "number of elements, but got %d and %d elements respectively"
            % (input.shape[0], other.shape[0], input.shape[0], other.shape[0]))
    return _product(DotBackward0, input, other)


class MvBackward0(Node):
    __slots__ = ()

    def backward(self, grad):
        a, v = self.saved_tensors
        return (grad.unsqueeze(1) * v.unsqueeze(0) if _needs(self, 0) else None,
                a.t().mv(grad) if _needs(self, 1) else None)


def mv(input, vec):
    """Matrix times vector."""
    if input.dim() != 2 or vec.dim() != 1:
        raise RuntimeError("vector + matrix @ vector expected, got "
                           f"{input.dim()}, {vec.dim()}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({_shape_str(input)}), vec ({vec.shape[0]})")
    return _product(MvBackward0, input, vec)


class MatmulBackward0(Node):
    """Broadcast batched products: the batch dims of each gradient are summed
    back to that input's shape."""
    __slots__ = ("shapes",)

    def backward(self, grad):
        a, b = self.saved_tensors
        ga = gb = None
        if _needs(self, 0):
            ga = reduce_to(grad.matmul(b.transpose(-1, -2)), self.shapes[0])
        if _needs(self, 1):
            gb = reduce_to(a.transpose(-1, -2).matmul(grad), self.shapes[1])
        return ga, gb


def matmul(input, other):
    """The matrix product, as ``@``: dot for two vectors, ``mv``, ``mm``, and
    broadcast batches for more dimensions.

        >>> matmul(ones(3), ones(3))
        tensor(3.)
    """
    da, db = input.dim(), other.dim()
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        return mm(input.unsqueeze(0), other).squeeze(0)
    if da == 2 and db == 2:
        return mm(input, other)
    if da == 3 and db == 3 and input.shape[0] == other.shape[0]:
        return bmm(input, other)
    # General case: vectors become matrices, batch dims broadcast.
    a = input.unsqueeze(0) if da == 1 else input
    b = other.unsqueeze(-1) if db == 1 else other
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(a)} and {_shape_str(b)})")
    out = _product(MatmulBackward0, a, b, shapes=(a.shape, b.shape))
    if da == 1:
        out = out.squeeze(-2)
    if db == 1:
        out = out.squeeze(-1)
    return out


def _product(node_cls, a, b, shapes=None):
    check_same_device(a, b)
    _check_dtypes(a, b)
    res = result(a._device.xp.matmul(a._data, b._data), a)
    if needs_grad(a, b):
        node = node_cls(edges(a, b))
        node.save_for_backward(a, b)
        if shapes is not None:
            node.shapes = shapes
        attach(res, node)
    return res
