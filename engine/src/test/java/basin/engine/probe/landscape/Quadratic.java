package basin.engine.probe.landscape;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.probe.curvature.LinearOperator;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.SplittableRandom;

/**
 * L(θ) = c + ½ (θ − θ*)ᵀ A (θ − θ*) with A = Q diag(λ) Qᵀ of a chosen spectrum, evaluated in float64
 * on the host: the oracle the landscape probes are checked against. Its Hessian is A everywhere, its
 * gradient A (θ − θ*), its minimum c at θ*.
 */
final class Quadratic implements LossSurface {
    final int p;
    final double[][] a;
    final double[] thetaStar;
    final double c;
    final double[] lambda;
    private final ParamLayout layout;
    private final Backend backend = CpuBackend.get();

    Quadratic(double[] lambda, double[] thetaStar, double c, SplittableRandom rng) {
        this.p = lambda.length;
        this.lambda = lambda.clone();
        this.a = rotated(lambda, rng);
        this.thetaStar = thetaStar.clone();
        this.c = c;
        this.layout = ParamLayout.vector(p);
    }

    /** A quadratic with its minimum c = 0 at θ* = 0. */
    static Quadratic centred(double[] lambda, SplittableRandom rng) {
        return new Quadratic(lambda, new double[lambda.length], 0, rng);
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
    public Measurement measure(ParamVector theta) {
        return new Measurement(value(toDouble(theta)), Double.NaN);
    }

    @Override
    public double gradient(ParamVector theta, ParamVector gradient) {
        double[] x = toDouble(theta);
        double[] g = new double[p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) g[i] += a[i][j] * (x[j] - thetaStar[j]);
        float[] gf = new float[p];
        for (int i = 0; i < p; i++) gf[i] = (float) g[i];
        gradient.copyFrom(ParamVector.fromHost(backend, layout, gf));
        return value(x);
    }

    @Override
    public String describe() {
        return "quadratic";
    }

    double value(double[] x) {
        double s = 0;
        for (int i = 0; i < p; i++) {
            double row = 0;
            for (int j = 0; j < p; j++) row += a[i][j] * (x[j] - thetaStar[j]);
            s += (x[i] - thetaStar[i]) * row;
        }
        return c + 0.5 * s;
    }

    /** uᵀ A v in float64. */
    double form(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) s += u[i] * a[i][j] * v[j];
        return s;
    }

    double trace() {
        double t = 0;
        for (int i = 0; i < p; i++) t += a[i][i];
        return t;
    }

    /** A as a linear operator, for power iteration. */
    LinearOperator hessian() {
        return new LinearOperator() {
            @Override public ParamLayout layout() { return layout; }
            @Override public Backend backend() { return backend; }
            @Override public void apply(ParamVector v, ParamVector out) {
                double[] x = toDouble(v);
                float[] y = new float[p];
                for (int i = 0; i < p; i++) {
                    double s = 0;
                    for (int j = 0; j < p; j++) s += a[i][j] * x[j];
                    y[i] = (float) s;
                }
                out.copyFrom(ParamVector.fromHost(backend, layout, y));
            }
        };
    }

    ParamVector vector(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return ParamVector.fromHost(backend, layout, f);
    }

    static double[] toDouble(ParamVector v) {
        float[] f = v.toHost();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Q diag(λ) Qᵀ, Q from Gram–Schmidt (twice) on a Gaussian matrix, all in float64. */
    static double[][] rotated(double[] lambda, SplittableRandom rng) {
        int n = lambda.length;
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) q[j][i] = rng.nextGaussian();
            for (int pass = 0; pass < 2; pass++) {
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
        double[][] a = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[k][r] * lambda[k] * q[k][c];
                a[r][c] = s;
            }
        }
        return a;
    }
}
