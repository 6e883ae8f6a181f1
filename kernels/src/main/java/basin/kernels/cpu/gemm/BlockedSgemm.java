package basin.kernels.cpu.gemm;

import static basin.kernels.cpu.gemm.MicroKernel.MR;
import static basin.kernels.cpu.gemm.MicroKernel.NR;

/**
 * The single-threaded Goto/BLIS loop nest around {@link MicroKernel}: C ← α·op(A)·op(B) + β·C.
 *
 * <pre>
 * for jc in 0..n step nc              one panel of C's columns
 *   pack op(B)[0:k, jc:jc+nc] → B̃     kc-deep blocks, all of k at once (up to 16 blocks), in L3
 *   for ic in 0..m step mc            C block [mc×nc], stays in L2 across the whole pc loop
 *     for pc in 0..k step kc
 *       pack op(A) block → Ã          op(A)[ic:ic+mc, pc:pc+kc], lives in L2
 *       for jr in 0..nc step NR       one kc×NR micro-panel of B̃ stays in L1 …
 *         for ir in 0..mc step MR     … while the MR×kc micro-panels of Ã stream past it from L2
 *           C[ic+ir, jc+jr] (MR×NR tile) ← α·Ã·B̃ + β'·C,   β' = β on the first pc, else 1
 * </pre>
 *
 * <p>Sizes for the target (AMD EPYC Zen 3: 32 KiB L1d and 512 KiB L2 per core, 32 MiB L3 shared
 * by the cores). KC = 256: the B̃ micro-panel is KC·NR·4 = 16 KiB, half of L1, so it stays there
 * while the Ã micro-panels (6 KiB each) stream past it. MC = 96: the Ã block is MC·KC·4 = 96 KiB.
 * NC = 512: the C block is MC·NC·4 = 192 KiB, so Ã and the C block together take little over half
 * of L2 and C is read from L2, not L3, on each of the k/KC passes that add a rank-KC update to it.
 * BLIS's order (pc outside ic) instead sweeps all of C once per pc; for 1024³, C is 4 MiB and
 * every tile update then waited on L3 (measured: 1024³ ran at 70% of the speed of
 * 1024×256×1024, whose single pass writes C without reading it). The price is that op(A) is
 * packed once per NC columns of C instead of once. Block sizes are evened out (784 = 4·196,
 * not 3·256 + 16) so that no block is a thin remainder. Every tile is computed in full on
 * zero-padded panels; a full tile is combined with C in registers, a tile cut by C's edge goes
 * through a scratch tile and only its valid part is combined into C.
 */
final class BlockedSgemm {
    private BlockedSgemm() {
    }

    /** Depth of a packed block (the k extent of one rank-kc update). */
    static final int KC = 256;
    /** Rows of a packed A block; a multiple of MR. */
    static final int MC = 96;
    /** Columns of a packed B panel; a multiple of NR. */
    static final int NC = 512;
    /** KC-deep blocks of op(B) packed at once: bounds the B̃ panel to 16·KC·NC·4 = 8 MiB. */
    static final int PANEL_BLOCKS = 16;

    /** Packing buffers and the edge tiles' scratch tile of one thread, grown on demand and then reused. */
    private static final class Workspace {
        float[] aPack = new float[0];
        float[] bPack = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** The serial GEMM on validated arguments with m, n, k ≥ 1. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        int nc = evenBlock(n, NC, NR);
        int kc = evenBlock(k, KC, 1);
        int mc = evenBlock(m, MC, MR);
        int kd = PANEL_BLOCKS * kc;
        int ncPadded = (nc + NR - 1) / NR * NR;
        if (ws.aPack.length < mc * kc) ws.aPack = new float[mc * kc];
        if (ws.bPack.length < ncPadded * Math.min(kd, k)) {
            ws.bPack = new float[ncPadded * Math.min(kd, k)];
        }
        for (int jc = 0; jc < n; jc += nc) {
            int ncCur = Math.min(nc, n - jc);
            int ncCurPadded = (ncCur + NR - 1) / NR * NR;
            for (int pd = 0; pd < k; pd += kd) {
                int pdEnd = Math.min(pd + kd, k);
                // Block pc of the panel starts at (pc − pd)·ncCurPadded: the blocks before it
                // hold pc − pd rows of ncCurPadded floats.
                for (int pc = pd; pc < pdEnd; pc += kc) {
                    Packing.packB(transB, b, bOff, ldb, pc, jc, Math.min(kc, pdEnd - pc), ncCur,
                            ws.bPack, (pc - pd) * ncCurPadded);
                }
                for (int ic = 0; ic < m; ic += mc) {
                    int mcCur = Math.min(mc, m - ic);
                    for (int pc = pd; pc < pdEnd; pc += kc) {
                        int kcCur = Math.min(kc, pdEnd - pc);
                        float betaCur = pc == 0 ? beta : 1f;
                        Packing.packA(transA, a, aOff, lda, ic, pc, mcCur, kcCur, ws.aPack);
                        macroKernel(mcCur, ncCur, kcCur, alpha, betaCur, ws,
                                (pc - pd) * ncCurPadded, c, cOff + ic * ldc + jc, ldc);
                    }
                }
            }
        }
    }

    /**
     * C[mc×nc] at c[cIdx] ← α·Ã·B̃ + β·C over all MR×NR tiles of the packed blocks, B̃ starting
     * at bPack[bIdx].
     */
    private static void macroKernel(int mc, int nc, int kc, float alpha, float beta, Workspace ws,
                                    int bIdx, float[] c, int cIdx, int ldc) {
        float[] aPack = ws.aPack, bPack = ws.bPack;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                if (mr == MR && nr == NR) {
                    MicroKernel.tile(kc, aPack, ir * kc, bPack, bIdx + jr * kc,
                            alpha, beta, c, cIdx + ir * ldc + jr, ldc);
                } else {
                    MicroKernel.edgeTile(kc, aPack, ir * kc, bPack, bIdx + jr * kc, ws.tile,
                            mr, nr, alpha, beta, c, cIdx + ir * ldc + jr, ldc);
                }
            }
        }
    }

    /**
     * Splits extent into ⌈extent/max⌉ blocks of nearly equal size, rounded up to a multiple of
     * unit, and returns that size.
     */
    static int evenBlock(int extent, int max, int unit) {
        int blocks = (extent + max - 1) / max;
        int size = (extent + blocks - 1) / blocks;
        return (size + unit - 1) / unit * unit;
    }
}
