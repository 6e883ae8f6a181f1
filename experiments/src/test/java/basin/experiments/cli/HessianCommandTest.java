package basin.experiments.cli;

import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.curvature.HessianOperator;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code basin probe hessian --json} on a small MLP and the bundled MNIST digits: one JSON object with
 * the promised keys, internally consistent (λmax is the first eigenvalue, eigenvalues descend, the
 * HVP count is the sum of what each probe spent), Ritz vectors written whose Rayleigh quotients are
 * the reported eigenvalues, and the same numbers for the same seed.
 */
class HessianCommandTest {
    private static final Path DIGITS = Path.of("..", "data", "mnist-subset");

    @Test
    void jsonReportHasEveryKeyAndItsNumbersAgree(@TempDir Path dir) throws Exception {
        SavedMlp saved = SavedMlp.write(dir, 8, 3);
        Sequential net = saved.net();
        ParamVector theta = saved.theta();
        String[] args = {"probe", "hessian", "--model", dir.resolve("model.json").toString(),
                "--weights", dir.resolve("weights.safetensors").toString(), "--dataset", "mnist-bundled",
                "--data", DIGITS.toString(), "--split", "test", "--limit", "60", "--batch", "25",
                "--top-k", "3", "--lanczos-steps", "12", "--trace", "--trace-samples", "15", "--trace-error", "0",
                "--density", "--density-starts", "2", "--grid", "50", "--seed", "5", "--json",
                "--ritz-vectors", dir.resolve("ritz").toString()};
        JsonNode o = new ObjectMapper().readTree(run(args));

        for (String key : new String[] {"lambda_max", "eigenvalues", "trace", "trace_stderr", "effective_rank", "hvp_count", "seconds"}) {
            assertTrue(o.hasNonNull(key), "missing key " + key + " in " + o);
        }
        JsonNode eigenvalues = o.get("eigenvalues");
        assertEquals(3, eigenvalues.size());
        assertEquals(o.get("lambda_max").asDouble(), eigenvalues.get(0).asDouble());
        for (int i = 1; i < 3; i++) assertTrue(eigenvalues.get(i).asDouble() <= eigenvalues.get(i - 1).asDouble(), "not descending: " + eigenvalues);
        assertEquals(60, o.get("examples").asInt());
        assertEquals(net.layout().size(), o.get("parameters").asInt());
        // 12 Lanczos steps + 3 residuals of the top and 3 of the bottom Ritz pairs + 15 Hutchinson
        // samples (relative error 0 is never met) + 2 SLQ starts × 12 steps.
        assertEquals(12 + 3 + 3 + 15 + 2 * 12, o.get("hvp_count").asInt(), o.toString());
        assertEquals(3, o.get("most_negative_residuals").size());
        for (JsonNode r : o.get("eigenvalue_residuals")) assertTrue(r.asDouble() >= 0 && r.asDouble() < o.get("lambda_max").asDouble(), "residual " + r);
        assertEquals(15, o.get("trace_samples").asInt());
        assertTrue(o.get("trace_stderr").asDouble() > 0);
        double rank = o.get("effective_rank").asDouble();
        assertTrue(rank >= 1 && rank <= net.layout().size(), "effective rank " + rank);
        JsonNode density = o.get("density");
        assertEquals(50, density.get("grid").size());
        assertEquals(2, density.get("nodes").size());
        assertEquals(12, density.get("weights").get(0).size());

        // A Ritz vector x = Q y has xᵀHx = yᵀTy = θ exactly (HQ = QT + r e_mᵀ with r ⟂ Q), converged or not.
        HessianOperator h = HessianOperator.over(new Objective(net, Mode.EVAL), theta,
                DatasetResolver.standard().load("mnist-bundled", Split.TEST, DIGITS).first(60), 25);
        for (int i = 0; i < 3; i++) {
            ParamVector x = ModelWeights.load(dir.resolve("ritz").resolve("ritz-" + (i + 1) + ".safetensors"), net.layout(), CpuBackend.get());
            assertEquals(1, x.norm(), 1e-5, "Ritz vector " + (i + 1));
            double lambda = eigenvalues.get(i).asDouble();
            assertEquals(lambda, x.dot(h.apply(x)), 1e-4 * Math.abs(o.get("lambda_max").asDouble()), "xᵀHx of Ritz vector " + (i + 1));
        }

        JsonNode again = new ObjectMapper().readTree(run(args));
        assertEquals(o.get("eigenvalues"), again.get("eigenvalues"), "the same seed gives the same numbers");
        assertEquals(o.get("trace"), again.get("trace"));
    }

    @Test
    void eigenvaluesAndTraceMatchTheDenseHessianOfATinyMlp(@TempDir Path dir) throws Exception {
        // 784-2-10: 1600 parameters, so the whole Hessian of the mean loss over 60 digits is 1600 HVPs,
        // one per basis vector, decomposed by EJML's dense symmetric solver in float64.
        SavedMlp saved = SavedMlp.write(dir, 2, 7);
        Sequential net = saved.net();
        ParamVector theta = saved.theta();
        HessianOperator h = HessianOperator.over(new Objective(net, Mode.EVAL), theta,
                DatasetResolver.standard().load("mnist-bundled", Split.TEST, DIGITS).first(60), 60);
        int p = h.dim();
        org.ejml.data.DMatrixRMaj dense = new org.ejml.data.DMatrixRMaj(p, p);
        float[] unit = new float[p];
        for (int j = 0; j < p; j++) {
            unit[j] = 1;
            float[] column = h.apply(ParamVector.fromHost(CpuBackend.get(), net.layout(), unit)).toHost();
            unit[j] = 0;
            for (int i = 0; i < p; i++) dense.set(i, j, column[i]);
        }
        double trace = 0;
        for (int i = 0; i < p; i++) {
            trace += dense.get(i, i);
            for (int j = 0; j < i; j++) {                       // float32 HVPs leave H a hair from symmetric
                double mean = (dense.get(i, j) + dense.get(j, i)) / 2;
                dense.set(i, j, mean);
                dense.set(j, i, mean);
            }
        }
        var eig = org.ejml.dense.row.factory.DecompositionFactory_DDRM.eig(p, false, true);
        if (!eig.decompose(dense)) throw new IllegalStateException("EJML: the dense symmetric eigendecomposition failed");
        double[] exact = new double[p];
        for (int i = 0; i < p; i++) exact[i] = eig.getEigenvalue(i).getReal();
        java.util.Arrays.sort(exact);

        String[] args = {"probe", "hessian", "--model", dir.resolve("model.json").toString(),
                "--weights", dir.resolve("weights.safetensors").toString(), "--dataset", "mnist-bundled",
                "--data", DIGITS.toString(), "--split", "test", "--limit", "60", "--batch", "25",
                "--top-k", "3", "--lanczos-steps", "60", "--trace", "--trace-samples", "300", "--trace-error", "0",
                "--seed", "11", "--json"};
        JsonNode o = new ObjectMapper().readTree(run(args));
        double lambdaMax = exact[p - 1];
        String context = "exact top " + exact[p - 1] + ", " + exact[p - 2] + ", " + exact[p - 3] + ", bottom " + exact[0] + "; " + o;
        // Lanczos' extreme Ritz values converge first; float32 HVPs limit agreement to ~1e-5·λmax, and
        // 60 steps on a spectrum this spread out leave the third well inside 1e-4·λmax.
        for (int i = 0; i < 3; i++) {
            assertEquals(exact[p - 1 - i], o.get("eigenvalues").get(i).asDouble(), 1e-4 * lambdaMax, "eigenvalue " + (i + 1) + ": " + context);
        }
        // Ritz values interlace with the spectrum, so none lies below the smallest eigenvalue.
        assertTrue(o.get("most_negative").get(0).asDouble() >= exact[0] - 1e-4 * lambdaMax, context);
        // A residual r = ‖Hx − θx‖ of a unit x puts an eigenvalue of H within r of θ (H symmetric).
        for (int i = 0; i < 3; i++) {
            double ritz = o.get("most_negative").get(i).asDouble(), r = o.get("most_negative_residuals").get(i).asDouble();
            double nearest = Double.POSITIVE_INFINITY;
            for (double e : exact) nearest = Math.min(nearest, Math.abs(e - ritz));
            assertTrue(r >= 0 && nearest <= r + 1e-5 * lambdaMax, "most negative " + (i + 1) + ": θ = " + ritz + ", residual " + r
                    + ", nearest eigenvalue " + nearest + " away; " + context);
        }
        double stderr = o.get("trace_stderr").asDouble();
        assertEquals(trace, o.get("trace").asDouble(), 4 * stderr, "tr H = " + trace + " ± " + stderr + " (4 standard errors)");
    }

    /** A 784-h-10 MLP with parameters from {@code seed}, written as dir/model.json and dir/weights.safetensors. */
    private record SavedMlp(Sequential net, ParamVector theta) {
        static SavedMlp write(Path dir, int hidden, long seed) throws Exception {
            String spec = ModelSpec.mlp(new int[] {1, 28, 28}, hidden, 10);
            Sequential net = ModelSpec.parse(spec);
            Files.writeString(dir.resolve("model.json"), spec);
            ParamVector theta = net.initialParameters(CpuBackend.get(), seed);
            ModelWeights.save(dir.resolve("weights.safetensors"), theta, Map.of());
            return new SavedMlp(net, theta);
        }
    }

    private static String run(String[] args) {
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
