package basin.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static basin.kernels.cpu.gemm.MicroKernel.F;
import static basin.kernels.cpu.gemm.MicroKernel.L;

/**
 * GEMM with n = 1, the matrix–vector product y ← α·op(A)·x + β·y, without packing.
 *
 * <p>Through {@link BlockedSgemm} a single column of op(B) is packed into an NR-wide micro-panel
 * that is 15/16 zeros, all of A is copied into Ã before it is used once, and the register tile
 * does sixteen times the arithmetic (measured on [80, 203,530]·[203,530] and its transpose: 45–60
 * and 110–200 ms, against about 5 ms each here). Each entry of A is used once, so the product is
 * bound by reading A from memory; what is left to get right is reading A once, with unit stride,
 * and keeping x and y where they are cheap to reach.
 * <ul>
 * <li>y = A·x (A stored [m, k]): four rows of A at a time against one pass over x, two vectors per
 *     row, so eight independent FMA chains cover the FMA latency and x is read m/4 times.</li>
 * <li>y = Aᵀ·x (A stored [k, m]): y is the sum of the rows of A weighted by x. It is built
 *     {@link #CHUNK} entries at a time, so that the piece of y being summed into stays in L1 while
 *     all k rows stream past it, four rows per pass.</li>
 * </ul>
 * Sums are float32, as in the blocked product: accurate to float32 rounding over k terms.
 * {@link GemmDriver} splits y across threads as it splits C.
 */
final class Gemv {
    private Gemv() {
    }

    /** Entries of y summed at once in the transposed product: 8 KiB, a quarter of L1. */
    static final int CHUNK = 2048;

    /**
     * Whether {@link #gemm} can take this call: one column, with x and y contiguous. x is column 0
     * of op(B): B[p, 0] at b[bOff + p·ldb], or B[0, p] at b[bOff + p] when transB.
     */
    static boolean applies(boolean transB, int n, int ldb, int ldc) {
        return n == 1 && (transB || ldb == 1) && ldc == 1;
    }

    /** The {@link SerialGemm} for calls that {@link #applies} accepts. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (transA) columns(m, k, alpha, a, aOff, lda, b, bOff, beta, c, cOff);
        else rows(m, k, alpha, a, aOff, lda, b, bOff, beta, c, cOff);
    }

    /** y[i] ← α·Σ_p A[i, p]·x[p] + β·y[i], with A[i, p] at a[aOff + i·lda + p]. */
    private static void rows(int m, int k, float alpha, float[] a, int aOff, int lda,
                             float[] x, int xOff, float beta, float[] y, int yOff) {
        int kVec = k - k % (2 * L);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = aOff + i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00;
            FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
            for (int p = 0; p < kVec; p += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(F, x, xOff + p);
                FloatVector x1 = FloatVector.fromArray(F, x, xOff + p + L);
                s00 = FloatVector.fromArray(F, a, r0 + p).fma(x0, s00);
                s01 = FloatVector.fromArray(F, a, r0 + p + L).fma(x1, s01);
                s10 = FloatVector.fromArray(F, a, r1 + p).fma(x0, s10);
                s11 = FloatVector.fromArray(F, a, r1 + p + L).fma(x1, s11);
                s20 = FloatVector.fromArray(F, a, r2 + p).fma(x0, s20);
                s21 = FloatVector.fromArray(F, a, r2 + p + L).fma(x1, s21);
                s30 = FloatVector.fromArray(F, a, r3 + p).fma(x0, s30);
                s31 = FloatVector.fromArray(F, a, r3 + p + L).fma(x1, s31);
            }
            float t0 = s00.add(s01).reduceLanes(VectorOperators.ADD);
            float t1 = s10.add(s11).reduceLanes(VectorOperators.ADD);
            float t2 = s20.add(s21).reduceLanes(VectorOperators.ADD);
            float t3 = s30.add(s31).reduceLanes(VectorOperators.ADD);
            for (int p = kVec; p < k; p++) {
                float xp = x[xOff + p];
                t0 += a[r0 + p] * xp;
                t1 += a[r1 + p] * xp;
                t2 += a[r2 + p] * xp;
                t3 += a[r3 + p] * xp;
            }
            store(alpha, t0, beta, y, yOff + i);
            store(alpha, t1, beta, y, yOff + i + 1);
            store(alpha, t2, beta, y, yOff + i + 2);
            store(alpha, t3, beta, y, yOff + i + 3);
        }
        for (; i < m; i++) {
            int r = aOff + i * lda;
            FloatVector s0 = FloatVector.zero(F), s1 = s0;
            for (int p = 0; p < kVec; p += 2 * L) {
                s0 = FloatVector.fromArray(F, a, r + p).fma(FloatVector.fromArray(F, x, xOff + p), s0);
                s1 = FloatVector.fromArray(F, a, r + p + L).fma(FloatVector.fromArray(F, x, xOff + p + L), s1);
            }
            float t = s0.add(s1).reduceLanes(VectorOperators.ADD);
            for (int p = kVec; p < k; p++) t += a[r + p] * x[xOff + p];
            store(alpha, t, beta, y, yOff + i);
        }
    }

    /** y ← α·t + β·y for one entry; β = 0 does not read y. */
    private static void store(float alpha, float t, float beta, float[] y, int at) {
        y[at] = beta == 0f ? alpha * t : alpha * t + beta * y[at];
    }

    /** y[j] ← α·Σ_p A[p, j]·x[p] + β·y[j], with A[p, j] at a[aOff + p·lda + j]. */
    private static void columns(int m, int k, float alpha, float[] a, int aOff, int lda,
                                float[] x, int xOff, float beta, float[] y, int yOff) {
        scale(beta, y, yOff, m);
        for (int j0 = 0; j0 < m; j0 += CHUNK) {
            int width = Math.min(CHUNK, m - j0);
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                addFourRows(width, a, aOff + p * lda + j0, lda, alpha * x[xOff + p],
                        alpha * x[xOff + p + 1], alpha * x[xOff + p + 2], alpha * x[xOff + p + 3],
                        y, yOff + j0);
            }
            for (; p < k; p++) addRow(width, a, aOff + p * lda + j0, alpha * x[xOff + p], y, yOff + j0);
        }
    }

    /** y[0:width] += c0·A₀ + c1·A₁ + c2·A₂ + c3·A₃ for the four rows A_r at a[r0 + r·lda …]. */
    private static void addFourRows(int width, float[] a, int r0, int lda, float c0, float c1,
                                    float c2, float c3, float[] y, int yOff) {
        int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        FloatVector v0 = FloatVector.broadcast(F, c0), v1 = FloatVector.broadcast(F, c1);
        FloatVector v2 = FloatVector.broadcast(F, c2), v3 = FloatVector.broadcast(F, c3);
        int wVec = width - width % L;
        for (int j = 0; j < wVec; j += L) {
            // Two short chains rather than one of four; the y vectors of successive j are independent.
            FloatVector front = FloatVector.fromArray(F, a, r0 + j).fma(v0, FloatVector.fromArray(F, y, yOff + j));
            front = FloatVector.fromArray(F, a, r1 + j).fma(v1, front);
            FloatVector back = FloatVector.fromArray(F, a, r2 + j).mul(v2);
            back = FloatVector.fromArray(F, a, r3 + j).fma(v3, back);
            front.add(back).intoArray(y, yOff + j);
        }
        // The tail in the lanes' own operations, so that an entry's bits do not depend on whether the
        // split across threads put it in a vector or in a tail.
        for (int j = wVec; j < width; j++) {
            float front = Math.fma(a[r1 + j], c1, Math.fma(a[r0 + j], c0, y[yOff + j]));
            float back = Math.fma(a[r3 + j], c3, a[r2 + j] * c2);
            y[yOff + j] = front + back;
        }
    }

    /** y[0:width] += c·A₀ for the row A₀ at a[r0 …]. */
    private static void addRow(int width, float[] a, int r0, float c, float[] y, int yOff) {
        FloatVector v = FloatVector.broadcast(F, c);
        int wVec = width - width % L;
        for (int j = 0; j < wVec; j += L) {
            FloatVector.fromArray(F, a, r0 + j).fma(v, FloatVector.fromArray(F, y, yOff + j)).intoArray(y, yOff + j);
        }
        for (int j = wVec; j < width; j++) y[yOff + j] = Math.fma(a[r0 + j], c, y[yOff + j]);     // as the lanes
    }

    /** y ← β·y; β = 0 writes zeros without reading y. */
    private static void scale(float beta, float[] y, int yOff, int m) {
        if (beta == 1f) return;
        for (int j = 0; j < m; j++) y[yOff + j] = beta == 0f ? 0f : beta * y[yOff + j];
    }
}
