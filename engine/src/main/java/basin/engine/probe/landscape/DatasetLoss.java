package basin.engine.probe.landscape;

import basin.autodiff.Losses;
import basin.autodiff.Tensor;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.train.DeviceBatches;
import basin.kernels.Arena;
import basin.kernels.Backend;

import java.util.List;

/**
 * The mean cross-entropy of a model over a fixed set of examples, L(θ) = (1/N) Σ_n ℓ(f(x_n; θ), y_n),
 * and its accuracy, in eval mode. The examples are staged on the device once, in file order, and
 * each batch's loss is weighted by its size, so the value does not depend on the batching.
 *
 * <p>Thread-safe for concurrent calls on distinct θ: the batches are only read, and every call runs
 * in its own thread's {@link Arena} and tape.
 */
public final class DatasetLoss implements LossSurface {
    private final Sequential model;
    private final Objective objective;
    private final List<Batch> batches;
    private final int[][] labels;             // host labels per batch, for the accuracy
    private final int examples;
    private final String description;

    public DatasetLoss(Sequential model, Dataset data, int batchSize, Backend backend) {
        if (data.count() == 0) throw new IllegalArgumentException("landscape: dataset " + data.name() + " is empty");
        this.model = model;
        this.objective = new Objective(model, Mode.EVAL);
        this.batches = new DeviceBatches(backend, data, batchSize).resident();
        this.labels = new int[batches.size()][];
        int[] all = data.labels();
        for (int b = 0; b < batches.size(); b++) {
            int from = b * batchSize;
            labels[b] = java.util.Arrays.copyOfRange(all, from, from + batches.get(b).size());
        }
        this.examples = data.count();
        this.description = data.name() + ", " + data.count() + " examples, eval mode";
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
        Tensor[] params = model.tensors(theta);
        double lossSum = 0;                     // float64: N per-batch means weighted by |b|
        long correct = 0;
        for (int b = 0; b < batches.size(); b++) {
            Batch batch = batches.get(b);
            try (Arena arena = theta.backend().openArena()) {
                Tensor logits = model.forward(batch.inputs(), params, Mode.EVAL);
                lossSum += (double) Losses.crossEntropy(logits, batch.targets()).item() * batch.size();
                correct += correctPredictions(logits.toHost(), labels[b], logits.shape().dim(1));
            }
        }
        return new Measurement(lossSum / examples, (double) correct / examples);
    }

    @Override
    public double gradient(ParamVector theta, ParamVector gradient) {
        checkLayout(theta);
        ParamVector part = gradient.zerosLike();
        gradient.scal(0);
        double lossSum = 0;
        for (Batch batch : batches) {
            lossSum += objective.gradient(theta, batch, part) * batch.size();
            gradient.axpy((double) batch.size() / examples, part);      // ∇L = Σ_b (|b|/N) ∇L_b
        }
        return lossSum / examples;
    }

    /** Refuses a model with BatchNorm (see {@link RunningStatistics#of}). */
    @Override
    public RunningStatistics runningStatistics() {
        return RunningStatistics.of(model);
    }

    @Override
    public String describe() {
        return description;
    }

    private static long correctPredictions(float[] logits, int[] labels, int classes) {
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int argmax = 0;
            for (int c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + argmax]) argmax = c;
            if (argmax == labels[i]) correct++;
        }
        return correct;
    }

    private void checkLayout(ParamVector theta) {
        if (theta.dim() != model.layout().size()) {
            throw new IllegalArgumentException("landscape: a parameter vector of " + theta.dim()
                    + " entries for a model of " + model.layout().size() + " parameters");
        }
    }
}
