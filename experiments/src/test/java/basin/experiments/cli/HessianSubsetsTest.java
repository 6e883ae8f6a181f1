package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.HutchinsonTrace;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.PowerIteration;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code probe hessian --subsets R} on a 784-4-10 MLP and 61 bundled digits: each subset's λmax
 * (Lanczos and power) and trace are those of a separate run of the same probes, from the same seed,
 * on that subset's examples alone; the spread is their mean and sample sd; and R = 1 is the full run.
 */
class HessianSubsetsTest {
    @TempDir
    static Path dir;
    private static Path spec, weights, data;
    private static Sequential net;
    private static ParamVector theta;
    private static Dataset digits;

    @BeforeAll
    static void model() throws Exception {
        String text = ModelSpec.mlp(new int[] {1, 28, 28}, 4, 10);
        spec = Files.writeString(dir.resolve("mlp.json"), text);
        net = ModelSpec.parse(text);
        theta = net.initialParameters(CpuBackend.get(), 9);
        weights = dir.resolve("w.safetensors");
        ModelWeights.save(weights, theta, Map.of());
        data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
        digits = DatasetResolver.standard().load("mnist-bundled", Split.TEST, data).first(61);
    }

    private static JsonNode hessian(String subsets) throws Exception {
        return LandscapeCommandsTest.basin("hessian", "--model", spec.toString(), "--weights", weights.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--split", "test", "--limit", "61", "--batch", "25", "--top-k", "1", "--lanczos-steps", "8",
                "--power", "--trace", "--trace-samples", "12", "--trace-error", "0", "--seed", "3", "--subsets", subsets);
    }

    @Test
    void eachSubsetGivesWhatASeparateRunOnItsExamplesGives() throws Exception {
        JsonNode s = hessian("3").get("subsets");
        int[] lo = {0, 21, 41, 61};                             // 61 = 21 + 20 + 20, in file order
        for (int k = 0; k < 3; k++) {
            assertEquals(lo[k], s.get("ranges").get(k).get(0).asInt());
            assertEquals(lo[k + 1], s.get("ranges").get(k).get(1).asInt());
            // The separate run: the same probes in the command's order, one generator of the same seed.
            HessianOperator h = HessianOperator.over(new Objective(net, Mode.EVAL), theta, digits.subset(lo[k], lo[k + 1]), 25);
            SplittableRandom rng = new SplittableRandom(3);
            double lanczos = Lanczos.run(h, 8, rng, null).ritzValues()[0];
            double power = PowerIteration.run(h, 1000, 1e-4, rng, null).lambda();
            double trace = HutchinsonTrace.estimate(h, 0, 12, rng, null).trace();
            // The same float32 products in the same order: equal but for the last bit of a reordered sum.
            String where = "subset " + k + " [" + lo[k] + ", " + lo[k + 1] + ")";
            assertEquals(lanczos, s.get("lambda_max").get("values").get(k).asDouble(), 1e-12 * Math.abs(lanczos), where + " λmax (Lanczos)");
            assertEquals(power, s.get("lambda_max_power").get("values").get(k).asDouble(), 1e-12 * Math.abs(power), where + " λmax (power)");
            assertEquals(trace, s.get("trace").get("values").get(k).asDouble(), 1e-12 * Math.abs(trace), where + " trace");
        }
        for (String estimate : new String[] {"lambda_max", "lambda_max_power", "trace"}) {
            JsonNode e = s.get(estimate);
            double mean = 0, ss = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (JsonNode v : e.get("values")) mean += v.asDouble() / 3;
            for (JsonNode v : e.get("values")) {
                ss += (v.asDouble() - mean) * (v.asDouble() - mean);
                min = Math.min(min, v.asDouble());
                max = Math.max(max, v.asDouble());
            }
            assertEquals(mean, e.get("mean").asDouble(), 1e-12 * Math.abs(mean), estimate + " mean");
            assertEquals(Math.sqrt(ss / 2), e.get("sd").asDouble(), 1e-9 * Math.abs(mean), estimate + " sample sd (R − 1 = 2)");
            assertEquals(min, e.get("min").asDouble(), 0, estimate);
            assertEquals(max, e.get("max").asDouble(), 0, estimate);
        }
    }

    @Test
    void oneSubsetIsTheFullRun() throws Exception {
        JsonNode o = hessian("1"), s = o.get("subsets");
        assertEquals(o.get("lambda_max").asDouble(), s.get("lambda_max").get("values").get(0).asDouble(), 0, s.toString());
        assertEquals(o.get("lambda_max_power").asDouble(), s.get("lambda_max_power").get("values").get(0).asDouble(), 0, s.toString());
        assertEquals(o.get("trace").asDouble(), s.get("trace").get("values").get(0).asDouble(), 0, s.toString());
        assertEquals(o.get("lambda_max").asDouble(), s.get("lambda_max").get("full").asDouble(), 0);
        assertEquals(0, s.get("trace").get("sd").asDouble(), 0, "one subset has no spread");
    }
}
