package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import basin.engine.probe.curvature.PowerIteration;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sharpness on quadratics L(θ) = ½ θᵀAθ, whose rise in any direction is known exactly. */
class SharpnessTest {

    /** λ from 6 down to 0.1: positive definite, |λ₂/λ₁| = 0.5. */
    private static double[] spectrum(int p) {
        double[] lambda = new double[p];
        lambda[0] = 6;
        for (int i = 1; i < p; i++) lambda[i] = 3 - 2.9 * (i - 1) / (p - 2);
        return lambda;
    }

    @Test
    void randomDirectionSharpnessIsHalfEpsilonSquaredDHdForEachDirectionAndOnAverage() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 31, m = 400;
        double epsilon = 0.05;
        Quadratic q = Quadratic.centred(spectrum(p), rng);
        ParamVector theta = ParamVector.zeros(q.backend(), q.layout());               // the minimum
        Sharpness.RandomDirections s = Sharpness.randomDirections(q, theta, epsilon, m, new SplittableRandom(seed + 1));

        // The same seed gives the same directions: ΔL_k = ½ε² d_kᵀAd_k, with θ + εd_k = εd_k exact to one rounding.
        SplittableRandom again = new SplittableRandom(seed + 1);
        double sum = 0, max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) {
            double[] d = Quadratic.toDouble(Directions.unitGaussian(q.backend(), q.layout(), again));
            double expected = 0.5 * epsilon * epsilon * q.form(d, d);
            assertEquals(expected, s.increases()[k], 1e-6 * expected, "seed " + seed + ", direction " + k);
            sum += expected;
            max = Math.max(max, expected);
        }
        assertEquals(sum / m, s.mean(), 1e-6 * sum / m, "seed " + seed);
        assertEquals(max, s.max(), 1e-6 * max, "seed " + seed);

        // On average over the sphere E[dᵀAd] = tr A / p; Var[dᵀAd] = 2(p tr A² − (tr A)²)/(p²(p+2)).
        double tr = 0, tr2 = 0;
        for (double l : q.lambda) {
            tr += l;
            tr2 += l * l;
        }
        double sd = Math.sqrt(2 * (p * tr2 - tr * tr) / ((double) p * p * (p + 2)));
        double expectedMean = 0.5 * epsilon * epsilon * tr / p, tolerance = 5 * 0.5 * epsilon * epsilon * sd / Math.sqrt(m);  // 5 standard errors
        assertEquals(expectedMean, s.mean(), tolerance, "seed " + seed + ": S_mean against ½ε² tr A / p");
        assertTrue(s.max() <= Sharpness.quadraticPrediction(epsilon, 6) * (1 + 1e-6), "seed " + seed + ": S_max above ½ε²λmax");
    }

    @Test
    void projectedGradientAscentReachesHalfRhoSquaredLambdaMax() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 40;
        double rho = 0.1;
        Quadratic q = Quadratic.centred(spectrum(p), rng);
        ParamVector theta = ParamVector.zeros(q.backend(), q.layout());
        Sharpness.BallAscent ascent = Sharpness.ballAscent(q, theta, rho, 60, 1.0, new SplittableRandom(seed + 1));
        PowerIteration.Result power = PowerIteration.run(q.hessian(), 500, 1e-7, new SplittableRandom(seed + 2), null);
        double prediction = Sharpness.quadraticPrediction(rho, power.lambda());
        System.out.printf("seed %d: ball ascent %.8f after %d steps, ½ρ²λmax %.8f (λmax %.6f by power iteration)%n",
                seed, ascent.sharpness(), ascent.steps(), prediction, power.lambda());
        // Each step shrinks the non-top components by (1 + λ₂/λ₁)/2 = 0.75, so 60 steps leave ~3e-8;
        // float32 θ + δ bounds the agreement at ~1e-6 relative.
        assertEquals(0.5 * rho * rho * 6, ascent.sharpness(), 1e-5 * 0.03, "seed " + seed);
        assertEquals(prediction, ascent.sharpness(), 1e-4 * prediction, "seed " + seed);
        assertEquals(rho, ascent.finalRadius(), 1e-6, "seed " + seed + ": the maximum lies on the sphere");
        for (double v : ascent.increases()) assertTrue(v <= 0.03 * (1 + 1e-5), "seed " + seed + ": an iterate above the maximum: " + v);
    }

    @Test
    void adversarialSharpnessIsTheRiseAlongTheNormalisedGradient() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 10;
        double rho = 0.1;
        Quadratic q = Quadratic.centred(spectrum(p), rng);
        ParamVector theta = Directions.gaussian(q.backend(), q.layout(), rng);
        Sharpness.Adversarial s = Sharpness.adversarial(q, theta, rho);
        // S_ρ = ρ‖g‖ + ½ρ² ĝᵀAĝ with g = Aθ, in float64 from the float32 θ.
        double[] x = Quadratic.toDouble(theta), g = new double[p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) g[i] += q.a[i][j] * x[j];
        double gNorm = Math.sqrt(Compare.dot(g, g));
        double[] u = g.clone();
        for (int i = 0; i < p; i++) u[i] /= gNorm;
        double expected = rho * gNorm + 0.5 * rho * rho * q.form(u, u);
        // L ~ 10 carries float32 rounding of θ + ρĝ (~1e-6 absolute); S_ρ ~ 1.
        assertEquals(expected, s.sharpness(), 1e-4 * expected, "seed " + seed);
        assertEquals(gNorm, s.gradientNorm(), 1e-5 * gNorm, "seed " + seed);
    }
}
