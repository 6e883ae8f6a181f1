package basin.experiments.study;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of the records of a study's run folder, which {@link StudyRun}'s
 * constructor reads: whatever {@code study.json}, {@code config.json} and {@code steps.json} hold,
 * the run opens (and answers which steps are finished) or is refused with a {@link StudyException}
 * naming the folder or the file. Anything else is a finding.
 *
 * <p>An input is the three files' contents separated by NUL bytes (which JSON text cannot hold
 * unescaped); a file with no part is absent. Each input gets a fresh folder.
 */
class StudyRunFuzzTest {
    /** How long fuzz/run.sh fuzzes this target; as the engine's FuzzFiles.DURATION. */
    static final String DURATION = "30s";

    static final String STUDY = "two-minima";

    static Map<String, Object> config() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", "mnist-bundled");
        data.put("train", 2000);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("seed", 0);
        config.put("epochs", List.of(1, 2));
        config.put("data", data);
        return config;
    }

    static final String[] FILES = {"study.json", "config.json", "steps.json"};

    @FuzzTest(maxDuration = DURATION)
    void runFolderOpensOrIsRefused(byte[] input) throws IOException {
        Path dir = Files.createTempDirectory("basin-fuzz-run");
        try {
            List<byte[]> parts = split(input);
            for (int f = 0; f < parts.size() && f < FILES.length; f++) Files.write(dir.resolve(FILES[f]), parts.get(f));
            try {
                StudyRun run = new StudyRun(dir, STUDY, config(), new PrintStream(new ByteArrayOutputStream()));
                run.isFinished("train");
                for (StudyRun.StepRecord r : run.finishedSteps()) {
                    if (r == null || r.name() == null || r.configHash() == null) throw new AssertionError("incomplete step record " + r);
                }
            } catch (StudyException expected) {
                if (!expected.getMessage().contains(dir.toString())) {
                    throw new AssertionError("message names neither the folder nor its file: " + expected.getMessage(), expected);
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** The parts of {@code input} between NUL bytes. */
    static List<byte[]> split(byte[] input) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == 0) {
                parts.add(java.util.Arrays.copyOfRange(input, start, i));
                start = i + 1;
            }
        }
        return parts;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
