package basin.engine.probe.curvature;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded 6-5-4 MLP (59 parameters) on random pixel-like data in three unequal batches, its dataset
 * Hessian as an operator, and that Hessian in full: column i is H e_i (one HVP each), symmetrised,
 * decomposed by EJML's dense symmetric eigen-solver. The reference for the probes on a real network.
 */
final class TinyMlp {
    final Backend backend = CpuBackend.get();
    final Sequential model = Mlp.of(Shape.of(6), 5, 4);
    final ParamVector theta;
    final List<Batch> batches = new ArrayList<>();
    final HessianOperator hessian;
    final double[][] fullHessian;
    final double[] eigenvalues;                  // descending

    TinyMlp(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        theta = model.initialParameters(backend, rng.nextLong());
        for (int size : new int[] {7, 5, 4}) batches.add(randomBatch(rng, size, 6, 4));
        hessian = new HessianOperator(new Objective(model, Mode.EVAL), theta, batches);
        int p = theta.dim();
        fullHessian = new double[p][p];
        for (int i = 0; i < p; i++) {
            float[] e = new float[p];
            e[i] = 1;
            float[] column = hessian.apply(ParamVector.fromHost(backend, theta.layout(), e)).toHost();
            for (int r = 0; r < p; r++) fullHessian[r][i] = column[r];
        }
        DMatrixRMaj h = new DMatrixRMaj(p, p);
        for (int r = 0; r < p; r++) for (int c = 0; c < p; c++) h.set(r, c, 0.5 * (fullHessian[r][c] + fullHessian[c][r]));
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, false, true);
        if (!eig.decompose(h)) throw new ArithmeticException("EJML's symmetric eigen-decomposition failed on the " + p + " × " + p + " Hessian");
        eigenvalues = new double[p];
        for (int i = 0; i < p; i++) eigenvalues[i] = eig.getEigenvalue(i).getReal();
        Arrays.sort(eigenvalues);
        for (int i = 0; i < p / 2; i++) {
            double t = eigenvalues[i];
            eigenvalues[i] = eigenvalues[p - 1 - i];
            eigenvalues[p - 1 - i] = t;
        }
    }

    int dim() {
        return theta.dim();
    }

    double trace() {
        double s = 0;
        for (int i = 0; i < dim(); i++) s += fullHessian[i][i];
        return s;
    }

    /** tr(H²) = ‖H‖_F² = Σ λ². */
    double traceOfSquare() {
        double s = 0;
        for (double l : eigenvalues) s += l * l;
        return s;
    }

    private Batch randomBatch(SplittableRandom rng, int n, int features, int classes) {
        float[] x = new float[n * features];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        float[] oneHot = new float[n * classes];
        for (int b = 0; b < n; b++) oneHot[b * classes + rng.nextInt(classes)] = 1f;
        return new Batch(Tensor.fromHost(backend, Shape.of(n, features), x), Tensor.fromHost(backend, Shape.of(n, classes), oneHot));
    }
}
