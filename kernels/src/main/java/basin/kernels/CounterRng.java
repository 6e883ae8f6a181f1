package basin.kernels;

/**
 * Philox4x32-10 (Salmon, Moraes, Dror &amp; Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011), a counter-based generator: the random number for element i is a pure function of
 * (seed, i). A dropout mask is then the same on every backend and in every replay of a forward pass,
 * without state to carry. {@code kernels/src/main/cuda/philox.cuh} is the same function on the GPU.
 */
public final class CounterRng {
    private CounterRng() {
    }

    /** The four output words of Philox4x32-10 for counter (c0, c1, c2, c3) and key (k0, k1). */
    public static int[] philox4x32(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            long p0 = 0xD2511F53L * (c0 & 0xFFFFFFFFL);
            long p1 = 0xCD9E8D57L * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += 0x9E3779B9;   // Weyl sequence key schedule
            k1 += 0xBB67AE85;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /**
     * Uniform in [0, 1) for element {@code i} of the stream {@code seed}: word i mod 4 of the block
     * at counter (i / 4, 0), top 24 bits, so the float is exact.
     */
    public static float uniform(long seed, long i) {
        long block = i >>> 2;
        int[] w = philox4x32((int) block, (int) (block >>> 32), 0, 0, (int) seed, (int) (seed >>> 32));
        return (w[(int) (i & 3)] >>> 8) * (1.0f / 16777216.0f);
    }

    /** mask[i] = 1/keep where uniform(seed, i) &lt; keep, else 0: inverted dropout, expectation preserved. */
    public static void dropoutMask(long seed, float keep, float[] mask) {
        if (!(keep > 0f && keep <= 1f)) throw new IllegalArgumentException("dropoutMask: keep probability " + keep + " is not in (0, 1]");
        float scale = 1.0f / keep;
        for (int i = 0; i < mask.length; i++) mask[i] = uniform(seed, i) < keep ? scale : 0f;
    }
}
