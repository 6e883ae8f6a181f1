package basin.experiments.study;

import basin.experiments.report.RunFolder;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cnn-vs-resnet --quick on a small dataset written here in CIFAR-10's real binary format (a label
 * byte, then 3 × 32 × 32 pixel bytes, five training files and a test file): every step runs, the
 * consistency checks pass, and the report says it is not CIFAR-10.
 */
class CnnVsResnetStudyTest {
    @TempDir
    Path tmp;

    /** Images whose colour depends on their class, with noise: learnable, unlike CIFAR-10 itself. */
    static void writeCifarFormat(Path folder, int perTrainFile, int test, long seed) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int b = 1; b <= 5; b++) Files.write(folder.resolve("data_batch_" + b + ".bin"), records(perTrainFile, rng));
        Files.write(folder.resolve("test_batch.bin"), records(test, rng));
    }

    private static byte[] records(int n, SplittableRandom rng) {
        byte[] out = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(10), at = i * 3073;
            out[at] = (byte) label;
            for (int c = 0; c < 3; c++) {
                int mean = 40 + 20 * ((label + c * 3) % 10);
                for (int p = 0; p < 1024; p++) out[at + 1 + c * 1024 + p] = (byte) Math.max(0, Math.min(255, mean + (int) (rng.nextGaussian() * 30)));
            }
        }
        return out;
    }

    @Test
    void quickRunOnCifarFormatDataPassesItsChecksAndSaysItIsNotCifar10() throws Exception {
        Path data = tmp.resolve("cifar-format"), dir = tmp.resolve("run");
        writeCifarFormat(data, 80, 100, 11);
        StudyOptions options = StudyOptions.defaults().withQuick(true).withData("cifar10", data);
        Study study = new CnnVsResnetStudy();
        Map<String, Object> config = study.configuration(options);
        StudyRun run = new StudyRun(dir, study.name(), config, new PrintStream(new ByteArrayOutputStream()));
        run.run(study.steps(options, config));

        List<String> lines = StudyChecks.check(dir, "cpu");
        assertEquals(4, lines.size(), String.join("\n", lines));
        JsonNode summary = RunFolder.JSON.readTree(dir.resolve("summary.json").toFile());
        assertFalse(summary.get("is_cifar10").asBoolean());
        assertTrue(summary.get("data").asText().startsWith("NOT CIFAR-10"), summary.get("data").asText());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("cnn-vs-resnet on NOT CIFAR-10"), "the page's title says which data it used");
        assertTrue(Files.exists(dir.resolve("plots/spectra.svg")) && Files.exists(dir.resolve("tables/summary.md")));

        // The page in headless chromium, where it is installed (.ci/run installs it; see experiments/browser/README.md).
        Path script = Path.of("browser", "check-report.mjs").toAbsolutePath();
        if (Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isDirectory(Path.of("browser", "node_modules", "playwright-core"))) {
            Process p = new ProcessBuilder("node", script.toString(), dir.resolve("report.html").toString(), tmp.resolve("shot.png").toString(), "4")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
        }
    }
}
