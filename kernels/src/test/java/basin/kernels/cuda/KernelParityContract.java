package basin.kernels.cuda;

import basin.kernels.Backend;
import basin.kernels.BroadcastOp;
import basin.kernels.Buffer;
import basin.kernels.Window2d;
import basin.kernels.cpu.CpuBackend;
import jcuda.Pointer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static basin.kernels.cuda.Gpu.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every kernel, through its {@link CudaKernels} wrapper, against an oracle: the CPU backend for
 * the kernels behind Backend methods, the float64 loops of {@link ReferenceKernels} for the
 * BatchNorm kernels, which have no Backend method. Run on the GPU ({@link CudaKernelsParityTest})
 * and on the host emulation of the same CUDA source ({@link EmulatedKernelsTest}). Tolerances:
 * exact for data movement (im2col, pooling values and indices, gather, transpose), for single
 * IEEE operations, for sums done in the CPU's order (scatterAdd) and for the dropout mask; float32
 * rounding of short sums (col2im: at most KH·KW terms); 2⁻²² relative for float64 statistics
 * rounded once to float32; one ulp where a float64 exp or log is rounded once on both sides
 * (their libraries may differ in the last double bit).
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

    private static final Window2d[] WINDOWS = {
        new Window2d(2, 3, 9, 7, 3, 3, 1, 1, 1, 1),    // "same" 3×3
        new Window2d(3, 2, 11, 10, 3, 3, 2, 2, 1, 1),  // strided, odd sizes
        new Window2d(1, 5, 8, 8, 2, 2, 2, 2, 0, 0),    // the usual 2×2 pooling
        new Window2d(2, 1, 5, 13, 5, 1, 1, 3, 2, 0),   // rectangular window and stride
        new Window2d(4, 3, 7, 7, 3, 3, 1, 1, 1, 1),    // overlapping pooling windows
        new Window2d(1, 2, 5, 5, 3, 3, 3, 3, 2, 2),    // padding beyond half the window, no window wholly in it
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
        // The last two are long sums over few m, which sumToMid splits over several blocks per m.
        for (int[] s : new int[][] {{1, 1, 1}, {3, 5, 7}, {64, 10, 1}, {2, 3, 129}, {2, 3, 4100}, {5000, 2, 1}}) {
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
            long scratch = CudaKernels.sumToMidScratchBytes(outer, mid, inner);
            k().sumToMid(px, sums, outer, mid, inner, scratch == 0 ? null : d.allocate((int) (scratch / 4)));
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
    void argmaxHitsMatchTheCpuBackendOnTiesAndNaN() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int[] s : new int[][] {{1, 1}, {7, 3}, {300, 10}, {5, 1000}}) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] logits = new float[n], targets = new float[n];
            for (int i = 0; i < n; i++) {
                // Few distinct values, so rows have tied maxima; some NaN, which is never the largest.
                logits[i] = rng.nextInt(50) == 0 ? Float.NaN : rng.nextInt(4);
            }
            for (int r = 0; r < rows; r++) targets[r * cols + rng.nextInt(cols)] = 1f;
            Pointer z = d.upload(logits), t = d.upload(targets), hits = d.allocate(rows);
            k().argmaxHits(z, t, hits, rows, cols);
            float[] expected = onCpu(rows, b -> cpu.argmaxHits(b[0], b[1], rows, cols, b[2]), logits, targets);
            assertArrayEquals(expected, d.download(hits, rows), "argmaxHits [" + rows + ", " + cols + "] seed=" + seed);
        }
    }

    @Test
    void im2colAndCol2imMatchTheCpuBackend() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Window2d w : WINDOWS) {
            int colsLength = w.patchSize() * w.positions();
            float[] x = random(rng, w.inputSize());
            Pointer gx = d.upload(x), cols = d.allocate(colsLength);
            k().im2col(gx, cols, w);
            assertArrayEquals(onCpu(colsLength, t -> cpu.im2col(t[0], w, t[1]), x), d.download(cols, colsLength), "im2col " + w + " seed=" + seed);

            float[] c = random(rng, colsLength);
            Pointer gc = d.upload(c), dx = d.allocate(w.inputSize());
            k().col2im(gc, dx, w);
            float[] expected = onCpu(w.inputSize(), t -> cpu.col2im(t[0], w, t[1]), c), actual = d.download(dx, w.inputSize());
            // At most KH·KW terms of magnitude ≤ 1 per pixel, added in the same (kh, kw) order on both.
            double tolerance = w.kernelH() * w.kernelW() * Math.pow(2, -23);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], tolerance, "col2im " + w + " pixel " + i + " seed=" + seed);
            }
        }
    }

    @Test
    void maxPoolAndTheGatherAndScatterOfItsIndicesMatchTheCpuBackend() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Window2d w : WINDOWS) {
            float[] x = random(rng, w.inputSize());
            for (int i = 0; i < x.length; i += 5) x[i] = 0.5f;                 // ties: the first in window order wins
            if (x.length > 40) x[37] = Float.NaN;                                // NaN wins its windows
            int outputs = w.pooledSize(), planes = w.batch() * w.channels();
            int planeIn = w.height() * w.width(), planeOut = w.outH() * w.outW();
            float[] expectedY = new float[outputs], expectedIdx = new float[outputs];
            Buffer cx = cpu.allocate(x.length), cy = cpu.allocate(outputs), ci = cpu.allocate(outputs);
            cpu.copyIn(x, 0, cx);
            cpu.maxPool2d(cx, w, cy, ci);
            cpu.copyOut(cy, expectedY, 0);
            cpu.copyOut(ci, expectedIdx, 0);
            Pointer gx = d.upload(x), y = d.allocate(outputs), idx = d.allocate(outputs);
            k().maxPool2d(gx, y, idx, w);
            assertArrayEquals(expectedY, d.download(y, outputs), "max-pool values " + w + " seed=" + seed);
            assertArrayEquals(expectedIdx, d.download(idx, outputs), "max-pool indices " + w + " seed=" + seed);

            float[] tangent = random(rng, x.length);
            Pointer gathered = d.allocate(outputs);
            k().gather(d.upload(tangent), idx, gathered, planes, planeIn, planeOut);
            assertArrayEquals(onCpu(outputs, t -> cpu.gather(t[0], t[1], planes, planeIn, planeOut, t[2]), tangent, expectedIdx),
                    d.download(gathered, outputs), "gather " + w + " seed=" + seed);

            float[] dy = random(rng, outputs);
            Pointer dx = d.upload(random(rng, x.length));                      // overwritten, not added to
            k().scatterAdd(d.upload(dy), idx, dx, planes, planeIn, planeOut);
            // The same additions in the same order on both: bit for bit.
            assertArrayEquals(onCpu(x.length, t -> cpu.scatterAdd(t[0], t[1], planes, planeIn, planeOut, t[2]), dy, expectedIdx),
                    d.download(dx, x.length), "scatterAdd " + w + " seed=" + seed);
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
    void dropoutMaskIsTheCpuMaskBitForBit() {
        long seed = Gpu.seed();
        for (int n : new int[] {1, 3, 1001, largestDropoutMask()}) {
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.999f}) {
                long threshold = Math.round(p * (double) (1 << 24));
                Pointer mask = d.allocate(n);
                k().dropoutMask(mask, n, seed, threshold, 1f / (1f - p));
                assertArrayEquals(onCpu(n, t -> cpu.dropoutMask(seed, p, t[0])), d.download(mask, n), "dropout n=" + n + " p=" + p + " seed=" + seed);
            }
        }
    }

    @Test
    void transposeAndRsqrtMatchTheCpuBackend() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int[] s : new int[][] {{1, 1, 1, 1}, {1, 5, 3, 49}, {2, 33, 17, 1}, {3, 4, 5, 6}}) {
            int outer = s[0], rows = s[1], cols = s[2], inner = s[3], n = outer * rows * cols * inner;
            float[] x = random(rng, n);
            Pointer gx = d.upload(x), out = d.allocate(n), back = d.allocate(n);
            k().transpose(gx, out, outer, rows, cols, inner);
            assertArrayEquals(onCpu(n, t -> cpu.transpose(t[0], outer, rows, cols, inner, t[1]), x), d.download(out, n),
                    "transpose " + java.util.Arrays.toString(s) + " seed=" + seed);
            k().transpose(out, back, outer, cols, rows, inner);
            assertArrayEquals(x, d.download(back, n), "transpose back " + java.util.Arrays.toString(s) + " seed=" + seed);
        }
        float[] positive = random(rng, 1001);
        for (int i = 0; i < positive.length; i++) positive[i] = Math.abs(positive[i]) * 100;   // zeros give +inf on both
        Pointer out = d.allocate(positive.length);
        k().rsqrt(d.upload(positive), out, positive.length);
        assertArrayEquals(onCpu(positive.length, t -> cpu.rsqrt(t[0], t[1]), positive), d.download(out, positive.length), "rsqrt seed=" + seed);
    }
}
