package basin.kernels.cpu.gemm;

/**
 * One thread's C ← α·op(A)·op(B) + β·C on validated arguments with m, n, k ≥ 1 and α ≠ 0; the
 * strategy that {@link GemmDriver} runs on each slice of C.
 */
@FunctionalInterface
interface SerialGemm {
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);
}
