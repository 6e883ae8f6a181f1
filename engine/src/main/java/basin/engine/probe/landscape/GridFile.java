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
 * A last line cut short by the interruption is dropped when the file is reopened.
 */
public final class GridFile implements GridLog, AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private final Path file;
    private final Map<Integer, LossSurface.Measurement> completed;
    private final BufferedWriter out;

    private GridFile(Path file, Map<Integer, LossSurface.Measurement> completed, BufferedWriter out) {
        this.file = file;
        this.completed = completed;
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
                    if (point == null || !point.has("i") || !point.has("loss")) continue;   // cut short by the interruption
                    done.put(point.get("i").asInt(), new LossSurface.Measurement(point.get("loss").asDouble(),
                            point.path("accuracy").isNull() ? Double.NaN : point.path("accuracy").asDouble(Double.NaN)));
                    kept.add(lines.get(n));
                }
            }
            // Rewrite the good lines first, so new points never follow a half-written one.
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
            Files.write(tmp, kept, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return new GridFile(file, done, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open grid file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<Integer, LossSurface.Measurement> completed() {
        return completed;
    }

    @Override
    public synchronized void record(int index, double alpha, double beta, LossSurface.Measurement m) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("i", index);
        point.put("alpha", alpha);
        point.put("beta", beta);
        point.put("loss", m.loss());
        point.put("accuracy", Double.isNaN(m.accuracy()) ? null : m.accuracy());
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
