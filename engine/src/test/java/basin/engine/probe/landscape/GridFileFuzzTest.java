package basin.engine.probe.landscape;

import basin.engine.fuzz.FuzzFiles;
import basin.engine.fuzz.FuzzFixtures;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Coverage-guided fuzzing of {@link GridFile#open} on an existing file: any bytes resume the grid
 * or give an {@link IllegalArgumentException} or {@link UncheckedIOException} naming the file;
 * anything else is a finding. Every resumed point must have an index.
 */
class GridFileFuzzTest {

    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void gridFileResumesOrIsRefused(byte[] input) {
        Path file = FuzzFiles.write("grid.jsonl", input);
        try (GridFile log = GridFile.open(file, FuzzFixtures.grid())) {
            for (Map.Entry<Integer, LossSurface.Measurement> point : log.completed().entrySet()) {
                if (point.getKey() == null || point.getValue() == null) throw new AssertionError("null point " + point);
            }
        } catch (IllegalArgumentException | UncheckedIOException expected) {
            if (!expected.getMessage().contains(file.toString())) {
                throw new AssertionError("message does not name the file: " + expected.getMessage(), expected);
            }
        }
    }
}
