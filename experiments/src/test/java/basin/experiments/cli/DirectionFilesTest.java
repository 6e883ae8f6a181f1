package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.landscape.DirectionFile;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --save-directions} and {@code --directions}: a slice (1D, 2D) or sharpness probe redrawn from
 * the directions it saved, under another seed, gives the same losses to the bit; a file whose tensor
 * has another shape is refused naming the file and the tensor.
 */
class DirectionFilesTest {
    @TempDir
    static Path dir;
    private static Path spec, weights, data;

    @BeforeAll
    static void model() throws Exception {
        String text = ModelSpec.mlp(new int[] {1, 28, 28}, 5, 10);
        spec = Files.writeString(dir.resolve("mlp.json"), text);
        Sequential net = ModelSpec.parse(text);
        weights = dir.resolve("w.safetensors");
        ModelWeights.save(weights, net.initialParameters(CpuBackend.get(), 3), Map.of());
        data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
    }

    private static String[] args(String... probe) {
        List<String> all = new ArrayList<>(List.of(probe));
        all.addAll(List.of("--model", spec.toString(), "--weights", weights.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--limit", "40", "--threads", "1"));
        return all.toArray(new String[0]);
    }

    @Test
    void aPlaneRedrawnFromItsSavedDirectionsHasTheSameLosses() throws Exception {
        Path file = dir.resolve("plane.safetensors");
        JsonNode drawn = LandscapeCommandsTest.basin(args("slice2d", "--alphas=-1:1:3", "--betas=-0.5:0.5:3", "--seed", "4",
                "--save-directions", file.toString()));
        JsonNode redrawn = LandscapeCommandsTest.basin(args("slice2d", "--alphas=-1:1:3", "--betas=-0.5:0.5:3", "--seed", "99",
                "--directions", file.toString()));
        assertEquals(drawn.get("losses"), redrawn.get("losses"), "the file's directions, not seed 99's");
        JsonNode otherSeed = LandscapeCommandsTest.basin(args("slice2d", "--alphas=-1:1:3", "--betas=-0.5:0.5:3", "--seed", "99"));
        assertNotEquals(drawn.get("losses"), otherSeed.get("losses"), "seed 99 alone draws other directions");
        assertEquals(2, DirectionFile.count(file));
    }

    @Test
    void aLineRedrawnFromItsSavedDirectionHasTheSameLosses() throws Exception {
        Path file = dir.resolve("line.safetensors");
        JsonNode drawn = LandscapeCommandsTest.basin(args("slice1d", "--alphas=-1:1:5", "--seed", "6", "--save-directions", file.toString()));
        JsonNode redrawn = LandscapeCommandsTest.basin(args("slice1d", "--alphas=-1:1:5", "--seed", "7", "--directions", file.toString()));
        assertEquals(drawn.get("losses"), redrawn.get("losses"));
        assertEquals(1, DirectionFile.count(file));
    }

    @Test
    void sharpnessFromItsSavedDirectionsHasTheSameIncreases() throws Exception {
        Path file = dir.resolve("sharp.safetensors");
        JsonNode drawn = LandscapeCommandsTest.basin(args("sharpness", "--directions", "4", "--ascent-steps", "1", "--lanczos-steps", "3",
                "--seed", "2", "--save-directions", file.toString()));
        JsonNode redrawn = LandscapeCommandsTest.basin(args("sharpness", "--ascent-steps", "1", "--lanczos-steps", "3",
                "--seed", "2", "--directions-file", file.toString()));
        assertEquals(drawn.get("random_directions").get("increases"), redrawn.get("random_directions").get("increases"));
        assertEquals(4, redrawn.get("random_directions").get("directions").asInt());
    }

    @Test
    void aDirectionOfTheWrongShapeIsRefusedNamingTheFileAndTheTensor() throws Exception {
        // The directions of a 784-6-10 MLP: "d1.1.weight" is [6, 784] where the model's 1.weight is [5, 784].
        Sequential other = ModelSpec.parse(ModelSpec.mlp(new int[] {1, 28, 28}, 6, 10));
        Path file = dir.resolve("wrong.safetensors");
        ParamVector d = ParamVector.gaussian(CpuBackend.get(), other.layout(), new SplittableRandom(1));
        DirectionFile.save(file, List.of(d, d), Map.of());
        CommandLine cli = BasinCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        List<String> command = new ArrayList<>(List.of("probe"));
        command.addAll(List.of(args("slice2d", "--alphas=0:0:1", "--betas=0:0:1", "--directions", file.toString())));
        assertEquals(1, cli.execute(command.toArray(new String[0])), err.toString());
        String message = err.toString();
        assertTrue(message.contains(file.toString()), message);
        assertTrue(message.contains("d1.1.weight: file has [6, 784], model expects [5, 784]"), message);
        assertTrue(message.contains("d2.1.weight"), "every tensor at fault: " + message);
    }
}
