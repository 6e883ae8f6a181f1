package basin.engine.probe.curvature;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.engine.oracle.MlpOracle;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dense Hessian of {@code probe hessian --dense}, against a float64 oracle and matrices whose spectrum is chosen. */
class DenseHessianTest {
    private final Backend cpu = CpuBackend.get();

    @Test
    void fromProductsHasTheChosenEigenvaluesAndIsSymmetricToRounding() {
        long seed = Compare.seed();
        double[] lambda = {5, 2, 1, 0.5, 0, -0.25, -3};
        ChosenSpectrum h = new ChosenSpectrum(lambda, new SplittableRandom(seed));
        DenseHessian.Result r = DenseHessian.fromProducts(h);
        double[] expected = h.descending();
        for (int i = 0; i < lambda.length; i++) assertEquals(expected[i], r.eigenvalues()[i], 1e-5, "eigenvalue " + i + ", seed " + seed);
        assertEquals(h.traceOfPower(1), r.trace(), 1e-5, "trace, seed " + seed);
        assertTrue(r.asymmetry() < 1e-6, "a symmetric operator's matrix: asymmetry " + r.asymmetry() + ", seed " + seed);
        assertEquals(lambda.length, h.applications, "one product per column");
    }

    @Test
    void asymmetryMeasuresAMatrixThatIsNotSymmetric() {
        double[][] a = {{1, 2}, {0, 1}};                                   // ‖A − Aᵀ‖_F = √8, ‖A‖_F = √6
        assertEquals(Math.sqrt(8.0 / 6.0), DenseHessian.asymmetry(a), 1e-12);
    }

    /**
     * A 3-4-3 MLP on 9 random points: its Hessian from products and from central differences of Basin's
     * gradients, each against the oracle's four-point second differences of a float64 loss written with
     * plain loops. The stencil h = 1e-4 stays clear of every ReLU kink (checked); float32 products agree
     * to ~1e-6 of max |H_ij|, float32 gradient differences to ~1e-4.
     */
    @Test
    void productsAndGradientDifferencesBothMatchTheFloat64Oracle() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int[] widths = {3, 4, 3};
        Sequential model = Mlp.of(Shape.of(3), 4, 3);
        int n = 9;
        float[] x = new float[n * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        int[] labels = new int[n];
        float[] oneHot = new float[n * 3];
        for (int b = 0; b < n; b++) {
            labels[b] = rng.nextInt(3);
            oneHot[b * 3 + labels[b]] = 1;
        }
        Batch batch = new Batch(Tensor.fromHost(cpu, Shape.of(n, 3), x), Tensor.fromHost(cpu, Shape.of(n, 3), oneHot));
        Objective objective = new Objective(model, Mode.EVAL);
        MlpOracle oracle = new MlpOracle(widths, x, labels);
        // Differences see a ReLU kink as a jump, not a curvature: draw θ until every pre-activation is clear of
        // zero by more than a coordinate step of 1e-3 can move it (at most 1e-3·(|x| + 1) ≤ 2e-3).
        ParamVector theta;
        double[] t;
        do {
            theta = model.initialParameters(cpu, rng.nextLong());
            t = Compare.toDouble(theta.toHost());
        } while (oracle.smallestHiddenPreactivation(t) < 1e-2);
        double h = 1e-4;

        DenseHessian.Result products = DenseHessian.fromProducts(new HessianOperator(objective, theta, List.of(batch)));
        double[][] differences = DenseHessian.fromGradientDifferences(objective, theta, List.of(batch), 1e-3);
        int p = t.length;
        double[][] reference = new double[p][p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) reference[i][j] = oracle.hessianEntry(t, i, j, h);
        double scale = DenseHessian.maxEntry(reference);
        assertTrue(DenseHessian.maxDifference(products.matrix(), reference) < 2e-5 * scale,
                "products against the oracle: " + DenseHessian.maxDifference(products.matrix(), reference) + " of " + scale + ", seed " + seed);
        assertTrue(DenseHessian.maxDifference(differences, reference) < 2e-3 * scale,
                "gradient differences against the oracle: " + DenseHessian.maxDifference(differences, reference) + " of " + scale + ", seed " + seed);
        double[] gradient = new double[p];
        double loss = DenseHessian.lossAndGradient(objective, theta, List.of(batch), gradient);
        assertEquals(oracle.loss(t), loss, 1e-6, "loss, seed " + seed);
        assertTrue(Compare.maxError(oracle.gradient(t), gradient) < 1e-6, "gradient, seed " + seed);
    }

    @Test
    void aModelTooLargeIsRefusedBeforeAnyProduct() {
        int[] products = {0};
        LinearOperator big = new LinearOperator() {                       // the identity, counting its products
            @Override
            public ParamLayout layout() {
                return ParamLayout.vector(DenseHessian.MAX_PARAMETERS + 1);
            }

            @Override
            public Backend backend() {
                return cpu;
            }

            @Override
            public void apply(ParamVector v, ParamVector out) {
                products[0]++;
                out.copyFrom(v);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DenseHessian.fromProducts(big));
        assertTrue(e.getMessage().contains("use Lanczos"), e.getMessage());
        assertEquals(0, products[0]);
    }

    @Test
    void coordinatesAreNamedByTensorAndIndex() {
        ParamLayout layout = ParamLayout.of(List.of("1.weight", "1.bias"), List.of(Shape.of(2, 3), Shape.of(2)));
        List<String> names = DenseHessian.coordinateNames(layout);
        assertEquals(List.of("1.weight[0,0]", "1.weight[0,1]", "1.weight[0,2]", "1.weight[1,0]", "1.weight[1,1]", "1.weight[1,2]",
                "1.bias[0]", "1.bias[1]"), names);
    }
}
