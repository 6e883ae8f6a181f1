// Inverted-dropout masks as Backend.dropoutMask defines them: out[i] = 0 with probability p, else
// 1/(1 - p), decided by a stateless hash of (seed, i), so that every backend draws the same mask and
// a forward pass can be replayed for the HVP without stored random state:
//   u = splitmix64(seed + (i + 1) * 0x9E3779B97F4A7C15) >> 40     (24 bits)
//   dropped when u < threshold = round(p * 2^24)
// threshold and keep = 1/(1 - p) are computed once on the host, exactly as the CPU computes them.
#include "common.cuh"

// Steele, Lea & Flood's SplitMix64 finaliser: a bijective 64-bit mix with full avalanche.
__device__ inline unsigned long long splitmix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

extern "C" __global__ void dropout_mask_f32(float* out, long long n, unsigned long long seed,
                                            long long threshold, float keep) {
    GRID_STRIDE(i, n) {
        unsigned long long u = splitmix64(seed + ((unsigned long long)i + 1ull) * 0x9E3779B97F4A7C15ull) >> 40;
        out[i] = (long long)u < threshold ? 0.f : keep;
    }
}
