package basin.engine.linalg;

import basin.engine.oracle.Compare;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classical Gram–Schmidt over one block against a float64 oracle: the rows are orthonormalised in
 * float64 on the host, rounded to float32, and (I − QQᵀ)w is computed in float64 from exactly the
 * float32 numbers the basis holds. u = 2⁻²⁴ ≈ 6e-8.
 */
class OrthonormalBasisTest {
    private static final Backend CPU = CpuBackend.get();
    private static final int P = 301, J = 30;

    /** A small Gaussian part, 1e-3 of the whole, plus Gaussian multiples of every row: w lies 99.9…% in span(Q). */
    private static ParamVector mostlyInTheSpan(OrthonormalBasis basis, SplittableRandom rng) {
        ParamVector w = ParamVector.gaussian(CPU, basis.get(0).layout(), rng);
        w.scal(1e-3 / w.norm());
        for (int i = 0; i < basis.size(); i++) w.axpy(rng.nextGaussian(), basis.get(i));
        return w;
    }

    /**
     * Why {@link OrthonormalBasis#orthogonalise} may run a second pass. ‖Qᵀw‖ ≈ √30 ≈ 5.5 against
     * ‖(I − QQᵀ)w‖ = 1e-3: one pass leaves components of about u·5.5 along Q, some 3e-4 of what is
     * left (measured: 1.3e-4 to 8e-4 over 300 seeds), above the 1e-5 that {@code LanczosTest} asks of
     * a basis; the second pass brings it to 1e-8 to 3e-8. This is the case where classical Gram–Schmidt once loses orthogonality.
     */
    @Test
    void onePassLeavesComponentsAlongQWhenWLayMostlyInItsSpan() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        OrthonormalBasis basis = orthonormalRows(rng);
        ParamVector w = mostlyInTheSpan(basis, rng);
        basis.subtractProjection(w);
        double worst = worstComponent(basis, w);
        assertTrue(worst > 1e-5, "seed " + seed + ": max_i |q_iᵀw| / ‖w‖ = " + worst + " after one pass");
    }

    /** With the second pass the same w is orthogonal to Q to working precision. */
    @Test
    void orthogonaliseRemovesTheSpanEvenWhenWLayMostlyInIt() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        OrthonormalBasis basis = orthonormalRows(rng);
        ParamVector w = mostlyInTheSpan(basis, rng);
        double[] expected = projectedOut(basis, Compare.toDouble(w.toHost()));
        double norm = basis.orthogonalise(w);
        assertEquals(w.norm(), norm, 1e-12 + 1e-9 * norm, "seed " + seed + ": the returned ‖w‖");
        double worst = worstComponent(basis, w);
        assertTrue(worst < 1e-5, "seed " + seed + ": max_i |q_iᵀw| / ‖w‖ = " + worst);
        // What is left is w's part outside span(Q), up to the rounding of w₀'s entries (u·5.5 against 1e-3: 3e-4).
        double error = Compare.relativeError(Compare.toDouble(w.toHost()), expected);
        assertTrue(error < 1e-2, "seed " + seed + ": ‖w − (I − QQᵀ)w₀‖ / ‖(I − QQᵀ)w₀‖ = " + error);
    }

    /**
     * A w that Q barely sees, as Lanczos hands over: one pass, and the result is the float64
     * projection to float32 accuracy. Tolerance: the GEMVs sum p = 301 or j = 30 float32 terms, a
     * few u relative to ‖w‖ each; 1e-6 is ~16u.
     */
    @Test
    void orthogonaliseMatchesTheFloat64ProjectionWhenLittleCancels() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        OrthonormalBasis basis = orthonormalRows(rng);
        ParamVector w = ParamVector.gaussian(CPU, basis.get(0).layout(), rng);
        double[] expected = projectedOut(basis, Compare.toDouble(w.toHost()));
        double norm = basis.orthogonalise(w);
        double error = Compare.relativeError(Compare.toDouble(w.toHost()), expected);
        assertTrue(error < 1e-6, "seed " + seed + ": relative error " + error);
        assertEquals(Math.sqrt(Compare.dot(expected, expected)), norm, 1e-6 * norm, "seed " + seed);
    }

    @Test
    void appendStoresTheScaledVectorAndLeavesItsArgumentAlone() {
        ParamLayout layout = ParamLayout.vector(5);
        OrthonormalBasis basis = OrthonormalBasis.allocate(CPU, layout, 2);
        ParamVector v = ParamVector.fromHost(CPU, layout, new float[] {3, 0, 4, 0, 0});
        ParamVector q = basis.append(v, 1 / v.norm());
        assertEquals(1, basis.size());
        assertArrayEquals(new float[] {0.6f, 0, 0.8f, 0, 0}, q.toHost(), 1e-7f);
        assertArrayEquals(new float[] {3, 0, 4, 0, 0}, v.toHost());
        assertArrayEquals(q.toHost(), basis.vectors().get(0).toHost());
    }

    @Test
    void rejectsAVectorPastItsCapacity() {
        ParamLayout layout = ParamLayout.vector(4);
        OrthonormalBasis basis = OrthonormalBasis.allocate(CPU, layout, 1);
        ParamVector v = ParamVector.fromHost(CPU, layout, new float[] {1, 0, 0, 0});
        basis.append(v, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> basis.append(v, 1));
        assertTrue(e.getMessage().contains("all 1 rows are in use"), e.getMessage());
    }

    @Test
    void refusesABlockLargerThanOneBufferBeforeAllocatingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OrthonormalBasis.allocate(CPU, ParamLayout.vector(40_000_000), 60));
        assertTrue(e.getMessage().contains("60 vectors of 40000000 parameters are 2400000000 floats"), e.getMessage());
    }

    /** J orthonormal rows of length P: Gram–Schmidt twice on Gaussians in float64, then rounded to float32. */
    private static OrthonormalBasis orthonormalRows(SplittableRandom rng) {
        ParamLayout layout = ParamLayout.vector(P);
        OrthonormalBasis basis = OrthonormalBasis.allocate(CPU, layout, J);
        double[][] q = new double[J][P];
        for (int j = 0; j < J; j++) {
            for (int i = 0; i < P; i++) q[j][i] = rng.nextGaussian();
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double d = Compare.dot(q[k], q[j]);
                    for (int i = 0; i < P; i++) q[j][i] -= d * q[k][i];
                }
            }
            double norm = Math.sqrt(Compare.dot(q[j], q[j]));
            float[] row = new float[P];
            for (int i = 0; i < P; i++) row[i] = (float) (q[j][i] /= norm);
            basis.append(ParamVector.fromHost(CPU, layout, row), 1);
        }
        return basis;
    }

    /** (I − QQᵀ)w in float64 from the float32 rows the basis holds, twice so that their own rounding does not show. */
    private static double[] projectedOut(OrthonormalBasis basis, double[] w) {
        double[] r = w.clone();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < basis.size(); i++) {
                double[] q = Compare.toDouble(basis.get(i).toHost());
                double d = Compare.dot(q, r);
                for (int k = 0; k < r.length; k++) r[k] -= d * q[k];
            }
        }
        return r;
    }

    /** max_i |q_iᵀw| / ‖w‖ in float64. */
    private static double worstComponent(OrthonormalBasis basis, ParamVector w) {
        double[] x = Compare.toDouble(w.toHost());
        double norm = Math.sqrt(Compare.dot(x, x)), worst = 0;
        for (int i = 0; i < basis.size(); i++) {
            worst = Math.max(worst, Math.abs(Compare.dot(Compare.toDouble(basis.get(i).toHost()), x)) / norm);
        }
        return worst;
    }
}
