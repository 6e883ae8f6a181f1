package basin.engine.train;

import basin.autodiff.Losses;
import basin.autodiff.Tensor;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Sequential;
import basin.kernels.Arena;

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

    public static Result of(Sequential model, ParamVector theta, Dataset data, int batchSize) {
        DeviceBatches batches = new DeviceBatches(theta.backend(), data, batchSize);
        Tensor[] params = model.tensors(theta);
        double lossSum = 0;
        long correct = 0;
        for (int b = 0; b < batches.count(); b++) {
            Batch batch = batches.get(b);
            try (Arena arena = theta.backend().openArena()) {
                Tensor logits = model.forward(batch.inputs(), params, Mode.EVAL);
                lossSum += Losses.crossEntropy(logits, batch.targets()).item() * batch.size();
                correct += Losses.correctPredictions(logits, batch.targets());
            }
        }
        return new Result(lossSum / data.count(), (double) correct / data.count(), data.count());
    }
}
