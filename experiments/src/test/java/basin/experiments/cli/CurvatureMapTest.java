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
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code slice2d --curvature} on a 784-4-10 MLP and 40 digits: at the centre of the slice, λmax and λmin
 * are {@code probe hessian}'s (Lanczos, same steps and seed, same examples) within its Ritz residual;
 * the ratio is |λmin/λmax| at every point; a grid file resumes with its curvature; and {@code --plots} draws
 * the loss and the three curvature maps as PNG and SVG whose numbers, at the centre, are probe hessian's.
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
    void theHeatmapsAreValidPicturesAndTheirCentreIsProbeHessiansLambdaMax() throws Exception {
        Path plots = dir.resolve("plots");
        JsonNode m = map("--plots", plots.toString()), h = probe("hessian", "--lanczos-steps", "10", "--top-k", "1");
        List<String> maps = List.of("slice2d", "slice2d-lambda-max", "slice2d-lambda-min", "slice2d-eigenvalue-ratio");
        for (String name : maps) {
            assertIsPng(plots.resolve(name + ".png"));
            assertIsSvg(plots.resolve(name + ".svg"));
        }
        assertEquals(maps.stream().map(n -> n + ".png").toList(), strings(m.get("plots")));
        List<String> csv = Files.readAllLines(plots.resolve("slice2d.csv"));
        assertEquals("alpha,beta," + String.join(",", maps), csv.get(0));
        assertEquals(1 + 9, csv.size());
        String[] centre = csv.get(1 + 4).split(",");                  // α outer: (α₁, β₁) is the fifth point
        assertEquals(0, Double.parseDouble(centre[0]), 1e-15);
        assertEquals(0, Double.parseDouble(centre[1]), 1e-15);
        // The drawn λmax is a Ritz value of the same H from the same start; it lies within probe hessian's residual of its λmax.
        double lambdaMax = h.get("lambda_max").asDouble(), residual = h.get("eigenvalue_residuals").get(0).asDouble();
        assertEquals(lambdaMax, Double.parseDouble(centre[3]), residual + 1e-6 * Math.abs(lambdaMax), String.join(",", centre));
        assertEquals(m.get("losses").get(1).get(1).asDouble(), Double.parseDouble(centre[2]), 0.0, "the loss map is the loss grid");
        assertEquals(m.get("eigenvalue_ratio").get(1).get(1).asDouble(), Double.parseDouble(centre[5]), 0.0, "the ratio map is the ratio grid");
    }

    private static List<String> strings(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(v -> s.add(v.asText()));
        return s;
    }

    static void assertIsPng(Path file) throws Exception {
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, head, file + " is not a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null && image.getWidth() > 0, file + " does not decode");
    }

    static void assertIsSvg(Path file) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.strip().startsWith("<?xml") || text.strip().startsWith("<svg"), file + " starts with " + text.substring(0, Math.min(80, text.length())));
        assertTrue(text.contains("</svg>"), file + " has no closing </svg>");
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
