package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import basin.engine.oracle.MlpOracle;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.SplittableRandom;

/** A seeded random MLP, data batch and its float64 oracle, built from the same float32 numbers. */
final class MlpProblem {
    final long seed;
    final Sequential model;
    final ParamVector theta;
    final Batch batch;
    final MlpOracle oracle;
    final Objective objective;
    final Backend backend = CpuBackend.get();

    MlpProblem(long seed, int batchSize, int... widths) {
        this.seed = seed;
        SplittableRandom rng = new SplittableRandom(seed);
        int[] hidden = new int[widths.length - 1];
        System.arraycopy(widths, 1, hidden, 0, hidden.length);
        model = Mlp.of(Shape.of(widths[0]), hidden);
        theta = model.initialParameters(backend, rng.nextLong());
        float[] x = new float[batchSize * widths[0]];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();        // pixel-like inputs in [0, 1)
        int classes = widths[widths.length - 1];
        int[] labels = new int[batchSize];
        float[] oneHot = new float[batchSize * classes];
        for (int b = 0; b < batchSize; b++) {
            labels[b] = rng.nextInt(classes);
            oneHot[b * classes + labels[b]] = 1f;
        }
        batch = new Batch(Tensor.fromHost(backend, Shape.of(batchSize, widths[0]), x),
                Tensor.fromHost(backend, Shape.of(batchSize, classes), oneHot));
        oracle = new MlpOracle(widths, x, labels);
        objective = new Objective(model, Mode.EVAL);
    }

    double[] thetaDouble() {
        return Compare.toDouble(theta.toHost());
    }

    double[] gradient() {
        ParamVector g = theta.zerosLike();
        objective.gradient(theta, batch, g);
        return Compare.toDouble(g.toHost());
    }

    double[] hvp(double[] v) {
        float[] vf = new float[v.length];
        for (int i = 0; i < v.length; i++) vf[i] = (float) v[i];
        ParamVector hv = theta.zerosLike();
        objective.hvp(theta, ParamVector.fromHost(backend, theta.layout(), vf), batch, hv, null);
        return Compare.toDouble(hv.toHost());
    }

    /** A random direction with float32-exact entries, so Basin and the oracle see the same v. */
    double[] direction(SplittableRandom rng) {
        double[] v = new double[theta.dim()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }
}
