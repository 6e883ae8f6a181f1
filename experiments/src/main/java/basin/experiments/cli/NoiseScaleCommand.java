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
 * train here; {@code --split test} still chooses the other.
 */
@Command(name = "noise-scale", mixinStandardHelpOptions = true, defaultValueProvider = NoiseScaleCommand.TrainingSplit.class,
        description = {"Gradient noise scale from per-batch gradients: ‖E g‖²/(E‖g‖² − ‖E g‖²) and B_simple = tr Σ/‖G‖².",
                "The gradients are of the training split, those SGD sees, unless --split says otherwise."})
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

    @Override
    public Integer call() throws Exception {
        ParamVector theta = load(weights);
        GradientNoiseScale.Result r = GradientNoiseScale.measure(new Objective(net(), Mode.EVAL), theta, dataset(), gradientBatch, batches, seed);
        Map<String, Object> o = header("noise-scale");
        o.put("batch_size", r.batchSize());
        o.put("batches", r.batches());
        o.put("batches_drawn", "disjoint, from a shuffle seeded by --seed");
        o.put("mean_gradient_norm_squared", r.meanGradientNormSquared());
        o.put("mean_batch_gradient_norm_squared", r.meanBatchGradientNormSquared());
        o.put("noise_scale", r.signalToNoise());
        o.put("noise_scale_formula", "‖E g‖² / (E‖g‖² − ‖E g‖²) over the K batch gradients");
        o.put("gradient_norm_squared", r.gradientNormSquared());
        o.put("trace_sigma", r.traceSigma());
        o.put("b_simple", r.bSimple());
        o.put("b_simple_formula", "tr(Σ)/‖G‖², unbiased estimates of McCandlish et al. 2018 app. A with B_small = B, B_big = K·B");
        if (json) {
            printJson(o);
            return 0;
        }
        System.out.printf("noise-scale  %s (%s split), %d batch gradients of %d examples (eval mode)%n", dataset().name(), data.split, r.batches(), r.batchSize());
        printStatistics(RunningStatistics.of(net()));
        System.out.printf("‖E g‖² / (E‖g‖² − ‖E g‖²)   %s%n", f(r.signalToNoise()));
        System.out.printf("B_simple = tr Σ / ‖G‖²       %s   (tr Σ %s, ‖G‖² %s)%n", f(r.bSimple()), f(r.traceSigma()), f(r.gradientNormSquared()));
        return 0;
    }
}
