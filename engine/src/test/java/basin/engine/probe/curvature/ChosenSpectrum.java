package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * H = Q Λ Qᵀ with a spectrum Λ we choose and Q a random orthogonal matrix (Gram–Schmidt on a Gaussian
 * matrix, in float64), as a {@link LinearOperator}: H v = Σ_k λ_k (q_kᵀ v) q_k, computed in float64
 * from the float32 vector, so the operator is exact up to the final rounding to float32.
 */
final class ChosenSpectrum implements LinearOperator {
    final double[] lambda;
    final double[][] q;                        // q[k] is the unit eigenvector of lambda[k]
    private final ParamLayout layout;
    private final Backend backend = CpuBackend.get();
    long applications;

    ChosenSpectrum(double[] lambda, SplittableRandom rng) {
        this.lambda = lambda.clone();
        int n = lambda.length;
        this.layout = ParamLayout.vector(n);
        this.q = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) q[j][i] = rng.nextGaussian();
            for (int pass = 0; pass < 2; pass++) {             // twice is enough (Kahan–Parlett)
                for (int k = 0; k < j; k++) {
                    double d = 0;
                    for (int i = 0; i < n; i++) d += q[k][i] * q[j][i];
                    for (int i = 0; i < n; i++) q[j][i] -= d * q[k][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += q[j][i] * q[j][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) q[j][i] /= norm;
        }
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public void apply(ParamVector v, ParamVector out) {
        float[] x = v.toHost();
        int n = lambda.length;
        double[] y = new double[n];
        for (int k = 0; k < n; k++) {
            double c = 0;
            for (int i = 0; i < n; i++) c += q[k][i] * x[i];
            c *= lambda[k];
            for (int i = 0; i < n; i++) y[i] += c * q[k][i];
        }
        float[] yf = new float[n];
        for (int i = 0; i < n; i++) yf[i] = (float) y[i];
        backend.copyIn(yf, 0, out.buffer());
        applications++;
    }

    /** tr(Hʳ) = Σ λʳ. */
    double traceOfPower(int r) {
        double s = 0;
        for (double l : lambda) s += Math.pow(l, r);
        return s;
    }

    /** The spectrum sorted descending. */
    double[] descending() {
        double[] s = lambda.clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            double t = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = t;
        }
        return s;
    }

    /** Evenly spaced values from {@code from} down to {@code to}, {@code n} of them. */
    static double[] linspace(double from, double to, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = n == 1 ? from : from + (to - from) * i / (n - 1);
        return v;
    }

    /** The concatenation of the given pieces. */
    static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) n += p.length;
        double[] all = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
