package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.train.Trainer;
import basin.experiments.report.Charts;
import basin.experiments.report.RunFolder;
import basin.experiments.report.Series;
import basin.experiments.report.Table;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mlp-vs-cnn} (seed report 003): on Fashion-MNIST, model A an MLP 784-256-128-10 and model B
 * a CNN with BatchNorm and dropout, both trained with SGD (momentum 0.9, lr 0.01, batch 128, 10
 * epochs). Per-epoch learning curves (its Tables 1-2), the final summary and the generalisation gap
 * (Tables 3-4), validation accuracy under isotropic Gaussian weight noise θ + σξ at σ = 0, 0.01,
 * 0.02, 0.05 with the spread over draws (Table 5), and a 1D loss slice along a random direction for
 * both models on one plot.
 */
public final class MlpVsCnnStudy implements Study {
    static final String NAME = "mlp-vs-cnn";
    static final List<String> MODELS = List.of("A", "B");
    static final List<String> LABELS = List.of("A (MLP)", "B (CNN)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Fashion-MNIST MLP vs CNN+BN+dropout: learning curves, gaps, weight-noise robustness, 1D slices (Tables 1-5)";
    }

    @Override
    public String data() {
        return "Fashion-MNIST (Debian dataset-fashion-mnist, /usr/share/datasets/fashion-mnist)";
    }

    @Override
    public String duration() {
        return "--quick 65 s, full 40 min (2-core CPU shared with other jobs, measured)";
    }

    @Override
    public Map<String, Object> configuration(StudyOptions o) {
        boolean q = o.quick();
        String dataset = o.dataset() != null ? o.dataset() : "fashion-mnist";
        int epochs = o.epochs() != null ? o.epochs() : q ? 2 : 10;
        Integer trainLimit = o.trainLimit() != null ? o.trainLimit() : q ? Integer.valueOf(6000) : null;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("study", NAME);
        c.put("seed_report", "shared/seeds/003_c7e6509801de11f4.txt");
        c.put("quick", q);
        c.put("data", StudyData.describe(dataset, o.data(), StudyData.normalisation(o.normalisation(), "unit"), trainLimit,
                q ? 1000 : 5000, q ? 2000 : null, o.seed()));
        Map<String, Object> models = new LinkedHashMap<>();
        for (String m : MODELS) models.put(m, plan(m, epochs, o.seed()).describe());
        c.put("models", models);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("noise_examples", q ? 500 : 2000);
        p.put("noise_set", "the first noise_examples examples of the validation split ('a subset of the validation set')");
        p.put("noise_sigmas", new double[] {0, 0.01, 0.02, 0.05});
        p.put("noise_draws", q ? 3 : 10);
        p.put("slice_alphas", q ? new double[] {-1, 1, 11} : new double[] {-1, 1, 41});
        p.put("slice_examples", q ? 500 : 2000);
        p.put("slice_direction", "Gaussian, filter-normalised (Li et al. 2018), biases and BatchNorm parameters not moved; one draw per model");
        p.put("probe_seed", o.seed());
        c.put("probes", p);
        List<Map<String, String>> w = new ArrayList<>();
        w.add(StudyConfig.why("model B's FC block: Linear(3136→128) + ReLU + Dropout 0.5 + Linear(128→10)",
                "the report gives no width; 128 keeps B's parameter count (421,834) near A's (235,146) order of magnitude"));
        w.add(StudyConfig.why("convolutions 3×3, padding 1, max-pool 2", "the report gives no kernel sizes; the usual Fashion-MNIST CNN"));
        w.add(StudyConfig.why("pixels in [0, 1]", "the report: 'All inputs were normalized to [0, 1]'"));
        w.add(StudyConfig.why("validation: 5000 examples held out of the 60 000 training images",
                "the report trains on 60 000 and reports validation accuracy; a held-out part keeps the test set for test accuracy"));
        w.add(StudyConfig.why("weight noise on 2000 validation examples, 10 draws per σ", "the report: 'a subset of the validation set'; "
                + "draws give the spread it does not report"));
        w.add(StudyConfig.why("1D slice: filter-normalised Gaussian direction, α ∈ [−1, 1]",
                "the report's 'random direction' without a scale; filter normalisation puts both models on the scale of their own weights"));
        c.put("choices", w);
        return c;
    }

    /** Model m's training; its protocol seed (A: 0, B: 1) plus the run's {@code --seed}. */
    static TrainStep.Plan plan(String m, int epochs, long seed) {
        String spec = m.equals("A") ? ModelSpec.mlp(new int[] {1, 28, 28}, 256, 128, 10) : StudyModels.mlpVsCnnCnn();
        return new TrainStep.Plan(m, spec, epochs, 128, 0.01, "constant", 0.9, 0, (m.equals("A") ? 0 : 1) + seed);
    }

    @Override
    public List<Step> steps(StudyOptions options, Map<String, Object> config) {
        StudyContext context = new StudyContext(NAME, options, config, new int[] {1, 28, 28}, System.out);
        int epochs = StudyConfig.epochs(config);
        List<Step> steps = new ArrayList<>();
        for (String m : MODELS) steps.add(TrainStep.of(context, plan(m, epochs, options.seed())));
        steps.add(new Step("weight-noise", "validation accuracy under θ + σξ for both models", run -> weightNoise(context, run, epochs)));
        steps.add(new Step("slice1d", "1D loss slice along a random direction for both models", run -> slices(context, run, epochs)));
        steps.add(new Step("tables", "Tables 1-5 beside the report's", run -> tables(run)));
        steps.add(new Step("plots", "learning curves, gap, weight noise, slices", run -> plots(run)));
        steps.add(new Step("report", "report.html and summary.json", run -> MlpVsCnnReport.write(run)));
        return steps;
    }

    private static Dataset firstValidation(StudyContext context, String step, String key) {
        Dataset v = context.data(step).validation();
        return v.first(Math.min(StudyConfig.intOf(StudyConfig.probes(context.config()), key), v.count()));
    }

    private void weightNoise(StudyContext context, StudyRun run, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        RunFolder probes = new RunFolder(run.path().resolve("probes"));
        Dataset examples = firstValidation(context, "weight-noise", "noise_examples");
        for (String m : MODELS) {
            StudyContext.Trained model = context.trained(run.path(), m, epochs);
            DatasetLoss f = new DatasetLoss(model.model(), examples, 500, context.backend());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", m);
            o.put("evaluation", StudyProbes.evaluation(model, examples));
            o.putAll(StudyProbes.weightNoise(model, f, StudyReport.doubles(RunFolder.JSON.valueToTree(p.get("noise_sigmas"))),
                    StudyConfig.intOf(p, "noise_draws"), ((Number) p.get("probe_seed")).longValue() + MODELS.indexOf(m)));
            StudyProbes.write(probes, "weight-noise-" + m, o);
        }
    }

    private void slices(StudyContext context, StudyRun run, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        RunFolder slices = new RunFolder(run.path().resolve("slices"));
        Dataset examples = firstValidation(context, "slice1d", "slice_examples");
        for (String m : MODELS) {
            StudyContext.Trained model = context.trained(run.path(), m, epochs);
            DatasetLoss f = new DatasetLoss(model.model(), examples, 500, context.backend());
            Map<String, Object> o = StudyProbes.slice1d(context, slices, "slice1d-" + m, model, f, StudyConfig.range(p, "slice_alphas"),
                    ((Number) p.get("probe_seed")).longValue() + 10 + MODELS.indexOf(m));
            o.put("evaluation", StudyProbes.evaluation(model, examples));
            StudyProbes.write(slices, "slice1d-" + m, o);
            slices.writeText("slice1d-" + m + ".csv", StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("losses"), (double[]) o.get("accuracies")));
        }
    }

    /** Tables 1-2: a model's per-epoch training and validation numbers, the report's first five epochs beside. */
    static Table epochTable(Path run, int k) throws IOException {
        String m = MODELS.get(k);
        JsonNode seed = StudyReport.seed(NAME).at("/epochs/" + m);
        Table t = new Table("Table " + (k + 1) + ": model " + LABELS.get(k) + " per epoch (Basin | seed report 003, Table " + (k + 1) + ", epochs 1-5)",
                List.of("Epoch", "Train Loss", "Train Acc", "Val Loss", "Val Acc", "Test Acc",
                        "report Train Loss", "report Train Acc", "report Val Loss", "report Val Acc"));
        for (Trainer.EpochLog e : StudyReport.log(run, m)) {
            JsonNode s = e.epoch() <= seed.size() ? seed.get(e.epoch() - 1) : null;
            t.row(List.of(String.valueOf(e.epoch()), StudyReport.n(e.trainLoss(), 4), StudyReport.n(e.trainAccuracy(), 4),
                    StudyReport.n(e.validationLoss(), 4), StudyReport.n(e.validationAccuracy(), 4), StudyReport.n(e.testAccuracy(), 4),
                    s == null ? "–" : StudyReport.n(s.get("train_loss"), 4), s == null ? "–" : StudyReport.n(s.get("train_accuracy"), 4),
                    s == null ? "–" : StudyReport.n(s.get("validation_loss"), 4), s == null ? "–" : StudyReport.n(s.get("validation_accuracy"), 4)));
        }
        return t;
    }

    /** Table 3: the final epoch of each model. */
    static Table finalTable(Path run) throws IOException {
        Table t = new Table("Table 3: final epoch summary (Basin | seed report 003, Table 3)",
                List.of("Model", "Train Loss", "Train Acc", "Val Loss", "Val Acc", "Test Loss", "Test Acc",
                        "report Train Loss", "report Train Acc", "report Val Loss", "report Val Acc"));
        for (int k = 0; k < MODELS.size(); k++) {
            List<Trainer.EpochLog> log = StudyReport.log(run, MODELS.get(k));
            Trainer.EpochLog e = log.get(log.size() - 1);
            JsonNode s = StudyReport.seed(NAME).at("/final/" + MODELS.get(k));
            t.row(List.of(LABELS.get(k), StudyReport.n(e.trainLoss(), 4), StudyReport.n(e.trainAccuracy(), 4), StudyReport.n(e.validationLoss(), 4),
                    StudyReport.n(e.validationAccuracy(), 4), StudyReport.n(e.testLoss(), 4), StudyReport.n(e.testAccuracy(), 4),
                    StudyReport.n(s.get("train_loss"), 4), StudyReport.n(s.get("train_accuracy"), 4),
                    StudyReport.n(s.get("validation_loss"), 4), StudyReport.n(s.get("validation_accuracy"), 4)));
        }
        return t;
    }

    /** Table 4: the generalisation gap, train − validation accuracy, at the final epoch. */
    static Table gapTable(Path run) throws IOException {
        Table t = new Table("Table 4: generalisation gap, train − validation accuracy (Basin | seed report 003, Table 4)",
                List.of("Model", "Gap", "Train − test acc", "report Gap"));
        for (int k = 0; k < MODELS.size(); k++) {
            List<Trainer.EpochLog> log = StudyReport.log(run, MODELS.get(k));
            Trainer.EpochLog e = log.get(log.size() - 1);
            t.row(List.of(LABELS.get(k), StudyReport.n(e.trainAccuracy() - e.validationAccuracy(), 4),
                    StudyReport.n(e.trainAccuracy() - e.testAccuracy(), 4), StudyReport.n(StudyReport.seed(NAME).at("/final/" + MODELS.get(k) + "/gap"), 4)));
        }
        return t;
    }

    /** Table 5: validation accuracy under isotropic weight noise, mean ± standard deviation over the draws. */
    static Table noiseTable(Path run) throws IOException {
        JsonNode a = RunFolder.JSON.readTree(run.resolve("probes/weight-noise-A.json").toFile());
        JsonNode b = RunFolder.JSON.readTree(run.resolve("probes/weight-noise-B.json").toFile());
        JsonNode seed = StudyReport.seed(NAME).get("weight_noise");
        Table t = new Table("Table 5: validation accuracy under parameter noise θ + σξ, mean ± sd over " + a.get("draws").asInt()
                + " draws (Basin | seed report 003, Table 5)", List.of("Noise Scale", "Model A Acc", "Model B Acc", "report Model A Acc", "report Model B Acc"));
        for (int i = 0; i < a.get("scales").size(); i++) {
            double sigma = a.get("scales").get(i).asDouble();
            JsonNode s = null;
            for (JsonNode row : seed) if (Math.abs(row.get("sigma").asDouble() - sigma) < 1e-12) s = row;
            t.row(List.of(StudyReport.n(sigma, 3), pm(a, i), pm(b, i), s == null ? "–" : StudyReport.n(s.get("A"), 4), s == null ? "–" : StudyReport.n(s.get("B"), 4)));
        }
        return t;
    }

    private static String pm(JsonNode noise, int i) {
        return StudyReport.n(noise.get("accuracies").get(i), 4) + " ± " + StudyReport.n(noise.get("accuracy_std").get(i), 4);
    }

    private void tables(StudyRun run) throws IOException {
        RunFolder tables = new RunFolder(run.path().resolve("tables"));
        StudyReport.write(tables, "table1", epochTable(run.path(), 0));
        StudyReport.write(tables, "table2", epochTable(run.path(), 1));
        StudyReport.write(tables, "table3", finalTable(run.path()));
        StudyReport.write(tables, "table4", gapTable(run.path()));
        StudyReport.write(tables, "table5", noiseTable(run.path()));
    }

    private void plots(StudyRun run) throws IOException {
        RunFolder plots = new RunFolder(run.path().resolve("plots"));
        StudyReport.learningCurves(run.path(), plots, MODELS, LABELS);
        List<Series> noise = new ArrayList<>(), slice = new ArrayList<>();
        for (int k = 0; k < MODELS.size(); k++) {
            JsonNode w = RunFolder.JSON.readTree(run.path().resolve("probes/weight-noise-" + MODELS.get(k) + ".json").toFile());
            double[] acc = StudyReport.doubles(w.get("accuracies")), sd = StudyReport.doubles(w.get("accuracy_std"));
            for (int i = 0; i < acc.length; i++) {
                acc[i] *= 100;
                sd[i] *= 100;
            }
            noise.add(new Series(LABELS.get(k), StudyReport.doubles(w.get("scales")), acc, sd));
            JsonNode s = RunFolder.JSON.readTree(run.path().resolve("slices/slice1d-" + MODELS.get(k) + ".json").toFile());
            slice.add(Series.of(LABELS.get(k), StudyReport.doubles(s.get("alphas")), StudyReport.doubles(s.get("losses"))));
        }
        Charts.lines(plots, "weight-noise", "Validation accuracy under weight noise θ + σξ (± sd over draws)", "σ (noise standard deviation per weight)",
                "validation accuracy (%)", noise, List.of());
        Charts.lines(plots, "slice1d", "1D loss slice along a filter-normalised random direction", "α (step along the direction)",
                "validation loss (nats)", slice, List.of());
    }

    /** Runs the study from the command line: {@code java … MlpVsCnnStudy [basin study options]}. */
    public static void main(String[] args) {
        System.exit(basin.experiments.cli.StudyCommand.run(NAME, args));
    }
}
