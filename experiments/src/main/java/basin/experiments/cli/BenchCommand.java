package basin.experiments.cli;

import basin.experiments.bench.BenchModel;
import basin.experiments.bench.CallTimer;
import basin.experiments.bench.CallTimes;
import basin.experiments.bench.Operation;
import basin.experiments.bench.Workload;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import basin.kernels.cpu.gemm.Sgemm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code basin bench}: times gradients, HVPs, Gauss–Newton products, Lanczos steps or a GEMM in this
 * process, after a warm-up, and prints the median, interquartile range and min–max of the
 * milliseconds per call, the calls per second and, where the work is known, GFLOP/s. The detailed
 * instrument stays JMH ({@code benchmarks/}); this one needs nothing but the command line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times grad, hvp, ggn, lanczos-step (on a model and one random batch) or gemm (on --shape).",
                "Each operation is warmed up, then every call is timed; the median is the number, IQR and min–max the spread."})
public final class BenchCommand implements Callable<Integer> {

    /** How the JVM is told how many processors to use; the CPU backend sizes its threads from that count. */
    static final String PROCESSOR_COUNT_FLAG = "-XX:ActiveProcessorCount=";

    /** --json's writer: one object per line, so that a script can read the lines one at a time. */
    private static final ObjectMapper JSON_LINES = new ObjectMapper();

    @Parameters(arity = "1..*", paramLabel = "OPERATION", description = "grad, hvp, ggn, lanczos-step or gemm; several are timed in turn.")
    List<String> operations;

    @Option(names = "--model", description = "A study model (mlp-vs-cnn-cnn, noise-regimes-cnn, vanilla-cnn, simple-resnet, resnet20), "
            + "an MLP's widths (mlp:784-256-10) or a spec file.")
    String model;

    @Option(names = "--batch", defaultValue = "128", description = "Examples in the random batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--shape", description = "gemm's M×K×N: C[M×N] = A[M×K]·B[K×N], e.g. 128x784x256.")
    String shape;

    @Mixin
    DeviceOptions device;

    @Option(names = "--threads", description = "CPU threads (default: one per processor the JVM sees).")
    Integer threads;

    @Option(names = "--seconds", defaultValue = "3", description = "Measuring time per operation, s (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "1", description = "Warm-up time per operation, s (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--min-calls", defaultValue = "5", description = "Fewest timed calls, however long they take (default: ${DEFAULT-VALUE}).")
    int minCalls;

    @Option(names = "--lanczos-steps", defaultValue = "20", description = "lanczos-step: vectors stored before the step (default: ${DEFAULT-VALUE}).")
    int lanczosSteps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of θ, the inputs, the targets and v (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object per operation, one per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Operation> ops = new ArrayList<>();
        for (String label : operations) ops.add(Operation.parse(label));
        int[] gemmShape = checkOptions(ops);
        if (threads != null && threads != Runtime.getRuntime().availableProcessors()) return relaunchWith(threads);

        BenchModel bench = ops.stream().anyMatch(Operation::needsModel) ? BenchModel.resolve(model) : null;
        Backend backend = device.backend();
        Integer cpuThreads = backend instanceof CpuBackend ? Sgemm.maxThreads() : null;
        if (threads != null && !threads.equals(cpuThreads)) {
            throw new IllegalArgumentException(cpuThreads == null
                    ? "--threads sets the CPU backend's threads, but this run uses " + backend.name()
                    : "--threads " + threads + ": the CPU backend runs " + cpuThreads + " threads although the JVM sees "
                    + Runtime.getRuntime().availableProcessors() + " processors");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!json) out.println(header(bench, gemmShape, backend, cpuThreads));
        CallTimer timer = new CallTimer(warmup, seconds, minCalls);
        Map<Operation, CallTimes> timed = new LinkedHashMap<>();
        for (Operation op : ops) {
            Workload work = op == Operation.GEMM
                    ? Workload.gemm(backend, gemmShape[0], gemmShape[1], gemmShape[2], seed)
                    : Workload.of(op, backend, bench.network(), batch, seed, lanczosSteps);
            CallTimes t = timer.time(backend, work.call());
            timed.put(op, t);
            if (json) out.println(JSON_LINES.writeValueAsString(record(op, work, t, bench, gemmShape, backend, cpuThreads)));
            else out.println(row(op, work, t));
            out.flush();
        }
        if (!json) out.print(footer(timed));
        out.flush();
        return 0;
    }

    /** Refuses options that do not fit the operations, before any work; returns gemm's {m, k, n} (null without gemm). */
    private int[] checkOptions(List<Operation> ops) {
        if (batch < 1) throw new IllegalArgumentException("--batch must be ≥ 1, got " + batch);
        if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
        if (!(warmup >= 0)) throw new IllegalArgumentException("--warmup must be ≥ 0, got " + warmup);
        if (minCalls < 1) throw new IllegalArgumentException("--min-calls must be ≥ 1, got " + minCalls);
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be ≥ 1, got " + threads);
        boolean gemm = ops.contains(Operation.GEMM), modelOps = ops.stream().anyMatch(Operation::needsModel);
        if (modelOps && model == null) throw new IllegalArgumentException("bench: " + ops + " need --model (a study model, mlp:784-256-10 or a spec file)");
        if (!modelOps && model != null) throw new IllegalArgumentException("bench: gemm takes --shape, not --model");
        if (!gemm && shape != null) throw new IllegalArgumentException("bench: --shape is gemm's; " + ops + " take --model and --batch");
        if (!gemm) return null;
        if (shape == null) throw new IllegalArgumentException("bench: gemm needs --shape M×K×N, e.g. 128x784x256");
        return parseShape(shape);
    }

    /** {m, k, n} from "MxKxN" (x or ×), each a positive integer. */
    static int[] parseShape(String text) {
        String[] parts = text.trim().split("[x×]", -1);
        int[] mkn = new int[3];
        boolean valid = parts.length == 3;
        for (int i = 0; valid && i < 3; i++) {
            try {
                mkn[i] = Integer.parseInt(parts[i].trim());
                valid = mkn[i] >= 1;
            } catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid) throw new IllegalArgumentException("--shape must be M×K×N with positive integers, e.g. 128x784x256, got '" + text + "'");
        if ((long) mkn[0] * mkn[1] > Integer.MAX_VALUE || (long) mkn[1] * mkn[2] > Integer.MAX_VALUE || (long) mkn[0] * mkn[2] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--shape " + text + ": a matrix of more than 2³¹ − 1 floats");
        }
        return mkn;
    }

    /**
     * Runs this command again in a JVM that sees {@code processors} processors. The CPU backend
     * starts its threads once, one per processor the JVM sees ({@link Sgemm#maxThreads()}), so the
     * count cannot change inside a running JVM; the child's output is this command's output.
     */
    private int relaunchWith(int processors) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith(PROCESSOR_COUNT_FLAG)) command.add(arg);
        }
        command.add(PROCESSOR_COUNT_FLAG + processors);
        if (Boolean.getBoolean("basin.quiet")) command.add("-Dbasin.quiet=true");   // a test's setting, which may not be a JVM argument
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BasinCli.class.getName()));
        command.addAll(spec.commandLine().getParseResult().originalArgs());   // the whole command line, "bench" included
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        PrintWriter out = spec.commandLine().getOut();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.println(line);
                out.flush();
            }
        }
        return child.waitFor();
    }

    private String header(BenchModel bench, int[] gemmShape, Backend backend, Integer cpuThreads) {
        StringBuilder s = new StringBuilder();
        if (bench != null) {
            s.append(String.format(Locale.ROOT, "model %s (%,d parameters), batch %d", bench.name(), bench.network().layout().size(), batch));
        }
        if (gemmShape != null) {
            s.append(s.length() > 0 ? "; " : "").append(String.format("gemm %d×%d×%d (M×K×N)", gemmShape[0], gemmShape[1], gemmShape[2]));
        }
        s.append(String.format(Locale.ROOT, "; %s%s; %.3g s warm-up, then %.3g s and at least %d calls per operation%n",
                backend.name(), cpuThreads != null ? ", " + cpuThreads + " threads" : "", warmup, seconds, minCalls));
        s.append("| operation | median ms | IQR ms | min – max ms | calls | calls/s | GFLOP/s |\n");
        s.append("|---|---|---|---|---|---|---|");
        return s.toString();
    }

    private static String row(Operation op, Workload work, CallTimes t) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s – %s | %d | %s | %s |", op, number(t.median()), number(t.interquartileRange()),
                number(t.min()), number(t.max()), t.calls(), number(t.callsPerSecond()),
                Double.isNaN(work.flops()) ? "" : number(work.flops() / (t.median() * 1e6)));
    }

    /** What the GFLOP/s count, and each model operation's cost in gradients when the gradient was timed. */
    private static String footer(Map<Operation, CallTimes> timed) {
        StringBuilder s = new StringBuilder();
        if (timed.keySet().stream().anyMatch(Operation::needsModel)) {
            s.append("GFLOP/s: the linear and convolution layers' flops (hvp: those forward-over-reverse does; see ModelFlops)"
                    + " over the median time.\n");
        }
        CallTimes grad = timed.get(Operation.GRAD);
        if (grad != null) {
            timed.forEach((op, t) -> {
                if (op != Operation.GRAD && op.needsModel()) {
                    s.append(String.format(Locale.ROOT, "%s = %.2f gradients (median over median)%n", op, t.median() / grad.median()));
                }
            });
        }
        return s.toString();
    }

    private Map<String, Object> record(Operation op, Workload work, CallTimes t, BenchModel bench, int[] gemmShape,
                                       Backend backend, Integer cpuThreads) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("operation", op.label());
        r.put("model", op.needsModel() ? bench.name() : null);
        r.put("parameters", op.needsModel() ? bench.network().layout().size() : null);
        r.put("batch", op.needsModel() ? batch : null);
        r.put("shape", op == Operation.GEMM ? List.of(gemmShape[0], gemmShape[1], gemmShape[2]) : null);
        if (op == Operation.LANCZOS_STEP) r.put("lanczos_steps", lanczosSteps);
        r.put("device", backend.name());
        r.put("threads", cpuThreads);
        r.put("warmup_s", warmup);
        r.put("seconds", seconds);
        r.put("calls", t.calls());
        r.put("median_ms", t.median());
        r.put("q1_ms", t.quantile(0.25));
        r.put("q3_ms", t.quantile(0.75));
        r.put("iqr_ms", t.interquartileRange());
        r.put("min_ms", t.min());
        r.put("max_ms", t.max());
        r.put("calls_per_s", t.callsPerSecond());
        r.put("gflop_per_call", Double.isNaN(work.flops()) ? null : work.flops() / 1e9);
        r.put("gflops", Double.isNaN(work.flops()) ? null : work.flops() / (t.median() * 1e6));
        r.put("seed", seed);
        JsonNode modelSpec = op.needsModel() ? JSON_LINES.readTree(bench.spec()) : null;
        r.put("spec", modelSpec);
        return r;
    }

    /** Three significant digits, no exponent below 10⁶. */
    private static String number(double x) {
        if (Math.abs(x) >= 100) return String.format(Locale.ROOT, "%.0f", x);
        if (Math.abs(x) >= 10) return String.format(Locale.ROOT, "%.1f", x);
        return String.format(Locale.ROOT, "%.3g", x);
    }
}
