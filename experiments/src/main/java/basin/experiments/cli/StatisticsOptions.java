package basin.experiments.cli;

import picocli.CommandLine.Option;

/**
 * Where a path between models recomputes BatchNorm's running statistics at each point: the training
 * split of {@code --dataset}, in file order ({@code --statistics-limit}, {@code --statistics-batch}).
 * A model without BatchNorm ignores them.
 */
public final class StatisticsOptions {

    @Option(names = "--statistics-limit", description = "Recompute BatchNorm statistics from only the first N training examples (default: all of them, as update_bn).")
    Integer limit;

    @Option(names = "--statistics-batch", defaultValue = "128",
            description = "Batch size of the train-mode passes that recompute BatchNorm statistics (default: ${DEFAULT-VALUE}, Garipov et al.'s training batch).")
    int batch;
}
