package basin.kernels.cpu.gemm;

import static basin.kernels.cpu.gemm.MicroKernel.MR;
import static basin.kernels.cpu.gemm.MicroKernel.NR;

/**
 * The single-threaded Goto/BLIS loop nest around {@link MicroKernel}: C ← α·op(A)·op(B) + β·C.
 *
 * <pre>
 * for jc in 0..n step nc            B panel op(B)[pc:pc+kc, jc:jc+nc], packed once, lives in L3
 *   for pc in 0..k step kc
 *     pack op(B) block → B̃
 *     for ic in 0..m step mc        A block op(A)[ic:ic+mc, pc:pc+kc], packed, lives in L2
 *       pack op(A) block → Ã
 *       for jr in 0..nc step NR     one kc×NR micro-panel of B̃ stays in L1 …
 *         for ir in 0..mc step MR   … while the MR×kc micro-panels of Ã stream past it from L2
 *           C[ic+ir, jc+jr] (MR×NR tile) ← α·Ã·B̃ + β'·C,   β' = β on the first pc, else 1
 * </pre>
 *
 * <p>Sizes for the target (AMD EPYC Zen 3: 32 KiB L1d and 512 KiB L2 per core, 32 MiB L3 shared
 * by the cores): the B̃ micro-panel is KC·NR·4 = 16 KiB, half of L1, so it stays there while the
 * Ã micro-panels (6 KiB each) stream past it; the Ã block is MC·KC·4 = 120 KiB, under a quarter
 * of L2, so it survives the B̃ panel and C streaming through L2 from L3; the B̃ panel is
 * KC·NC·4 ≤ 4 MiB of L3. A deeper KC also means fewer passes of α·T + β·C over C, which for
 * 1024³ lives in L3. Block sizes are evened out (784 = 4·196, not 3·256 + 16) so that no block is
 * a thin remainder. Every tile is computed in full on zero-padded panels into a scratch tile, and
 * only its valid part is combined into C.
 */
final class BlockedSgemm {
    private BlockedSgemm() {
    }

    /** Depth of a packed block (the k extent of one rank-kc update). */
    static final int KC = 256;
    /** Rows of a packed A block; a multiple of MR. */
    static final int MC = 120;
    /** Columns of a packed B panel; a multiple of NR. */
    static final int NC = 4096;

    /** Packing buffers and the product tile of one thread, grown on demand and then reused. */
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
        if (ws.aPack.length < mc * kc) ws.aPack = new float[mc * kc];
        if (ws.bPack.length < nc * kc) ws.bPack = new float[nc * kc];
        for (int jc = 0; jc < n; jc += nc) {
            int ncCur = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcCur = Math.min(kc, k - pc);
                float betaCur = pc == 0 ? beta : 1f;
                Packing.packB(transB, b, bOff, ldb, pc, jc, kcCur, ncCur, ws.bPack);
                for (int ic = 0; ic < m; ic += mc) {
                    int mcCur = Math.min(mc, m - ic);
                    Packing.packA(transA, a, aOff, lda, ic, pc, mcCur, kcCur, ws.aPack);
                    macroKernel(mcCur, ncCur, kcCur, alpha, betaCur, ws,
                            c, cOff + ic * ldc + jc, ldc);
                }
            }
        }
    }

    /** C[mc×nc] at c[cIdx] ← α·Ã·B̃ + β·C over all MR×NR tiles of the packed blocks. */
    private static void macroKernel(int mc, int nc, int kc, float alpha, float beta, Workspace ws,
                                    float[] c, int cIdx, int ldc) {
        float[] aPack = ws.aPack, bPack = ws.bPack;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                MicroKernel.tile(kc, aPack, ir * kc, bPack, jr * kc, ws.tile);
                MicroKernel.update(ws.tile, mr, nr, alpha, beta, c, cIdx + ir * ldc + jr, ldc);
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
