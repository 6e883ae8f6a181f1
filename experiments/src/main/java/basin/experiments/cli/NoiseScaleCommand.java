package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.probe.landscape.GradientNoiseScale;
import basin.engine.probe.landscape.RunningStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * {@code basin probe noise-scale}: the gradient noise scale from per-batch gradients (McCandlish et
 * al. 2018). The noise scale is a property of the gradients SGD follows, so the split defaults to
 * train here; {@code --split test} still chooses the other. For the same reason a model with BatchNorm
 * is run with each batch normalised by its own statistics, as in a training step, with dropout off
 * so that every batch gradient is deterministic ({@link GradientNoiseScale#sgdMode}).
 */
@Command(name = "noise-scale", mixinStandardHelpOptions = true, defaultValueProvider = NoiseScaleCommand.TrainingSplit.class,
        description = {"Gradient noise scale from per-batch gradients: ‖E g‖²/(E‖g‖² − ‖E g‖²) and B_simple = tr Σ/‖G‖².",
                "The gradients are of the training split, those SGD sees, unless --split says otherwise;",
                "BatchNorm normalises each batch by its own statistics, as in training; dropout is off, so each batch gradient is deterministic."})
public final class NoiseScaleCommand extends LandscapeCommand {

    /** {@code --split} defaults to train for this command alone (the other probes measure the test split). */
    public static final class TrainingSplit implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argSpec) {
            return argSpec.isOption() && "--split".equals(((OptionSpec) argSpec).longestName()) ? "train" : null;
        }
    }

    @Option(names = "--gradient-batch", defaultValue = "128", description = "Examples per batch gradient B (default: ${DEFAULT-VALUE}).")
    int gradientBatch;

    @Option(names = "--batches", defaultValue = "20", description = "Number K of disjoint batch gradients (default: ${DEFAULT-VALUE}).")
    int batches;

    private static final String NOT_READ = "BatchNorm running statistics not read: each batch is normalised by its own";

    /** What the outputs say about the mode of the batch gradients. */
    private static String gradientMode(Mode mode) {
        return mode.batchStatistics()
                ? "train-mode BatchNorm: each batch normalised by its own mean and variance, as in an SGD step; dropout off, so each batch gradient is deterministic"
                : "eval: without BatchNorm the gradient of an SGD step; dropout off, so each batch gradient is deterministic";
    }

    @Override
    public Integer call() throws Exception {
        if (gradientBatch < 1) throw new IllegalArgumentException("--gradient-batch must be ≥ 1, got " + gradientBatch);
        if (batches < 2) throw new IllegalArgumentException("--batches must be ≥ 2 (the spread between batch gradients needs two), got " + batches);
        ParamVector theta = load(weights);
        Mode mode = GradientNoiseScale.sgdMode(net());
        GradientNoiseScale.Result r = GradientNoiseScale.measure(new Objective(net(), mode), theta, dataset(), gradientBatch, batches, seed);
        Map<String, Object> o = header("noise-scale");
        o.put("mode", mode.label());
        o.put("gradient_mode", gradientMode(mode));
        if (mode.batchStatistics()) o.put("running_statistics", NOT_READ);
        o.put("batches_drawn", "disjoint, from a shuffle seeded by --seed");
        o.putAll(basin.experiments.report.ProbeRecords.noiseScale(r));
        if (json) {
            printJson(o);
            return 0;
        }
        System.out.printf("noise-scale  %s (%s split), %d batch gradients of %d examples%n", dataset().name(), data.split, r.batches(), r.batchSize());
        System.out.println("mode         " + gradientMode(mode));
        if (mode.batchStatistics()) System.out.println("running statistics  " + NOT_READ);
        else printStatistics(RunningStatistics.of(net()));
        System.out.printf("‖E g‖² / (E‖g‖² − ‖E g‖²)   %s%n", f(r.signalToNoise()));
        System.out.printf("B_simple = tr Σ / ‖G‖²       %s   (tr Σ %s, ‖G‖² %s)%n", f(r.bSimple()), f(r.traceSigma()), f(r.gradientNormSquared()));
        return 0;
    }
}
