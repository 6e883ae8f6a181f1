package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --mode}: on a network with BatchNorm, {@code probe hessian} in batch-statistics mode probes a
 * different Hessian from eval mode (it also differentiates each batch's mean and variance), says so
 * in its JSON, and a bad value is refused by name. On a model without BatchNorm or dropout the two
 * modes are the same loss, so their λmax agree.
 */
class CurvatureModeTest {
    private static final Path DIGITS = Path.of("..", "data", "mnist-subset");

    private static double lambdaMax(Path dir, String spec, String mode) throws Exception {
        Files.writeString(dir.resolve("model.json"), spec);
        Sequential net = ModelSpec.parse(spec);
        ParamVector theta = net.initialParameters(CpuBackend.get(), 11);
        ModelWeights.save(dir.resolve("weights.safetensors"), net, theta, Map.of());
        String[] args = {"probe", "hessian", "--model", dir.resolve("model.json").toString(),
                "--weights", dir.resolve("weights.safetensors").toString(), "--dataset", "mnist-bundled",
                "--data", DIGITS.toString(), "--split", "test", "--limit", "64", "--batch", "32",
                "--top-k", "1", "--lanczos-steps", "15", "--seed", "2", "--device", "cpu", "--mode", mode, "--json"};
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            assertEquals(0, new CommandLine(new BasinCli()).execute(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
        JsonNode o = new ObjectMapper().readTree(captured.toString(StandardCharsets.UTF_8));
        assertTrue(o.get("mode").asText().startsWith(mode.equals("eval") ? "eval" : "train-mode BatchNorm"), o.get("mode").asText());
        return o.get("lambda_max").asDouble();
    }

    @Test
    void batchStatisticsModeProbesAnotherHessianOnABatchNormNet(@TempDir Path dir) throws Exception {
        String spec = "{\"input\":[1,28,28],\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":16},"
                + "{\"type\":\"batchnorm1d\"},{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":10}]}";
        double eval = lambdaMax(dir, spec, "eval"), batch = lambdaMax(dir, spec, "batch-statistics");
        // Fresh running statistics (mean 0, variance 1) against each batch's own: different losses,
        // and different curvature; a relative gap of 1% is far above Lanczos's float32 noise.
        assertNotEquals(eval, batch, 0.01 * Math.abs(eval), "eval λmax " + eval + ", batch-statistics λmax " + batch);
    }

    @Test
    void withoutBatchNormTheModesAreTheSameLoss(@TempDir Path dir) throws Exception {
        String spec = ModelSpec.mlp(new int[] {1, 28, 28}, 16, 10);
        double eval = lambdaMax(dir, spec, "eval"), batch = lambdaMax(dir, spec, "batch-statistics");
        assertEquals(eval, batch, 1e-9 * Math.abs(eval));
    }

    @Test
    void anUnknownModeIsRefusedByName() {
        CurvatureModeOption option = new CurvatureModeOption();
        option.mode = "train";
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, option::mode);
        assertTrue(e.getMessage().contains("--mode must be eval or batch-statistics"), e.getMessage());
    }
}
