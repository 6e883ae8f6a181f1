package basin.experiments.cli;

import basin.engine.probe.curvature.PerLayerCurvature;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code --per-layer}'s table and JSON: one row per parameter tensor's diagonal block. */
final class PerLayerTable {
    private PerLayerTable() {
    }

    static void print(PrintStream out, PerLayerCurvature.Result r) {
        out.printf(Locale.ROOT, "%nper layer        diagonal block A_BB of each parameter tensor (λmax by Lanczos, trace by Hutchinson)%n");
        out.printf(Locale.ROOT, "  %-24s %9s %16s %6s %16s %12s %8s%n", "parameter", "size", "λmax", "steps", "trace", "± stderr", "samples");
        for (PerLayerCurvature.Row row : r.rows()) {
            out.printf(Locale.ROOT, "  %-24s %9d %16.8g %6d %16.8g %12.2g %8d%n", row.name(), row.size(), row.lambdaMax(), row.lanczosSteps(),
                    row.trace(), row.traceStandardError(), row.traceSamples());
        }
        out.printf(Locale.ROOT, "  %-24s %9s %16s %6s %16.8g %12.2g   (Σ of the blocks' traces = tr A)%n", "sum", "", "", "",
                r.traceSum(), r.traceSumStandardError());
    }

    static void putJson(Map<String, Object> o, PerLayerCurvature.Result r) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PerLayerCurvature.Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", row.name());
            m.put("size", row.size());
            m.put("lambda_max", row.lambdaMax());
            m.put("lanczos_steps", row.lanczosSteps());
            m.put("trace", row.trace());
            m.put("trace_stderr", row.traceStandardError());
            m.put("trace_samples", row.traceSamples());
            rows.add(m);
        }
        o.put("per_layer", rows);
        o.put("per_layer_trace_sum", r.traceSum());
        o.put("per_layer_trace_sum_stderr", r.traceSumStandardError());
    }
}
