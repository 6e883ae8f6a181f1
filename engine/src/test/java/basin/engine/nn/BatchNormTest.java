package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.CnnProblem.Piece;
import basin.engine.oracle.Compare;
import basin.engine.oracle.OracleLayers;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNorm1d and BatchNorm2d against the float64 oracle in both modes, and the running averages
 * against PyTorch's formula. Tolerances as in {@link ConvOracleTest} (float32 rounding over dot
 * products of a few hundred terms: 1e-4 for gradients, 2e-4 for HVPs); BatchNorm divides by
 * √(σ² + ε), which amplifies rounding where a channel's variance is small, so the inputs are
 * N(0, 1) and batches hold at least 3 examples.
 */
class BatchNormTest {
    private static final double GRADIENT_TOLERANCE = 1e-4, HVP_TOLERANCE = 2e-4;
    private final Backend cpu = CpuBackend.get();

    /** The running statistics the oracle's eval-mode BatchNorm reads, filled from Basin's layers. */
    private record Stats(double[] mean, double[] var, BatchNorm layer) {
        void copyFromLayer() {
            for (int c = 0; c < mean.length; c++) {
                mean[c] = layer.runningMean()[c];
                var[c] = layer.runningVar()[c];
            }
        }
    }

    /**
     * conv(no bias) → BN2d → ReLU → conv(stride 2, padding 1) → BN2d → flatten → linear → BN1d →
     * ReLU → linear, random odd sizes; the oracle's BatchNorms use batch statistics when
     * {@code train}, else the running statistics in {@code stats}.
     */
    private static CnnProblem bnNet(long seed, boolean train, double momentum, List<Stats> stats) {
        SplittableRandom rng = new SplittableRandom(seed);
        int c0 = 1 + rng.nextInt(2), c1 = 2 + rng.nextInt(3), c2 = 2 + rng.nextInt(2), hidden = 5 + rng.nextInt(3);
        int h = 5 + 2 * rng.nextInt(2), w = 5 + rng.nextInt(3);
        int oh = (h + 2 - 3) / 2 + 1, ow = (w + 2 - 3) / 2 + 1;
        List<Piece> net = new ArrayList<>();
        net.add(ConvOracleTest.conv(c0, c1, 3, 1, 1, false));
        net.add(bn(c1, true, train, momentum, stats));
        net.add(ConvOracleTest.relu());
        net.add(ConvOracleTest.conv(c1, c2, 3, 2, 1, true));
        net.add(bn(c2, true, train, momentum, stats));
        net.add(ConvOracleTest.flatten());
        net.add(ConvOracleTest.linear(c2 * oh * ow, hidden));
        net.add(bn(hidden, false, train, momentum, stats));
        net.add(ConvOracleTest.relu());
        net.add(ConvOracleTest.linear(hidden, 3 + rng.nextInt(2)));
        return new CnnProblem(rng.nextLong(), 3 + rng.nextInt(3), new int[] {c0, h, w}, net);
    }

    private static Piece bn(int channels, boolean spatial, boolean train, double momentum, List<Stats> stats) {
        BatchNorm layer = new BatchNorm(channels, spatial, 1e-5, momentum);
        double[] mean = new double[channels], var = new double[channels];
        stats.add(new Stats(mean, var, layer));
        return new Piece(layer, OracleLayers.batchNorm(channels, 1e-5, train, mean, var));
    }

    @Test
    void trainModeGradientIncludesTheBatchStatisticsAndMatchesOracle() {
        bnNet(Compare.seed(), true, 0.1, new ArrayList<>()).assertGradientMatchesOracle(Mode.TRAIN, GRADIENT_TOLERANCE);
    }

    @Test
    void trainModeHvpIncludesTheBatchStatisticsAndMatchesOracle() {
        bnNet(Compare.seed(), true, 0.1, new ArrayList<>()).assertHvpMatchesOracle(Mode.BATCH_STATISTICS, HVP_TOLERANCE);
    }

    /**
     * With the running statistics set to this batch's own (biased) statistics, the eval-mode and
     * train-mode losses are the same number at θ, yet their Hessians are not: train mode also
     * differentiates μ(θ) and σ²(θ). Each HVP matches its own oracle, and they differ by far more
     * than the tolerance.
     */
    @Test
    void trainModeHvpDiffersFromEvalModeHvpEvenWhereTheLossesAgree() {
        long seed = Compare.seed();
        List<Stats> trainStats = new ArrayList<>(), evalStats = new ArrayList<>();
        CnnProblem train = bnNet(seed, true, 1.0, trainStats);
        CnnProblem eval = bnNet(seed, false, 1.0, evalStats);
        eval.loss(Mode.TRAIN);                                   // momentum 1: running = this batch's statistics
        int examples = eval.batch.size();
        for (Stats s : evalStats) {
            int m = examples * perChannel(eval, s.layer());
            for (int c = 0; c < s.layer().channels(); c++) s.layer().runningVar()[c] *= (float) ((m - 1.0) / m);   // unbiased → biased
            s.copyFromLayer();
        }
        double lossTrain = train.loss(Mode.BATCH_STATISTICS), lossEval = eval.loss(Mode.EVAL);
        assertEquals(lossTrain, lossEval, 1e-5 * Math.abs(lossTrain), "seed " + seed + ": losses at θ");

        double[] v = train.direction(new SplittableRandom(seed + 1));
        double[] hvTrain = train.hvp(v, Mode.BATCH_STATISTICS), hvEval = eval.hvp(v, Mode.EVAL);
        double[] theta = train.thetaDouble();
        double relTrain = Compare.relativeError(hvTrain, train.oracle.hvp(theta, v, 1e-4));
        double relEval = Compare.relativeError(hvEval, eval.oracle.hvp(theta, v, 1e-4));
        double apart = Compare.relativeError(hvEval, hvTrain);
        assertTrue(relTrain < HVP_TOLERANCE, "seed " + seed + ": train-mode Hv vs its oracle " + relTrain);
        assertTrue(relEval < HVP_TOLERANCE, "seed " + seed + ": eval-mode Hv vs its oracle " + relEval);
        assertTrue(apart > 100 * HVP_TOLERANCE, "seed " + seed + ": train- and eval-mode Hv differ by only " + apart);
    }

    /** Values per channel per example: H·W after this BatchNorm2d, 1 for BatchNorm1d. */
    private static int perChannel(CnnProblem p, BatchNorm layer) {
        int i = p.model.layers().indexOf(layer);
        Shape in = i == 0 ? p.model.inputShape() : shapeBefore(p.model, i);
        return in.size() / layer.channels();
    }

    private static Shape shapeBefore(Sequential model, int index) {
        Shape s = model.inputShape();
        for (int i = 0; i < index; i++) s = model.layers().get(i).outputShape(s);
        return s;
    }

    /**
     * x = [[1, 2], [3, 6]] through BatchNorm1d(2): batch means (2, 4), biased variances (1, 4),
     * unbiased (2, 8). PyTorch's update with momentum 0.1 from (0, 1): running_mean = 0.1·(2, 4) =
     * (0.2, 0.4), running_var = 0.9·1 + 0.1·(2, 8) = (1.1, 1.7); a second step: (0.38, 0.76) and
     * (1.19, 2.33). The output is (x − μ)/√(σ² + ε).
     */
    @Test
    void runningStatisticsFollowPyTorchsMomentumConvention() {
        BatchNorm bn = BatchNorm.of(2, false);
        Sequential model = new Sequential(Shape.of(2), List.of(bn));
        ParamVector theta = model.initialParameters(cpu, 0);
        Tensor x = Tensor.fromHost(cpu, Shape.of(2, 2), new float[] {1, 2, 3, 6});
        float[] y = forward(model, theta, x, Mode.TRAIN);
        double s0 = Math.sqrt(1 + 1e-5), s1 = Math.sqrt(4 + 1e-5);
        assertArrayEquals(new float[] {(float) (-1 / s0), (float) (-2 / s1), (float) (1 / s0), (float) (2 / s1)}, y, 1e-6f);
        assertArrayEquals(new float[] {0.2f, 0.4f}, bn.runningMean(), 1e-7f);
        assertArrayEquals(new float[] {1.1f, 1.7f}, bn.runningVar(), 1e-6f);
        assertEquals(1, bn.batchesTracked());
        forward(model, theta, x, Mode.TRAIN);
        assertArrayEquals(new float[] {0.38f, 0.76f}, bn.runningMean(), 1e-6f);
        assertArrayEquals(new float[] {1.19f, 2.33f}, bn.runningVar(), 1e-6f);
        assertEquals(2, bn.batchesTracked());

        // Eval mode reads the running statistics and leaves them alone; so does BATCH_STATISTICS.
        float[] e = forward(model, theta, x, Mode.EVAL);
        assertEquals((float) ((1 - 0.38) / Math.sqrt(1.19 + 1e-5)), e[0], 1e-6f);
        forward(model, theta, x, Mode.BATCH_STATISTICS);
        assertArrayEquals(new float[] {0.38f, 0.76f}, bn.runningMean(), 1e-6f);
        assertEquals(2, bn.batchesTracked());
    }

    /** momentum null is PyTorch's cumulative moving average: factor 1/num_batches_tracked. */
    @Test
    void nullMomentumKeepsACumulativeAverage() {
        BatchNorm bn = new BatchNorm(2, false, 1e-5, null);
        Sequential model = new Sequential(Shape.of(2), List.of(bn));
        ParamVector theta = model.initialParameters(cpu, 0);
        forward(model, theta, Tensor.fromHost(cpu, Shape.of(2, 2), new float[] {1, 2, 3, 6}), Mode.TRAIN);
        forward(model, theta, Tensor.fromHost(cpu, Shape.of(2, 2), new float[] {5, 0, 7, 0}), Mode.TRAIN);
        assertArrayEquals(new float[] {4f, 2f}, bn.runningMean(), 1e-6f);           // ((2 + 6)/2, (4 + 0)/2)
        assertArrayEquals(new float[] {2f, 4f}, bn.runningVar(), 1e-6f);            // ((2 + 2)/2, (8 + 0)/2)
    }

    @Test
    void batchStatisticsOfASingleValuePerChannelAreRefused() {
        Sequential model = new Sequential(Shape.of(3), List.of(BatchNorm.of(3, false)));
        ParamVector theta = model.initialParameters(cpu, 0);
        Tensor x = Tensor.fromHost(cpu, Shape.of(1, 3), new float[] {1, 2, 3});
        RuntimeException e = assertThrows(RuntimeException.class, () -> forward(model, theta, x, Mode.TRAIN));
        assertTrue(e.getMessage().contains("batchnorm1d(3)") && e.getMessage().contains("[1, 3]"), e.getMessage());
        assertEquals(0, ((BatchNorm) model.layers().get(0)).batchesTracked());
    }

    private float[] forward(Sequential model, ParamVector theta, Tensor x, Mode mode) {
        try (Arena arena = cpu.openArena()) {
            return model.forward(x, model.tensors(theta), mode).toHost();
        }
    }
}
