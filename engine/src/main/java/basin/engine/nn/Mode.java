package basin.engine.nn;

/**
 * How a forward pass treats the layers whose behaviour differs between training and evaluation,
 * PyTorch's {@code model.train()} / {@code model.eval()} made explicit per pass.
 * <pre>
 *                      BatchNorm normalises with     running averages    dropout
 *   TRAIN              the batch's statistics        updated             on (seeded masks)
 *   EVAL               the running averages          untouched           off
 *   BATCH_STATISTICS   the batch's statistics        untouched           off
 * </pre>
 * Curvature probes take {@link #EVAL} unless asked otherwise: the loss is then a fixed function of
 * θ. {@link #BATCH_STATISTICS} is the train-mode loss of a BatchNorm network made deterministic
 * (no dropout, no side effects), so that its Hessian, which includes the dependence of the batch
 * statistics on θ, can be probed too; outputs name it by {@link #label()}.
 */
public enum Mode {
    TRAIN("train"),
    EVAL("eval"),
    BATCH_STATISTICS("train-mode BatchNorm (batch statistics, no dropout)");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    /** How outputs name the mode. */
    public String label() {
        return label;
    }

    /** True when BatchNorm normalises with the batch's own mean and variance. */
    public boolean batchStatistics() {
        return this != EVAL;
    }

    /** True when BatchNorm folds the batch's statistics into its running averages. */
    public boolean updatesRunningStatistics() {
        return this == TRAIN;
    }

    /** True when dropout draws masks. */
    public boolean dropout() {
        return this == TRAIN;
    }
}
