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

import java.util.Locale;
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

    @Option(names = "--explain", description = "Print each batch gradient's loss and ‖g_k‖² as it comes, then both estimates' formulas with the numbers put in "
            + "(to stderr with --json).")
    boolean explain;

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
        java.io.PrintStream trace = json ? System.err : System.out;
        if (explain) {
            trace.printf(Locale.ROOT, "── %d batch gradients g_k of B = %d examples, disjoint, from a shuffle seeded by --seed%n", batches, gradientBatch);
            trace.printf(Locale.ROOT, "  %-4s %12s %14s %18s%n", "k", "L_k", "‖g_k‖²", "mean_j≤k ‖g_j‖²");
        }
        double[] running = new double[1];
        GradientNoiseScale.Result r = GradientNoiseScale.measure(new Objective(net(), mode), theta, dataset(), gradientBatch, batches, seed,
                explain ? (k, examples, loss, norm2) -> {
                    running[0] += norm2;
                    trace.printf(Locale.ROOT, "  %-4d %12.6g %14.6g %18.6g%n", k, loss, norm2, running[0] / k);
                } : null);
        if (explain) explainEstimates(trace, r);
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

    /** The estimators of McCandlish et al. (2018, appendix A) with the measured terms put in. */
    private static void explainEstimates(java.io.PrintStream out, GradientNoiseScale.Result r) {
        int k = r.batches(), b = r.batchSize();
        double x = r.meanBatchGradientNormSquared(), y = r.meanGradientNormSquared();
        out.println();
        out.println("── the estimates (McCandlish et al. 2018, appendix A), ḡ = (1/K) Σ_k g_k the gradient of all K batches together");
        out.printf(Locale.ROOT, "  E‖g‖² ≈ mean_k ‖g_k‖² = %.6g     ‖E g‖² ≈ ‖ḡ‖² = %.6g     spread = %.6g%n", x, y, x - y);
        out.printf(Locale.ROOT, "  signal-to-noise = ‖ḡ‖² / spread = %.6g / %.6g = %.6g%n", y, x - y, r.signalToNoise());
        out.printf(Locale.ROOT, "  ‖G‖² ≈ (K‖ḡ‖² − mean‖g_k‖²)/(K − 1) = (%d·%.6g − %.6g)/%d = %.6g   (unbiased: ‖ḡ‖² alone is inflated by the noise)%n",
                k, y, x, k - 1, r.gradientNormSquared());
        out.printf(Locale.ROOT, "  tr Σ ≈ B K/(K − 1) · spread = %d·%d/%d · %.6g = %.6g%n", b, k, k - 1, x - y, r.traceSigma());
        out.printf(Locale.ROOT, "  B_simple = tr Σ / ‖G‖² = %.6g: the batch size at which a batch gradient's noise equals its signal%n", r.bSimple());
        if (!(r.gradientNormSquared() > 0)) {
            out.println("  ‖G‖² came out ≤ 0: the true gradient is smaller than what K batches can resolve (near a minimum it is),"
                    + " so B_simple means nothing here; more or larger batches would");
        }
    }
}
