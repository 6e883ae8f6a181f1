package basin.kernels.cpu.gemm;

/**
 * The same contract as {@link Sgemm} in plain Java loops, which HotSpot's C2 compiler vectorises
 * on its own; kept as the baseline that the Vector API kernel has to beat.
 *
 * <p>A kc×nc block of op(B) is copied row-major into a thread-local buffer (which absorbs transB
 * and keeps the block in L2), and each row of C is updated by four rank-1 axpys at a time,
 * C[i, :] += Σ_{q<4} α·op(A)[i, p+q]·B̃[p+q, :], so that the C row is loaded and stored once per
 * four rows of B̃ rather than once per row; the j loop is what C2 turns into SIMD. Without a
 * register tile every flop still needs a load from L1/L2, which bounds this variant well below
 * the micro-kernel.
 */
public final class PlainSgemm {
    private PlainSgemm() {
    }

    /** Depth of a copied block of op(B). */
    static final int KC = 128;
    /** Width of a copied block of op(B): KC·NC·4 = 256 KiB of L2; one C row segment is 2 KiB. */
    static final int NC = 512;

    private static final ThreadLocal<float[][]> B_BLOCK =
            ThreadLocal.withInitial(() -> new float[][] {new float[KC * NC]});

    /** As {@link Sgemm#sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[],
     *  int, int, float, float[], int, int)}, on up to {@link Sgemm#maxThreads()} threads. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                Sgemm.maxThreads());
    }

    /** As above on at most {@code threads} threads (1 = the caller only). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, int threads) {
        GemmDriver.run("plain sgemm", PlainSgemm::serial, threads, transA, transB, m, n, k, alpha,
                a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    private static void serial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        float[] bBlock = B_BLOCK.get()[0];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                copyB(transB, b, bOff, ldb, pc, jc, kc, nc, bBlock);
                for (int i = 0; i < m; i++) {
                    int row = cOff + i * ldc + jc;
                    if (pc == 0) scaleRow(beta, c, row, nc);
                    int aRow = transA ? aOff + pc * lda + i : aOff + i * lda + pc;
                    int aStep = transA ? lda : 1;
                    updateRow(kc, nc, alpha, a, aRow, aStep, bBlock, c, row);
                }
            }
        }
    }

    /** C[i, 0:nc] += α·Σ_p op(A)[i, p]·B̃[p, 0:nc], four values of p per pass over the row. */
    private static void updateRow(int kc, int nc, float alpha, float[] a, int aIdx, int aStep,
                                  float[] bBlock, float[] c, int row) {
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
            float s0 = alpha * a[aIdx + p * aStep], s1 = alpha * a[aIdx + (p + 1) * aStep];
            float s2 = alpha * a[aIdx + (p + 2) * aStep], s3 = alpha * a[aIdx + (p + 3) * aStep];
            int b0 = p * nc, b1 = b0 + nc, b2 = b1 + nc, b3 = b2 + nc;
            for (int j = 0; j < nc; j++) {
                c[row + j] += s0 * bBlock[b0 + j] + s1 * bBlock[b1 + j]
                        + s2 * bBlock[b2 + j] + s3 * bBlock[b3 + j];
            }
        }
        for (; p < kc; p++) {
            float s = alpha * a[aIdx + p * aStep];
            int b0 = p * nc;
            for (int j = 0; j < nc; j++) c[row + j] += s * bBlock[b0 + j];
        }
    }

    /** C[i, 0:nc] ← β·C[i, 0:nc]; β = 0 writes zeros without reading. */
    private static void scaleRow(float beta, float[] c, int row, int nc) {
        if (beta == 0f) {
            java.util.Arrays.fill(c, row, row + nc, 0f);
        } else if (beta != 1f) {
            for (int j = 0; j < nc; j++) c[row + j] *= beta;
        }
    }

    /** B̃[p, j] = op(B)[p0+p, j0+j], row-major with row length nc. */
    private static void copyB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0,
                              int kc, int nc, float[] bBlock) {
        for (int p = 0; p < kc; p++) {
            if (transB) {
                for (int j = 0; j < nc; j++) bBlock[p * nc + j] = b[bOff + (j0 + j) * ldb + p0 + p];
            } else {
                System.arraycopy(b, bOff + (p0 + p) * ldb + j0, bBlock, p * nc, nc);
            }
        }
    }
}
