#!/usr/bin/env bash
# Runs on the GPU machine, from inside a bundle made by gpu/make-bundle.sh:
#   bash BUNDLE/run-checks.sh OUT_DIR [--quick]
# 1. the device and driver (nvidia-smi), and the PTX against this machine's ptxas;
# 2. every CUDA test (kernels: parity of each Backend op and layer kernel, Devices; engine: the MLP
#    HVP on CUDA against the CPU) with the JUnit console, run from the repository's kernels/ so that
#    PtxSourceTest finds the sources;
# 3. ./basin-style device selection: probe lambda-max with --device auto and --device cuda;
# 4. CudaTiming (GEMM TFLOP/s with TF32 off and on, MLP gradient and HVP throughput), unless --quick;
# 5. then PyTorch on the same machine, same workloads (benchmarks/pytorch/gpu_bench.py, the study
#    models built from the specs StudySpecs writes), if python3 has torch with CUDA: a missing
#    PyTorch is reported in pytorch.txt and does not fail the run, a failing script does.
# Logs go to OUT_DIR. BASIN_CUBLAS13 or -Dbasin.cublas.library override the cuBLAS search.
set -uo pipefail
bundle=$(cd "$(dirname "$0")" && pwd)
out=${1:?OUT_DIR}; quick=${2:-}
mkdir -p "$out"
# The cuBLAS forwarding library is built into a cache outside OUT_DIR, which keeps only the logs.
java=("$bundle/jre/bin/java" --add-modules jdk.incubator.vector -Xmx16g -Dbasin.cache="${TMPDIR:-/tmp}/basin-cache")
cp="$bundle/lib/*"
rc=0

{ nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; } 2>&1 | tee "$out/device.txt"

echo "== CUDA tests" | tee "$out/tests.txt"
reports=$(mktemp -d)
(cd "$bundle/../../kernels" 2>/dev/null || cd kernels
 # Each kernel and GEMM is waited for after its launch, so that a fault names the kernel, not the next copy.
 "${java[@]}" -Dbasin.cuda.syncLaunches=true -cp "$(ls "$bundle"/console/junit-platform-console-standalone-*.jar):$bundle/test-classes:$cp" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree \
    --select-class basin.kernels.cuda.CudaBackendParityTest --select-class basin.kernels.cuda.CudaKernelsParityTest \
    --select-class basin.kernels.cuda.CudaThreadsTest \
    --select-class basin.kernels.cuda.KernelLaunchContractTest --select-class basin.kernels.cuda.PtxSourceTest \
    --select-class basin.kernels.DevicesTest --select-class basin.engine.nn.CudaHvpParityTest \
    --select-class basin.engine.nn.CudaStudyModelsParityTest --select-class basin.engine.nn.CudaTrainingParityTest \
    --select-class basin.experiments.cli.DeviceOptionsTest \
    --reports-dir "$reports") 2>&1 | tee -a "$out/tests.txt" || rc=1
# The JUnit engine's XML report alone, so that OUT_DIR stays a handful of files to copy back.
cp "$reports/TEST-junit-jupiter.xml" "$out/junit-jupiter.xml" 2>/dev/null || true

echo "== device selection" | tee "$out/cli.txt"
for d in auto cuda; do
    "${java[@]}" -cp "$cp" basin.experiments.cli.BasinCli probe lambda-max --device $d --max-iterations 20 2>&1 | tee -a "$out/cli.txt" || rc=1
done

if [[ "$quick" != "--quick" ]]; then
    echo "== timing" | tee "$out/timing.txt"
    "${java[@]}" -cp "$cp" basin.benchmarks.CudaTiming 2>&1 | tee -a "$out/timing.txt" || rc=1

    echo "== PyTorch on the same machine" | tee "$out/pytorch.txt"
    specs="${TMPDIR:-/tmp}/basin-study-specs.json"
    if ! python3 -c 'import sys, torch
print("torch", torch.__version__, "CUDA", torch.version.cuda, "device available:", torch.cuda.is_available())
sys.exit(0 if torch.cuda.is_available() else 1)' 2>&1 | tee -a "$out/pytorch.txt"; then
        echo "PYTORCH PEER SKIPPED: python3 has no torch with a CUDA device (the Basin checks above are unaffected)" | tee -a "$out/pytorch.txt"
    elif ! "${java[@]}" -cp "$cp" basin.benchmarks.StudySpecs > "$specs" 2>> "$out/pytorch.txt"; then
        echo "PYTORCH PEER FAILED: StudySpecs could not write the study models' specs" | tee -a "$out/pytorch.txt"; rc=1
    else
        python3 "$bundle/benchmarks/pytorch/gpu_bench.py" --device cuda --specs "$specs" 2>&1 | tee -a "$out/pytorch.txt" \
            || { echo "PYTORCH PEER FAILED: gpu_bench.py exited with ${PIPESTATUS[0]}" | tee -a "$out/pytorch.txt"; rc=1; }
    fi
fi
exit $rc
