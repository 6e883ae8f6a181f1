"""The PyTorch side of the CPU comparison: the same workloads as GemmBench and HvpBench.

- GEMM C = A·B at 128x784x256 and 1024x1024x1024 (float32, torch.mm, i.e. the BLAS PyTorch links).
- Gradient and HVP of the mean cross-entropy of the 784-256-10 MLP at batch 128 and 1024.
  The HVP is PyHessian's: g = autograd.grad(L, θ, create_graph=True), then autograd.grad(g·v, θ)
  (reverse-over-reverse; Basin's is forward-over-reverse, the same number of passes).

Each workload is warmed up, then timed over repeated calls; the median and interquartile range of
the per-call times are printed as Markdown rows matching benchmarks/RESULTS.md.

Run with Debian's PyTorch and OpenBLAS (without libopenblas0 it falls back to a reference BLAS that
is no fair peer):  /usr/bin/python3 benchmarks/pytorch/hvp_bench.py [--threads N]
"""
import argparse
import os
import statistics
import time

import torch


def timed(fn, seconds=8.0, warmup=2.0):
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        fn()
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 10:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    q = statistics.quantiles(samples, n=4)
    return statistics.median(samples), q[2] - q[0], min(samples), max(samples), len(samples)


def row(name, params, stats, derived=""):
    med, iqr, lo, hi, n = stats
    ms = lambda s: f"{s * 1e3:.3g}" if s * 1e3 < 10 else f"{s * 1e3:.1f}"
    print(f"| {name} | {params} | {ms(med)} ms/op | {ms(iqr)} | {ms(lo)} – {ms(hi)} | {n} | {derived} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    # Debian's torch calls the generic libblas.so.3, which the alternatives system points at
    # OpenBLAS when libopenblas0 is installed.
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, libblas.so.3 -> {blas}")
    print("| benchmark | parameters | median | IQR | min – max | n | derived |")
    print("|---|---|---|---|---|---|---|")

    for m, k, n in [(128, 784, 256), (1024, 1024, 1024)]:
        a = torch.rand(m, k) * 2 - 1
        b = torch.rand(k, n) * 2 - 1
        c = torch.empty(m, n)
        stats = timed(lambda: torch.mm(a, b, out=c))
        row("torch.mm", f"shape={m}x{k}x{n}, threads={args.threads}", stats,
            f"{2 * m * n * k / stats[0] / 1e9:.1f} GFLOP/s")

    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10))
    params = list(model.parameters())
    v = [torch.randn_like(p) for p in params]
    for batch in (128, 1024):
        x = torch.rand(batch, 784)
        y = torch.randint(0, 10, (batch,))
        loss_fn = torch.nn.CrossEntropyLoss()

        def gradient():
            return torch.autograd.grad(loss_fn(model(x), y), params)

        def hvp():
            g = torch.autograd.grad(loss_fn(model(x), y), params, create_graph=True)
            gv = sum((gi * vi).sum() for gi, vi in zip(g, v))
            return torch.autograd.grad(gv, params)

        g_stats = timed(gradient)
        h_stats = timed(hvp)
        row("torch gradient", f"batch={batch}", g_stats)
        row("torch hvp (double backward)", f"batch={batch}", h_stats, f"{h_stats[0] / g_stats[0]:.2f} × gradient")


if __name__ == "__main__":
    main()
