package basin.examples;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.probe.curvature.LinearOperator;
import basin.engine.probe.curvature.PowerIteration;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A probe of your own on {@link LinearOperator}: the smallest eigenvalue by power iteration on the
 * shifted operator σI − A, whose largest eigenvalue is σ − λmin when σ ≥ λmax (so λmin = σ − that).
 * It is tried, as Basin's own probes are, on a matrix whose spectrum we chose: diag(1, 2, …, 10) − 3,
 * so λmin = −2 and λmax = 7.
 */
public final class CustomProbe {
    private CustomProbe() {
    }

    /** σI − A: one product of A and an axpy. */
    record Shifted(LinearOperator a, double sigma) implements LinearOperator {
        @Override
        public ParamLayout layout() {
            return a.layout();
        }

        @Override
        public Backend backend() {
            return a.backend();
        }

        @Override
        public void apply(ParamVector v, ParamVector out) {
            a.apply(v, out);                 // out = A v
            out.scal(-1);                    // out = −A v
            out.axpy(sigma, v);              // out = σ v − A v
        }
    }

    /** diag(d) as an operator: the test matrix with a chosen spectrum. */
    record Diagonal(Backend backend, float[] d) implements LinearOperator {
        @Override
        public ParamLayout layout() {
            return ParamLayout.vector(d.length);
        }

        @Override
        public void apply(ParamVector v, ParamVector out) {
            float[] x = v.toHost();
            for (int i = 0; i < x.length; i++) x[i] *= d[i];
            out.copyFrom(ParamVector.fromHost(backend, layout(), x));
        }
    }

    /** λmin(A) = σ − λmax(σI − A), for any σ ≥ λmax(A), here found by power iteration first. */
    static double smallestEigenvalue(LinearOperator a, SplittableRandom rng) {
        double lambdaMax = PowerIteration.run(a, 1000, 1e-6, rng, null).lambda();   // largest in magnitude
        double sigma = Math.abs(lambdaMax);                                            // ≥ every eigenvalue
        return sigma - PowerIteration.run(new Shifted(a, sigma), 1000, 1e-6, rng, null).lambda();
    }

    public static void main(String[] args) {
        float[] spectrum = new float[10];
        for (int i = 0; i < spectrum.length; i++) spectrum[i] = i + 1 - 3;            // −2, −1, …, 7
        LinearOperator a = new Diagonal(CpuBackend.get(), spectrum);
        double lambdaMin = smallestEigenvalue(a, new SplittableRandom(0));
        System.out.printf(Locale.ROOT, "lambda_min        %.5f   (chosen: -2)%n", lambdaMin);
    }
}
