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
     * C[r,j] at c[cIdx + r·ldc + j] ← α·Σ_p Ã[r,p]·B̃[p,j] + β·C[r,j] for the whole MR×NR tile,
     * with Ã[r,p] at aPack[aIdx + p·MR + r] and B̃[p,j] at bPack[bIdx + p·NR + j]; β = 0 does not
     * read C.
     *
     * <p>The loop walks the two panels with their own indices, bp being the loop variable. C2
     * proves the B̃ loads in bounds once, before the loop, because their index is the loop
     * variable itself; an index recomputed from a counter p in every step (bIdx + p·NR) was
     * left with its multiplications and range checks inside the loop, about 20 scalar
     * instructions beside the 12 FMAs, and the core's 6-wide dispatch, not its FMA units, set
     * the pace (measured in L1, kc = 256, medians of four runs on a noisy shared machine: 48–68
     * against 71–79 GFLOP/s, where a loop of FMAs alone reaches ~90). The same loop unrolled
     * twice by hand was slower still (~39): C2 then loads the next step's B̃ vectors early, needs
     * more than 16 registers and spills.
     *
     * <p>The result goes straight into C rather than through a buffer: writing the tile to a
     * buffer and combining it with C in a second method cost 5–10% on 1024³.
     */
    static void tile(int kc, float[] aPack, int aIdx, float[] bPack, int bIdx,
                     float alpha, float beta, float[] c, int cIdx, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        int bEnd = bIdx + kc * NR;
        for (int ap = aIdx, bp = bIdx; bp < bEnd; ap += MR, bp += NR) {
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
        // Written out row by row: a helper taking the accumulators as arguments would not be
        // inlined inside C2's node budget, and out of line it boxes its vectors.
        FloatVector alphaV = FloatVector.broadcast(F, alpha);
        FloatVector betaV = FloatVector.broadcast(F, beta);
        boolean readC = beta != 0f;
        int row = cIdx;
        FloatVector y0 = c00.mul(alphaV), y1 = c01.mul(alphaV);
        if (readC) {
            y0 = FloatVector.fromArray(F, c, row).fma(betaV, y0);
            y1 = FloatVector.fromArray(F, c, row + L).fma(betaV, y1);
        }
        y0.intoArray(c, row);
        y1.intoArray(c, row + L);
        row += ldc;
        y0 = c10.mul(alphaV);
        y1 = c11.mul(alphaV);
        if (readC) {
            y0 = FloatVector.fromArray(F, c, row).fma(betaV, y0);
            y1 = FloatVector.fromArray(F, c, row + L).fma(betaV, y1);
        }
        y0.intoArray(c, row);
        y1.intoArray(c, row + L);
        row += ldc;
        y0 = c20.mul(alphaV);
        y1 = c21.mul(alphaV);
        if (readC) {
            y0 = FloatVector.fromArray(F, c, row).fma(betaV, y0);
            y1 = FloatVector.fromArray(F, c, row + L).fma(betaV, y1);
        }
        y0.intoArray(c, row);
        y1.intoArray(c, row + L);
        row += ldc;
        y0 = c30.mul(alphaV);
        y1 = c31.mul(alphaV);
        if (readC) {
            y0 = FloatVector.fromArray(F, c, row).fma(betaV, y0);
            y1 = FloatVector.fromArray(F, c, row + L).fma(betaV, y1);
        }
        y0.intoArray(c, row);
        y1.intoArray(c, row + L);
        row += ldc;
        y0 = c40.mul(alphaV);
        y1 = c41.mul(alphaV);
        if (readC) {
            y0 = FloatVector.fromArray(F, c, row).fma(betaV, y0);
            y1 = FloatVector.fromArray(F, c, row + L).fma(betaV, y1);
        }
        y0.intoArray(c, row);
        y1.intoArray(c, row + L);
        row += ldc;
        y0 = c50.mul(alphaV);
        y1 = c51.mul(alphaV);
        if (readC) {
            y0 = FloatVector.fromArray(F, c, row).fma(betaV, y0);
            y1 = FloatVector.fromArray(F, c, row + L).fma(betaV, y1);
        }
        y0.intoArray(c, row);
        y1.intoArray(c, row + L);
    }

    /**
     * C[0:mr, 0:nr] ← α·Ã·B̃ + β·C for a tile cut by the edge of C (mr ≤ MR, nr ≤ NR). The
     * packed panels are zero-padded to the full MR×NR, so {@link #tile} computes the whole
     * product T = Ã·B̃ into the scratch buffer (length MR·NR) and only T's valid part is combined
     * with C. β = 0 does not read C.
     */
    static void edgeTile(int kc, float[] aPack, int aIdx, float[] bPack, int bIdx, float[] scratch,
                         int mr, int nr, float alpha, float beta, float[] c, int cIdx, int ldc) {
        tile(kc, aPack, aIdx, bPack, bIdx, 1f, 0f, scratch, 0, NR);
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * ldc;
            for (int j = 0; j < nr; j++) {
                float y = alpha * scratch[r * NR + j];
                c[row + j] = beta == 0f ? y : y + beta * c[row + j];
            }
        }
    }
}
