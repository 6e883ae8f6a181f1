package basin.engine.probe.landscape;

import basin.autodiff.Shape;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.BasicBlock;
import basin.engine.nn.Batch;
import basin.engine.nn.BatchNorm;
import basin.engine.nn.Conv2d;
import basin.engine.nn.Dense;
import basin.engine.nn.Flatten;
import basin.engine.nn.GlobalAvgPool2d;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Relu;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.engine.train.DeviceBatches;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNorm's running statistics recomputed at θ (update_bn): against the batch statistics worked out
 * by hand in float64, along paths, and with points measured on one thread or two.
 */
class RunningStatisticsTest {

    /** Flatten, Linear(20 → 6), BatchNorm1d(6), ReLU, Linear(6 → 3) on 1×4×5 inputs; momentum 0.1 as PyTorch's default. */
    private static Sequential mlpWithBatchNorm() {
        return new Sequential(Shape.of(1, 4, 5), List.of(new Flatten(), new Dense(20, 6), BatchNorm.of(6, false), new Relu(), new Dense(6, 3)));
    }

    /** Conv2d(1 → 3, 3×3, padding 1), BatchNorm2d(3), ReLU, Flatten, Linear(60 → 3) on 1×4×5 inputs. */
    private static Sequential cnnWithBatchNorm() {
        return new Sequential(Shape.of(1, 4, 5), List.of(new Conv2d(1, 3, 3, 1, 1, true), BatchNorm.of(3, true), new Relu(),
                new Flatten(), new Dense(60, 3)));
    }

    private static List<Batch> batches(Dataset data, int batchSize) {
        return new DeviceBatches(CpuBackend.get(), data, batchSize).resident();
    }

    @Test
    void recomputedStatisticsOfBatchNorm1dAreTheBatchStatisticsByHand() {
        long seed = Compare.seed();
        // 37 examples in batches of 16: two full batches and one of 5, so the weighting by batch size shows.
        checkAgainstHand(mlpWithBatchNorm(), 2, 37, 16, seed);
        // 32 in 4 batches of 8: equal sizes, where the weighted mean is the cumulative average of momentum=None.
        checkAgainstHand(mlpWithBatchNorm(), 2, 32, 8, seed);
    }

    @Test
    void recomputedStatisticsOfBatchNorm2dAreTheBatchStatisticsByHand() {
        long seed = Compare.seed();
        checkAgainstHand(cnnWithBatchNorm(), 1, 37, 16, seed);
    }

    /**
     * update_bn at a random θ against float64 loops: the input of the BatchNorm layer at index
     * {@code bnIndex} (a Linear or a padded 3×3 convolution of the raw input), its per-channel
     * mean and biased variance per batch, running_mean = Σ_b |b| μ_b / N and running_var =
     * Σ_b |b| σ²_b M_b/(M_b − 1) / N.
     */
    private static void checkAgainstHand(Sequential model, int bnIndex, int n, int batchSize, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Dataset data = TinyProblems.randomData(n, 3, rng);
        ParamVector theta = model.initialParameters(CpuBackend.get(), rng.nextLong());
        BatchNorm bn = (BatchNorm) model.layers().get(bnIndex);
        List<Batch> staged = batches(data, batchSize);
        RunningStatistics.recompute(model, theta, staged);

        int channels = bn.channels();
        double[][] pre = preActivations(model, bnIndex, theta, data);          // [example][channel · positions]
        int positions = pre[0].length / channels;
        double[] mean = new double[channels], var = new double[channels];
        for (int from = 0; from < n; from += batchSize) {
            int size = Math.min(batchSize, n - from), m = size * positions;
            for (int c = 0; c < channels; c++) {
                double sum = 0, squares = 0;
                for (int i = from; i < from + size; i++) for (int s = 0; s < positions; s++) sum += pre[i][c * positions + s];
                double mu = sum / m;
                for (int i = from; i < from + size; i++) {
                    for (int s = 0; s < positions; s++) squares += (pre[i][c * positions + s] - mu) * (pre[i][c * positions + s] - mu);
                }
                mean[c] += (double) size / n * mu;
                var[c] += (double) size / n * squares / (m - 1);                // unbiased, as PyTorch's running_var
            }
        }
        for (int c = 0; c < channels; c++) {
            // float32 forward passes and one float32 rounding of the running value per batch: ~1e-6 relative.
            assertEquals(mean[c], bn.runningMean()[c], 1e-5 * (1 + Math.abs(mean[c])), "seed " + seed + ", running_mean[" + c + "]");
            assertEquals(var[c], bn.runningVar()[c], 1e-5 * var[c], "seed " + seed + ", running_var[" + c + "]");
        }
        assertEquals(staged.size(), bn.batchesTracked(), "seed " + seed + ": one tracked batch per training batch");
        assertEquals(0.1, bn.momentum(), "seed " + seed + ": the momentum is restored after update_bn");
    }

    /** The input of layer {@code bnIndex} for every example, by loops in float64. */
    private static double[][] preActivations(Sequential model, int bnIndex, ParamVector theta, Dataset data) {
        float[] p = theta.toHost();
        int weight = model.layout().entry((bnIndex - 1) + ".weight").offset(), bias = model.layout().entry((bnIndex - 1) + ".bias").offset();
        double[][] out = new double[data.count()][];
        float[] x = new float[20];
        for (int i = 0; i < data.count(); i++) {
            data.copyImage(i, x, 0);
            if (model.layers().get(bnIndex - 1) instanceof Dense) {                // y_o = Σ_k W[o, k] x_k + b_o
                out[i] = new double[6];
                for (int o = 0; o < 6; o++) {
                    double y = p[bias + o];
                    for (int k = 0; k < 20; k++) y += (double) p[weight + o * 20 + k] * x[k];
                    out[i][o] = y;
                }
            } else {                                                             // 3×3, padding 1, one input channel
                out[i] = new double[3 * 20];
                for (int o = 0; o < 3; o++) {
                    for (int r = 0; r < 4; r++) {
                        for (int c = 0; c < 5; c++) {
                            double y = p[bias + o];
                            for (int dr = -1; dr <= 1; dr++) {
                                for (int dc = -1; dc <= 1; dc++) {
                                    int rr = r + dr, cc = c + dc;
                                    if (rr >= 0 && rr < 4 && cc >= 0 && cc < 5) y += (double) p[weight + o * 9 + (dr + 1) * 3 + dc + 1] * x[rr * 5 + cc];
                                }
                            }
                            out[i][o * 20 + r * 5 + c] = y;
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void interpolatingABatchNormModelWithItselfIsFlatAtItsOwnLoss() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // 33 training examples in batches of 8: the 33rd would make a batch of one, which BatchNorm1d
        // cannot normalise, so the recomputation leaves it out and uses the same 32 as the reference.
        Dataset train = TinyProblems.randomData(33, 3, rng), test = TinyProblems.randomData(23, 3, rng);
        // The model's own statistics: one training epoch of train-mode passes with momentum=None, as a
        // PyTorch model built with BatchNorm1d(momentum=None) keeps them.
        Sequential model = new Sequential(Shape.of(1, 4, 5), List.of(new Flatten(), new Dense(20, 6), new BatchNorm(6, false, 1e-5, null), new Relu(), new Dense(6, 3)));
        ParamVector theta = model.initialParameters(CpuBackend.get(), rng.nextLong());
        Objective trainMode = new Objective(model, Mode.TRAIN);
        for (Batch b : batches(train.first(32), 8)) trainMode.loss(theta, b);
        DatasetLoss own = new DatasetLoss(model, test, 10, CpuBackend.get());
        double ownLoss = own.loss(theta);

        DatasetLoss f = own.recomputingStatistics(RunningStatisticsTest::mlpWithBatchNorm, train, 8);
        PathResult path = LinearPath.measure(f, theta, theta.copy(), 5, 2, GridLog.none());
        // The same passes over the same batches with the same factors 1/k (8/(8k) is 1/k in double): exact.
        for (int i = 0; i < path.ts().length; i++) assertEquals(ownLoss, path.losses()[i], 0, "seed " + seed + ", t = " + path.ts()[i]);
        assertEquals(0, path.barrier().barrier(), 0, "seed " + seed);
        assertEquals("BatchNorm running statistics recomputed at each point from 32 training examples in 4 batches"
                + " (random[0:32]; reset, train-mode passes, averaged over the batches weighted by size, as update_bn)", path.runningStatistics());
        // The recomputed statistics depend on θ and their recomputation is not differentiated: no gradient is offered.
        assertThrows(UnsupportedOperationException.class, () -> f.gradient(theta, theta.zerosLike()));
        // And the recomputation matters: with the initial statistics (mean 0, variance 1) the loss differs.
        DatasetLoss initial = new DatasetLoss(mlpWithBatchNorm(), test, 10, CpuBackend.get());
        assertNotEquals(ownLoss, initial.loss(theta), "seed " + seed);
    }

    @Test
    void pointsOnOneThreadOrTwoGiveTheSameNumbersOnABatchNormModel() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Dataset train = TinyProblems.randomData(40, 3, rng), test = TinyProblems.randomData(30, 3, rng);
        Sequential model = cnnWithBatchNorm();
        ParamVector a = model.initialParameters(CpuBackend.get(), rng.nextLong()), b = model.initialParameters(CpuBackend.get(), rng.nextLong());
        DatasetLoss f = new DatasetLoss(model, test, 16, CpuBackend.get()).recomputingStatistics(RunningStatisticsTest::cnnWithBatchNorm, train, 10);
        // Products this small stay below the GEMM's split threshold, so each point's arithmetic is the same on any thread: bit for bit.
        PathResult serial = LinearPath.measure(f, a, b, 7, 1, GridLog.none()), parallel = LinearPath.measure(f, a, b, 7, 2, GridLog.none());
        assertArrayEquals(serial.losses(), parallel.losses(), "seed " + seed);
        assertArrayEquals(serial.accuracies(), parallel.accuracies(), "seed " + seed);
        TwoModelPlane plane = TwoModelPlane.through(a, b, new SplittableRandom(seed));
        double[] grid = {-1, 0, 1};
        assertArrayEquals(plane.measure(f, grid, grid, 1, GridLog.none()).losses(), plane.measure(f, grid, grid, 2, GridLog.none()).losses(), "seed " + seed);
        // Each point's statistics are its own: the path's end is model B evaluated with statistics recomputed at θ_B.
        Sequential atB = cnnWithBatchNorm();
        RunningStatistics.recompute(atB, b, batches(train, 10));
        // θ_A + 1·(θ_B − θ_A) is θ_B to float32 rounding per weight, which moves the loss by less than 1e-5 relative.
        double lossB = new DatasetLoss(atB, test, 16, CpuBackend.get()).loss(b);
        assertEquals(lossB, serial.losses()[6], 1e-5 * lossB, "seed " + seed);
    }

    @Test
    void aPathWithTheLoadedModelsStatisticsIsRefusedNamingTheLayers() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential model = mlpWithBatchNorm();
        DatasetLoss f = new DatasetLoss(model, TinyProblems.randomData(10, 3, rng), 5, CpuBackend.get());
        assertTrue(f.runningStatistics().present() && !f.runningStatistics().recomputed());
        assertTrue(f.runningStatistics().describe().contains("kept"), f.runningStatistics().describe());
        ParamVector a = model.initialParameters(CpuBackend.get(), 1), b = model.initialParameters(CpuBackend.get(), 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinearPath.measure(f, a, b, 3, 1, GridLog.none()));
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BezierCurve.between(a, b).measure(f, 3, 1, GridLog.none()));
        assertThrows(IllegalArgumentException.class,
                () -> TwoModelPlane.through(a, b, rng).measure(f, new double[] {0}, new double[] {0}, 1, GridLog.none()));
        // A slice around one model keeps them: it measures.
        assertTrue(Double.isFinite(Slice.line(f, a, Directions.between(a, b), new double[] {0, 0.5}, 1, GridLog.none()).losses()[1]));
    }

    @Test
    void aModelWithoutBatchNormHasNoStatisticsToRecompute() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential model = TinyProblems.mlp();
        DatasetLoss f = new DatasetLoss(model, TinyProblems.randomData(10, 3, rng), 5, CpuBackend.get());
        assertFalse(f.runningStatistics().present());
        assertTrue(f.recomputingStatistics(TinyProblems::mlp, TinyProblems.randomData(10, 3, rng), 5) == f, "seed " + seed);
        ParamVector theta = model.initialParameters(CpuBackend.get(), rng.nextLong());
        PathResult path = LinearPath.measure(f, theta, theta, 3, 1, GridLog.none());
        assertTrue(path.runningStatistics().contains("no BatchNorm"), path.runningStatistics());
    }

    @Test
    void theBatchNormLayersInsideResidualBlocksAreRecomputedToo() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // A projecting block holds three BatchNorm2d layers: bn1, bn2, downsample.1.
        Sequential model = new Sequential(Shape.of(1, 4, 5), List.of(BasicBlock.of(1, 2, 2), new GlobalAvgPool2d(), new Flatten(), new Dense(2, 3)));
        List<BatchNorm> layers = RunningStatistics.batchNorms(model);
        assertEquals(3, layers.size());
        assertEquals(List.of("0.bn1", "0.bn2", "0.downsample.1"), RunningStatistics.of(model).layers());
        ParamVector theta = model.initialParameters(CpuBackend.get(), rng.nextLong());
        RunningStatistics.recompute(model, theta, batches(TinyProblems.randomData(12, 3, rng), 4));
        for (BatchNorm bn : layers) {
            assertEquals(3, bn.batchesTracked(), "seed " + seed);
            assertNotEquals(1f, bn.runningVar()[0], "seed " + seed + ": running_var left at its initial value");
        }
    }
}
