package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hutch++ against Hutchinson at the same budget of products on H = QΛQᵀ with a decaying spectrum
 * λ_i = 1/i² (p = 100), whose trace we know: over 200 seeds Hutch++'s mean squared error is several
 * times smaller, both converge to tr H as the budget grows, and Hutch++'s standard error covers its
 * actual error as a standard error should.
 */
class HutchPlusPlusTest {
    private static final int P = 100, SEEDS = 200;

    private static ChosenSpectrum decaying(SplittableRandom rng) {
        double[] lambda = new double[P];
        for (int i = 0; i < P; i++) lambda[i] = 1.0 / ((i + 1.0) * (i + 1.0));
        return new ChosenSpectrum(lambda, rng);
    }

    @Test
    void beatsHutchinsonAtTheSameBudgetOnADecayingSpectrum() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = decaying(rng);
        double exact = h.traceOfPower(1), hutchinson = 0, hutchpp = 0;
        int budget = 30;
        for (int s = 0; s < SEEDS; s++) {
            HutchinsonTrace.Result a = HutchinsonTrace.estimate(h, 0, budget, new SplittableRandom(rng.nextLong()), null);
            HutchPlusPlus.Result b = HutchPlusPlus.estimate(h, budget, new SplittableRandom(rng.nextLong()));
            assertEquals(budget, a.count());
            assertEquals(budget, b.products());
            hutchinson += (a.trace() - exact) * (a.trace() - exact) / SEEDS;
            hutchpp += (b.trace() - exact) * (b.trace() - exact) / SEEDS;
        }
        // Here the sketch of 10 captures λ₁ … λ₁₀ (Σ = 1.55 of 1.64), so the remainder's variance is ~100 times smaller.
        assertTrue(hutchpp < hutchinson / 10, "seed " + seed + ": mean squared error Hutch++ " + hutchpp + ", Hutchinson " + hutchinson);
    }

    @Test
    void bothConvergeToTheExactTraceAsTheBudgetGrows() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = decaying(rng);
        double exact = h.traceOfPower(1);
        double previousHutchinson = Double.POSITIVE_INFINITY, previousHutchpp = Double.POSITIVE_INFINITY;
        for (int budget : new int[] {12, 48, 192}) {
            double hutchinson = 0, hutchpp = 0;
            for (int s = 0; s < 50; s++) {
                hutchinson += Math.abs(HutchinsonTrace.estimate(h, 0, budget, new SplittableRandom(rng.nextLong()), null).trace() - exact) / 50;
                hutchpp += Math.abs(HutchPlusPlus.estimate(h, budget, new SplittableRandom(rng.nextLong())).trace() - exact) / 50;
            }
            assertTrue(hutchinson < previousHutchinson && hutchpp < previousHutchpp,
                    "seed " + seed + ": budget " + budget + ": mean errors " + hutchinson + ", " + hutchpp);
            previousHutchinson = hutchinson;
            previousHutchpp = hutchpp;
        }
        // A sketch of p columns spans everything: the trace is exact to float32 rounding, and nothing is left for step 4.
        // On λ_i = 1/i² the last column keeps only ~λ_p/λ_1 = 1e-4 of its norm after Gram–Schmidt, within a random
        // factor of HutchPlusPlus.DEPENDENT, so it is dropped on some seeds; λ_i = 1/i keeps 1e-2 and is always kept.
        double[] slow = new double[P];
        for (int i = 0; i < P; i++) slow[i] = 1.0 / (i + 1.0);
        ChosenSpectrum flatter = new ChosenSpectrum(slow, rng);
        double flatterTrace = flatter.traceOfPower(1);
        HutchPlusPlus.Result full = HutchPlusPlus.estimate(flatter, 3 * P, new SplittableRandom(seed));
        assertEquals(P, full.rank(), "seed " + seed + ": rank of a full sketch");
        assertEquals(flatterTrace, full.trace(), 1e-5 * flatterTrace, "seed " + seed);
        assertTrue(full.standardError() < 1e-5 * flatterTrace, "seed " + seed + ": standard error " + full.standardError());
    }

    @Test
    void itsStandardErrorCoversItsActualError() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = decaying(rng);
        double exact = h.traceOfPower(1);
        int covered = 0;
        for (int s = 0; s < SEEDS; s++) {
            HutchPlusPlus.Result r = HutchPlusPlus.estimate(h, 60, new SplittableRandom(rng.nextLong()));
            if (Math.abs(r.trace() - exact) <= 2 * r.standardError()) covered++;
        }
        // With 20 samples ±2 standard errors is a 94% interval (t with 19 degrees of freedom); 200 seeds give ±1.7% of noise.
        assertTrue(covered >= 0.85 * SEEDS, "seed " + seed + ": only " + covered + " of " + SEEDS + " within 2 standard errors");
    }

    @Test
    void aMatrixOfLowRankIsCapturedByTheSketchAndItsSparedProductsAreNotCounted() {
        long seed = Compare.seed();
        double[] lambda = new double[40];
        lambda[0] = 3;
        lambda[1] = -1;
        ChosenSpectrum h = new ChosenSpectrum(lambda, new SplittableRandom(seed));
        HutchPlusPlus.Result r = HutchPlusPlus.estimate(h, 30, new SplittableRandom(seed));
        assertEquals(2, r.rank(), "seed " + seed);
        assertEquals(10 + 2 + 10, r.products());
        assertEquals(2, r.trace(), 1e-5, "seed " + seed);
        String message = assertThrows(IllegalArgumentException.class, () -> HutchPlusPlus.estimate(h, 5, new SplittableRandom(0))).getMessage();
        assertTrue(message.startsWith("hutch++: the budget must be ≥ 6"), message);
    }
}
