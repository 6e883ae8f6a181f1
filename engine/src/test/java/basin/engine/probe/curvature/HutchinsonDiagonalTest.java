package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagonal estimator against the dense diagonal of H = QΛQᵀ: every entry within 5.5 of its
 * own standard deviation √(Σ_{j≠i} H_ij² / K) (Gaussian for K = 4000; 50 entries make a miss a
 * one-in-a-million event), its reported standard error close to that, and exact in one sample
 * for a diagonal matrix, where there is no off-diagonal mass to average away.
 */
class HutchinsonDiagonalTest {

    @Test
    void convergesToTheDenseDiagonal() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 50, k = 4000;
        ChosenSpectrum h = new ChosenSpectrum(ChosenSpectrum.linspace(-1, 3, p), rng);
        double[][] dense = LogitProblem.dense(h);
        HutchinsonDiagonal.Result r = HutchinsonDiagonal.estimate(h, k, new SplittableRandom(rng.nextLong()));
        float[] d = r.diagonal().toHost(), e = r.standardError().toHost();
        for (int i = 0; i < p; i++) {
            double offDiagonal = 0;
            for (int j = 0; j < p; j++) if (j != i) offDiagonal += dense[i][j] * dense[i][j];
            double sd = Math.sqrt(offDiagonal / k);
            assertTrue(Math.abs(d[i] - dense[i][i]) < 5.5 * sd, "seed " + seed + ": entry " + i + ": " + d[i] + " vs " + dense[i][i] + ", sd " + sd);
            assertEquals(sd, e[i], 0.1 * sd, "seed " + seed + ": entry " + i + "'s standard error");
        }
        assertEquals(k, r.samples());
    }

    @Test
    void isExactInOneSampleForADiagonalMatrix() {
        long seed = Compare.seed();
        double[] lambda = ChosenSpectrum.linspace(-2, 5, 30);
        LinearOperator diagonal = new LinearOperator() {
            public basin.engine.linalg.ParamLayout layout() {
                return basin.engine.linalg.ParamLayout.vector(30);
            }

            public basin.kernels.Backend backend() {
                return basin.kernels.cpu.CpuBackend.get();
            }

            public void apply(basin.engine.linalg.ParamVector v, basin.engine.linalg.ParamVector out) {
                float[] x = v.toHost();
                for (int i = 0; i < x.length; i++) x[i] *= (float) lambda[i];
                backend().copyIn(x, 0, out.buffer());
            }
        };
        HutchinsonDiagonal.Result r = HutchinsonDiagonal.estimate(diagonal, 2, new SplittableRandom(seed));
        float[] d = r.diagonal().toHost();
        for (int i = 0; i < 30; i++) assertEquals((float) lambda[i], d[i], 0f, "seed " + seed + ": entry " + i);
        double trace = 0;
        for (double l : lambda) trace += l;
        assertEquals(trace, r.trace(), 1e-5);
    }
}
