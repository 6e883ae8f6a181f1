package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.WeightNoise;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Override
    public Integer call() throws Exception {
        ParamVector theta = load(weights);
        DatasetLoss f = surface();
        SplittableRandom rng = new SplittableRandom(seed);
        List<WeightNoise.AtScale> noise = WeightNoise.isotropic(f, theta, scales, draws, rng.split());
        WeightNoise.NormControlled flat = WeightNoise.normControlled(f, theta, epsilon, relative, draws, rng.split());
        Map<String, Object> o = header("weight-noise");
        o.put("noise", "θ + σ ξ, ξ ~ N(0, I): every weight and bias gets independent N(0, σ²) noise");
        o.put("draws", draws);
        o.put("scales", scales);
        List<Map<String, Object>> rows = new ArrayList<>();
        double[] meanAcc = new double[scales.length], stdAcc = new double[scales.length], meanLoss = new double[scales.length];
        for (int i = 0; i < noise.size(); i++) {
            WeightNoise.AtScale s = noise.get(i);
            meanAcc[i] = s.accuracy().mean();
            stdAcc[i] = s.accuracy().std();
            meanLoss[i] = s.loss().mean();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sigma", s.sigma());
            row.put("accuracies", s.accuracies());
            row.put("losses", s.losses());
            rows.add(row);
        }
        o.put("accuracies", meanAcc);
        o.put("accuracy_std", stdAcc);
        o.put("losses", meanLoss);
        o.put("draws_by_scale", rows);
        Map<String, Object> fl = new LinkedHashMap<>();
        fl.put("epsilon", epsilon);
        fl.put("relative", relative);
        fl.put("radius", flat.radius());
        fl.put("loss", flat.baseLoss());
        fl.put("mean_increase", flat.summary().mean());
        fl.put("std", flat.summary().std());
        fl.put("max_increase", flat.summary().max());
        fl.put("increases", flat.increases());
        o.put("norm_controlled", fl);
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
}
