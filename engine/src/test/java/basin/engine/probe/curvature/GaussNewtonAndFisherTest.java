package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generalised Gauss–Newton matrix, the Fisher and the empirical Fisher, each built densely from
 * its matrix-vector products (column i = A e_i), against the same matrices built in float64 from
 * the oracle's Jacobian of the logits (central differences, h = 1e-6, pattern frozen) and the
 * closed-form H_ℓ = diag p − ppᵀ, on a tiny MLP and a tiny BatchNorm CNN in eval mode.
 *
 * <p>Tolerances. Basin is float32 (u = 6e-8); a product is one JVP and one VJP through dot products
 * of at most a few dozen terms, so entries agree with float64 to ~1e-6 relative; 1e-4 in the
 * Frobenius norm leaves room and is still far below the difference between G and H (≥ 1e-2 here).
 * The oracle's J errs by O(h²) + O(ε/h) ≈ 1e-10.
 */
class GaussNewtonAndFisherTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void gaussNewtonMatchesTheOracleOnAnMlpAndABatchNormCnn() {
        long seed = Compare.seed();
        for (LogitProblem problem : new LogitProblem[] {LogitProblem.mlp(seed), LogitProblem.batchNormCnn(seed)}) {
            double[][] g = LogitProblem.dense(new GaussNewtonOperator(problem.objective, problem.theta, problem.batches));
            double err = LogitProblem.relativeError(g, problem.gaussNewton());
            assertTrue(err < TOLERANCE, "seed " + seed + ": " + problem.model + ": G vs the oracle's Jᵀ H_ℓ J, relative error " + err);
        }
    }

    @Test
    void fisherEqualsTheGaussNewtonMatrixForSoftmaxCrossEntropy() {
        long seed = Compare.seed();
        for (LogitProblem problem : new LogitProblem[] {LogitProblem.mlp(seed), LogitProblem.batchNormCnn(seed)}) {
            double[][] f = LogitProblem.dense(new FisherOperator(problem.objective, problem.theta, problem.batches));
            double[][] g = LogitProblem.dense(new GaussNewtonOperator(problem.objective, problem.theta, problem.batches));
            double toOracle = LogitProblem.relativeError(f, problem.gaussNewton()), toG = LogitProblem.relativeError(f, g);
            assertTrue(toOracle < TOLERANCE, "seed " + seed + ": " + problem.model + ": F vs the oracle's G, relative error " + toOracle);
            // Σ_c p_c (p − e_c)(p − e_c)ᵀ and diag p − ppᵀ round differently, by a few u.
            assertTrue(toG < 1e-5, "seed " + seed + ": " + problem.model + ": F vs G, relative error " + toG);
        }
    }

    @Test
    void empiricalFisherMatchesTheOraclesPerExampleGradients() {
        long seed = Compare.seed();
        for (LogitProblem problem : new LogitProblem[] {LogitProblem.mlp(seed), LogitProblem.batchNormCnn(seed)}) {
            double[][] ef = LogitProblem.dense(new EmpiricalFisherOperator(problem.objective, problem.theta, problem.batches));
            double err = LogitProblem.relativeError(ef, problem.empiricalFisher());
            assertTrue(err < TOLERANCE, "seed " + seed + ": " + problem.model + ": EF vs (1/N) Σ g_n g_nᵀ, relative error " + err);
        }
    }

    /** Its smallest eigenvalue is ≥ 0 up to float32 rounding, 1e-5·λmax; the Hessian of the same MLP is indefinite. */
    @Test
    void gaussNewtonIsSymmetricPositiveSemiDefinite() {
        long seed = Compare.seed();
        for (LogitProblem problem : new LogitProblem[] {LogitProblem.mlp(seed), LogitProblem.batchNormCnn(seed)}) {
            double[][] g = LogitProblem.dense(new GaussNewtonOperator(problem.objective, problem.theta, problem.batches));
            double[][] transpose = new double[g.length][g.length];
            for (int i = 0; i < g.length; i++) for (int j = 0; j < g.length; j++) transpose[i][j] = g[j][i];
            double asymmetry = LogitProblem.relativeError(g, transpose);
            assertTrue(asymmetry < 1e-5, "seed " + seed + ": " + problem.model + ": ‖G − Gᵀ‖/‖G‖ = " + asymmetry);
            double[] lambda = LogitProblem.eigenvalues(g);
            assertTrue(lambda[lambda.length - 1] >= -1e-5 * lambda[0],
                    "seed " + seed + ": " + problem.model + ": λmin(G) = " + lambda[lambda.length - 1] + ", λmax = " + lambda[0]);
        }
    }

    /** Logits linear in θ (one linear layer) make the dropped term zero: H = G to float32 accuracy; with a hidden ReLU layer they differ. */
    @Test
    void gaussNewtonEqualsTheHessianExactlyWhereTheLogitsAreLinearInTheParameters() {
        long seed = Compare.seed();
        LogitProblem linear = LogitProblem.linear(seed);
        double[][] g = LogitProblem.dense(new GaussNewtonOperator(linear.objective, linear.theta, linear.batches));
        double[][] h = LogitProblem.dense(new HessianOperator(linear.objective, linear.theta, linear.batches));
        double err = LogitProblem.relativeError(g, h);
        assertTrue(err < 1e-5, "seed " + seed + ": single linear layer: G vs H, relative error " + err);

        LogitProblem mlp = LogitProblem.mlp(seed);
        double[][] gm = LogitProblem.dense(new GaussNewtonOperator(mlp.objective, mlp.theta, mlp.batches));
        double[][] hm = LogitProblem.dense(new HessianOperator(mlp.objective, mlp.theta, mlp.batches));
        double apart = LogitProblem.relativeError(gm, hm);
        assertTrue(apart > 100 * TOLERANCE, "seed " + seed + ": with a hidden layer G and H differ by only " + apart);
    }

    @Test
    void everyOperatorNamesItsCurvatureAndCountsItsProducts() {
        LogitProblem problem = LogitProblem.mlp(1);
        for (Curvature c : Curvature.values()) {
            CurvatureOperator a = c.over(problem.objective, problem.theta, problem.batches, 2, 3);
            assertEquals(c, a.curvature());
            assertEquals(LogitProblem.EXAMPLES, a.examples());
            assertEquals(LogitProblem.BATCHES.length, a.batchCount());
            a.apply(problem.theta);
            a.apply(problem.theta);
            assertEquals(2, a.productCount(), c.label());
            assertEquals(c, Curvature.parse(c.label()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Curvature.parse("gauss-newton"));
        assertTrue(e.getMessage().contains("[hessian, ggn, fisher, fisher-mc, empirical-fisher]"), e.getMessage());
    }

    @Test
    void refusesTrainModeWhoseDropoutWouldDifferBetweenTheTwoPasses() {
        LogitProblem problem = LogitProblem.mlp(1);
        var train = new basin.engine.nn.Objective(problem.model, basin.engine.nn.Mode.TRAIN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GaussNewtonOperator(train, problem.theta, problem.batches));
        assertTrue(e.getMessage().startsWith("ggn: the objective is in train mode"), e.getMessage());
    }
}
