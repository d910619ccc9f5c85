"""Every differentiable operation, grouped by kind: ``pointwise``,
``reduction``, ``linalg``, ``shape`` (views and indexing), ``inplace``."""
from . import inplace, linalg, pointwise, reduction, shape  # noqa: F401
