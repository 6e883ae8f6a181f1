// Shared by every kernel file. Compiled to PTX for compute_75 (build-ptx.sh) and JIT-compiled by
// the driver for the GPU it runs on.
//
// Conventions
//  - extern "C": cuModuleGetFunction finds the plain names, no C++ mangling.
//  - Lengths are 64-bit (long long) and loops are grid-stride, so any grid covers any length.
//  - Data is float32, row-major and contiguous; reductions accumulate in float64 and are
//    deterministic (fixed per-thread order, fixed tree order, no atomics), so the same inputs give
//    the same bits on every run.
//  - Reduction kernels need blockDim.x to be a power of two, at most 1024 (the launcher uses 256).
#pragma once

#define GRID_STRIDE(i, n)                                                        \
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); \
         i += (long long)gridDim.x * blockDim.x)

// Sums v over the block in a fixed tree order; every thread must call it; thread 0 gets the sum.
__device__ inline double block_sum(double v, double* scratch) {
    scratch[threadIdx.x] = v;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) scratch[threadIdx.x] += scratch[threadIdx.x + s];
        __syncthreads();
    }
    double total = scratch[0];
    __syncthreads();  // scratch may be reused by the caller's next reduction
    return total;
}

__device__ inline float block_max(float v, float* scratch) {
    scratch[threadIdx.x] = v;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) scratch[threadIdx.x] = fmaxf(scratch[threadIdx.x], scratch[threadIdx.x + s]);
        __syncthreads();
    }
    float m = scratch[0];
    __syncthreads();
    return m;
}
