// Just enough of CUDA to compile kernels/src/main/cuda/*.cu as host C++20 and run them: each
// block's threads are OS threads, __syncthreads is a std::barrier, blocks run one after another
// (so one array serves as every block's shared memory). For testing kernel logic without a GPU;
// nothing here is fast.
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>

#define __global__
#define __device__
#define __host__
#define __shared__

struct dim3_emulated { unsigned x, y, z; };
inline thread_local dim3_emulated threadIdx, blockIdx;
inline dim3_emulated blockDim, gridDim;
inline std::barrier<>* emulated_barrier;

inline void __syncthreads() { emulated_barrier->arrive_and_wait(); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

// The kernels' `extern __shared__ double scratch[]` refers to this array.
extern "C" double scratch[];
