"""Products beyond a matrix times a matrix: batched and accumulated products (``baddbmm``, ``addbmm``,
``addmv``), contractions over chosen dimensions (``tensordot``) and distances between sets of points
(``cdist``). Each forward beside its backward node, named as PyTorch names it.
"""

__all__ = []

# Tensor methods (``x.addmv(...)``): name -> function.
METHODS = {
}
