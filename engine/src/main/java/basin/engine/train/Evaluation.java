package basin.engine.train;

import basin.autodiff.Losses;
import basin.autodiff.Tensor;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Sequential;
import basin.kernels.Arena;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Mean cross-entropy and accuracy of a model over a dataset in file order, in eval mode. The loss is
 * the example-weighted mean over batches, so it equals the loss of one batch holding every example.
 */
public final class Evaluation {

    /** Loss, accuracy in [0, 1], and the number of examples. */
    public record Result(double loss, double accuracy, int examples) {
    }

    private Evaluation() {
    }

    /** Over {@code data}, staged to the device a batch at a time. */
    public static Result of(Sequential model, ParamVector theta, Dataset data, int batchSize) {
        DeviceBatches batches = new DeviceBatches(theta.backend(), data, batchSize);
        return over(model, theta, batches.count(), batches::get);
    }

    /** Over batches already on the device, each example once. */
    public static Result of(Sequential model, ParamVector theta, List<Batch> batches) {
        return over(model, theta, batches.size(), batches::get);
    }

    private static Result over(Sequential model, ParamVector theta, int count, IntFunction<Batch> batches) {
        Tensor[] params = model.tensors(theta);
        double lossSum = 0;                     // float64: the per-batch means weighted by |b|
        long correct = 0;
        int examples = 0;
        for (int b = 0; b < count; b++) {
            Batch batch = batches.apply(b);
            try (Arena arena = theta.backend().openArena()) {
                Tensor logits = model.forward(batch.inputs(), params, Mode.EVAL);
                lossSum += (double) Losses.crossEntropy(logits, batch.targets()).item() * batch.size();
                correct += Losses.correctPredictions(logits, batch.targets());
            }
            examples += batch.size();
        }
        return new Result(lossSum / examples, (double) correct / examples, examples);
    }
}
