"""The four dtypes autograd_ref supports, and PyTorch's rules for mixing them.

    >>> promote_types(int64, float32)
    autograd_ref.float32
"""
import numpy


class dtype:
    """A tensor element type; ``autograd_ref.float32`` is the default.

        >>> float64.is_floating_point, float64.itemsize
        (True, 8)
    """

    __slots__ = ("name", "np", "category", "is_floating_point", "itemsize", "legacy_name")

    def __init__(self, name, np_dtype, category, legacy_name):
        self.name = name
        self.np = numpy.dtype(np_dtype)
        self.category = category          # 0 bool, 1 integer, 2 floating
        self.is_floating_point = category == 2
        self.itemsize = self.np.itemsize
        self.legacy_name = legacy_name     # the name PyTorch's legacy type() returns

    def __repr__(self):
        return f"autograd_ref.{self.name}"

    def __reduce__(self):
        return self.name


bool_ = dtype("bool", numpy.bool_, 0, "BoolTensor")
int64 = dtype("int64", numpy.int64, 1, "LongTensor")
float32 = dtype("float32", numpy.float32, 2, "FloatTensor")
float64 = dtype("float64", numpy.float64, 2, "DoubleTensor")

_BY_NUMPY = {d.np: d for d in (bool_, int64, float32, float64)}
_DEFAULT_FLOAT = [float32]


def from_numpy_dtype(np_dtype, *, convert=False):
    """The autograd_ref dtype for a numpy dtype.

    With ``convert=True`` the other numpy kinds map to their nearest supported
    type (int8..uint32 -> int64, float16 -> float32); otherwise they are refused.
    """
    np_dtype = numpy.dtype(np_dtype)
    found = _BY_NUMPY.get(np_dtype)
    if found is not None:
        return found
    if convert:
        if np_dtype.kind in "iu":
            return int64
        if np_dtype.kind == "f":
            return _DEFAULT_FLOAT[0] if np_dtype.itemsize < 4 else float64
        if np_dtype.kind == "b":
            return bool_
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types are: "
        "float64, float32, int64, and bool.")


def get_default_dtype():
    """The dtype of new floating tensors (float32 unless changed).

        >>> get_default_dtype()
        autograd_ref.float32
    """
    return _DEFAULT_FLOAT[0]


def set_default_dtype(d):
    """Make ``d`` (float32 or float64) the dtype of new floating tensors."""
    if d not in (float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _DEFAULT_FLOAT[0] = d


def promote_types(a, b):
    """The smallest dtype that holds both ``a`` and ``b``.

        >>> promote_types(bool_, int64)
        autograd_ref.int64
    """
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    return a if a.itemsize >= b.itemsize else b


def scalar_dtype(value):
    """The dtype PyTorch gives a Python number: bool, int64 or the default float."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    return _DEFAULT_FLOAT[0]


def _category_of_scalar(value):
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return 1
    return 2


def result_type(*operands):
    """PyTorch's type promotion for an operation's operands.

    Tensors with dimensions decide first; zero-dim tensors only when they are of a
    higher category (bool < integer < floating); Python numbers only when they
    are higher still, and then they bring the default type of their category.

        >>> result_type(tensor([1, 2]), 2.5)
        autograd_ref.float32
    """
    dimmed = zero_dim = None
    scalar_category = -1
    for op in operands:
        d = getattr(op, "dtype", None)
        if d is None:
            scalar_category = max(scalar_category, _category_of_scalar(op))
        elif op.ndim:
            dimmed = d if dimmed is None else promote_types(dimmed, d)
        else:
            zero_dim = d if zero_dim is None else promote_types(zero_dim, d)
    result = dimmed
    if zero_dim is not None and (result is None or zero_dim.category > result.category):
        result = zero_dim
    if result is None or scalar_category > result.category:
        result = (bool_, int64, _DEFAULT_FLOAT[0])[scalar_category]
    return result
