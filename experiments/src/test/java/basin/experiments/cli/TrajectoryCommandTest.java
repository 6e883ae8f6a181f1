package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code probe trajectory} on checkpoints of a path we build, θ_k = θ_f + a_k u + b_k w (u ⟂ w unit,
 * Σ a b = 0), written as epoch-KK.safetensors with epoch 10 to show they sort by number: the path comes
 * back as (a_k, b_k) up to sign, the two variances sum to 1, and the grid's centre is L(θ_f).
 */
class TrajectoryCommandTest {

    private static final double[] A = {0.9, 0.6, 0.3}, B = {0.1, -0.2, 0.1};          // Σ a b = 0.09 − 0.12 + 0.03 = 0
    private static final int[] EPOCHS = {1, 2, 10};

    /** Writes the model spec as mlp.json and the checkpoints into run/; returns dir. */
    private static Path checkpoints(Path dir) throws Exception {
        String text = ModelSpec.mlp(new int[] {1, 28, 28}, 3, 10);
        Files.writeString(dir.resolve("mlp.json"), text);
        Sequential net = ModelSpec.parse(text);
        ParamVector thetaF = net.initialParameters(CpuBackend.get(), 4);
        SplittableRandom rng = new SplittableRandom(12);
        ParamVector u = ParamVector.gaussian(CpuBackend.get(), net.layout(), rng), w = ParamVector.gaussian(CpuBackend.get(), net.layout(), rng);
        u.scal(1 / u.norm());
        w.axpy(-w.dot(u), u);
        w.scal(1 / w.norm());
        Path runs = Files.createDirectories(dir.resolve("run"));
        for (int k = 0; k < 3; k++) {
            ParamVector theta = thetaF.copy();
            theta.axpy(A[k], u);
            theta.axpy(B[k], w);
            ModelWeights.save(runs.resolve(String.format("epoch-%02d.safetensors", EPOCHS[k])), net, theta, Map.of());
        }
        ModelWeights.save(runs.resolve("epoch-11.safetensors"), net, thetaF, Map.of());
        return dir;
    }

    private static JsonNode trajectory(Path dir, String... extra) throws Exception {
        Path data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
        List<String> args = new ArrayList<>(List.of("trajectory", "--model", dir.resolve("mlp.json").toString(), "--checkpoints",
                dir.resolve("run").toString(), "--dataset", "mnist-bundled", "--data", data.toString(), "--limit", "30",
                "--alphas=-1:1:3", "--betas=-0.5:0.5:3", "--threads", "1"));
        args.addAll(List.of(extra));
        return LandscapeCommandsTest.basin(args.toArray(new String[0]));
    }

    @Test
    void theProjectedPathIsTheOneBuiltAndTheGridIsCentredAtTheFinalModel(@TempDir Path dir) throws Exception {
        JsonNode o = trajectory(checkpoints(dir));
        double[] a = A, b = B;
        int[] epochs = EPOCHS;

        JsonNode path = o.get("path"), explained = o.get("explained_variance");
        assertEquals(4, path.size());
        assertEquals(10, path.get(2).get("epoch").asInt(), "epoch 10 after epoch 2");
        // float32 checkpoints: differences carry ~1e-7·‖θ‖ rounding per entry.
        for (int k = 0; k < 3; k++) {
            assertEquals(a[k], Math.abs(path.get(k).get("alpha").asDouble()), 1e-4, "α of epoch " + epochs[k] + ": " + path);
            assertEquals(Math.abs(b[k]), Math.abs(path.get(k).get("beta").asDouble()), 1e-4, "β of epoch " + epochs[k] + ": " + path);
        }
        assertEquals(1, explained.get(0).asDouble() + explained.get(1).asDouble(), 1e-6, explained.toString());
        assertEquals(path.get(3).get("loss").asDouble(), o.get("losses").get(1).get(1).asDouble(), 1e-6, "the grid's centre is θ_final");
    }

    @Test
    void plotsDrawTheLossPlaneWithTheExplainedVarianceOfEachDirectionInItsAxisLabel(@TempDir Path dir) throws Exception {
        Path plots = dir.resolve("plots");
        JsonNode o = trajectory(checkpoints(dir), "--plots", plots.toString());
        CurvatureMapTest.assertIsPng(plots.resolve("trajectory.png"));
        CurvatureMapTest.assertIsSvg(plots.resolve("trajectory.svg"));
        assertEquals("trajectory.png", o.get("plots").get(0).asText());
        // Σa² = 1.26, Σb² = 0.06: d₁ holds 95.5% of the variance, d₂ 4.5%. XChart's SVG draws text as paths, so the labels are read from the output.
        assertEquals("α along d₁ (PCA: 95.5% of the variance)", o.get("plot_axes").get(0).asText());
        assertEquals("β along d₂ (PCA: 4.5% of the variance)", o.get("plot_axes").get(1).asText());
        List<String> csv = Files.readAllLines(plots.resolve("trajectory.csv"));
        assertEquals("alpha,beta,trajectory", csv.get(0));
        assertEquals(o.get("losses").get(1).get(1).asDouble(), Double.parseDouble(csv.get(1 + 4).split(",")[2]), 0.0, "the centre drawn is the grid's");
    }
}
