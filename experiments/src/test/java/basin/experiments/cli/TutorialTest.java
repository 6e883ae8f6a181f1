package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/tutorial.md as a test: every {@code ./basin} command of its {@code bash} blocks runs, in order,
 * through the command line's entry point, and the {@code text} block under it must match what the
 * command printed (the rule is stated at the top of the tutorial). Beside it, the two facts the
 * tutorial teaches are checked against oracles of their own: the dense Hessian of step 1 against a
 * float64 Hessian of the same network written with plain loops, and the ghosts of step 3.
 */
class TutorialTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path TUTORIAL = ROOT.resolve("docs/tutorial.md");

    /** Relative tolerance of a quoted number, plus an absolute floor for values at float32 noise (a zero eigenvalue printed as 2e-8). */
    static final double RELATIVE = 1e-3, ABSOLUTE = 1e-5;

    private static final Pattern NUMBER = Pattern.compile("[-+−]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");
    /** Wall times ("0.38 s", "2.1s)") differ from run to run and are not compared. */
    private static final Pattern SECONDS = Pattern.compile("\\d+(?:\\.\\d+)? ?s(?=[\\s),]|$)");

    @TempDir
    static Path work;

    @BeforeAll
    static void trainTheTutorialNetworks() {
        run(List.of("train", "--model", "docs/tutorial/tiny.json", "--dataset", "tutorial", "--epochs", "40", "--batch", "8",
                "--lr", "0.05", "--seed", "1", "--out", "oracle/tiny"), 0);
        run(List.of("train", "--model", "docs/tutorial/wide.json", "--dataset", "tutorial", "--epochs", "40", "--batch", "8",
                "--lr", "0.05", "--seed", "1", "--out", "oracle/wide"), 0);
    }

    /** One command of the tutorial and the output the text shows for it (null when it shows none). */
    record Step(int line, List<String> args, List<String> shown) {
    }

    @Test
    void everyCommandOfTheTutorialPrintsWhatTheTextShows() throws IOException {
        List<Step> steps = steps(Files.readAllLines(TUTORIAL, StandardCharsets.UTF_8));
        assertTrue(steps.size() >= 10, "tutorial: only " + steps.size() + " commands found");
        for (Step step : steps) {
            boolean failure = step.shown() != null && step.shown().stream().anyMatch(l -> l.startsWith("basin: "));
            String printed = run(step.args(), failure ? 1 : 0);
            if (step.shown() != null) compare(step, printed);
        }
    }

    @Test
    void theStudyCommandTheTutorialQuotesRunsInContinuousIntegration() throws IOException {
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        String text = Files.readString(TUTORIAL);
        Matcher m = Pattern.compile("```text\\n(\\./basin study [^\\n]+)\\n```").matcher(text);
        assertTrue(m.find(), "tutorial: no study command quoted");
        assertTrue(ci.contains(m.group(1).trim()), ".ci/run does not run the tutorial's '" + m.group(1) + "'");
    }

    /**
     * The oracle: L(θ) = mean_n [log Σ_c exp z_c − z_{y_n}], z = W₂ relu(W₁ x + b₁) + b₂, in float64 loops, and
     * H_ij by second differences of L with step 1e-4 (truncation ~1e-8, rounding ~1e-16/1e-8). The products
     * are float32, so they agree to about 1e-6 of max |H_ij|; 2e-5 leaves room, and a wrong rule is off by
     * far more.
     */
    @Test
    void denseHessianOfTheTinyNetworkMatchesAFloat64Oracle() throws IOException {
        JsonNode dense = json(List.of("probe", "hessian", "--model", "docs/tutorial/tiny.json", "--weights", "oracle/tiny/weights.safetensors",
                "--dataset", "tutorial", "--split", "train", "--dense", "--top-k", "1", "--lanczos-steps", "2", "--json")).get("dense");
        Sequential net = ModelSpec.read(ROOT.resolve("docs/tutorial/tiny.json"));
        float[] theta = ModelWeights.load(work.resolve("oracle/tiny/weights.safetensors"), net, CpuBackend.get()).toHost();
        Dataset data = DatasetResolver.standard().load("tutorial", Split.TRAIN, null);
        int p = theta.length;
        assertEquals(12, p);
        double[] t = new double[p];
        for (int i = 0; i < p; i++) t[i] = theta[i];
        double eps = 1e-4, max = 0, worst = 0;
        double[][] oracle = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                oracle[i][j] = (loss(data, shift(t, i, eps, j, eps)) - loss(data, shift(t, i, eps, j, -eps))
                        - loss(data, shift(t, i, -eps, j, eps)) + loss(data, shift(t, i, -eps, j, -eps))) / (4 * eps * eps);
                max = Math.max(max, Math.abs(oracle[i][j]));
            }
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) worst = Math.max(worst, Math.abs(dense.get("matrix").get(i).get(j).asDouble() - oracle[i][j]));
        }
        assertTrue(max > 0.1, "oracle Hessian is nearly zero (max entry " + max + "): the test would prove nothing");
        assertTrue(worst <= 2e-5 * max, "dense Hessian from HVPs differs from the float64 oracle by " + worst + " (max entry " + max + ")");
        assertEquals(loss(data, t), dense.get("loss").asDouble(), 1e-6, "loss against the float64 oracle");
        assertTrue(dense.get("asymmetry").asDouble() < 1e-6, "asymmetry " + dense.get("asymmetry"));
    }

    @Test
    void ghostsAppearWithoutReorthogonalisationAndVanishWithIt() {
        List<String> base = List.of("probe", "hessian", "--model", "docs/tutorial/wide.json", "--weights", "oracle/wide/weights.safetensors",
                "--dataset", "tutorial", "--split", "train", "--top-k", "4", "--lanczos-steps", "60", "--json");
        List<String> dense = new ArrayList<>(base);
        dense.add("--dense");
        dense.addAll(List.of("--difference-step", "1e-5"));
        JsonNode with = json(dense);
        List<String> plain = new ArrayList<>(base);
        plain.add("--no-reorthogonalise");
        JsonNode without = json(plain);
        JsonNode exact = with.get("dense").get("eigenvalues");
        double lambda1 = exact.get(0).asDouble(), lambda2 = exact.get(1).asDouble();
        assertTrue(lambda2 < 0.5 * lambda1, "λ_1 = " + lambda1 + " is not well separated from λ_2 = " + lambda2 + ": copies would not be ghosts");
        assertEquals(lambda1, with.get("lambda_max").asDouble(), 1e-5 * lambda1, "re-orthogonalised Lanczos against the dense λ_1");
        assertEquals(1, with.get("copies_of_lambda_max").asInt(), "with re-orthogonalisation λ_1 appears once");
        assertEquals(lambda1, without.get("lambda_max").asDouble(), 1e-4 * lambda1, "plain Lanczos against the dense λ_1");
        assertTrue(without.get("copies_of_lambda_max").asInt() >= 3,
                "without re-orthogonalisation ghosts of λ_1 should appear: " + without.get("copies_of_lambda_max") + " copies");
        assertTrue(with.get("dense").get("max_difference").asDouble() < 1e-2, "dense against differences: " + with.get("dense").get("max_difference"));
    }

    /** Reads the tutorial's bash blocks (a command may continue over lines ending in a backslash) and the text block under each. */
    static List<Step> steps(List<String> lines) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals("```bash")) continue;
            int first = i + 1;
            StringBuilder command = new StringBuilder();
            for (i = first; !lines.get(i).equals("```"); i++) command.append(lines.get(i).replaceAll("\\\\$", " "));
            List<String> words = new ArrayList<>(List.of(command.toString().trim().split("\\s+")));
            if (!words.get(0).equals("./basin")) fail("tutorial line " + first + ": a bash block that is not a ./basin command: " + command);
            words.remove(0);
            int next = i + 1;
            while (next < lines.size() && lines.get(next).isBlank()) next++;
            List<String> shown = null;
            if (next < lines.size() && lines.get(next).equals("```text")) {
                shown = new ArrayList<>();
                for (next++; !lines.get(next).equals("```"); next++) shown.add(lines.get(next));
            }
            steps.add(new Step(first, words, shown));
        }
        return steps;
    }

    /** Each shown line must appear in the printed output, in order; "…" skips any number of lines. */
    private static void compare(Step step, String printed) {
        List<String> actual = List.of(printed.split("\n", -1));
        int at = 0;
        for (String expected : step.shown()) {
            if (expected.equals("…")) continue;
            int found = -1;
            for (int k = at; k < actual.size(); k++) {
                if (same(expected, actual.get(k))) {
                    found = k;
                    break;
                }
            }
            if (found < 0) {
                fail("tutorial line " + step.line() + " (" + String.join(" ", step.args()) + "): the text shows\n  " + expected
                        + "\nwhich is not among what it printed after line " + at + ":\n" + String.join("\n", actual.subList(at, actual.size())));
            }
            at = found + 1;
        }
    }

    /** The same words, and every number within {@link #RELATIVE} of its size plus {@link #ABSOLUTE}. */
    static boolean same(String expected, String actual) {
        String e = SECONDS.matcher(expected.stripTrailing()).replaceAll("<seconds>");
        String a = SECONDS.matcher(actual.stripTrailing()).replaceAll("<seconds>");
        if (!NUMBER.matcher(e).replaceAll("#").equals(NUMBER.matcher(a).replaceAll("#"))) return false;
        Matcher me = NUMBER.matcher(e), ma = NUMBER.matcher(a);
        while (me.find() && ma.find()) {
            double x = parse(me.group()), y = parse(ma.group());
            if (Math.abs(x - y) > RELATIVE * Math.max(Math.abs(x), Math.abs(y)) + ABSOLUTE) return false;
        }
        return true;
    }

    private static double parse(String number) {
        return Double.parseDouble(number.replace('−', '-'));
    }

    /** Runs a command as {@code ./basin} would, with {@code docs/…} from the repository and {@code runs/…}, {@code oracle/…} in a temporary folder. */
    private static String run(List<String> args, int expectedCode) {
        List<String> mapped = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("docs/")) mapped.add(ROOT.resolve(arg).toString());
            else if (arg.startsWith("runs/") || arg.startsWith("oracle/")) mapped.add(work.resolve(arg).toString());
            else mapped.add(arg);
        }
        PrintStream savedOut = System.out, savedErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            System.setErr(out);
            CommandLine cli = BasinCli.commandLine();
            cli.setErr(new PrintWriter(out, true));
            cli.setOut(new PrintWriter(out, true));
            code = cli.execute(mapped.toArray(String[]::new));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        String printed = captured.toString(StandardCharsets.UTF_8)
                .replace(work.toString() + "/", "").replace(ROOT.toString() + "/", "");
        assertEquals(expectedCode, code, "exit code of " + String.join(" ", args) + "; it printed\n" + printed);
        return printed;
    }

    private static JsonNode json(List<String> args) {
        try {
            return new ObjectMapper().readTree(run(args, 0));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + e.getMessage(), e);
        }
    }

    private static double[] shift(double[] t, int i, double di, int j, double dj) {
        double[] s = t.clone();
        s[i] += di;
        s[j] += dj;
        return s;
    }

    /** The tiny network's mean cross-entropy in float64: θ = [W₁ (2×2, row-major), b₁, W₂ (2×2), b₂], PyTorch's layout. */
    private static double loss(Dataset data, double[] t) {
        float[] x = data.images();
        double total = 0;
        for (int n = 0; n < data.count(); n++) {
            double[] hidden = new double[2];
            for (int h = 0; h < 2; h++) hidden[h] = Math.max(0, t[2 * h] * x[2 * n] + t[2 * h + 1] * x[2 * n + 1] + t[4 + h]);
            double[] z = new double[2];
            for (int c = 0; c < 2; c++) z[c] = t[6 + 2 * c] * hidden[0] + t[6 + 2 * c + 1] * hidden[1] + t[10 + c];
            double top = Math.max(z[0], z[1]);
            double logSum = top + Math.log(Math.exp(z[0] - top) + Math.exp(z[1] - top));
            total += logSum - z[data.label(n)];
        }
        return total / data.count();
    }
}
