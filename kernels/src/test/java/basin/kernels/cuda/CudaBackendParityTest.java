package basin.kernels.cuda;

import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.BroadcastOp;
import basin.kernels.Buffer;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.BiConsumer;

import static basin.kernels.cuda.Gpu.download;
import static basin.kernels.cuda.Gpu.random;
import static basin.kernels.cuda.Gpu.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every Backend method on CUDA against the same method on the CPU, on fresh random inputs of odd
 * sizes. Skipped, with the reason, where CUDA cannot be used. Tolerances, and why:
 * <ul>
 *   <li>exact for one IEEE operation per element (add, sub, mul, scale, relu, mask, broadcast,
 *       expand, fill, copy) and for axpy, whose kernel rounds the product and the sum separately as Java does;</li>
 *   <li>one float ulp for exp (a float64 exp rounded once on both sides); for log-softmax two ulps
 *       of the row's log-normaliser, which both sides round to float before subtracting it;</li>
 *   <li>float64 sums in a different order: 10⁻¹² of Σ|terms| for dot, one float ulp of Σ|terms| for sumToMid;</li>
 *   <li>GEMM: both against a float64 product, within 2·k·2⁻²⁴·(|A|·|B|)ᵢⱼ, the float32 error bound of a k-term sum.</li>
 * </ul>
 */
class CudaBackendParityTest {
    private static CudaBackend gpu;
    private static final Backend cpu = CpuBackend.get();
    private static final int[] SIZES = {1, 7, 255, 256, 257, 1000, 65537, 1_000_003};

    // Per test, not per class, so that every skipped test is listed with the reason.
    @BeforeEach
    void device() {
        if (gpu == null) {
            gpu = Gpu.require();
            System.out.println("CUDA parity tests on " + gpu.name() + ": " + gpu.description());
        }
    }

    /** Runs op on both backends with the same fresh inputs and compares the outputs. */
    private static void compareUnary(String op, BiConsumer<Backend, Buffer[]> run, double ulps) {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int n : SIZES) {
            float[] x = random(rng, n);
            float[] onCpu = new float[n], onGpu;
            Buffer cx = cpu.allocate(n), co = cpu.allocate(n);
            cpu.copyIn(x, 0, cx);
            run.accept(cpu, new Buffer[] {cx, co});
            cpu.copyOut(co, onCpu, 0);
            Buffer gx = upload(gpu, x), go = gpu.allocate(n);
            run.accept(gpu, new Buffer[] {gx, go});
            onGpu = download(gpu, go);
            gpu.release(gx);
            gpu.release(go);
            assertClose(op + " n=" + n + " seed=" + seed, onCpu, onGpu, ulps);
        }
    }

    private static void compareBinary(String op, BinaryOp run) {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int n : SIZES) {
            float[] a = random(rng, n), b = random(rng, n), onCpu = new float[n];
            Buffer ca = cpu.allocate(n), cb = cpu.allocate(n), co = cpu.allocate(n);
            cpu.copyIn(a, 0, ca);
            cpu.copyIn(b, 0, cb);
            run.apply(cpu, ca, cb, co);
            cpu.copyOut(co, onCpu, 0);
            Buffer ga = upload(gpu, a), gb = upload(gpu, b), go = gpu.allocate(n);
            run.apply(gpu, ga, gb, go);
            assertClose(op + " n=" + n + " seed=" + seed, onCpu, download(gpu, go), 0);
            // In place (out aliases a), as the element-wise contract allows.
            run.apply(gpu, ga, gb, ga);
            assertClose(op + " in place, n=" + n + " seed=" + seed, onCpu, download(gpu, ga), 0);
            for (Buffer g : new Buffer[] {ga, gb, go}) gpu.release(g);
        }
    }

    interface BinaryOp {
        void apply(Backend b, Buffer x, Buffer y, Buffer out);
    }

    /** Elementwise within {@code ulps} float ulps of the CPU value (0 = bitwise equal, NaN = NaN). */
    static void assertClose(String what, float[] expected, float[] actual, double ulps) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.compare(e, a) == 0 || (Float.isNaN(e) && Float.isNaN(a))) continue;
            if (ulps > 0 && Math.abs(e - a) <= ulps * Math.ulp(e)) continue;
            fail(what + ": element " + i + " is " + a + " on CUDA, " + e + " on the CPU (tolerance " + ulps + " ulp)");
        }
    }

    @Test
    void elementwiseBinaryOpsMatchTheCpuBitForBit() {
        compareBinary("add", Backend::add);
        compareBinary("sub", Backend::sub);
        compareBinary("mul", Backend::mul);
        compareBinary("axpy", (b, x, y, out) -> {
            b.copy(y, out);
            b.axpy(-0.37f, x, out);
        });
    }

    @Test
    void elementwiseUnaryOpsMatchTheCpu() {
        compareUnary("scale", (b, io) -> b.scale(io[0], 1.7f, io[1]), 0);
        compareUnary("relu", (b, io) -> b.relu(io[0], io[1]), 0);
        compareUnary("positiveMask", (b, io) -> b.positiveMask(io[0], io[1]), 0);
        compareUnary("exp", (b, io) -> b.exp(io[0], io[1]), 1);
        compareUnary("copy", (b, io) -> b.copy(io[0], io[1]), 0);
        compareUnary("fill", (b, io) -> b.fill(io[1], -3.25f), 0);
    }

    @Test
    void reluKeepsNanAndMapsNegativeZeroToZero() {
        float[] x = {Float.NaN, -0f, 0f, -1f, 2f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] onCpu = new float[x.length];
        Buffer cx = cpu.allocate(x.length), co = cpu.allocate(x.length);
        cpu.copyIn(x, 0, cx);
        cpu.relu(cx, co);
        cpu.copyOut(co, onCpu, 0);
        Buffer gx = upload(gpu, x), go = gpu.allocate(x.length);
        gpu.relu(gx, go);
        assertClose("relu of special values", onCpu, download(gpu, go), 0);
    }

    @Test
    void broadcastExpandAndSumToMidMatchTheCpuOnOddShapes() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // The last two are long sums over few m (BatchNorm-like), which sumToMid splits over several blocks per m.
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {128, 10, 1}, {7, 64, 33}, {2, 3, 1025}, {1000, 3, 1}, {4, 16, 4096}, {8000, 5, 1}};
        for (int[] s : shapes) {
            int outer = s[0], mid = s[1], inner = s[2], n = outer * mid * inner;
            String where = String.format("[%d, %d, %d] seed=%d", outer, mid, inner, seed);
            float[] x = random(rng, n), b = random(rng, mid);
            Buffer cx = cpu.allocate(n), cb = cpu.allocate(mid), co = cpu.allocate(n), cm = cpu.allocate(mid);
            cpu.copyIn(x, 0, cx);
            cpu.copyIn(b, 0, cb);
            Buffer gx = upload(gpu, x), gb = upload(gpu, b), go = gpu.allocate(n), gm = gpu.allocate(mid);
            float[] expected = new float[n];
            for (BroadcastOp op : BroadcastOp.values()) {
                cpu.broadcast(op, cx, cb, outer, mid, inner, co);
                cpu.copyOut(co, expected, 0);
                gpu.broadcast(op, gx, gb, outer, mid, inner, go);
                assertClose("broadcast " + op + " " + where, expected, download(gpu, go), 0);
            }
            cpu.expand(cb, outer, mid, inner, co);
            cpu.copyOut(co, expected, 0);
            gpu.expand(gb, outer, mid, inner, go);
            assertClose("expand " + where, expected, download(gpu, go), 0);

            float[] sums = new float[mid];
            cpu.sumToMid(cx, outer, mid, inner, cm);
            cpu.copyOut(cm, sums, 0);
            gpu.sumToMid(gx, outer, mid, inner, gm);
            float[] onGpu = download(gpu, gm);
            for (int m = 0; m < mid; m++) {
                double magnitude = 0;
                for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) magnitude += Math.abs(x[(o * mid + m) * inner + i]);
                assertEquals(sums[m], onGpu[m], Math.ulp((float) magnitude) + 1e-30, "sumToMid " + where + " m=" + m);
            }
        }
    }

    @Test
    void dotAndSumOfSquaresAccumulateInFloat64() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int n : SIZES) {
            float[] a = random(rng, n), b = random(rng, n);
            Buffer ca = cpu.allocate(n), cb = cpu.allocate(n);
            cpu.copyIn(a, 0, ca);
            cpu.copyIn(b, 0, cb);
            Buffer ga = upload(gpu, a), gb = upload(gpu, b);
            double magnitude = 0, squares = 0;
            for (int i = 0; i < n; i++) {
                magnitude += Math.abs((double) a[i] * b[i]);
                squares += (double) a[i] * a[i];
            }
            assertEquals(cpu.dot(ca, cb), gpu.dot(ga, gb), 1e-12 * magnitude + 1e-300, "dot n=" + n + " seed=" + seed);
            assertEquals(squares, gpu.sumOfSquares(ga), 1e-12 * squares + 1e-300, "sumOfSquares n=" + n + " seed=" + seed);
            assertEquals(gpu.dot(ga, ga), gpu.sumOfSquares(ga), 1e-12 * squares + 1e-300, "dot(x, x) n=" + n);
        }
    }

    @Test
    void logSoftmaxMatchesTheCpuRowByRow() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] shapes = {{1, 1}, {1, 10}, {128, 10}, {33, 1000}, {5, 4099}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] x = random(rng, n);
            for (int i = 0; i < n; i++) x[i] *= 30;   // logits far apart: the max shift matters
            float[] expected = new float[n];
            Buffer cx = cpu.allocate(n), co = cpu.allocate(n);
            cpu.copyIn(x, 0, cx);
            cpu.logSoftmax(cx, rows, cols, co);
            cpu.copyOut(co, expected, 0);
            Buffer gx = upload(gpu, x), go = gpu.allocate(n);
            gpu.logSoftmax(gx, rows, cols, go);
            float[] onGpu = download(gpu, go);
            for (int r = 0; r < rows; r++) {
                // out = x − logZ with logZ rounded to float once on each side: the two may differ by
                // one ulp of |logZ| ≤ max|x| + log(cols), which can be many ulps of a small output.
                double maxAbs = 0;
                for (int c = 0; c < cols; c++) maxAbs = Math.max(maxAbs, Math.abs(x[r * cols + c]));
                double tolerance = 2 * Math.ulp((float) (maxAbs + Math.log(cols) + 1));
                for (int c = 0; c < cols; c++) {
                    assertEquals(expected[r * cols + c], onGpu[r * cols + c], tolerance,
                            "logSoftmax [" + rows + ", " + cols + "] at [" + r + ", " + c + "] seed=" + seed);
                }
            }
        }
    }

    @Test
    void gemmMatchesAFloat64ProductForEveryTransposeAndOddSizes() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] sizes = {{1, 1, 1}, {37, 29, 53}, {128, 10, 256}, {257, 513, 129}, {3, 1000, 2}};
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    String what = String.format("gemm %s%s m=%d n=%d k=%d seed=%d", transA ? "T" : "N", transB ? "T" : "N", m, n, k, seed);
                    float[] a = random(rng, m * k), b = random(rng, k * n), c = random(rng, m * n);
                    float alpha = 0.75f, beta = -0.5f;
                    Buffer ga = upload(gpu, a), gb = upload(gpu, b), gc = upload(gpu, c);
                    gpu.gemm(transA, transB, m, n, k, alpha, ga, gb, beta, gc);
                    float[] onGpu = download(gpu, gc);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double exact = 0, magnitude = 0;
                            for (int p = 0; p < k; p++) {
                                double aip = transA ? a[p * m + i] : a[i * k + p];
                                double bpj = transB ? b[j * k + p] : b[p * n + j];
                                exact += aip * bpj;
                                magnitude += Math.abs(aip * bpj);
                            }
                            double expected = alpha * exact + beta * c[i * n + j];
                            double bound = 2.0 * (k + 2) * Math.pow(2, -24) * (Math.abs(alpha) * magnitude + Math.abs(beta * c[i * n + j]));
                            assertEquals(expected, onGpu[i * n + j], bound + 1e-30, what + " at [" + i + ", " + j + "]");
                        }
                    }
                    for (Buffer g : new Buffer[] {ga, gb, gc}) gpu.release(g);
                }
            }
        }
    }

    @Test
    void gemmWithBetaZeroIgnoresNanInCAndWithKZeroScalesC() {
        float[] nan = new float[4];
        java.util.Arrays.fill(nan, Float.NaN);
        Buffer a = upload(gpu, new float[] {1, 2, 3, 4, 5, 6}), b = upload(gpu, new float[] {1, 0, 0, 1, 1, 1});
        Buffer c = upload(gpu, nan);
        gpu.gemm(false, false, 2, 2, 3, 1f, a, b, 0f, c);   // [2,3]·[3,2]
        assertArrayEquals(new float[] {4, 5, 10, 11}, download(gpu, c));
        Buffer c2 = upload(gpu, new float[] {1, 2, 3, 4});
        gpu.gemm(false, false, 2, 2, 0, 1f, gpu.allocate(0), gpu.allocate(0), 3f, c2);
        assertArrayEquals(new float[] {3, 6, 9, 12}, download(gpu, c2));
    }

    /** Runs op on both backends over copies of the same inputs; returns {cpu output, cuda output}. */
    private static float[][] both(int outLength, java.util.function.BiConsumer<Backend, Buffer[]> op, float[]... inputs) {
        float[][] results = new float[2][];
        Backend[] backends = {cpu, gpu};
        for (int k = 0; k < 2; k++) {
            Backend b = backends[k];
            Buffer[] buffers = new Buffer[inputs.length + 1];
            for (int i = 0; i < inputs.length; i++) {
                buffers[i] = b.allocate(inputs[i].length);
                b.copyIn(inputs[i], 0, buffers[i]);
            }
            buffers[inputs.length] = b.allocate(outLength);
            op.accept(b, buffers);
            results[k] = new float[outLength];
            b.copyOut(buffers[inputs.length], results[k], 0);
        }
        return results;
    }

    @Test
    void layerMethodsMatchTheCpuBitForBit() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        float[] positive = random(rng, 1_000_003);
        for (int i = 0; i < positive.length; i++) positive[i] = Math.abs(positive[i]) + 1e-3f;
        float[][] r = both(positive.length, (b, t) -> b.rsqrt(t[0], t[1]), positive);
        assertClose("rsqrt seed=" + seed, r[0], r[1], 0);

        float[] x = random(rng, 3 * 64 * 17 * 5);
        r = both(x.length, (b, t) -> b.transpose(t[0], 3, 64, 17, 5, t[1]), x);
        assertClose("transpose seed=" + seed, r[0], r[1], 0);

        for (float p : new float[] {0f, 0.2f, 0.5f}) {
            r = both(1_000_003, (b, t) -> b.dropoutMask(seed, p, t[0]));
            assertClose("dropoutMask p=" + p + " seed=" + seed, r[0], r[1], 0);
        }

        basin.kernels.Window2d w = new basin.kernels.Window2d(8, 3, 31, 29, 3, 3, 2, 2, 1, 1);
        float[] image = random(rng, w.inputSize());
        r = both(w.patchSize() * w.positions(), (b, t) -> b.im2col(t[0], w, t[1]), image);
        assertClose("im2col " + w + " seed=" + seed, r[0], r[1], 0);
        float[] cols = random(rng, w.patchSize() * w.positions());
        r = both(w.inputSize(), (b, t) -> b.col2im(t[0], w, t[1]), cols);
        assertClose("col2im " + w + " seed=" + seed, r[0], r[1], 0);   // the same sums in the same order

        float[][] pooled = both(w.pooledSize(), (b, t) -> b.maxPool2d(t[0], w, b.allocate(w.pooledSize()), t[1]), image);
        assertClose("maxPool2d indices " + w + " seed=" + seed, pooled[0], pooled[1], 0);
        int planes = w.batch() * w.channels(), planeIn = w.height() * w.width(), planeOut = w.outH() * w.outW();
        r = both(w.pooledSize(), (b, t) -> b.gather(t[0], t[1], planes, planeIn, planeOut, t[2]), image, pooled[0]);
        assertClose("gather " + w + " seed=" + seed, r[0], r[1], 0);
        float[] dy = random(rng, w.pooledSize());
        r = both(w.inputSize(), (b, t) -> b.scatterAdd(t[0], t[1], planes, planeIn, planeOut, t[2]), dy, pooled[0]);
        assertClose("scatterAdd " + w + " seed=" + seed, r[0], r[1], 0);
    }

    @Test
    void transposeRefusesAliasedBuffersLikeTheCpu() {
        Buffer x = gpu.allocate(12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.transpose(x, 1, 3, 4, 1, x));
        assertTrue(e.getMessage().startsWith("transpose: buffers of length 12 and 12 do not hold"), e.getMessage());
    }

    @Test
    void slicesReadAndWriteTheirPartOfTheParent() {
        float[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Buffer whole = upload(gpu, x);
        Buffer middle = whole.slice(3, 4);
        gpu.scale(middle, 10f, middle);
        assertArrayEquals(new float[] {0, 1, 2, 30, 40, 50, 60, 7, 8, 9}, download(gpu, whole));
        assertArrayEquals(new float[] {30, 40, 50, 60}, download(gpu, middle));
        gpu.copyIn(new float[] {-1, -2}, 0, whole.slice(8, 2));
        assertArrayEquals(new float[] {0, 1, 2, 30, 40, 50, 60, 7, -1, -2}, download(gpu, whole));
    }

    @Test
    void transfersLargerThanTheStagingBufferArriveWhole() {
        int n = PinnedStaging.MAX_FLOATS + 12345;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i;
        Buffer g = upload(gpu, x);
        float[] back = download(gpu, g);
        assertArrayEquals(x, back);
        gpu.release(g);
    }

    @Test
    void anArenaHandsItsBuffersBackToThePool() {
        gpu.clearPool();
        long whileOpen;
        try (Arena arena = gpu.openArena()) {
            gpu.allocate(1000);
            gpu.allocate(3333);
            whileOpen = gpu.bytesInUse();
        }
        // The collector may return blocks of earlier tests' buffers at any time, so in-use bytes are
        // compared across the close only, where the arena (which holds its buffers) gives its own back.
        assertTrue(whileOpen - gpu.bytesInUse() >= 4 * (1000 + 3333), "released when the arena closes");
        assertTrue(gpu.bytesCached() >= 4 * (1000 + 3333), "cached for reuse: " + gpu.bytesCached());
    }

    @Test
    void runningOutOfDeviceMemoryNamesTheSizes() {
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> gpu.allocator().allocate(1L << 50, "a test buffer"));
        assertTrue(e.getMessage().startsWith("cuda: out of device memory allocating 1073741824.0 MiB (1125899906842624 bytes) for a test buffer; Basin holds "),
                e.getMessage());
        assertTrue(e.getMessage().contains("free of"), e.getMessage());
    }

    @Test
    void buffersOfAnotherBackendAreRefusedByName() {
        Buffer onCpu = cpu.allocate(4), onGpu = gpu.allocate(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.add(onCpu, onGpu, onGpu));
        assertEquals("add: buffer cpu buffer[4] does not live on the cuda:0 backend", e.getMessage());
    }
}
