package basin.kernels.cuda;

import basin.kernels.Buffer;
import basin.kernels.CounterRng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static basin.kernels.cuda.Gpu.download;
import static basin.kernels.cuda.Gpu.random;
import static basin.kernels.cuda.Gpu.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layer kernels (im2col/col2im, max-pool, BatchNorm, dropout, axis swap) on CUDA against the
 * plain loops of {@link ReferenceKernels} and {@link CounterRng}. Skipped, with the reason, where
 * CUDA cannot be used. Tolerances: exact for pure data movement (im2col, pooling values and
 * indices, gather, swap) and for the dropout mask; float32 rounding of short sums (col2im, pool
 * scatter: at most KH·KW terms) against float64 sums; 2⁻²² relative for float64 statistics
 * rounded once to float32.
 */
class CudaKernelsParityTest {
    private static CudaBackend gpu;

    private static final ConvGeometry[] GEOMETRIES = {
        new ConvGeometry(2, 3, 9, 7, 3, 3, 1, 1, 1, 1),    // "same" 3×3
        new ConvGeometry(3, 2, 11, 10, 3, 3, 1, 1, 2, 2),  // strided, odd sizes
        new ConvGeometry(1, 5, 8, 8, 2, 2, 0, 0, 2, 2),    // the usual 2×2 pooling
        new ConvGeometry(2, 1, 5, 13, 5, 1, 2, 0, 1, 3),   // rectangular window and stride
        new ConvGeometry(4, 3, 7, 7, 3, 3, 1, 1, 1, 1),    // overlapping pooling windows
    };

    @BeforeEach
    void device() {
        if (gpu == null) gpu = Gpu.require();
    }

    @Test
    void im2colMovesEveryPixelToItsColumnAndCol2imIsItsAdjoint() {
        long seed = Gpu.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (ConvGeometry g : GEOMETRIES) {
            float[] x = random(rng, (int) g.inputLength());
            Buffer gx = upload(gpu, x), col = gpu.allocate((int) g.colLength());
            gpu.kernels().im2col(gpu.pointer(gx), gpu.pointer(col), g);
            assertArrayEquals(ReferenceKernels.im2col(x, g), download(gpu, col), "im2col " + g + " seed=" + seed);

            float[] c = random(rng, (int) g.colLength());
            Buffer gc = upload(gpu, c), dx = gpu.allocate((int) g.inputLength());
            gpu.kernels().col2im(gpu.pointer(gc), gpu.pointer(dx), g);
            double[] expected = ReferenceKernels.col2im(c, g);
            float[] onGpu = download(gpu, dx);
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
            Buffer gx = upload(gpu, x), y = gpu.allocate(outputs), idx = gpu.allocate(outputs);
            gpu.kernels().maxPool(gpu.pointer(gx), gpu.pointer(y), gpu.pointer(idx), g);
            assertArrayEquals(expected[0], download(gpu, y), "max-pool values " + g + " seed=" + seed);
            assertArrayEquals(expected[1], download(gpu, idx), "max-pool indices " + g + " seed=" + seed);

            float[] tangent = random(rng, x.length);
            Buffer gt = upload(gpu, tangent), gathered = gpu.allocate(outputs);
            gpu.kernels().maxPoolGather(gpu.pointer(gt), gpu.pointer(idx), gpu.pointer(gathered), g);
            float[] expectedGather = new float[outputs];
            int ohw = g.oh() * g.ow(), hw = g.h() * g.w();
            for (int j = 0; j < outputs; j++) expectedGather[j] = tangent[(j / ohw) * hw + (int) expected[1][j]];
            assertArrayEquals(expectedGather, download(gpu, gathered), "max-pool gather " + g + " seed=" + seed);

            float[] dy = random(rng, outputs);
            Buffer gdy = upload(gpu, dy), dx = gpu.allocate(x.length);
            gpu.kernels().maxPoolScatter(gpu.pointer(gdy), gpu.pointer(idx), gpu.pointer(dx), g);
            float[] expectedScatter = ReferenceKernels.maxPoolScatter(dy, expected[1], g);
            float[] onGpu = download(gpu, dx);
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

            Buffer gx = upload(gpu, x), mean = gpu.allocate(channels), var = gpu.allocate(channels);
            gpu.kernels().batchNormStats(gpu.pointer(gx), gpu.pointer(mean), gpu.pointer(var), outer, channels, inner);
            float[] gMean = download(gpu, mean), gVar = download(gpu, var);
            for (int c = 0; c < channels; c++) {
                assertEquals(stats[0][c], gMean[c], Math.abs(stats[0][c]) * 0x1p-22, "mean " + where + " c=" + c);
                assertEquals(stats[1][c], gVar[c], Math.abs(stats[1][c]) * 0x1p-22, "var " + where + " c=" + c);
            }

            Buffer gGamma = upload(gpu, gamma), gBeta = upload(gpu, beta), y = gpu.allocate(n);
            gpu.kernels().batchNormNormalize(gpu.pointer(gx), gpu.pointer(mean), gpu.pointer(var), gpu.pointer(gGamma),
                    gpu.pointer(gBeta), eps, gpu.pointer(y), outer, channels, inner);
            float[] gy = download(gpu, y);

            Buffer gdy = upload(gpu, dy), sumDy = gpu.allocate(channels), sumDyXhat = gpu.allocate(channels), dx = gpu.allocate(n);
            gpu.kernels().batchNormBackwardSums(gpu.pointer(gx), gpu.pointer(gdy), gpu.pointer(mean), gpu.pointer(var), eps,
                    gpu.pointer(sumDy), gpu.pointer(sumDyXhat), outer, channels, inner);
            gpu.kernels().batchNormBackwardInput(gpu.pointer(gx), gpu.pointer(gdy), gpu.pointer(mean), gpu.pointer(var),
                    gpu.pointer(gGamma), eps, gpu.pointer(sumDy), gpu.pointer(sumDyXhat), gpu.pointer(dx), outer, channels, inner);
            float[] gSumDy = download(gpu, sumDy), gSumDyXhat = download(gpu, sumDyXhat), gdx = download(gpu, dx);

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

    @Test
    void dropoutMaskIsTheCpuCounterRngMaskBitForBit() {
        long seed = Gpu.seed();
        for (int n : new int[] {1, 3, 4, 5, 1001, 1 << 20}) {
            for (float keep : new float[] {0.5f, 0.9f, 1f}) {
                float[] expected = new float[n];
                CounterRng.dropoutMask(seed, keep, expected);
                Buffer mask = gpu.allocate(n);
                gpu.kernels().dropoutMask(gpu.pointer(mask), n, seed, keep);
                assertArrayEquals(expected, download(gpu, mask), "dropout n=" + n + " keep=" + keep + " seed=" + seed);
                gpu.release(mask);
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
        Buffer gx = upload(gpu, x), out = gpu.allocate(x.length), back = gpu.allocate(x.length);
        gpu.kernels().swapLeadingAxes(gpu.pointer(gx), gpu.pointer(out), a, b, p);
        assertArrayEquals(expected, download(gpu, out), "swap seed=" + seed);
        gpu.kernels().swapLeadingAxes(gpu.pointer(out), gpu.pointer(back), b, a, p);
        assertArrayEquals(x, download(gpu, back), "swap back seed=" + seed);
    }
}
