package basin.kernels.cpu.elementwise;

/**
 * The dropout mask as a stateless function of (seed, index), so every backend draws the same one:
 * u = splitmix64(seed + (i + 1)·φ) ≫ 40 (24 bits, φ = 0x9E3779B97F4A7C15); element i is dropped
 * (0) when u &lt; round(p·2²⁴) and kept as 1/(1 − p) otherwise.
 */
public final class DropoutHash {
    private DropoutHash() {
    }

    public static void fill(long seed, float p, float[] out, int offset, int length) {
        long threshold = Math.round(p * (double) (1 << 24));
        float keep = 1f / (1f - p);
        for (int i = 0; i < length; i++) {
            long u = splitmix64(seed + (i + 1L) * 0x9E3779B97F4A7C15L) >>> 40;
            out[offset + i] = u < threshold ? 0f : keep;
        }
    }

    /** Steele, Lea &amp; Flood's SplitMix64 finaliser: a bijective 64-bit mix with full avalanche. */
    static long splitmix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
