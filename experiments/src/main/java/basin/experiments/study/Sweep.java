package basin.experiments.study;

import basin.engine.probe.landscape.Correlation;
import basin.engine.probe.landscape.Significance;
import basin.experiments.report.Charts;
import basin.experiments.report.ReportPage;
import basin.experiments.report.RunFolder;
import basin.experiments.report.Series;
import basin.experiments.report.Table;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A study run over several seeds as one command ({@code basin study NAME --seeds 0,1,2}): each seed
 * a complete, resumable run in {@code seed-S/} (its models' initialisation, data order, validation
 * split and probe draws all move with the seed), then the sweep's summary across runs: every
 * measure of every model against its test accuracy and its generalisation gap (train − test
 * accuracy), with Pearson's r and Kendall's τ_b and their two-sided p-values ({@link Significance}),
 * as a table ({@code tables/correlations.md}), scatter plots and {@code report.html}. A run that
 * fails (a divergent model) is reported by name and the sweep goes on with the others.
 */
public final class Sweep {
    /** Fields of a model's summary that are generalisation, not measures of the landscape. */
    private static final Set<String> TARGETS = Set.of("train_accuracy", "validation_accuracy", "test_accuracy", "gap");

    private Sweep() {
    }

    /** One row: a model of one seed's run, its measures and its generalisation. */
    record Row(long seed, String model, Map<String, Double> measures, double testAccuracy, double gap) {
    }

    /**
     * Where a sweep's runs happen: one after another here ({@link #run(Study, StudyOptions, List, Path, PrintStream)}),
     * or as tasks of a cluster. Returns what failed, as "seed S: reason".
     */
    public interface Runs {
        List<String> run(List<Long> seeds);
    }

    /** Runs {@code study} for every seed into {@code dir/seed-S}, one after another, then writes the summary across them. */
    public static void run(Study study, StudyOptions options, List<Long> seeds, Path dir, PrintStream console) throws IOException {
        run(study, seeds, dir, remaining -> {
            List<String> failed = new ArrayList<>();
            for (long seed : remaining) {
                console.println("sweep   " + study.name() + ", seed " + seed + " → " + dir.resolve("seed-" + seed));
                String failure = runOne(study, options.withSeed(seed), dir.resolve("seed-" + seed), console);
                if (failure != null) {
                    console.println("sweep   seed " + seed + " failed, the sweep goes on: " + failure);
                    failed.add("seed " + seed + ": " + failure);
                }
            }
            return failed;
        });
    }

    /** Runs {@code study} for every seed into {@code dir/seed-S} by {@code runs}, then writes the summary across them. */
    public static void run(Study study, List<Long> seeds, Path dir, Runs runs) throws IOException {
        if (seeds.size() < 2) throw new StudyException("--seeds: a sweep needs at least two seeds, got " + seeds);
        RunFolder folder = new RunFolder(dir);
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("study", study.name());
        identity.put("seeds", seeds);
        Path sweepFile = dir.resolve("sweep.json");
        if (Files.exists(sweepFile)) {
            JsonNode before = RunFolder.JSON.readTree(sweepFile.toFile());
            if (!before.path("study").asText().equals(study.name())) {
                throw new StudyException(dir + " holds a sweep of study '" + before.path("study").asText() + "', not '" + study.name()
                        + "'; nothing was changed there: choose another --out");
            }
        }
        List<String> failed = runs.run(seeds);
        identity.put("failed", failed);
        folder.writeJson("sweep.json", identity);
        List<Row> rows = new ArrayList<>();
        for (long seed : seeds) {
            Path summary = dir.resolve("seed-" + seed).resolve("summary.json");
            if (Files.exists(summary)) rows.addAll(rows(seed, RunFolder.JSON.readTree(summary.toFile())));
        }
        if (rows.size() < 3) {
            throw new StudyException("sweep of " + study.name() + ": only " + rows.size() + " finished models, too few to correlate"
                    + (failed.isEmpty() ? "" : "; failed: " + String.join("; ", failed)));
        }
        summarise(study, folder, rows, failed, seeds);
    }

    /**
     * One seed's run, resumed where it stopped: null when it finished, else why it failed (a
     * divergent model), so that the sweep goes on with the others.
     */
    public static String runOne(Study study, StudyOptions seeded, Path runDir, PrintStream console) {
        Map<String, Object> config = study.configuration(seeded);
        try {
            new StudyRun(runDir, study.name(), config, console).run(study.steps(seeded, config));
            return null;
        } catch (StudyException e) {
            return e.getMessage();
        }
    }

    /** Whether a seed's run has every step finished under its configuration (then it is not run again). */
    public static boolean finished(Study study, StudyOptions seeded, Path runDir) {
        if (!Files.exists(runDir.resolve("steps.json"))) return false;
        Map<String, Object> config = study.configuration(seeded);
        StudyRun run = new StudyRun(runDir, study.name(), config, new PrintStream(PrintStream.nullOutputStream()));
        return study.steps(seeded, config).stream().allMatch(step -> run.isFinished(step.name()));
    }

    /** The models of one run's summary: each object with an accuracy is a model; a flat summary is one model. */
    static List<Row> rows(long seed, JsonNode summary) {
        List<Row> rows = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = summary.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject() && e.getValue().has("test_accuracy")) rows.add(row(seed, e.getKey(), e.getValue()));
        }
        if (rows.isEmpty() && summary.has("test_accuracy")) rows.add(row(seed, "model", summary));
        return rows;
    }

    private static Row row(long seed, String model, JsonNode m) {
        Map<String, Double> measures = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            // residuals say how far an estimate can be from its eigenvalue: diagnostics, not measures
            if (f.getValue().isNumber() && !TARGETS.contains(f.getKey()) && !f.getKey().endsWith("_residual")) {
                measures.put(f.getKey(), f.getValue().asDouble());
            }
        }
        double test = m.get("test_accuracy").asDouble();
        double gap = m.has("gap") ? m.get("gap").asDouble() : m.has("train_accuracy") ? m.get("train_accuracy").asDouble() - test : Double.NaN;
        return new Row(seed, model, measures, test, gap);
    }

    private static void summarise(Study study, RunFolder folder, List<Row> rows, List<String> failed, List<Long> seeds) {
        Set<String> names = new LinkedHashSet<>();
        for (Row r : rows) names.addAll(r.measures().keySet());
        Table t = new Table("Each measure against generalisation across the sweep's " + rows.size() + " models (seeds " + seeds + ")",
                List.of("Measure", "Against", "n", "Pearson r", "p", "Kendall τ_b", "p"));
        List<Map<String, Object>> records = new ArrayList<>();
        RunFolder plots = new RunFolder(folder.resolve("plots"));
        List<String> images = new ArrayList<>();
        for (String measure : names) {
            for (String target : List.of("test_accuracy", "gap")) {
                List<Correlation.Run> runs = new ArrayList<>();
                for (Row r : rows) {
                    Double x = r.measures().get(measure);
                    double y = target.equals("gap") ? r.gap() : r.testAccuracy();
                    if (x != null && Double.isFinite(x) && Double.isFinite(y)) runs.add(new Correlation.Run("seed " + r.seed() + " " + r.model(), x, y));
                }
                if (runs.size() < 3) continue;
                Correlation.Result c = Correlation.of(runs);
                double[] x = runs.stream().mapToDouble(Correlation.Run::measure).toArray(), y = runs.stream().mapToDouble(Correlation.Run::generalisation).toArray();
                double pr = Significance.pearsonPValue(c.pearson(), runs.size()), pk = Significance.kendallPValue(x, y);
                t.row(List.of(measure, target, String.valueOf(runs.size()), StudyReport.n(c.pearson(), 3), p(pr), StudyReport.n(c.kendallTauB(), 3), p(pk)));
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("measure", measure);
                rec.put("against", target);
                rec.put("n", runs.size());
                rec.put("pearson", c.pearson());
                rec.put("pearson_p", pr);
                rec.put("kendall_tau_b", c.kendallTauB());
                rec.put("kendall_p", pk);
                records.add(rec);
                String name = "scatter-" + measure + "-" + target;
                images.add(Charts.scatter(plots, name, measure + " against " + target.replace('_', ' ') + String.format(Locale.ROOT, " (r = %.2f, τ_b = %.2f)",
                        c.pearson(), c.kendallTauB()), measure, target.replace('_', ' '), List.of(Series.of("models", x, y))).get(0));
            }
        }
        StringBuilder csv = new StringBuilder("seed,model,measure,value,test_accuracy,gap\n");
        for (Row r : rows) {
            for (Map.Entry<String, Double> m : r.measures().entrySet()) {
                csv.append(r.seed()).append(',').append(r.model()).append(',').append(m.getKey()).append(',').append(m.getValue())
                        .append(',').append(r.testAccuracy()).append(',').append(r.gap()).append('\n');
            }
        }
        folder.writeText("runs.csv", csv.toString());
        folder.writeJson("correlations.json", records);
        StudyReport.write(new RunFolder(folder.resolve("tables")), "correlations", t);
        ReportPage page = new ReportPage(study.name() + ": a sweep over seeds " + seeds);
        page.paragraph("Each seed is a full run of the study in its own folder (seed-S/report.html). Below, every measure of every model "
                + "against its test accuracy and its generalisation gap (train − test accuracy), with Pearson's r, Kendall's τ_b and their "
                + "two-sided p-values (Student's t for r; for τ_b exact without ties and n ≤ 33, else the tie-corrected normal approximation)."
                + (failed.isEmpty() ? "" : " Failed runs: " + String.join("; ", failed)));
        page.table(t);
        for (String png : images) page.image(plots, png, png.replace(".png", "").replace('-', ' '));
        page.write(folder, "report.html");
    }

    private static String p(double p) {
        return Double.isNaN(p) ? "–" : String.format(Locale.ROOT, "%.3g", p);
    }
}
