package basin.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static basin.kernels.cpu.gemm.MicroKernel.F;
import static basin.kernels.cpu.gemm.MicroKernel.L;
import static basin.kernels.cpu.gemm.MicroKernel.MR;
import static basin.kernels.cpu.gemm.MicroKernel.NR;

/**
 * Copies blocks of op(A) and op(B) into the order in which the micro-kernel reads them, so that
 * one kernel serves all four transpose combinations and walks memory with unit stride.
 *
 * <p>A block op(A)[i0:i0+mc, p0:p0+kc] becomes ⌈mc/MR⌉ micro-panels; micro-panel q holds rows
 * q·MR … q·MR+MR−1 column by column: Ã[r,p] at aPack[q·MR·kc + p·MR + r]. A block
 * op(B)[p0:p0+kc, j0:j0+nc] becomes ⌈nc/NR⌉ micro-panels; micro-panel q holds columns
 * q·NR … q·NR+NR−1 row by row: B̃[p,j] at bPack[q·NR·kc + p·NR + j]. Rows of Ã and columns of B̃
 * beyond the matrix edge are zero, so an edge tile computes zeros there instead of needing a
 * second kernel.
 */
final class Packing {
    private Packing() {
    }

    /** Packs op(A)[i0:i0+mc, p0:p0+kc] into aPack (length ≥ ⌈mc/MR⌉·MR·kc). */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int p0, int mc, int kc,
                      float[] aPack) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = ir * kc;
            if (transA) {
                // op(A)[i,p] = A[p,i]: the MR entries of one column of Ã are contiguous in a.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir;
                    int d = dst + p * MR;
                    for (int r = 0; r < mr; r++) aPack[d + r] = a[src + r];
                    for (int r = mr; r < MR; r++) aPack[d + r] = 0f;
                }
            } else {
                // op(A)[i,p] = A[i,p]: each of the MR rows is contiguous in a; interleave them.
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kc; p++) aPack[dst + p * MR + r] = a[src + p];
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) aPack[dst + p * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs op(B)[p0:p0+kc, j0:j0+nc] into bPack from index bIdx on (⌈nc/NR⌉·NR·kc floats).
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc,
                      float[] bPack, int bIdx) {
        if (!transB) {
            packRowsOfB(b, bOff, ldb, p0, j0, kc, nc, bPack, bIdx);
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = bIdx + jr * kc;
            // op(B)[p,j] = B[j,p]: each of the NR columns of B̃ is a contiguous row of b.
            for (int j = 0; j < nr; j++) {
                int src = bOff + (j0 + jr + j) * ldb + p0;
                for (int p = 0; p < kc; p++) bPack[dst + p * NR + j] = b[src + p];
            }
            for (int j = nr; j < NR; j++) {
                for (int p = 0; p < kc; p++) bPack[dst + p * NR + j] = 0f;
            }
        }
    }

    /**
     * op(B)[p,j] = B[p,j]: row p of the block is nc contiguous floats of b, and its NR-wide
     * pieces are row p of each micro-panel. Walking b row by row keeps the reads on one
     * sequential stream; filling one micro-panel at a time instead reads kc pieces ldb floats
     * apart, each on its own page when ldb ≥ 1024, and those 4 KiB strides all fall into the
     * same few cache sets (measured: the 1024³ product ran at half the speed of 1024×1024×512).
     */
    private static void packRowsOfB(float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc,
                                    float[] bPack, int bIdx) {
        int ncFull = nc - nc % NR;
        for (int p = 0; p < kc; p++) {
            int src = bOff + (p0 + p) * ldb + j0;
            for (int jr = 0; jr < ncFull; jr += NR) {
                int d = bIdx + jr * kc + p * NR;
                FloatVector.fromArray(F, b, src + jr).intoArray(bPack, d);
                FloatVector.fromArray(F, b, src + jr + L).intoArray(bPack, d + L);
            }
            if (ncFull < nc) {
                int d = bIdx + ncFull * kc + p * NR;
                int nr = nc - ncFull;
                System.arraycopy(b, src + ncFull, bPack, d, nr);
                Arrays.fill(bPack, d + nr, d + NR, 0f);
            }
        }
    }
}
