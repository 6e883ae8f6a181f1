package basin.kernels.cpu.gemm;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One random GEMM problem laid out inside larger arrays (offsets, leading dimensions wider than
 * the rows), with a float64 oracle. Entries of A and B outside the logical matrices are NaN, so a
 * read out of bounds poisons the result; entries of C outside the logical matrix hold a sentinel
 * that must survive.
 */
final class GemmProblem {

    /** Unit roundoff of float32, 2⁻²⁴. */
    static final double U = 0x1p-24;

    private static final float OUTSIDE_C = 1234.5f;

    final boolean transA, transB;
    final int m, n, k;
    final float alpha, beta;
    final long seed;
    final float[] a, b, c, c0;
    final int aOff, lda, bOff, ldb, cOff, ldc;

    /**
     * @param pad   extra floats per row beyond the logical width, for A, B and C
     * @param cNaN  fill C with NaN (to check that β = 0 never reads it) instead of random values
     */
    GemmProblem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                int pad, boolean cNaN, long seed) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        aOff = pad == 0 ? 0 : 3;
        bOff = pad == 0 ? 0 : 5;
        cOff = pad == 0 ? 0 : 7;
        lda = Math.max(1, aCols + pad);
        ldb = Math.max(1, bCols + pad);
        ldc = Math.max(1, n + pad);
        a = stored(random, aRows, aCols, aOff, lda, Float.NaN, false);
        b = stored(random, bRows, bCols, bOff, ldb, Float.NaN, false);
        c = stored(random, m, n, cOff, ldc, OUTSIDE_C, cNaN);
        c0 = c.clone();
    }

    private static float[] stored(SplittableRandom random, int rows, int cols, int off, int ld,
                                  float outside, boolean nanInside) {
        float[] x = new float[off + rows * ld + 2];
        java.util.Arrays.fill(x, outside);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[off + i * ld + j] = nanInside ? Float.NaN : (float) random.nextDouble(-1, 1);
            }
        }
        return x;
    }

    double opA(int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    double opB(int p, int j) {
        return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    /** Runs sgemm on this problem's arrays with the given number of threads. */
    void runSgemm(int threads) {
        Sgemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, threads);
    }

    void runPlain(int threads) {
        PlainSgemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, threads);
    }

    /**
     * Asserts that C holds α·op(A)·op(B) + β·C₀ to float32 accuracy and that nothing outside C
     * was written.
     *
     * <p>Tolerance. Every product and partial sum rounds with unit roundoff u = 2⁻²⁴, and the
     * error is measured against the sum of absolute values |α|·|op(A)|·|op(B)| + |β|·|C₀|
     * (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), which does not vanish
     * under cancellation. Elementwise we allow the proven worst case, (k + 4)·u: k roundings in
     * the sum and a few more for α, β and the blocked updates of C. Normwise we allow 2·u·√k:
     * roundings of random sign add like a random walk, which gives u·√(k/3) when the partial sums
     * grow linearly (terms of one sign); zero-mean data as here measures at most 0.6·u. A dropped
     * or doubled term is a relative 1/k of its entry and fails the elementwise bound for any
     * k below ~4000.
     */
    void assertMatchesOracle(String what) {
        String label = what + " " + this;
        double errSq = 0, scaleSq = 0, worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = opA(i, p) * opB(p, j);
                    sum += t;
                    abs += Math.abs(t);
                }
                int ci = cOff + i * ldc + j;
                double expected = alpha * sum + (beta == 0 ? 0 : beta * (double) c0[ci]);
                double scale = Math.abs(alpha) * abs + (beta == 0 ? 0 : Math.abs(beta * (double) c0[ci]));
                double err = Math.abs(c[ci] - expected);
                if (!(err <= (k + 4) * U * scale + Double.MIN_NORMAL)) {
                    fail(String.format("%s: C[%d,%d] = %s, expected %s (bound %.3g)",
                            label, i, j, c[ci], expected, (k + 4) * U * scale));
                }
                errSq += err * err;
                scaleSq += scale * scale;
                worst = Math.max(worst, err);
            }
        }
        double normwise = Math.sqrt(errSq) / Math.max(Math.sqrt(scaleSq), Double.MIN_NORMAL);
        double tolerance = 2 * U * Math.sqrt(Math.max(k, 1));
        assertTrue(normwise <= tolerance, String.format(
                "%s: normwise relative error %.3g > %.3g", label, normwise, tolerance));
        assertOutsideUntouched(label);
    }

    /** Asserts that no entry of c outside the logical m×n matrix changed. */
    void assertOutsideUntouched(String label) {
        for (int x = 0; x < c.length; x++) {
            int rel = x - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside && Float.floatToRawIntBits(c[x]) != Float.floatToRawIntBits(c0[x])) {
                fail(String.format("%s: c[%d] outside C changed from %s to %s",
                        label, x, c0[x], c[x]));
            }
        }
    }

    @Override
    public String toString() {
        return String.format("%d×%d·%d×%d %s%s α=%s β=%s ld+%d seed=%d", m, k, k, n,
                transA ? "T" : "N", transB ? "T" : "N", alpha, beta, ldc - n, seed);
    }
}
