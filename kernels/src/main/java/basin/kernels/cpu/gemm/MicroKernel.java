package basin.kernels.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile: C[MR×NR] ← α·Ã·B̃ + β·C, where Ã is one packed MR-row micro-panel of A
 * (kc columns, MR values per column) and B̃ one packed NR-column micro-panel of B (kc rows, NR
 * values per row).
 *
 * <p>Each step p of the kc loop is a rank-1 update of the tile: two vectors of B̃'s row p are
 * loaded once and each of the MR entries of Ã's column p is broadcast and fused-multiply-added
 * into its row's two accumulators. The shape is set by the register file of AVX2, the widest
 * vectors on the target (AMD EPYC Zen 3: 8 floats per vector, 16 vector registers): the
 * MR·2 = 12 accumulators, the two B̃ vectors and the broadcast take 15 of the 16, so the tile
 * never leaves registers inside the loop. An 8-row tile needs 19, so C2 must keep some of them
 * on the stack inside the loop (measured on 128×784×256, one thread: 29 against 42 GFLOP/s). Twelve
 * independent FMA chains cover the FMA latency (4 cycles on Zen 3) times its two FMA pipes, and each step's
 * 2·MR·NR = 192 flops need only 2 loads and 6 broadcasts from L1. With AVX-512 (16 floats, 32
 * registers) the same code is a 6×32 tile.
 */
final class MicroKernel {
    private MicroKernel() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector: 8 with AVX2, 16 with AVX-512. */
    static final int L = F.length();
    /** Rows of the register tile. */
    static final int MR = 6;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;

    /**
     * T[r,j] = Σ_p Ã[r,p]·B̃[p,j] for the MR×NR tile, with Ã[r,p] at aPack[aIdx + p·MR + r],
     * B̃[p,j] at bPack[bIdx + p·NR + j] and T[r,j] written to tile[r·NR + j].
     *
     * <p>The raw sums go to a small buffer rather than into C because C2 inlines a method only up
     * to a node budget: the accumulators plus an α·T + β·C update per row exceed it, and a store
     * helper left out of line boxes its vectors and falls back to scalar code. {@link #update}
     * applies α and β afterwards at a cost of MR·NR L1-resident floats per kc·MR·NR
     * multiply-adds.
     */
    static void tile(int kc, float[] aPack, int aIdx, float[] bPack, int bIdx, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bp = bIdx + p * NR;
            int ap = aIdx + p * MR;
            FloatVector b0 = FloatVector.fromArray(F, bPack, bp);
            FloatVector b1 = FloatVector.fromArray(F, bPack, bp + L);
            FloatVector ar = FloatVector.broadcast(F, aPack[ap]);
            c00 = ar.fma(b0, c00);
            c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(F, aPack[ap + 1]);
            c10 = ar.fma(b0, c10);
            c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(F, aPack[ap + 2]);
            c20 = ar.fma(b0, c20);
            c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(F, aPack[ap + 3]);
            c30 = ar.fma(b0, c30);
            c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(F, aPack[ap + 4]);
            c40 = ar.fma(b0, c40);
            c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(F, aPack[ap + 5]);
            c50 = ar.fma(b0, c50);
            c51 = ar.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /**
     * C[0:mr, 0:nr] at c[cIdx + r·ldc + j] ← α·T + β·C from a tile written by {@link #tile};
     * β = 0 does not read C. Full rows go through vectors, the ragged edge through scalars.
     */
    static void update(float[] tile, int mr, int nr, float alpha, float beta,
                       float[] c, int cIdx, int ldc) {
        FloatVector alphaV = FloatVector.broadcast(F, alpha);
        FloatVector betaV = FloatVector.broadcast(F, beta);
        int nrVec = nr - nr % L;
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * ldc;
            int t = r * NR;
            for (int j = 0; j < nrVec; j += L) {
                FloatVector y = FloatVector.fromArray(F, tile, t + j).mul(alphaV);
                if (beta != 0f) y = FloatVector.fromArray(F, c, row + j).fma(betaV, y);
                y.intoArray(c, row + j);
            }
            for (int j = nrVec; j < nr; j++) {
                float y = alpha * tile[t + j];
                c[row + j] = beta == 0f ? y : y + beta * c[row + j];
            }
        }
    }
}
