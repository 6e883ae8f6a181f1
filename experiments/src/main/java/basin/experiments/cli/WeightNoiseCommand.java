package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.WeightNoise;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code basin probe weight-noise}: accuracy and loss under isotropic Gaussian weight noise θ + σξ at
 * given scales, several draws each, and the mean loss rise under perturbations of a set norm.
 */
@Command(name = "weight-noise", mixinStandardHelpOptions = true,
        description = "Accuracy under isotropic Gaussian weight noise, and loss increase under norm-controlled perturbations.")
public final class WeightNoiseCommand extends LandscapeCommand {

    @Option(names = "--scales", split = ",", defaultValue = "0,0.01,0.02,0.05", description = "Noise scales σ (default: ${DEFAULT-VALUE}).")
    double[] scales;

    @Option(names = "--draws", defaultValue = "5", description = "Noise draws per scale (default: ${DEFAULT-VALUE}).")
    int draws;

    @Option(names = "--epsilon", defaultValue = "1e-3", description = "Norm of the norm-controlled perturbations (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--relative", description = "Make the perturbation norm ε‖θ‖ instead of ε.")
    boolean relative;

    @Option(names = "--explain", description = "Print every draw: its accuracy and loss at each σ beside the noise's expected size σ√p, "
            + "and each norm-controlled rise (to stderr with --json).")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        ParamVector theta = load(weights);
        DatasetLoss f = surface();
        SplittableRandom rng = new SplittableRandom(seed);
        List<WeightNoise.AtScale> noise = WeightNoise.isotropic(f, theta, scales, draws, rng.split());
        WeightNoise.NormControlled flat = WeightNoise.normControlled(f, theta, epsilon, relative, draws, rng.split());
        Map<String, Object> o = header("weight-noise");
        Map<String, Object> noiseRecord = basin.experiments.report.ProbeRecords.weightNoise(noise, draws);
        o.putAll(noiseRecord);
        o.put("norm_controlled", basin.experiments.report.ProbeRecords.normControlled(flat));
        if (explain) explain(json ? System.err : System.out, theta, noise, flat);
        double[] meanAcc = (double[]) noiseRecord.get("accuracies"), stdAcc = (double[]) noiseRecord.get("accuracy_std"),
                meanLoss = (double[]) noiseRecord.get("losses");
        if (json) {
            printJson(o);
            return 0;
        }
        System.out.println("weight-noise  " + f.describe() + ", " + draws + " draws per scale");
        printStatistics(f.runningStatistics());
        System.out.printf("%10s  %16s  %12s%n", "sigma", "accuracy (± sd)", "mean loss");
        for (int i = 0; i < scales.length; i++) {
            System.out.printf("%10s  %7.2f%% ± %5.2f%%  %12s%n", f(scales[i]), 100 * meanAcc[i], 100 * stdAcc[i], f(meanLoss[i]));
        }
        System.out.printf("norm-controlled: ‖δ‖ = %s%s: mean ΔL %s ± %s, max %s%n", f(flat.radius()), relative ? " (ε‖θ‖)" : "",
                f(flat.summary().mean()), f(flat.summary().std()), f(flat.summary().max()));
        return 0;
    }

    /** Each draw, so the spread behind each mean is visible; ‖σξ‖ ≈ σ√p for ξ ~ N(0, I) in p dimensions, against ‖θ‖. */
    private static void explain(java.io.PrintStream out, ParamVector theta, List<WeightNoise.AtScale> noise, WeightNoise.NormControlled flat) {
        out.println();
        out.printf(Locale.ROOT, "── isotropic noise θ + σξ, ξ ~ N(0, I): each draw is one loss over the examples; ‖θ‖ = %.6g, p = %d%n", theta.norm(), theta.dim());
        for (WeightNoise.AtScale s : noise) {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < s.accuracies().length; k++) {
                b.append(String.format(Locale.ROOT, " %.2f%%/%.4g", 100 * s.accuracies()[k], s.losses()[k]));
            }
            out.printf(Locale.ROOT, "  σ = %-8s ‖σξ‖ ≈ σ√p = %-10.4g accuracy/loss per draw:%s%n", f(s.sigma()), s.sigma() * Math.sqrt(theta.dim()), b);
        }
        out.printf(Locale.ROOT, "── norm-controlled: δ = r ξ/‖ξ‖ with r = %s, L(θ) = %.6g; the rise L(θ + δ) − L(θ) per draw:", f(flat.radius()), flat.baseLoss());
        for (double d : flat.increases()) out.printf(Locale.ROOT, " %.4g", d);
        out.println();
    }
}
