package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The residual stopping rule r = ‖Av − λv‖ ≤ tol·|λ| on a diagonal operator whose top two eigenvalues
 * are within 0.5%: λ₁ = 10 and a cluster of ten at λ₂ = 9.95, the rest in [0.1, 1]. The cluster
 * holds most of a random start's weight, so λ creeps towards 10 at (λ₂/λ₁)² per step, where a rule
 * watching λ's change stops long before it gets there.
 */
class PowerIterationResidualTest {
    private static final double LAMBDA_1 = 10, LAMBDA_2 = 9.95;

    private static double[] spectrum() {
        double[] d = new double[51];
        d[0] = LAMBDA_1;
        for (int i = 1; i <= 10; i++) d[i] = LAMBDA_2;
        for (int i = 11; i < d.length; i++) d[i] = 1 - 0.9 * (i - 11) / (d.length - 12);
        return d;
    }

    /** A v = diag(d) v, in float64 from the float32 vector, rounded once. */
    private static LinearOperator diagonal(double[] d) {
        Backend cpu = CpuBackend.get();
        ParamLayout layout = ParamLayout.vector(d.length);
        return new LinearOperator() {
            @Override public ParamLayout layout() { return layout; }
            @Override public Backend backend() { return cpu; }
            @Override public void apply(ParamVector v, ParamVector out) {
                float[] x = v.toHost();
                for (int i = 0; i < x.length; i++) x[i] = (float) (d[i] * x[i]);
                cpu.copyIn(x, 0, out.buffer());
            }
        };
    }

    /** The old rule, |λ_t − λ_{t−1}| ≤ tol·|λ_t|, as a plain float64 loop: the λ it would have returned. */
    private static double relativeChangeRule(double[] d, double tol, SplittableRandom rng) {
        double[] v = new double[d.length];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
        double previous = Double.NaN;
        for (int t = 1; t <= 100_000; t++) {
            double vv = 0, vw = 0, ww = 0;
            for (int i = 0; i < v.length; i++) {
                double w = d[i] * v[i];
                vv += v[i] * v[i];
                vw += v[i] * w;
                ww += w * w;
            }
            double lambda = vw / vv, norm = Math.sqrt(ww);
            if (t > 1 && Math.abs(lambda - previous) <= tol * Math.abs(lambda)) return lambda;
            for (int i = 0; i < v.length; i++) v[i] = d[i] * v[i] / norm;
            previous = lambda;
        }
        throw new AssertionError("the relative-change rule never stopped");
    }

    @Test
    void theRelativeChangeRuleStopsLowWhenTheTopTwoEigenvaluesAreClose() {
        long seed = Compare.seed();
        double lambda = relativeChangeRule(spectrum(), 1e-4, new SplittableRandom(seed));
        assertTrue((LAMBDA_1 - lambda) / LAMBDA_1 > 1e-3, "seed " + seed + ": the old rule stopped at λ = " + lambda
                + ", within 1e-3 of 10; the test no longer shows the early stop");
    }

    /**
     * With tol = 1e-4 the run stops only when r ≤ 1e-3. Then some eigenvalue lies within r of λ, and
     * since the rest of the spectrum is at least gap ≈ 0.05 away, λ is within r²/gap ≈ 2e-5 of 10
     * (Kato–Temple); 2e-6 more covers the float32 rounding of w = Av (~6e-8 · 10 per entry).
     */
    @Test
    void theResidualRuleStopsWithinItsBoundOfTheTopEigenvalue() {
        long seed = Compare.seed();
        double tol = 1e-4;
        PowerIteration.Result r = PowerIteration.run(diagonal(spectrum()), 20_000, tol, new SplittableRandom(seed), null);
        String context = "seed " + seed + ": λ = " + r.lambda() + ", residual " + r.residual() + " after " + r.iterations();
        assertTrue(r.converged(), context);
        assertTrue(r.residual() <= tol * Math.abs(r.lambda()), context);
        double gap = Math.abs(LAMBDA_2 - r.lambda());
        assertTrue(Math.abs(LAMBDA_1 - r.lambda()) <= r.residual() * r.residual() / gap + 2e-6, context + ", gap " + gap);
        assertEquals(r.iterations(), r.rayleighQuotients().length);
    }

    /**
     * Stopped after three steps, far from converged, so v₂ and v₃ differ a lot (the non-top weights
     * shrink by up to 10× per step): the returned eigenvector must be the one whose A v gave λ and r.
     * Recomputed here in float64 from that vector; 1e-5 covers the float32 rounding of w.
     */
    @Test
    void theReturnedEigenvectorIsTheOneItsLambdaAndResidualWereMeasuredOn() {
        long seed = Compare.seed();
        double[] d = spectrum();
        PowerIteration.Result r = PowerIteration.run(diagonal(d), 3, 0, new SplittableRandom(seed), null);
        assertFalse(r.converged(), "seed " + seed + ": tol 0 cannot be met in three steps");
        assertEquals(3, r.iterations());
        float[] v = r.eigenvector().toHost();
        double vv = 0, vw = 0;
        for (int i = 0; i < v.length; i++) {
            vv += (double) v[i] * v[i];
            vw += v[i] * d[i] * v[i];
        }
        double lambda = vw / vv, rr = 0;
        for (int i = 0; i < v.length; i++) rr += Math.pow((d[i] - lambda) * v[i], 2) / vv;
        assertEquals(lambda, r.lambda(), 1e-5, "seed " + seed + ": λ of the returned vector");
        assertEquals(Math.sqrt(rr), r.residual(), 1e-5, "seed " + seed + ": residual of the returned vector");
    }
}
