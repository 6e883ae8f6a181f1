package basin.distributed;

import basin.experiments.report.RunFolder;
import basin.experiments.study.StudyContext;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A two-minima sweep over two seeds as Spark tasks (local mode, two threads, so both runs train at
 * once in one JVM): each run is the run a plain sweep makes, the correlations follow, and a rerun
 * submits nothing, since both runs have finished.
 */
class SparkSweepTest {
    @TempDir
    Path tmp;

    private static List<String> sweep(Path out, String... engine) {
        List<String> args = new ArrayList<>(List.of("study", "two-minima", "--quick", "--epochs", "1", "--train-limit", "3000",
                "--dataset", "mnist-bundled", "--device", "cpu", "--seeds", "0,1", "--out", out.toString()));
        args.addAll(List.of(engine));
        return args;
    }

    @Test
    void aSweepThroughSparkMakesTheRunsOfAPlainSweepAndARerunRedoesNone() throws Exception {
        Path spark = tmp.resolve("spark"), local = tmp.resolve("local-seed-1");
        Fixtures.Outcome s = Fixtures.basin(sweep(spark, "--engine", "spark", "--master", "local[2]", "--conf", "spark.ui.enabled=false"));
        assertEquals(0, s.code(), s.failure() + "\n" + s.out());
        assertTrue(Files.exists(spark.resolve("correlations.json")), s.out());
        for (String seed : List.of("seed-0", "seed-1")) assertTrue(Files.size(spark.resolve(seed + ".log")) > 0, seed + ": the task's console");

        // Seed 1's run as a plain `basin study two-minima --seed 1` makes it, one run alone in this JVM.
        List<String> alone = new ArrayList<>(sweep(local).subList(0, 11));
        alone.addAll(List.of("--seed", "1", "--out", local.toString()));
        Fixtures.Outcome l = Fixtures.basin(alone);
        assertEquals(0, l.code(), l.failure() + "\n" + l.out());
        // Training is deterministic per thread: the models are the same bytes.
        for (String model : List.of("seed0", "seed42")) {
            assertArrayEquals(Files.readAllBytes(StudyContext.checkpoint(local, model, 1)),
                    Files.readAllBytes(StudyContext.checkpoint(spark.resolve("seed-1"), model, 1)), model);
        }
        // The probes' numbers agree to 1e-9 (residuals to 1e-6): with two runs at once, a Lanczos step's float64 dot products may be split
        // differently across the shared GEMM pool, which moves the last digits of λmax (measured: 2e-14 relative).
        assertClose(RunFolder.JSON.readTree(local.resolve("summary.json").toFile()),
                RunFolder.JSON.readTree(spark.resolve("seed-1/summary.json").toFile()), "summary");

        FileTime before = Files.getLastModifiedTime(spark.resolve("seed-1/steps.json"));
        Fixtures.Outcome again = Fixtures.basin(sweep(spark, "--engine", "spark", "--master", "local[2]", "--conf", "spark.ui.enabled=false"));
        assertEquals(0, again.code(), again.failure() + "\n" + again.out());
        assertTrue(again.out().contains("seed 0: finished earlier, kept") && again.out().contains("seed 1: finished earlier, kept"), again.out());
        assertEquals(before, Files.getLastModifiedTime(spark.resolve("seed-1/steps.json")));
    }

    /** Equal JSON, numbers to 1e-9 relative. */
    private static void assertClose(JsonNode expected, JsonNode actual, String where) {
        if (expected.isNumber() && actual.isNumber()) {
            double e = expected.asDouble(), a = actual.asDouble();
            // A residual is itself a rounding-level number (‖Hx − λx‖ ≈ 1e-3 λ here): its digits move 1e-9·λ, not 1e-9 of itself.
            double tolerance = where.endsWith("_residual") ? 1e-6 : 1e-9;
            assertEquals(e, a, tolerance * Math.max(Math.abs(e), 1e-300), where);
        } else if (expected.isObject() && actual.isObject()) {
            Set<String> e = new TreeSet<>(), a = new TreeSet<>();
            expected.fieldNames().forEachRemaining(e::add);
            actual.fieldNames().forEachRemaining(a::add);
            assertEquals(e, a, where);
            expected.fieldNames().forEachRemaining(k -> assertClose(expected.get(k), actual.get(k), where + "." + k));
        } else {
            assertEquals(expected, actual, where);
        }
    }
}
