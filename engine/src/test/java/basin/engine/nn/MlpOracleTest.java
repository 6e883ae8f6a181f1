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
        // The stencil moves one or two parameters by up to 2h = 2e-4, which moves a pre-activation
        // of this net (inputs in [0, 1), |W| ≤ 1/√fan-in) by well under 1e-3; a draw with a hidden
        // pre-activation closer than 1e-2 to the ReLU kink is replaced by the next seed, since the
        // Hessian is not defined there and second differences would measure the kink instead.
        long seed = Compare.seed();
        MlpProblem p = new MlpProblem(seed, 5, 4, 5, 3);       // 4·5+5 + 5·3+3 = 43 parameters
        while (p.oracle.smallestHiddenPreactivation(p.thetaDouble()) < 1e-2) {
            seed = new SplittableRandom(seed).nextLong();
            p = new MlpProblem(seed, 5, 4, 5, 3);
        }
        int n = p.theta.dim();
        double[] theta = p.thetaDouble();
        double[][] h = new double[n][];
        for (int i = 0; i < n; i++) {                           // column i = H e_i
            double[] e = new double[n];
            e[i] = 1;
            h[i] = p.hvp(e);
        }
        double num = 0, den = 0, asym = 0, basinNorm = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double reference = p.oracle.hessianEntry(theta, i, j, 1e-4);
                num += (h[j][i] - reference) * (h[j][i] - reference);
                den += reference * reference;
                asym += (h[j][i] - h[i][j]) * (h[j][i] - h[i][j]);
                basinNorm += h[j][i] * h[j][i];
            }
        }
        double rel = Math.sqrt(num / den), symmetry = Math.sqrt(asym / den);
        assertTrue(rel < 2e-4, "seed " + seed + ": Hessian vs second differences, relative error " + rel
                + " (‖H‖ " + Math.sqrt(basinNorm) + ", ‖H_ref‖ " + Math.sqrt(den) + ")");
        assertTrue(symmetry < 1e-5, "seed " + seed + ": ‖H − Hᵀ‖/‖H‖ = " + symmetry);
    }
}
