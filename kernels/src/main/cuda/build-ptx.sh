#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu to PTX for a low virtual architecture, so that the
# driver can JIT it for the GPU it finds, and checks that ptxas assembles it for real GPUs.
#
#   build-ptx.sh            regenerate the committed PTX (kernels/src/main/resources/basin/kernels/cuda/ptx)
#   build-ptx.sh OUT_DIR    write the PTX to OUT_DIR instead (PtxSourceTest compares it with the committed one)
#
# Env: NVCC, PTXAS (default: from PATH), SM_LIST (default "sm_75 sm_90").
# compute_75 is the lowest virtual architecture CUDA 13's nvcc accepts (compute_70 was dropped).
# No -lineinfo or -G: they embed file paths, and the PTX must not depend on where it was built.
# No --use_fast_math: parity with the CPU backend matters more than the last few percent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../resources/basin/kernels/cuda/ptx}
NVCC=${NVCC:-nvcc}
PTXAS=${PTXAS:-ptxas}
SM_LIST=${SM_LIST:-"sm_75 sm_90"}

mkdir -p "$out"
for cu in "$here"/*.cu; do
    name=$(basename "$cu" .cu)
    (cd "$here" && "$NVCC" -ptx -arch=compute_75 -O3 -std=c++17 "$name.cu" -o "$out/$name.ptx")
    for sm in $SM_LIST; do
        "$PTXAS" -arch="$sm" "$out/$name.ptx" -o /dev/null
        echo "ptxas -arch=$sm $name.ptx: ok"
    done
done
