"""A PyTorch nn.Module built from a Basin model spec: the same layers, in the same order, so that
PyTorch's parameters line up with Basin's θ one tensor at a time.

The layer types are those Basin's ModelSpec accepts; "basicblock" is torchvision's BasicBlock.
Only torch is needed (no numpy, no torchvision), so that the GPU benchmark can use this module on a
machine whose Python has nothing but PyTorch. Used by pytorch_crosscheck.py and
benchmarks/pytorch/gpu_bench.py.
"""
import math

import torch.nn as nn


class BasicBlock(nn.Module):
    """torchvision's BasicBlock, with a 1×1 conv + BN projection when the shape changes."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


def build(spec):
    """The nn.Sequential of spec = {"input": [...], "layers": [...]}, tracking the shape layer by layer."""
    shape = list(spec["input"])
    layers = []
    for l in spec["layers"]:
        t = l["type"]
        if t == "flatten":
            layers.append(nn.Flatten())
            shape = [math.prod(shape)]
        elif t == "linear":
            layers.append(nn.Linear(shape[0], l["out"]))
            shape = [l["out"]]
        elif t == "relu":
            layers.append(nn.ReLU())
        elif t == "conv2d":
            k, s, p = l["kernel"], l.get("stride", 1), l.get("padding", 0)
            layers.append(nn.Conv2d(shape[0], l["out"], k, s, p, bias=l.get("bias", True)))
            shape = [l["out"], (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1]
        elif t in ("maxpool2d", "avgpool2d"):
            k = l["kernel"]
            s, p = l.get("stride", k), l.get("padding", 0)
            layers.append((nn.MaxPool2d if t == "maxpool2d" else nn.AvgPool2d)(k, s, p))
            shape = [shape[0], (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1]
        elif t == "adaptiveavgpool2d":
            layers.append(nn.AdaptiveAvgPool2d(1))
            shape = [shape[0], 1, 1]
        elif t == "batchnorm2d":
            layers.append(nn.BatchNorm2d(shape[0]))
        elif t == "batchnorm1d":
            layers.append(nn.BatchNorm1d(shape[0]))
        elif t == "dropout":
            layers.append(nn.Dropout(l["p"]))
        elif t == "basicblock":
            s = l.get("stride", 1)
            layers.append(BasicBlock(shape[0], l["out"], s))
            shape = [l["out"], (shape[1] + 2 - 3) // s + 1, (shape[2] + 2 - 3) // s + 1]
        else:
            raise ValueError("unknown layer type " + t)
    return nn.Sequential(*layers)
