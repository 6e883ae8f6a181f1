package basin.engine;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.StatefulNet;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.HutchinsonTrace;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.PowerIteration;
import basin.engine.probe.curvature.SpectralDensity;
import basin.engine.probe.landscape.BezierCurve;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.GradientNoiseScale;
import basin.engine.probe.landscape.LinearPath;
import basin.engine.probe.landscape.Sharpness;
import basin.engine.probe.landscape.WeightNoise;
import basin.engine.probe.landscape.Slice;
import basin.engine.train.Trainer;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training step, the HVP and the probe loops keep their tensors on the device: per step only
 * scalars (a loss, a dot product) come back to the host, and nothing goes down but the batch and
 * the probe's random start vectors. Checked on the CPU through {@link TransferLog}, which sees every
 * copy the code asks of its backend, so a GPU run has nothing to find here: on CUDA each copy back
 * is a stall of the stream, and a tensor copied back per step would make the GPU wait on the host.
 *
 * <p>The model has everything that keeps or reads state besides θ: BatchNorm (running statistics
 * updated in training, read in eval mode), dropout, max pooling, and a residual block.
 */
class DeviceResidencyTest {
    private static final int EXAMPLES = 40, BATCH = 8;

    private final TransferLog log = TransferLog.over(CpuBackend.get());
    private final Backend backend = log.backend();
    private final Sequential model = ModelSpec.parse(StatefulNet.SPEC);
    private final Dataset data = StatefulNet.randomImages(new SplittableRandom(7), EXAMPLES);
    private final ParamVector theta = model.initialParameters(backend, 1);

    @Test
    void aTrainingStepSendsTheBatchDownAndBringsBackOnlyTheLoss() {
        List<List<TransferLog.Copy>> steps = new ArrayList<>();
        int[] mark = {log.count()};
        Trainer.Config config = new Trainer.Config(1, BATCH, LearningRateSchedule.constant(0.05), 0.9, 5e-4, 3);
        new Trainer(model, config).train(theta, data, null, null, new Trainer.Listener() {
            @Override
            public void onStep(int epoch, int step, int count, double loss) {
                steps.add(log.since(mark[0]));
                mark[0] = log.count();
            }
        });
        assertEquals(EXAMPLES / BATCH, steps.size());
        // The first step also uploads each BatchNorm layer's running statistics, once.
        for (int s = 1; s < steps.size(); s++) {
            List<TransferLog.Copy> copies = steps.get(s);
            assertEquals(List.of(new TransferLog.Copy(false, BATCH * StatefulNet.IMAGE), new TransferLog.Copy(false, BATCH * StatefulNet.CLASSES),
                    new TransferLog.Copy(true, 1)), copies, "step " + (s + 1) + ": the images and one-hot targets down, the loss up");
        }
    }

    @Test
    void hessianVectorProductsBringBackNothingInEitherMode() {
        for (Mode mode : new Mode[] {Mode.EVAL, Mode.BATCH_STATISTICS}) {
            HessianOperator h = HessianOperator.over(new Objective(model, mode), theta, data, BATCH);
            ParamVector v = ParamVector.gaussian(backend, theta.layout(), new SplittableRandom(2)), hv = theta.zerosLike();
            h.apply(v, hv);                                                    // first pass: statistics go up once
            int mark = log.count();
            h.apply(v, hv);
            assertEquals(List.of(), log.since(mark), mode + ": an HVP over " + h.batchCount() + " resident batches");
        }
    }

    @Test
    void lanczosPowerIterationAndHutchinsonBringBackOnlyScalars() {
        HessianOperator h = HessianOperator.over(new Objective(model, Mode.EVAL), theta, data, BATCH);
        h.apply(ParamVector.gaussian(backend, theta.layout(), new SplittableRandom(2)), theta.zerosLike());
        int p = theta.dim();

        int mark = log.count();
        Lanczos.run(h, 6, new SplittableRandom(3), null);
        assertOnlyScalarsUpAndStartsDown(log.since(mark), p, 1, "Lanczos, 6 steps");

        mark = log.count();
        PowerIteration.run(h, 5, 0, new SplittableRandom(4), null);
        assertOnlyScalarsUpAndStartsDown(log.since(mark), p, 1, "power iteration, 5 steps");

        mark = log.count();
        HutchinsonTrace.Result trace = HutchinsonTrace.estimate(h, 0, 4, new SplittableRandom(5), null);
        assertOnlyScalarsUpAndStartsDown(log.since(mark), p, trace.count(), "Hutchinson, " + trace.count() + " samples");
    }

    @Test
    void aLossSliceBringsBackOnlyScalarsPerPoint() {
        DatasetLoss surface = new DatasetLoss(model, data, BATCH, backend);
        ParamVector d = ParamVector.gaussian(backend, theta.layout(), new SplittableRandom(6));
        surface.measure(theta);                                                 // statistics go up once
        int mark = log.count();
        Slice.line(surface, theta, d, Slice.linspace(-1, 1, 3), 1, basin.engine.probe.landscape.GridLog.none());
        List<TransferLog.Copy> copies = log.since(mark);
        assertTrue(copies.stream().allMatch(c -> c.toHost() && c.floats() == 1),
                "3 points × " + EXAMPLES / BATCH + " batches of eval-mode loss and accuracy, only scalars back: " + copies);
    }

    /**
     * A path between two models recomputes BatchNorm's statistics at every point on a fresh replica
     * (train-mode passes, then eval-mode passes): the statistics go up once per replica and layer,
     * and nothing but scalars comes back.
     */
    @Test
    void aPathWithRecomputedStatisticsBringsBackOnlyScalars() {
        DatasetLoss path = new DatasetLoss(model, data, BATCH, backend)
                .recomputingStatistics(() -> ModelSpec.parse(StatefulNet.SPEC), data, BATCH);
        ParamVector thetaB = theta.copy();
        thetaB.axpy(0.1, ParamVector.gaussian(backend, theta.layout(), new SplittableRandom(10)));
        int mark = log.count();
        LinearPath.measure(path, theta, thetaB, 3, 1, basin.engine.probe.landscape.GridLog.none());
        List<TransferLog.Copy> copies = log.since(mark);
        List<TransferLog.Copy> up = copies.stream().filter(TransferLog.Copy::toHost).toList();
        assertTrue(up.stream().allMatch(c -> c.floats() == 1), "3 points of a path, statistics recomputed: only scalars up, got " + up);
    }

    @Test
    void theLandscapeProbesBringBackOnlyScalars() {
        DatasetLoss surface = new DatasetLoss(model, data, BATCH, backend);
        surface.measure(theta);                                                 // statistics go up once
        int p = theta.dim(), mark = log.count();
        SplittableRandom rng = new SplittableRandom(8);
        Sharpness.randomDirections(surface, theta, 0.05, 3, rng);
        Sharpness.adversarial(surface, theta, 0.05);
        Sharpness.ballAscent(surface, theta, 0.05, 3, 0.5, rng);
        WeightNoise.isotropic(surface, theta, new double[] {0, 0.01}, 2, rng);
        SpectralDensity.estimate(HessianOperator.over(new Objective(model, Mode.EVAL), theta, data, BATCH), 2, 4, Double.NaN, 16, rng, null);
        GradientNoiseScale.measure(new Objective(model, Mode.BATCH_STATISTICS), theta, data, BATCH, 3, 9);
        ParamVector thetaB = theta.copy();
        thetaB.axpy(0.1, ParamVector.gaussian(backend, theta.layout(), rng));
        BezierCurve.between(theta, thetaB).train(new Objective(model, Mode.TRAIN), data, new BezierCurve.TrainConfig(1, BATCH, 0.01, 0.9, 0, 1));
        List<TransferLog.Copy> copies = log.since(mark);
        int image = BATCH * StatefulNet.IMAGE, targets = BATCH * StatefulNet.CLASSES;
        for (TransferLog.Copy c : copies) {
            boolean allowed = c.toHost() ? c.floats() == 1 : c.floats() == p || c.floats() == image || c.floats() == targets;
            assertTrue(allowed, "sharpness, weight noise, SLQ, noise scale and curve training: only scalars up, and down only random"
                    + " vectors of " + p + " floats and batches; got " + c + " in " + copies);
        }
    }

    /** Every copy back is one float; every copy down is a whole random start vector, {@code starts} of them. */
    private static void assertOnlyScalarsUpAndStartsDown(List<TransferLog.Copy> copies, int p, int starts, String what) {
        List<TransferLog.Copy> up = copies.stream().filter(TransferLog.Copy::toHost).toList();
        List<TransferLog.Copy> down = copies.stream().filter(c -> !c.toHost()).toList();
        assertTrue(up.stream().allMatch(c -> c.floats() == 1), what + ": only scalars come back, got " + up);
        assertEquals(java.util.Collections.nCopies(starts, new TransferLog.Copy(false, p)), down, what + ": only the random start vectors go down");
    }

}
