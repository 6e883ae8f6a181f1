package basin.engine.probe.landscape;

import basin.autodiff.Shape;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Filter normalisation and Gram–Schmidt, checked filter by filter in float64. */
class DirectionsTest {
    private final Backend backend = CpuBackend.get();

    /** A conv weight [5, 3, 3, 2] (odd kernel), its bias, a dense weight [7, 11], its bias and a BatchNorm-like [7]. */
    private static ParamLayout layout() {
        return ParamLayout.of(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight"),
                List.of(Shape.of(5, 3, 3, 2), Shape.of(5), Shape.of(7, 11), Shape.of(7), Shape.of(7)));
    }

    private static double norm(float[] x, int from, int length) {
        double s = 0;
        for (int i = from; i < from + length; i++) s += (double) x[i] * x[i];
        return Math.sqrt(s);
    }

    @Test
    void filterNormalisedDirectionsHaveTheNormOfEachFilterTheyPerturb() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ParamLayout layout = layout();
        ParamVector theta = ParamVector.gaussian(backend, layout, rng);
        theta.scal(0.3);
        ParamVector d = Directions.gaussian(backend, layout, rng);
        float[] before = d.toHost();
        float[] th = theta.toHost();
        float[] after = Directions.filterNormalised(d, theta, Directions.OneDimensional.IGNORE).toHost();
        int filtersChecked = 0;
        for (ParamLayout.Entry e : layout.entries()) {
            if (e.shape().rank() < 2) {
                assertEquals(0, norm(after, e.offset(), e.size()), 0, "seed " + seed + ": " + e.name() + " must be ignored (zero)");
                continue;
            }
            int filters = e.shape().dim(0), size = e.size() / filters;
            for (int j = 0; j < filters; j++) {
                int from = e.offset() + j * size;
                // ‖d_j‖ = ‖θ_j‖ to float32 rounding of each entry (relative 1e-7 per entry; 1e-5 is slack for the sum).
                assertEquals(norm(th, from, size), norm(after, from, size), 1e-5 * norm(th, from, size),
                        "seed " + seed + ": " + e.name() + " filter " + j);
                // … and the filter keeps its direction: cos(d_before, d_after) = 1.
                double dot = 0;
                for (int i = from; i < from + size; i++) dot += (double) before[i] * after[i];
                assertEquals(1, dot / (norm(before, from, size) * norm(after, from, size)), 1e-6,
                        "seed " + seed + ": " + e.name() + " filter " + j + " changed direction");
                filtersChecked++;
            }
        }
        assertEquals(5 + 7, filtersChecked);
    }

    @Test
    void oneDimensionalParametersAreNormalisedOrCopiedWhenAsked() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ParamLayout layout = layout();
        ParamVector theta = ParamVector.gaussian(backend, layout, rng);
        ParamVector d = Directions.gaussian(backend, layout, rng);
        float[] th = theta.toHost();
        float[] normalised = Directions.filterNormalised(d, theta, Directions.OneDimensional.NORMALISE).toHost();
        float[] copied = Directions.filterNormalised(d, theta, Directions.OneDimensional.COPY_WEIGHTS).toHost();
        for (ParamLayout.Entry e : layout.entries()) {
            if (e.shape().rank() >= 2) continue;
            assertEquals(norm(th, e.offset(), e.size()), norm(normalised, e.offset(), e.size()), 1e-5 * norm(th, e.offset(), e.size()),
                    "seed " + seed + ": " + e.name() + " normalised as one filter");
            for (int i = e.offset(); i < e.offset() + e.size(); i++) assertEquals(th[i], copied[i], 0f, "seed " + seed + ": " + e.name());
        }
    }

    @Test
    void gramSchmidtLeavesNoOverlapWithTheEarlierDirections() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ParamLayout layout = ParamLayout.vector(301);
        List<ParamVector> v = List.of(Directions.gaussian(backend, layout, rng), Directions.gaussian(backend, layout, rng),
                Directions.gaussian(backend, layout, rng));
        v.get(1).axpy(3, v.get(0));                       // start far from orthogonal
        Directions.orthonormalise(v);
        for (int i = 0; i < 3; i++) {
            assertEquals(1, v.get(i).norm(), 1e-6, "seed " + seed);
            // float32 vectors of 301 entries: inner products of unit vectors are exact to ~1e-7.
            for (int j = 0; j < i; j++) assertEquals(0, v.get(i).dot(v.get(j)), 1e-6, "seed " + seed + ": ⟨q" + i + ", q" + j + "⟩");
        }
    }

    @Test
    void modelsWithDifferentLayoutsAreRefusedNamingTheTensor() {
        ParamLayout a = layout();
        ParamLayout b = ParamLayout.of(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight"),
                List.of(Shape.of(5, 3, 3, 2), Shape.of(5), Shape.of(7, 12), Shape.of(7), Shape.of(7)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Directions.between(ParamVector.zeros(backend, a), ParamVector.zeros(backend, b)));
        assertTrue(e.getMessage().contains("2.weight[7, 11]") && e.getMessage().contains("[7, 12]"), e.getMessage());
    }
}
