package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Monte-Carlo Fisher F̂ = (1/N) Σ_n (1/M) Σ_m g_nm g_nmᵀ: exactly that matrix for the labels it drew
 * (against the oracle's gradients g_n(ỹ)), one fixed matrix (two products agree bit for bit), and
 * converging to the Fisher at the sampling rate: E‖F̂_M − F‖²_F = S/M with S computed exactly from
 * the oracle, and ‖F̂_M − F‖_F stays below 5·√(S/M). The squared error is a sum of N·M independent
 * mean-zero matrix terms, nearly Gaussian for M ≥ 16, so exceeding 25 times its mean is a
 * one-in-millions event.
 */
class MonteCarloFisherTest {

    @Test
    void isTheOuterProductOfTheGradientsAtTheLabelsItDrew() {
        long seed = Compare.seed();
        for (LogitProblem problem : new LogitProblem[] {LogitProblem.mlp(seed), LogitProblem.batchNormCnn(seed)}) {
            MonteCarloFisherOperator f = new MonteCarloFisherOperator(problem.objective, problem.theta, problem.batches, 3, seed);
            int[][] labels = f.sampledLabels();
            assertEquals(LogitProblem.EXAMPLES, labels.length);
            assertEquals(3, labels[0].length);
            double err = LogitProblem.relativeError(LogitProblem.dense(f), problem.monteCarloFisher(labels));
            assertTrue(err < 1e-4, "seed " + seed + ": " + problem.model + ": F̂ vs the oracle's (1/N) Σ (1/M) Σ g gᵀ, relative error " + err);
        }
    }

    @Test
    void isOneFixedMatrixForItsSeed() {
        long seed = Compare.seed();
        LogitProblem problem = LogitProblem.mlp(seed);
        MonteCarloFisherOperator f = new MonteCarloFisherOperator(problem.objective, problem.theta, problem.batches, 2, seed);
        MonteCarloFisherOperator again = new MonteCarloFisherOperator(problem.objective, problem.theta, problem.batches, 2, seed);
        var v = basin.engine.linalg.ParamVector.gaussian(problem.backend, problem.theta.layout(), new java.util.SplittableRandom(seed));
        assertArrayEquals(f.apply(v).toHost(), f.apply(v).toHost(), "seed " + seed + ": two products of one operator");
        assertArrayEquals(f.apply(v).toHost(), again.apply(v).toHost(), "seed " + seed + ": two operators of one seed");
    }

    @Test
    void convergesToTheFisherAtTheSamplingRate() {
        long seed = Compare.seed();
        LogitProblem problem = LogitProblem.mlp(seed);
        double[][] fisher = problem.gaussNewton();                     // F = G for softmax cross-entropy
        double s = problem.monteCarloVariance(), norm = LogitProblem.frobenius(fisher, new double[fisher.length][fisher.length]);
        for (int m : new int[] {16, 256, 4096}) {
            double[][] estimate = LogitProblem.dense(new MonteCarloFisherOperator(problem.objective, problem.theta, problem.batches, m, seed + m));
            double error = LogitProblem.frobenius(estimate, fisher), expected = Math.sqrt(s / m);
            assertTrue(error < 5 * expected + 1e-4 * norm,
                    "seed " + seed + ": M = " + m + ": ‖F̂ − F‖ = " + error + ", sampling error √(S/M) = " + expected + ", ‖F‖ = " + norm);
        }
        assertTrue(5 * Math.sqrt(s / 4096) < 0.1 * norm, "seed " + seed + ": at M = 4096 the bound is within 10% of ‖F‖: the test has power");
    }
}
