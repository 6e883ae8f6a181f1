package basin.engine.probe.curvature;

import basin.engine.linalg.OrthonormalBasis;
import basin.engine.linalg.ParamVector;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * tr(A) by Hutch++ (Meyer, Musco, Musco &amp; Woodruff 2021, "Hutch++: optimal stochastic trace
 * estimation", Algorithm 1), for a budget of m matrix-vector products:
 * <pre>
 *  1  S ← p × m/3 Rademacher,  G ← p × (m − 2·m/3) Rademacher
 *  2  Q ← orth(A S)                                        (m/3 products; Gram–Schmidt)
 *  3  t_low ← tr(Qᵀ A Q) = Σ_j q_jᵀ A q_j                   (m/3 products: exact on span Q)
 *  4  s_i ← g_iᵀ (I − QQᵀ) A (I − QQᵀ) g_i                  (one product each: Hutchinson on the rest)
 *  5  tr ≈ t_low + mean(s_i),  standard error = sd(s_i) / √(m − 2·m/3)
 * </pre>
 * The top of the spectrum is captured exactly by the sketch A S and only the remainder is left to
 * Hutchinson, whose variance 2‖(I−QQᵀ)A(I−QQᵀ)‖²_F off the diagonal is then small: for ε relative
 * error it needs O(1/ε) products where Hutchinson needs O(1/ε²), and on a spectrum that decays fast
 * (a network's Hessian: a few outliers over a bulk near zero) it is far better at the same budget.
 * Step 3 is exact given Q, so the standard error is that of step 4's mean. A column of A S that
 * lies in the span of the previous ones (A of rank below m/3) is dropped and saves its step-3 product.
 */
public final class HutchPlusPlus {
    /** A sketch column whose norm Gram–Schmidt reduced below this fraction was in span Q already (float32 rounding). */
    static final double DEPENDENT = 1e-5;

    private HutchPlusPlus() {
    }

    /**
     * @param trace         t_low + mean(s_i), the estimate of tr A
     * @param lowRankTrace  t_low = tr(QᵀAQ), exact given Q
     * @param standardError sd(s_i)/√n, the error of the estimate
     * @param rank          the number of columns of Q
     * @param samples       every s_i, in order
     * @param products      matrix-vector products spent
     */
    public record Result(double trace, double lowRankTrace, double standardError, int rank, double[] samples, int products) {
    }

    /** Hutch++ with a budget of m ≥ 6 products (at least two step-4 samples, for a standard error). */
    public static Result estimate(LinearOperator a, int m, SplittableRandom rng) {
        if (m < 6) throw new IllegalArgumentException("hutch++: the budget must be ≥ 6 products (two of each kind and two samples), got " + m);
        int k = m / 3, n = m - 2 * k;
        OrthonormalBasis q = OrthonormalBasis.allocate(a.backend(), a.layout(), k);
        int products = 0;
        for (int i = 0; i < k; i++) {                                           // 1, 2
            ParamVector y = a.apply(ParamVector.rademacher(a.backend(), a.layout(), rng));
            products++;
            double before = y.norm(), after = q.orthogonalise(y);
            checkFinite(before, "sketch column " + (i + 1));
            if (after > DEPENDENT * before) q.append(y, 1 / after);
        }
        ParamVector aq = ParamVector.zeros(a.backend(), a.layout());
        double lowRank = 0;
        for (ParamVector qj : q.vectors()) {                                    // 3
            a.apply(qj, aq);
            products++;
            lowRank += qj.dot(aq);
        }
        double[] s = new double[n];
        double mean = 0, m2 = 0;
        for (int i = 0; i < n; i++) {                                           // 4
            ParamVector g = ParamVector.rademacher(a.backend(), a.layout(), rng);
            q.orthogonalise(g);
            a.apply(g, aq);
            products++;
            s[i] = checkFinite(g.dot(aq), "sample " + (i + 1));
            double delta = s[i] - mean;                                         // Welford
            mean += delta / (i + 1);
            m2 += delta * (s[i] - mean);
        }
        double stderr = Math.sqrt(m2 / (n - 1) / n);                            // 5
        return new Result(lowRank + mean, lowRank, stderr, q.size(), Arrays.copyOf(s, n), products);
    }

    private static double checkFinite(double x, String what) {
        if (!Double.isFinite(x)) throw new ArithmeticException("hutch++: " + what + " gave " + x + " (a non-finite product)");
        return x;
    }
}
