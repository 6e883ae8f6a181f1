package basin.experiments.study;

import basin.engine.nn.spec.ModelSpec;
import basin.experiments.report.RunFolder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study runner on a small two-minima run of the bundled MNIST subset: a run interrupted after
 * an epoch and resumed ends with the same bytes as one never interrupted, finished steps are not
 * redone, and folders of other configurations or studies are refused untouched.
 */
class StudyRunTest {
    /** 3000 training images (1000 of them held out), 2 epochs: every step of the study in seconds. */
    private static final StudyOptions SMALL = StudyOptions.defaults().withQuick(true).withEpochs(2).withTrainLimit(3000).withData("mnist-bundled", null);

    @TempDir
    Path tmp;

    @AfterEach
    void clearHook() {
        ResumableTraining.interruptAfterEpochs = -1;
    }

    private static StudyRun run(Study study, StudyOptions options, Path dir) {
        Map<String, Object> config = study.configuration(options);
        StudyRun run = new StudyRun(dir, study.name(), config, new PrintStream(new ByteArrayOutputStream()));
        run.run(study.steps(options, config));
        return run;
    }

    @Test
    void interruptedAndResumedRunEqualsUninterruptedRun() throws IOException {
        Study study = new TwoMinimaStudy();
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        run(study, SMALL, straight);

        ResumableTraining.interruptAfterEpochs = 1;
        StudyException stopped = assertThrows(StudyException.class, () -> run(study, SMALL, resumed));
        assertInstanceOf(ResumableTraining.Interrupted.class, stopped.getCause());
        assertTrue(Files.exists(StudyContext.checkpoint(resumed, "seed0", 1)));
        assertFalse(Files.exists(StudyContext.checkpoint(resumed, "seed0", 2)));
        ResumableTraining.interruptAfterEpochs = -1;
        run(study, SMALL, resumed);

        for (String m : TwoMinimaStudy.MODELS) {
            assertArrayEquals(Files.readAllBytes(StudyContext.checkpoint(straight, m, 2)), Files.readAllBytes(StudyContext.checkpoint(resumed, m, 2)),
                    m + ": the resumed weights differ from the uninterrupted run's");
            assertEquals(Files.readString(straight.resolve("probes/" + m + ".json")), Files.readString(resumed.resolve("probes/" + m + ".json")));
        }
        assertEquals(Files.readString(straight.resolve("paths/interpolation.json")), Files.readString(resumed.resolve("paths/interpolation.json")));
        assertEquals(Files.readString(straight.resolve("slices/plane.json")), Files.readString(resumed.resolve("slices/plane.json")));
        assertEquals(Files.readString(straight.resolve("tables/table1.md")), Files.readString(resumed.resolve("tables/table1.md")));
        assertTrue(Files.size(resumed.resolve("report.html")) > 100_000, "report.html embeds Plotly and the plots");
        assertTrue(Files.exists(resumed.resolve("plots/plane.svg")));

        // The consistency checks pass on a real run...
        List<String> lines = StudyChecks.check(resumed, "cpu");
        assertEquals(5, lines.size(), String.join("\n", lines));

        // ...and fail when a number is wrong: a barrier that is not max(path) − min(ends).
        Path pathFile = resumed.resolve("paths/interpolation.json");
        ObjectNode path = (ObjectNode) RunFolder.JSON.readTree(pathFile.toFile());
        path.put("barrier", path.get("barrier").asDouble() + 1e-3);
        Files.writeString(pathFile, RunFolder.JSON.writeValueAsString(path));
        StudyException e = assertThrows(StudyException.class, () -> StudyChecks.check(resumed, "cpu"));
        assertTrue(e.getMessage().contains("max(path) − min(ends)"), e.getMessage());
    }

    @Test
    void finishedStepsAreKeptAndAnotherConfigurationIsRefused() throws IOException {
        Study study = new TwoMinimaStudy();
        Path dir = tmp.resolve("run");
        run(study, SMALL, dir);
        long stamp = Files.getLastModifiedTime(StudyContext.checkpoint(dir, "seed0", 2)).toMillis();
        StudyRun again = run(study, SMALL, dir);
        assertEquals(9, again.finishedSteps().size(), "nothing is redone or recorded twice");
        assertEquals(stamp, Files.getLastModifiedTime(StudyContext.checkpoint(dir, "seed0", 2)).toMillis());

        String configBefore = Files.readString(dir.resolve("config.json"));
        StudyException e = assertThrows(StudyException.class, () -> run(study, SMALL.withEpochs(3), dir));
        assertTrue(e.getMessage().contains("models.seed0.epochs: 2 → 3"), e.getMessage());
        assertEquals(configBefore, Files.readString(dir.resolve("config.json")), "the refused run changed nothing");

        StudyException other = assertThrows(StudyException.class, () -> run(new MlpVsCnnStudy(), StudyOptions.defaults().withQuick(true), dir));
        assertTrue(other.getMessage().contains("holds a run of study 'two-minima', not 'mlp-vs-cnn'"), other.getMessage());
    }

    @Test
    void folderOfANewerLayoutIsRefused() throws IOException {
        Path dir = tmp.resolve("newer");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("study.json"), "{\"study\": \"two-minima\", \"layout_version\": 99}");
        StudyException e = assertThrows(StudyException.class, () -> run(new TwoMinimaStudy(), SMALL, dir));
        assertTrue(e.getMessage().contains("layout 99"), e.getMessage());
        assertEquals(List.of(dir.resolve("study.json")), Files.list(dir).toList());
    }

    @Test
    void dataOfTheWrongShapeIsRefusedBeforeTraining() {
        Map<String, Object> data = StudyData.describe("mnist-bundled", null, "unit", 1000, 100, 100, 0);
        StudyException e = assertThrows(StudyException.class, () -> StudyData.load(data, new int[] {3, 32, 32}, "cnn-vs-resnet", "train-cnn"));
        assertTrue(e.getMessage().contains("study cnn-vs-resnet, step train-cnn") && e.getMessage().contains("[1, 28, 28]")
                && e.getMessage().contains("[3, 32, 32]"), e.getMessage());
    }

    @Test
    void aMissingDatasetNamesTheStepThatNeedsIt() {
        Map<String, Object> data = StudyData.describe("fashion-mnist", tmp.resolve("empty"), "unit", null, 100, null, 0);
        StudyException e = assertThrows(StudyException.class, () -> StudyData.load(data, new int[] {1, 28, 28}, "mlp-vs-cnn", "train-A"));
        assertTrue(e.getMessage().startsWith("study mlp-vs-cnn, step train-A needs the fashion-mnist dataset"), e.getMessage());
    }

    @Test
    void divergentTrainingStopsTheStudyNamingModelEpochAndStep() throws IOException {
        Map<String, Object> config = new TwoMinimaStudy().configuration(SMALL);
        StudyContext context = new StudyContext("two-minima", SMALL, config, new int[] {1, 28, 28}, new PrintStream(new ByteArrayOutputStream()));
        TrainStep.Plan exploding = new TrainStep.Plan("seed0", ModelSpec.mlp(new int[] {1, 28, 28}, 256, 10), 2, 128, 1e6, "constant", 0.9, 0, 0);
        StudyRun run = new StudyRun(tmp.resolve("diverged"), "two-minima", config, new PrintStream(new ByteArrayOutputStream()));
        StudyException e = assertThrows(StudyException.class, () -> run.run(List.of(TrainStep.of(context, exploding))));
        assertTrue(e.getMessage().matches("study two-minima, step train-seed0: model seed0 diverged at epoch \\d+, step \\d+ .*"), e.getMessage());
        assertTrue(run.finishedSteps().isEmpty());
        JsonNode identity = RunFolder.JSON.readTree(tmp.resolve("diverged/study.json").toFile());
        assertEquals("two-minima", identity.get("study").asText());
    }
}
