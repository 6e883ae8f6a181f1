// Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011): a counter-based generator, so element i's random number is a pure function of
// (seed, i) and any thread can compute its own without shared state. basin.kernels.CounterRng is
// the same function in Java; both are checked against Random123's known-answer vectors.
#pragma once
#include <stdint.h>

struct philox_words { uint32_t w[4]; };

__host__ __device__ inline philox_words philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2,
                                                      uint32_t c3, uint32_t k0, uint32_t k1) {
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += 0x9E3779B9u;  // Weyl sequence key schedule
        k1 += 0xBB67AE85u;
    }
    philox_words r = {{c0, c1, c2, c3}};
    return r;
}

// Uniform in [0, 1) from element i of the stream keyed by seed: word i % 4 of the block at
// counter (i / 4, 0), top 24 bits, so the float is exact.
__host__ __device__ inline float philox_uniform(unsigned long long seed, unsigned long long i) {
    unsigned long long block = i >> 2;
    philox_words r = philox4x32_10((uint32_t)block, (uint32_t)(block >> 32), 0u, 0u,
                                   (uint32_t)seed, (uint32_t)(seed >> 32));
    return (float)(r.w[i & 3] >> 8) * (1.0f / 16777216.0f);
}
