package basin.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static basin.kernels.cpu.gemm.MicroKernel.F;
import static basin.kernels.cpu.gemm.MicroKernel.L;

/**
 * C ← α·A·Bᵀ + β·C when k is long and C is small: every entry of C is an inner product of a row
 * of A (stored [m, k]) with a row of B (stored [n, k]), both already contiguous along k, so
 * nothing needs packing.
 *
 * <p>This is the shape of a convolution's weight gradient, W̄ = Ḡ·Uᵀ: C is [Cout, C·k²], a few
 * thousand entries, and k = N·P runs over every position of the batch. Through
 * {@link BlockedSgemm} the k·n floats of Uᵀ are packed into NR-wide micro-panels, a transposing
 * copy of the whole patch matrix that is used only m/MR times (measured: the transposed packing
 * took a tenth of a ResNet-20 HVP, as much as the arithmetic of that product). Here each step
 * loads four vectors of A's rows and three of B's and does the 4×3 = 12 fused multiply-adds
 * between them; twelve accumulators, three B vectors and one A vector fill the 16 AVX2
 * registers. The lanes of each accumulator are added up at the end of a block.
 *
 * <p>k is taken in blocks of {@link #KB}: the three rows of B (12 KiB) stay in L1 while the
 * block's rows of A stream past them from L2, and each block adds α·(its partial sums) into C.
 * Sums are float32, in lanes and then across them: accurate to float32 rounding over k terms,
 * like the blocked product, but not bit-identical to it.
 */
final class InnerProductGemm {
    private InnerProductGemm() {
    }

    /** The twelve sums of a tile, per thread. */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[12]);

    /** Entries of k per block: 4 KiB of each row. */
    static final int KB = 1024;

    /**
     * Whether the inner-product form pays: A·Bᵀ with unit-stride rows, k long and C small. Each
     * 4×3 tile reads its rows of A afresh, so A's block is read n/3 times from L2; the blocked
     * product reads everything from L1 once packed. Measured on one thread, k = 1024 to 16,384
     * (GFLOP/s, blocked against inner products): 16×144: 19–23 against 39–46; 32×288: 44–58
     * against 52–69; 64×27: 47 against 64; 16×25: 27 against 59; but 64×576: 80–91 against 69–73,
     * and 128×1152: 53 against 44. So C up to 16,384 entries; and k of at least 1024, since below
     * that the scalar tail of each inner product weighs (32×400 at k = 588: 68 against 52).
     */
    static boolean applies(boolean transA, boolean transB, int m, int n, int k) {
        return !transA && transB && k >= 1024 && (long) m * n <= 16_384;
    }

    /** The {@link SerialGemm} for calls that {@link #applies} accepts. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int p0 = 0; p0 < k; p0 += KB) {
            int kb = Math.min(KB, k - p0);
            float betaCur = p0 == 0 ? beta : 1f;
            for (int j = 0; j < n; j += 3) {
                int nr = Math.min(3, n - j);
                for (int i = 0; i < m; i += 4) {
                    int mr = Math.min(4, m - i);
                    int aRow = aOff + i * lda + p0, bRow = bOff + j * ldb + p0, cAt = cOff + i * ldc + j;
                    if (mr == 4 && nr == 3) tile(kb, a, aRow, lda, b, bRow, ldb, alpha, betaCur, c, cAt, ldc);
                    else edge(mr, nr, kb, a, aRow, lda, b, bRow, ldb, alpha, betaCur, c, cAt, ldc);
                }
            }
        }
    }

    /** C[i, j] ← α·Σ_p A[i, p]·B[j, p] + β·C[i, j] for the 4×3 block at c[cAt], over kb terms. */
    private static void tile(int kb, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                             float alpha, float beta, float[] c, int cAt, int ldc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = b0 + ldb, b2 = b1 + ldb;
        FloatVector s00 = FloatVector.zero(F), s01 = FloatVector.zero(F), s02 = FloatVector.zero(F);
        FloatVector s10 = FloatVector.zero(F), s11 = FloatVector.zero(F), s12 = FloatVector.zero(F);
        FloatVector s20 = FloatVector.zero(F), s21 = FloatVector.zero(F), s22 = FloatVector.zero(F);
        FloatVector s30 = FloatVector.zero(F), s31 = FloatVector.zero(F), s32 = FloatVector.zero(F);
        int whole = F.loopBound(kb);
        for (int p = 0; p < whole; p += L) {
            FloatVector y0 = FloatVector.fromArray(F, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(F, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(F, b, b2 + p);
            FloatVector x = FloatVector.fromArray(F, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            x = FloatVector.fromArray(F, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            x = FloatVector.fromArray(F, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            x = FloatVector.fromArray(F, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
        }
        // Vectors stay in registers only while no array or object holds them: the sums leave
        // as plain floats.
        float[] t = TILE.get();
        t[0] = s00.reduceLanes(VectorOperators.ADD);
        t[1] = s01.reduceLanes(VectorOperators.ADD);
        t[2] = s02.reduceLanes(VectorOperators.ADD);
        t[3] = s10.reduceLanes(VectorOperators.ADD);
        t[4] = s11.reduceLanes(VectorOperators.ADD);
        t[5] = s12.reduceLanes(VectorOperators.ADD);
        t[6] = s20.reduceLanes(VectorOperators.ADD);
        t[7] = s21.reduceLanes(VectorOperators.ADD);
        t[8] = s22.reduceLanes(VectorOperators.ADD);
        t[9] = s30.reduceLanes(VectorOperators.ADD);
        t[10] = s31.reduceLanes(VectorOperators.ADD);
        t[11] = s32.reduceLanes(VectorOperators.ADD);
        finish(t, whole, kb, a, a0, lda, b, b0, ldb, alpha, beta, c, cAt, ldc);
    }

    /** Adds the last kb − whole terms of each of the 4×3 sums in t and stores them into C. */
    private static void finish(float[] t, int whole, int kb, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                               float alpha, float beta, float[] c, int cAt, int ldc) {
        for (int r = 0; r < 4; r++) {
            for (int q = 0; q < 3; q++) {
                float s = t[r * 3 + q];
                for (int p = whole; p < kb; p++) s += a[a0 + r * lda + p] * b[b0 + q * ldb + p];
                store(alpha, s, beta, c, cAt + r * ldc + q);
            }
        }
    }

    /** The ragged edge of C: each of the mr×nr entries as one vector inner product. */
    private static void edge(int mr, int nr, int kb, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                             float alpha, float beta, float[] c, int cAt, int ldc) {
        int whole = F.loopBound(kb);
        for (int r = 0; r < mr; r++) {
            for (int q = 0; q < nr; q++) {
                int ar = a0 + r * lda, br = b0 + q * ldb;
                FloatVector acc = FloatVector.zero(F);
                for (int p = 0; p < whole; p += L) {
                    acc = FloatVector.fromArray(F, a, ar + p).fma(FloatVector.fromArray(F, b, br + p), acc);
                }
                float s = acc.reduceLanes(VectorOperators.ADD);
                for (int p = whole; p < kb; p++) s += a[ar + p] * b[br + p];
                store(alpha, s, beta, c, cAt + r * ldc + q);
            }
        }
    }

    /** c[at] ← α·s + β·c[at]; β = 0 does not read c (NaN there does not propagate). */
    private static void store(float alpha, float s, float beta, float[] c, int at) {
        c[at] = beta == 0f ? alpha * s : alpha * s + beta * c[at];
    }
}
