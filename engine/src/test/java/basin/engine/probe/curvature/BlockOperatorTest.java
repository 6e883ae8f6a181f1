package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocks of the 6-5-4 MLP's Hessian (59 parameters, built densely in {@link TinyMlp}): a block's
 * operator is the dense sub-block H_BB, Lanczos run to the block's dimension finds its eigenvalues
 * (EJML on the sub-block; float32 products limit agreement to ~1e-5·λmax, we allow 1e-4), and the
 * per-layer traces add up to the full trace: exactly for the exact diagonal, within their combined
 * standard error for the estimates.
 */
class BlockOperatorTest {

    /** θ's indices of the block's entries, in layout order. */
    private static int[] indices(List<ParamLayout.Entry> block) {
        int[] idx = new int[block.stream().mapToInt(ParamLayout.Entry::size).sum()];
        int k = 0;
        for (ParamLayout.Entry e : block) for (int i = 0; i < e.size(); i++) idx[k++] = e.offset() + i;
        return idx;
    }

    @Test
    void aBlocksEigenvaluesAreThoseOfTheDenseSubBlock() {
        long seed = Compare.seed();
        TinyMlp net = new TinyMlp(seed);
        String last = net.theta.layout().entries().get(2).name().replace(".weight", ".*");      // the second linear layer
        for (String globs : new String[] {last, "*.weight", "*.bias"}) {
            List<ParamLayout.Entry> block = BlockOperator.select(net.theta.layout(), globs);
            BlockOperator h = new BlockOperator(net.hessian, block);
            int[] idx = indices(block);
            double[][] sub = new double[idx.length][idx.length];
            for (int r = 0; r < idx.length; r++) for (int c = 0; c < idx.length; c++) sub[r][c] = net.fullHessian[idx[r]][idx[c]];
            assertEquals(idx.length, h.dim());
            double err = LogitProblem.relativeError(LogitProblem.dense(h), sub);
            assertTrue(err < 1e-6, "seed " + seed + ": " + globs + ": block operator vs H_BB, relative error " + err);

            double[] exact = LogitProblem.eigenvalues(sub);
            Lanczos.Result lanczos = Lanczos.run(h, idx.length, new SplittableRandom(seed), null);
            double[] ritz = lanczos.ritzValues();
            double scale = Math.max(Math.abs(exact[0]), Math.abs(exact[exact.length - 1]));
            assertEquals(exact[0], ritz[0], 1e-4 * scale, "seed " + seed + ": " + globs + ": λmax");
            assertEquals(exact[exact.length - 1], ritz[ritz.length - 1], 1e-4 * scale, "seed " + seed + ": " + globs + ": λmin");
        }
    }

    @Test
    void perLayerTracesAddUpToTheFullTrace() {
        long seed = Compare.seed();
        TinyMlp net = new TinyMlp(seed);
        double exactSum = 0;
        for (ParamLayout.Entry e : net.theta.layout().entries()) {
            for (int i = e.offset(); i < e.offset() + e.size(); i++) exactSum += net.fullHessian[i][i];
        }
        assertEquals(net.trace(), exactSum, 1e-12 * Math.abs(net.trace()), "the blocks partition the diagonal");

        PerLayerCurvature.Result r = PerLayerCurvature.run(net.hessian, 20, 0, 400, new SplittableRandom(seed));
        assertEquals(net.theta.layout().entries().size(), r.rows().size());
        assertTrue(Math.abs(r.traceSum() - net.trace()) < 5 * r.traceSumStandardError(),
                "seed " + seed + ": Σ per-layer traces " + r.traceSum() + " ± " + r.traceSumStandardError() + " vs tr H " + net.trace());
        for (PerLayerCurvature.Row row : r.rows()) {
            List<ParamLayout.Entry> block = BlockOperator.select(net.theta.layout(), row.name());
            int[] idx = indices(block);
            double[][] sub = new double[idx.length][idx.length];
            for (int a = 0; a < idx.length; a++) for (int b = 0; b < idx.length; b++) sub[a][b] = net.fullHessian[idx[a]][idx[b]];
            double lambdaMax = LogitProblem.eigenvalues(sub)[0];
            // Lanczos's top Ritz value converges first; with min(20, p_B) steps it is within 1e-3 of the block's λmax here.
            assertEquals(lambdaMax, row.lambdaMax(), 1e-3 * Math.abs(net.eigenvalues[0]), "seed " + seed + ": " + row.name());
            assertEquals(400, row.traceSamples());
        }
    }

    @Test
    void aGlobThatMatchesNothingNamesTheParametersThereAre() {
        TinyMlp net = new TinyMlp(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockOperator.select(net.theta.layout(), "*.weight, 7.*"));
        assertTrue(e.getMessage().startsWith("--params: '7.*' matches no parameter; the model has ["), e.getMessage());
    }
}
