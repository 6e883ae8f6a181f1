package basin.engine.train;

import basin.engine.data.Batches;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Dropout;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.optim.Sgd;

import java.util.ArrayList;
import java.util.List;

/**
 * Mini-batch SGD on a dataset, epoch by epoch, as a PyTorch training script does it: each epoch
 * reshuffles the training set with the seeded generator, takes one SGD step per batch at the epoch's
 * learning rate, then evaluates (eval mode) on the training, validation and test sets.
 *
 * <p>Deterministic: the same seed gives bit-identical parameters on the CPU, because the batch order
 * and the dropout masks are seeded and every kernel reduces in a fixed order. A NaN or infinite
 * loss stops the run with a {@link DivergenceException} naming the epoch and step, before the bad
 * step touches θ.
 *
 * <p>Resumable: after each epoch a {@link Listener} receives the {@link State} that, with θ and the
 * model's BatchNorm buffers, decides the rest of the run, and
 * {@link #train(ParamVector, Dataset, Dataset, Dataset, Listener, State)} continues from it with
 * the same bits as a run that was never stopped (on the same backend). {@link TrainingCheckpoint}
 * writes and reads the state; {@code ModelWeights.save(Path, Sequential, ParamVector, Map)} writes
 * θ and the buffers.
 */
public final class Trainer {

    /** The hyper-parameters of a run. */
    public record Config(int epochs, int batchSize, LearningRateSchedule schedule, double momentum,
                         double weightDecay, long seed) {
        public Config {
            if (epochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("train: epochs and batch size must be ≥ 1, got " + epochs + ", " + batchSize);
            }
        }
    }

    /** One epoch's measurements; validation or test fields are NaN when that split was not given. */
    public record EpochLog(int epoch, double learningRate, double meanBatchLoss,
                           double trainLoss, double trainAccuracy,
                           double validationLoss, double validationAccuracy,
                           double testLoss, double testAccuracy, double seconds) {
    }

    /**
     * Everything beyond θ and the model's BatchNorm buffers that the epochs after {@code epochsDone}
     * depend on:
     * <ul>
     *   <li>{@code velocity}, SGD's momentum buffer b (null when no step was taken or μ = 0), and
     *       {@code sgdSteps}, its step count t;</li>
     *   <li>{@code dropoutPasses}, the training passes each {@link Dropout} layer of the model has
     *       drawn a mask for, in the model's layer order (mask k is seeded by mix(seed, k)).</li>
     * </ul>
     * Two things need no stored state. The batch order is replayed: it is a seeded
     * {@link Batches} stream, epoch e's permutation being the e-th Fisher–Yates draw from it, so a
     * resumed run re-draws the {@code epochsDone} earlier permutations, O(N) integer swaps each,
     * nothing next to one epoch of gradients. The learning rate is γ_e = schedule(e), a function of
     * the epoch index alone.
     */
    public record State(int epochsDone, ParamVector velocity, long sgdSteps, long[] dropoutPasses) {
        /** @throws IllegalArgumentException for a negative count or a missing pass array */
        public State {
            if (epochsDone < 0 || sgdSteps < 0) {
                throw new IllegalArgumentException("training state: epochs done " + epochsDone + " and SGD steps " + sgdSteps + " must be ≥ 0");
            }
            if (dropoutPasses == null) throw new IllegalArgumentException("training state: dropout passes are null (use an empty array for none)");
            dropoutPasses = dropoutPasses.clone();
            for (long passes : dropoutPasses) {
                if (passes < 0) throw new IllegalArgumentException("training state: a dropout pass count is negative: " + passes);
            }
        }

        /** The pass counts, one per Dropout layer in model order (a copy). */
        @Override
        public long[] dropoutPasses() {
            return dropoutPasses.clone();
        }
    }

    /** Receives progress: every step, and every finished epoch (after which θ may be checkpointed). */
    public interface Listener {
        default void onStep(int epoch, int step, int steps, double loss) {
        }

        /**
         * After every step, with θ as that step left it (read it, never change it): for measurements
         * during training such as {@link CurvatureTracker}'s. Calls the four-argument form.
         */
        default void onStep(int epoch, int step, int steps, double loss, ParamVector theta) {
            onStep(epoch, step, steps, loss);
        }

        default void onEpoch(EpochLog log, ParamVector theta) {
        }

        /**
         * After each epoch, with the state a resumed run needs. {@code state} is a snapshot (its
         * momentum buffer a copy), safe to save now or keep; θ and the model's buffers are the
         * trainer's own and change with the next step. By default calls {@link #onEpoch(EpochLog, ParamVector)}.
         */
        default void onEpoch(EpochLog log, ParamVector theta, State state) {
            onEpoch(log, theta);
        }
    }

    private final Sequential model;
    private final Config config;

    /** A trainer of {@code model}'s parameters with the run's hyper-parameters. */
    public Trainer(Sequential model, Config config) {
        this.model = model;
        this.config = config;
    }

    /** Trains θ in place from epoch 1 and returns the log of the last epoch. */
    public EpochLog train(ParamVector theta, Dataset train, Dataset validation, Dataset test, Listener listener) {
        return train(theta, train, validation, test, listener, null);
    }

    /**
     * Trains θ in place and returns the log of the last epoch; with {@code resumeFrom} non-null,
     * continues a run after epoch {@code resumeFrom.epochsDone()}. θ and the model's BatchNorm
     * buffers must already hold that epoch's checkpoint ({@code ModelWeights.load}); the momentum
     * buffer, step count and dropout passes come from {@code resumeFrom}, the batch order is
     * replayed, and epochs epochsDone + 1, …, E run as they would have. A state with
     * epochsDone = E leaves θ alone and returns null (there is no epoch to log).
     *
     * @throws IllegalArgumentException if epochsDone &gt; E, if the state has a pass count for a
     *                                  different number of Dropout layers than the model, or if its
     *                                  momentum buffer is not θ's size
     */
    public EpochLog train(ParamVector theta, Dataset train, Dataset validation, Dataset test, Listener listener, State resumeFrom) {
        List<Dropout> dropouts = dropoutsOf(model);
        int epochsDone = resumeFrom == null ? 0 : resumeFrom.epochsDone();
        if (resumeFrom != null) checkResumable(resumeFrom, theta, dropouts.size());
        for (int i = 0; i < dropouts.size(); i++) {                       // masks follow the run's seed
            if (resumeFrom == null) dropouts.get(i).startRun(config.seed());
            else dropouts.get(i).resume(config.seed(), resumeFrom.dropoutPasses()[i]);
        }
        Objective objective = new Objective(model, Mode.TRAIN);
        Sgd sgd = new Sgd(config.momentum(), 0, config.weightDecay());
        if (resumeFrom != null) sgd.restore(onBackendOf(theta, resumeFrom.velocity()), resumeFrom.sgdSteps());
        Batches order = new Batches(train, config.batchSize(), Batches.LastBatch.KEEP, config.seed());
        for (int e = 1; e <= epochsDone; e++) order.shuffle();               // replay the orders already used
        DeviceBatches batches = new DeviceBatches(theta.backend(), train, order);
        ParamVector gradient = theta.zerosLike();
        EpochLog log = null;
        for (int epoch = epochsDone + 1; epoch <= config.epochs(); epoch++) {
            long start = System.nanoTime();
            double lr = config.schedule().rate(epoch - 1);
            order.shuffle();
            double lossSum = 0;
            int seen = 0;
            for (int step = 1; step <= batches.count(); step++) {
                var batch = batches.get(step - 1);
                double loss = objective.gradient(theta, batch, gradient);
                if (!Double.isFinite(loss)) throw new DivergenceException(epoch, step, loss);
                sgd.step(theta, gradient, lr);
                lossSum += loss * batch.size();
                seen += batch.size();
                if (listener != null) listener.onStep(epoch, step, batches.count(), loss, theta);
            }
            Evaluation.Result tr = Evaluation.of(model, theta, train, config.batchSize());
            Evaluation.Result va = validation == null ? null : Evaluation.of(model, theta, validation, config.batchSize());
            Evaluation.Result te = test == null ? null : Evaluation.of(model, theta, test, config.batchSize());
            log = new EpochLog(epoch, lr, lossSum / seen, tr.loss(), tr.accuracy(),
                    va == null ? Double.NaN : va.loss(), va == null ? Double.NaN : va.accuracy(),
                    te == null ? Double.NaN : te.loss(), te == null ? Double.NaN : te.accuracy(),
                    (System.nanoTime() - start) / 1e9);
            if (!Double.isFinite(tr.loss())) throw new DivergenceException(epoch, batches.count(), tr.loss());
            if (listener != null) listener.onEpoch(log, theta, snapshot(epoch, sgd, dropouts));
        }
        return log;
    }

    /** The model's top-level Dropout layers, in order: the ones whose pass counts a {@link State} holds. */
    static List<Dropout> dropoutsOf(Sequential model) {
        List<Dropout> found = new ArrayList<>();
        for (var layer : model.layers()) {
            if (layer instanceof Dropout d) found.add(d);
        }
        return found;
    }

    private void checkResumable(State state, ParamVector theta, int dropoutCount) {
        if (state.epochsDone() > config.epochs()) {
            throw new IllegalArgumentException("train: cannot resume after epoch " + state.epochsDone()
                    + " of a run of " + config.epochs() + " epochs");
        }
        if (state.dropoutPasses().length != dropoutCount) {
            throw new IllegalArgumentException("train: the resumed state has pass counts for " + state.dropoutPasses().length
                    + " dropout layers, the model has " + dropoutCount);
        }
        if (state.velocity() != null && state.velocity().dim() != theta.dim()) {
            throw new IllegalArgumentException("train: the resumed momentum buffer has " + state.velocity().dim()
                    + " entries, θ has " + theta.dim());
        }
    }

    /** The state after {@code epoch}, with its own copy of the momentum buffer. */
    private static State snapshot(int epoch, Sgd sgd, List<Dropout> dropouts) {
        long[] passes = new long[dropouts.size()];
        for (int i = 0; i < passes.length; i++) passes[i] = dropouts.get(i).passes();
        return new State(epoch, sgd.velocity() == null ? null : sgd.velocity().copy(), sgd.steps(), passes);
    }

    /** {@code v} on θ's backend (a state loaded on the host can resume a run on a device). */
    private static ParamVector onBackendOf(ParamVector theta, ParamVector v) {
        if (v == null || v.backend() == theta.backend()) return v;
        return ParamVector.fromHost(theta.backend(), theta.layout(), v.toHost());
    }
}
