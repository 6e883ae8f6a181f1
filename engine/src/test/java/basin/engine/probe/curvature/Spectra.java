package basin.engine.probe.curvature;

import java.util.SplittableRandom;

/** Symmetric test matrices with a chosen spectrum: A = Q diag(λ) Qᵀ with Q random orthogonal. */
final class Spectra {
    private Spectra() {
    }

    /** Row-major float32 A = Q diag(λ) Qᵀ, Q from {@link #orthogonal}. */
    static float[] rotated(double[] lambda, SplittableRandom rng) {
        int n = lambda.length;
        double[][] q = orthogonal(n, rng);
        float[] a = new float[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[k][r] * lambda[k] * q[k][c];
                a[r * n + c] = (float) s;
            }
        }
        return a;
    }

    /** n orthonormal rows q[0] … q[n−1]: Gram–Schmidt on a Gaussian matrix, in float64. */
    static double[][] orthogonal(int n, SplittableRandom rng) {
        double[][] q = new double[n][n];
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
        return q;
    }
}
