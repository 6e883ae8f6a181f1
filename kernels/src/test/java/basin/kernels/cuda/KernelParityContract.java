package basin.kernels.cuda;

import basin.kernels.Backend;
import basin.kernels.BroadcastOp;
import basin.kernels.Buffer;
import basin.kernels.CounterRng;
import basin.kernels.cpu.CpuBackend;
import jcuda.Pointer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static basin.kernels.cuda.Gpu.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every kernel, through its {@link CudaKernels} wrapper, against an oracle: the CPU backend for
 * the kernels behind Backend methods, the plain loops of {@link ReferenceKernels} and
 * {@link CounterRng} for the layer kernels (im2col/col2im, max-pool, BatchNorm, dropout, axis
 * swap). Run on the GPU ({@link CudaKernelsParityTest}) and on the host emulation of the same CUDA
 * source ({@link EmulatedKernelsTest}). Tolerances: exact for data movement (im2col, pooling values
 * and indices, gather, swap), for single IEEE operations and for the dropout mask; float32
 * rounding of short sums (col2im, pool scatter: at most KH·KW terms) against float64 sums; 2⁻²²
 * relative for float64 statistics rounded once to float32; one ulp where a float64 exp or log is
 * rounded once on both sides (their libraries may differ in the last double bit).
 */
abstract class KernelParityContract {

    /** Device memory and the kernels, on a GPU or in the emulator. */
    interface Device {
        CudaKernels kernels();

        Pointer upload(float[] x);

        /** Uninitialised memory for n floats (2n for n doubles). */
        Pointer allocate(int floats);

        float[] download(Pointer p, int n);
    }

    /** The device under test; skips (with the reason) where it is not available. */
    abstract Device device();

    private Device d;
    private final Backend cpu = CpuBackend.get();

    private static final ConvGeometry[] GEOMETRIES = {
        new ConvGeometry(2, 3, 9, 7, 3, 3, 1, 1, 1, 1),    // "same" 3×3
        new ConvGeometry(3, 2, 11, 10, 3, 3, 1, 1, 2, 2),  // strided, odd sizes
        new ConvGeometry(1, 5, 8, 8, 2, 2, 0, 0, 2, 2),    // the usual 2×2 pooling
        new ConvGeometry(2, 1, 5, 13, 5, 1, 2, 0, 1, 3),   // rectangular window and stride
        new ConvGeometry(4, 3, 7, 7, 3, 3, 1, 1, 1, 1),    // overlapping pooling windows
    };

    @org.junit.jupiter.api.BeforeEach
    void open() {
        d = device();
    }

    private CudaKernels k() {
        return d.kernels();
    }

    private double[] downloadDoubles(Pointer p, int n) {
        float[] words = d.download(p, 2 * n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            long low = Float.floatToRawIntBits(words[2 * i]) & 0xFFFFFFFFL, high = Float.floatToRawIntBits(words[2 * i + 1]);
            out[i] = Double.longBitsToDouble(high << 32 | low);   // little-endian: the low word first
        }
        return out;
    }

    private float[] onCpu(int n, java.util.function.Consumer<Buffer[]> op, float[]... inputs) {
        Buffer[] buffers = new Buffer[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++) {
            buffers[i] = cpu.allocate(inputs[i].length);
            cpu.copyIn(inputs[i], 0, buffers[i]);
        }
        buffers[inputs.length] = cpu.allocate(n);
        op.accept(buffers);
        float[] out = new float[n];
        cpu.copyOut(buffers[inputs.length], out, 0);
        return out;
    }

    @Test
    void elementwiseKernelsMatchTheCpuBackend() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int n : new int[] {1, 7, 257, 1000}) {
            String at = " n=" + n + " seed=" + seed;
            float[] a = random(rng, n), b = random(rng, n);
            Pointer pa = d.upload(a), pb = d.upload(b), out = d.allocate(n);
            k().add(pa, pb, out, n);
            assertArrayEquals(onCpu(n, x -> cpu.add(x[0], x[1], x[2]), a, b), d.download(out, n), "add" + at);
            k().sub(pa, pb, out, n);
            assertArrayEquals(onCpu(n, x -> cpu.sub(x[0], x[1], x[2]), a, b), d.download(out, n), "sub" + at);
            k().mul(pa, pb, out, n);
            assertArrayEquals(onCpu(n, x -> cpu.mul(x[0], x[1], x[2]), a, b), d.download(out, n), "mul" + at);
            k().scale(pa, -1.3f, out, n);
            assertArrayEquals(onCpu(n, x -> cpu.scale(x[0], -1.3f, x[1]), a), d.download(out, n), "scale" + at);
            k().relu(pa, out, n);
            assertArrayEquals(onCpu(n, x -> cpu.relu(x[0], x[1]), a), d.download(out, n), "relu" + at);
            k().positiveMask(pa, out, n);
            assertArrayEquals(onCpu(n, x -> cpu.positiveMask(x[0], x[1]), a), d.download(out, n), "positiveMask" + at);
            Pointer y = d.upload(b);
            k().axpy(0.7f, pa, y, n);
            assertArrayEquals(onCpu(n, x -> { cpu.copy(x[1], x[2]); cpu.axpy(0.7f, x[0], x[2]); }, a, b), d.download(y, n), "axpy" + at);
            k().exp(pa, out, n);
            CudaBackendParityTest.assertClose("exp" + at, onCpu(n, x -> cpu.exp(x[0], x[1]), a), d.download(out, n), 1);
        }
    }

    @Test
    void broadcastAndReductionKernelsMatchTheCpuBackend() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int[] s : new int[][] {{1, 1, 1}, {3, 5, 7}, {64, 10, 1}, {2, 3, 129}}) {
            int outer = s[0], mid = s[1], inner = s[2], n = outer * mid * inner;
            String at = String.format(" [%d, %d, %d] seed=%d", outer, mid, inner, seed);
            float[] x = random(rng, n), b = random(rng, mid);
            Pointer px = d.upload(x), pb = d.upload(b), out = d.allocate(n), sums = d.allocate(mid);
            k().broadcastAdd(px, pb, out, outer, mid, inner);
            assertArrayEquals(onCpu(n, t -> cpu.broadcast(BroadcastOp.ADD, t[0], t[1], outer, mid, inner, t[2]), x, b), d.download(out, n), "broadcast add" + at);
            k().broadcastMul(px, pb, out, outer, mid, inner);
            assertArrayEquals(onCpu(n, t -> cpu.broadcast(BroadcastOp.MUL, t[0], t[1], outer, mid, inner, t[2]), x, b), d.download(out, n), "broadcast mul" + at);
            k().expand(pb, out, outer, mid, inner);
            assertArrayEquals(onCpu(n, t -> cpu.expand(t[0], outer, mid, inner, t[1]), b), d.download(out, n), "expand" + at);
            k().sumToMid(px, sums, outer, mid, inner);
            float[] expected = onCpu(mid, t -> cpu.sumToMid(t[0], outer, mid, inner, t[1]), x), actual = d.download(sums, mid);
            for (int m = 0; m < mid; m++) {
                // float64 sums in another order, both rounded once to float32: at most one ulp of Σ|x| apart.
                assertEquals(expected[m], actual[m], Math.ulp((float) (outer * inner)) + 1e-30, "sumToMid" + at + " m=" + m);
            }
        }
    }

    @Test
    void dotAndSumOfSquaresKernelsAccumulateInFloat64() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int n : new int[] {1, 255, 257, 5000}) {
            float[] a = random(rng, n), b = random(rng, n);
            double exact = 0, squares = 0, magnitude = 0;
            for (int i = 0; i < n; i++) {
                exact += (double) a[i] * b[i];
                squares += (double) a[i] * a[i];
                magnitude += Math.abs((double) a[i] * b[i]);
            }
            Pointer pa = d.upload(a), pb = d.upload(b), partial = d.allocate(2 * CudaKernels.DOT_BLOCKS), result = d.allocate(2);
            k().dot(pa, pb, n, partial, result);
            assertEquals(exact, downloadDoubles(result, 1)[0], 1e-12 * magnitude, "dot n=" + n + " seed=" + seed);
            k().sumSquares(pa, n, partial, result);
            assertEquals(squares, downloadDoubles(result, 1)[0], 1e-12 * squares, "sumSquares n=" + n + " seed=" + seed);
        }
    }

    @Test
    void logSoftmaxKernelMatchesTheCpuBackend() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int[] s : new int[][] {{1, 1}, {3, 10}, {2, 1000}}) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] x = random(rng, n);
            for (int i = 0; i < n; i++) x[i] *= 20;
            Pointer px = d.upload(x), out = d.allocate(n);
            k().logSoftmax(px, out, rows, cols);
            float[] expected = onCpu(n, t -> cpu.logSoftmax(t[0], rows, cols, t[1]), x), actual = d.download(out, n);
            for (int i = 0; i < n; i++) {
                // Both round logZ (≤ 20 + log cols) to float once: two ulps of that magnitude.
                assertEquals(expected[i], actual[i], 2 * Math.ulp((float) (20 + Math.log(cols) + 1)), "logSoftmax [" + rows + ", " + cols + "] at " + i + " seed=" + seed);
            }
        }
    }

    @Test
    void im2colMovesEveryPixelToItsColumnAndCol2imIsItsAdjoint() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (ConvGeometry g : GEOMETRIES) {
            float[] x = random(rng, (int) g.inputLength());
            Pointer gx = d.upload(x), col = d.allocate((int) g.colLength());
            k().im2col(gx, col, g);
            assertArrayEquals(ReferenceKernels.im2col(x, g), d.download(col, (int) g.colLength()), "im2col " + g + " seed=" + seed);

            float[] c = random(rng, (int) g.colLength());
            Pointer gc = d.upload(c), dx = d.allocate((int) g.inputLength());
            k().col2im(gc, dx, g);
            double[] expected = ReferenceKernels.col2im(c, g);
            float[] onGpu = d.download(dx, (int) g.inputLength());
            // At most KH·KW float32 terms of magnitude ≤ 1 per pixel.
            double tolerance = g.kh() * g.kw() * Math.pow(2, -23);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], onGpu[i], tolerance, "col2im " + g + " pixel " + i + " seed=" + seed);
            }
        }
    }

    @Test
    void maxPoolFindsTheFirstMaximumAndItsGatherAndScatterUseThatIndex() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (ConvGeometry g : GEOMETRIES) {
            float[] x = random(rng, (int) g.inputLength());
            for (int i = 0; i < x.length; i += 5) x[i] = 0.5f;   // ties: the first in window order must win
            float[][] expected = ReferenceKernels.maxPool(x, g);
            int outputs = (int) g.outputPlanes();
            Pointer gx = d.upload(x), y = d.allocate(outputs), idx = d.allocate(outputs);
            k().maxPool(gx, y, idx, g);
            assertArrayEquals(expected[0], d.download(y, outputs), "max-pool values " + g + " seed=" + seed);
            assertArrayEquals(expected[1], d.download(idx, outputs), "max-pool indices " + g + " seed=" + seed);

            float[] tangent = random(rng, x.length);
            Pointer gt = d.upload(tangent), gathered = d.allocate(outputs);
            k().maxPoolGather(gt, idx, gathered, g);
            float[] expectedGather = new float[outputs];
            int ohw = g.oh() * g.ow(), hw = g.h() * g.w();
            for (int j = 0; j < outputs; j++) expectedGather[j] = tangent[(j / ohw) * hw + (int) expected[1][j]];
            assertArrayEquals(expectedGather, d.download(gathered, outputs), "max-pool gather " + g + " seed=" + seed);

            float[] dy = random(rng, outputs);
            Pointer gdy = d.upload(dy), dx = d.allocate(x.length);
            k().maxPoolScatter(gdy, idx, dx, g);
            float[] expectedScatter = ReferenceKernels.maxPoolScatter(dy, expected[1], g);
            float[] onGpu = d.download(dx, x.length);
            double tolerance = g.kh() * g.kw() * Math.pow(2, -23);
            for (int i = 0; i < x.length; i++) {
                assertEquals(expectedScatter[i], onGpu[i], tolerance, "max-pool scatter " + g + " pixel " + i + " seed=" + seed);
            }
        }
    }

    @Test
    void batchNormStatisticsNormalisationAndBackwardMatchFloat64Loops() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] shapes = {{5, 3, 1}, {128, 64, 1}, {4, 7, 81}, {2, 16, 1025}};
        float eps = 1e-5f;
        for (int[] s : shapes) {
            int outer = s[0], channels = s[1], inner = s[2], n = outer * channels * inner;
            String where = String.format("[%d, %d, %d] seed=%d", outer, channels, inner, seed);
            float[] x = random(rng, n);
            for (int i = 0; i < n; i++) x[i] = 3 + 2 * x[i];   // a mean far from 0 exposes E[x²] − E[x]² cancellation
            float[] dy = random(rng, n), gamma = random(rng, channels), beta = random(rng, channels);
            double[][] stats = ReferenceKernels.batchNormStats(x, outer, channels, inner);

            Pointer gx = d.upload(x), mean = d.allocate(channels), var = d.allocate(channels);
            k().batchNormStats(gx, mean, var, outer, channels, inner);
            float[] gMean = d.download(mean, channels), gVar = d.download(var, channels);
            for (int c = 0; c < channels; c++) {
                assertEquals(stats[0][c], gMean[c], Math.abs(stats[0][c]) * 0x1p-22, "mean " + where + " c=" + c);
                assertEquals(stats[1][c], gVar[c], Math.abs(stats[1][c]) * 0x1p-22, "var " + where + " c=" + c);
            }

            Pointer gGamma = d.upload(gamma), gBeta = d.upload(beta), y = d.allocate(n);
            k().batchNormNormalize(gx, mean, var, gGamma, gBeta, eps, y, outer, channels, inner);
            float[] gy = d.download(y, n);

            Pointer gdy = d.upload(dy), sumDy = d.allocate(channels), sumDyXhat = d.allocate(channels), dx = d.allocate(n);
            k().batchNormBackwardSums(gx, gdy, mean, var, eps, sumDy, sumDyXhat, outer, channels, inner);
            k().batchNormBackwardInput(gx, gdy, mean, var, gGamma, eps, sumDy, sumDyXhat, dx, outer, channels, inner);
            float[] gSumDy = d.download(sumDy, channels), gSumDyXhat = d.download(sumDyXhat, channels), gdx = d.download(dx, n);

            int m = outer * inner;
            for (int c = 0; c < channels; c++) {
                // The reference uses the float32 statistics the kernels were given.
                double mu = gMean[c], invStd = 1 / Math.sqrt((double) gVar[c] + eps), s1 = 0, s2 = 0, scale = 0;
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++) {
                        int at = (o * channels + c) * inner + i;
                        double xhat = (x[at] - mu) * invStd;
                        assertEquals(gamma[c] * xhat + beta[c], gy[at], 1e-5 * (Math.abs(gamma[c] * xhat) + Math.abs(beta[c]) + 1e-3),
                                "normalise " + where + " at " + at);
                        s1 += dy[at];
                        s2 += dy[at] * xhat;
                        scale += Math.abs(dy[at]) * (1 + Math.abs(xhat));
                    }
                assertEquals(s1, gSumDy[c], 1e-6 * scale, "Σdy " + where + " c=" + c);
                assertEquals(s2, gSumDyXhat[c], 1e-6 * scale, "Σdy·x̂ " + where + " c=" + c);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++) {
                        int at = (o * channels + c) * inner + i;
                        double xhat = (x[at] - mu) * invStd;
                        double expected = gamma[c] * invStd / m * (m * dy[at] - gSumDy[c] - xhat * gSumDyXhat[c]);
                        double size = Math.abs(gamma[c] * invStd / m) * (m * Math.abs(dy[at]) + Math.abs(gSumDy[c]) + Math.abs(xhat * gSumDyXhat[c]));
                        assertEquals(expected, gdx[at], 1e-6 * size + 1e-12, "dx " + where + " at " + at);
                    }
            }
        }
    }

    /** The longest mask tested: a million elements on a GPU, fewer in the emulator. */
    int largestDropoutMask() {
        return 1 << 20;
    }

    @Test
    void dropoutMaskIsTheCpuCounterRngMaskBitForBit() {
        long seed = Gpu.seed();
        for (int n : new int[] {1, 3, 4, 5, 1001, largestDropoutMask()}) {
            for (float keep : new float[] {0.5f, 0.9f, 1f}) {
                float[] expected = new float[n];
                CounterRng.dropoutMask(seed, keep, expected);
                Pointer mask = d.allocate(n);
                k().dropoutMask(mask, n, seed, keep);
                assertArrayEquals(expected, d.download(mask, n), "dropout n=" + n + " keep=" + keep + " seed=" + seed);
            }
        }
    }

    @Test
    void swapLeadingAxesTurnsTheConvolutionGemmResultIntoNchw() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int a = 5, b = 3, p = 49;
        float[] x = random(rng, a * b * p), expected = new float[x.length];
        for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < p; k++) expected[(j * a + i) * p + k] = x[(i * b + j) * p + k];
        Pointer gx = d.upload(x), out = d.allocate(x.length), back = d.allocate(x.length);
        k().swapLeadingAxes(gx, out, a, b, p);
        assertArrayEquals(expected, d.download(out, x.length), "swap seed=" + seed);
        k().swapLeadingAxes(out, back, b, a, p);
        assertArrayEquals(x, d.download(back, x.length), "swap back seed=" + seed);
    }
}
