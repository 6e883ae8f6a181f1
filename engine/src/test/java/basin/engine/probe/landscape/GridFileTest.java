package basin.engine.probe.landscape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading a grid file back: only lines that are points as {@link GridFile#record} writes them are resumed. */
class GridFileTest {

    @Test
    void pointLinesWithAnIndexOrLossOfTheWrongTypeAreMeasuredAgainNotReadAsZeros(@TempDir Path dir) throws IOException {
        Map<String, Object> grid = Map.of("alphas", List.of(-1.0, 0.0, 1.0));
        Path file = dir.resolve("grid.jsonl");
        try (GridFile log = GridFile.open(file, grid)) {
            log.record(1, 0, 0, new LossSurface.Measurement(2.5, Double.NaN));
        }
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        lines.add("{\"i\": \"x\", \"loss\": 9.0}");          // asInt would make this point 0
        lines.add("{\"i\": 2, \"loss\": \"?\"}");            // asDouble would make its loss 0.0
        lines.add("{\"i\": 2.5, \"loss\": 1.0}");
        lines.add("[1, 2]");
        Files.write(file, lines);

        try (GridFile log = GridFile.open(file, grid)) {
            assertEquals(Map.of(1, new LossSurface.Measurement(2.5, Double.NaN)), log.completed());
        }
        assertTrue(Files.readAllLines(file).size() == 2, "the damaged lines are dropped from the file: " + Files.readAllLines(file));
    }
}
