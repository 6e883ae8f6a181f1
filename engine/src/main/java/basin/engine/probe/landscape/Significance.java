package basin.engine.probe.landscape;

/**
 * Two-sided p-values of the correlations in {@link Correlation}, as scipy.stats computes them:
 * <pre>
 *   Pearson r     t = r √((n − 2)/(1 − r²)) has Student's t law with n − 2 degrees of freedom
 *                 under independence (normal data), so p = P(|T| ≥ |t|) = I_{ν/(ν + t²)}(ν/2, 1/2), ν = n − 2
 *   Kendall τ_b   without ties and n ≤ 33: exact, from the number of permutations of n with k
 *                 inversions (Mahonian numbers), p = min(1, 2 P(S ≤ min(n_d, n_c)));
 *                 otherwise the normal approximation of S = n_c − n_d with the tie-corrected variance
 *                 var S = (n(n−1)(2n+5) − Σ_x t(t−1)(2t+5) − Σ_y u(u−1)(2u+5))/18
 *                         + Σ t(t−1) Σ u(u−1) / (2n(n−1)) + Σ t(t−1)(t−2) Σ u(u−1)(u−2) / (9n(n−1)(n−2))
 *                 (Kendall 1970, ch. 4), p = erfc(|S|/√(2 var S))
 * </pre>
 * I_x(a, b) is the regularised incomplete beta function, by the continued fraction of Numerical
 * Recipes §6.4 (Lentz's method); erfc(z) = Q(½, z²), the regularised upper incomplete gamma, by its
 * series or continued fraction (§6.2). Both converge to about 1e-15.
 */
public final class Significance {
    private static final int EXACT_LIMIT = 33;

    private Significance() {
    }

    /** The two-sided p-value of Pearson's r over n pairs; NaN for n ≤ 2 or a NaN r. */
    public static double pearsonPValue(double r, int n) {
        if (n <= 2 || Double.isNaN(r)) return Double.NaN;
        if (Math.abs(r) >= 1) return 0;
        double nu = n - 2, t2 = r * r * nu / (1 - r * r);
        return incompleteBeta(nu / 2, 0.5, nu / (nu + t2));
    }

    /** The two-sided p-value of Kendall's τ_b for the samples x and y (scipy's {@code method='auto'}). */
    public static double kendallPValue(double[] x, double[] y) {
        int n = x.length;
        if (n < 2) return Double.NaN;
        long concordant = 0, discordant = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                int s = Integer.signum(Double.compare(x[i], x[j])) * Integer.signum(Double.compare(y[i], y[j]));
                if (s > 0) concordant++;
                else if (s < 0) discordant++;
            }
        }
        double[] tx = tieSums(x), ty = tieSums(y);
        boolean ties = tx[0] > 0 || ty[0] > 0;
        if (!ties && n <= EXACT_LIMIT) return exactKendall(n, Math.min(concordant, discordant));
        double nn = n;
        double var = (nn * (nn - 1) * (2 * nn + 5) - tx[2] - ty[2]) / 18
                + tx[0] * ty[0] / (2 * nn * (nn - 1))
                + (n > 2 ? tx[1] * ty[1] / (9 * nn * (nn - 1) * (nn - 2)) : 0);
        if (!(var > 0)) return Double.NaN;
        double z = Math.abs(concordant - discordant) / Math.sqrt(2 * var);
        return erfc(z);
    }

    /** Σ t(t−1), Σ t(t−1)(t−2) and Σ t(t−1)(2t+5) over the groups of tied values. */
    private static double[] tieSums(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        double a = 0, b = 0, c = 0;
        for (int i = 0; i < s.length; ) {
            int j = i;
            while (j < s.length && Double.compare(s[j], s[i]) == 0) j++;
            double t = j - i;
            a += t * (t - 1);
            b += t * (t - 1) * (t - 2);
            c += t * (t - 1) * (2 * t + 5);
            i = j;
        }
        return new double[] {a, b, c};
    }

    /** min(1, 2 Σ_{k ≤ c} M(n, k) / n!) with M(n, k) the permutations of n items with k inversions. */
    static double exactKendall(int n, long c) {
        int max = n * (n - 1) / 2;
        double[] m = new double[max + 1];
        m[0] = 1;
        for (int size = 2; size <= n; size++) {            // M(size, k) = Σ_{j=0}^{size−1} M(size−1, k − j)
            double[] next = new double[max + 1];
            int top = size * (size - 1) / 2;
            double window = 0;
            for (int k = 0; k <= top; k++) {
                window += m[k];
                if (k - size >= 0) window -= m[k - size];
                next[k] = window;
            }
            m = next;
        }
        double total = 0, tail = 0;
        for (int k = 0; k <= max; k++) {
            total += m[k];
            if (k <= c) tail += m[k];
        }
        return Math.min(1, 2 * tail / total);
    }

    /** erfc(z) = Q(½, z²) for z ≥ 0. */
    static double erfc(double z) {
        return z <= 0 ? 1 : upperGamma(0.5, z * z);
    }

    /** The regularised upper incomplete gamma Q(a, x). */
    static double upperGamma(double a, double x) {
        double lnPrefix = -x + a * Math.log(x) - logGamma(a);
        if (x < a + 1) {                                   // series for P(a, x), Q = 1 − P
            double sum = 1 / a, term = sum;
            for (int k = 1; k < 500 && Math.abs(term) > Math.abs(sum) * 1e-16; k++) {
                term *= x / (a + k);
                sum += term;
            }
            return 1 - sum * Math.exp(lnPrefix);
        }
        double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;    // continued fraction (Lentz)
        for (int i = 1; i < 500; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < 1e-300) d = 1e-300;
            c = b + an / c;
            if (Math.abs(c) < 1e-300) c = 1e-300;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return Math.exp(lnPrefix) * h;
    }

    /** The regularised incomplete beta I_x(a, b). */
    static double incompleteBeta(double a, double b, double x) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
        if (x < (a + 1) / (a + b + 2)) return front * betaFraction(a, b, x) / a;
        return 1 - front * betaFraction(b, a, 1 - x) / b;
    }

    private static double betaFraction(double a, double b, double x) {
        double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
        if (Math.abs(d) < 1e-300) d = 1e-300;
        d = 1 / d;
        double h = d;
        for (int m = 1; m < 500; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < 1e-300) d = 1e-300;
            c = 1 + aa / c;
            if (Math.abs(c) < 1e-300) c = 1e-300;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < 1e-300) d = 1e-300;
            c = 1 + aa / c;
            if (Math.abs(c) < 1e-300) c = 1e-300;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return h;
    }

    /** ln Γ(x) for x > 0, Lanczos's approximation (g = 7, n = 9), about 1e-15 relative. */
    static double logGamma(double x) {
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        x -= 1;
        double a = c[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) a += c[i] / (x + i);
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
