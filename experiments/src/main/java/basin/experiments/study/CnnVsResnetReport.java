package basin.experiments.study;

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
import java.util.Locale;
import java.util.Map;

/** The cnn-vs-resnet study's tables, plots, {@code report.html} and {@code summary.json}. */
final class CnnVsResnetReport {
    private static final List<String> MODELS = CnnVsResnetStudy.MODELS;

    private CnnVsResnetReport() {
    }

    static JsonNode json(Path run, String file) throws IOException {
        return RunFolder.JSON.readTree(run.resolve(file).toFile());
    }

    /** Per model: accuracy, gap, S_ρ and the extreme Ritz values found. */
    static Table summaryTable(Path run) throws IOException {
        Table t = new Table("Summary (the seed report publishes no numbers to set beside these: its tables and figures show the protocol only)",
                List.of("Model", "Train acc", "Test acc", "Gap", "S_ρ (ρ = 0.05)", "‖∇L‖", "λ₁", "λ_k (k-th largest)", "k"));
        for (String m : MODELS) {
            JsonNode r = json(run, "probes/" + m + ".json");
            JsonNode top = r.at("/eigenvalues/top");
            double train = r.at("/train/accuracy").asDouble(), test = r.at("/test/accuracy").asDouble();
            t.row(List.of(m, StudyReport.n(train, 4), StudyReport.n(test, 4), StudyReport.n(train - test, 4),
                    String.format(Locale.ROOT, "%.4g", r.at("/adversarial_sharpness/sharpness").asDouble()),
                    String.format(Locale.ROOT, "%.4g", r.at("/adversarial_sharpness/gradient_norm").asDouble()),
                    StudyReport.n(top.get(0), 4), StudyReport.n(top.get(top.size() - 1), 4), String.valueOf(top.size())));
        }
        return t;
    }

    static Table connectivityTable(Path run) throws IOException {
        JsonNode path = json(run, "paths/connectivity.json");
        JsonNode losses = path.get("losses");
        Table t = new Table("Linear mode connectivity resnet → resnet-b (BatchNorm statistics recomputed at each point)",
                List.of("Points", "L(resnet)", "L(resnet-b)", "Barrier", "at α", "Barrier above the linear mix"));
        t.row(List.of(String.valueOf(losses.size()), StudyReport.n(losses.get(0), 4), StudyReport.n(losses.get(losses.size() - 1), 4),
                StudyReport.n(path.get("barrier"), 4), StudyReport.n(path.get("barrier_alpha"), 2), StudyReport.n(path.get("barrier_above_linear_mix"), 4)));
        return t;
    }

    static void tables(StudyRun run) throws IOException {
        RunFolder tables = new RunFolder(run.path().resolve("tables"));
        StudyReport.write(tables, "summary", summaryTable(run.path()));
        StudyReport.write(tables, "connectivity", connectivityTable(run.path()));
    }

    static void plots(StudyRun run) throws IOException {
        Path dir = run.path();
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        StudyReport.learningCurves(dir, plots, MODELS, MODELS);
        int n = MODELS.size();
        double[] test = new double[n], sharpness = new double[n];
        List<Series> spectra = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonNode r = json(dir, "probes/" + MODELS.get(i) + ".json");
            test[i] = 100 * r.at("/test/accuracy").asDouble();
            sharpness[i] = r.at("/adversarial_sharpness/sharpness").asDouble();
            double[] top = StudyReport.doubles(r.at("/eigenvalues/top")), rank = new double[top.length];
            for (int k = 0; k < top.length; k++) rank[k] = k + 1;
            spectra.add(Series.of(MODELS.get(i), rank, top));
        }
        Charts.bars(plots, "test-accuracy", "Test accuracy", "model", "test accuracy (%)", MODELS, List.of(Series.of("test accuracy", null, test)));
        Charts.bars(plots, "sharpness", "Adversarial sharpness S_ρ = L(θ + ρ g/‖g‖) − L(θ), ρ = 0.05", "model", "S_ρ (nats)", MODELS,
                List.of(Series.of("S_ρ", null, sharpness)));
        Charts.scatter(plots, "spectra", "Top Hessian eigenvalues (Lanczos Ritz values)", "rank", "eigenvalue", spectra);
        List<Series> points = new ArrayList<>();
        for (int i = 0; i < n; i++) points.add(Series.of(MODELS.get(i), new double[] {sharpness[i]}, new double[] {test[i]}));
        Charts.scatter(plots, "sharpness-vs-accuracy", "S_ρ against test accuracy (a sweep with --seeds correlates them across runs)",
                "S_ρ (nats)", "test accuracy (%)", points);
        JsonNode path = json(dir, "paths/connectivity.json");
        double[] alphas = StudyReport.doubles(path.get("alphas")), losses = StudyReport.doubles(path.get("losses"));
        double top = path.get("barrier_alpha").asDouble();
        Charts.lines(plots, "connectivity", "Loss along the linear path resnet → resnet-b (barrier " + StudyReport.n(path.get("barrier"), 4) + ")",
                "α (0: resnet, 1: resnet-b)", "loss (nats)", List.of(Series.of("loss", alphas, losses)),
                List.of(new Marker("barrier top", top, losses[StudyReport.indexOf(alphas, top)])));
        for (String m : CnnVsResnetStudy.SURFACE_MODELS) {
            JsonNode s = json(dir, "slices/surface-" + m + ".json");
            SliceMaps.of("surface-" + m, s).draw(plots, "2D surface around " + m, "α (filter-normalised d₁)", "β (filter-normalised d₂)",
                    List.of(new Marker(m, 0, 0)));
        }
    }

    static void write(StudyRun run) throws IOException {
        Path dir = run.path();
        String data = CnnVsResnetStudy.dataIdentity(run);
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        ReportPage page = new ReportPage("cnn-vs-resnet on " + data);
        page.paragraph("Data: " + data + ".");
        page.paragraph("Seed report 001 (shared/seeds/001_d49ef26fc8d9779d.txt). A vanilla CNN against a SimpleResNet with BatchNorm, "
                + "and a second ResNet for mode connectivity: adversarial sharpness, the top of the Hessian's spectrum, the path between "
                + "the ResNets and the loss surface around each final model.");
        page.table(summaryTable(dir));
        page.image(plots, "test-accuracy.png", "Test accuracy per model.");
        page.image(plots, "sharpness.png", "Adversarial sharpness S_ρ per model.");
        page.image(plots, "spectra.png", "The top Hessian eigenvalues of each model.");
        page.image(plots, "sharpness-vs-accuracy.png", "S_ρ against test accuracy.");
        page.heading("Mode connectivity");
        page.table(connectivityTable(dir));
        page.image(plots, "connectivity.png", "Loss along the linear path between the two ResNets, BatchNorm statistics recomputed at each point.");
        page.heading("2D surfaces");
        for (String m : CnnVsResnetStudy.SURFACE_MODELS) {
            JsonNode s = json(dir, "slices/surface-" + m + ".json");
            SliceMaps.of("surface-" + m, s).onPage(page, plots, "2D surface around " + m,
                    "Loss around " + m + " along two filter-normalised random directions.", "α", "β", List.of(new Marker(m, 0, 0)));
        }
        page.heading("Training");
        page.image(plots, "learning-loss.png", "Loss per epoch.");
        page.image(plots, "learning-accuracy.png", "Accuracy per epoch.");
        page.heading("Configuration");
        page.configuration(run.config());
        page.write(run.folder(), "report.html");

        Map<String, Object> s = new LinkedHashMap<>();
        s.put("study", CnnVsResnetStudy.NAME);
        s.put("data", data);
        s.put("is_cifar10", data.startsWith("CIFAR-10"));
        for (String m : MODELS) {
            JsonNode r = json(dir, "probes/" + m + ".json");
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("train_accuracy", r.at("/train/accuracy").asDouble());
            o.put("test_accuracy", r.at("/test/accuracy").asDouble());
            o.put("sharpness_rho", r.at("/adversarial_sharpness/sharpness").asDouble());
            o.put("lambda_max", r.at("/eigenvalues/top").get(0).asDouble());
            s.put(m, o);
        }
        s.put("barrier", json(dir, "paths/connectivity.json").get("barrier").asDouble());
        run.folder().writeJson("summary.json", s);
    }
}
