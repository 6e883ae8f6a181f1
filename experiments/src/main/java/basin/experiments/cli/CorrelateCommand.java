package basin.experiments.cli;

import basin.engine.probe.landscape.Correlation;
import basin.experiments.report.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
}
