"""The PyTorch side of the GPU comparison: CudaTiming's workloads, timed the same way, printed in
the same tables, so that the two can stand side by side in benchmarks/RESULTS.md.

- SGEMM C = A·B (torch.mm, i.e. cuBLAS) at m×n×k = 1024³, 4096³, 8192³ and the MLP's layer shapes
  128×256×784, 1024×256×784, 256×784×1024; TF32 off (full float32), then on. 2mnk flops per call.
- Gradients and HVPs per second of the mean cross-entropy of the 784-256-10 MLP, batch 128 and
  1024, on the GPU and (unless --no-cpu) on the CPU beside it, as CudaTiming does.
- The same for the study models (the CNNs, SimpleResNet, ResNet-20) at batch 128, in eval mode, on
  the GPU only. They are built from the very specs Basin times: basin.benchmarks.StudySpecs prints
  them as JSON, and interop/spec_to_torch.py turns each into an nn.Module. The parameter count is
  printed so that a reader can check it against CudaTiming's (θ's dimension).

The models run with TF32 off for matmuls and cuDNN convolutions (Basin's default; PyTorch's own
default leaves it on for convolutions), cudnn.benchmark off (PyTorch's default), float32.
The HVP is PyHessian's: g = autograd.grad(L, θ, create_graph=True), then autograd.grad(g·v, θ)
(reverse-over-reverse; Basin's is forward-over-reverse).

Inputs are random (never zeros); each case is warmed up with three calls, then repeated, doubling
the count, until at least half a second of device time has passed, measured with CUDA events on the
current stream. With --device cpu the same code runs with the wall clock instead, so that the
script can be checked on a machine without a GPU; --quick shortens it (fewer shapes, a smaller
study batch, shorter timings).

  java -cp benchmarks/target/benchmarks.jar basin.benchmarks.StudySpecs > study-specs.json
  python3 benchmarks/pytorch/gpu_bench.py --specs study-specs.json                  # on the GPU machine
  /usr/bin/python3 benchmarks/pytorch/gpu_bench.py --device cpu --quick --specs study-specs.json

gpu/run-checks.sh runs it after CudaTiming and keeps its output as pytorch.txt.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

# spec_to_torch lives in interop/ (and in the same place inside the GPU bundle).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "interop"))
from spec_to_torch import build  # noqa: E402

GEMM_SHAPES = [(1024, 1024, 1024), (4096, 4096, 4096), (8192, 8192, 8192),
               (128, 256, 784), (1024, 256, 784), (256, 784, 1024)]
# The MLP's own layer shapes: the square ones take minutes on a small CPU.
QUICK_GEMM_SHAPES = GEMM_SHAPES[3:]
# CudaTiming's rows, in its order and with its names; the specs themselves come from --specs.
STUDY_ROWS = [("noise-regimes-cnn", "noise-regimes CNN"), ("mlp-vs-cnn-cnn", "mlp-vs-cnn CNN"),
              ("vanilla-cnn", "vanilla CNN (CIFAR)"), ("simple-resnet", "SimpleResNet"),
              ("resnet20", "ResNet-20")]


class Timer:
    """Mean milliseconds per call after a warm-up: CUDA events on the GPU, the wall clock on the CPU."""

    def __init__(self, warmup, seconds):
        self.warmup, self.seconds = warmup, seconds

    def ms_per_call(self, device, call):
        for _ in range(self.warmup):
            call()
        if device.type != "cuda":
            reps, start = 0, time.perf_counter()
            while True:
                call()
                reps += 1
                elapsed = time.perf_counter() - start
                if elapsed >= self.seconds:
                    return elapsed * 1e3 / reps
        begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        reps = 1
        while True:
            torch.cuda.synchronize(device)
            begin.record()
            for _ in range(reps):
                call()
            end.record()
            end.synchronize()
            ms = begin.elapsed_time(end)
            if ms >= self.seconds * 1e3 or reps >= 1 << 16:
                return ms / reps
            reps *= 2


def set_tf32(on):
    """TF32 for cuBLAS matmuls and cuDNN convolutions. PyTorch 2.9 replaced allow_tf32 with
    fp32_precision and does not support mixing the two, so this uses whichever this torch has."""
    if hasattr(torch.backends.cuda.matmul, "fp32_precision"):
        precision = "tf32" if on else "ieee"
        torch.backends.cuda.matmul.fp32_precision = precision
        torch.backends.cudnn.conv.fp32_precision = precision
    else:
        torch.backends.cuda.matmul.allow_tf32 = on
        torch.backends.cudnn.allow_tf32 = on


def tf32_state():
    """The settings as torch reports them back, so the output shows what was in force."""
    if hasattr(torch.backends.cuda.matmul, "fp32_precision"):
        return (f"matmul fp32_precision={torch.backends.cuda.matmul.fp32_precision}, "
                f"cuDNN conv fp32_precision={torch.backends.cudnn.conv.fp32_precision}")
    return (f"matmul allow_tf32={torch.backends.cuda.matmul.allow_tf32}, "
            f"cuDNN allow_tf32={torch.backends.cudnn.allow_tf32}")


def gemm(timer, device, m, n, k, tf32):
    a = torch.rand(m, k, device=device) * 2 - 1
    b = torch.rand(k, n, device=device) * 2 - 1
    c = torch.empty(m, n, device=device)
    ms = timer.ms_per_call(device, lambda: torch.mm(a, b, out=c))
    tflops = 2.0 * m * n * k / (ms * 1e-3) / 1e12
    # A CPU reaches a small fraction of a TFLOP/s: more decimals there.
    print(f"| {m}×{n}×{k} | {'on' if tf32 else 'off'} | {ms:.4f} | {tflops:.{1 if device.type == 'cuda' else 3}f} |")


def per_second(ms):
    """Calls per second, as CudaTiming prints them; below 10 (a CPU on a big model) with two digits."""
    rate = 1000 / ms
    return f"{rate:.0f}" if rate >= 10 else f"{rate:.2g}"


def gradient_and_hvp(model, x, y):
    """The two calls to time on one model and batch: ∇L, and H·v for a fixed random v."""
    params = list(model.parameters())
    v = [torch.randn_like(p) for p in params]

    def gradient():
        return torch.autograd.grad(F.cross_entropy(model(x), y), params)

    def hvp():
        g = torch.autograd.grad(F.cross_entropy(model(x), y), params, create_graph=True)
        gv = sum((gi * vi).sum() for gi, vi in zip(g, v))
        return torch.autograd.grad(gv, params)

    return gradient, hvp


def mlp(timer, device, batch):
    torch.manual_seed(42)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)).to(device)
    model.eval()
    x = torch.rand(batch, 784, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    gradient, hvp = gradient_and_hvp(model, x, y)
    grad_ms = timer.ms_per_call(device, gradient)
    hvp_ms = timer.ms_per_call(device, hvp)
    print(f"| | {batch} | torch {device} | {per_second(grad_ms)} | {per_second(hvp_ms)} | {hvp_ms / grad_ms:.2f} |")


def study(timer, device, name, spec, batch):
    torch.manual_seed(7)
    model = build(spec).to(device)
    model.eval()
    parameters = sum(p.numel() for p in model.parameters())
    x = torch.randn(batch, *spec["input"], device=device)
    with torch.no_grad():
        classes = model(x[:1]).shape[1]
    y = torch.randint(0, classes, (batch,), device=device)
    gradient, hvp = gradient_and_hvp(model, x, y)
    grad_ms = timer.ms_per_call(device, gradient)
    hvp_ms = timer.ms_per_call(device, hvp)
    print(f"| {name} | {parameters} | {per_second(grad_ms)} | {per_second(hvp_ms)} | {hvp_ms / grad_ms:.2f} |",
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--specs", required=True, help="JSON object name → model spec, from basin.benchmarks.StudySpecs")
    parser.add_argument("--device", default="cuda", help="cuda (default), cuda:N or cpu")
    parser.add_argument("--quick", action="store_true", help="fewer GEMM shapes, study batch 16, 0.1 s per case")
    parser.add_argument("--no-cpu", action="store_true", help="on a GPU, leave out the MLP's CPU rows")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="CPU threads")
    args = parser.parse_args()
    with open(args.specs) as f:
        specs = json.load(f)
    missing = [key for key, _ in STUDY_ROWS if key not in specs]
    if missing:
        sys.exit(f"gpu_bench: {args.specs} has no spec for {missing}; it has {list(specs)}")
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit(f"gpu_bench: --device {args.device}, but this torch {torch.__version__} sees no CUDA device")
    if device.type == "cuda":
        torch.cuda.set_device(device)   # the events record on the current device's stream
    torch.set_num_threads(args.threads)
    timer = Timer(warmup=1, seconds=0.1) if args.quick else Timer(warmup=3, seconds=0.5)
    study_batch = 16 if args.quick else 128

    if device.type == "cuda":
        print(f"device: {torch.cuda.get_device_name(device)}, torch {torch.__version__}, CUDA {torch.version.cuda}, "
              f"cuDNN {torch.backends.cudnn.version()}; CPU rows: {torch.get_num_threads()} threads")
    else:
        print(f"device: cpu, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print()
    print("| SGEMM m×n×k | TF32 | ms per call | TFLOP/s |")
    print("|---|---|---|---|")
    # TF32 is a tensor-core format: on a CPU there is only the float32 row.
    for tf32 in ((False, True) if device.type == "cuda" else (False,)):
        if device.type == "cuda":
            set_tf32(tf32)
        for m, n, k in (QUICK_GEMM_SHAPES if args.quick else GEMM_SHAPES):
            gemm(timer, device, m, n, k, tf32)
    if device.type == "cuda":
        set_tf32(False)
        print()
        print(f"models: float32, TF32 off as in Basin ({tf32_state()}), cudnn.benchmark={torch.backends.cudnn.benchmark}")
    print()
    print("| 784-256-10 MLP | batch | backend | gradients/s | HVPs/s | HVP / gradient |")
    print("|---|---|---|---|---|---|")
    cpu = torch.device("cpu")
    for batch in (128, 1024):
        mlp(timer, device, batch)
        if device.type == "cuda" and not args.no_cpu:
            mlp(timer, cpu, batch)
    print()
    print(f"| study model (batch {study_batch}, eval) | parameters | gradients/s | HVPs/s | HVP / gradient |")
    print("|---|---|---|---|---|")
    for key, name in STUDY_ROWS:
        study(timer, device, name, specs[key], study_batch)


if __name__ == "__main__":
    main()
