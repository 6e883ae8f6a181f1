// Runs philox.cuh's uniform on the host: prints "seed index bits" lines, the float's bit pattern
// in hex, for PhiloxSourceTest to compare with basin.kernels.CounterRng.
#include <cstdio>
#include <cstring>
#include "philox.cuh"

int main() {
    const unsigned long long seeds[] = {0ull, 42ull, 0x9E3779B97F4A7C15ull};
    const unsigned long long indices[] = {0ull, 1ull, 2ull, 3ull, 4ull, 5ull, 1000003ull, 0x123456789ull};
    for (unsigned long long s : seeds)
        for (unsigned long long i : indices) {
            float u = philox_uniform(s, i);
            unsigned bits;
            std::memcpy(&bits, &u, sizeof bits);
            std::printf("%llu %llu %08x\n", s, i, bits);
        }
    return 0;
}
