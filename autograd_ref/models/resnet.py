"""ResNet-18 (He et al., "Deep Residual Learning for Image Recognition", 2015),
laid out as torchvision's ``resnet18``: the same layer names, so that the
``state_dict`` keys (``layer1.0.conv1.weight``, ...) are the same.

    >>> model = resnet18(num_classes=10)
    >>> model(randn(2, 3, 64, 64)).shape
    autograd_ref.Size([2, 10])

A residual block adds its input to what its layers compute, ``relu(F(x) + x)``:
the gradient then has a path around every block, which is what lets such deep
nets train. No pretrained weights: the weights are initialised as torchvision
initialises them.
"""
from .. import nn
from ..ops.shape import flatten

__all__ = ["BasicBlock", "ResNet", "resnet18"]


def conv3x3(in_planes, out_planes, stride=1):
    """A 3x3 convolution that keeps the size (at stride 1), without bias:
    the batch norm after it has one."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm, plus the shortcut:
    ``relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))``. Where the block
    changes the size or the channels, ``downsample`` (a 1x1 convolution and a
    batch norm) brings ``x`` to the same shape.

        >>> BasicBlock(64, 64)(randn(1, 64, 8, 8)).shape
        autograd_ref.Size([1, 64, 8, 8])
    """

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    """A stem (7x7 convolution at stride 2, batch norm, relu, 3x3 max pool at
    stride 2), four stages of residual blocks (64, 128, 256, 512 channels;
    each stage after the first halves the size), a global average pool and a
    linear classifier.

        >>> ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10).fc
        Linear(in_features=512, out_features=10, bias=True)
    """

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        # torchvision's initialisation: He's, scaled for the relu that follows.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            # Each block then starts as the identity.
            for m in self.modules():
                if isinstance(m, BasicBlock):
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = flatten(self.avgpool(x), 1)
        return self.fc(x)


def resnet18(num_classes=1000, zero_init_residual=False):
    """ResNet-18: two BasicBlocks per stage, 11.7 million parameters with
    1000 classes (no pretrained weights).

        >>> resnet18(num_classes=10).fc.out_features
        10
    """
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes,
                  zero_init_residual=zero_init_residual)
