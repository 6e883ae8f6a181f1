#!/usr/bin/env python3
"""Writes the tutorial's dataset: two overlapping clouds of points in the unit square, two classes.

Each point is a 1 x 2 "image" (its two coordinates, as unsigned bytes 0..255, which Basin scales to
[0, 1]) in MNIST's IDX format, so every command reads it like the other IDX datasets. The clouds
overlap, so the loss at a minimum stays well above zero and the Hessian has curvature to look at.
Rerunning this script writes the same bytes: the generator is seeded.
"""
import random
import struct

def cloud(rng, n):
    points, labels = [], []
    for i in range(n):
        label = i % 2
        cx, cy = (0.35, 0.40) if label == 0 else (0.65, 0.60)
        x = min(1.0, max(0.0, rng.gauss(cx, 0.15)))
        y = min(1.0, max(0.0, rng.gauss(cy, 0.15)))
        points.append((round(x * 255), round(y * 255)))
        labels.append(label)
    return points, labels

def write(prefix, points, labels):
    with open(prefix + "-images-idx3-ubyte", "wb") as f:
        f.write(struct.pack(">IIII", 0x00000803, len(points), 1, 2))
        for x, y in points:
            f.write(bytes([x, y]))
    with open(prefix + "-labels-idx1-ubyte", "wb") as f:
        f.write(struct.pack(">II", 0x00000801, len(labels)))
        f.write(bytes(labels))

rng = random.Random(18)
write("train", *cloud(rng, 64))
write("t10k", *cloud(rng, 32))
