package basin.engine.probe.curvature;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.eig.symm.SymmetricQREigenHelper_DDRM;
import org.ejml.dense.row.decomposition.eig.symm.SymmetricQrAlgorithm_DDRM;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The eigen-decomposition T = Y diag(θ) Yᵀ of a symmetric tridiagonal matrix
 * <pre>
 *      ⎡ α₁ β₁          ⎤
 *  T = ⎢ β₁ α₂ β₂       ⎥      (m × m; α on the diagonal, β beside it)
 *      ⎢    ⋱  ⋱  ⋱     ⎥
 *      ⎣       β_{m−1} α_m⎦
 * </pre>
 * by EJML's implicit symmetric QR algorithm on the tridiagonal form (Watkins, Fundamentals of Matrix
 * Computations, §5.6), with eigenvectors accumulated from the identity. EJML overwrites its input
 * arrays and returns the eigenpairs unsorted with the eigenvectors as the <em>rows</em> of its Q; this
 * class copies the input, checks the success flag, and sorts the pairs by descending eigenvalue.
 *
 * @param values  θ₁ ≥ θ₂ ≥ … ≥ θ_m, the eigenvalues (for a Lanczos T, the Ritz values)
 * @param vectors {@code vectors[i]} is the unit eigenvector y_i of θ_i, length m
 */
public record TridiagonalEigen(double[] values, double[][] vectors) {

    /** Decomposes T given its diagonal α (length m ≥ 1) and off-diagonal β (length m − 1). Neither is modified. */
    public static TridiagonalEigen of(double[] alpha, double[] beta) {
        int m = alpha.length;
        if (m < 1) throw new IllegalArgumentException("tridiagonal eigen: empty matrix");
        if (beta.length != m - 1) {
            throw new IllegalArgumentException("tridiagonal eigen: " + m + " diagonal entries need " + (m - 1)
                    + " off-diagonal entries, got " + beta.length);
        }
        for (int i = 0; i < m; i++) checkFinite(alpha[i], "alpha", i);
        for (int i = 0; i < m - 1; i++) checkFinite(beta[i], "beta", i);
        if (m == 1) return new TridiagonalEigen(new double[] {alpha[0]}, new double[][] {{1}});

        double[] diag = alpha.clone(), off = beta.clone();              // EJML works in place
        SymmetricQREigenHelper_DDRM helper = new SymmetricQREigenHelper_DDRM();
        SymmetricQrAlgorithm_DDRM qr = new SymmetricQrAlgorithm_DDRM(helper);
        helper.init(diag, off, m);                                      // init resets Q, so set it after
        DMatrixRMaj q = CommonOps_DDRM.identity(m);
        helper.setQ(q);
        qr.setFastEigenvalues(false);                                   // the 2×2 shortcut skips Q
        if (!qr.process(-1, null, null)) {
            throw new ArithmeticException("tridiagonal eigen: EJML's symmetric QR did not converge for an "
                    + m + " × " + m + " matrix");
        }
        Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> qr.getEigenvalue(i)).reversed());
        double[] values = new double[m];
        double[][] vectors = new double[m][m];
        for (int k = 0; k < m; k++) {
            int i = order[k];
            values[k] = qr.getEigenvalue(i);
            for (int c = 0; c < m; c++) vectors[k][c] = q.get(i, c);   // row i of Q is the eigenvector of θ_i
        }
        return new TridiagonalEigen(values, vectors);
    }

    /** m, the size of T. */
    public int size() {
        return values.length;
    }

    private static void checkFinite(double x, String name, int i) {
        if (!Double.isFinite(x)) throw new ArithmeticException("tridiagonal eigen: " + name + "[" + i + "] = " + x);
    }
}
