package basin.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options that teach ({@code --explain} on every probe, {@code probe hessian --plots}) on the
 * tutorial's twelve-parameter network: each prints its trace, and the numbers the command reports are
 * the same with it as without it, since a trace only reads what the probe computes.
 */
class TeachingOptionsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String SPEC = ROOT.resolve("docs/tutorial/tiny.json").toString();

    @TempDir
    static Path work;

    static String weightsA, weightsB;

    @BeforeAll
    static void trainTwoTinyNetworks() {
        for (String seed : new String[]{"1", "3"}) {
            run(List.of("train", "--model", SPEC, "--dataset", "tutorial", "--epochs", "40", "--batch", "8", "--lr", "0.05", "--seed", seed,
                    "--out", work.resolve("tiny-" + seed).toString()), 0);
        }
        weightsA = work.resolve("tiny-1/weights.safetensors").toString();
        weightsB = work.resolve("tiny-3/weights.safetensors").toString();
    }

    /** What a command wrote to stdout and to stderr. */
    record Printed(String out, String err) {
    }

    @Test
    void sharpnessExplainsEachStepAndReportsTheSameNumbers() {
        sameJsonWithExplain(List.of("probe", "sharpness", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial",
                "--directions", "3", "--ascent-steps", "3", "--rho", "0.5"), "adversarial (SAM)");
    }

    @Test
    void noiseScaleExplainsEachBatchAndReportsTheSameNumbers() {
        sameJsonWithExplain(List.of("probe", "noise-scale", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial",
                "--gradient-batch", "8", "--batches", "4"), "B_simple = tr Σ / ‖G‖² =");
    }

    @Test
    void correlateExplainsBothCoefficientsFromTheirTerms() throws Exception {
        // Four runs, one tie in y: pairs (a,b) (a,c) (a,d) (b,c) (b,d) (c,d) give 4 concordant, 1 discordant, 1 tied in y.
        Path csv = work.resolve("runs.csv");
        Files.writeString(csv, "run,lambda_max,accuracy\na,1,0.90\nb,2,0.92\nc,3,0.91\nd,4,0.92\n");
        sameJsonWithExplain(List.of("probe", "correlate", "--runs", csv.toString()), "concordant n_c = 4 (both larger together), discordant n_d = 1, tied in x n₁ = 0, tied in y n₂ = 1");
        Printed p = run(List.of("probe", "correlate", "--runs", csv.toString(), "--explain"), 0);
        // x̄ = 2.5, ȳ = 0.9125: Σ(x − x̄)(y − ȳ) = 0.025, Σ(x − x̄)² = 5, Σ(y − ȳ)² = 0.000275, r = 0.025/√(5·0.000275) = 0.6742.
        assertTrue(p.out().contains("r = 0.025 / √(5 · 0.000275) = 0.6742"), p.out());
        assertTrue(p.out().contains("τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)) = 3 / √(6 · 5) = 0.5477"), p.out());
    }

    @Test
    void interpolateExplainsItsBarrierAndReportsTheSameNumbers() {
        sameJsonWithExplain(List.of("probe", "interpolate", "--model", SPEC, "--weights", weightsA, "--weights-b", weightsB,
                "--dataset", "tutorial", "--points", "5"), "barrier = max L − min(L_A, L_B)");
    }

    @Test
    void curveExplainsItsTrainingAndReportsTheSameNumbers() {
        sameJsonWithExplain(List.of("probe", "curve", "--model", SPEC, "--weights", weightsA, "--weights-b", weightsB,
                "--dataset", "tutorial", "--points", "5", "--curve-epochs", "2", "--curve-batch", "16"), "training θ_c");
    }

    @Test
    void slicesExplainWhatAPointCostsAndReportTheSameNumbers() {
        sameJsonWithExplain(List.of("probe", "slice1d", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial",
                "--alphas=-1:1:5"), "what a point costs");
        sameJsonWithExplain(List.of("probe", "slice2d", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial",
                "--alphas=-1:1:3", "--betas=-1:1:3"), "‖d2_i‖");
    }

    @Test
    void weightNoiseExplainsEachDrawAndReportsTheSameNumbers() {
        sameJsonWithExplain(List.of("probe", "weight-noise", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial",
                "--draws", "3", "--scales", "0,0.1"), "‖σξ‖ ≈ σ√p");
    }

    @Test
    void trajectoryExplainsItsPlaneAndReportsTheSameNumbers() {
        sameJsonWithExplain(List.of("probe", "trajectory", "--model", SPEC, "--checkpoints", work.resolve("tiny-1").toString(),
                "--dataset", "tutorial", "--points", "3"), "in the plane");
    }

    @Test
    void hvpExplainPrintsEveryTangentAndAgreesWithTheDifferenceOfGradients() throws IOException {
        Path v = work.resolve("ritz");
        run(List.of("probe", "hessian", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial", "--top-k", "1",
                "--lanczos-steps", "4", "--ritz-vectors", v.toString()), 0);
        Printed p = run(List.of("hvp", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial", "--limit", "4",
                "--vector", v.resolve("ritz-1.safetensors").toString(), "--out", work.resolve("hv.safetensors").toString(), "--explain"), 0);
        assertTrue(p.out().contains("ẏ = ") && p.out().contains("(ȳ)˙ = "), p.out());
        String line = p.out().lines().filter(l -> l.contains("max |Hv − difference|")).findFirst().orElseThrow();
        double relative = Double.parseDouble(line.replaceAll(".*\\(([0-9.e+-]+) of max.*", "$1"));
        assertTrue(relative < 1e-3, "H v against the difference of gradients: " + line);
    }

    @Test
    void hvpExplainRefusesAnOperatorItDoesNotTrace() {
        Printed p = run(List.of("hvp", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial", "--limit", "4", "--operator", "ggn",
                "--vector", weightsA, "--out", work.resolve("gv.safetensors").toString(), "--explain"), 1);
        assertTrue(p.err().contains("hvp --explain traces the Hessian"), p.err());
    }

    @Test
    void trainingWithTrackingExplainsEachMeasurementAndTrainsTheSame() throws IOException {
        List<String> base = List.of("train", "--model", SPEC, "--dataset", "tutorial", "--epochs", "2", "--batch", "8", "--lr", "0.05",
                "--seed", "1", "--track", "lambda-max,trace", "--track-lanczos-steps", "5", "--track-trace-samples", "4");
        List<String> plain = new ArrayList<>(base);
        plain.addAll(List.of("--out", work.resolve("track-plain").toString()));
        List<String> explained = new ArrayList<>(base);
        explained.addAll(List.of("--out", work.resolve("track-explained").toString(), "--explain"));
        Printed a = run(plain, 0), b = run(explained, 0);
        assertTrue(b.out().contains("stability threshold 2(1 + β)/η") && b.out().contains("  j   5   α ="), b.out());
        assertEquals(summaries(a.out()), summaries(b.out()), "the tracked curvature with and without --explain");
        assertEquals(Files.readString(work.resolve("track-plain/log.csv")).replaceAll(",[0-9.]+\\n", "\n"),
                Files.readString(work.resolve("track-explained/log.csv")).replaceAll(",[0-9.]+\\n", "\n"), "training with and without --explain");
    }

    @Test
    void trainRefusesExplainWithoutTracking() {
        Printed p = run(List.of("train", "--model", SPEC, "--dataset", "tutorial", "--epochs", "1", "--out", work.resolve("nothing").toString(), "--explain"), 1);
        assertTrue(p.err().contains("add --track"), p.err());
    }

    @Test
    void hessianPlotsWriteTheRitzValuesAndHutchinsonsRunningMean() throws IOException {
        Path plots = work.resolve("plots");
        run(List.of("probe", "hessian", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial", "--top-k", "2", "--trace",
                "--trace-samples", "20", "--dense", "--plots", plots.toString()), 0);
        for (String name : new String[]{"lanczos-ritz-values.png", "lanczos-ritz-values.svg", "hutchinson-running-mean.png", "hutchinson-running-mean.svg"}) {
            assertTrue(Files.size(plots.resolve(name)) > 1000, name + " is missing or empty");
        }
    }

    @Test
    void hessianRefusesRitzVectorsWithoutReorthogonalisation() {
        Printed p = run(List.of("probe", "hessian", "--model", SPEC, "--weights", weightsA, "--dataset", "tutorial", "--no-reorthogonalise",
                "--ritz-vectors", work.resolve("none").toString()), 1);
        assertTrue(p.err().contains("--ritz-vectors needs the Lanczos basis"), p.err());
    }

    /** The JSON on stdout is the same with --explain (timings aside), and the trace went to stderr. */
    private static void sameJsonWithExplain(List<String> command, String traceMark) {
        List<String> json = new ArrayList<>(command);
        json.add("--json");
        List<String> explained = new ArrayList<>(json);
        explained.add("--explain");
        Printed plain = run(json, 0), traced = run(explained, 0);
        assertEquals(withoutTimes(plain.out()), withoutTimes(traced.out()), String.join(" ", command) + ": the numbers with and without --explain");
        assertTrue(traced.err().contains("── ") && traced.err().contains(traceMark), "the trace of " + String.join(" ", command) + ":\n" + traced.err());
    }

    private static JsonNode withoutTimes(String json) {
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            strip(node);
            return node;
        } catch (IOException e) {
            throw new AssertionError("not one JSON object: " + e.getMessage() + "\n" + json, e);
        }
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.contains("seconds") || name.contains("time")) names.remove();
                else strip(o.get(name));
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) strip(child);
        }
    }

    private static List<String> summaries(String out) {
        return out.lines().filter(l -> l.contains("model curvature at step")).toList();
    }

    private static Printed run(List<String> args, int expectedCode) {
        PrintStream savedOut = System.out, savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cli = BasinCli.commandLine();
            cli.setErr(new PrintWriter(e, true));
            code = cli.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        Printed p = new Printed(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertEquals(expectedCode, code, String.join(" ", args) + "\n" + p.out() + p.err());
        return p;
    }
}
