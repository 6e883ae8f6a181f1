package basin.experiments.study;

import basin.engine.probe.landscape.Correlation;
import basin.engine.probe.landscape.Significance;
import basin.experiments.report.RunFolder;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A two-minima sweep over two seeds: runs in their own folders, correlations recomputable from the runs' own numbers. */
class SweepTest {
    @TempDir
    Path tmp;

    @Test
    void sweepRunsEachSeedAndItsCorrelationsFollowFromTheRunsSummaries() throws Exception {
        StudyOptions small = StudyOptions.defaults().withQuick(true).withEpochs(1).withTrainLimit(3000).withData("mnist-bundled", null);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Sweep.run(new TwoMinimaStudy(), small, List.of(0L, 1L), tmp, quiet);

        // The seed moves the models' initialisation: the two runs' seed0 models differ.
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(StudyContext.checkpoint(tmp.resolve("seed-0"), "seed0", 1)),
                Files.readAllBytes(StudyContext.checkpoint(tmp.resolve("seed-1"), "seed0", 1))));

        // λmax (Lanczos) against test accuracy, recomputed from the runs' summary.json files.
        List<Correlation.Run> runs = new ArrayList<>();
        for (String seed : List.of("seed-0", "seed-1")) {
            JsonNode s = RunFolder.JSON.readTree(tmp.resolve(seed).resolve("summary.json").toFile());
            for (String m : TwoMinimaStudy.MODELS) {
                runs.add(new Correlation.Run(seed + m, s.get(m).get("lambda_max_lanczos").asDouble(), s.get(m).get("test_accuracy").asDouble()));
            }
        }
        Correlation.Result expected = Correlation.of(runs);
        JsonNode found = null;
        for (JsonNode c : RunFolder.JSON.readTree(tmp.resolve("correlations.json").toFile())) {
            if (c.get("measure").asText().equals("lambda_max_lanczos") && c.get("against").asText().equals("test_accuracy")) found = c;
        }
        assertTrue(found != null, "no λmax row in correlations.json");
        assertEquals(4, found.get("n").asInt());
        assertEquals(expected.pearson(), found.get("pearson").asDouble(), 1e-12);
        assertEquals(expected.kendallTauB(), found.get("kendall_tau_b").asDouble(), 1e-12);
        assertEquals(Significance.pearsonPValue(expected.pearson(), 4), found.get("pearson_p").asDouble(), 1e-12);
        assertTrue(Files.readString(tmp.resolve("tables/correlations.md")).contains("| lambda_max_lanczos | test_accuracy | 4 |"));
        assertTrue(Files.exists(tmp.resolve("plots/scatter-lambda_max_lanczos-test_accuracy.png")));

        // Rerunning the sweep resumes: every step of both runs is kept.
        Sweep.run(new TwoMinimaStudy(), small, List.of(0L, 1L), tmp, quiet);
        assertEquals(9, RunFolder.JSON.readTree(tmp.resolve("seed-1/steps.json").toFile()).size());
    }
}
