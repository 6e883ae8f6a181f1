package basin.experiments.cli;

import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import basin.engine.probe.ActivationMemory;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code probe hessian}, {@code probe sharpness} and {@code train} refuse, before any work, a batch whose HVP or gradient
 * cannot fit in this JVM's heap, naming the model, the batch and the flag; a batch that fits runs.
 * The refused batch is sized from the test JVM's own maximum heap, so the test holds on any -Xmx.
 */
class ActivationMemoryGuardTest {
    @TempDir
    static Path dir;
    private static Path spec, weights, data;
    private static Sequential cnn;

    @BeforeAll
    static void model() throws Exception {
        String text = StudyModels.noiseRegimesCnn();                 // MNIST-shaped: 45k activations per example
        spec = Files.writeString(dir.resolve("noise-cnn.json"), text);
        cnn = ModelSpec.parse(text);
        weights = dir.resolve("w.safetensors");
        ModelWeights.save(weights, cnn.initialParameters(CpuBackend.get(), 3), Map.of());
        data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
    }

    /** A batch whose estimated HVP needs twice the whole heap. */
    private static int tooLarge(long bytesPerExample) {
        return (int) Math.min(10_000, 2 * Runtime.getRuntime().maxMemory() / bytesPerExample + 1);
    }

    @Test
    void probeHessianRefusesABatchWhoseHvpCannotFitNamingTheModelTheBatchAndTheFlag() {
        int batch = tooLarge(ActivationMemory.hvpBytes(cnn, 1));
        String message = CommandErrorsTest.errorOf("probe", "hessian", "--model", spec.toString(), "--weights", weights.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--split", "train", "--limit", String.valueOf(batch), "--batch", String.valueOf(batch),
                "--lanczos-steps", "2", "--top-k", "1", "--device", "cpu");
        for (String part : List.of("HVP of noise-cnn.json at batch " + batch, "of heap", "lower --batch", "-Xmx")) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    @Test
    void sharpnessRefusesABatchWhoseLanczosHvpCannotFit() {
        int batch = tooLarge(ActivationMemory.hvpBytes(cnn, 1));
        String message = CommandErrorsTest.errorOf("probe", "sharpness", "--model", spec.toString(), "--weights", weights.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--split", "train", "--limit", String.valueOf(batch), "--batch", String.valueOf(batch),
                "--directions", "1", "--device", "cpu");
        assertTrue(message.contains("HVP of noise-cnn.json at batch " + batch) && message.contains("lower --batch"), message);
    }

    @Test
    void trainRefusesABatchWhoseGradientCannotFit() {
        int batch = tooLarge(ActivationMemory.gradientBytes(cnn, 1));
        String message = CommandErrorsTest.errorOf("train", "--model", spec.toString(), "--dataset", "mnist-bundled", "--data", data.toString(),
                "--batch", String.valueOf(batch), "--validation", "0", "--epochs", "1", "--out", dir.resolve("run").toString(), "--device", "cpu");
        assertTrue(message.contains("gradient of noise-cnn.json at batch " + batch) && message.contains("lower --batch"), message);
        assertTrue(!Files.exists(dir.resolve("run").resolve("epoch-01.safetensors")), "no epoch trained");
    }

    @Test
    void aBatchThatFitsIsNotRefused() throws Exception {
        JsonNode o = LandscapeCommandsTest.basin("hessian", "--model", spec.toString(), "--weights", weights.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--split", "test", "--limit", "16", "--batch", "16", "--lanczos-steps", "2", "--top-k", "1");
        assertTrue(Double.isFinite(o.get("lambda_max").asDouble()), o.toString());
    }
}
