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
            if (mr == MR && transA) {
                packColumnsOfA(a, aOff + p0 * lda + i0 + ir, lda, kc, aPack, dst);
            } else if (mr == MR) {
                packRowsOfA(a, aOff + (i0 + ir) * lda + p0, lda, kc, aPack, dst);
            } else {
                // The ragged last micro-panel: mr < MR rows, op(A)[i,p] at a[src + r·rowStep +
                // p·colStep], zero below them.
                int src = transA ? aOff + p0 * lda + i0 + ir : aOff + (i0 + ir) * lda + p0;
                int rowStep = transA ? 1 : lda, colStep = transA ? lda : 1;
                for (int p = 0; p < kc; p++) {
                    int d = dst + p * MR;
                    for (int r = 0; r < mr; r++) aPack[d + r] = a[src + r * rowStep + p * colStep];
                    for (int r = mr; r < MR; r++) aPack[d + r] = 0f;
                }
            }
        }
    }

    /**
     * One full micro-panel from op(A) = A: rows i … i+MR−1 of A, each kc floats from src on,
     * lda apart, interleaved column by column. The loops of the micro-panels are small methods
     * of their own with the read index as the loop variable, so that C2 keeps every index in a
     * register and proves the accesses in bounds before the loop; inside packA, with the outer
     * loop's values live, it kept the write index on the stack (measured: 1.0 against 0.8 ns
     * a float).
     */
    private static void packRowsOfA(float[] a, int src, int lda, int kc, float[] aPack, int dst) {
        int end = src + kc;
        for (int s = src, d = dst; s < end; s++, d += MR) {
            aPack[d] = a[s];
            aPack[d + 1] = a[s + lda];
            aPack[d + 2] = a[s + 2 * lda];
            aPack[d + 3] = a[s + 3 * lda];
            aPack[d + 4] = a[s + 4 * lda];
            aPack[d + 5] = a[s + 5 * lda];
        }
    }

    /**
     * One full micro-panel from op(A) = Aᵀ: column p of the micro-panel is MR contiguous floats of
     * row p0 + p of A, and the rows are lda apart (measured: 0.65 ns a float, against 1.5–2.5
     * for a copy loop of unknown length mr inside packA).
     */
    private static void packColumnsOfA(float[] a, int src, int lda, int kc, float[] aPack,
                                       int dst) {
        int end = dst + kc * MR;
        for (int d = dst, s = src; d < end; d += MR, s += lda) {
            aPack[d] = a[s];
            aPack[d + 1] = a[s + 1];
            aPack[d + 2] = a[s + 2];
            aPack[d + 3] = a[s + 3];
            aPack[d + 4] = a[s + 4];
            aPack[d + 5] = a[s + 5];
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
