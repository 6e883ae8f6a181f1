package basin.experiments.cli;

import basin.engine.nn.Mode;
import picocli.CommandLine.Option;

/**
 * {@code --mode eval|batch-statistics}: which loss the curvature is taken of. Eval (the default) is
 * the loss with BatchNorm on its running statistics and dropout off, a fixed function of θ.
 * Batch statistics is the train-mode loss of a BatchNorm network made deterministic (no dropout, no
 * running-average updates): its Hessian includes how each batch's mean and variance move with θ, so
 * it depends on how the examples are split into batches, and outputs say so.
 */
public final class CurvatureModeOption {

    @Option(names = "--mode", defaultValue = "eval",
            description = "eval (BatchNorm on running statistics, the default) or batch-statistics (train-mode BatchNorm, "
                    + "each --batch normalised by its own statistics; no dropout).")
    String mode;

    Mode mode() {
        switch (mode) {
            case "eval":
                return Mode.EVAL;
            case "batch-statistics":
                return Mode.BATCH_STATISTICS;
            default:
                throw new IllegalArgumentException("--mode must be eval or batch-statistics, got '" + mode + "'");
        }
    }

    /** What the outputs say about the mode, batching included when it matters. */
    String describe(int batch) {
        Mode m = mode();
        return m == Mode.EVAL ? m.label()
                : m.label() + ": the Hessian of the mean of per-batch losses, batches of " + batch + " in file order";
    }
}
