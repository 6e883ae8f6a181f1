package basin.kernels.cpu.gemm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Sgemm} against a float64 triple loop ({@link GemmProblem#assertMatchesOracle}). Every
 * problem draws its inputs from a seed derived from one chosen afresh per run; the seed is in
 * each case's display name and in every failure message.
 */
class SgemmTest {

    static final long RUN_SEED = new SplittableRandom().nextLong();

    /** Sizes that hit every edge: empty, single, below one tile, one past a tile, primes. */
    static final int[] SIZES = {0, 1, 2, 3, 7, 17, 31, 33, 65, 100, 129};

    static long seed(int... salt) {
        long s = RUN_SEED;
        for (int x : salt) s = s * 0x9E3779B97F4A7C15L + x;
        return s;
    }

    /** Each pair (m, n) of SIZES with k cycling through SIZES too, in all four transposes. */
    static Stream<GemmProblem> oddShapes() {
        List<GemmProblem> problems = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            for (int j = 0; j < SIZES.length; j++) {
                int m = SIZES[i], n = SIZES[j], k = SIZES[(i + 2 * j + 1) % SIZES.length];
                boolean transA = (i + j) % 2 == 1, transB = (i / 2 + j) % 2 == 1;
                problems.add(new GemmProblem(transA, transB, m, n, k, 1f, 0f, 0, false,
                        seed(m, n, k)));
            }
        }
        return problems.stream();
    }

    static Stream<GemmProblem> transposes() {
        List<GemmProblem> problems = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            problems.add(new GemmProblem(t / 2 == 1, t % 2 == 1, 128, 256, 784, 1f, 0f, 0, false,
                    seed(t, 784)));
            problems.add(new GemmProblem(t / 2 == 1, t % 2 == 1, 37, 41, 53, 1f, 0f, 0, false,
                    seed(t, 53)));
        }
        return problems.stream();
    }

    static Stream<GemmProblem> zeroBetaOverNaN() {
        return Stream.of(new int[] {1, 1, 1}, new int[] {7, 33, 17}, new int[] {65, 31, 100},
                        new int[] {129, 129, 129})
                .map(s -> new GemmProblem(s[0] % 2 == 0, s[1] % 2 == 0, s[0], s[1], s[2],
                        1.25f, 0f, 0, true, seed(s)));
    }

    static Stream<GemmProblem> unitBeta() {
        return Stream.of(new int[] {1, 1, 1}, new int[] {9, 40, 300}, new int[] {100, 65, 33})
                .map(s -> new GemmProblem(false, true, s[0], s[1], s[2], 1f, 1f, 0, false,
                        seed(s)));
    }

    static Stream<GemmProblem> halfBeta() {
        return Stream.of(new int[] {3, 2, 7}, new int[] {31, 129, 65}, new int[] {100, 17, 400})
                .map(s -> new GemmProblem(true, false, s[0], s[1], s[2], -0.75f, 0.5f, 0, false,
                        seed(s)));
    }

    /**
     * C made of whole 6×16 tiles (combined with C in registers) and C cut by the tile grid in its
     * rows, its columns or both (those tiles go through a scratch tile), k over two 256-deep
     * blocks so that β scales only the first block's contribution, in all four transposes.
     */
    static Stream<GemmProblem> wholeAndEdgeTiles() {
        List<GemmProblem> problems = new ArrayList<>();
        int[][] shapes = {{12, 32, 300}, {13, 32, 300}, {12, 35, 300}, {17, 47, 300}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                problems.add(new GemmProblem(t / 2 == 1, t % 2 == 1, s[0], s[1], s[2], -0.75f,
                        0.5f, 0, false, seed(t, s[0], s[1], s[2])));
            }
        }
        return problems.stream();
    }

    static Stream<GemmProblem> paddedLayouts() {
        List<GemmProblem> problems = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            problems.add(new GemmProblem(t / 2 == 1, t % 2 == 1, 33, 17, 65, 2f, 0.5f, 5, false,
                    seed(t, 5)));
            problems.add(new GemmProblem(t / 2 == 1, t % 2 == 1, 100, 129, 31, 1f, 0f, 16, true,
                    seed(t, 16)));
        }
        return problems.stream();
    }

    /** Above the parallel threshold, split along n (wide) and along m (tall), ragged at the cut. */
    static Stream<GemmProblem> parallelShapes() {
        return Stream.of(new int[] {128, 256, 784}, new int[] {97, 1001, 129},
                        new int[] {1003, 67, 131}, new int[] {300, 301, 257})
                .map(s -> new GemmProblem(s[0] % 2 == 0, s[1] % 2 == 0, s[0], s[1], s[2],
                        1f, 0.5f, 3, false, seed(s)));
    }

    /**
     * n = 1, which {@link Gemv} computes without packing: rows of A in fours and a ragged rest, k
     * off the vector width, y past one {@link Gemv#CHUNK} of the transposed product, β = 0 over
     * NaN, β = ½ with negative α, and shapes above the parallel threshold in both directions.
     */
    static Stream<GemmProblem> matrixVectorProducts() {
        List<GemmProblem> problems = new ArrayList<>();
        int[][] shapes = {{1, 1}, {3, 5}, {4, 16}, {7, 33}, {13, 250}, {2049, 9}, {4103, 7}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean transA = t / 2 == 1, transB = t % 2 == 1;
                problems.add(new GemmProblem(transA, transB, s[0], 1, s[1], 1f, 0f, 0, true, seed(t, s[0], s[1])));
                problems.add(new GemmProblem(transA, transB, s[0], 1, s[1], -0.75f, 0.5f, 0, false, seed(t, s[1], s[0])));
            }
        }
        // [80, 30011]·x and its transpose: a Lanczos basis against w, split across threads.
        problems.add(new GemmProblem(false, false, 80, 1, 30011, 1f, 0f, 0, false, seed(80, 30011)));
        problems.add(new GemmProblem(true, false, 30011, 1, 80, -1f, 1f, 0, false, seed(30011, 80)));
        // Padded: x or y not contiguous, so the blocked product takes the call.
        problems.add(new GemmProblem(false, false, 17, 1, 33, 1f, 0.5f, 3, false, seed(17, 1, 33)));
        problems.add(new GemmProblem(true, true, 33, 1, 17, 1f, 0f, 2, true, seed(33, 1, 17)));
        return problems.stream();
    }

    /**
     * A·Bᵀ with k long and C small, which {@link InnerProductGemm} computes without packing:
     * whole 4×3 tiles and ragged edges of both sides, k off the vector width and past one
     * {@link InnerProductGemm#KB} block (so later blocks add into C), β = 0 over NaN, β = ½ with
     * negative α, padded rows, and a convolution's weight gradient split across threads.
     */
    static Stream<GemmProblem> innerProducts() {
        List<GemmProblem> problems = new ArrayList<>();
        int[][] shapes = {{1, 1, 1024}, {4, 3, 1031}, {5, 7, 1024}, {16, 27, 1031}, {3, 2, 2500}, {32, 144, 4099}, {33, 289, 1100}};
        for (int[] s : shapes) {
            problems.add(new GemmProblem(false, true, s[0], s[1], s[2], 1f, 0f, 0, true, seed(s)));
            problems.add(new GemmProblem(false, true, s[0], s[1], s[2], -0.75f, 0.5f, 0, false, seed(s[2], s[1], s[0])));
            problems.add(new GemmProblem(false, true, s[0], s[1], s[2], 1.5f, 1f, 3, false, seed(s[1], s[2], s[0])));
        }
        return problems.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("innerProducts")
    void longInnerProductsMatchTheFloat64Product(GemmProblem p) {
        assertTrue(InnerProductGemm.applies(p.transA, p.transB, p.m, p.n, p.k), "the case must take the inner-product form");
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
        System.arraycopy(p.c0, 0, p.c, 0, p.c.length);
        p.runSgemm(1);
        p.assertMatchesOracle("sgemm on one thread");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrixVectorProducts")
    void matrixVectorProductsMatchTheFloat64Product(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
    }

    /**
     * A matrix–vector product gives the same bits on one thread as split across all of them: a
     * Lanczos run must not change with whether another thread holds the pool (two probes at once
     * in one JVM, as Spark's local mode runs them).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("matrixVectorProducts")
    void matrixVectorProductsDoNotDependOnTheThreadCount(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        float[] split = p.c.clone();
        System.arraycopy(p.c0, 0, p.c, 0, p.c.length);
        p.runSgemm(1);
        for (int i = 0; i < split.length; i++) {
            assertEquals(Float.floatToRawIntBits(p.c[i]), Float.floatToRawIntBits(split[i]), p + ": entry " + i + " on one thread and split");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddShapes")
    void oddAndEdgeShapesMatchTheFloat64Product(GemmProblem p) {
        p.runSgemm(1);
        p.assertMatchesOracle("sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposes")
    void everyTransposeCombinationMatchesTheFloat64Product(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zeroBetaOverNaN")
    void zeroBetaOverwritesCWithoutReadingItsNaNs(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unitBeta")
    void unitBetaAccumulatesIntoC(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("halfBeta")
    void fractionalBetaAndNegativeAlphaScaleBothTerms(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wholeAndEdgeTiles")
    void wholeTilesAndEdgeTilesBothScaleTheProductByAlphaAndCByBeta(GemmProblem p) {
        p.runSgemm(1);
        p.assertMatchesOracle("sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paddedLayouts")
    void offsetsAndWideLeadingDimensionsReadAndWriteOnlyTheLogicalMatrices(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parallelShapes")
    void productsSplitAcrossThreadsMatchTheFloat64Product(GemmProblem p) {
        p.runSgemm(Sgemm.maxThreads());
        p.assertMatchesOracle("sgemm");
    }

    /**
     * One thread, n past one packed panel of op(B) (NC = 512 columns) and k past the depth packed
     * at once (16 blocks of at most 256), so that C accumulates across panels and depth chunks.
     */
    @Test
    void productWiderThanOnePanelAndDeeperThanOneChunkMatchesTheFloat64Product() {
        GemmProblem p = new GemmProblem(false, true, 13, 1100, 4500, 1f, 0.5f, 3, false,
                seed(13, 1100, 4500));
        p.runSgemm(1);
        p.assertMatchesOracle("sgemm");
    }

    @Test
    void zeroDepthLeavesBetaTimesC() {
        GemmProblem p = new GemmProblem(false, false, 5, 6, 0, 1f, 0.5f, 2, false, seed(0));
        p.runSgemm(1);
        p.assertMatchesOracle("sgemm");
    }

    @Test
    void zeroAlphaIgnoresTheProductEvenIfItIsNaN() {
        GemmProblem p = new GemmProblem(false, false, 9, 10, 11, 0f, 0.5f, 0, false, seed(1));
        java.util.Arrays.fill(p.a, Float.NaN);
        p.runSgemm(1);
        for (int i = 0; i < p.m * p.n; i++) {
            assertEquals(0.5f * p.c0[i], p.c[i], "sgemm " + p);
        }
    }

    @Test
    void emptyOutputLeavesEveryEntryAlone() {
        GemmProblem p = new GemmProblem(false, false, 0, 7, 5, 1f, 0f, 3, false, seed(2));
        p.runSgemm(1);
        p.assertOutsideUntouched("sgemm " + p);
    }

    @Test
    void concurrentCallersEachGetTheirOwnProduct() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<GemmProblem>> done = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                GemmProblem p = new GemmProblem(t % 2 == 0, t % 3 == 0, 150 + t, 140, 160, 1f, 0f,
                        0, false, seed(t, 99));
                Callable<GemmProblem> call = () -> {
                    p.runSgemm(Sgemm.maxThreads());
                    return p;
                };
                done.add(callers.submit(call));
            }
            for (Future<GemmProblem> f : done) f.get().assertMatchesOracle("concurrent sgemm");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void matrixThatOverrunsItsArrayIsRejectedBeforeAnyWrite() {
        float[] a = new float[6], b = new float[9], c = new float[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, false, 2, 3, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("sgemm: C stored [2×3]"), e.getMessage());
    }

    @Test
    void leadingDimensionShorterThanTheRowIsRejected() {
        float[] a = new float[100], b = new float[100], c = new float[100];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(true, false, 4, 4, 5, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("A is stored [5×4]"), e.getMessage());
    }
}
