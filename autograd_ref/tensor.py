"""The Tensor: an array of numbers plus the state autograd needs.

    >>> x = tensor([1., 2.], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    tensor([2., 4.])

The numbers live in ``_data`` (a numpy or CuPy array, chosen by the device in
``_backend``). Operations are defined in ``ops/`` and attached as methods at the
bottom of this file; the backward walk is in ``autograd/engine.py``.
"""
import numbers

import numpy

from . import dtypes
from ._backend import CPU, placement, to_host, transfer
from . import autograd as _autograd
from .autograd import grad_mode
from .autograd.grad_mode import _inference_blocks, _inference_made, _special_modes, _state as _grad_state
from .autograd.graph import _add_hook

_state = grad_mode._state
_ndarray = numpy.ndarray
_new_object = object.__new__


def make_tensor(array, device=CPU, version=None, _inference_blocks=_inference_blocks):
    """Wrap an array (already on ``device``) in a new Tensor; the fast internal
    constructor every operation uses."""
    if type(array) is not _ndarray:
        if device is CPU:
            array = numpy.asarray(array)      # numpy gives scalars for 0-d results
        elif isinstance(array, numpy.generic):
            array = transfer(numpy.asarray(array), CPU, device)
    t = _new_object(Tensor)
    t._data = array
    t._requires_grad = False
    t.grad_fn = None
    # The version counter is a one-element list: views share it; in-place ops bump it.
    t._version_counter = version if version is not None else [0]
    if device is not CPU:
        t._device = device
    if _inference_blocks[0] and _grad_state.inference:
        t._is_inference = True      # made in inference mode: no version counter, never saved for backward
        if not _inference_made[0]:
            _inference_made[0] = True
            _special_modes[0] += 1      # for good: every later save checks for inference tensors
    return t


def legacy_type_name(t):
    """PyTorch's legacy name of a tensor's type, such as ``torch.FloatTensor`` (``torch.cuda.FloatTensor`` on a
    GPU)."""
    return ("torch.cuda." if t._device.type == "cuda" else "torch.") + t.dtype.legacy_name


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

        >>> Tensor(2, 3).shape          # the legacy sized constructor
        autograd_ref.Size([2, 3])
        >>> Tensor([1, 2])              # the legacy data constructor: float32
        tensor([1., 2.])
    """

    __slots__ = ("_data", "_requires_grad", "grad_fn", "_version_counter", "__weakref__", "__dict__")

    # Rarely set state: class-level defaults keep tensor creation cheap.
    _output_nr = 0
    _grad = None
    _grad_accumulator = None
    _retains_grad = False
    _backward_hooks = None
    _post_accumulate_grad_hooks = None
    _base = None
    _device = CPU
    _is_param = False
    _fw_grad = None     # (dual level, tangent) inside forward-mode AD (autograd/forward_ad.py)
    _is_inference = False

    def __init__(self, *args, device=None):
        if len(args) == 1 and isinstance(args[0], Size):
            args = tuple(args[0])          # Tensor(x.size()): a shape, as in PyTorch, not data
        if len(args) == 1 and not isinstance(args[0], numbers.Integral):
            data = _to_array(args[0], dtypes.get_default_dtype(), dtypes.get_default_dtype())
        elif all(isinstance(a, numbers.Integral) for a in args):
            data = numpy.empty(args, dtype=dtypes.get_default_dtype().np)
        else:
            raise TypeError(
                "Tensor() takes sizes (Tensor(4, 3)) or data (Tensor([1, 2])), "
                f"got {args!r}; use autograd_ref.tensor(data) to create from data")
        if device is not None and placement(device) is not CPU:
            self._device = placement(device)
            data = transfer(data, CPU, self._device)
        self._data = data
        self._requires_grad = False
        self.grad_fn = None
        self._version_counter = [0]

    # ---- what a tensor is ----------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape, or one dimension's length: ``x.size(0)``."""
        if dim is None:
            return Size(self._data.shape)
        from .ops.common import normalize_dim
        return self._data.shape[normalize_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self):
        return dtypes._BY_NUMPY[self._data.dtype]

    @property
    def device(self):
        return self._device

    @property
    def is_cuda(self):
        return self._device.type == "cuda"

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def element_size(self):
        return self._data.itemsize

    def data_ptr(self):
        if self._device is not CPU:
            return self._data.data.ptr      # CuPy: the address in GPU memory
        return self._data.__array_interface__["data"][0]

    def is_contiguous(self):
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim=None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[dim]

    # ---- autograd state ------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        # PyTorch's attribute and method word their refusals differently.
        if flag and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        """Start (or stop) recording operations on this leaf; returns self.

            >>> w = randn(3).requires_grad_()
        """
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to "
                "use a computed variable in a subgraph that doesn't require differentiation "
                "use var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        """True for tensors made by the user (or that need no grad): their
        gradient is accumulated into ``.grad``."""
        return self.grad_fn is None

    @property
    def grad(self):
        if (self.grad_fn is not None and not self._retains_grad and self._grad is None
                and _warn_non_leaf_grad[0]):
            import warnings
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, "
                "make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information.",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                    f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                    "the same size")
            if value.dtype is not self.dtype:
                c_names = {"bool": "bool", "int64": "long int", "float32": "float", "float64": "double"}
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{c_names[value.dtype.name]}' to a "
                    f"tensor with grad_dtype '{self.dtype.legacy_name[:-len('Tensor')]}'. The "
                    "gradient must match the tensor's dtype.")
        self._grad = value

    @grad.deleter
    def grad(self):
        """``del x.grad``: the same as ``x.grad = None``."""
        self._grad = None

    @property
    def retains_grad(self):
        return self._retains_grad

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def _version(self):
        """How many times this tensor's memory was changed in place."""
        if self._is_inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._version_counter[0]

    def is_inference(self):
        """True for a tensor made inside ``inference_mode()``: it cannot be saved for backward, nor changed in
        place outside inference mode."""
        return self._is_inference

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward.

            >>> y = x * 2; y.retain_grad()
        """
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return  # a leaf keeps its grad anyway
        if self._retains_grad:
            return
        import weakref
        node = self.grad_fn
        if node._retains_grad is None:
            node._retains_grad = {}
            node._note_hooked()
        node._retains_grad[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a hook
        that returns a tensor replaces the gradient.

            >>> h = x.register_hook(lambda g: g * 2); h.remove()
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._register_tensor_hook(self._output_nr, hook)
        if self._backward_hooks is None:
            self._backward_hooks = {}
        return _add_hook(self._backward_hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after each backward pass has added this leaf's gradient into its ``.grad`` (an
        optimizer step fused into the backward pass, say); the hook returns nothing.

            >>> h = w.register_post_accumulate_grad_hook(lambda p: p.grad.mul_(0.5)); h.remove()
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_accumulate_grad_hooks is None:
            self._post_accumulate_grad_hooks = {}
        return _add_hook(self._post_accumulate_grad_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to the leaves of its
        graph and add it to their ``.grad``.

            >>> (x ** 2).sum().backward()
        """
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def _accumulate_grad(self, grad, owned=False, create_graph=False):
        """What AccumulateGrad does: ``self.grad += grad``, in place unless ``create_graph`` (then the sum is
        recorded). The first gradient is stored without a copy only when the engine says nothing else sees its
        memory (``owned``)."""
        if grad._data.dtype != self._data.dtype:
            grad = grad.to(self.dtype)      # a float32 leaf gets float32 grads, as in PyTorch
        old = self._grad
        if old is None:
            if not create_graph and not owned:
                grad = make_tensor(grad._data.copy(), grad._device)
            self._grad = grad
        elif create_graph:
            self._grad = old + grad       # create_graph: keep the sum differentiable
        else:
            old._data += grad._data
            old._version_counter[0] += 1

    def _reset_grad(self, set_to_none=True):
        """What ``zero_grad`` does to one parameter: drop its ``.grad``, or
        write zeros into it."""
        grad = self._grad
        if grad is None:
            return
        if set_to_none:
            self._grad = None
            return
        # A gradient made with create_graph=True is part of a graph; cut it out
        # before writing zeros into it.
        if grad.grad_fn is not None:
            grad.detach_()
        else:
            grad.requires_grad_(False)
        grad.zero_()

    def detach(self):
        """A new tensor sharing this one's memory (and version counter), cut
        from the graph.

            >>> y = x.detach()      # y.requires_grad is False
        """
        return make_tensor(self._data, self._device, self._version_counter)

    def detach_(self):
        """Cut this tensor from its graph, making it a leaf."""
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        """The same memory as a tensor outside the graph, whose in-place changes
        autograd does not see (prefer ``detach()``)."""
        return make_tensor(self._data, self._device)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self._requires_grad and value._data.dtype.kind != "f":
            raise RuntimeError(
                "data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = value._data
        if value._device is not self._device:
            self._device = value._device

    # ---- leaving the tensor world ---------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        """The numpy array behind this CPU tensor (shared memory).

            >>> x.detach().numpy()
        """
        # As PyTorch: refused only where the result could be mistaken for a recorded value (grad mode on).
        if self._requires_grad and not force and grad_mode.is_grad_enabled():
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self._device is not CPU:
            if force:
                return to_host(self._data, self._device)
            raise TypeError(
                f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() "
                "to copy the tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())

    def __hash__(self):
        return id(self)

    def __repr__(self):
        from ._formatting import tensor_repr
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._requires_grad))

    def share_memory_(self):
        """Move the numbers into shared memory, where other processes see them (``autograd_ref.multiprocessing``).

            >>> w.share_memory_().is_shared()
            True
        """
        from .multiprocessing import share_memory_
        return share_memory_(self)

    def is_shared(self):
        """True if the numbers are in shared memory (``share_memory_``, or received from another process)."""
        return "_shared_buffer" in self.__dict__

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001")
        new = make_tensor(self._data.copy(), self._device)
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = make_tensor(self._grad._data.copy(), self._device)
        memo[id(self)] = new
        return new

    # ---- types -----------------------------------------------------------
    def type(self, dtype=None):
        """With no argument, the legacy type name ('torch.FloatTensor'); else a
        converted tensor: ``x.type(FloatTensor)`` or ``x.type(float64)``."""
        if dtype is None:
            return legacy_type_name(self)
        if isinstance(dtype, str):
            name = dtype.rsplit(".", 1)[-1]
            match = [d for d in dtypes._BY_NUMPY.values() if d.legacy_name == name]
            if not match:
                raise TypeError(f"invalid type: '{dtype}'")
            dtype = match[0]
        elif isinstance(dtype, type) and issubclass(dtype, Tensor) and hasattr(dtype, "_legacy_dtype"):
            dtype = dtype._legacy_dtype
        return self.to(dtype)


_warn_non_leaf_grad = [True]


class Size(tuple):
    """A tensor's shape: a tuple that prints as PyTorch prints it.

        >>> zeros(2, 3).shape
        autograd_ref.Size([2, 3])
    """

    def __repr__(self):
        return f"autograd_ref.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def _rebuild(data, requires_grad):
    t = make_tensor(data)
    t._requires_grad = requires_grad
    return t


def _to_array(data, default_float, dtype=None):
    """Turn Python data, numpy arrays or tensors into a host array PyTorch would make."""
    if isinstance(data, Tensor):
        arr = to_host(data._data, data._device)
    else:
        if isinstance(data, (list, tuple)):
            data = _unwrap_sequence(data)
        arr = numpy.asarray(data)
    if dtype is not None:
        return numpy.array(arr, dtype=dtype.np)
    if arr.dtype.kind == "f":
        if arr.dtype not in (numpy.float32, numpy.float64) or not isinstance(data, numpy.ndarray):
            target = default_float if not isinstance(data, numpy.ndarray) else dtypes.from_numpy_dtype(arr.dtype, convert=True)
            return numpy.array(arr, dtype=target.np)
        return numpy.array(arr)
    if arr.dtype.kind in "iu":
        return numpy.array(arr, dtype=numpy.int64)
    if arr.dtype.kind == "b":
        return numpy.array(arr)
    if arr.size == 0 and arr.dtype.kind in "OU":
        return numpy.zeros(arr.shape, default_float.np)
    raise TypeError(f"can't build a tensor from data of type {arr.dtype} ({type(data).__name__}); "
                    "use numbers, nested lists of numbers, or numpy arrays")


def _unwrap_sequence(seq):
    """Nested lists may hold one-element tensors, as PyTorch allows."""
    out = []
    for item in seq:
        if isinstance(item, Tensor):
            out.append(item._data.tolist() if item._data.ndim else item.item())
        elif isinstance(item, (list, tuple)):
            out.append(_unwrap_sequence(item))
        else:
            out.append(item)
    return out


def _attach_methods():
    """Give Tensor its methods and operators: each is the function of the same
    name in ``ops`` (so ``x.exp()`` is ``exp(x)``)."""
    from .ops import indexing as ix, inplace, linalg, pointwise as pw, reduction as red, shape as sh

    methods = {
        # arithmetic and math
        "add": pw.add, "sub": pw.sub, "subtract": pw.sub, "mul": pw.mul, "multiply": pw.mul,
        "div": pw.div, "divide": pw.div, "true_divide": pw.div, "pow": pw.pow, "neg": pw.neg,
        "negative": pw.neg, "exp": pw.exp, "log": pw.log, "sin": pw.sin, "cos": pw.cos,
        "tanh": pw.tanh, "sigmoid": pw.sigmoid, "relu": pw.relu, "sqrt": pw.sqrt,
        "log1p": pw.log1p, "expm1": pw.expm1, "xlogy": pw.xlogy, "erf": pw.erf, "atan2": pw.atan2,
        "arctan2": pw.atan2,
        "rsqrt": pw.rsqrt, "reciprocal": pw.reciprocal, "abs": pw.abs, "sign": pw.sign,
        "clamp": pw.clamp, "clip": pw.clip, "maximum": pw.maximum, "minimum": pw.minimum,
        "square": pw.square, "floor": pw.floor, "ceil": pw.ceil, "round": pw.round,
        "eq": pw.eq, "ne": pw.ne, "lt": pw.lt, "le": pw.le, "gt": pw.gt, "ge": pw.ge,
        "logical_and": pw.logical_and, "logical_or": pw.logical_or, "logical_not": pw.logical_not,
        "logical_xor": pw.logical_xor, "isnan": pw.isnan, "isinf": pw.isinf, "isfinite": pw.isfinite,
        "equal": pw.equal, "allclose": pw.allclose, "isclose": pw.isclose,
        "floor_divide": pw.floor_divide, "remainder": pw.remainder, "masked_fill": pw.masked_fill,
        # reductions
        "sum": red.sum, "mean": red.mean, "max": red.max, "min": red.min, "argmax": red.argmax,
        "argmin": red.argmin, "norm": red.norm, "var": red.var, "std": red.std, "prod": red.prod,
        "amax": red.amax, "amin": red.amin, "logsumexp": red.logsumexp, "cumsum": red.cumsum,
        "softmax": red.softmax, "log_softmax": red.log_softmax, "all": red.all, "any": red.any,
        # products
        "matmul": linalg.matmul, "mm": linalg.mm, "bmm": linalg.bmm, "dot": linalg.dot, "mv": linalg.mv,
        "outer": linalg.outer, "tril": linalg.tril, "triu": linalg.triu,
        "index_select": ix.index_select, "index_add": ix.index_add, "gather": ix.gather, "scatter": ix.scatter,
        "scatter_add": ix.scatter_add,
        # shapes and copies
        "view": sh.view, "view_as": sh.view_as, "reshape": sh.reshape, "reshape_as": sh.reshape_as,
        "flatten": sh.flatten, "transpose": sh.transpose, "swapaxes": sh.swapaxes, "t": sh.t,
        "permute": sh.permute, "squeeze": sh.squeeze, "unsqueeze": sh.unsqueeze,
        "expand": sh.expand, "expand_as": sh.expand_as, "repeat": sh.repeat, "split": sh.split, "chunk": sh.chunk,
        "unbind": sh.unbind, "clone": sh.clone, "contiguous": sh.contiguous, "to": sh.to,
        "float": sh.float_, "double": sh.double, "long": sh.long, "int": sh.int_, "bool": sh.bool_,
        "cpu": sh.cpu, "cuda": sh.cuda, "select": sh.select, "narrow": sh.narrow,
        # in place
        "add_": inplace.add_, "sub_": inplace.sub_, "mul_": inplace.mul_, "div_": inplace.div_,
        "pow_": inplace.pow_, "clamp_": inplace.clamp_, "zero_": inplace.zero_, "fill_": inplace.fill_,
        "copy_": inplace.copy_, "exp_": inplace.exp_, "log_": inplace.log_, "sin_": inplace.sin_,
        "cos_": inplace.cos_, "tanh_": inplace.tanh_, "sigmoid_": inplace.sigmoid_,
        "relu_": inplace.relu_, "sqrt_": inplace.sqrt_, "abs_": inplace.abs_, "neg_": inplace.neg_,
        "masked_fill_": inplace.masked_fill_,
        # operators
        "__rsub__": pw.rsub, "__rtruediv__": pw.rdiv,
        "__floordiv__": pw.floor_divide, "__rfloordiv__": pw.rfloordiv, "__mod__": pw.remainder, "__pow__": pw.pow,
        "__rpow__": lambda self, base: pw.pow(base, self),
        "__matmul__": linalg.matmul, "__rmatmul__": lambda self, other: linalg.matmul(other, self),
        "__neg__": pw.neg, "__pos__": lambda self: self, "__abs__": pw.abs,
        "__eq__": pw.eq, "__ne__": pw.ne, "__lt__": pw.lt, "__le__": pw.le, "__gt__": pw.gt, "__ge__": pw.ge,
        "__and__": pw.bitwise_and, "__or__": pw.bitwise_or, "__xor__": pw.bitwise_xor,
        "__invert__": pw.bitwise_not,
        "__iadd__": inplace.add_, "__isub__": inplace.sub_, "__imul__": inplace.mul_,
        "__itruediv__": inplace.div_,
        "__getitem__": sh.getitem, "__setitem__": inplace.setitem,
    }
    from . import creation
    from .ops import unary
    methods.update({
        "new_zeros": creation.new_zeros, "new_ones": creation.new_ones, "new_full": creation.new_full,
        "new_empty": creation.new_empty, "new_tensor": creation.new_tensor, "type_as": creation.type_as,
        "where": pw.where_method,
        "tan": unary.tan, "sinh": unary.sinh, "cosh": unary.cosh, "asin": unary.asin, "acos": unary.acos,
        "atan": unary.atan, "arcsin": unary.arcsin, "arccos": unary.arccos, "arctan": unary.arctan,
        "log2": unary.log2, "log10": unary.log10, "trunc": pw.trunc, "fix": pw.fix, "frac": pw.frac,
        "lerp": pw.lerp, "fmod": pw.fmod, "cumprod": red.cumprod, "dist": red.dist,
        "trace": linalg.trace, "addmm": linalg.addmm, "diag": linalg.diag, "diagonal": linalg.diagonal,
        "cross": linalg.cross, "kron": linalg.kron,
        "broadcast_to": sh.broadcast_to, "movedim": sh.movedim, "moveaxis": sh.moveaxis, "unflatten": sh.unflatten,
        "addcmul": pw.addcmul, "addcdiv": pw.addcdiv, "clamp_min": pw.clamp_min, "clamp_max": pw.clamp_max,
        "logaddexp": pw.logaddexp, "hypot": pw.hypot,
        "asinh": unary.asinh, "acosh": unary.acosh, "atanh": unary.atanh, "arcsinh": unary.arcsinh,
        "arccosh": unary.arccosh, "arctanh": unary.arctanh,
    })
    from .ops import products, sampling, selection
    for module in (pw, selection, products, ix, inplace, sampling):     # modules that list their own methods
        methods.update(module.METHODS)
    for name, fn in methods.items():
        setattr(Tensor, name, fn)
    Tensor.T = property(sh._T)
    Tensor.mT = property(lambda self: sh.transpose(self, -2, -1))
    Tensor.__hash__ = lambda self: id(self)


_attach_methods()
