package basin.engine.nn;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients and Hessians of Basin's float32 MLP against the independent float64 oracle.
 *
 * <p>Tolerances. Basin computes in float32 (unit roundoff u = 6e-8); a dot product of length k
 * carries a relative error of about √k·u in practice, so for k ≤ 784 the forward pass, gradient
 * and HVP should agree with float64 to ~1e-5 normwise. We allow 1e-4 (gradients) and 2e-4 (HVPs,
 * which chain twice as many products) as the budget. The oracle's own differences are accurate to
 * far better than that in float64: central differences with h = 6e-6 ≈ ε^(1/3) err by ~1e-10,
 * four-point second differences with h = 1e-4 ≈ ε^(1/4) by ~1e-8.
 */
class MlpOracleTest {

    @Test
    void oracleBackpropagationMatchesItsOwnCentralDifferences() {
        long seed = Compare.seed();
        MlpProblem p = new MlpProblem(seed, 5, 6, 7, 4);
        double[] theta = p.thetaDouble();
        double err = Compare.relativeError(p.oracle.gradient(theta), p.oracle.centralDifferenceGradient(theta, 6e-6));
        assertTrue(err < 1e-7, "seed " + seed + ": oracle backprop vs central differences, relative error " + err);
    }

    @Test
    void lossMatchesOracle() {
        long seed = Compare.seed();
        MlpProblem p = new MlpProblem(seed, 17, 29, 13, 7);
        double basin = p.objective.loss(p.theta, p.batch);
        double oracle = p.oracle.loss(p.thetaDouble());
        assertEquals(oracle, basin, 1e-5 * Math.abs(oracle), "seed " + seed);
    }

    @Test
    void gradientOfRandomMlpMatchesOracle() {
        long seed = Compare.seed();
        MlpProblem p = new MlpProblem(seed, 23, 37, 19, 11, 5);
        double[] reference = p.oracle.gradient(p.thetaDouble());
        double[] basin = p.gradient();
        double rel = Compare.relativeError(basin, reference), max = Compare.maxError(basin, reference);
        assertTrue(rel < 1e-4 && max < 1e-4, "seed " + seed + ": gradient normwise " + rel + ", worst element " + max);
    }

    @Test
    void gradientMatchesCentralDifferencesOfTheLossDirectly() {
        long seed = Compare.seed();
        MlpProblem p = new MlpProblem(seed, 7, 5, 6, 3);
        double[] basin = p.gradient();
        double[] reference = p.oracle.centralDifferenceGradient(p.thetaDouble(), 6e-6);
        double rel = Compare.relativeError(basin, reference);
        assertTrue(rel < 1e-4, "seed " + seed + ": gradient vs central differences, relative error " + rel);
    }

    @Test
    void fullHessianOfTinyMlpFromHvpsMatchesSecondDifferencesAndIsSymmetric() {
        long seed = Compare.seed();
        MlpProblem p = new MlpProblem(seed, 5, 4, 5, 3);       // 4·5+5 + 5·3+3 = 43 parameters
        int n = p.theta.dim();
        double[] theta = p.thetaDouble();
        double[][] h = new double[n][];
        for (int i = 0; i < n; i++) {                           // column i = H e_i
            double[] e = new double[n];
            e[i] = 1;
            h[i] = p.hvp(e);
        }
        double num = 0, den = 0, asym = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double reference = p.oracle.hessianEntry(theta, i, j, 1e-4);
                num += (h[j][i] - reference) * (h[j][i] - reference);
                den += reference * reference;
                asym += (h[j][i] - h[i][j]) * (h[j][i] - h[i][j]);
            }
        }
        double rel = Math.sqrt(num / den), symmetry = Math.sqrt(asym / den);
        assertTrue(rel < 2e-4, "seed " + seed + ": Hessian vs second differences, relative error " + rel);
        assertTrue(symmetry < 1e-5, "seed " + seed + ": ‖H − Hᵀ‖/‖H‖ = " + symmetry);
    }
}
