package basin.experiments.study;

import basin.engine.train.CurvatureTracker;
import basin.engine.train.Trainer;
import basin.experiments.report.Charts;
import basin.experiments.report.CurvatureLog;
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

/** The noise-regimes study's tables, plots, {@code report.html} and {@code summary.json}. */
final class NoiseRegimesReport {
    private static final List<String> RUNS = NoiseRegimesStudy.RUNS;

    private NoiseRegimesReport() {
    }

    static List<CurvatureTracker.Point> curvature(Path run, String r) throws IOException {
        return CurvatureLog.read(StudyContext.modelFolder(run, r).resolve("curvature.json")).points();
    }

    static JsonNode json(Path run, String file) throws IOException {
        return RunFolder.JSON.readTree(run.resolve(file).toFile());
    }

    /** The final epoch of each run: accuracy, gap, curvature, effective rank, beside the report's finding. */
    static Table finalTable(Path run) throws IOException {
        Table t = new Table("Final epoch of each run (Basin | seed report 002, section 6: λmax of cnn-low-noise above 100, cnn-high-noise 5–15)",
                List.of("Run", "Batch", "lr", "Train acc", "Test acc", "Gap (train − test)", "λmax", "λmax residual", "2(1+β)/η at the last lr",
                        "S_ε max", "S_ε mean", "Effective rank", "report"));
        for (String r : RUNS) {
            List<Trainer.EpochLog> log = StudyReport.log(run, r);
            Trainer.EpochLog e = log.get(log.size() - 1);
            List<CurvatureTracker.Point> c = curvature(run, r);
            CurvatureTracker.Point p = c.get(c.size() - 1);
            TrainStep.Plan plan = NoiseRegimesStudy.plan(r, log.size(), 0);
            JsonNode spectrum = json(run, "probes/spectrum-" + r + ".json");
            String finding = switch (r) {
                case "cnn-low-noise" -> "λmax > 100 from mid-training";
                case "cnn-high-noise" -> "λmax 5–15";
                default -> "same ordering, smaller λmax";
            };
            t.row(List.of(r, String.valueOf(plan.batch()), StudyReport.n(plan.lr(), 3), StudyReport.n(e.trainAccuracy(), 4), StudyReport.n(e.testAccuracy(), 4),
                    StudyReport.n(e.trainAccuracy() - e.testAccuracy(), 4), StudyReport.n(p.lambdaMax(), 3),
                    String.format(java.util.Locale.ROOT, "%.1e", p.lambdaResidual()), StudyReport.n(p.threshold(), 1),
                    String.format(java.util.Locale.ROOT, "%.3e", p.sharpnessMax()), String.format(java.util.Locale.ROOT, "%.3e", p.sharpnessMean()),
                    StudyReport.n(spectrum.get("effective_rank"), 1), finding));
        }
        return t;
    }

    /** λmax at the end of every epoch, one column per run (the numbers of the λmax plot). */
    static Table lambdaTable(Path run) throws IOException {
        List<String> columns = new ArrayList<>(List.of("Epoch"));
        columns.addAll(RUNS);
        Table t = new Table("λmax at the end of each epoch (Lanczos on the probe set)", columns);
        List<List<CurvatureTracker.Point>> all = new ArrayList<>();
        for (String r : RUNS) all.add(curvature(run, r));
        for (int i = 0; i < all.get(0).size(); i++) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(all.get(0).get(i).epoch())));
            for (List<CurvatureTracker.Point> c : all) row.add(i < c.size() ? StudyReport.n(c.get(i).lambdaMax(), 3) : "–");
            t.row(row);
        }
        return t;
    }

    static void tables(StudyRun run) throws IOException {
        RunFolder tables = new RunFolder(run.path().resolve("tables"));
        StudyReport.write(tables, "final", finalTable(run.path()));
        StudyReport.write(tables, "lambda-max", lambdaTable(run.path()));
    }

    static void plots(StudyRun run) throws IOException {
        Path dir = run.path();
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        StudyReport.learningCurves(dir, plots, RUNS, RUNS);
        List<Series> lambda = new ArrayList<>(), ratio = new ArrayList<>(), sharpness = new ArrayList<>(), gap = new ArrayList<>();
        double lastEpoch = 1;
        for (String r : RUNS) {
            List<CurvatureTracker.Point> c = curvature(dir, r);
            int n = c.size();
            double[] epoch = new double[n], l = new double[n], relative = new double[n], s = new double[n];
            for (int i = 0; i < n; i++) {
                epoch[i] = c.get(i).epoch();
                l[i] = c.get(i).lambdaMax();
                relative[i] = c.get(i).lambdaMax() / c.get(i).threshold();
                s[i] = c.get(i).sharpnessMax();
            }
            lastEpoch = Math.max(lastEpoch, epoch[n - 1]);
            lambda.add(Series.of(r, epoch, l));
            ratio.add(Series.of(r, epoch, relative));
            sharpness.add(Series.of(r, epoch, s));
            List<Trainer.EpochLog> log = StudyReport.log(dir, r);
            Trainer.EpochLog e = log.get(log.size() - 1);
            gap.add(Series.of(r, new double[] {l[n - 1]}, new double[] {100 * (e.trainAccuracy() - e.testAccuracy())}));
        }
        Charts.lines(plots, "lambda-max", "λmax during training", "epoch", "λmax of the probe-set Hessian", lambda, List.of());
        // The thresholds of the four runs differ 5-fold and grow as the cosine schedule lowers η, so
        // λmax is drawn against its own run's threshold: 1 is the edge of stability.
        ratio.add(Series.of("edge of stability (λmax = 2(1+β)/η)", new double[] {1, lastEpoch}, new double[] {1, 1}));
        Charts.lines(plots, "lambda-over-threshold", "λmax relative to the stability threshold 2(1+β)/η of each run's learning rate",
                "epoch", "λmax · η / (2(1+β))", ratio, List.of());
        Charts.lines(plots, "sharpness", "Random-direction sharpness S_ε^max during training", "epoch", "S_ε^max (nats)", sharpness, List.of());
        Charts.scatter(plots, "gap-vs-lambda", "Generalisation gap against the final λmax", "final λmax", "train − test accuracy (percentage points)", gap);
        for (String r : RUNS) {
            JsonNode s = json(dir, "slices/slice2d-" + r + ".json");
            SliceMaps.of("slice2d-" + r, s).draw(plots, "2D slice around " + r, "α (filter-normalised d₁)", "β (filter-normalised d₂)",
                    List.of(new Marker(r, 0, 0)));
        }
    }

    static void write(StudyRun run) throws IOException {
        Path dir = run.path();
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        ReportPage page = new ReportPage("noise-regimes: high- and low-noise SGD on an MLP and a CNN");
        page.paragraph("Seed report 002 (shared/seeds/002_d835a2ba095f7f52.txt). Four runs on MNIST: an MLP and a CNN, each with small-batch, "
                + "larger-lr SGD (high noise) and large-batch, smaller-lr SGD (low noise). The report found low-noise SGD ending much sharper "
                + "(its CNN above λmax 100 against 5–15); the table lets a reader see whether Basin finds the same.");
        page.heading("Summary");
        page.table(finalTable(dir));
        page.heading("Curvature during training");
        page.image(plots, "lambda-max.png", "λmax at the end of every epoch.");
        page.image(plots, "lambda-over-threshold.png", "λmax over the stability threshold 2(1+β)/η of the run's learning rate at that epoch: "
                + "at 1, a quadratic with that curvature would no longer be stable under this update.");
        page.table(lambdaTable(dir));
        page.image(plots, "sharpness.png", "S_ε^max: the largest loss rise over random unit directions at distance ε.");
        page.image(plots, "gap-vs-lambda.png", "The final generalisation gap against the final λmax.");
        page.heading("Learning curves");
        page.image(plots, "learning-loss.png", "Loss per epoch.");
        page.image(plots, "learning-accuracy.png", "Accuracy per epoch.");
        page.image(plots, "generalisation-gap.png", "Train − validation accuracy per epoch.");
        page.heading("2D slices around the final models");
        for (String r : RUNS) {
            JsonNode s = json(dir, "slices/slice2d-" + r + ".json");
            SliceMaps.of("slice2d-" + r, s).onPage(page, plots, "2D slice around " + r,
                    "Loss around " + r + " along two filter-normalised random directions.", "α", "β", List.of(new Marker(r, 0, 0)));
        }
        page.heading("Configuration");
        page.configuration(run.config());
        page.write(run.folder(), "report.html");

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("study", NoiseRegimesStudy.NAME);
        for (String r : RUNS) {
            List<Trainer.EpochLog> log = StudyReport.log(dir, r);
            Trainer.EpochLog e = log.get(log.size() - 1);
            List<CurvatureTracker.Point> c = curvature(dir, r);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("test_accuracy", e.testAccuracy());
            o.put("gap", e.trainAccuracy() - e.testAccuracy());
            o.put("lambda_max", c.get(c.size() - 1).lambdaMax());
            o.put("sharpness_max", c.get(c.size() - 1).sharpnessMax());
            o.put("effective_rank", json(dir, "probes/spectrum-" + r + ".json").get("effective_rank").asDouble());
            summary.put(r, o);
        }
        run.folder().writeJson("summary.json", summary);
    }
}
