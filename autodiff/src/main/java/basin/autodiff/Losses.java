package basin.autodiff;

import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.Buffer;

/** Loss functions composed from the primitive ops, so their gradients and HVPs come for free. */
public final class Losses {
    private Losses() {
    }

    /**
     * Mean cross-entropy of logits z [B, C] against targets t [B, C] (one-hot rows, or any rows of
     * probabilities): L = −(1/B) Σ_b Σ_c t_bc · log softmax(z_b)_c. Log-softmax subtracts each row's
     * maximum before exponentiating, so large logits do not overflow.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        ShapeException.check(logits.shape().rank() == 2 && logits.shape().equals(targets.shape()),
                "crossEntropy: logits %s and targets %s must both be [batch, classes]", logits.shape(), targets.shape());
        int batch = logits.shape().dim(0);
        return logits.logSoftmax().mul(targets).sum().scale(-1f / batch);
    }

    /**
     * The number of rows of logits z [B, C] whose largest entry (the first, on ties) is where the
     * one-hot targets t [B, C] put their 1: the correct predictions of a batch. Counted on the
     * device; only the count comes back. Not differentiable (a step function of z).
     */
    public static long correctPredictions(Tensor logits, Tensor targets) {
        ShapeException.check(logits.shape().rank() == 2 && logits.shape().equals(targets.shape()),
                "correctPredictions: logits %s and targets %s must both be [batch, classes]", logits.shape(), targets.shape());
        Backend backend = logits.backend();
        int rows = logits.shape().dim(0), cols = logits.shape().dim(1);
        Buffer hits = backend.allocate(rows);
        Arena.keep(hits);                                               // released here, not again by an open arena
        try {
            backend.argmaxHits(logits.buffer(), targets.buffer(), rows, cols, hits);
            return Math.round(backend.dot(hits, hits));                 // Σ hits², exact: hits are 0 or 1
        } finally {
            backend.release(hits);
        }
    }
}
