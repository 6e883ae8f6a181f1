package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static basin.engine.probe.curvature.ChosenSpectrum.concat;
import static basin.engine.probe.curvature.ChosenSpectrum.linspace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Top-k by power iteration with deflation on chosen spectra. Power iteration converges at rate
 * |λ_{i+1}/λ_i|, and tol = 1e-7 on the Rayleigh quotient means an error ~1e-7·|λ| once converged
 * (the Rayleigh quotient's error is the square of the vector's); deflating an eigenvector with error δ
 * moves the others by O(λ δ²). We allow 1e-4·|λ₁|.
 */
class PowerIterationDeflationTest {

    @Test
    void topThreeOfASpectrumWithGapsAndAHistoryPerEigenpair() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {6, -4, 2.5}, linspace(1, -1, 57)), rng);
        List<Integer> finished = new ArrayList<>();
        int[] steps = new int[1];
        List<PowerIteration.Result> r = PowerIteration.topK(h, 3, 1000, 1e-7, rng, new PowerIteration.Listener() {
            @Override public void onStep(int t, double q, double change) { steps[0]++; }
            @Override public void onEigenpair(int index, PowerIteration.Result result) { finished.add(index); }
        });
        double[] expected = {6, -4, 2.5};                         // by magnitude: power iteration's order
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], r.get(i).lambda(), 1e-4 * 6, "seed " + seed + ": eigenpair " + i);
            assertTrue(r.get(i).converged(), "seed " + seed + ": eigenpair " + i + " after " + r.get(i).iterations());
            assertEquals(r.get(i).iterations(), r.get(i).rayleighQuotients().length);
        }
        assertEquals(List.of(0, 1, 2), finished);
        assertEquals(steps[0], r.get(0).iterations() + r.get(1).iterations() + r.get(2).iterations());
        assertEquals(steps[0], h.applications, "one HVP per power step");
    }

    @Test
    void deflationFindsARepeatedEigenvalueAsOftenAsItIsRepeated() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {5, 5, 5, 3}, linspace(1, -1, 56)), rng);
        List<PowerIteration.Result> r = PowerIteration.topK(h, 4, 1000, 1e-7, rng, null);
        for (int i = 0; i < 3; i++) assertEquals(5, r.get(i).lambda(), 1e-4 * 5, "seed " + seed + ": copy " + i);
        assertEquals(3, r.get(3).lambda(), 1e-4 * 5, "seed " + seed);
        // The three eigenvectors found for λ = 5 are orthonormal: deflation removed each before the next.
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < i; j++) {
                double d = r.get(i).eigenvector().dot(r.get(j).eigenvector());
                assertTrue(Math.abs(d) < 1e-2, "seed " + seed + ": u" + i + "ᵀu" + j + " = " + d);
            }
        }
    }
}
