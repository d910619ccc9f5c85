"""Matrix products: ``mm``, ``bmm``, ``dot``, ``mv``, each one node, and ``matmul``
(``@``), composed of them and of views as PyTorch composes it, so that its graph
shows the nodes PyTorch's shows.

    >>> (ones(2, 3) @ ones(3, 4)).grad_fn      # with requires_grad inputs
    <MmBackward0 object at ...>
"""
import math
import warnings

from .._backend import matrix_product
from ..autograd.graph import Node, edge_to
from ..tensor import Tensor, make_tensor
from .common import (_fw, _grad_off, _special_modes, _state, attach, check_broadcastable, check_same_device, edges, maybe_out,
                     needs_grad, new_node, normalize_dim, reduce_to)
from .shape import SqueezeBackward0, _unsafe_view, _view_of


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
    SAVED = ("self", "mat2")
    SAVED_ATTRIBUTES = (("self_sym_sizes", "sizes1"), ("self_sym_strides", "strides1"),
                        ("mat2_sym_sizes", "sizes2"), ("mat2_sym_strides", "strides2"))
    __slots__ = ("sizes1", "strides1", "sizes2", "strides2")

    def backward(self, grad):
        a, b = self.saved_tensors
        return (mm_mat1_backward(grad, b, self.sizes1, self.strides1) if _needs(self, 0) else None,
                mm_mat2_backward(grad, a, self.sizes2, self.strides2) if _needs(self, 1) else None)

    def backward_arrays(self, grad, device):
        a, b = self.saved_tensors
        (need_a, _), (need_b, _) = self.next_functions
        return (mm_mat1_backward_array(grad, b._data, self.sizes1, self.strides1, device)
                if need_a is not None else None,
                mm_mat2_backward_array(grad, a._data, self.sizes2, self.strides2, device)
                if need_b is not None else None)


def matrix_layout(data):
    """A matrix's sizes and strides (in elements), which its gradient's layout follows."""
    size = data.itemsize
    return data.shape, (data.strides[0] // size, data.strides[1] // size)


def _column_major(sizes, strides):
    """A matrix stored column by column: the transpose of a contiguous one, such as a Linear's ``weight.t()``."""
    return strides[0] == 1 and strides[1] == sizes[0]


def mm_mat1_backward(grad, mat2, sizes1, strides1):
    """The gradient of ``mat1`` in ``mat1 @ mat2``, ``grad @ mat2.T``, computed in mat1's layout (as PyTorch
    does): a column-major mat1 gets ``(mat2 @ grad.T).T``, the same numbers stored column by column."""
    if _column_major(sizes1, strides1):
        return mat2.mm(grad.t()).t()
    return grad.mm(mat2.t())


def mm_mat2_backward(grad, mat1, sizes2, strides2):
    """The gradient of ``mat2`` in ``mat1 @ mat2``, ``mat1.T @ grad``, computed in mat2's layout: a Linear's
    weight enters as ``weight.t()``, and its gradient then arrives in the weight's own memory order, ready for
    the optimizer (a transposed one makes every update walk memory against its order)."""
    if _column_major(sizes2, strides2):
        return grad.t().mm(mat1).t()
    return mat1.t().mm(grad)


def mm_mat1_backward_array(grad, mat2, sizes1, strides1, device):
    """:func:`mm_mat1_backward` on arrays (a node's ``backward_arrays``)."""
    if _column_major(sizes1, strides1):
        return matrix_product(mat2, grad.T, device).T
    return matrix_product(grad, mat2.T, device)


def mm_mat2_backward_array(grad, mat1, sizes2, strides2, device):
    """:func:`mm_mat2_backward` on arrays (a node's ``backward_arrays``)."""
    if _column_major(sizes2, strides2):
        return matrix_product(grad.T, mat1, device).T
    return matrix_product(mat1.T, grad, device)


def mm(input, mat2):
    """Product of two matrices.

        >>> mm(ones(2, 3), ones(3, 4)).shape
        autograd_ref.Size([2, 4])
    """
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(input)} and {_shape_str(mat2)})")
    return _product(MmBackward0, input, mat2)


class BmmBackward0(Node):
    SAVED = ("self", "mat2")
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
    SAVED = ("self", "tensor")
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
    SAVED = ("self", "vec")
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


# ---- matmul, composed as PyTorch composes it ---------------------------------------
#
# PyTorch's matmul (``_matmul_impl`` in aten/src/ATen/native/LinearAlgebra.cpp) is no
# operation of its own: it picks dot, mv or mm for vectors and matrices, and for more
# dims reshapes the operands into one mm, mv or bmm and views the result back. Each
# step is a differentiable op with its node, so the graph shows them all, and so does
# this one. ``matmul`` picks the case; one function per case follows.

def matmul(input, other, *, out=None):
    """The matrix product, as ``@``: dot for two vectors, ``mv``, ``mm``, and
    broadcast batches for more dimensions (written into ``out`` when given).

        >>> matmul(ones(3), ones(3))
        tensor(3.)
        >>> (ones(4, 2, 3, requires_grad=True) @ ones(3, 5)).grad_fn    # batch folded into one mm
        <UnsafeViewBackward0 object at ...>
    """
    if out is not None:
        return maybe_out(matmul(input, other), out, "matmul")
    da, db = input._data.ndim, other._data.ndim
    if da == 2 and db == 2:     # the most common, first
        return mm(input, other)
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        return _vector_matrix(input, other)
    if _should_fold(input, other):
        return _folded(input, other)
    return _batched(input, other)


def _vector_matrix(vector, matrix):
    """1-D @ 2-D: the vector as a one-row matrix, mm, then the row dropped in place."""
    return _squeeze_(mm(vector.unsqueeze(0), matrix), 0)


def _should_fold(tensor1, tensor2):
    """ATen's ``should_fold``: use one mm or mv, with the batch of the operand that has
    3 or more dims folded into its rows, when the other operand has 1 or 2 dims and

    - the smaller operand requires grad (else it would be expanded to the batch for a
      bmm, and its gradient computed as a whole batch of copies, then summed), or
    - the larger one's leading dims fold into rows without a copy; not for a matrix on
      the left, whose product would come out transposed and need a copy anyway.

    A batch on the right is folded as ``tensor2.mT``; here only its strides are needed.
    """
    if tensor1.dim() >= tensor2.dim():
        small, shape, strides = tensor2, list(tensor1.shape), list(tensor1.stride())
    else:
        small, shape, strides = tensor1, list(tensor2.shape), list(tensor2.stride())
        shape[-2], shape[-1] = shape[-1], shape[-2]             # those of tensor2.mT
        strides[-2], strides[-1] = strides[-1], strides[-2]
    if not (len(shape) >= 3 and small.dim() <= 2):
        return False
    if small.requires_grad:
        return True
    if tensor1.dim() == 2:
        return False
    if math.prod(shape) == 0:
        return True
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


def _folded(tensor1, tensor2):
    """N-D @ 1-D or 2-D: the batch folded into the rows of one mm or mv, whose result
    is viewed with the batch again. 1-D or 2-D @ N-D the same way on the transposes,
    as ``(b.mT @ a.T).mT``, copied to be contiguous."""
    transpose = tensor2.dim() > tensor1.dim()
    if transpose:
        t1, t2 = tensor2.mT, (tensor1.t() if tensor1.dim() == 2 else tensor1)
    else:
        t1, t2 = tensor1, tensor2
    rows = tuple(t1.shape[:-1])
    folded = t1.reshape(math.prod(rows), t1.shape[-1])     # a copy if the batch does not fold
    if t2.dim() == 1:
        return _unsafe_view(folded.mv(t2), rows)
    out = _unsafe_view(folded.mm(t2), rows + (t2.shape[1],))
    return out.mT.contiguous() if transpose else out


def _batched(tensor1, tensor2):
    """Everything else (a batch on both sides, or one that should not fold): broadcast
    the batch dims, expand both operands to them, flatten the batch into one dim, bmm,
    and view the result with the batch again. A vector on the left takes part as one
    row, on the right as one column (squeezed away after the bmm)."""
    da, db = tensor1.dim(), tensor2.dim()
    # (n, m1) @ (m2, p) per batch entry; bmm checks m1 == m2, in PyTorch's words
    n = tensor1.shape[-2] if da > 1 else 1
    m1 = tensor1.shape[-1]
    m2 = tensor2.shape[-2] if db > 1 else tensor2.shape[0]
    p = tensor2.shape[-1] if db > 1 else 1
    batch1, batch2 = tuple(tensor1.shape[:-2]), tuple(tensor2.shape[:-2])
    # 3-D @ 3-D with a batch of 1 on a side that requires grad: drop that batch and fold
    # instead (the reason is should_fold's: no batch of copies in the backward).
    if da == 3 and db == 3 and batch1[0] != batch2[0]:
        if batch1[0] == 1 and tensor1.requires_grad:
            return matmul(tensor1.squeeze(0), tensor2)
        if batch2[0] == 1 and tensor2.requires_grad:
            return matmul(tensor1, tensor2.squeeze(0))
    batch = _broadcast_shapes(batch1, batch2)
    size = math.prod(batch)
    a = tensor1.expand(batch + (n, m1)).reshape(size, n, m1)
    if db == 1:
        b = tensor2.expand(batch + (m2,)).reshape(size, m2).unsqueeze(2)
    else:
        b = tensor2.expand(batch + (m2, p)).reshape(size, m2, p)
    out_shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    product = a.bmm(b)
    return _unsafe_view(product.squeeze(-1) if db == 1 else product, out_shape)


def _broadcast_shapes(shape1, shape2):
    """The shape two batch shapes broadcast to (PyTorch's error if they do not)."""
    check_broadcastable(shape1, shape2)
    n = max(len(shape1), len(shape2))
    shape1 = (1,) * (n - len(shape1)) + shape1
    shape2 = (1,) * (n - len(shape2)) + shape2
    return tuple(s2 if s1 == 1 else s1 for s1, s2 in zip(shape1, shape2))


# The node matmul needs that no other operation records.

class SqueezeBackward4(SqueezeBackward0):
    """``squeeze_(dim)``, in place."""
    __slots__ = ()


def _squeeze_(product, dim):
    """``product.squeeze_(dim)`` on a product that nothing else holds: the squeezed tensor
    takes the product's place in the graph (SqueezeBackward4), with the version 1 that
    the in-place change gives it in PyTorch."""
    shape = product.shape
    out = make_tensor(product._data.reshape(shape[:dim] + shape[dim + 1:]), product._device, [1])
    if _state.enabled and product._requires_grad or _fw.active:
        node = SqueezeBackward4((edge_to(product),))
        node.shape = shape
        attach(out, node)
    return out


def _product(node_cls, a, b):
    """``a @ b`` for two matrices (``MmBackward0``) or two batches of them (``BmmBackward0``), recording
    ``node_cls`` when a gradient will be needed."""
    if a._device is not b._device:
        check_same_device(a, b)
    if a._data.dtype is not b._data.dtype:
        _check_dtypes(a, b)
    x, y = a._data, b._data
    res = make_tensor(matrix_product(x, y, a._device), a._device)
    if not ((a._requires_grad or b._requires_grad) and (not _grad_off or _state.enabled) or _fw.active):
        return res
    special = _special_modes[0]     # a mode that changes recording is on: the general path
    if special:
        next_functions = edges(a, b)
    else:                   # (the edges written out: the mm of a small net's step spends a tenth of its time here)
        fa, fb = a.grad_fn, b.grad_fn
        next_functions = ((fa, a._output_nr) if fa is not None else edge_to(a),
                          (fb, b._output_nr) if fb is not None else edge_to(b))
    # Each gradient needs only the other factor (grad_a = grad b^T, grad_b = a^T grad): keep just that.
    node = new_node(node_cls, next_functions, (a if next_functions[1][0] is not None else None,
                                                b if next_functions[0][0] is not None else None))
    if node_cls is MmBackward0:     # each gradient is computed in its factor's layout
        # (matrix_layout of each factor, written out: its two calls cost the seed net's step about 1%)
        size = x.itemsize
        (a0, a1), (b0, b1) = x.strides, y.strides
        node.sizes1, node.strides1 = x.shape, (a0 // size, a1 // size)
        node.sizes2, node.strides2 = y.shape, (b0 // size, b1 // size)
    if special:
        return attach(res, node)
    res.grad_fn = node
    res._requires_grad = True
    return res


# ---- outer products and triangles -------------------------------------------------------

def outer(input, vec2):
    """``input[i] * vec2[j]`` for two vectors, as PyTorch computes it: a column view times a row.

        >>> outer(tensor([1., 2.]), tensor([1., 10.]))
        tensor([[ 1., 10.],
                [ 2., 20.]])
    """
    if input.dim() != 1 or vec2.dim() != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.dim()}-D"
                           if input.dim() != 1 else f"outer: Expected 1-D argument vec2, but got {vec2.dim()}-D")
    return input.reshape(-1, 1) * vec2


class TrilBackward0(Node):
    """``x.tril(diagonal)``: the gradient of what was kept, nothing for what was zeroed."""
    __slots__ = ("diagonal",)

    def backward(self, grad):
        return tril(grad, self.diagonal)


class TriuBackward0(Node):
    __slots__ = ("diagonal",)

    def backward(self, grad):
        return triu(grad, self.diagonal)


def _triangle(input, diagonal, which, node_cls):
    if input.dim() < 2:
        raise RuntimeError(f"{which}: input tensor must have at least 2 dimensions")
    xp = input._device.xp
    res = make_tensor(getattr(xp, which)(input._data, diagonal), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = node_cls((edge_to(input),))
        node.diagonal = diagonal
        attach(res, node)
    return res


def tril(input, diagonal=0):
    """The lower triangle of the last two dims (from ``diagonal`` down), zeros elsewhere."""
    return _triangle(input, diagonal, "tril", TrilBackward0)


def triu(input, diagonal=0):
    """The upper triangle of the last two dims (from ``diagonal`` up), zeros elsewhere."""
    return _triangle(input, diagonal, "triu", TriuBackward0)


# ---- diagonals and traces ------------------------------------------------------------------

def _diagonal_array(data, offset, dim1, dim2, xp):
    """``data``'s diagonal as a view that can be written through: numpy's own is marked read-only (for
    compatibility, its documentation says), over memory that is writable, so the mark is lifted."""
    view = xp.diagonal(data, offset, dim1, dim2)
    if getattr(data.flags, "writeable", False) and not getattr(view.flags, "writeable", True):
        view.flags.writeable = True
    return view


def _diagonal_dims(ndim, dim1, dim2):
    d1, d2 = normalize_dim(dim1, ndim), normalize_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


class DiagonalBackward0(Node):
    """The diagonal's gradient, placed on the diagonal of zeros of the input's shape."""
    __slots__ = ("shape", "offset", "dim1", "dim2")
    SAVED_ATTRIBUTES = (("self_sym_sizes", "shape"), "offset", "dim1", "dim2")

    def backward(self, grad):
        return diagonal_backward(grad, self.shape, self.offset, self.dim1, self.dim2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the matrices in dims ``dim1`` and ``dim2`` (``offset`` above the main one), as a
    view: the last dim of the result, which shares memory with ``input`` and can be written through.

        >>> diagonal(tensor([[1., 2.], [3., 4.]]))
        tensor([1., 4.])
    """
    d1, d2 = _diagonal_dims(input.dim(), dim1, dim2)
    array = _diagonal_array(input._data, offset, d1, d2, input._device.xp)
    return _view_of(input, array, DiagonalBackward0, shape=input.shape, offset=offset, dim1=d1, dim2=d2)


class DiagonalBackwardBackward0(Node):
    """The graph ``create_graph=True`` records for a diagonal's backward: its gradient is the diagonal again."""
    __slots__ = ("offset", "dim1", "dim2")

    def backward(self, grad):
        return diagonal(grad, self.offset, self.dim1, self.dim2)


def diagonal_backward(grad, shape, offset, dim1, dim2):
    """Zeros of ``shape`` with ``grad`` on the diagonal that :func:`diagonal` takes (PyTorch's
    ``diagonal_backward``), differentiable again.

        >>> diagonal_backward(tensor([1., 2.]), (2, 2), 0, 0, 1)
        tensor([[1., 0.],
                [0., 2.]])
    """
    xp = grad._device.xp
    out = xp.zeros(shape, dtype=grad._data.dtype)
    _diagonal_array(out, offset, dim1, dim2, xp)[...] = grad._data
    res = make_tensor(out, grad._device)
    if _state.enabled and grad._requires_grad or _fw.active:
        node = DiagonalBackwardBackward0((edge_to(grad),))
        node.offset, node.dim1, node.dim2 = offset, dim1, dim2
        attach(res, node)
    return res


class DiagEmbedBackward0(Node):
    """``diag`` of a vector: the gradient is the matrix gradient's diagonal."""
    __slots__ = ("offset",)
    SAVED_ATTRIBUTES = ("offset",)

    def backward(self, grad):
        return diagonal(grad, self.offset, 0, 1)


class DiagonalBackward0_copy(DiagonalBackward0):       # noqa: N801 - PyTorch's name
    """``diag`` of a matrix: a copy of its diagonal (PyTorch's ``diagonal_copy``)."""
    __slots__ = ()


def diag(input, diagonal=0):
    """A vector's matrix (the vector on diagonal ``diagonal``, zeros elsewhere), or a copy of a matrix's
    diagonal.

        >>> diag(tensor([1., 2.]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    ndim = input.dim()
    if ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")
    xp, offset, data = input._device.xp, diagonal, input._data
    if ndim == 2:
        res = make_tensor(_diagonal_array(data, offset, 0, 1, xp).copy(), input._device)
        node_cls, attrs = DiagonalBackward0_copy, {"shape": input.shape, "offset": offset, "dim1": 0, "dim2": 1}
    else:
        n = data.shape[0] + abs(offset)
        out = xp.zeros((n, n), dtype=data.dtype)
        _diagonal_array(out, offset, 0, 1, xp)[...] = data
        res = make_tensor(out, input._device)
        node_cls, attrs = DiagEmbedBackward0, {"offset": offset}
    if _state.enabled and input._requires_grad or _fw.active:
        node = node_cls((edge_to(input),))
        for name, value in attrs.items():
            setattr(node, name, value)
        attach(res, node)
    return res


class TraceBackward0(Node):
    """The trace's gradient: ``grad`` on the diagonal of zeros of the input's shape."""
    __slots__ = ("shape",)
    SAVED_ATTRIBUTES = (("self_sym_sizes", "shape"),)

    def backward(self, grad):
        n = min(self.shape)
        return diagonal_backward(grad.expand(n), self.shape, 0, 0, 1)


def trace(input):
    """The sum of a matrix's main diagonal.

        >>> trace(tensor([[1., 2.], [3., 4.]]))
        tensor(5.)
    """
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    data = input._data
    acc = data.dtype if data.dtype.kind == "f" else input._device.xp.int64
    res = make_tensor(input._device.xp.asarray(data.trace(dtype=acc)), input._device)
    if _state.enabled and input._requires_grad or _fw.active:
        node = TraceBackward0((edge_to(input),))
        node.shape = input.shape
        attach(res, node)
    return res


# ---- addmm, cross, kron ---------------------------------------------------------------------

def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``, ``input`` broadcast to the product's shape (with beta 0,
    ``input`` is ignored, NaNs included).

        >>> addmm(tensor([1., 1.]), ones(2, 3), ones(3, 2), alpha=2)
        tensor([[7., 7.],
                [7., 7.]])
    """
    from ..nn.functional import ScaledAddmmBackward0, _addmm
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.dim() != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.dim()}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(mat1)} and {_shape_str(mat2)})")
    if mat1._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {mat1.dtype.legacy_name[:-6]} and "
                           f"{mat2.dtype.legacy_name[:-6]}")
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {input.dtype.legacy_name[:-6]} and "
                           f"{mat2.dtype.legacy_name[:-6]}")
    target = (mat1.shape[0], mat2.shape[1])
    _check_expandable(input.shape, target)
    if beta == 1 and alpha == 1:
        return _addmm(input, mat1, mat2)
    check_same_device(input, mat1, mat2)
    xp = input._device.xp
    value = xp.matmul(mat1._data, mat2._data)
    if alpha != 1:
        value = value * alpha
    if beta != 0:
        value = value + (input._data if beta == 1 else input._data * beta)
    res = make_tensor(xp.broadcast_to(value, target).astype(input._data.dtype), input._device)
    if _state.enabled and (input._requires_grad or mat1._requires_grad or mat2._requires_grad) or _fw.active:
        node = ScaledAddmmBackward0((edge_to(input), edge_to(mat1), edge_to(mat2)))
        node.save_for_backward(mat1 if node.next_functions[2][0] is not None else None,
                               mat2 if node.next_functions[1][0] is not None else None)
        node.bias_shape, node.alpha, node.beta = input.shape, alpha, beta
        node.sizes1, node.strides1 = matrix_layout(mat1._data)
        node.sizes2, node.strides2 = matrix_layout(mat2._data)
        attach(res, node)
    return res


def _check_expandable(shape, target):
    """PyTorch's error when ``shape`` cannot be expanded to ``target``."""
    for i in range(1, len(shape) + 1):
        if shape[-i] != 1 and (i > len(target) or shape[-i] != target[-i]):
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-i] if i <= len(target) else -1}) must match the "
                f"existing size ({shape[-i]}) at non-singleton dimension {len(target) - i}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(shape)}")


class LinalgCrossBackward0(Node):
    """d(a x b) = da x b + a x db, so a's gradient is b x grad and b's is grad x a."""
    SAVED = ("self", "other")
    SAVED_ATTRIBUTES = ("dim",)
    __slots__ = ("dim", "shapes")

    def backward(self, grad):
        a, b = self.saved_tensors
        return (reduce_to(_linalg_cross(b, grad, self.dim), self.shapes[0]) if _needs(self, 0) else None,
                reduce_to(_linalg_cross(grad, a, self.dim), self.shapes[1]) if _needs(self, 1) else None)


def cross(input, other, dim=None):
    """The cross product of 3-vectors along ``dim`` (the other dims broadcast). Without ``dim``, PyTorch's
    old default: the first dim of size 3, with a warning (``linalg.cross`` takes the last).

        >>> cross(tensor([1., 0., 0.]), tensor([0., 1., 0.]), dim=0)
        tensor([0., 0., 1.])
    """
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _linalg_cross(input, other, dim)


def _linalg_cross(input, other, dim):
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.legacy_name[:-6]} but found "
                           f"{other.dtype.legacy_name[:-6]}")
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = normalize_dim(dim, input.dim())
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. "
                           f"Got {input.shape[d]} and {other.shape[d]}")
    check_same_device(input, other)
    check_broadcastable(input.shape, other.shape)
    xp = input._device.xp
    res = make_tensor(xp.asarray(xp.cross(input._data, other._data, axis=d)), input._device)
    if needs_grad(input, other):
        node = LinalgCrossBackward0(edges(input, other))
        node.save_for_backward(input, other)
        node.dim, node.shapes = d, (input.shape, other.shape)
        attach(res, node)
    return res


def kron(input, other):
    """The Kronecker product: every element of ``input`` times the whole of ``other``, laid out in blocks
    (composed of views and a product, as PyTorch composes it).

        >>> kron(tensor([1., 10.]), tensor([1., 2.]))
        tensor([ 1.,  2., 10., 20.])
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"kron(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    n = max(input.dim(), other.dim())
    sa = (1,) * (n - input.dim()) + tuple(input.shape)
    sb = (1,) * (n - other.dim()) + tuple(other.shape)
    a = _unsafe_view(input, tuple(x for s in sa for x in (s, 1)))
    b = _unsafe_view(other, tuple(x for s in sb for x in (1, s)))
    return _unsafe_view(a * b, tuple(p * q for p, q in zip(sa, sb)))
