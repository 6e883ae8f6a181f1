package basin.experiments.report;

import basin.engine.train.CurvatureTracker;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The curvature measured during training ({@code curvature.csv}, {@code curvature.json} beside the
 * training log): one row per measurement with the step, epoch, learning rate, the optimiser's
 * stability threshold and the measures (empty / null where not measured).
 */
public final class CurvatureLog {
    private final List<CurvatureTracker.Point> points = new ArrayList<>();

    public void add(CurvatureTracker.Point p) {
        points.add(p);
    }

    public List<CurvatureTracker.Point> points() {
        return points;
    }

    public String csv() {
        StringBuilder b = new StringBuilder(String.join(",", CurvatureTracker.Point.COLUMNS)).append('\n');
        for (CurvatureTracker.Point p : points) {
            double[] v = p.values();
            for (int i = 0; i < v.length; i++) {
                if (i > 0) b.append(',');
                if (i < 3) b.append((long) v[i]);
                else if (!Double.isNaN(v[i])) b.append(String.format(Locale.ROOT, "%.8g", v[i]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    public List<Map<String, Object>> json() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CurvatureTracker.Point p : points) {
            Map<String, Object> row = new LinkedHashMap<>();
            double[] v = p.values();
            for (int i = 0; i < v.length; i++) {
                row.put(CurvatureTracker.Point.COLUMNS[i], i < 3 ? (Object) (long) v[i] : Double.isNaN(v[i]) ? null : (Object) v[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** The log as {@link #json()} wrote it, read back to resume a run. */
    public static CurvatureLog read(Path file) throws IOException {
        CurvatureLog log = new CurvatureLog();
        JsonNode rows = RunFolder.JSON.readTree(file.toFile());
        if (!rows.isArray()) throw new IOException(file + ": not a list of curvature measurements");
        String[] c = CurvatureTracker.Point.COLUMNS;
        for (JsonNode row : rows) {
            double[] v = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                JsonNode x = row.get(c[i]);
                if (x == null) throw new IOException(file + ": a measurement has no '" + c[i] + "'");
                v[i] = x.isNull() ? Double.NaN : x.asDouble();
            }
            log.add(new CurvatureTracker.Point((long) v[0], (int) v[1], (int) v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]));
        }
        return log;
    }
}
