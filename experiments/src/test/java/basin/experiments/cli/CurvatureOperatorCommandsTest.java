package basin.experiments.cli;

import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.curvature.EmpiricalFisherOperator;
import basin.engine.train.DeviceBatches;
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
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --operator} on {@code basin probe hessian} and {@code basin hvp}, on a 784-3-10 MLP and 40
 * bundled digits: the outputs name the operator, the Gauss–Newton spectrum has no negative part, the
 * Fisher's equals it, and {@code hvp --operator empirical-fisher} writes what the engine's operator
 * computes.
 */
class CurvatureOperatorCommandsTest {
    private static final Path DIGITS = Path.of("..", "data", "mnist-subset");

    @Test
    void probeHessianNamesTheOperatorAndTheGaussNewtonSpectrumIsNonNegative(@TempDir Path dir) throws Exception {
        write(dir, 3, 5);
        JsonNode ggn = json(probe(dir, "ggn"));
        assertEquals("ggn", ggn.get("operator").asText());
        assertTrue(ggn.get("operator_description").asText().startsWith("ggn: G = Jᵀ H_ℓ J"), ggn.toString());
        double lambdaMax = ggn.get("lambda_max").asDouble();
        assertTrue(lambdaMax > 0, ggn.toString());
        // G is positive semi-definite: its smallest Ritz value is ≥ 0 up to float32 rounding (1e-5·λmax).
        assertTrue(ggn.get("most_negative").get(0).asDouble() >= -1e-5 * lambdaMax, ggn.toString());

        JsonNode fisher = json(probe(dir, "fisher"));
        assertEquals("fisher", fisher.get("operator").asText());
        for (int i = 0; i < 3; i++) {   // F = G for cross-entropy; same seed, same Lanczos start
            assertEquals(ggn.get("eigenvalues").get(i).asDouble(), fisher.get("eigenvalues").get(i).asDouble(), 1e-4 * lambdaMax);
        }
        JsonNode mc = json(probe(dir, "fisher-mc", "--fisher-samples", "4"));
        assertEquals(4, mc.get("fisher_samples").asInt());
        assertTrue(mc.get("operator_description").asText().contains("M = 4 per example"), mc.toString());

        assertEquals("empirical-fisher", json(probe(dir, "empirical-fisher")).get("operator").asText());
    }

    @Test
    void hvpWithAnOperatorWritesWhatTheEngineComputes(@TempDir Path dir) throws Exception {
        Sequential net = write(dir, 3, 6);
        ParamVector theta = ModelWeights.load(dir.resolve("weights.safetensors"), net, CpuBackend.get());
        ParamVector v = ParamVector.gaussian(CpuBackend.get(), net.layout(), new SplittableRandom(2));
        ModelWeights.save(dir.resolve("v.safetensors"), v, Map.of());
        String printed = run("hvp", "--model", dir.resolve("model.json").toString(), "--weights", dir.resolve("weights.safetensors").toString(),
                "--dataset", "mnist-bundled", "--data", DIGITS.toString(), "--split", "test", "--limit", "40", "--batch", "15",
                "--vector", dir.resolve("v.safetensors").toString(), "--out", dir.resolve("efv.safetensors").toString(),
                "--operator", "empirical-fisher");
        assertTrue(printed.contains("wrote empirical-fisher·v") && printed.contains("operator empirical-fisher"), printed);
        ParamVector written = ModelWeights.load(dir.resolve("efv.safetensors"), net.layout(), CpuBackend.get());
        var data = DatasetResolver.standard().load("mnist-bundled", Split.TEST, DIGITS).first(40);
        ParamVector expected = new EmpiricalFisherOperator(new Objective(net, Mode.EVAL), theta,
                new DeviceBatches(CpuBackend.get(), data, 15).resident()).apply(v);
        written.axpy(-1, expected);
        assertTrue(written.norm() <= 1e-6 * expected.norm(), "‖written − EF v‖ = " + written.norm() + ", ‖EF v‖ = " + expected.norm());
    }

    @Test
    void hutchppDiagonalParamsAndPerLayerReportWhatTheyPromise(@TempDir Path dir) throws Exception {
        Sequential net = write(dir, 3, 7);
        Path diagonal = dir.resolve("diag.safetensors");
        JsonNode o = json(probe(dir, "ggn", "--trace", "--trace-estimator", "hutchpp", "--trace-samples", "30",
                "--diagonal", diagonal.toString(), "--diagonal-samples", "20", "--params", "*.weight", "--per-layer"));
        assertEquals("hutchpp", o.get("trace_estimator").asText());
        assertEquals(30, o.get("trace_samples").asInt());
        assertTrue(o.get("trace_sketch_rank").asInt() <= 10, o.toString());
        // the block of the two weight matrices: 784·3 + 3·10 of the 2395 parameters
        assertEquals(784 * 3 + 3 * 10, o.get("parameters").asInt());
        assertEquals("[\"1.weight\",\"3.weight\"]", o.get("params").toString());

        ParamVector d = ModelWeights.load(diagonal, basin.engine.linalg.ParamLayout.of(java.util.List.of("1.weight", "3.weight"),
                java.util.List.of(basin.autodiff.Shape.of(3, 784), basin.autodiff.Shape.of(10, 3))), CpuBackend.get());
        double sum = 0;
        for (float x : d.toHost()) sum += x;
        assertEquals(o.get("diagonal_trace").asDouble(), sum, 1e-5 * Math.abs(sum));

        JsonNode rows = o.get("per_layer");
        assertEquals(2, rows.size());
        assertEquals("1.weight", rows.get(0).get("name").asText());
        assertEquals(784 * 3, rows.get(0).get("size").asInt());
        double blockSum = rows.get(0).get("trace").asDouble() + rows.get(1).get("trace").asDouble();
        assertEquals(o.get("per_layer_trace_sum").asDouble(), blockSum, 1e-9 * Math.abs(blockSum));
        // Two estimates of the same tr(G_BB): within 5 combined standard errors.
        double se = Math.hypot(o.get("trace_stderr").asDouble(), o.get("per_layer_trace_sum_stderr").asDouble());
        assertTrue(Math.abs(blockSum - o.get("trace").asDouble()) < 5 * se, o.toString());
        for (JsonNode row : rows) {   // a diagonal block's λmax cannot exceed the whole block's (Cauchy interlacing); both are Lanczos underestimates, so 1%
            assertTrue(row.get("lambda_max").asDouble() <= 1.01 * o.get("lambda_max").asDouble(), o.toString());
        }
    }

    private static String probe(Path dir, String operator, String... more) {
        String[] args = {"probe", "hessian", "--model", dir.resolve("model.json").toString(),
                "--weights", dir.resolve("weights.safetensors").toString(), "--dataset", "mnist-bundled",
                "--data", DIGITS.toString(), "--split", "test", "--limit", "40", "--batch", "15",
                "--top-k", "3", "--lanczos-steps", "15", "--seed", "3", "--json", "--operator", operator};
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return run(all);
    }

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    /** A 784-h-10 MLP with parameters from {@code seed}, written as dir/model.json and dir/weights.safetensors. */
    static Sequential write(Path dir, int hidden, long seed) throws Exception {
        String spec = ModelSpec.mlp(new int[] {1, 28, 28}, hidden, 10);
        Sequential net = ModelSpec.parse(spec);
        Files.writeString(dir.resolve("model.json"), spec);
        ModelWeights.save(dir.resolve("weights.safetensors"), net.initialParameters(CpuBackend.get(), seed), Map.of());
        return net;
    }

    static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            int code = new CommandLine(new BasinCli()).execute(args);
            assertEquals(0, code, "exit code; output " + captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
