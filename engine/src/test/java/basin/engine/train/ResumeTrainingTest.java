package basin.engine.train;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.StatefulNet;
import basin.engine.nn.checkpoint.HostInt64Tensor;
import basin.engine.nn.checkpoint.HostTensor;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped after epoch 2, saved (θ and BatchNorm buffers by ModelWeights, the rest by
 * TrainingCheckpoint), loaded into a fresh model and resumed, ends with the same bits as the same
 * run left alone for 4 epochs. The oracle is that uninterrupted run; "the same" is bit for bit,
 * because on the CPU every kernel reduces in a fixed order, so any state the resume got wrong shows.
 * The data is 301 random 2×8×8 images in batches of 37, so every epoch ends on a short batch of 5.
 */
class ResumeTrainingTest {
    private static final CpuBackend CPU = CpuBackend.get();
    private static final long SEED = 20240607L;         // fixed: the test compares two runs, not a statistic
    private static final int STOP_AFTER = 2;
    private static final Dataset TRAIN = StatefulNet.randomImages(new SplittableRandom(SEED), 301);
    private static final Dataset VALIDATION = StatefulNet.randomImages(new SplittableRandom(SEED + 1), 64);
    private static final String MLP = ModelSpec.mlp(new int[] {2, 8, 8}, 24, 16, StatefulNet.CLASSES);

    /** What a run leaves behind: θ, the model's buffers and counters, and the epoch logs with the times zeroed. */
    private record Outcome(float[] theta, List<HostTensor> buffers, List<HostInt64Tensor> counters, List<Trainer.EpochLog> logs) {
    }

    /** Thrown by a listener to stop a run, as a crash or a time limit would. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped after epoch " + STOP_AFTER, null, false, false);
        }
    }

    private static Trainer.Config momentumConfig(LearningRateSchedule schedule, double momentum) {
        return new Trainer.Config(4, 37, schedule, momentum, 5e-4, SEED);
    }

    private static Trainer.EpochLog untimed(Trainer.EpochLog e) {
        return new Trainer.EpochLog(e.epoch(), e.learningRate(), e.meanBatchLoss(), e.trainLoss(), e.trainAccuracy(),
                e.validationLoss(), e.validationAccuracy(), e.testLoss(), e.testAccuracy(), 0);
    }

    /** Collects the logs through the two-argument onEpoch, which the trainer reaches by the default method. */
    private static Trainer.Listener collecting(List<Trainer.EpochLog> logs) {
        return new Trainer.Listener() {
            @Override
            public void onEpoch(Trainer.EpochLog log, ParamVector theta) {
                logs.add(untimed(log));
            }
        };
    }

    private static Outcome outcome(Sequential model, ParamVector theta, List<Trainer.EpochLog> logs) {
        List<HostTensor> buffers = new ArrayList<>();
        for (HostTensor b : model.buffers()) buffers.add(new HostTensor(b.name(), b.shape(), b.data().clone()));
        List<HostInt64Tensor> counters = new ArrayList<>();
        for (HostInt64Tensor c : model.counters()) counters.add(new HostInt64Tensor(c.name(), c.shape(), c.data().clone()));
        return new Outcome(theta.toHost(), buffers, counters, logs);
    }

    private static Outcome uninterrupted(String spec, Trainer.Config config) {
        Sequential model = ModelSpec.parse(spec);
        ParamVector theta = model.initialParameters(CPU, SEED);
        List<Trainer.EpochLog> logs = new ArrayList<>();
        new Trainer(model, config).train(theta, TRAIN, VALIDATION, null, collecting(logs));
        return outcome(model, theta, logs);
    }

    /**
     * Trains, saves both files after epoch {@link #STOP_AFTER} and stops; then builds a fresh model
     * from the spec, loads the files, passes the state through {@code tamper} and resumes.
     */
    private static Outcome stoppedAndResumed(String spec, Trainer.Config config, Path dir, UnaryOperator<Trainer.State> tamper)
            throws IOException {
        Path weights = dir.resolve("model.safetensors"), state = dir.resolve("training-state.safetensors");
        Sequential first = ModelSpec.parse(spec);
        ParamVector theta = first.initialParameters(CPU, SEED);
        Trainer.Listener saveThenStop = new Trainer.Listener() {
            @Override
            public void onEpoch(Trainer.EpochLog log, ParamVector theta, Trainer.State s) {
                if (log.epoch() < STOP_AFTER) return;
                try {
                    ModelWeights.save(weights, first, theta, Map.of("epoch", Integer.toString(log.epoch())));
                    TrainingCheckpoint.save(state, first, s, Map.of("run", "resume test"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw new Stopped();
            }
        };
        assertThrows(Stopped.class, () -> new Trainer(first, config).train(theta, TRAIN, VALIDATION, null, saveThenStop));

        Sequential fresh = ModelSpec.parse(spec);
        ParamVector resumed = ModelWeights.load(weights, fresh, CPU);
        Trainer.State loaded = tamper.apply(TrainingCheckpoint.load(state, fresh, CPU));
        assertEquals(STOP_AFTER, loaded.epochsDone());
        List<Trainer.EpochLog> logs = new ArrayList<>();
        new Trainer(fresh, config).train(resumed, TRAIN, VALIDATION, null, collecting(logs), loaded);
        return outcome(fresh, resumed, logs);
    }

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) b[i] = Float.floatToRawIntBits(x[i]);
        return b;
    }

    private static void assertBitIdentical(Outcome expected, Outcome actual) {
        assertArrayEquals(bits(expected.theta()), bits(actual.theta()), "θ after epoch 4");
        assertEquals(expected.buffers().size(), actual.buffers().size());
        for (int i = 0; i < expected.buffers().size(); i++) {
            HostTensor e = expected.buffers().get(i), a = actual.buffers().get(i);
            assertEquals(e.name(), a.name());
            assertArrayEquals(bits(e.data()), bits(a.data()), "buffer " + e.name() + " after epoch 4");
        }
        assertEquals(expected.counters(), actual.counters(), "num_batches_tracked after epoch 4");
        assertEquals(expected.logs().subList(STOP_AFTER, 4), actual.logs(), "the logs of epochs 3 and 4");
    }

    @Test
    void aResumedRunWithBatchNormDropoutAndMomentumEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Trainer.Config config = momentumConfig(LearningRateSchedule.cosine(0.05, 4, 0.005), 0.9);
        Outcome whole = uninterrupted(StatefulNet.SPEC, config);
        assertFalse(whole.buffers().isEmpty(), "the model should have BatchNorm buffers to check");
        assertBitIdentical(whole, stoppedAndResumed(StatefulNet.SPEC, config, dir, s -> s));
    }

    @Test
    void aResumedMlpWithAStepScheduleEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Trainer.Config config = momentumConfig(LearningRateSchedule.step(0.1, 1, 0.5), 0.9);   // γ halves every epoch
        assertBitIdentical(uninterrupted(MLP, config), stoppedAndResumed(MLP, config, dir, s -> s));
    }

    @Test
    void aResumedRunWithoutMomentumHasNoBufferAndStillEndsBitIdentical(@TempDir Path dir) throws IOException {
        Trainer.Config config = momentumConfig(LearningRateSchedule.cosine(0.1, 4, 0), 0);
        Outcome resumed = stoppedAndResumed(MLP, config, dir, s -> {
            assertNull(s.velocity(), "μ = 0 keeps no momentum buffer");
            return s;
        });
        assertBitIdentical(uninterrupted(MLP, config), resumed);
    }

    /** The oracle can fail: a resume that restarts the momentum buffer (b ← g at its first step) ends elsewhere. */
    @Test
    void resumingWithoutTheMomentumBufferEndsWithDifferentParameters(@TempDir Path dir) throws IOException {
        Trainer.Config config = momentumConfig(LearningRateSchedule.cosine(0.05, 4, 0.005), 0.9);
        Outcome forgetful = stoppedAndResumed(StatefulNet.SPEC, config, dir,
                s -> new Trainer.State(s.epochsDone(), null, 0, s.dropoutPasses()));
        assertFalse(java.util.Arrays.equals(bits(uninterrupted(StatefulNet.SPEC, config).theta()), bits(forgetful.theta())));
    }

    /** The oracle can fail: a resume that restarts the dropout masks at pass 0 ends elsewhere. */
    @Test
    void resumingWithoutTheDropoutPassesEndsWithDifferentParameters(@TempDir Path dir) throws IOException {
        Trainer.Config config = momentumConfig(LearningRateSchedule.cosine(0.05, 4, 0.005), 0.9);
        Outcome forgetful = stoppedAndResumed(StatefulNet.SPEC, config, dir,
                s -> new Trainer.State(s.epochsDone(), s.velocity(), s.sgdSteps(), new long[s.dropoutPasses().length]));
        assertFalse(java.util.Arrays.equals(bits(uninterrupted(StatefulNet.SPEC, config).theta()), bits(forgetful.theta())));
    }

    @Test
    void resumingAfterTheLastEpochLeavesThetaAloneAndReturnsNoLog() {
        Sequential model = ModelSpec.parse(MLP);
        ParamVector theta = model.initialParameters(CPU, SEED);
        float[] before = theta.toHost();
        Trainer.State done = new Trainer.State(4, null, 36, new long[0]);
        assertNull(new Trainer(model, momentumConfig(LearningRateSchedule.constant(0.1), 0)).train(theta, TRAIN, null, null, null, done));
        assertArrayEquals(bits(before), bits(theta.toHost()));
    }

    @Test
    void resumingPastTheLastEpochIsRefusedNamingBothNumbers() {
        Sequential model = ModelSpec.parse(MLP);
        ParamVector theta = model.initialParameters(CPU, SEED);
        Trainer.State past = new Trainer.State(5, null, 45, new long[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new Trainer(model, momentumConfig(LearningRateSchedule.constant(0.1), 0)).train(theta, TRAIN, null, null, null, past));
        assertTrue(e.getMessage().contains("epoch 5") && e.getMessage().contains("4 epochs"), e.getMessage());
    }

    @Test
    void aStateForAnotherNumberOfDropoutLayersIsRefusedNamingBoth() {
        Sequential model = ModelSpec.parse(StatefulNet.SPEC);
        ParamVector theta = model.initialParameters(CPU, SEED);
        Trainer.State twoLayers = new Trainer.State(1, null, 0, new long[] {9, 9});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new Trainer(model, momentumConfig(LearningRateSchedule.constant(0.1), 0)).train(theta, TRAIN, null, null, null, twoLayers));
        assertTrue(e.getMessage().contains("2 dropout layers") && e.getMessage().contains("model has 1"), e.getMessage());
    }
}
