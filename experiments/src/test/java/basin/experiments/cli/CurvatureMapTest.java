package basin.experiments.cli;

import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code slice2d --curvature} on a 784-4-10 MLP and 40 digits: at the centre of the slice, λmax and λmin
 * are {@code probe hessian}'s (Lanczos, same steps and seed, same examples) within its Ritz residual;
 * the ratio is |λmin/λmax| at every point; and a grid file resumes with its curvature.
 */
class CurvatureMapTest {
    @TempDir
    static Path dir;
    private static Path spec, weights, data;

    @BeforeAll
    static void model() throws Exception {
        String text = ModelSpec.mlp(new int[] {1, 28, 28}, 4, 10);
        spec = Files.writeString(dir.resolve("mlp.json"), text);
        weights = dir.resolve("w.safetensors");
        ModelWeights.save(weights, ModelSpec.parse(text).initialParameters(CpuBackend.get(), 8), Map.of());
        data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
    }

    private static JsonNode probe(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--model", spec.toString(), "--weights", weights.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--split", "test", "--limit", "40", "--batch", "16", "--seed", "5"));
        return LandscapeCommandsTest.basin(all.toArray(new String[0]));
    }

    private static JsonNode map(String... extra) throws Exception {
        List<String> all = new ArrayList<>(List.of("slice2d", "--alphas=-0.5:0.5:3", "--betas=-0.5:0.5:3", "--curvature",
                "--curvature-steps", "10", "--threads", "1"));
        all.addAll(List.of(extra));
        return probe(all.toArray(new String[0]));
    }

    @Test
    void theCentreOfTheMapIsProbeHessianAtTheModel() throws Exception {
        JsonNode m = map(), h = probe("hessian", "--lanczos-steps", "10", "--top-k", "1");
        double lambdaMax = h.get("lambda_max").asDouble(), lambdaMin = h.get("most_negative").get(0).asDouble();
        // A Ritz value lies within its residual ‖Hx − θx‖ of an eigenvalue; both runs see the same H and start.
        double rMax = h.get("eigenvalue_residuals").get(0).asDouble(), rMin = h.get("most_negative_residuals").get(0).asDouble();
        assertEquals(lambdaMax, m.get("lambda_max").get(1).get(1).asDouble(), rMax + 1e-6 * Math.abs(lambdaMax), m.toString());
        assertEquals(lambdaMin, m.get("lambda_min").get(1).get(1).asDouble(), rMin + 1e-6 * Math.abs(lambdaMax), m.toString());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double max = m.get("lambda_max").get(i).get(j).asDouble(), min = m.get("lambda_min").get(i).get(j).asDouble();
                assertTrue(max >= min, "λmax ≥ λmin at (" + i + ", " + j + ")");
                assertEquals(Math.abs(min / max), m.get("eigenvalue_ratio").get(i).get(j).asDouble(), 1e-15, "ratio at (" + i + ", " + j + ")");
            }
        }
        // The loss grid is the plain slice's: curvature only adds to it.
        assertEquals(probe("slice2d", "--alphas=-0.5:0.5:3", "--betas=-0.5:0.5:3", "--threads", "1").get("losses"), m.get("losses"));
    }

    @Test
    void aGridFileResumesWithItsCurvature() throws Exception {
        Path out = dir.resolve("map.jsonl");
        JsonNode first = map("--out", out.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(1 + 9, lines.size());
        assertTrue(lines.get(1).contains("\"lambda_max\""), lines.get(1));
        Files.write(out, lines.subList(0, 6));                         // header and five points: four to measure again
        JsonNode resumed = map("--out", out.toString());
        assertEquals(5, resumed.get("resumed_points").asInt(), resumed.toString());
        assertEquals(first.get("lambda_max"), resumed.get("lambda_max"));
        assertEquals(first.get("eigenvalue_ratio"), resumed.get("eigenvalue_ratio"));
    }
}
