package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.PowerIteration;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Directions;
import basin.engine.probe.landscape.GradientNoiseScale;
import basin.engine.probe.landscape.GridFile;
import basin.engine.probe.landscape.LinearPath;
import basin.engine.probe.landscape.PathResult;
import basin.engine.probe.landscape.Slice;
import basin.engine.probe.landscape.TwoModelPlane;
import basin.engine.probe.landscape.WeightNoise;
import basin.engine.train.DeviceBatches;
import basin.engine.train.Evaluation;
import basin.experiments.report.ProbeRecords;
import basin.experiments.report.RunFolder;
import basin.kernels.cpu.CpuBackend;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The probes the studies run, each on a trained model and a fixed set of examples, through the
 * engine's probes and {@link ProbeRecords}' fields (the same as {@code basin probe …} prints). Each
 * returns its record; grids stream their points into a resumable grid file beside the result.
 */
public final class StudyProbes {
    private StudyProbes() {
    }

    /** Threads over grid points: every core on the CPU, one on a GPU (its one stream serialises them anyway). */
    static int threads(StudyContext context) {
        return context.backend() instanceof CpuBackend ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /**
     * λmax of the Hessian of the mean loss over {@code examples} (eval mode): power iteration, stopped
     * on its residual, and Lanczos with its residual beside it.
     */
    public static Map<String, Object> lambdaMax(StudyContext context, StudyContext.Trained m, Dataset examples,
                                                int maxIterations, double tol, int lanczosSteps, long seed) {
        HessianOperator h = new HessianOperator(new Objective(m.model(), Mode.EVAL), m.theta(),
                new DeviceBatches(context.backend(), examples, 500).resident());
        PowerIteration.Result power = PowerIteration.run(h, maxIterations, tol, new SplittableRandom(seed), null);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("examples", h.examples());
        o.put("power_iteration", ProbeRecords.powerIteration(power, maxIterations, tol, h.hvpCount()));
        long before = h.hvpCount();
        Lanczos.Result lanczos = Lanczos.run(h, lanczosSteps, new SplittableRandom(seed + 1), null);
        double residual = lanczos.residual(h, 0);
        o.put("lanczos", ProbeRecords.lanczos(lanczos, residual, h.hvpCount() - before));
        context.console().printf(Locale.ROOT, "  %s: λmax %.4f by power iteration (%d steps, residual %.1e, %s), %.4f by Lanczos (%d steps, residual %.1e)%n",
                m.name(), power.lambda(), power.iterations(), power.residual(), power.converged() ? "converged" : "NOT converged",
                lanczos.topK(1)[0], lanczos.steps(), residual);
        return o;
    }

    /** Flatness: the mean loss increase under norm-controlled perturbations, ‖δ‖ = ε. */
    public static Map<String, Object> flatness(StudyContext.Trained m, DatasetLoss f, double epsilon, int draws, long seed) {
        return ProbeRecords.normControlled(WeightNoise.normControlled(f, m.theta(), epsilon, false, draws, new SplittableRandom(seed)));
    }

    /** The gradient noise scale from {@code batches} disjoint batch gradients of the training split. */
    public static Map<String, Object> noiseScale(StudyContext.Trained m, Dataset train, int batch, int batches, long seed) {
        Mode mode = GradientNoiseScale.sgdMode(m.model());
        GradientNoiseScale.Result r = GradientNoiseScale.measure(new Objective(m.model(), mode), m.theta(), train, batch, batches, seed);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("mode", mode.label());
        o.putAll(ProbeRecords.noiseScale(r));
        return o;
    }

    /** Loss and accuracy of a model on a set of examples, as {@code basin eval} computes them (batches of 500). */
    public static Map<String, Object> evaluation(StudyContext.Trained m, Dataset examples) {
        return evaluation(m, examples, 500);
    }

    /** The same in batches of {@code batch} examples (the loss is weighted by batch size, so it does not depend on it). */
    public static Map<String, Object> evaluation(StudyContext.Trained m, Dataset examples, int batch) {
        Evaluation.Result r = Evaluation.of(m.model(), m.theta(), examples, batch);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("loss", r.loss());
        o.put("accuracy", r.accuracy());
        o.put("examples", r.examples());
        o.put("dataset", examples.name());
        return o;
    }

    /** The linear path θ(α) = (1 − α) θ_A + α θ_B with its barrier, resumable through {@code paths/NAME.jsonl}. */
    public static Map<String, Object> interpolation(StudyContext context, RunFolder folder, String name, StudyContext.Trained a,
                                                    StudyContext.Trained b, DatasetLoss f, int points) {
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("probe", "interpolate");
        grid.put("weights", a.weights().getFileName().toString());
        grid.put("weights_b", b.weights().getFileName().toString());
        grid.put("points", points);
        grid.put("examples", f.describe());
        PathResult path;
        try (GridFile log = GridFile.open(folder.resolve(name + ".jsonl"), grid)) {
            path = LinearPath.measure(f, a.theta(), b.theta(), points, threads(context), log);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("from", a.name());
        o.put("to", b.name());
        o.put("path", "θ(α) = (1 − α) θ_A + α θ_B");
        o.put("examples", f.describe());
        o.put("running_statistics", path.runningStatistics());
        o.putAll(ProbeRecords.path(path));
        context.console().printf(Locale.ROOT, "  barrier %.4f at α = %.2f (ends %.4f, %.4f)%n",
                path.barrier().barrier(), path.barrier().argmax(), path.barrier().lossStart(), path.barrier().lossEnd());
        return o;
    }

    /** The plane through two models (α along A → B, β random and orthogonal, centred at the midpoint). */
    public static Map<String, Object> plane(StudyContext context, RunFolder folder, String name, StudyContext.Trained a,
                                            StudyContext.Trained b, DatasetLoss f, double[] alphas, double[] betas, long seed) {
        TwoModelPlane plane = TwoModelPlane.through(a.theta(), b.theta(), new SplittableRandom(seed));
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("probe", "plane");
        grid.put("weights", a.weights().getFileName().toString());
        grid.put("weights_b", b.weights().getFileName().toString());
        grid.put("alphas", alphas);
        grid.put("betas", betas);
        grid.put("seed", seed);
        grid.put("examples", f.describe());
        Slice.Result r;
        try (GridFile log = GridFile.open(folder.resolve(name + ".jsonl"), grid)) {
            r = plane.measure(f, alphas, betas, threads(context), log);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("plane", "θ(α, β) = m + α d₁ + β d₂, m = (θ_A + θ_B)/2, d₁ = (θ_B − θ_A)/2, d₂ Gaussian ⟂ d₁ with ‖d₂‖ = ‖d₁‖");
        o.put("examples", f.describe());
        o.put("running_statistics", f.runningStatistics().describe());
        o.put("model_a", a.name());
        o.put("model_b", b.name());
        o.put("coordinates_a", plane.coordinatesA());
        o.put("coordinates_b", plane.coordinatesB());
        o.put("seed", seed);
        o.putAll(ProbeRecords.slice(r));
        return o;
    }

    /** Accuracy and loss under isotropic Gaussian weight noise θ + σξ, with the spread over draws. */
    public static Map<String, Object> weightNoise(StudyContext.Trained m, DatasetLoss f, double[] sigmas, int draws, long seed) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("examples", f.describe());
        o.putAll(ProbeRecords.weightNoise(WeightNoise.isotropic(f, m.theta(), sigmas, draws, new SplittableRandom(seed)), draws));
        return o;
    }

    /**
     * A 1D slice f(α) = L(θ + α d) along a random Gaussian direction d, filter-normalised
     * (d_i ← d_i/‖d_i‖·‖θ_i‖, Li et al. 2018) so that models of different sizes are sliced on the same
     * scale, resumable through {@code NAME.jsonl}.
     */
    public static Map<String, Object> slice1d(StudyContext context, RunFolder folder, String name, StudyContext.Trained m,
                                              DatasetLoss f, double[] alphas, long seed) {
        return slice1d(context, folder, name, m, f, alphas, true, seed);
    }

    /**
     * The same slice along a Gaussian direction that is filter-normalised or, with
     * {@code filterNormalised} false, rescaled as a whole to the filter-normalised direction's length.
     */
    public static Map<String, Object> slice1d(StudyContext context, RunFolder folder, String name, StudyContext.Trained m,
                                              DatasetLoss f, double[] alphas, boolean filterNormalised, long seed) {
        ParamVector raw = Directions.gaussian(context.backend(), m.theta().layout(), new SplittableRandom(seed));
        ParamVector d = Directions.filterNormalised(raw, m.theta(), Directions.OneDimensional.IGNORE);
        if (!filterNormalised) {
            raw.scal(d.norm() / raw.norm());
            d = raw;
        }
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("probe", "slice1d");
        grid.put("weights", m.weights().getFileName().toString());
        grid.put("alphas", alphas);
        grid.put("filter_normalised", filterNormalised);
        grid.put("seed", seed);
        grid.put("examples", f.describe());
        Slice.Result r;
        try (GridFile log = GridFile.open(folder.resolve(name + ".jsonl"), grid)) {
            r = Slice.line(f, m.theta(), d, alphas, threads(context), log);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.name());
        o.put("direction", filterNormalised ? "Gaussian, filter-normalised (" + Directions.OneDimensional.IGNORE.describe() + ")"
                : "Gaussian, not normalised per filter: rescaled as a whole to the filter-normalised direction's length");
        o.put("direction_norm", d.norm());
        o.put("theta_norm", m.theta().norm());
        o.put("examples", f.describe());
        o.put("running_statistics", f.runningStatistics().describe());
        o.putAll(ProbeRecords.slice(r));
        return o;
    }

    /**
     * A 2D slice f(α, β) = L(θ + α d₁ + β d₂) around one model, d₁ and d₂ Gaussian, then either
     * filter-normalised (d_i ← d_i/‖d_i‖·‖θ_i‖ per filter, biases and BatchNorm parameters not moved)
     * or, with {@code filterNormalised} false, rescaled as whole vectors to the length of the
     * filter-normalised ones, so that the two differ only in how that length is spread over the
     * filters. Resumable through {@code NAME.jsonl}.
     */
    public static Map<String, Object> slice2d(StudyContext context, RunFolder folder, String name, StudyContext.Trained m, DatasetLoss f,
                                              double[] alphas, double[] betas, boolean filterNormalised, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ParamVector[] d = new ParamVector[2];
        for (int k = 0; k < 2; k++) {
            ParamVector raw = Directions.gaussian(context.backend(), m.theta().layout(), rng);
            ParamVector normalised = Directions.filterNormalised(raw, m.theta(), Directions.OneDimensional.IGNORE);
            if (filterNormalised) {
                d[k] = normalised;
            } else {
                raw.scal(normalised.norm() / raw.norm());
                d[k] = raw;
            }
        }
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("probe", "slice2d");
        grid.put("weights", m.weights().getFileName().toString());
        grid.put("alphas", alphas);
        grid.put("betas", betas);
        grid.put("filter_normalised", filterNormalised);
        grid.put("seed", seed);
        grid.put("examples", f.describe());
        Slice.Result r;
        try (GridFile log = GridFile.open(folder.resolve(name + ".jsonl"), grid)) {
            r = Slice.plane(f, m.theta(), d[0], d[1], alphas, betas, threads(context), log);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.name());
        o.put("directions", filterNormalised ? "Gaussian, filter-normalised (biases and BatchNorm parameters not moved)"
                : "Gaussian, not normalised per filter: each rescaled as a whole to the filter-normalised direction's length");
        o.put("direction_norms", new double[] {d[0].norm(), d[1].norm()});
        o.put("theta_norm", m.theta().norm());
        o.put("examples", f.describe());
        o.put("running_statistics", f.runningStatistics().describe());
        o.putAll(ProbeRecords.slice(r));
        return o;
    }

    /** Writes a record as {@code NAME.json} in {@code folder}. */
    static void write(RunFolder folder, String name, Map<String, Object> record) {
        folder.writeJson(name + ".json", record);
    }

    /** Reads a record a step wrote. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path file) throws java.io.IOException {
        return RunFolder.JSON.readValue(file.toFile(), Map.class);
    }

    /**
     * The scalar fields of a probe record as CSV rows {@code measure,value}, nested names joined by
     * dots ({@code curvature.power_iteration.lambda_max}); arrays are left to the JSON.
     */
    @SuppressWarnings("unchecked")
    static String scalarsCsv(Map<String, Object> record) {
        StringBuilder b = new StringBuilder("measure,value\n");
        appendScalars("", record, b);
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static void appendScalars(String prefix, Map<String, Object> record, StringBuilder b) {
        for (Map.Entry<String, Object> e : record.entrySet()) {
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) appendScalars(name, (Map<String, Object>) m, b);
            else if (v instanceof Number || v instanceof Boolean) b.append(name).append(',').append(v).append('\n');
        }
    }

    /** A path or 1D slice as CSV: α, loss, accuracy. */
    static String csv(double[] alphas, double[] losses, double[] accuracies) {
        StringBuilder b = new StringBuilder("alpha,loss,accuracy\n");
        for (int i = 0; i < alphas.length; i++) b.append(alphas[i]).append(',').append(losses[i]).append(',').append(accuracies[i]).append('\n');
        return b.toString();
    }

    /** A plane as CSV, α outer: α, β, loss, accuracy. */
    static String csv(double[] alphas, double[] betas, double[][] losses, double[][] accuracies) {
        StringBuilder b = new StringBuilder("alpha,beta,loss,accuracy\n");
        for (int i = 0; i < alphas.length; i++) {
            for (int j = 0; j < betas.length; j++) {
                b.append(alphas[i]).append(',').append(betas[j]).append(',').append(losses[i][j]).append(',').append(accuracies[i][j]).append('\n');
            }
        }
        return b.toString();
    }
}
