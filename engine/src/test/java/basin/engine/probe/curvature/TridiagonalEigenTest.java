package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EJML's tridiagonal QR, as wrapped, against EJML's dense symmetric solver on the same T (all float64). */
class TridiagonalEigenTest {

    @Test
    void eigenpairsOfARandomTridiagonalMatchTheDenseSolverAndAreSortedDescending() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int m = 37;
        double[] alpha = new double[m], beta = new double[m - 1];
        for (int i = 0; i < m; i++) alpha[i] = rng.nextGaussian();
        for (int i = 0; i < m - 1; i++) beta[i] = rng.nextDouble() + 0.01;
        double[] alphaBefore = alpha.clone(), betaBefore = beta.clone();
        TridiagonalEigen e = TridiagonalEigen.of(alpha, beta);
        assertTrue(Arrays.equals(alpha, alphaBefore) && Arrays.equals(beta, betaBefore), "input arrays were modified");

        DMatrixRMaj t = new DMatrixRMaj(m, m);
        for (int i = 0; i < m; i++) t.set(i, i, alpha[i]);
        for (int i = 0; i < m - 1; i++) {
            t.set(i, i + 1, beta[i]);
            t.set(i + 1, i, beta[i]);
        }
        EigenDecomposition_F64<DMatrixRMaj> dense = DecompositionFactory_DDRM.eig(m, false, true);
        assertTrue(dense.decompose(t.copy()));
        double[] reference = new double[m];
        for (int i = 0; i < m; i++) reference[i] = dense.getEigenvalue(i).getReal();
        Arrays.sort(reference);
        for (int i = 0; i < m; i++) {
            // Both are backward stable in float64: agreement to ~1e-13·‖T‖; 1e-10 leaves room.
            assertEquals(reference[m - 1 - i], e.values()[i], 1e-10, "seed " + seed + ": eigenvalue " + i);
            if (i > 0) assertTrue(e.values()[i] <= e.values()[i - 1], "not descending at " + i);
            // T y = θ y and ‖y‖ = 1
            double[] y = e.vectors()[i];
            double norm = 0, residual = 0;
            for (int r = 0; r < m; r++) {
                double ty = alpha[r] * y[r] + (r > 0 ? beta[r - 1] * y[r - 1] : 0) + (r < m - 1 ? beta[r] * y[r + 1] : 0);
                residual += (ty - e.values()[i] * y[r]) * (ty - e.values()[i] * y[r]);
                norm += y[r] * y[r];
            }
            assertEquals(1, norm, 1e-12, "seed " + seed + ": ‖y_" + i + "‖²");
            assertTrue(Math.sqrt(residual) < 1e-10, "seed " + seed + ": ‖Ty − θy‖ = " + Math.sqrt(residual) + " for pair " + i);
        }
    }

    @Test
    void oneByOneIsItsOwnEigenvalue() {
        TridiagonalEigen e = TridiagonalEigen.of(new double[] {-2.5}, new double[0]);
        assertEquals(-2.5, e.values()[0]);
        assertEquals(1, e.vectors()[0][0]);
    }

    @Test
    void rejectsMismatchedLengthsAndNonFiniteEntries() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TridiagonalEigen.of(new double[3], new double[3]));
        assertTrue(e.getMessage().contains("3 diagonal entries need 2 off-diagonal entries"), e.getMessage());
        assertThrows(ArithmeticException.class, () -> TridiagonalEigen.of(new double[] {1, Double.NaN}, new double[] {1}));
    }
}
