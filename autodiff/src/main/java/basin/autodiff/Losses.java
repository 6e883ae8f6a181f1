package basin.autodiff;

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
}
