package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;

import java.util.SplittableRandom;

/**
 * diag(A) by the stochastic estimator of Bekas, Kokiopoulou &amp; Saad (2007), "An estimator for the
 * diagonal of a matrix", Applied Numerical Mathematics 57:
 * <pre>
 *   diag(A) ≈ (Σ_k v_k ⊙ A v_k) ⊘ (Σ_k v_k ⊙ v_k)
 * </pre>
 * With Rademacher v_k the denominator is K exactly and entry i is the mean of K samples
 * (v_k)_i (A v_k)_i = A_ii + Σ_{j≠i} A_ij (v_k)_i (v_k)_j, unbiased with variance Σ_{j≠i} A_ij²:
 * the off-diagonal mass of row i, as for Hutchinson's trace (whose estimate is the sum of these
 * entries). One product per sample; the sums are kept on the host in float64.
 */
public final class HutchinsonDiagonal {

    private HutchinsonDiagonal() {
    }

    /**
     * @param diagonal      the estimate of diag(A), in A's layout (the parameters' names and shapes)
     * @param standardError each entry's sample standard deviation over √K
     * @param samples       K, the number of products
     */
    public record Result(ParamVector diagonal, ParamVector standardError, int samples) {
        /** Σ_i of the estimate: Hutchinson's trace estimate from the same vectors. */
        public double trace() {
            double s = 0;
            for (float d : diagonal.toHost()) s += d;
            return s;
        }
    }

    /** K ≥ 2 Rademacher samples (two at least, for a standard error). */
    public static Result estimate(LinearOperator a, int samples, SplittableRandom rng) {
        if (samples < 2) throw new IllegalArgumentException("hutchinson diagonal: samples must be ≥ 2 to have a standard error, got " + samples);
        int p = a.dim();
        double[] numerator = new double[p], denominator = new double[p], sumOfSquares = new double[p];
        ParamVector av = ParamVector.zeros(a.backend(), a.layout());
        for (int k = 0; k < samples; k++) {
            ParamVector v = ParamVector.rademacher(a.backend(), a.layout(), rng);
            a.apply(v, av);
            float[] x = v.toHost(), y = av.toHost();
            for (int i = 0; i < p; i++) {
                double s = (double) x[i] * y[i];
                if (!Double.isFinite(s)) throw new ArithmeticException("hutchinson diagonal: sample " + (k + 1) + " entry " + i + " is " + s + " (a non-finite product)");
                numerator[i] += s;
                denominator[i] += (double) x[i] * x[i];
                sumOfSquares[i] += s * s;
            }
        }
        float[] d = new float[p], e = new float[p];
        for (int i = 0; i < p; i++) {
            d[i] = (float) (numerator[i] / denominator[i]);
            double mean = numerator[i] / samples;
            double variance = Math.max(0, (sumOfSquares[i] - samples * mean * mean) / (samples - 1));
            e[i] = (float) Math.sqrt(variance / samples);
        }
        return new Result(ParamVector.fromHost(a.backend(), a.layout(), d), ParamVector.fromHost(a.backend(), a.layout(), e), samples);
    }
}
