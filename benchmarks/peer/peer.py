"""Basin against PyTorch on the same machine: gradient and HVP of the same networks, batches and
random data, timed alternately case by case so that whatever else loads the machine hits both alike.

For each case (a model and a batch size) it runs `basin bench grad hvp --json` as a subprocess, reads
the two timings and the spec Basin ran, builds the very same network in PyTorch from that spec
(interop/spec_to_torch.py; the parameter counts must be equal), times PyTorch's gradient and HVP the
same way, then goes on to the next case. PyTorch's HVP is PyHessian's double backward:
g = autograd.grad(L, θ, create_graph=True), then autograd.grad(g·v, θ).

Both sides: eval mode, float32, mean cross-entropy, standard Gaussian inputs, uniform random labels,
a Gaussian v; a warm-up (at least two calls), then every call timed until the measuring time has
passed and at least --min-calls calls were made; the median is the number, the interquartile range
and min–max the spread. On the CPU the wall clock; on CUDA, events on the current stream around
each call (TF32 off, as in Basin).

Threads on the CPU: Basin's backend and OpenBLAS get --threads (all processors by default);
PyTorch's own intra-op threads (OpenMP, for oneDNN's convolutions and the element-wise ops) get
--torch-threads, 1 by default as Debian's build starts with: OpenMP threads beside OpenBLAS's on a
small machine spin against each other, and on 2 loaded cores a trial ran PyTorch 2–10× slower with
2 of them (benchmarks/RESULTS.md).

The CPU peer is Debian's PyTorch (python3-torch) on OpenBLAS (libopenblas0): Debian's build reports
BLAS_INFO=generic and calls libblas.so.3, which the alternatives system points at OpenBLAS when it
is installed; without it the reference BLAS is no fair peer, and this script refuses to run.

Usage (benchmarks/peer/run.sh passes its arguments here):
  /usr/bin/python3 benchmarks/peer/peer.py [--quick] [--device cpu|cuda] [--threads T] [--torch-threads T] [--cases 1,2]
"""
import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "interop"))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "pytorch"))     # gpu_bench's gradient and HVP closures

# The rows of issue 13's table: (name in the table, Basin's --model, batch).
CASES = [
    ("MLP 784-256-10", "mlp:784-256-10", 128),
    ("MLP 784-256-10", "mlp:784-256-10", 1024),
    ("MLP 784-256-128-10", "mlp:784-256-128-10", 128),
    ("mlp-vs-cnn CNN", "mlp-vs-cnn-cnn", 128),
    ("noise-regimes CNN", "noise-regimes-cnn", 128),
    ("vanilla CNN (CIFAR)", "vanilla-cnn", 128),
    ("SimpleResNet", "simple-resnet", 32),
    ("ResNet-20", "resnet20", 128),
]


def quantile(sorted_ms, q):
    """Linear interpolation between order statistics, as Basin's CallTimes (and numpy's default)."""
    position = q * (len(sorted_ms) - 1)
    below = int(position)
    above = min(below + 1, len(sorted_ms) - 1)
    return sorted_ms[below] + (position - below) * (sorted_ms[above] - sorted_ms[below])


def summary(ms):
    """The same fields as `basin bench --json`."""
    s = sorted(ms)
    return {"calls": len(s), "median_ms": quantile(s, 0.5), "q1_ms": quantile(s, 0.25), "q3_ms": quantile(s, 0.75),
            "iqr_ms": quantile(s, 0.75) - quantile(s, 0.25), "min_ms": s[0], "max_ms": s[-1]}


class Timer:
    """basin bench's timing rule, for PyTorch: warm up, then time every call on its own."""

    def __init__(self, torch, device, warmup, seconds, min_calls):
        self.torch, self.device = torch, device
        self.warmup, self.seconds, self.min_calls = warmup, seconds, min_calls

    def time(self, call):
        end = time.perf_counter() + self.warmup
        calls = 0
        while calls < 2 or time.perf_counter() < end:
            call()
            calls += 1
        ms = []
        end = time.perf_counter() + self.seconds
        while len(ms) < self.min_calls or time.perf_counter() < end:
            ms.append(self.one_call(call))
        return summary(ms)

    def one_call(self, call):
        if self.device.type != "cuda":
            start = time.perf_counter()
            call()
            return (time.perf_counter() - start) * 1e3
        cuda = self.torch.cuda
        begin, end = cuda.Event(enable_timing=True), cuda.Event(enable_timing=True)
        cuda.synchronize(self.device)
        begin.record()
        call()
        end.record()
        end.synchronize()
        return begin.elapsed_time(end)


def check_blas(torch):
    """The BLAS this torch really calls: named by torch's build, or found among the loaded libraries."""
    config = torch.__config__.show()
    a = torch.rand(64, 64)
    torch.mm(a, a)                      # makes sure the BLAS is loaded
    with open("/proc/self/maps") as maps:
        loaded = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and line.split()[-1].startswith("/")})
    if "openblas" in config.lower() or any("openblas" in path for path in loaded):
        build = re.search(r"BLAS_INFO=(\w+)", config)
        return f"built with BLAS_INFO={build.group(1) if build else '?'}, runs {openblas_config(loaded)}"
    sys.exit("peer: this torch does not use OpenBLAS (torch.__config__: "
             + ", ".join(p.strip() for p in config.split(",") if "BLAS" in p) + f"; loaded BLAS libraries: {loaded or 'none'}).\n"
             "A reference BLAS is no fair peer: apt-get install -y python3-torch libopenblas0, and run Debian's /usr/bin/python3.")


def openblas_config(loaded):
    """OpenBLAS's own account of itself: version, kernel family and threads, from the loaded library."""
    for path in loaded:
        if "libopenblas" in os.path.basename(path):
            library = ctypes.CDLL(path)
            library.openblas_get_config.restype = ctypes.c_char_p
            library.openblas_get_corename.restype = ctypes.c_char_p
            return (f"{library.openblas_get_config().decode()}, {library.openblas_get_corename().decode()} kernels, "
                    f"{library.openblas_get_num_threads()} threads")
    return "loaded: " + ", ".join(loaded)


def basin_case(args, model, batch):
    """`basin bench grad hvp --json` for one case: {operation: record}."""
    command = [os.path.join(ROOT, "basin"), "bench", "grad", "hvp", "--model", model, "--batch", str(batch),
               "--device", args.device, "--seconds", str(args.seconds), "--warmup", str(args.warmup),
               "--min-calls", str(args.min_calls), "--json"]
    if args.device == "cpu":
        command += ["--threads", str(args.threads)]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"peer: {' '.join(command)} failed ({run.returncode}):\n{run.stderr}")
    records = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    return {r["operation"]: r for r in records}


def torch_case(torch, timer, device, spec, batch, seed):
    """PyTorch's gradient and double-backward HVP of the network `spec` describes; also its parameter count."""
    from spec_to_torch import build
    from gpu_bench import gradient_and_hvp
    torch.manual_seed(seed)
    model = build(spec).to(device)
    model.eval()
    x = torch.randn(batch, *spec["input"], device=device)
    with torch.no_grad():
        classes = model(x[:1]).shape[1]
    y = torch.randint(0, classes, (batch,), device=device)
    gradient, hvp = gradient_and_hvp(model, x, y)
    return sum(p.numel() for p in model.parameters()), {"grad": timer.time(gradient), "hvp": timer.time(hvp)}


def cell(r):
    """A table cell: median ms, and the IQR in brackets."""
    return f"{number(r['median_ms'])} [{number(r['iqr_ms'])}]"


def number(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.3g}"


def cpu_name():
    """The processor's model name, as the kernel reports it."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def shown(path):
    """A path as the reader would type it: relative to the repository when it lies inside."""
    relative = os.path.relpath(os.path.abspath(path), ROOT)
    return path if relative.startswith("..") else relative


def load_average():
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                        help="Basin's CPU threads and OpenBLAS's (default: the processors this process may use)")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="PyTorch's own intra-op threads (OpenMP: oneDNN convolutions, element-wise ops) on the CPU; "
                             "OpenBLAS gets --threads (default 1, see RESULTS.md)")
    parser.add_argument("--quick", action="store_true", help="1 s warm-up and 1.5 s per operation instead of 2 s and 6 s")
    parser.add_argument("--seconds", type=float, help="measuring time per operation and side, s")
    parser.add_argument("--warmup", type=float, help="warm-up per operation and side, s")
    parser.add_argument("--min-calls", type=int, default=5, help="fewest timed calls per operation (default 5)")
    parser.add_argument("--cases", help="comma-separated row numbers of the table, 1-based (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="where to write every timing as JSON lines (default: benchmarks/target/peer-DATE.jsonl)")
    args = parser.parse_args()
    args.seconds = args.seconds if args.seconds is not None else 1.5 if args.quick else 6.0
    args.warmup = args.warmup if args.warmup is not None else 1.0 if args.quick else 2.0
    if args.threads < 1 or args.torch_threads < 1:
        sys.exit(f"peer: --threads and --torch-threads must be ≥ 1, got {args.threads} and {args.torch_threads}")
    cases = CASES
    if args.cases:
        try:
            cases = [CASES[int(i) - 1] for i in args.cases.split(",")]
        except (ValueError, IndexError):
            sys.exit(f"peer: --cases takes row numbers 1–{len(CASES)}, got {args.cases}")

    # OpenBLAS reads its thread count when it loads, so before torch is imported.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import torch
    device = torch.device(args.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            sys.exit(f"peer: --device cuda, but this torch {torch.__version__} sees no CUDA device")
        from gpu_bench import set_tf32
        set_tf32(False)                                       # float32 throughout, as Basin
        blas = f"CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, {torch.cuda.get_device_name(device)}"
    else:
        blas = check_blas(torch)
    torch.set_num_threads(args.torch_threads if device.type == "cpu" else args.threads)
    timer = Timer(torch, device, args.warmup, args.seconds, args.min_calls)

    stamp = datetime.datetime.now(datetime.timezone.utc)
    out_path = args.out or os.path.join(ROOT, "benchmarks", "target", f"peer-{stamp:%Y%m%dT%H%M%SZ}.jsonl")
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    java = subprocess.run(["java", "-version"], stderr=subprocess.PIPE, text=True).stderr.splitlines()
    print(f"{stamp:%Y-%m-%d %H:%M} UTC; {cpu_name()}, {os.cpu_count()} processors, "
          f"Basin {args.threads} threads, PyTorch {args.torch_threads} intra-op + OpenBLAS's; {java[1] if len(java) > 1 else java[0]}; "
          f"torch {torch.__version__} ({blas}; oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'}); "
          f"{args.warmup:g} s warm-up, {args.seconds:g} s and ≥ {args.min_calls} calls per operation; load average {load_average()}")
    print("Basin first, then PyTorch, case by case. Cells: median ms per call [IQR]; ratios: throughput, Basin / PyTorch.", flush=True)
    rows = []
    with open(out_path, "w") as out:
        for name, model, batch in cases:
            basin = basin_case(args, model, batch)
            spec = basin["grad"]["spec"]
            parameters, peer = torch_case(torch, timer, device, spec, batch, args.seed)
            if parameters != basin["grad"]["parameters"]:
                sys.exit(f"peer: {model}: PyTorch's network has {parameters} parameters, Basin's {basin['grad']['parameters']}")
            for op in ("grad", "hvp"):
                out.write(json.dumps({"engine": "basin", "case": name, **basin[op]}) + "\n")
                out.write(json.dumps({"engine": "torch", "case": name, "operation": op, "model": model, "batch": batch,
                                      "parameters": parameters, "device": args.device, "threads": args.threads,
                                      "torch_threads": torch.get_num_threads(), "torch": torch.__version__, **peer[op]}) + "\n")
            out.flush()
            rows.append((name, batch, basin, peer))
            print(f"  done: {name}, batch {batch} (load average {load_average()})", file=sys.stderr, flush=True)

    print()
    print("| model | batch | Basin grad | PyTorch grad | grad throughput, Basin / PyTorch "
          "| Basin HVP | PyTorch HVP | HVP throughput, Basin / PyTorch | Basin HVP / grad | PyTorch HVP / grad |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, batch, basin, peer in rows:
        b_grad, b_hvp = basin["grad"]["median_ms"], basin["hvp"]["median_ms"]
        t_grad, t_hvp = peer["grad"]["median_ms"], peer["hvp"]["median_ms"]
        print(f"| {name} | {batch} | {cell(basin['grad'])} | {cell(peer['grad'])} | {t_grad / b_grad:.2f} "
              f"| {cell(basin['hvp'])} | {cell(peer['hvp'])} | {t_hvp / b_hvp:.2f} | {b_hvp / b_grad:.2f} | {t_hvp / t_grad:.2f} |")
    print(f"\nload average at the end: {load_average()}; every timing: {shown(out_path)}")


if __name__ == "__main__":
    main()
