"""``Upsample``: ``F.interpolate`` as a layer.

    >>> Upsample(scale_factor=2, mode="nearest")(randn(1, 3, 4, 4)).shape
    autograd_ref.Size([1, 3, 8, 8])
"""
from .. import functional as F
from .module import Module

__all__ = ["Upsample"]


class Upsample(Module):
    """Resize the last 1 or 2 dims to ``size`` or by ``scale_factor`` (give one);
    ``mode`` 'nearest', 'nearest-exact', 'linear' (3-D input) or 'bilinear'
    (4-D input). It has no parameters.

        >>> up = Upsample(size=(6, 8), mode="bilinear", align_corners=True)
        >>> up(randn(2, 3, 3, 4)).shape           # autograd_ref.Size([2, 3, 6, 8])
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(s) for s in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"
