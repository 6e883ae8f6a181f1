// Dropout masks from a counter-based generator: mask[i] = 1/keep if u(seed, i) < keep, else 0, so
// y = x * mask keeps the expectation, and the VJP and JVP multiply by the same mask. The mask is
// a function of (seed, i) only: the CPU (basin.kernels.CounterRng) makes the same one, and a
// forward pass can be replayed for the HVP without storing random state.
#include "common.cuh"
#include "philox.cuh"

extern "C" __global__ void dropout_mask_f32(float* mask, long long n, unsigned long long seed,
                                            float keep) {
    float scale = 1.0f / keep;
    GRID_STRIDE(i, n) mask[i] = philox_uniform(seed, (unsigned long long)i) < keep ? scale : 0.f;
}
