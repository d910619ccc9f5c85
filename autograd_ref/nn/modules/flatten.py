"""``Flatten``: merge dimensions, typically the feature maps of a conv net
into one vector per sample before a ``Linear``.

    >>> Flatten()(zeros(32, 8, 13, 13)).shape
    autograd_ref.Size([32, 1352])
"""
from .module import Module


class Flatten(Module):
    """Merge dims ``start_dim`` to ``end_dim`` into one (by default all but
    the batch dimension).

        >>> Flatten(0, -1)(zeros(2, 3)).shape
        autograd_ref.Size([6])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
