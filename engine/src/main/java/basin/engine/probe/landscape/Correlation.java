package basin.engine.probe.landscape;

import java.util.List;

/**
 * How a geometric measure (λmax, sharpness, flatness, a barrier) goes with generalisation across
 * runs (Jiang et al. 2020, "Fantastic Generalization Measures and Where to Find Them", §4):
 * <pre>
 *   Pearson     r = Σ (x_i − x̄)(y_i − ȳ) / √(Σ (x_i − x̄)² · Σ (y_i − ȳ)²)
 *   Kendall     τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂))
 *               n_c, n_d concordant and discordant pairs, n₀ = n(n−1)/2,
 *               n₁ = Σ t(t−1)/2 over groups of ties in x, n₂ likewise in y
 * </pre>
 * τ_b is scipy's {@code kendalltau} default; with no ties it is Kendall's τ_a. Sums in float64.
 */
public final class Correlation {
    private Correlation() {
    }

    /** One run: its name, the measure and the generalisation (e.g. the test accuracy or the gap). */
    public record Run(String name, double measure, double generalisation) {
    }

    /** Both coefficients with the runs they were computed over. */
    public record Result(List<Run> runs, double pearson, double kendallTauB) {
    }

    public static Result of(List<Run> runs) {
        int n = runs.size();
        if (n < 2) throw new IllegalArgumentException("correlation: need at least 2 runs, got " + n);
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = runs.get(i).measure();
            y[i] = runs.get(i).generalisation();
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("correlation: run " + runs.get(i).name() + " has a non-finite value (" + x[i] + ", " + y[i] + ")");
            }
        }
        return new Result(List.copyOf(runs), pearson(x, y), kendallTauB(x, y));
    }

    /** The sums Pearson's r is built from: the means, Σ (x_i − x̄)(y_i − ȳ), Σ (x_i − x̄)² and Σ (y_i − ȳ)². */
    public record PearsonTerms(double meanX, double meanY, double sxy, double sxx, double syy) {
        /** r = sxy / √(sxx·syy); NaN when either sample is constant. */
        public double r() {
            return sxy / Math.sqrt(sxx * syy);
        }
    }

    /**
     * The pair counts Kendall's τ_b is built from: n₀ = n(n−1)/2 pairs, n_c concordant, n_d
     * discordant, n₁ and n₂ tied in x and in y (a pair tied in either counts as neither).
     */
    public record KendallTerms(long pairs, long concordant, long discordant, long tiesX, long tiesY) {
        /** τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)); NaN when either sample is constant. */
        public double tauB() {
            return (concordant - discordant) / Math.sqrt((double) (pairs - tiesX) * (pairs - tiesY));
        }
    }

    /** Pearson's r; NaN when either sample is constant. */
    public static double pearson(double[] x, double[] y) {
        return pearsonTerms(x, y).r();
    }

    /** Kendall's τ_b over all pairs (O(n²): run lists are short); NaN when either sample is constant. */
    public static double kendallTauB(double[] x, double[] y) {
        return kendallTerms(x, y).tauB();
    }

    public static PearsonTerms pearsonTerms(double[] x, double[] y) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return new PearsonTerms(mx, my, sxy, sxx, syy);
    }

    public static KendallTerms kendallTerms(double[] x, double[] y) {
        int n = x.length;
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                int sx = Integer.signum(Double.compare(x[i], x[j]));
                int sy = Integer.signum(Double.compare(y[i], y[j]));
                if (sx == 0) tiesX++;                  // pairs tied in x: Σ t(t−1)/2 over tie groups
                if (sy == 0) tiesY++;
                if (sx != 0 && sy != 0) {
                    if (sx == sy) concordant++;
                    else discordant++;
                }
            }
        }
        return new KendallTerms((long) n * (n - 1) / 2, concordant, discordant, tiesX, tiesY);
    }
}
