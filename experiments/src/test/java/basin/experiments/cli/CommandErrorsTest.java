package basin.experiments.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code basin} prints when a file it is given is not there: which file, and that it is missing. */
class CommandErrorsTest {
    private static final String SPEC = "{\"input\":[1,28,28],\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":10}]}";

    /** Runs {@code basin ARGS}, which must fail with exit code 1, and returns what it printed on standard error. */
    static String errorOf(String... args) {
        CommandLine cli = BasinCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute(args), err.toString());
        return err.toString().strip();
    }

    @Test
    void missingWeightsAreNamedAsAMissingFile(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("model.json"), SPEC), weights = dir.resolve("absent.safetensors");
        assertEquals("basin: no such file: " + weights,
                errorOf("probe", "sharpness", "--model", spec.toString(), "--weights", weights.toString(), "--device", "cpu"));
    }

    @Test
    void aMissingRunsFileIsNamedAsAMissingFile(@TempDir Path dir) {
        Path runs = dir.resolve("absent.csv");
        assertEquals("basin: no such file: " + runs, errorOf("probe", "correlate", "--runs", runs.toString()));
    }

    @Test
    void aMessageThatAlreadySaysWhatTheFileWasKeepsItAndAddsWhy(@TempDir Path dir) {
        Path spec = dir.resolve("absent.json");
        String e = errorOf("probe", "sharpness", "--model", spec.toString(), "--weights", dir.resolve("w.safetensors").toString(), "--device", "cpu");
        assertEquals("basin: " + spec + ": cannot read model spec: " + spec + " (no such file)", e);
    }

    @Test
    void badSharpnessAndCurveValuesAreRefusedBeforeAnyFileIsRead(@TempDir Path dir) {
        String[] model = absentModel(dir);
        assertEquals("basin: --rho must be > 0, got 0.0", errorOf(concat(new String[] {"probe", "sharpness", "--rho", "0"}, model)));
        assertEquals("basin: --ascent-steps must be ≥ 0, got -1", errorOf(concat(new String[] {"probe", "sharpness", "--ascent-steps", "-1"}, model)));
        assertEquals("basin: --points must be ≥ 2 (the two ends), got 1",
                errorOf(concat(new String[] {"probe", "curve", "--points", "1", "--weights-b", dir.resolve("b.safetensors").toString()}, model)));
        assertEquals(true, errorOf(concat(new String[] {"probe", "curve", "--curve-lr", "0", "--weights-b", "b.safetensors"}, model)).contains("lr > 0"));
    }

    @Test
    void directionFlagsThatCannotApplyToAPlaneThroughTwoModelsAreRefusedByName(@TempDir Path dir) {
        String[] model = absentModel(dir);
        String[] plane = {"probe", "slice2d", "--weights-b", dir.resolve("b.safetensors").toString()};
        assertEquals("basin: --normalisation, --orthogonalise cannot apply with --weights-b: the plane through two models is fixed by them"
                        + " (d1 = (θ_B − θ_A)/2, d2 Gaussian, orthogonal to d1, with ‖d2‖ = ‖d1‖)",
                errorOf(concat(concat(plane, new String[] {"--normalisation", "none", "--orthogonalise"}), model)));
        assertEquals(true, errorOf(concat(concat(plane, new String[] {"--one-dimensional", "copy"}), model))
                .startsWith("basin: --one-dimensional cannot apply with --weights-b"));
    }

    @Test
    void batchSizesAndCountsAreNamedByTheirFlagBeforeAnyFileIsRead(@TempDir Path dir) {
        String[] model = absentModel(dir);
        assertEquals("basin: --batch must be ≥ 1, got 0", errorOf(concat(new String[] {"probe", "slice1d", "--batch", "0"}, model)));
        assertEquals("basin: --gradient-batch must be ≥ 1, got 0", errorOf(concat(new String[] {"probe", "noise-scale", "--gradient-batch", "0"}, model)));
        assertEquals("basin: --batches must be ≥ 2 (the spread between batch gradients needs two), got 1",
                errorOf(concat(new String[] {"probe", "noise-scale", "--batches", "1"}, model)));
    }

    /** --model and --weights naming files that are not there: an option checked before reading them fails first. */
    private static String[] absentModel(Path dir) {
        return new String[] {"--model", dir.resolve("absent.json").toString(), "--weights", dir.resolve("absent.safetensors").toString(), "--device", "cpu"};
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
