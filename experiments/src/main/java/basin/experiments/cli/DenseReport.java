package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.engine.probe.curvature.DenseHessian;
import basin.engine.probe.curvature.LinearOperator;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code probe hessian --dense}: the loss, its gradient, the whole matrix from p products and, for the
 * Hessian of every parameter, the one from central differences of gradients beside it, with the
 * eigenvalues of the first (EJML). Matrices are printed entry by entry up to {@link #PRINTED} parameters.
 */
final class DenseReport {
    /** Beyond this a printed matrix no longer fits a screen; the summary lines still say how they compare. */
    static final int PRINTED = 16;

    final double loss;
    final double[] gradient;
    final DenseHessian.Result fromProducts;
    final double[][] fromDifferences;          // null when the operator is not the Hessian of all of θ
    final double differenceStep;
    final List<String> names;

    private DenseReport(double loss, double[] gradient, DenseHessian.Result fromProducts, double[][] fromDifferences,
                        double differenceStep, List<String> names) {
        this.loss = loss;
        this.gradient = gradient;
        this.fromProducts = fromProducts;
        this.fromDifferences = fromDifferences;
        this.differenceStep = differenceStep;
        this.names = names;
    }

    /** p products of {@code a}, 1 gradient, and 2p more gradients when {@code withDifferences}. */
    static DenseReport compute(LinearOperator a, Objective objective, ParamVector theta, List<Batch> batches,
                               boolean withDifferences, double differenceStep) {
        double[] gradient = new double[theta.dim()];
        double loss = DenseHessian.lossAndGradient(objective, theta, batches, gradient);
        DenseHessian.Result h = DenseHessian.fromProducts(a);
        double[][] fd = withDifferences ? DenseHessian.fromGradientDifferences(objective, theta, batches, differenceStep) : null;
        return new DenseReport(loss, gradient, h, fd, differenceStep, DenseHessian.coordinateNames(a.layout()));
    }

    void print(PrintStream out, String matrixName) {
        int p = gradient.length;
        boolean whole = p <= PRINTED;
        out.printf(Locale.ROOT, "%ndense     %d parameters: %s = [A e_1 … A e_p], one product per column%n", p, matrixName);
        out.printf(Locale.ROOT, "loss      L(θ) = %.8f%n", loss);
        if (whole) {
            out.println("gradient  ∇L(θ)");
            for (int i = 0; i < p; i++) out.printf(Locale.ROOT, "  %-16s %12.6f%n", names.get(i), gradient[i]);
            out.printf(Locale.ROOT, "%s from %d products (row i, column j: (A e_j)_i)%n", matrixName, p);
            printMatrix(out, fromProducts.matrix());
            if (fromDifferences != null) {
                out.printf(Locale.ROOT, "H from central differences of gradients, (∇L(θ + h e_j) − ∇L(θ − h e_j)) / 2h, h = %.0e%n", differenceStep);
                printMatrix(out, fromDifferences);
            }
        }
        double scale = DenseHessian.maxEntry(fromProducts.matrix());
        if (fromDifferences != null) {
            double d = DenseHessian.maxDifference(fromProducts.matrix(), fromDifferences);
            out.printf(Locale.ROOT, "products vs differences  max |ΔH_ij| = %.2e (%.1e of max |H_ij| = %.6f)%n", d, d / scale, scale);
        } else {
            out.println("products vs differences  not compared (differences are taken for the Hessian of all parameters only)");
        }
        out.printf(Locale.ROOT, "asymmetry ‖A − Aᵀ‖/‖A‖ = %.2e   (float32 rounding of each product; 0 in exact arithmetic)%n", fromProducts.asymmetry());
        out.printf(Locale.ROOT, "trace     tr A = %.8f%n", fromProducts.trace());
        double[] lambda = fromProducts.eigenvalues();
        StringBuilder b = new StringBuilder();
        int shown = whole ? p : 8;
        for (int i = 0; i < Math.min(shown, p); i++) b.append(String.format(Locale.ROOT, " %.6g", lambda[i]));
        if (p > shown) b.append(String.format(Locale.ROOT, " … %.6g", lambda[p - 1]));
        out.printf(Locale.ROOT, "eigenvalues (EJML, dense symmetric QR, descending):%s%n", b);
    }

    Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("loss", loss);
        o.put("gradient", gradient);
        o.put("coordinates", names);
        o.put("matrix", fromProducts.matrix());
        o.put("eigenvalues", fromProducts.eigenvalues());
        o.put("asymmetry", fromProducts.asymmetry());
        o.put("trace", fromProducts.trace());
        if (fromDifferences != null) {
            o.put("finite_difference", fromDifferences);
            o.put("finite_difference_step", differenceStep);
            o.put("max_difference", DenseHessian.maxDifference(fromProducts.matrix(), fromDifferences));
        }
        return o;
    }

    private static void printMatrix(PrintStream out, double[][] a) {
        for (double[] row : a) {
            StringBuilder b = new StringBuilder(" ");
            for (double v : row) b.append(String.format(Locale.ROOT, " %8.4f", v));
            out.println(b);
        }
    }
}
