"""Ready-made models built from ``autograd_ref.nn``, named and laid out as
torchvision's, so that their ``state_dict`` keys match.

    >>> from autograd_ref.models import resnet18
    >>> resnet18(num_classes=10)(randn(2, 3, 32, 32)).shape
    autograd_ref.Size([2, 10])
"""
from .resnet import BasicBlock, ResNet, resnet18

__all__ = ["BasicBlock", "ResNet", "resnet18"]
