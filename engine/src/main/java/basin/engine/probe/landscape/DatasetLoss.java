package basin.engine.probe.landscape;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.train.DeviceBatches;
import basin.engine.train.Evaluation;
import basin.kernels.Arena;
import basin.kernels.Backend;

import java.util.List;
import java.util.function.Supplier;

/**
 * The mean cross-entropy of a model over a fixed set of examples, L(θ) = (1/N) Σ_n ℓ(f(x_n; θ), y_n),
 * and its accuracy, in eval mode. The examples are staged on the device once, in file order, and
 * each batch's loss is weighted by its size, so the value does not depend on the batching.
 *
 * <p>BatchNorm's running statistics are either the model's own at every θ (this constructor: a
 * slice around one trained model) or recomputed at each θ from training data
 * ({@link #recomputingStatistics}: paths and planes between models); {@link #runningStatistics()}
 * says which.
 *
 * <p>Thread-safe for concurrent calls on distinct θ: the batches are only read, every call runs in
 * its own thread's {@link Arena} and tape, kept statistics are only read, and recomputed ones live in
 * a model built for that call alone.
 */
public final class DatasetLoss implements LossSurface {
    private final Sequential model;
    private final Objective objective;
    private final List<Batch> batches;
    private final int examples;
    private final String description;
    private final Supplier<Sequential> replicas;          // null: the model's own statistics
    private final List<Batch> statisticsBatches;          // the training batches update_bn runs over
    private final RunningStatistics statistics;

    public DatasetLoss(Sequential model, Dataset data, int batchSize, Backend backend) {
        if (data.count() == 0) throw new IllegalArgumentException("landscape: dataset " + data.name() + " is empty");
        this.model = model;
        this.objective = new Objective(model, Mode.EVAL);
        this.batches = new DeviceBatches(backend, data, batchSize).resident();
        this.examples = data.count();
        this.description = data.name() + ", " + data.count() + " examples, eval mode";
        this.replicas = null;
        this.statisticsBatches = List.of();
        this.statistics = RunningStatistics.of(model);
    }

    private DatasetLoss(DatasetLoss kept, Supplier<Sequential> replicas, List<Batch> statisticsBatches, RunningStatistics statistics) {
        this.model = kept.model;
        this.objective = kept.objective;
        this.batches = kept.batches;
        this.examples = kept.examples;
        this.description = kept.description;
        this.replicas = replicas;
        this.statisticsBatches = statisticsBatches;
        this.statistics = statistics;
    }

    /**
     * This loss with BatchNorm's running statistics recomputed at every θ from {@code train}
     * ({@link RunningStatistics#recompute}, batches of {@code batchSize} in file order) on a model
     * that {@code replicas} builds fresh for each call, so that concurrent points never share
     * statistics. For a model without BatchNorm, this loss itself. A last batch of a single example
     * is left out: BatchNorm1d has no variance over one value.
     *
     * @param replicas builds a new model of the same architecture at each call (e.g. from its spec)
     */
    public DatasetLoss recomputingStatistics(Supplier<Sequential> replicas, Dataset train, int batchSize) {
        if (!statistics.present()) return this;
        Sequential replica = replicas.get();
        if (replica == model) throw new IllegalArgumentException("landscape: the replicas must be new models, not the one evaluated");
        Directions.requireSameLayout(model.layout(), replica.layout(), "model", "replica");
        if (RunningStatistics.batchNorms(replica).size() != RunningStatistics.batchNorms(model).size()) {
            throw new IllegalArgumentException("landscape: the replica has other BatchNorm layers than the model: " + replica + " against " + model);
        }
        Dataset used = train.count() > 1 && train.count() % batchSize == 1 ? train.first(train.count() - 1) : train;
        if (used.count() == 0) throw new IllegalArgumentException("landscape: no training examples to recompute BatchNorm statistics from");
        List<Batch> staged = new DeviceBatches(backend(), used, batchSize).resident();
        return new DatasetLoss(this, replicas, staged, RunningStatistics.recomputed(model, used.name(), used.count(), staged.size()));
    }

    public Sequential model() {
        return model;
    }

    /** The staged batches, in file order. */
    public List<Batch> batches() {
        return batches;
    }

    /** N, the number of examples averaged over. */
    public int examples() {
        return examples;
    }

    @Override
    public ParamLayout layout() {
        return model.layout();
    }

    @Override
    public Backend backend() {
        return batches.get(0).inputs().backend();
    }

    @Override
    public Measurement measure(ParamVector theta) {
        checkLayout(theta);
        if (replicas == null) return measure(model, theta);
        Sequential replica = replicas.get();                              // this point's own statistics
        try {
            RunningStatistics.recompute(replica, theta, statisticsBatches);
            return measure(replica, theta);
        } finally {
            RunningStatistics.dropDeviceCopies(replica);                  // the replica is dropped
        }
    }

    private Measurement measure(Sequential net, ParamVector theta) {
        Evaluation.Result r = Evaluation.of(net, theta, batches);
        return new Measurement(r.loss(), r.accuracy());
    }

    @Override
    public double gradient(ParamVector theta, ParamVector gradient) {
        checkLayout(theta);
        if (replicas != null) {
            throw new UnsupportedOperationException("landscape: no gradient with BatchNorm statistics recomputed at θ: they depend on θ,"
                    + " and the recomputation is not differentiated; take the gradient with the model's own statistics");
        }
        ParamVector part = gradient.zerosLike();
        gradient.scal(0);
        double lossSum = 0;
        for (Batch batch : batches) {
            lossSum += objective.gradient(theta, batch, part) * batch.size();
            gradient.axpy((double) batch.size() / examples, part);      // ∇L = Σ_b (|b|/N) ∇L_b
        }
        return lossSum / examples;
    }

    /** None, the model's own, or recomputed at each θ (see {@link #recomputingStatistics}). */
    @Override
    public RunningStatistics runningStatistics() {
        return statistics;
    }

    @Override
    public String describe() {
        return description;
    }

    private void checkLayout(ParamVector theta) {
        if (theta.dim() != model.layout().size()) {
            throw new IllegalArgumentException("landscape: a parameter vector of " + theta.dim()
                    + " entries for a model of " + model.layout().size() + " parameters");
        }
    }
}
