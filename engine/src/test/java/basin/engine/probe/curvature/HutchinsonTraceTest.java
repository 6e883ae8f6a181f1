package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static basin.engine.probe.curvature.ChosenSpectrum.linspace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hutchinson's estimate against an exactly known trace. The estimate is a mean of ≥ 100 i.i.d. samples,
 * nearly normal, so it lies within 4 reported standard errors of tr H except with probability ~1e-4.
 */
class HutchinsonTraceTest {

    @Test
    void traceOfAChosenSpectrumIsWithinFourStandardErrorsAndStopsAtTheRequestedError() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(linspace(3, -1, 100), rng);
        double exact = h.traceOfPower(1);                                           // 100
        // Var(zᵀHz) = 2 Σ_{i≠j} H_ij² ≈ 2 tr(H²) ≈ 470, so a 1% error (stderr 1) takes ~470 samples.
        int[] seen = new int[1];
        HutchinsonTrace.Result r = HutchinsonTrace.estimate(h, 0.01, 5000, rng, (n, s, mean, se) -> seen[0] = n);
        assertTrue(r.converged(), "seed " + seed + ": " + r.count() + " samples, stderr " + r.standardError());
        assertTrue(r.standardError() <= 0.01 * Math.abs(r.trace()), "seed " + seed);
        assertTrue(r.count() >= 100 && r.count() < 5000, "seed " + seed + ": " + r.count() + " samples");
        assertEquals(exact, r.trace(), 4 * r.standardError(), "seed " + seed + ": ± " + r.standardError() + " over " + r.count());
        assertEquals(r.count(), seen[0]);
        assertEquals(r.count(), h.applications, "one HVP per sample");
    }

    @Test
    void traceOfTinyMlpHessianMatchesItsDiagonalSumWithinFourStandardErrors() {
        long seed = Compare.seed();
        TinyMlp net = new TinyMlp(seed);
        HutchinsonTrace.Result r = HutchinsonTrace.estimate(net.hessian, 0, 400, new SplittableRandom(seed + 1), null);
        assertFalse(r.converged(), "relative error 0 is never reached, so all 400 samples are drawn");
        assertEquals(400, r.count());
        assertEquals(net.trace(), r.trace(), 4 * r.standardError(), "seed " + seed + ": ± " + r.standardError());
    }

    @Test
    void aDiagonalMatrixHasAnExactEstimate() {
        // zᵀDz = Σ d_i z_i² = tr D for every Rademacher z: zero variance, the stopping rule fires at 10.
        ChosenSpectrum h = new ChosenSpectrum(linspace(2, 1, 20), new SplittableRandom(3));
        for (double[] row : h.q) java.util.Arrays.fill(row, 0);
        for (int i = 0; i < 20; i++) h.q[i][i] = 1;
        HutchinsonTrace.Result r = HutchinsonTrace.estimate(h, 1e-3, 100, new SplittableRandom(4), null);
        assertEquals(HutchinsonTrace.MIN_SAMPLES, r.count());
        assertEquals(30, r.trace(), 1e-4);
        assertEquals(0, r.standardError(), 1e-5);
    }
}
