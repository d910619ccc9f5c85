"""``torch.linalg``: linear algebra on matrices and batches of matrices, differentiable.

    >>> import autograd_ref as torch
    >>> torch.linalg.det(torch.eye(2))
    tensor(1.)
"""

__all__ = []
