package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static basin.engine.probe.curvature.ChosenSpectrum.concat;
import static basin.engine.probe.curvature.ChosenSpectrum.linspace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lanczos on H = QΛQᵀ with spectra we choose. Tolerances: the vectors are float32 (u = 6e-8) and
 * the operator is exact in float64, so a converged Ritz value is accurate to a few u·‖H‖; we allow
 * 1e-5·‖H‖, which still fails on any algorithmic error (a missed eigenvalue is off by a gap ≥ 1e-2·‖H‖).
 */
class LanczosTest {

    @Test
    void findsTheTopOfAClusteredSpectrum() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // A cluster of three at the top (gaps 1e-2, relative to a spread of 6) above a bulk in [0, 1].
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {5.02, 5.01, 5.0}, linspace(1, 0, 197)), rng);
        Lanczos.Result r = Lanczos.run(h, 80, rng, null);
        assertArrayClose(new double[] {5.02, 5.01, 5.0, 1.0}, r.topK(4), 1e-5 * 5.02, seed);
        assertEquals(80, r.steps());
        assertEquals(80, h.applications, "one HVP per step");
        assertRitzValuesAreNearEigenvalues(h, r, seed);
    }

    @Test
    void findsTheMostNegativeEigenvaluesOfAnIndefiniteSpectrum() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {4}, linspace(1, -0.5, 96), new double[] {-2, -2.5, -3}), rng);
        Lanczos.Result r = Lanczos.run(h, 50, rng, null);
        assertArrayClose(new double[] {-3, -2.5, -2}, r.mostNegative(3), 1e-5 * 4, seed);
        assertEquals(4, r.topK(1)[0], 1e-5 * 4, "seed " + seed);
        assertRitzValuesAreNearEigenvalues(h, r, seed);
    }

    @Test
    void findsARepeatedTopEigenvalueAndNothingSpuriousBesideIt() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // λ = 5 three times: a single start vector's Krylov space holds one direction of that
        // eigenspace, so Lanczos reports 5 (perhaps again later, from rounding) and the next distinct value 3.
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {5, 5, 5, 3}, linspace(1, -1, 96)), rng);
        Lanczos.Result r = Lanczos.run(h, 40, rng, null);
        assertEquals(5, r.topK(1)[0], 5e-5, "seed " + seed);
        for (double theta : r.ritzValues()) {
            assertFalse(theta > 3 + 1e-3 && theta < 5 - 1e-3, "seed " + seed + ": Ritz value " + theta + " lies between 3 and 5, where H has none");
        }
        assertTrue(Arrays.stream(r.ritzValues()).anyMatch(t -> Math.abs(t - 3) < 5e-5), "seed " + seed + ": 3 missing from " + Arrays.toString(r.topK(5)));
        assertRitzValuesAreNearEigenvalues(h, r, seed);
    }

    @Test
    void ritzVectorOfAnIsolatedEigenvalueIsItsEigenvectorAndItsResidualIsAsPredicted() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {8, 4}, linspace(1, -1, 78)), rng);
        Lanczos.Result r = Lanczos.run(h, 30, rng, null);
        ParamVector x = r.ritzVector(0);
        ParamVector u = ParamVector.fromHost(x.backend(), x.layout(), toFloat(h.q[0]));
        assertEquals(1, Math.abs(x.dot(u)), 1e-5, "seed " + seed + ": |x₁ᵀu₁|");
        // The residual bound β_m|e_mᵀy| equals ‖Hx − θx‖ in exact arithmetic; check it on a pair that has
        // not fully converged, where it is well above rounding.
        int i = r.steps() / 2;
        assertEquals(r.residualBound(i), r.residual(h, i), 1e-3 + 0.01 * r.residualBound(i),
                "seed " + seed + ": residual of Ritz pair " + i + " (θ = " + r.ritzValues()[i] + ")");
    }

    /**
     * Why re-orthogonalisation is paid for. λ₁ = 10 is far from the rest, so its Ritz value converges
     * within ~15 steps; after that, plain Lanczos in float32 loses orthogonality and finds λ₁ again
     * and again: ghost copies, although λ₁ is simple. With full re-orthogonalisation there is one copy.
     */
    @Test
    void withoutReorthogonalisationGhostCopiesOfTheTopEigenvalueAppearAndWithItTheyAreGone() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {10, 9}, linspace(1, 0, 198)), rng);
        ParamVector start = ParamVector.gaussian(h.backend(), h.layout(), rng);
        Lanczos.Result plain = Lanczos.run(h, start, 120, false, null);
        Lanczos.Result full = Lanczos.run(h, start, 120, true, null);
        long plainCopies = copiesOf(10, plain.ritzValues()), fullCopies = copiesOf(10, full.ritzValues());
        assertTrue(plainCopies >= 2, "seed " + seed + ": expected ghosts of λ = 10 without re-orthogonalisation, Ritz values "
                + Arrays.toString(plain.topK(6)));
        assertEquals(1, fullCopies, "seed " + seed + ": with re-orthogonalisation, Ritz values " + Arrays.toString(full.topK(6)));
        assertEquals(1, copiesOf(9, full.ritzValues()), "seed " + seed);
        // The count probe hessian prints (copies of λ_1) says the same from the Ritz values alone.
        assertTrue(plain.copiesOfTop(Lanczos.GHOST_TOLERANCE) >= 2, "seed " + seed + ": copiesOfTop without re-orthogonalisation");
        assertEquals(1, full.copiesOfTop(Lanczos.GHOST_TOLERANCE), "seed " + seed + ": copiesOfTop with re-orthogonalisation");
    }

    @Test
    void reorthogonalisationRemovesTheBasisEvenAfterHeavyCancellation() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(linspace(2, -1, 300), rng);
        List<ParamVector> basis = Lanczos.run(h, 30, rng, null).basis();
        // w lies 99.9% in span(Q): one Gram–Schmidt pass in float32 leaves components ~u·‖w‖ along Q,
        // large relative to the small remainder, so the DGKS test must trigger the second pass.
        ParamVector w = ParamVector.gaussian(h.backend(), h.layout(), rng);
        w.scal(1e-3 / w.norm());
        for (ParamVector q : basis) w.axpy(rng.nextGaussian(), q);
        double norm = Lanczos.reorthogonalise(w, basis);
        assertEquals(w.norm(), norm, 1e-12 + 1e-9 * norm);
        for (int i = 0; i < basis.size(); i++) {
            double c = Math.abs(basis.get(i).dot(w)) / norm;
            assertTrue(c < 1e-5, "seed " + seed + ": |q_" + i + "ᵀw| / ‖w‖ = " + c);
        }
    }

    /**
     * The basis stays orthonormal to float32 accuracy, ‖QᵀQ − I‖_max ≤ 1e-5 in float64, on a hard
     * case: twenty eigenvalues within 0.2 of 10⁴ above a bulk in [0, 1], run until the Krylov space
     * is exhausted (250 to 270 of 300 steps, until β_j falls to the breakdown level). Measured:
     * 1.1e-7 to 1.2e-7 over seeds, the rounding of the stored float32 vectors (2u); the same
     * recurrence without re-orthogonalisation measures about 0.7, far from orthogonal. A single
     * classical Gram–Schmidt pass per step, without the DGKS test, also measured 1.3e-7 here:
     * Lanczos's w arrives orthogonal to Q up to u·‖H‖, so there is little to cancel. The case where
     * one pass fails the bound is OrthonormalBasisTest's.
     */
    @Test
    void basisStaysOrthonormalOnAClusteredSpectrumUntilTheKrylovSpaceIsExhausted() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(concat(linspace(1e4, 1e4 - 0.2, 20), linspace(1, 0, 280)), rng);
        Lanczos.Result r = Lanczos.run(h, 300, rng, null);
        assertTrue(r.steps() > 200, "seed " + seed + ": " + r.steps() + " steps");
        List<ParamVector> q = r.basis();
        double[][] rows = new double[q.size()][];
        for (int i = 0; i < rows.length; i++) rows[i] = Compare.toDouble(q.get(i).toHost());
        double worst = 0;
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k <= i; k++) worst = Math.max(worst, Math.abs(Compare.dot(rows[i], rows[k]) - (i == k ? 1 : 0)));
        }
        assertTrue(worst <= 1e-5, "seed " + seed + ": ‖QᵀQ − I‖_max = " + worst + " over " + r.steps() + " steps");
    }

    @Test
    void stopsAtAnInvariantSubspaceWithTheExactEigenvalues() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // Only four distinct eigenvalues: the Krylov space of any start has dimension 4.
        double[] lambda = new double[40];
        for (int i = 0; i < lambda.length; i++) lambda[i] = new double[] {3, 1, -0.5, -2}[i % 4];
        ChosenSpectrum h = new ChosenSpectrum(lambda, rng);
        Lanczos.Result r = Lanczos.run(h, 20, rng, null);
        assertTrue(r.invariantSubspace(), "seed " + seed + ": β = " + Arrays.toString(r.beta()) + ", last " + r.residualNorm());
        assertEquals(4, r.steps(), "seed " + seed);
        assertArrayClose(new double[] {3, 1, -0.5, -2}, r.ritzValues(), 1e-5 * 3, seed);
    }

    @Test
    void rejectsMoreStepsThanDimensions() {
        ChosenSpectrum h = new ChosenSpectrum(new double[] {1, 2, 3}, new SplittableRandom(1));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Lanczos.run(h, 4, new SplittableRandom(2), null));
        assertTrue(e.getMessage().contains("4 steps exceed the dimension 3"), e.getMessage());
    }

    /** For symmetric H, some eigenvalue lies within ‖Hx − θx‖ of every Ritz value θ (Golub & Van Loan Thm 8.1.13). */
    static void assertRitzValuesAreNearEigenvalues(ChosenSpectrum h, Lanczos.Result r, long seed) {
        double norm = Arrays.stream(h.lambda).map(Math::abs).max().orElseThrow();
        for (int i = 0; i < r.steps(); i++) {
            double theta = r.ritzValues()[i], nearest = Double.POSITIVE_INFINITY;
            for (double l : h.lambda) nearest = Math.min(nearest, Math.abs(l - theta));
            assertTrue(nearest <= r.residualBound(i) + 1e-5 * norm, "seed " + seed + ": Ritz value " + theta
                    + " is " + nearest + " from the spectrum, its residual bound is " + r.residualBound(i));
        }
    }

    static void assertArrayClose(double[] expected, double[] actual, double tol, long seed) {
        assertEquals(expected.length, actual.length, "seed " + seed);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "seed " + seed + ": entry " + i + " of " + Arrays.toString(actual));
        }
    }

    private static long copiesOf(double lambda, double[] ritzValues) {
        return Arrays.stream(ritzValues).filter(t -> Math.abs(t - lambda) < 1e-3 * Math.abs(lambda)).count();
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
