package basin.experiments.cli;

import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.experiments.report.RunFolder;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code basin eval --split test} needs only the test split's files: a folder of MNIST's two t10k files will do. */
class EvalSplitTest {
    private static final Path DIGITS = Path.of("..", "data", "mnist-subset");
    private static final String SPEC = "{\"input\":[1,28,28],\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":10}]}";

    @Test
    void evalOfTheTestSplitRunsOnAFolderHoldingOnlyTheT10kFiles(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("t10k-only"));
        for (String file : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(DIGITS.resolve(file), data.resolve(file));
        }
        Path spec = Files.writeString(dir.resolve("model.json"), SPEC), weights = dir.resolve("w.safetensors");
        Sequential model = ModelSpec.parse(SPEC);
        ModelWeights.save(weights, model.initialParameters(CpuBackend.get(), 0), Map.of());

        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = BasinCli.commandLine().execute("eval", "--model", spec.toString(), "--weights", weights.toString(),
                    "--dataset", "mnist", "--data", data.toString(), "--split", "test", "--limit", "100", "--json", "--device", "cpu");
        } finally {
            System.setOut(out);
        }

        assertEquals(0, exit, captured.toString(StandardCharsets.UTF_8));
        JsonNode result = RunFolder.JSON.readTree(captured.toString(StandardCharsets.UTF_8));
        assertEquals(100, result.get("examples").asInt());
        assertEquals("mnist/test[0:100]", result.get("dataset").asText());
    }

    @Test
    void evalOfTheTrainSplitOnThatFolderSaysItHoldsOnlyTheTestSplit(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("t10k-only"));
        for (String file : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(DIGITS.resolve(file), data.resolve(file));
        }
        Path spec = Files.writeString(dir.resolve("model.json"), SPEC), weights = dir.resolve("w.safetensors");
        ModelWeights.save(weights, ModelSpec.parse(SPEC).initialParameters(CpuBackend.get(), 0), Map.of());
        CommandLine cli = BasinCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));

        assertEquals(1, cli.execute("eval", "--model", spec.toString(), "--weights", weights.toString(),
                "--dataset", "mnist", "--data", data.toString(), "--split", "train", "--device", "cpu"));
        assertTrue(err.toString().contains("lacks train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz (it holds only the test split,"
                + " and the train split was asked for)"), err.toString());
    }
}
