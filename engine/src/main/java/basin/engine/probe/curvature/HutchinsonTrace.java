package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * tr(H) by Hutchinson's estimator (Hutchinson 1990; Avron &amp; Toledo 2011):
 * <pre>
 *  1  for n = 1, 2, …, maxSamples
 *  2      z ← Rademacher vector (entries ±1, each with probability ½)
 *  3      s_n ← zᵀ H z                                  (one HVP; E[s_n] = tr H since E[zzᵀ] = I)
 *  4      mean ← (1/n) Σ s_i,   stderr ← sd(s₁ … s_n) / √n
 *  5      stop when n ≥ 10 and stderr ≤ relativeError · |mean|
 * </pre>
 * Rademacher vectors give the smallest variance among vectors with i.i.d. entries:
 * Var(zᵀHz) = 2 Σ_{i≠j} H_ij², so the diagonal costs nothing and the error comes from the
 * off-diagonal mass. The standard error is the sample standard deviation over √n; at least
 * {@value #MIN_SAMPLES} samples are drawn before it is trusted as a stopping test.
 */
public final class HutchinsonTrace {
    /** Fewer samples give too noisy a standard error to stop on. */
    public static final int MIN_SAMPLES = 10;

    private HutchinsonTrace() {
    }

    /** Receives each sample, for a teaching trace: zᵀHz and the running mean and its standard error (NaN for n = 1). */
    public interface Listener {
        void onSample(int n, double sample, double mean, double standardError);
    }

    /**
     * @param trace         the mean of the samples, the estimate of tr H
     * @param standardError the sample standard deviation over √n
     * @param converged     whether the requested relative error was reached before maxSamples
     * @param samples       every zᵀHz, in order (their count is the number of HVPs)
     */
    public record Result(double trace, double standardError, boolean converged, double[] samples) {
        public int count() {
            return samples.length;
        }
    }

    /** Draws Rademacher vectors until stderr ≤ relativeError · |trace| (after at least {@value #MIN_SAMPLES}) or maxSamples. */
    public static Result estimate(LinearOperator h, double relativeError, int maxSamples, SplittableRandom rng, Listener listener) {
        if (maxSamples < 2) throw new IllegalArgumentException("hutchinson: maxSamples must be ≥ 2 to have a standard error, got " + maxSamples);
        if (!(relativeError >= 0)) throw new IllegalArgumentException("hutchinson: relativeError must be ≥ 0, got " + relativeError);
        double[] samples = new double[maxSamples];
        ParamVector hz = ParamVector.zeros(h.backend(), h.layout());
        double mean = 0, m2 = 0, stderr = Double.NaN;                        // Welford's running mean and Σ(s − mean)²
        int n = 0;
        boolean converged = false;
        while (n < maxSamples) {                                             // 1
            ParamVector z = ParamVector.rademacher(h.backend(), h.layout(), rng);  // 2
            h.apply(z, hz);
            double s = z.dot(hz);                                            // 3
            if (!Double.isFinite(s)) throw new ArithmeticException("hutchinson: sample " + (n + 1) + " zᵀHz = " + s + " (a non-finite HVP)");
            samples[n++] = s;
            double delta = s - mean;                                         // 4
            mean += delta / n;
            m2 += delta * (s - mean);
            stderr = n > 1 ? Math.sqrt(m2 / (n - 1) / n) : Double.NaN;
            if (listener != null) listener.onSample(n, s, mean, stderr);
            if (n >= MIN_SAMPLES && stderr <= relativeError * Math.abs(mean)) {  // 5
                converged = true;
                break;
            }
        }
        return new Result(mean, stderr, converged, Arrays.copyOf(samples, n));
    }
}
