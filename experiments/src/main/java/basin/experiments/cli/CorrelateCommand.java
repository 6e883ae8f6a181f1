package basin.experiments.cli;

import basin.engine.probe.landscape.Correlation;
import basin.engine.probe.landscape.Significance;
import basin.experiments.report.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code basin probe correlate}: Pearson r and Kendall τ_b between a geometric measure and
 * generalisation across runs, from a CSV with a header and one run per line:
 * <pre>
 *   run,measure,generalisation
 *   seed0,5.03,0.9120
 *   seed42,6.71,0.9050
 * </pre>
 */
@Command(name = "correlate", mixinStandardHelpOptions = true,
        description = "Pearson and Kendall τ_b between a measure and generalisation across runs (CSV: run,measure,generalisation).")
public final class CorrelateCommand implements Callable<Integer> {

    @Option(names = "--runs", required = true, description = "CSV file: header, then run,measure,generalisation per line.")
    Path runs;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--explain", description = "Print how both coefficients are built: each run's deviations from the means and "
            + "the sums of Pearson's r, then Kendall's pair counts and τ_b, with the p-values (to stderr with --json).")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        List<String> lines = Files.readAllLines(runs);
        if (lines.isEmpty()) throw new IllegalArgumentException(runs + ": empty; expected a header and one run per line");
        String[] header = lines.get(0).split(",");
        if (header.length != 3) throw new IllegalArgumentException(runs + ": the header must name 3 columns (run, measure, generalisation), got '" + lines.get(0) + "'");
        List<Correlation.Run> list = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) continue;
            String[] f = lines.get(n).split(",");
            try {
                if (f.length != 3) throw new NumberFormatException();
                list.add(new Correlation.Run(f[0].trim(), Double.parseDouble(f[1].trim()), Double.parseDouble(f[2].trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(runs + ", line " + (n + 1) + ": expected run,number,number, got '" + lines.get(n) + "'");
            }
        }
        Correlation.Result r = Correlation.of(list);
        if (explain) explain(json ? System.err : System.out, r.runs(), header[1].trim(), header[2].trim());
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("probe", "correlate");
            o.put("measure", header[1].trim());
            o.put("generalisation", header[2].trim());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Correlation.Run run : r.runs()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("run", run.name());
                row.put("measure", run.measure());
                row.put("generalisation", run.generalisation());
                rows.add(row);
            }
            o.put("runs", rows);
            o.put("pearson", r.pearson());
            o.put("kendall_tau_b", r.kendallTauB());
            System.out.println(RunFolder.JSON.writeValueAsString(o));
        } else {
            System.out.printf(Locale.ROOT, "%d runs: %s%n", r.runs().size(), r.runs().stream().map(Correlation.Run::name).toList());
            System.out.printf(Locale.ROOT, "Pearson r (%s vs %s)   %.4f%n", header[1].trim(), header[2].trim(), r.pearson());
            System.out.printf(Locale.ROOT, "Kendall tau_b               %.4f%n", r.kendallTauB());
        }
        return 0;
    }

    /**
     * The two coefficients step by step, from the same sums {@link Correlation} takes: Pearson's r
     * compares the deviations from the means (how far the runs lie along one line), Kendall's τ_b
     * only the order of each pair of runs (whether a larger measure goes with a larger
     * generalisation), so one outlying run moves r far more than τ_b.
     */
    private static void explain(PrintStream out, List<Correlation.Run> runs, String measure, String generalisation) {
        int n = runs.size();
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = runs.get(i).measure();
            y[i] = runs.get(i).generalisation();
        }
        Correlation.PearsonTerms p = Correlation.pearsonTerms(x, y);
        out.println();
        out.printf(Locale.ROOT, "── Pearson r: x = %s, y = %s; x̄ = %s, ȳ = %s%n", measure, generalisation, num(p.meanX()), num(p.meanY()));
        out.printf(Locale.ROOT, "  %-16s %12s %12s %14s%n", "run", "x − x̄", "y − ȳ", "(x − x̄)(y − ȳ)");
        for (int i = 0; i < n; i++) {
            double dx = x[i] - p.meanX(), dy = y[i] - p.meanY();
            out.printf(Locale.ROOT, "  %-16s %12.5g %12.5g %14.5g%n", runs.get(i).name(), dx, dy, dx * dy);
        }
        out.printf(Locale.ROOT, "  Σ (x − x̄)(y − ȳ) = %s, Σ (x − x̄)² = %s, Σ (y − ȳ)² = %s%n", num(p.sxy()), num(p.sxx()), num(p.syy()));
        out.printf(Locale.ROOT, "  r = %s / √(%s · %s) = %.4f; p = %.3g (Student's t with %d degrees of freedom)%n",
                num(p.sxy()), num(p.sxx()), num(p.syy()), p.r(), Significance.pearsonPValue(p.r(), n), n - 2);
        Correlation.KendallTerms k = Correlation.kendallTerms(x, y);
        out.println();
        out.printf(Locale.ROOT, "── Kendall τ_b: the order of each of the n₀ = %d pairs of runs%n", k.pairs());
        out.printf(Locale.ROOT, "  concordant n_c = %d (both larger together), discordant n_d = %d, tied in x n₁ = %d, tied in y n₂ = %d%n",
                k.concordant(), k.discordant(), k.tiesX(), k.tiesY());
        out.printf(Locale.ROOT, "  τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)) = %d / √(%d · %d) = %.4f; p = %.3g%n",
                k.concordant() - k.discordant(), k.pairs() - k.tiesX(), k.pairs() - k.tiesY(), k.tauB(), Significance.kendallPValue(x, y));
        out.println();
    }

    /** Six significant digits without trailing zeros: 0.025, not 0.0250000. */
    private static String num(double v) {
        return new BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
    }
}
