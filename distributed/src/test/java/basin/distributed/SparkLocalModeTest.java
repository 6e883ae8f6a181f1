package basin.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static basin.distributed.Fixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The landscape commands through Spark in local mode with two threads against the same commands run
 * locally: the same points, bit for bit, in the same resumable grid file; a rerun measures only what
 * is missing; a task that fails halfway is retried without losing or repeating a point; probe hessian
 * finds the local eigenvalues and trace.
 */
class SparkLocalModeTest {
    @TempDir
    static Path dir;
    private static Fixtures models;
    private static final List<String> SPARK = List.of("--engine", "spark", "--master", "local[2]", "--conf", "spark.ui.enabled=false");

    /** Partition 0's first attempt fails after two of its points (see the retry test). */
    private static final List<String> FAULT = List.of("--engine", "spark", "--conf", "spark.ui.enabled=false",
            "--conf", "spark.default.parallelism=1", "--conf", SparkGrid.FAIL_FIRST_ATTEMPT_AFTER + "=2");

    @BeforeAll
    static void models() throws Exception {
        models = Fixtures.in(dir);
    }

    /** A 5 × 3 plane around model A, into {@code out}, locally on two threads or through {@code engine}. */
    private static JsonNode slice2d(Path out, List<String> engine) throws Exception {
        List<String> args = concat(List.of("probe", "slice2d"), "--alphas=-1:1:5", "--betas=-0.5:0.5:3", "--out", out.toString());
        args.addAll(models.modelA(120));
        args.addAll(engine);
        return Fixtures.json(args);
    }

    @Test
    void slice2dThroughSparkEqualsTheLocalRunPointForPoint() throws Exception {
        Path local = dir.resolve("local.jsonl"), spark = dir.resolve("spark.jsonl");
        JsonNode l = slice2d(local, List.of("--threads", "2")), s = slice2d(spark, SPARK);
        // The same float32 operations on the same batches: equal, not close.
        assertEquals(l.get("losses"), s.get("losses"));
        assertEquals(l.get("accuracies"), s.get("accuracies"));
        Fixtures.Grid lg = Fixtures.readGrid(local), sg = Fixtures.readGrid(spark);
        assertEquals(lg.header(), sg.header(), "the grid file's identity does not depend on the engine");
        assertEquals(15, sg.points().size());
        assertEquals(lg.points(), sg.points());
        assertTrue(s.get("engine").asText().startsWith("spark local[2]"), s.get("engine").asText());
    }

    @Test
    void aRerunThroughSparkOfAPartialLocalFileMeasuresOnlyTheMissingPoints() throws Exception {
        Path full = dir.resolve("full.jsonl"), partial = dir.resolve("partial.jsonl");
        slice2d(full, List.of("--threads", "1"));
        List<String> lines = Files.readAllLines(full, StandardCharsets.UTF_8);
        Files.write(partial, lines.subList(0, 1 + 6), StandardCharsets.UTF_8);      // the header and six points, as if stopped there
        JsonNode resumed = slice2d(partial, SPARK);
        assertEquals(6, resumed.get("resumed_points").asInt());
        assertEquals(Fixtures.readGrid(full).points(), Fixtures.readGrid(partial).points());
    }

    @Test
    void aTaskThatFailsHalfwayIsRetriedAndTheGridFileHoldsEveryPointOnce() throws Exception {
        Path local = dir.resolve("retry-local.jsonl"), spark = dir.resolve("retry-spark.jsonl");
        slice2d(local, List.of("--threads", "2"));
        // local[2,3]: two threads, each task tried up to three times. Parallelism 1 makes 4 partitions of the 15 points,
        // partition 0 holds 3, and its first attempt dies after measuring 2 of them (the next test shows that it does).
        slice2d(spark, concat(FAULT, "--master", "local[2,3]"));
        Fixtures.Grid g = Fixtures.readGrid(spark);                 // fails on a point written twice
        assertEquals(15, g.points().size());
        assertEquals(Fixtures.readGrid(local).points(), g.points());
    }

    @Test
    void aPointThatFailsOnEveryAttemptIsReportedWithItsCoordinatesAndTheOthersAreKept() throws Exception {
        Path spark = dir.resolve("failing.jsonl");
        List<String> args = concat(List.of("probe", "slice2d"), "--alphas=-1:1:5", "--betas=-0.5:0.5:3", "--out", spark.toString());
        args.addAll(models.modelA(120));
        // local[2]: one attempt per task, so the fault injected into partition 0 is final.
        args.addAll(concat(FAULT, "--master", "local[2]"));
        Fixtures.Outcome o = Fixtures.basin(args);
        assertNotEquals(0, o.code());
        String message = String.valueOf(o.failure().getMessage());
        assertTrue(message.matches("(?s).*grid point \\d+ at \\(α, β\\) = \\(-?[0-9.]+, -?[0-9.]+\\) failed: fault injected.*"), message);
        Fixtures.Grid g = Fixtures.readGrid(spark);
        // Partition 0 (points 0, 1, 2) never succeeded, so none of its points is in the file, though two were measured;
        // the job stops at the failure, so the partitions still to run are missing too.
        for (int i = 0; i < 3; i++) assertTrue(!g.points().containsKey(i), "point " + i + " of the failed partition was written: " + g.points().keySet());
        assertTrue(g.points().size() < 15, g.points().keySet().toString());
    }

    @Test
    void interpolateAndSlice1dThroughSparkEqualTheLocalRuns() throws Exception {
        for (List<String> probe : List.of(List.of("probe", "slice1d", "--alphas=-1:1:7"),
                List.of("probe", "interpolate", "--weights-b", models.weightsB.toString(), "--points", "6"))) {
            List<String> args = concat(probe);
            args.addAll(models.modelA(120));
            JsonNode l = Fixtures.json(concat(args, "--threads", "2")), s = Fixtures.json(concat(args, SPARK.toArray(new String[0])));
            assertEquals(l.get("losses"), s.get("losses"), String.join(" ", probe));
            assertEquals(l.get("accuracies"), s.get("accuracies"), String.join(" ", probe));
        }
    }

    @Test
    void probeHessianThroughSparkFindsTheLocalEigenvaluesAndTrace() throws Exception {
        List<String> args = concat(List.of("probe", "hessian"), "--top-k", "2", "--lanczos-steps", "8", "--trace", "--trace-samples", "4",
                "--trace-error", "1e-9", "--batch", "30");
        args.addAll(models.modelA(100));
        JsonNode local = Fixtures.json(args);
        JsonNode spark = Fixtures.json(concat(args, "--engine", "spark", "--master", "local[2]", "--conf", "spark.ui.enabled=false"));
        // The products agree to float32 rounding (SparkCurvatureOperatorTest); Lanczos and Hutchinson amplify the products' rounding differences only mildly over 8 and 4 steps.
        for (int i = 0; i < 2; i++) {
            double l = local.get("eigenvalues").get(i).asDouble(), s = spark.get("eigenvalues").get(i).asDouble();
            assertEquals(l, s, 1e-4 * Math.abs(local.get("lambda_max").asDouble()), "eigenvalue " + (i + 1));
        }
        assertEquals(local.get("trace").asDouble(), spark.get("trace").asDouble(), 1e-4 * Math.abs(local.get("trace").asDouble()));
        assertEquals(local.get("hvp_count"), spark.get("hvp_count"));
        assertTrue(spark.get("engine").asText().startsWith("spark local[2]"), spark.toString());
    }
}
