#!/usr/bin/env bash
# Runs on the GPU machine, from inside a bundle made by gpu/make-bundle.sh:
#   bash BUNDLE/run-checks.sh OUT_DIR [--quick]
# 1. the device and driver (nvidia-smi), and the PTX against this machine's ptxas;
# 2. every CUDA test (kernels: parity of each Backend op and layer kernel, Devices; engine: the MLP
#    HVP on CUDA against the CPU) with the JUnit console, run from the repository's kernels/ so that
#    PtxSourceTest finds the sources;
# 3. ./basin-style device selection: probe lambda-max with --device auto and --device cuda;
# 4. CudaTiming (GEMM TFLOP/s with TF32 off and on, MLP gradient and HVP throughput), unless --quick.
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
(cd "$bundle/../../kernels" 2>/dev/null || cd kernels
 "${java[@]}" -cp "$(ls "$bundle"/console/junit-platform-console-standalone-*.jar):$bundle/test-classes:$cp" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree \
    --select-class basin.kernels.cuda.CudaBackendParityTest --select-class basin.kernels.cuda.CudaKernelsParityTest \
    --select-class basin.kernels.cuda.KernelLaunchContractTest --select-class basin.kernels.cuda.PtxSourceTest \
    --select-class basin.kernels.DevicesTest --select-class basin.engine.nn.CudaHvpParityTest \
    --select-class basin.engine.nn.CudaStudyModelsParityTest --select-class basin.engine.nn.CudaTrainingParityTest \
    --select-class basin.experiments.cli.DeviceOptionsTest \
    --reports-dir "$out/junit") 2>&1 | tee -a "$out/tests.txt" || rc=1

echo "== device selection" | tee "$out/cli.txt"
for d in auto cuda; do
    "${java[@]}" -cp "$cp" basin.experiments.cli.BasinCli probe lambda-max --device $d --max-iterations 20 2>&1 | tee -a "$out/cli.txt" || rc=1
done

if [[ "$quick" != "--quick" ]]; then
    echo "== timing" | tee "$out/timing.txt"
    "${java[@]}" -cp "$cp" basin.benchmarks.CudaTiming 2>&1 | tee -a "$out/timing.txt" || rc=1
fi
exit $rc
