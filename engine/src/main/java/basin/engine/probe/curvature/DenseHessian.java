package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The whole matrix, for a model small enough to see: column i of A is A e_i, so p products give A
 * exactly (to float32 rounding), and EJML's dense symmetric solver gives every eigenvalue. Beside it,
 * the Hessian from central differences of gradients, H e_i ≈ (∇L(θ + h e_i) − ∇L(θ − h e_i)) / 2h,
 * which shares no code with the HVP and so is the check a student can trust.
 *
 * <p>What the matrix says about the products: A built from products is symmetric only up to the
 * rounding of each product, so its distance from symmetry ‖A − Aᵀ‖_F / ‖A‖_F measures that rounding
 * (float32: about 1e-7); a VJP and a JVP that disagree would show up there as a number near 1.
 */
public final class DenseHessian {
    /** p² doubles and p products: beyond a few thousand parameters this is the wrong tool (use Lanczos). */
    public static final int MAX_PARAMETERS = 4096;

    private DenseHessian() {
    }

    /**
     * A built column by column.
     *
     * @param matrix      A[i][j] = (A e_j)_i, p × p, not symmetrised
     * @param eigenvalues the eigenvalues of (A + Aᵀ)/2, descending (EJML, dense symmetric QR)
     * @param asymmetry   ‖A − Aᵀ‖_F / ‖A‖_F
     */
    public record Result(double[][] matrix, double[] eigenvalues, double asymmetry) {
        /** tr A, the exact value Hutchinson estimates. */
        public double trace() {
            double t = 0;
            for (int i = 0; i < matrix.length; i++) t += matrix[i][i];
            return t;
        }
    }

    /** A from p products with the unit vectors e_1 … e_p (p products of the operator). */
    public static Result fromProducts(LinearOperator a) {
        int p = a.dim();
        requireSmall(p);
        double[][] matrix = new double[p][p];
        float[] unit = new float[p];
        for (int j = 0; j < p; j++) {
            unit[j] = 1;
            float[] column = a.apply(ParamVector.fromHost(a.backend(), a.layout(), unit)).toHost();   // A e_j
            unit[j] = 0;
            for (int i = 0; i < p; i++) matrix[i][j] = column[i];
        }
        return new Result(matrix, symmetricEigenvalues(matrix), asymmetry(matrix));
    }

    /**
     * H of the mean loss over {@code batches} (weighted by their sizes, as {@link HessianOperator})
     * from central differences of float32 gradients with step {@code h}: 2p gradients. Each column's
     * divisor is the step actually taken, (θ_i + h) − (θ_i − h) after float32 rounding. Its error is
     * the truncation O(h²) plus the gradients' rounding u‖∇L‖/h (u = 6e-8), so h near 1e-3 balances them
     * to about 1e-4 relative; a ReLU kink within h of θ makes that column wrong, not slightly off.
     */
    public static double[][] fromGradientDifferences(Objective objective, ParamVector theta, List<Batch> batches, double h) {
        int p = theta.dim();
        requireSmall(p);
        if (!(h > 0)) throw new IllegalArgumentException("dense hessian: the difference step must be positive, got " + h);
        float[] values = theta.toHost();
        double[][] matrix = new double[p][p];
        for (int j = 0; j < p; j++) {
            float plus = (float) (values[j] + h), minus = (float) (values[j] - h);
            double[] gPlus = gradient(objective, theta, batches, values, j, plus);
            double[] gMinus = gradient(objective, theta, batches, values, j, minus);
            double step = (double) plus - minus;
            for (int i = 0; i < p; i++) matrix[i][j] = (gPlus[i] - gMinus[i]) / step;
        }
        return matrix;
    }

    /** max |A_ij − B_ij|. */
    public static double maxDifference(double[][] a, double[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
        }
        return max;
    }

    /** max |A_ij|. */
    public static double maxEntry(double[][] a) {
        double max = 0;
        for (double[] row : a) for (double v : row) max = Math.max(max, Math.abs(v));
        return max;
    }

    /** ‖A − Aᵀ‖_F / ‖A‖_F (0 for the zero matrix). */
    public static double asymmetry(double[][] a) {
        double skew = 0, all = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                double d = a[i][j] - a[j][i];
                skew += d * d;
                all += a[i][j] * a[i][j];
            }
        }
        return all > 0 ? Math.sqrt(skew / all) : 0;
    }

    /** The eigenvalues of (A + Aᵀ)/2, descending; EJML returns them unsorted and reports failure by a boolean. */
    public static double[] symmetricEigenvalues(double[][] a) {
        int p = a.length;
        DMatrixRMaj s = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) s.set(i, j, (a[i][j] + a[j][i]) / 2);
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, false, true);
        if (!eig.decompose(s)) throw new ArithmeticException("dense hessian: EJML's symmetric eigen-decomposition of a " + p + " × " + p + " matrix failed");
        double[] lambda = new double[p];
        for (int i = 0; i < p; i++) lambda[i] = eig.getEigenvalue(i).real;
        Arrays.sort(lambda);
        for (int i = 0; i < p / 2; i++) {
            double t = lambda[i];
            lambda[i] = lambda[p - 1 - i];
            lambda[p - 1 - i] = t;
        }
        return lambda;
    }

    /** Short labels of the p coordinates, in layout order: {@code 1.weight[0,1]}, {@code 1.bias[0]}. */
    public static List<String> coordinateNames(ParamLayout layout) {
        List<String> names = new ArrayList<>();
        for (ParamLayout.Entry e : layout.entries()) {
            int[] dims = e.shape().dims();
            for (int k = 0; k < e.size(); k++) {
                StringBuilder index = new StringBuilder();
                int rest = k;
                for (int d = dims.length - 1; d >= 0; d--) {
                    index.insert(0, (d > 0 ? "," : "") + (rest % dims[d]));
                    rest /= dims[d];
                }
                names.add(String.format(Locale.ROOT, "%s[%s]", e.name(), index));
            }
        }
        return names;
    }

    /**
     * The mean loss over {@code batches} (weighted by their sizes) at θ, with its gradient written
     * into {@code gradient} (length p), accumulated in float64 from each batch's float32 gradient.
     */
    public static double lossAndGradient(Objective objective, ParamVector theta, List<Batch> batches, double[] gradient) {
        if (gradient.length != theta.dim()) throw new IllegalArgumentException("dense hessian: gradient of length " + gradient.length + " for " + theta.dim() + " parameters");
        int examples = 0;
        for (Batch b : batches) examples += b.size();
        Arrays.fill(gradient, 0);
        ParamVector g = theta.zerosLike();
        double loss = 0;
        for (Batch b : batches) {
            double weight = (double) b.size() / examples;
            loss += weight * objective.gradient(theta, b, g);
            float[] part = g.toHost();
            for (int i = 0; i < gradient.length; i++) gradient[i] += weight * part[i];
        }
        return loss;
    }

    /** ∇L at θ with coordinate j set to {@code value}. */
    private static double[] gradient(Objective objective, ParamVector theta, List<Batch> batches, float[] values, int j, float value) {
        float[] shifted = values.clone();
        shifted[j] = value;
        double[] g = new double[values.length];
        lossAndGradient(objective, ParamVector.fromHost(theta.backend(), theta.layout(), shifted), batches, g);
        return g;
    }

    private static void requireSmall(int p) {
        if (p > MAX_PARAMETERS) {
            throw new IllegalArgumentException("dense hessian: " + p + " parameters; the dense matrix is for models up to "
                    + MAX_PARAMETERS + " (p² entries, p products): use Lanczos for the extremes");
        }
    }
}
