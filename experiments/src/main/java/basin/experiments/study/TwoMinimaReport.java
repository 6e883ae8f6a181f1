package basin.experiments.study;

import basin.experiments.report.ReportPage;
import basin.experiments.report.RunFolder;
import basin.experiments.report.SliceMaps;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The two-minima study's {@code report.html} and {@code summary.json}, from what its steps wrote. */
final class TwoMinimaReport {
    private TwoMinimaReport() {
    }

    static void write(StudyRun run) throws IOException {
        Path dir = run.path();
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        JsonNode plane = RunFolder.JSON.readTree(dir.resolve("slices/plane.json").toFile());
        ReportPage page = new ReportPage("two-minima: two MNIST MLPs, their curvature and the landscape between them");
        page.paragraph("Seed report 000 (shared/seeds/000_527fe48ef9621db8.txt). Two 784-256-10 ReLU MLPs trained from seeds 0 and 42 "
                + "with SGD; each model's λmax, flatness, gradient noise scale and accuracy, then the path and the plane between them. "
                + "The report's numbers stand beside Basin's; they are not targets: the protocol is reproduced, not the digits.");
        page.heading("Table 1");
        page.table(TwoMinimaStudy.table1(dir));
        page.table(TwoMinimaStudy.barrierTable(dir));
        page.heading("Training");
        page.image(plots, "learning-loss.png", "Loss per epoch on the training, validation and test sets.");
        page.image(plots, "learning-accuracy.png", "Accuracy per epoch.");
        page.image(plots, "generalisation-gap.png", "Generalisation gap: train − validation accuracy per epoch.");
        page.heading("Curvature");
        page.image(plots, "power-iteration.png", "Power iteration's Rayleigh quotients, step by step, with the λmax Lanczos found.");
        page.image(plots, "spectrum.png", "The Ritz values of Lanczos: the extremes of each Hessian's spectrum are resolved first, "
                + "the interior values are averages over many eigenvalues.");
        if (java.nio.file.Files.exists(plots.resolve("lanczos-ritz-values.png"))) {
            page.image(plots, "lanczos-ritz-values.png", "Lanczos converging on seed 0's Hessian: the Ritz values of T_j against the step j. "
                    + "The largest settle within a few steps; the interior ones keep moving (docs/tutorial.md, step 3).");
        }
        page.heading("Between the two minima");
        page.image(plots, "interpolation.png", "Loss along the linear path between the models, the barrier's top marked.");
        SliceMaps.of("plane", plane).onPage(page, plots, "Loss on the plane through both models",
                "Loss on the plane through both models (α along seed 0 → seed 42, β random and orthogonal).",
                "α (seed 0 → seed 42)", "β (random, orthogonal)", TwoMinimaStudy.planeMarkers(plane));
        page.heading("Configuration");
        page.configuration(run.config());
        page.write(run.folder(), "report.html");
        run.folder().writeJson("summary.json", summary(dir));
    }

    /** The headline numbers, machine-readable. */
    static Map<String, Object> summary(Path dir) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("study", TwoMinimaStudy.NAME);
        for (String m : TwoMinimaStudy.MODELS) {
            JsonNode r = RunFolder.JSON.readTree(dir.resolve("probes").resolve(m + ".json").toFile());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("lambda_max_power", r.at("/curvature/power_iteration/lambda_max").asDouble());
            o.put("power_converged", r.at("/curvature/power_iteration/converged").asBoolean());
            o.put("power_residual", r.at("/curvature/power_iteration/residual").asDouble());
            o.put("lambda_max_lanczos", r.at("/curvature/lanczos/lambda_max").asDouble());
            o.put("lanczos_residual", r.at("/curvature/lanczos/residual").asDouble());
            o.put("flatness", r.at("/flatness/mean_increase").asDouble());
            o.put("noise_scale", r.at("/noise_scale/noise_scale").asDouble());
            o.put("train_accuracy", r.at("/train/accuracy").asDouble());
            o.put("test_accuracy", r.at("/test/accuracy").asDouble());
            s.put(m, o);
        }
        JsonNode path = RunFolder.JSON.readTree(dir.resolve("paths/interpolation.json").toFile());
        s.put("barrier", path.get("barrier").asDouble());
        s.put("barrier_alpha", path.get("barrier_alpha").asDouble());
        return s;
    }
}
