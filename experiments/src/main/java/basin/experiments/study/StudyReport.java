package basin.experiments.study;

import basin.engine.train.Trainer;
import basin.experiments.report.Charts;
import basin.experiments.report.RunFolder;
import basin.experiments.report.Series;
import basin.experiments.report.SliceMaps;
import basin.experiments.report.Table;
import basin.experiments.report.TrainingLog;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a study's report that every study has: the learning curves and the generalisation
 * gap of each model from its training log, tables written as Markdown and CSV, and the seed
 * report's published numbers read from the resources.
 */
public final class StudyReport {
    private StudyReport() {
    }

    /** A model's per-epoch log, as its training step wrote it. */
    public static List<Trainer.EpochLog> log(Path run, String model) throws IOException {
        return TrainingLog.read(StudyContext.modelFolder(run, model).resolve("log.json")).epochs();
    }

    /**
     * Learning curves (loss and accuracy per epoch on the train, validation and test sets) and the
     * generalisation gap (train − validation accuracy) per epoch, for each model, as plots in
     * {@code plots/}. Returns the PNG files, in the order they should be shown.
     */
    public static List<String> learningCurves(Path run, RunFolder plots, List<String> models, List<String> labels) throws IOException {
        List<Series> loss = new ArrayList<>(), accuracy = new ArrayList<>(), gap = new ArrayList<>();
        for (int k = 0; k < models.size(); k++) {
            List<Trainer.EpochLog> log = log(run, models.get(k));
            int n = log.size();
            double[] epoch = new double[n], trainLoss = new double[n], valLoss = new double[n], testLoss = new double[n];
            double[] trainAcc = new double[n], valAcc = new double[n], testAcc = new double[n], g = new double[n];
            for (int i = 0; i < n; i++) {
                Trainer.EpochLog e = log.get(i);
                epoch[i] = e.epoch();
                trainLoss[i] = e.trainLoss();
                valLoss[i] = e.validationLoss();
                testLoss[i] = e.testLoss();
                trainAcc[i] = 100 * e.trainAccuracy();
                valAcc[i] = 100 * e.validationAccuracy();
                testAcc[i] = 100 * e.testAccuracy();
                g[i] = 100 * (e.trainAccuracy() - e.validationAccuracy());
            }
            String l = labels.get(k);
            loss.add(Series.of(l + " train", epoch, trainLoss));
            loss.add(Series.of(l + " validation", epoch, valLoss));
            loss.add(Series.of(l + " test", epoch, testLoss));
            accuracy.add(Series.of(l + " train", epoch, trainAcc));
            accuracy.add(Series.of(l + " validation", epoch, valAcc));
            accuracy.add(Series.of(l + " test", epoch, testAcc));
            gap.add(Series.of(l, epoch, g));
        }
        List<String> files = new ArrayList<>();
        files.add(Charts.lines(plots, "learning-loss", "Loss per epoch", "epoch", "mean cross-entropy (nats)", loss, List.of()).get(0));
        files.add(Charts.lines(plots, "learning-accuracy", "Accuracy per epoch", "epoch", "accuracy (%)", accuracy, List.of()).get(0));
        files.add(Charts.lines(plots, "generalisation-gap", "Generalisation gap per epoch (train − validation accuracy)",
                "epoch", "gap (percentage points)", gap, List.of()).get(0));
        return files;
    }

    /** Writes a table as {@code tables/NAME.md} and {@code tables/NAME.csv}. */
    public static void write(RunFolder tables, String name, Table t) {
        tables.writeText(name + ".md", t.markdown());
        tables.writeText(name + ".csv", t.csv());
    }

    /** The seed report's published numbers for a study, from {@code basin/study/seeds/NAME.json}. */
    public static JsonNode seed(String study) {
        String resource = "/basin/study/seeds/" + study + ".json";
        try (InputStream in = StudyReport.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the seed report's numbers are missing: resource " + resource);
            return RunFolder.JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + resource + ": " + e.getMessage(), e);
        }
    }

    /** A number for a table, or "–" when absent. */
    static String n(JsonNode v, int decimals) {
        return v == null || v.isNull() || v.isMissingNode() ? "–" : Table.number(v.asDouble(), decimals);
    }

    static String n(double v, int decimals) {
        return Table.number(v, decimals);
    }

    /** A fraction as a percentage with two decimals. */
    static String percent(double v) {
        return Double.isNaN(v) ? "–" : Table.number(100 * v, 2) + "%";
    }

    static String percent(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? "–" : percent(v.asDouble());
    }

    /** A JSON array of numbers as doubles, null entries (NaN written by Jackson) as NaN. */
    static double[] doubles(JsonNode array) {
        return SliceMaps.doubles(array);
    }

    /** A JSON array of rows (a grid, one row per α) as doubles. */
    static double[][] rows(JsonNode array) {
        return SliceMaps.rows(array);
    }

    /** The index of the value of xs nearest x (the first, on a tie). */
    static int indexOf(double[] xs, double x) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) best = i;
        return best;
    }
}
