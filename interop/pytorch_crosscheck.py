"""Cross-check Basin against PyTorch on the same model, weights and data.

For each model spec, this script
  1. builds the same network in PyTorch from the spec (spec_to_torch.build: the layer types Basin's
     ModelSpec accepts, with torchvision's BasicBlock for "basicblock"), initialised by PyTorch from
     a seed;
  2. runs a few train-mode forward passes so that BatchNorm's running statistics and
     num_batches_tracked are not their initial values;
  3. saves the state_dict as safetensors (written here by hand from the format's specification:
     an 8-byte little-endian header length, a JSON header of dtype/shape/data_offsets, raw bytes),
     and a random direction v with the parameters' names;
  4. asks Basin (`./basin eval --json`, `./basin hvp`) for the eval-mode mean cross-entropy and
     H·v over the first N test digits of the bundled MNIST subset;
  5. computes the same in PyTorch in float64 (H·v by double backward) and prints the relative
     differences.

So it checks, in one go, the safetensors names, shapes and byte layout, the layers' forward passes,
and the exact HVP, against an implementation that shares nothing with Basin.

Run from the repository root with Debian's PyTorch:  /usr/bin/python3 interop/pytorch_crosscheck.py
"""
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn

from spec_to_torch import build

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "mnist-subset")
N = 256

SPECS = {
    "mlp": {"input": [1, 28, 28], "layers": [
        {"type": "flatten"}, {"type": "linear", "out": 64}, {"type": "relu"}, {"type": "linear", "out": 10}]},
    "cnn-bn-dropout": {"input": [1, 28, 28], "layers": [
        {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1}, {"type": "batchnorm2d"}, {"type": "relu"},
        {"type": "maxpool2d", "kernel": 2},
        {"type": "conv2d", "out": 12, "kernel": 3, "stride": 2, "padding": 1}, {"type": "batchnorm2d"}, {"type": "relu"},
        {"type": "maxpool2d", "kernel": 2}, {"type": "dropout", "p": 0.25},
        {"type": "flatten"}, {"type": "linear", "out": 32}, {"type": "batchnorm1d"}, {"type": "relu"},
        {"type": "dropout", "p": 0.5}, {"type": "linear", "out": 10}]},
    "resnet-ish": {"input": [1, 28, 28], "layers": [
        {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1, "bias": False}, {"type": "batchnorm2d"}, {"type": "relu"},
        {"type": "basicblock", "out": 8}, {"type": "basicblock", "out": 16, "stride": 2},
        {"type": "avgpool2d", "kernel": 2}, {"type": "adaptiveavgpool2d", "output": 1},
        {"type": "flatten"}, {"type": "linear", "out": 10}]},
}


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        dtype = {np.float32: "F32", np.int64: "I64"}[a.dtype.type]
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dt = {"F32": "<f4", "I64": "<i8"}[e["dtype"]]
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=dt).reshape(e["shape"]).copy())
    return out


def idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def basin(*args):
    return subprocess.run([os.path.join(ROOT, "basin"), *args], check=True, capture_output=True, text=True).stdout


def main():
    images = idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))[:N].astype(np.float64) / 255.0
    labels = torch.from_numpy(idx(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz"))[:N].astype(np.int64))
    x64 = torch.from_numpy(images).unsqueeze(1)
    train = torch.from_numpy(idx(os.path.join(DATA, "train-images-idx3-ubyte.gz"))[:512].astype(np.float32) / 255.0).unsqueeze(1)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in SPECS.items():
            torch.manual_seed(0)
            model = build(spec)
            model.train()
            with torch.no_grad():
                for b in range(0, 512, 128):   # gives BatchNorm running statistics of its own
                    model(train[b:b + 128])
            model.eval()
            spec_path, w_path, v_path, hv_path = (os.path.join(tmp, name + s) for s in
                                                   (".json", ".safetensors", "-v.safetensors", "-hv.safetensors"))
            with open(spec_path, "w") as f:
                json.dump(spec, f)
            save_safetensors(w_path, model.state_dict())
            params = dict(model.named_parameters())
            v = {k: torch.randn_like(p) for k, p in params.items()}
            save_safetensors(v_path, v)

            common = ["--model", spec_path, "--weights", w_path, "--data", DATA, "--split", "test",
                      "--limit", str(N), "--device", "cpu"]
            ev = json.loads(basin("eval", *common, "--json"))
            basin("hvp", *common, "--vector", v_path, "--out", hv_path)
            hv_basin = load_safetensors(hv_path)

            # The reference: the same model in float64, H·v by double backward.
            model64 = build(spec).double()
            model64.load_state_dict({k: t.double() if t.is_floating_point() else t for k, t in model.state_dict().items()})
            model64.eval()
            p64 = [p for _, p in model64.named_parameters()]
            loss = nn.functional.cross_entropy(model64(x64), labels)
            grad = torch.autograd.grad(loss, p64, create_graph=True)
            gv = sum((g * v[k].double()).sum() for g, (k, _) in zip(grad, model64.named_parameters()))
            hv_ref = torch.autograd.grad(gv, p64)
            ref = torch.cat([h.flatten() for h in hv_ref])
            got = torch.cat([hv_basin[k].double().flatten() for k, _ in model64.named_parameters()])
            rel_hv = float((got - ref).norm() / ref.norm())
            rel_loss = abs(ev["loss"] - float(loss)) / float(loss)
            acc = float((model64(x64).argmax(1) == labels).double().mean())
            print(f"{name:15s} params {sum(p.numel() for p in p64):7d}  loss basin {ev['loss']:.7f} torch {float(loss):.7f}"
                  f" (rel {rel_loss:.1e}), accuracy {ev['accuracy']:.4f} vs {acc:.4f}, ‖Hv − Hv_torch‖/‖Hv_torch‖ {rel_hv:.1e}")
            worst = max(worst, rel_hv, rel_loss)
    # Basin computes in float32: agreement to ~1e-5 is float32 rounding; 1e-3 would mean a wrong rule.
    print("worst relative difference", f"{worst:.1e}", "OK" if worst < 1e-4 else "MISMATCH")
    sys.exit(0 if worst < 1e-4 else 1)


if __name__ == "__main__":
    main()
