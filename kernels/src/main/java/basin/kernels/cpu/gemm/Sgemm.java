package basin.kernels.cpu.gemm;

/**
 * Single-precision GEMM on Java arrays, row-major: C ← α·op(A)·op(B) + β·C.
 *
 * <p>NOTE: a straightforward reference loop nest; the blocked, packed, register-tiled kernel
 * replaces it.
 */
public final class Sgemm {
    private Sgemm() {
    }

    /**
     * C[m×n] ← α·op(A)·op(B) + β·C with leading dimensions lda, ldb, ldc (row strides).
     * op(A) is [m×k]: A[i,p] at a[aOff + i·lda + p], or transposed A[p,i] at a[aOff + p·lda + i].
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
        }
    }
}
