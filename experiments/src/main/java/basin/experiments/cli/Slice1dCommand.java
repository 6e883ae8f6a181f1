package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.Slice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code basin probe slice1d}: L(θ + αd) along a seeded, filter-normalised random direction (Li et al.
 * 2018), or one read from {@code --directions FILE}; {@code --save-directions} keeps it as d1.
 */
@Command(name = "slice1d", mixinStandardHelpOptions = true, description = "1D loss and accuracy slice L(θ + αd) along a random direction.")
public final class Slice1dCommand extends LandscapeCommand {

    @Mixin
    DirectionOptions direction;

    @Option(names = "--alphas", defaultValue = "-1:1:21", description = "FROM:TO:N, e.g. --alphas=-1:1:21 (default: ${DEFAULT-VALUE}).")
    String alphas;

    @Option(names = "--out", description = "JSON Lines file the points go to as they are measured; rerunning with it resumes.")
    Path out;

    @Option(names = "--explain", description = "Print the direction's norm tensor by tensor beside θ's and what a point costs (to stderr with --json).")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        double[] a = range(alphas, "--alphas");
        ParamVector theta = load(weights);
        DatasetLoss f = surface();
        ParamVector d = direction.directions(theta, 1, new SplittableRandom(seed)).get(0);
        direction.saveIfAsked(List.of(d), direction.describe());
        Map<String, Object> grid = gridIdentity("slice1d");
        grid.put("alphas", a);
        direction.putIdentity(grid);
        GridLog log = gridLog(out, grid);
        Slice.Result r;
        long start = System.nanoTime();
        try {
            r = Slice.line(gridEngine(f, null), theta, d, a, log);
        } finally {
            close(log);
        }
        if (explain) {
            java.io.PrintStream trace = json ? System.err : System.out;
            PathExplain.directionNorms(trace, theta, List.of(d));
            PathExplain.cost(trace, f, a.length - r.resumed(), (System.nanoTime() - start) / 1e9, threads(), "; the point is θ + α d");
        }
        Map<String, Object> o = header("slice1d");
        o.put("direction", direction.describe());
        o.put("direction_norm", d.norm());
        o.put("theta_norm", theta.norm());
        putEngine(o);
        o.putAll(basin.experiments.report.ProbeRecords.slice(r));
        if (json) {
            printJson(o);
        } else {
            System.out.println("slice1d  " + f.describe() + "; direction " + direction.describe());
            printStatistics(f.runningStatistics());
            System.out.printf("%10s  %12s  %9s%n", "alpha", "loss", "accuracy");
            for (int i = 0; i < a.length; i++) System.out.printf("%10s  %12s  %8.2f%%%n", f(a[i]), f(r.losses()[i]), 100 * r.accuracies()[i]);
            if (r.resumed() > 0) System.out.println(r.resumed() + " of " + a.length + " points resumed from " + out);
        }
        return 0;
    }
}
