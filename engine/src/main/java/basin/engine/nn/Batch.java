package basin.engine.nn;

import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

/** A mini-batch on the device: inputs [B, …] and one-hot targets [B, classes]. */
public record Batch(Tensor inputs, Tensor targets) {
    public Batch {
        ShapeException.check(inputs.shape().rank() >= 1 && targets.shape().rank() == 2
                        && inputs.shape().dim(0) == targets.shape().dim(0),
                "batch: inputs %s and targets %s must share the batch dimension", inputs.shape(), targets.shape());
    }

    /** Number of examples B. */
    public int size() {
        return inputs.shape().dim(0);
    }
}
