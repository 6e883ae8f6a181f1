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

/**
 * Mini-batch SGD on a dataset, epoch by epoch, as a PyTorch training script does it: each epoch
 * reshuffles the training set with the seeded generator, takes one SGD step per batch at the epoch's
 * learning rate, then evaluates (eval mode) on the training, validation and test sets.
 *
 * <p>Deterministic: the same seed gives bit-identical parameters on the CPU, because the batch order
 * and the dropout masks are seeded and every kernel reduces in a fixed order. A NaN or infinite
 * loss stops the run with a {@link DivergenceException} naming the epoch and step, before the bad
 * step touches θ.
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

    /** Receives progress: every step, and every finished epoch (after which θ may be checkpointed). */
    public interface Listener {
        default void onStep(int epoch, int step, int steps, double loss) {
        }

        default void onEpoch(EpochLog log, ParamVector theta) {
        }
    }

    private final Sequential model;
    private final Config config;

    public Trainer(Sequential model, Config config) {
        this.model = model;
        this.config = config;
    }

    /** Trains θ in place and returns the log of the last epoch. */
    public EpochLog train(ParamVector theta, Dataset train, Dataset validation, Dataset test, Listener listener) {
        for (var layer : model.layers()) {
            if (layer instanceof Dropout d) d.startRun(config.seed());        // masks follow the run's seed
        }
        Objective objective = new Objective(model, Mode.TRAIN);
        Sgd sgd = new Sgd(config.momentum(), 0, config.weightDecay());
        Batches order = new Batches(train, config.batchSize(), Batches.LastBatch.KEEP, config.seed());
        DeviceBatches batches = new DeviceBatches(theta.backend(), train, order);
        ParamVector gradient = theta.zerosLike();
        EpochLog log = null;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
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
                if (listener != null) listener.onStep(epoch, step, batches.count(), loss);
            }
            Evaluation.Result tr = Evaluation.of(model, theta, train, config.batchSize());
            Evaluation.Result va = validation == null ? null : Evaluation.of(model, theta, validation, config.batchSize());
            Evaluation.Result te = test == null ? null : Evaluation.of(model, theta, test, config.batchSize());
            log = new EpochLog(epoch, lr, lossSum / seen, tr.loss(), tr.accuracy(),
                    va == null ? Double.NaN : va.loss(), va == null ? Double.NaN : va.accuracy(),
                    te == null ? Double.NaN : te.loss(), te == null ? Double.NaN : te.accuracy(),
                    (System.nanoTime() - start) / 1e9);
            if (!Double.isFinite(tr.loss())) throw new DivergenceException(epoch, batches.count(), tr.loss());
            if (listener != null) listener.onEpoch(log, theta);
        }
        return log;
    }
}
