package basin.kernels.cpu;

import basin.kernels.Backend;
import basin.kernels.BroadcastOp;
import basin.kernels.Buffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CPU backend's element-wise, broadcast and reduction kernels against plain loops written from
 * their definitions in {@link Backend}, bit for bit (the float64 sums to one float ulp): on lengths off the vector width (whole vectors
 * and a scalar tail), on views at an offset into a larger array, and on lengths long enough that the
 * kernels split across threads. The inputs carry the values where vector and scalar semantics could
 * part: NaN, ±0, ±∞ and subnormals.
 */
class ElementWiseTest {
    private final Backend cpu = CpuBackend.get();

    /** Serial and vector-tail lengths, then lengths past the threads' split. */
    private static final int[] LENGTHS = {0, 1, 7, 8, 9, 31, 1000, 70_001, 300_007};

    private static final float[] SPECIAL = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f};

    private static long seed() {
        String pinned = System.getProperty("basin.seed");
        return pinned != null ? Long.parseLong(pinned) : System.nanoTime();
    }

    private static float[] values(int n, SplittableRandom rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextInt(8) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)] : (float) rng.nextGaussian();
        }
        return v;
    }

    /** A view of v at offset 5 of a larger buffer, so that kernels must honour offsets. */
    private Buffer view(float[] v) {
        Buffer whole = cpu.allocate(v.length + 9);
        cpu.fill(whole, 42f);
        Buffer b = whole.slice(5, v.length);
        cpu.copyIn(v, 0, b);
        return b;
    }

    private float[] read(Buffer b) {
        float[] v = new float[b.length()];
        cpu.copyOut(b, v, 0);
        return v;
    }

    private static void assertBits(float[] expected, float[] actual, String what, long seed) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            // A sum that meets NaN, or +∞ and −∞, is NaN; which NaN depends on the order of an
            // addition's operands, which the JIT may swap, so every NaN is the same answer.
            boolean bothNaN = Float.isNaN(expected[i]) && Float.isNaN(actual[i]);
            if (!bothNaN && Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(String.format("%s (seed %d): element %d of %d is %s, the definition gives %s",
                        what, seed, i, expected.length, actual[i], expected[i]));
            }
        }
    }

    @Test
    void unaryAndBinaryKernelsMatchTheirDefinitionsBitForBit() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int n : LENGTHS) {
            float[] a = values(n, rng), b = values(n, rng);
            float[] add = new float[n], sub = new float[n], mul = new float[n], scale = new float[n], relu = new float[n],
                    mask = new float[n], exp = new float[n], rsqrt = new float[n], axpy = b.clone();
            for (int i = 0; i < n; i++) {
                add[i] = a[i] + b[i];
                sub[i] = a[i] - b[i];
                mul[i] = a[i] * b[i];
                scale[i] = -1.5f * a[i];
                relu[i] = Math.max(a[i], 0f);
                mask[i] = a[i] > 0f ? 1f : 0f;
                exp[i] = (float) Math.exp(a[i]);
                rsqrt[i] = (float) (1.0 / Math.sqrt(a[i]));
                axpy[i] += 0.25f * a[i];
            }
            Buffer x = view(a), y = view(b), out = view(new float[n]);
            cpu.add(x, y, out);
            assertBits(add, read(out), "add, n = " + n, seed);
            cpu.sub(x, y, out);
            assertBits(sub, read(out), "sub, n = " + n, seed);
            cpu.mul(x, y, out);
            assertBits(mul, read(out), "mul, n = " + n, seed);
            cpu.scale(x, -1.5f, out);
            assertBits(scale, read(out), "scale, n = " + n, seed);
            cpu.relu(x, out);
            assertBits(relu, read(out), "relu, n = " + n, seed);
            cpu.positiveMask(x, out);
            assertBits(mask, read(out), "positiveMask, n = " + n, seed);
            cpu.exp(x, out);
            assertBits(exp, read(out), "exp, n = " + n, seed);
            cpu.rsqrt(x, out);
            assertBits(rsqrt, read(out), "rsqrt, n = " + n, seed);
            cpu.axpy(0.25f, x, y);
            assertBits(axpy, read(y), "axpy, n = " + n, seed);
            cpu.relu(x, x);
            assertBits(relu, read(x), "relu in place, n = " + n, seed);
        }
    }

    @Test
    void broadcastExpandAndSumToMidMatchTheirDefinitions() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // Dense bias [batch, features, 1], few long rows, an image's channels [N, C, H·W], and large ones that split.
        int[][] shapes = {{3, 5, 1}, {1000, 257, 1}, {7, 40_001, 1}, {4, 3, 17}, {64, 16, 1024}, {1, 1, 1}, {0, 3, 2}};
        for (int[] s : shapes) {
            int outer = s[0], mid = s[1], inner = s[2], n = outer * mid * inner;
            float[] x = values(n, rng), bias = values(mid, rng);
            float[] sum = new float[n], product = new float[n], expanded = new float[n], reduced = new float[mid];
            for (int o = 0; o < outer; o++) {
                for (int m = 0; m < mid; m++) {
                    for (int i = 0; i < inner; i++) {
                        int at = (o * mid + m) * inner + i;
                        sum[at] = x[at] + bias[m];
                        product[at] = x[at] * bias[m];
                        expanded[at] = bias[m];
                    }
                }
            }
            double[] magnitude = new double[mid];
            for (int m = 0; m < mid; m++) {
                double acc = 0;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        acc += x[(o * mid + m) * inner + i];
                        magnitude[m] += Math.abs(x[(o * mid + m) * inner + i]);
                    }
                }
                reduced[m] = (float) acc;
            }
            String shape = " on [" + outer + ", " + mid + ", " + inner + "]";
            Buffer xb = view(x), bb = view(bias), out = view(new float[n]), r = view(new float[mid]);
            cpu.broadcast(BroadcastOp.ADD, xb, bb, outer, mid, inner, out);
            assertBits(sum, read(out), "broadcast add" + shape, seed);
            cpu.broadcast(BroadcastOp.MUL, xb, bb, outer, mid, inner, out);
            assertBits(product, read(out), "broadcast mul" + shape, seed);
            cpu.expand(bb, outer, mid, inner, out);
            assertBits(expanded, read(out), "expand" + shape, seed);
            cpu.sumToMid(xb, outer, mid, inner, r);
            float[] sums = read(r);
            for (int m = 0; m < mid; m++) {
                // float64 sums in another order than the definition's: within one float ulp of Σ|terms|.
                boolean same = Float.compare(reduced[m], sums[m]) == 0 || Float.isNaN(reduced[m]) && Float.isNaN(sums[m])
                        || Math.abs(reduced[m] - sums[m]) <= Math.ulp((float) magnitude[m]);
                if (!same) {
                    throw new AssertionError(String.format("sumToMid%s (seed %d): sum %d is %s, the definition gives %s",
                            shape, seed, m, sums[m], reduced[m]));
                }
            }
        }
    }
}
