package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.engine.probe.curvature.DataSubsets;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code probe hessian --subsets R}: the probes rerun on R disjoint, contiguous subsets of the
 * examples ({@link DataSubsets}), each on its own operator and from the same seed as the full run, so
 * subset r's numbers are what {@code probe hessian} gives on that subset's examples alone. Printed and
 * written as mean, sample standard deviation and min–max beside the full-data value.
 */
final class SubsetTable {
    private SubsetTable() {
    }

    /** What the probes give on one set of examples: λmax by Lanczos, by power iteration (null unless asked), the trace (null unless asked). */
    record Estimates(double lambdaMax, Double lambdaMaxPower, Double trace) {
    }

    /** The subsets' boundaries, their estimates and the products they cost (each over |subset| examples). */
    record Result(int[] bounds, Estimates[] estimates, long products) {
    }

    /** Runs {@code probes} on each subset's operator; {@code operatorOver} builds the operator over a dataset. */
    static Result run(Dataset d, int r, Function<Dataset, CurvatureOperator> operatorOver, Function<CurvatureOperator, Estimates> probes) {
        int[] bounds = DataSubsets.bounds(d.count(), r);
        Estimates[] estimates = new Estimates[r];
        long products = 0;
        for (int k = 0; k < r; k++) {
            CurvatureOperator h = operatorOver.apply(d.subset(bounds[k], bounds[k + 1]));
            estimates[k] = probes.apply(h);
            products += h.productCount();
        }
        return new Result(bounds, estimates, products);
    }

    /** Each estimate's spread, by JSON name; power and trace only when they were run. */
    static Map<String, DataSubsets.Spread> spreads(Estimates full, Result r) {
        Map<String, DataSubsets.Spread> s = new LinkedHashMap<>();
        s.put("lambda_max", spread(full.lambdaMax(), r, Estimates::lambdaMax));
        if (full.lambdaMaxPower() != null) s.put("lambda_max_power", spread(full.lambdaMaxPower(), r, Estimates::lambdaMaxPower));
        if (full.trace() != null) s.put("trace", spread(full.trace(), r, Estimates::trace));
        return s;
    }

    private static DataSubsets.Spread spread(double full, Result r, Function<Estimates, Double> of) {
        double[] values = new double[r.estimates().length];
        for (int k = 0; k < values.length; k++) values[k] = of.apply(r.estimates()[k]);
        return DataSubsets.Spread.of(full, values);
    }

    static void print(PrintStream out, Estimates full, Result r) {
        int count = r.estimates().length;
        StringBuilder sizes = new StringBuilder();
        for (int k = 0; k < count; k++) sizes.append(k == 0 ? "" : ", ").append(r.bounds()[k + 1] - r.bounds()[k]);
        out.printf(Locale.ROOT, "%nsubsets          R = %d disjoint, contiguous subsets in file order of %s examples, each probed from the same seed%n",
                count, sizes);
        out.printf(Locale.ROOT, "  %-22s %16s %16s %12s %16s %16s%n", "estimate", "full data", "mean", "sd", "min", "max");
        for (Map.Entry<String, DataSubsets.Spread> e : spreads(full, r).entrySet()) {
            DataSubsets.Spread s = e.getValue();
            out.printf(Locale.ROOT, "  %-22s %16.8g %16.8g %12.3g %16.8g %16.8g%n", label(e.getKey()), s.full(), s.mean(), s.sd(), s.min(), s.max());
        }
        out.printf(Locale.ROOT, "  (sd: sample standard deviation over the R subsets; %d products over the subsets)%n", r.products());
    }

    static void putJson(Map<String, Object> o, Estimates full, Result r) {
        Map<String, Object> s = new LinkedHashMap<>();
        int count = r.estimates().length;
        s.put("count", count);
        int[][] ranges = new int[count][];
        for (int k = 0; k < count; k++) ranges[k] = new int[] {r.bounds()[k], r.bounds()[k + 1]};
        s.put("ranges", ranges);
        for (Map.Entry<String, DataSubsets.Spread> e : spreads(full, r).entrySet()) {
            DataSubsets.Spread v = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("full", v.full());
            m.put("mean", v.mean());
            m.put("sd", v.sd());
            m.put("min", v.min());
            m.put("max", v.max());
            m.put("values", v.values());
            s.put(e.getKey(), m);
        }
        s.put("hvp_count", r.products());
        o.put("subsets", s);
    }

    private static String label(String key) {
        switch (key) {
            case "lambda_max": return "λmax (Lanczos)";
            case "lambda_max_power": return "λmax (power)";
            default: return "trace";
        }
    }
}
