package basin.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code basin bench}: what it prints for each operation, and its errors. Timings are never
 * checked against a number (speed is measured, not asserted); the runs are a few milliseconds
 * long so that the test is fast.
 */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Short runs: no warm-up beyond the two fixed calls, 10 ms, at least 3 calls. */
    private static final String[] SHORT = {"--device", "cpu", "--warmup", "0", "--seconds", "0.01", "--min-calls", "3", "--json"};

    /** The JSON lines of a successful run. */
    private static List<JsonNode> run(String... args) throws Exception {
        CommandLine cli = BasinCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + SHORT.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(SHORT, 0, all, 1 + args.length, SHORT.length);
        assertEquals(0, cli.execute(all), err.toString());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().strip().split("\n")) lines.add(JSON.readTree(line));
        return lines;
    }

    private static String errorOf(String... args) {
        CommandLine cli = BasinCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(1, cli.execute(args), err.toString());
        return err.toString().strip();
    }

    /** The timing fields are ordered statistics of at least --min-calls calls. */
    private static void assertTimings(JsonNode r) {
        assertTrue(r.get("calls").asInt() >= 3, r.toString());
        double[] ordered = {r.get("min_ms").asDouble(), r.get("q1_ms").asDouble(), r.get("median_ms").asDouble(),
                r.get("q3_ms").asDouble(), r.get("max_ms").asDouble()};
        assertTrue(ordered[0] > 0, r.toString());
        for (int i = 1; i < ordered.length; i++) assertTrue(ordered[i - 1] <= ordered[i], r.toString());
        assertEquals(ordered[3] - ordered[1], r.get("iqr_ms").asDouble(), 1e-9);
        assertEquals(1000 / ordered[2], r.get("calls_per_s").asDouble(), 1e-6);
        assertEquals(r.get("gflop_per_call").asDouble() / ordered[2] * 1e3, r.get("gflops").asDouble(), 1e-6);
    }

    @Test
    void everyModelOperationPrintsOneJsonLineWithItsTimingsAndTheSpecItRan() throws Exception {
        List<JsonNode> lines = run("grad", "hvp", "ggn", "lanczos-step", "--model", "mlp:12-8-3", "--batch", "5", "--lanczos-steps", "4");
        assertEquals(4, lines.size());
        String[] expected = {"grad", "hvp", "ggn", "lanczos-step"};
        // 12·8 + 8 + 8·3 + 3 parameters; forward flops 2·(12·8 + 8·3) per example, the first layer on the data.
        double firstLayer = 2.0 * 12 * 8, secondLayer = 2.0 * 8 * 3;
        double[] flops = {5 * (2 * firstLayer + 3 * secondLayer), 5 * (4 * firstLayer + 9 * secondLayer), 5 * (4 * firstLayer + 6 * secondLayer),
                5 * (4 * firstLayer + 9 * secondLayer) + (4.0 * 4 + 10) * 131};
        for (int i = 0; i < 4; i++) {
            JsonNode r = lines.get(i);
            assertEquals(expected[i], r.get("operation").asText());
            assertEquals("mlp:12-8-3", r.get("model").asText());
            assertEquals(131, r.get("parameters").asInt());
            assertEquals(5, r.get("batch").asInt());
            assertEquals("cpu", r.get("device").asText());
            assertTrue(r.get("threads").asInt() >= 1);
            assertEquals(flops[i] / 1e9, r.get("gflop_per_call").asDouble(), 1e-15, expected[i]);
            assertEquals(12, r.get("spec").get("input").get(0).asInt());
            assertTimings(r);
        }
        assertEquals(4, lines.get(3).get("lanczos_steps").asInt());
    }

    @Test
    void gemmTakesItsShapeAndCountsTwoMnkFlops() throws Exception {
        JsonNode r = run("gemm", "--shape", "5x7x3").get(0);
        assertEquals("[5,7,3]", r.get("shape").toString());
        assertEquals(2.0 * 5 * 7 * 3 / 1e9, r.get("gflop_per_call").asDouble(), 1e-18);
        assertTrue(r.get("model").isNull() && r.get("spec").isNull());
        assertTimings(r);
    }

    @Test
    void aStudyModelIsFoundByItsName() throws Exception {
        JsonNode r = run("grad", "--model", "noise-regimes-cnn", "--batch", "1").get(0);
        assertEquals(215_370, r.get("parameters").asInt());
    }

    @Test
    void threadsSetsTheCpuBackendsThreadCount() throws Exception {
        assertEquals(1, run("gemm", "--shape", "4x4x4", "--threads", "1").get(0).get("threads").asInt());
    }

    @Test
    void aBadModelNameSaysWhatAModelCanBe() {
        assertEquals("basin: --model 'resnet-20' is neither a study model [mlp-vs-cnn-cnn, noise-regimes-cnn, vanilla-cnn, simple-resnet, resnet20],"
                + " nor an MLP's widths like mlp:784-256-10, nor a spec file (no such file)", errorOf("bench", "grad", "--model", "resnet-20"));
        assertEquals("basin: --model mlp:784-0-10: an MLP is written by its widths, inputs first, each a positive integer, e.g. mlp:784-256-10",
                errorOf("bench", "hvp", "--model", "mlp:784-0-10"));
        assertEquals("basin: bench: [grad] need --model (a study model, mlp:784-256-10 or a spec file)", errorOf("bench", "grad"));
    }

    @Test
    void aBadShapeOrOperationIsRefusedBeforeAnyWork() {
        assertEquals("basin: --shape must be M×K×N with positive integers, e.g. 128x784x256, got '128x784'",
                errorOf("bench", "gemm", "--shape", "128x784"));
        assertEquals("basin: --shape must be M×K×N with positive integers, e.g. 128x784x256, got '0x4x4'",
                errorOf("bench", "gemm", "--shape", "0x4x4"));
        assertEquals("basin: bench: gemm needs --shape M×K×N, e.g. 128x784x256", errorOf("bench", "gemm"));
        assertEquals("basin: bench: unknown operation 'hessian'; known: grad, hvp, ggn, gemm, lanczos-step",
                errorOf("bench", "hessian", "--model", "resnet20"));
        assertEquals("basin: --batch must be ≥ 1, got 0", errorOf("bench", "grad", "--model", "resnet20", "--batch", "0"));
        assertEquals("basin: --threads must be ≥ 1, got 0", errorOf("bench", "gemm", "--shape", "4x4x4", "--threads", "0"));
    }
}
