package basin.engine.probe.curvature;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.BatchNorm;
import basin.engine.nn.Conv2d;
import basin.engine.nn.Dense;
import basin.engine.nn.Flatten;
import basin.engine.nn.Layer;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Relu;
import basin.engine.nn.Sequential;
import basin.engine.oracle.NetOracle;
import basin.engine.oracle.OracleLayers;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny seeded network built twice, as a Basin {@link Sequential} in eval mode over three unequal
 * batches and as a float64 {@link NetOracle} over all the examples at once (eval mode makes each
 * example's logits depend on its own input only, so the two see the same function), with the
 * float64 references for the logit-space curvature matrices: J by the oracle's central differences
 * of the logits, p by the oracle's softmax, H_ℓ = diag p − ppᵀ in closed form.
 */
final class LogitProblem {
    static final int[] BATCHES = {5, 4, 3};
    static final int EXAMPLES = 12;

    final Backend backend = CpuBackend.get();
    final Sequential model;
    final ParamVector theta;
    final List<Batch> batches = new ArrayList<>();
    final Objective objective;
    final int classes;
    final int[] labels = new int[EXAMPLES];
    final double[][] jacobian;                    // [N·C][p], the oracle's
    final double[][] probabilities;               // [N][C], the oracle's

    /** 4 → linear 5 → ReLU → linear 3: 43 parameters. */
    static LogitProblem mlp(long seed) {
        return new LogitProblem(seed, new int[] {4},
                List.of(new Dense(4, 5), new Relu(), new Dense(5, 3)),
                List.of(OracleLayers.linear(4, 5), OracleLayers.relu(), OracleLayers.linear(5, 3)));
    }

    /** A single linear layer, logits linear in θ: 4 → 3, 15 parameters. */
    static LogitProblem linear(long seed) {
        return new LogitProblem(seed, new int[] {4}, List.of(new Dense(4, 3)), List.of(OracleLayers.linear(4, 3)));
    }

    /**
     * conv 1→2 (3×3, padding 1, no bias) → BatchNorm2d → ReLU → flatten → linear 32 → 3 on 1×4×4
     * images, BatchNorm in eval mode on random running statistics: 121 parameters.
     */
    static LogitProblem batchNormCnn(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        BatchNorm bn = new BatchNorm(2, true, 1e-5, 0.1);
        double[] mean = new double[2], var = new double[2];
        for (int c = 0; c < 2; c++) {
            bn.runningMean()[c] = (float) (0.3 * rng.nextGaussian());
            bn.runningVar()[c] = (float) (0.5 + rng.nextDouble());
            mean[c] = bn.runningMean()[c];
            var[c] = bn.runningVar()[c];
        }
        return new LogitProblem(seed, new int[] {1, 4, 4},
                List.of(new Conv2d(1, 2, 3, 1, 1, false), bn, new Relu(), new Flatten(), new Dense(32, 3)),
                List.of(OracleLayers.conv(1, 2, 3, 1, 1, false), OracleLayers.batchNorm(2, 1e-5, false, mean, var),
                        OracleLayers.relu(), OracleLayers.flatten(), OracleLayers.linear(32, 3)));
    }

    private LogitProblem(long seed, int[] input, List<Layer> layers, List<NetOracle.Node> nodes) {
        SplittableRandom rng = new SplittableRandom(seed);
        model = new Sequential(Shape.of(input), layers);
        objective = new Objective(model, Mode.EVAL);
        classes = model.outputShape().size();
        float[] t = model.initialParameters(backend, rng.nextLong()).toHost();
        for (int i = 0; i < t.length; i++) t[i] += (float) (0.1 * rng.nextGaussian());   // γ, β away from 1, 0
        theta = ParamVector.fromHost(backend, model.layout(), t);
        int perExample = Shape.of(input).size();
        float[] x = new float[EXAMPLES * perExample];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int n = 0; n < EXAMPLES; n++) labels[n] = rng.nextInt(classes);
        int first = 0;
        for (int size : BATCHES) {
            float[] xb = new float[size * perExample], yb = new float[size * classes];
            System.arraycopy(x, first * perExample, xb, 0, xb.length);
            for (int i = 0; i < size; i++) yb[i * classes + labels[first + i]] = 1f;
            int[] dims = new int[input.length + 1];
            dims[0] = size;
            System.arraycopy(input, 0, dims, 1, input.length);
            batches.add(new Batch(Tensor.fromHost(backend, Shape.of(dims), xb), Tensor.fromHost(backend, Shape.of(size, classes), yb)));
            first += size;
        }
        int[] dims = new int[input.length + 1];
        dims[0] = EXAMPLES;
        System.arraycopy(input, 0, dims, 1, input.length);
        NetOracle oracle = new NetOracle(nodes, x, dims, labels);
        if (oracle.parameterCount() != theta.dim()) throw new IllegalStateException("oracle has " + oracle.parameterCount() + " parameters, Basin " + theta.dim());
        double[] thetaDouble = new double[t.length];
        for (int i = 0; i < t.length; i++) thetaDouble[i] = t[i];
        double[] z = oracle.logits(thetaDouble).v();
        probabilities = new double[EXAMPLES][classes];
        for (int n = 0; n < EXAMPLES; n++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.max(max, z[n * classes + c]);
            for (int c = 0; c < classes; c++) sum += probabilities[n][c] = Math.exp(z[n * classes + c] - max);
            for (int c = 0; c < classes; c++) probabilities[n][c] /= sum;
        }
        jacobian = oracle.jacobian(thetaDouble, 1e-6);
    }

    int dim() {
        return theta.dim();
    }

    /** The matrix of a linear operator, column i = A e_i (one product each), as float64. */
    static double[][] dense(LinearOperator a) {
        int p = a.dim();
        double[][] m = new double[p][p];
        for (int i = 0; i < p; i++) {
            float[] e = new float[p];
            e[i] = 1;
            float[] column = a.apply(ParamVector.fromHost(a.backend(), a.layout(), e)).toHost();
            for (int r = 0; r < p; r++) m[r][i] = column[r];
        }
        return m;
    }

    /** g_n(y) = J_nᵀ (p_n − e_y), the oracle's gradient of −log p_n(y) in θ. */
    double[] gradient(int n, int y) {
        double[] g = new double[dim()];
        for (int c = 0; c < classes; c++) {
            double r = probabilities[n][c] - (c == y ? 1 : 0);
            for (int i = 0; i < g.length; i++) g[i] += jacobian[n * classes + c][i] * r;
        }
        return g;
    }

    /** G = (1/N) Σ_n J_nᵀ (diag p_n − p_n p_nᵀ) J_n, from the oracle's J and p. */
    double[][] gaussNewton() {
        int p = dim();
        double[][] g = new double[p][p];
        for (int n = 0; n < EXAMPLES; n++) {
            double[] pn = probabilities[n];
            for (int a = 0; a < classes; a++) {
                for (int b = 0; b < classes; b++) {
                    double h = ((a == b ? pn[a] : 0) - pn[a] * pn[b]) / EXAMPLES;
                    if (h == 0) continue;
                    double[] ja = jacobian[n * classes + a], jb = jacobian[n * classes + b];
                    for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) g[i][j] += ja[i] * h * jb[j];
                }
            }
        }
        return g;
    }

    /** (1/N) Σ_n w_n g g ᵀ summed into m, for g = g_n(y). */
    void addOuter(double[][] m, double w, double[] g) {
        for (int i = 0; i < g.length; i++) for (int j = 0; j < g.length; j++) m[i][j] += w * g[i] * g[j];
    }

    /** EF = (1/N) Σ_n g_n(y_n) g_n(y_n)ᵀ, the oracle's per-example gradients at the true labels. */
    double[][] empiricalFisher() {
        double[][] m = new double[dim()][dim()];
        for (int n = 0; n < EXAMPLES; n++) addOuter(m, 1.0 / EXAMPLES, gradient(n, labels[n]));
        return m;
    }

    /** F̂ = (1/N) Σ_n (1/M) Σ_m g_n(ỹ_nm) g_n(ỹ_nm)ᵀ for the given sampled labels [N][M]. */
    double[][] monteCarloFisher(int[][] sampled) {
        double[][] m = new double[dim()][dim()];
        for (int n = 0; n < EXAMPLES; n++) {
            for (int y : sampled[n]) addOuter(m, 1.0 / EXAMPLES / sampled[n].length, gradient(n, y));
        }
        return m;
    }

    /**
     * E‖F̂₁ − F‖²_F for one sampled label per example: the terms of different examples are
     * independent with mean zero, so it is (1/N²) Σ_n Σ_c p_nc ‖g_nc g_ncᵀ − F_n‖²_F with
     * F_n = Σ_c p_nc g_nc g_ncᵀ; with M labels it is this over M.
     */
    double monteCarloVariance() {
        int p = dim();
        double total = 0;
        for (int n = 0; n < EXAMPLES; n++) {
            double[][] g = new double[classes][];
            for (int c = 0; c < classes; c++) g[c] = gradient(n, c);
            double[][] fn = new double[p][p];
            for (int c = 0; c < classes; c++) addOuter(fn, probabilities[n][c], g[c]);
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) {
                    double d = g[c][i] * g[c][j] - fn[i][j];
                    s += d * d;
                }
                total += probabilities[n][c] * s;
            }
        }
        return total / ((double) EXAMPLES * EXAMPLES);
    }

    /** The eigenvalues of (a + aᵀ)/2, descending, by EJML's dense symmetric solver. */
    static double[] eigenvalues(double[][] a) {
        int p = a.length;
        org.ejml.data.DMatrixRMaj m = new org.ejml.data.DMatrixRMaj(p, p);
        for (int r = 0; r < p; r++) for (int c = 0; c < p; c++) m.set(r, c, 0.5 * (a[r][c] + a[c][r]));
        var eig = org.ejml.dense.row.factory.DecompositionFactory_DDRM.eig(p, false, true);
        if (!eig.decompose(m)) throw new ArithmeticException("EJML's symmetric eigen-decomposition failed on a " + p + " × " + p + " matrix");
        double[] values = new double[p];
        for (int i = 0; i < p; i++) values[i] = -eig.getEigenvalue(i).getReal();
        java.util.Arrays.sort(values);
        for (int i = 0; i < p; i++) values[i] = -values[i];
        return values;
    }

    /** ‖a − b‖_F / ‖b‖_F. */
    static double relativeError(double[][] a, double[][] b) {
        return frobenius(a, b) / frobenius(b, new double[b.length][b.length]);
    }

    /** ‖a − b‖_F. */
    static double frobenius(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a.length; j++) s += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
        return Math.sqrt(s);
    }
}
