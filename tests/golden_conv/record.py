"""Record golden values from real PyTorch into ``values.json``.

Run by hand, only where torch is installed:

    /path/to/torch-venv/bin/python tests/golden_conv/record.py

It runs every case, error and repr of ``cases.py`` with ``lib=torch``, the
seed's ``Net`` with fixed weights, and ResNet-18 built below from ``torch.nn``
exactly as torchvision builds it (torchvision need not be installed): its
``state_dict`` keys and shapes, its repr, and one training step's outputs and
gradients. ``tests/test_nn_conv.py`` reads the file and never needs torch.
"""
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))       # tests/, so that golden_conv.cases imports

from golden_recording import import_torch  # noqa: E402

torch = import_torch(__file__)
nn = torch.nn

import numpy  # noqa: E402

from golden_conv import cases  # noqa: E402

OUT = os.path.join(HERE, "values.json")
SEED = 20240612


# ---- torchvision's ResNet-18, from torch.nn pieces ---------------------------------------------

class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, layers, num_classes):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(64, layers[0])
        self.layer2 = self._make_layer(128, layers[1], stride=2)
        self.layer3 = self._make_layer(256, layers[2], stride=2)
        self.layer4 = self._make_layer(512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ---- recording ----------------------------------------------------------------------------------

def record_case(case):
    rng = cases.case_rng(case.name)
    arrays = [cases.make_input(spec, rng) for spec in case.inputs]
    result = cases.run_case(torch, case, arrays, cases.case_rng(case.name + "/grad"),
                            cases.case_rng(case.name + "/second"))
    entry = {"inputs": arrays}
    entry.update(result)
    return cases.encode(entry)


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # PyTorch prints some sets of options in the messages it raises; a fixed
        # hash seed keeps their order, and so this file, the same from run to run.
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
    warnings.simplefilter("ignore")     # PyTorch warns about padding='same' with an even kernel
    torch.set_default_dtype(torch.float32)
    rng = numpy.random.default_rng(SEED)
    out = {"torch_version": torch.__version__}
    out["cases"] = {case.name: record_case(case) for case in cases.CASES}
    out["errors"] = {name: cases.run_error(torch, fn) for name, fn in cases.ERRORS.items()}
    out["reprs"] = {name: repr(fn(torch)) for name, fn in cases.REPRS.items()}

    x, target = rng.standard_normal((1, 1, 32, 32)), rng.standard_normal((1, 10))
    out["net"] = cases.encode({"input": x, "target": target, **cases.run_net(torch, x, target)})

    model = ResNet([2, 2, 2, 2], num_classes=10)
    out["resnet18"] = cases.encode({
        "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        "repr": repr(model), **cases.run_resnet(torch, model)})

    # One entry per line: small diffs when something changes.
    lines = ["{"]
    items = list(out.items())
    for i, (section, entry) in enumerate(items):
        sep = "," if i < len(items) - 1 else ""
        if isinstance(entry, dict) and section in ("cases", "errors", "reprs"):
            inner = [f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in entry.items()]
            lines.append(f"{json.dumps(section)}: {{\n" + ",\n".join(inner) + "\n}" + sep)
        else:
            lines.append(f"{json.dumps(section)}: {json.dumps(entry, separators=(',', ':'))}{sep}")
    lines.append("}")
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    json.load(open(OUT))        # it must read back
    print(f"wrote {len(out['cases'])} cases, {len(out['errors'])} errors, {len(out['reprs'])} reprs, "
          f"Net and ResNet-18 to {OUT} ({os.path.getsize(OUT) / 1e6:.2f} MB) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
