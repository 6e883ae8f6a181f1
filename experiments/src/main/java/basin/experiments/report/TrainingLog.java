package basin.experiments.report;

import basin.engine.train.Trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-epoch training measurements, written as CSV and JSON and printed as a table. */
public final class TrainingLog {
    private static final String[] COLUMNS = {"epoch", "lr", "batch_loss", "train_loss", "train_acc",
            "val_loss", "val_acc", "test_loss", "test_acc", "seconds"};

    private final List<Trainer.EpochLog> epochs = new ArrayList<>();

    public void add(Trainer.EpochLog log) {
        epochs.add(log);
    }

    /**
     * The log as {@link #json()} wrote it, read back to resume a run: every row must have every
     * column (null for a split that was not measured).
     */
    public static TrainingLog read(java.nio.file.Path file) throws java.io.IOException {
        TrainingLog log = new TrainingLog();
        com.fasterxml.jackson.databind.JsonNode rows = RunFolder.JSON.readTree(file.toFile());
        if (!rows.isArray()) throw new java.io.IOException(file + ": not a list of epochs");
        for (com.fasterxml.jackson.databind.JsonNode row : rows) {
            double[] v = new double[COLUMNS.length];
            for (int i = 0; i < COLUMNS.length; i++) {
                com.fasterxml.jackson.databind.JsonNode x = row.get(COLUMNS[i]);
                if (x == null) throw new java.io.IOException(file + ": an epoch has no '" + COLUMNS[i] + "'");
                v[i] = x.isNull() ? Double.NaN : x.asDouble();
            }
            log.add(new Trainer.EpochLog((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]));
        }
        return log;
    }

    public List<Trainer.EpochLog> epochs() {
        return epochs;
    }

    private static double[] values(Trainer.EpochLog e) {
        return new double[] {e.epoch(), e.learningRate(), e.meanBatchLoss(), e.trainLoss(), e.trainAccuracy(),
                e.validationLoss(), e.validationAccuracy(), e.testLoss(), e.testAccuracy(), e.seconds()};
    }

    public String csv() {
        StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Trainer.EpochLog e : epochs) {
            double[] v = values(e);
            for (int i = 0; i < v.length; i++) {
                if (i > 0) b.append(',');
                b.append(i == 0 ? String.valueOf((int) v[i]) : Double.isNaN(v[i]) ? "" : String.format(Locale.ROOT, "%.6g", v[i]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    public List<Map<String, Object>> json() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Trainer.EpochLog e : epochs) {
            Map<String, Object> row = new LinkedHashMap<>();
            double[] v = values(e);
            for (int i = 0; i < v.length; i++) row.put(COLUMNS[i], i == 0 ? (Object) (int) v[i] : Double.isNaN(v[i]) ? null : (Object) v[i]);
            rows.add(row);
        }
        return rows;
    }

    /** One row of the console table for an epoch. */
    public static String tableRow(Trainer.EpochLog e) {
        return String.format(Locale.ROOT, "%5d  %8.5f  %10.4f  %9.2f%%  %8s  %8s  %8s  %8s  %6.1fs",
                e.epoch(), e.learningRate(), e.trainLoss(), 100 * e.trainAccuracy(),
                fmt(e.validationLoss(), false), fmt(e.validationAccuracy(), true),
                fmt(e.testLoss(), false), fmt(e.testAccuracy(), true), e.seconds());
    }

    public static String tableHeader() {
        return String.format(Locale.ROOT, "%5s  %8s  %10s  %10s  %8s  %8s  %8s  %8s  %7s",
                "epoch", "lr", "train loss", "train acc", "val loss", "val acc", "test loss", "test acc", "time");
    }

    private static String fmt(double v, boolean percent) {
        if (Double.isNaN(v)) return "-";
        return percent ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
