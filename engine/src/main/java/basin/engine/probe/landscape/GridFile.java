package basin.engine.probe.landscape;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A grid's points in a JSON Lines file, one line per point, written and flushed as each point is
 * measured, so that a run stopped at any moment keeps every finished point. The first line states
 * the grid (its axes, directions and data); a rerun with the same file and the same grid reads the
 * points back and measures only the missing ones, and a rerun with a different grid is refused.
 * <pre>
 *   {"grid": {...}}
 *   {"i": 0, "alpha": -1.0, "beta": -1.0, "loss": 2.31, "accuracy": 0.11}
 *   ...
 * </pre>
 * A point may carry further numbers after these ({@code "lambda_max": 3.2, …}, a curvature map's);
 * they are read back by name through {@link #extras()}.
 * A last line cut short by the interruption is dropped when the file is reopened.
 */
public final class GridFile implements GridLog, AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private final Path file;
    private final Map<Integer, LossSurface.Measurement> completed;
    private final Map<Integer, Map<String, Double>> extras;
    private final BufferedWriter out;

    private GridFile(Path file, Map<Integer, LossSurface.Measurement> completed, Map<Integer, Map<String, Double>> extras, BufferedWriter out) {
        this.file = file;
        this.completed = completed;
        this.extras = extras;
        this.out = out;
    }

    /**
     * Opens {@code file} for the grid described by {@code grid} (any JSON-serialisable map): a new
     * file is started; an existing one must describe the same grid, and its points are resumed.
     */
    public static GridFile open(Path file, Map<String, Object> grid) {
        try {
            // Compared as parsed back from text: a long 0 and the int 0 it reads back as are the same grid.
            JsonNode header = JSON.readTree(JSON.writeValueAsString(Map.of("grid", grid)));
            Map<Integer, LossSurface.Measurement> done = new HashMap<>();
            Map<Integer, Map<String, Double>> extras = new HashMap<>();
            List<String> kept = new ArrayList<>();
            kept.add(JSON.writeValueAsString(header));
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.isEmpty() || !header.equals(parse(lines.get(0)))) {
                    throw new IllegalArgumentException(file + " holds a different grid (its first line is "
                            + (lines.isEmpty() ? "missing" : abbreviate(lines.get(0))) + "); delete it or write to another file");
                }
                for (int n = 1; n < lines.size(); n++) {
                    JsonNode point = parse(lines.get(n));
                    // Cut short by the interruption, or damaged: the point is measured again rather than guessed.
                    if (!isPoint(point)) continue;
                    JsonNode accuracy = point.path("accuracy");
                    done.put(point.get("i").intValue(), new LossSurface.Measurement(point.get("loss").doubleValue(),
                            accuracy.isNumber() ? accuracy.doubleValue() : Double.NaN));
                    extras.put(point.get("i").intValue(), extras(point));
                    kept.add(lines.get(n));
                }
            }
            // Rewrite the good lines first, so new points never follow a half-written one.
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
            Files.write(tmp, kept, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return new GridFile(file, done, extras, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open grid file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<Integer, LossSurface.Measurement> completed() {
        return completed;
    }

    @Override
    public Map<Integer, Map<String, Double>> extras() {
        return extras;
    }

    @Override
    public synchronized void record(int index, double alpha, double beta, LossSurface.Measurement m) {
        record(index, alpha, beta, m, Map.of());
    }

    @Override
    public synchronized void record(int index, double alpha, double beta, LossSurface.Measurement m, Map<String, Double> extra) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("i", index);
        point.put("alpha", alpha);
        point.put("beta", beta);
        point.put("loss", m.loss());
        point.put("accuracy", Double.isNaN(m.accuracy()) ? null : m.accuracy());
        point.putAll(extra);
        try {
            out.write(JSON.writeValueAsString(point));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to grid file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close grid file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A point line as {@link #record} writes it: an integer index {@code i}, a number (or NaN) as
     * {@code loss}, and an accuracy that is a number, null or absent. {@code asInt} and
     * {@code asDouble} would read {@code "i": "x"} as point 0 and {@code "loss": "?"} as 0.0.
     */
    private static boolean isPoint(JsonNode point) {
        if (point == null || !point.isObject()) return false;
        JsonNode i = point.get("i"), loss = point.get("loss"), accuracy = point.path("accuracy");
        return i != null && i.isIntegralNumber() && i.canConvertToInt() && loss != null && loss.isNumber()
                && (accuracy.isMissingNode() || accuracy.isNull() || accuracy.isNumber());
    }

    /** A point's numbers besides its index, coordinates, loss and accuracy (NaN read back as NaN). */
    private static Map<String, Double> extras(JsonNode point) {
        Map<String, Double> values = new LinkedHashMap<>();
        point.fields().forEachRemaining(e -> {
            String key = e.getKey();
            boolean own = key.equals("i") || key.equals("alpha") || key.equals("beta") || key.equals("loss") || key.equals("accuracy");
            if (!own && e.getValue().isNumber()) values.put(key, e.getValue().doubleValue());
        });
        return values;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
