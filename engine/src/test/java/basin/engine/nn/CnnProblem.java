package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import basin.engine.oracle.NetOracle;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random network built twice from one description, as a Basin {@link Sequential} and as a
 * float64 {@link NetOracle}, with a random batch and parameters that both see as the same float32
 * numbers. θ is PyTorch's initialisation plus N(0, 0.1²) noise, so that BatchNorm's γ and β are
 * not exactly 1 and 0.
 */
final class CnnProblem {
    /** One layer in both worlds. */
    record Piece(Layer basin, NetOracle.Node oracle) {
    }

    final long seed;
    final Sequential model;
    final ParamVector theta;
    final Batch batch;
    final NetOracle oracle;
    final Backend backend = CpuBackend.get();

    CnnProblem(long seed, int batchSize, int[] input, List<Piece> pieces) {
        this(seed, batchSize, new Sequential(Shape.of(input), pieces.stream().map(Piece::basin).toList()),
                pieces.stream().map(Piece::oracle).toList(), 0.1);
    }

    /** A given model and its oracle twin; θ is the initialisation plus N(0, noise²). */
    CnnProblem(long seed, int batchSize, Sequential model, List<NetOracle.Node> nodes, double noise) {
        this.seed = seed;
        SplittableRandom rng = new SplittableRandom(seed);
        this.model = model;
        int[] input = model.inputShape().dims();
        float[] t = model.initialParameters(backend, rng.nextLong()).toHost();
        for (int i = 0; i < t.length; i++) t[i] += (float) (noise * rng.nextGaussian());
        theta = ParamVector.fromHost(backend, model.layout(), t);
        int perExample = Shape.of(input).size();
        float[] x = new float[batchSize * perExample];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        int classes = model.outputShape().size();
        int[] labels = new int[batchSize];
        float[] oneHot = new float[batchSize * classes];
        for (int b = 0; b < batchSize; b++) {
            labels[b] = rng.nextInt(classes);
            oneHot[b * classes + labels[b]] = 1f;
        }
        int[] dims = new int[input.length + 1];
        dims[0] = batchSize;
        System.arraycopy(input, 0, dims, 1, input.length);
        batch = new Batch(Tensor.fromHost(backend, Shape.of(dims), x), Tensor.fromHost(backend, Shape.of(batchSize, classes), oneHot));
        oracle = new NetOracle(nodes, x, dims, labels);
        if (oracle.parameterCount() != theta.dim()) {
            throw new IllegalStateException("oracle has " + oracle.parameterCount() + " parameters, Basin " + theta.dim());
        }
    }

    double[] thetaDouble() {
        return Compare.toDouble(theta.toHost());
    }

    double loss(Mode mode) {
        return new Objective(model, mode).loss(theta, batch);
    }

    double[] gradient(Mode mode) {
        ParamVector g = theta.zerosLike();
        new Objective(model, mode).gradient(theta, batch, g);
        return Compare.toDouble(g.toHost());
    }

    double[] hvp(double[] v, Mode mode) {
        float[] vf = new float[v.length];
        for (int i = 0; i < v.length; i++) vf[i] = (float) v[i];
        ParamVector hv = theta.zerosLike();
        new Objective(model, mode).hvp(theta, ParamVector.fromHost(backend, theta.layout(), vf), batch, hv, null);
        return Compare.toDouble(hv.toHost());
    }

    /** Basin's gradient against the oracle's central differences (h = 1e-6), normwise and in the worst element. */
    void assertGradientMatchesOracle(Mode mode, double tolerance) {
        double[] basin = gradient(mode), oracle = this.oracle.gradient(thetaDouble(), 1e-6);
        double rel = Compare.relativeError(basin, oracle), max = Compare.maxError(basin, oracle);
        if (!(rel < tolerance && max < tolerance)) {
            throw new AssertionError("seed " + seed + ": " + model + " in " + mode + ": gradient normwise " + rel + ", worst element " + max);
        }
    }

    /** Basin's Hv against the oracle's mixed second differences (h = 1e-4), for a direction drawn from seed + 1. */
    void assertHvpMatchesOracle(Mode mode, double tolerance) {
        double[] v = direction(new SplittableRandom(seed + 1));
        double rel = Compare.relativeError(hvp(v, mode), oracle.hvp(thetaDouble(), v, 1e-4));
        if (!(rel < tolerance)) throw new AssertionError("seed " + seed + ": " + model + " in " + mode + ": Hv relative error " + rel);
    }

    /** A random direction with float32-exact entries, so Basin and the oracle see the same v. */
    double[] direction(SplittableRandom rng) {
        double[] v = new double[theta.dim()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }
}
