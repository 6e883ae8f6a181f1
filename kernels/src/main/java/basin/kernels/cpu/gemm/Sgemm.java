package basin.kernels.cpu.gemm;

/**
 * Single-precision GEMM on Java arrays, row-major: C ← α·op(A)·op(B) + β·C, where op(X) is X or
 * Xᵀ, op(A) is [m×k], op(B) is [k×n] and C is [m×n].
 *
 * <p>The algorithm is Goto's (Goto &amp; van de Geijn 2008, "Anatomy of high-performance matrix
 * multiplication"), in the loop order of BLIS (Van Zee &amp; van de Geijn 2015): blocks of op(A)
 * and op(B) are packed into contiguous micro-panels sized for L2 and L1 ({@link BlockedSgemm},
 * {@link Packing}), and a 6×16 register tile (6×32 with AVX-512) of fused multiply-adds on the Vector API
 * ({@link MicroKernel}) does all the arithmetic. Packing absorbs the transposes, so one kernel
 * serves NN, NT, TN and TT. Large products are split across a persistent pool of one thread per
 * processor ({@link GemmDriver}); small ones run on the calling thread. After the first call on a
 * thread nothing is allocated. A single column (n = 1, x and y contiguous) is a matrix–vector
 * product, which packing would only slow down; {@link Gemv} does it without. A·Bᵀ with k long
 * and C small (a convolution's weight gradient) is m·n inner products of rows that are
 * already contiguous; {@link InnerProductGemm} does it without packing either. {@link PlainSgemm}
 * is the same contract in plain loops, kept as the measured baseline.
 *
 * <p>C must not overlap A or B. Results are not bitwise reproducible across thread counts or
 * block sizes, only accurate to float32 rounding over k terms.
 */
public final class Sgemm {
    private Sgemm() {
    }

    /** Threads a call may use: one per processor the JVM sees. */
    public static int maxThreads() {
        return GemmPool.INSTANCE.threads();
    }

    /**
     * C[m×n] ← α·op(A)·op(B) + β·C with leading dimensions lda, ldb, ldc (row strides), on up to
     * {@link #maxThreads()} threads. op(A) is [m×k]: A[i,p] at a[aOff + i·lda + p], or transposed
     * A[p,i] at a[aOff + p·lda + i]; op(B) is [k×n] likewise; C[i,j] at c[cOff + i·ldc + j].
     * β = 0 overwrites C without reading it (NaN there does not propagate); α = 0 or k = 0 leaves
     * β·C.
     *
     * @throws IllegalArgumentException for a negative dimension, a leading dimension shorter than
     *                                  its row, or a matrix that does not fit in its array
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                maxThreads());
    }

    /**
     * As {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)} on at most {@code threads} threads (1 = the caller only).
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, int threads) {
        SerialGemm serial = Gemv.applies(transB, n, ldb, ldc) ? Gemv::gemm
                : InnerProductGemm.applies(transA, transB, m, n, k) ? InnerProductGemm::gemm
                : BlockedSgemm::gemm;
        GemmDriver.run("sgemm", serial, threads, transA, transB, m, n, k, alpha,
                a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
