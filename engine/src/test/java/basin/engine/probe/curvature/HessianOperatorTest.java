package basin.engine.probe.curvature;

import basin.autodiff.Shape;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dataset Hessian does not depend on how the examples are batched: Σ_b (|b|/N) H_b v with batches of
 * 23 (one batch), 5 (4 full + 1 of 3) and 4 (5 + 1 of 3) agree to float32 accuracy. Each batch's HVP
 * has relative error ~1e-6 and the weighted sum adds b·u, so 1e-5 normwise is the budget.
 */
class HessianOperatorTest {
    private final Backend cpu = CpuBackend.get();

    @Test
    void datasetHvpIsTheSameWhateverTheBatchingAndRepeatsExactly() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 23;
        float[] images = new float[n * 9];
        int[] labels = new int[n];
        for (int i = 0; i < images.length; i++) images[i] = (float) rng.nextDouble();
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(4);
        Dataset data = new Dataset("random", images, labels, 1, 3, 3, 4);
        Sequential model = Mlp.of(Shape.of(1, 3, 3), 6, 4);
        ParamVector theta = model.initialParameters(cpu, rng.nextLong());
        ParamVector v = ParamVector.gaussian(cpu, theta.layout(), rng);
        Objective loss = new Objective(model, Mode.EVAL);

        HessianOperator whole = HessianOperator.over(loss, theta, data, n);
        double[] reference = Compare.toDouble(whole.apply(v).toHost());
        for (int batch : new int[] {5, 4}) {
            HessianOperator h = HessianOperator.over(loss, theta, data, batch);
            assertEquals(n, h.examples());
            assertEquals((n + batch - 1) / batch, h.batchCount());
            float[] first = h.apply(v).toHost(), second = h.apply(v).toHost();
            assertArrayEquals(first, second, "batch " + batch + ": the same batches in the same order give the same bits");
            double err = Compare.relativeError(Compare.toDouble(first), reference);
            assertTrue(err < 1e-5, "seed " + seed + ": batches of " + batch + " vs one batch, relative error " + err);
            assertEquals(2, h.hvpCount(), "one HVP per apply, whatever the number of batches");
        }
        // A stale, non-finite out is overwritten, not accumulated into.
        ParamVector out = theta.zerosLike();
        float[] nan = new float[theta.dim()];
        Arrays.fill(nan, Float.NaN);
        cpu.copyIn(nan, 0, out.buffer());
        HessianOperator.over(loss, theta, data, 5).apply(v, out);
        assertTrue(Compare.relativeError(Compare.toDouble(out.toHost()), reference) < 1e-5, "seed " + seed);
    }

    @Test
    void rejectsParametersThatDoNotFitTheModel() {
        Sequential model = Mlp.of(Shape.of(4), 3, 2);
        ParamVector wrong = Mlp.of(Shape.of(5), 3, 2).initialParameters(cpu, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HessianOperator(new Objective(model, Mode.EVAL), wrong, java.util.List.of()));
        assertTrue(e.getMessage().startsWith("hessian: θ has 26 entries, the model has 23 parameters"), e.getMessage());
    }
}
