package basin.experiments.study;

import basin.engine.train.Trainer;
import basin.experiments.report.ReportPage;
import basin.experiments.report.RunFolder;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mlp-vs-cnn study's {@code report.html} and {@code summary.json}, from what its steps wrote. */
final class MlpVsCnnReport {
    private MlpVsCnnReport() {
    }

    static void write(StudyRun run) throws IOException {
        Path dir = run.path();
        RunFolder plots = new RunFolder(dir.resolve("plots"));
        ReportPage page = new ReportPage("mlp-vs-cnn: an MLP and a CNN on Fashion-MNIST");
        page.paragraph("Seed report 003 (shared/seeds/003_c7e6509801de11f4.txt). Model A, an MLP 784-256-128-10, against model B, "
                + "a CNN with BatchNorm and dropout, trained alike; learning curves, generalisation gaps, robustness to weight noise and "
                + "1D loss slices. The report's numbers stand beside Basin's; they are not targets.");
        page.heading("Learning curves");
        page.image(plots, "learning-loss.png", "Loss per epoch on the training, validation and test sets.");
        page.image(plots, "learning-accuracy.png", "Accuracy per epoch.");
        page.table(MlpVsCnnStudy.epochTable(dir, 0));
        page.table(MlpVsCnnStudy.epochTable(dir, 1));
        page.heading("Generalisation gap");
        page.image(plots, "generalisation-gap.png", "Train − validation accuracy per epoch.");
        page.table(MlpVsCnnStudy.finalTable(dir));
        page.table(MlpVsCnnStudy.gapTable(dir));
        page.heading("Robustness to parameter noise");
        page.image(plots, "weight-noise.png", "Validation accuracy under isotropic Gaussian weight noise, mean ± sd over draws.");
        page.table(MlpVsCnnStudy.noiseTable(dir));
        page.heading("One-dimensional loss slices");
        page.image(plots, "slice1d.png", "Loss along a filter-normalised random direction through each model.");
        page.heading("Configuration");
        page.configuration(run.config());
        page.write(run.folder(), "report.html");

        Map<String, Object> s = new LinkedHashMap<>();
        s.put("study", MlpVsCnnStudy.NAME);
        for (String m : MlpVsCnnStudy.MODELS) {
            List<Trainer.EpochLog> log = StudyReport.log(dir, m);
            Trainer.EpochLog e = log.get(log.size() - 1);
            JsonNode w = RunFolder.JSON.readTree(dir.resolve("probes/weight-noise-" + m + ".json").toFile());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("train_accuracy", e.trainAccuracy());
            o.put("validation_accuracy", e.validationAccuracy());
            o.put("test_accuracy", e.testAccuracy());
            o.put("gap", e.trainAccuracy() - e.validationAccuracy());
            o.put("noise_sigmas", StudyReport.doubles(w.get("scales")));
            o.put("noise_accuracy", StudyReport.doubles(w.get("accuracies")));
            s.put(m, o);
        }
        run.folder().writeJson("summary.json", s);
    }
}
