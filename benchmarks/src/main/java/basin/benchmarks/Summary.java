package basin.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH's JSON results ({@code -rf json}) into the Markdown rows of {@code RESULTS.md}: the
 * median over every measured iteration of every fork, the spread as the interquartile range and
 * the min–max, and the derived rates (GFLOP/s for GEMM and the FMA peak, the HVP/gradient ratio).
 *
 * <p>The median rather than JMH's mean ± CI, because a shared machine produces one-sided outliers
 * (another process steals the core for an iteration) that drag the mean but not the median.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar basin.benchmarks.Summary RESULT.json…}
 */
public final class Summary {
    private Summary() {
    }

    /** One benchmark and parameter set; {@code scores} are every measured iteration, sorted. */
    record Row(String benchmark, Map<String, String> params, int threads, String unit, double[] scores) {
        double quantile(double q) {
            double[] s = scores;
            double pos = q * (s.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, s.length - 1);
            return s[lo] + (pos - lo) * (s[hi] - s[lo]);
        }

        double median() {
            return quantile(0.5);
        }

        String shortName() {
            return benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Summary JMH-RESULT.json...");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String file : args) {
            for (JsonNode run : json.readTree(Path.of(file).toFile())) rows.add(row(run));
        }
        System.out.println("| benchmark | parameters | median | IQR | min – max | n | derived |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf("| %s | %s | %s %s | %s | %s – %s | %d | %s |%n", r.shortName(), params(r),
                    fmt(r.median()), r.unit(), fmt(r.quantile(0.75) - r.quantile(0.25)),
                    fmt(r.quantile(0)), fmt(r.quantile(1)), r.scores().length, derived(r, rows));
        }
    }

    private static Row row(JsonNode run) {
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = run.get("params");
        if (p != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode metric = run.get("primaryMetric");
        List<Double> scores = new ArrayList<>();
        for (JsonNode fork : metric.get("rawData")) for (JsonNode x : fork) scores.add(x.asDouble());
        return new Row(run.get("benchmark").asText(), params, run.get("threads").asInt(),
                metric.get("scoreUnit").asText(), scores.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    private static String params(Row r) {
        StringBuilder s = new StringBuilder();
        r.params().forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        if (r.threads() > 1) s.append(s.length() == 0 ? "" : ", ").append("jmh threads=").append(r.threads());
        return s.toString();
    }

    /** GFLOP/s where the work is known; the HVP's cost in gradients for the MLP benchmark. */
    private static String derived(Row r, List<Row> all) {
        double seconds = r.median() * unitSeconds(r.unit());
        if (r.benchmark().endsWith("GemmBench.sgemm")) {
            String[] mkn = r.params().get("shape").split("x");
            double flops = 2.0 * Double.parseDouble(mkn[0]) * Double.parseDouble(mkn[1]) * Double.parseDouble(mkn[2]);
            return String.format("%.1f GFLOP/s", flops / seconds / 1e9);
        }
        if (r.benchmark().contains("PeakFlopsBench.fma")) {
            return String.format("%.1f GFLOP/s (all threads)", r.threads() * PeakFlopsBench.flopsPerCall() / seconds / 1e9);
        }
        if (r.benchmark().endsWith("HvpBench.hvp")) {
            for (Row g : all) {
                if (g.benchmark().endsWith("HvpBench.gradient") && g.params().equals(r.params())) {
                    return String.format("%.2f × gradient", r.median() / g.median());
                }
            }
        }
        return "";
    }

    private static double unitSeconds(String unit) {
        return switch (unit) {
            case "s/op" -> 1;
            case "ms/op" -> 1e-3;
            case "us/op" -> 1e-6;
            case "ns/op" -> 1e-9;
            default -> throw new IllegalArgumentException("unknown JMH unit " + unit);
        };
    }

    private static String fmt(double x) {
        if (Math.abs(x) >= 1000) return String.format("%.0f", x);
        if (Math.abs(x) >= 10) return String.format("%.1f", x);
        return String.format("%.3g", x);
    }
}
