package basin.experiments.report;

import basin.engine.probe.curvature.TridiagonalEigen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The two classic pictures of a curvature probe converging. Lanczos: the Ritz values of T_j against
 * the step j; the extreme ones settle first (Kaniel–Paige theory), the inner ones keep moving, and
 * without re-orthogonalisation a settled value is joined by ghost copies. Hutchinson: the running mean
 * of zᵀHz with its ± standard-error bars, closing in at 1/√n on tr H, drawn beside the exact trace
 * when it is known.
 */
public final class ConvergencePlots {
    /** How many of the largest Ritz values get their own line; the smallest gets one too. */
    static final int TRACKED = 6;

    private ConvergencePlots() {
    }

    /**
     * {@code lanczos-ritz-values.png/.svg}: line i joins the i-th largest Ritz value of T_j over the
     * steps j ≥ i; the last line joins the smallest.
     *
     * @param ritzValues step j (from 1) → the Ritz values of T_j, descending
     */
    public static List<String> ritzValues(RunFolder out, List<double[]> ritzValues, String title) {
        if (ritzValues.isEmpty()) throw new IllegalArgumentException("convergence plot: no Lanczos steps to draw");
        List<Series> series = new ArrayList<>();
        int steps = ritzValues.size();
        for (int i = 0; i < Math.min(TRACKED, steps); i++) {
            double[] x = new double[steps - i], y = new double[steps - i];
            for (int j = i; j < steps; j++) {
                x[j - i] = j + 1;
                y[j - i] = ritzValues.get(j)[i];
            }
            series.add(new Series("θ" + (i + 1), x, y, null));
        }
        if (steps > TRACKED) {
            double[] x = new double[steps], y = new double[steps];
            for (int j = 0; j < steps; j++) {
                x[j] = j + 1;
                double[] t = ritzValues.get(j);
                y[j] = t[t.length - 1];
            }
            series.add(new Series("smallest", x, y, null));
        }
        return Charts.lines(out, "lanczos-ritz-values", title, "Lanczos step j", "Ritz values of T_j", series, List.of());
    }

    /**
     * The Ritz values of every leading T_j of a Lanczos run, recomputed from its α₁ … α_m and
     * β₁ … β_{m−1} (a record keeps those, not the m spectra), for {@link #ritzValues}.
     */
    public static List<double[]> ritzHistory(double[] alpha, double[] beta) {
        if (beta.length != alpha.length - 1) {
            throw new IllegalArgumentException("convergence plot: " + alpha.length + " α and " + beta.length + " β do not make a tridiagonal T");
        }
        List<double[]> history = new ArrayList<>();
        for (int j = 1; j <= alpha.length; j++) history.add(TridiagonalEigen.of(Arrays.copyOf(alpha, j), Arrays.copyOf(beta, j - 1)).values());
        return history;
    }

    /**
     * {@code hutchinson-running-mean.png/.svg}: the running mean after n samples with ± its standard
     * error, and the exact trace as a flat line when {@code exactTrace} is not NaN.
     *
     * @param samples sample n → {n, zᵀHz, running mean, standard error}
     */
    public static List<String> hutchinson(RunFolder out, List<double[]> samples, double exactTrace, String title) {
        if (samples.isEmpty()) throw new IllegalArgumentException("convergence plot: no Hutchinson samples to draw");
        int n = samples.size();
        double[] x = new double[n], mean = new double[n], error = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = samples.get(k)[0];
            mean[k] = samples.get(k)[2];
            error[k] = Double.isFinite(samples.get(k)[3]) ? samples.get(k)[3] : 0;   // one sample has no spread yet
        }
        List<Series> series = new ArrayList<>();
        series.add(new Series("running mean ± standard error", x, mean, error));
        if (!Double.isNaN(exactTrace)) {
            series.add(new Series("exact tr H (dense)", new double[]{x[0], x[n - 1]}, new double[]{exactTrace, exactTrace}, null));
        }
        return Charts.lines(out, "hutchinson-running-mean", title, "samples n", "estimate of tr H", series, List.of());
    }
}
