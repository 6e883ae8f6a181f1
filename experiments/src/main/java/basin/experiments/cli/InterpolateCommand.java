package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.LinearPath;
import basin.engine.probe.landscape.PathResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** {@code basin probe interpolate}: loss and accuracy along θ(α) = (1 − α) θ_A + α θ_B, with the barrier. */
@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = {"Linear interpolation between two models: loss, accuracy and barrier along the segment.",
                "With BatchNorm, the running statistics are recomputed at each point from the training split (--statistics-limit, --statistics-batch)."})
public final class InterpolateCommand extends LandscapeCommand {

    @Option(names = "--weights-b", required = true, description = "The second model θ_B (same spec).")
    Path weightsB;

    @Option(names = "--points", defaultValue = "21", description = "Points from α = 0 to 1, both ends included (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--out", description = "JSON Lines file the points go to as they are measured; rerunning with it resumes.")
    Path out;

    @Mixin
    StatisticsOptions statistics;

    @Option(names = "--explain", description = "Print what a point costs and each point's loss beside the straight mix of the end losses (to stderr with --json).")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        ParamVector a = load(weights);
        ParamVector b = loadPair(weights, weightsB, a);
        DatasetLoss f = pathSurface(statistics);
        Map<String, Object> grid = gridIdentity("interpolate");
        grid.put("weights_b", weightsB.toAbsolutePath().normalize().toString());
        grid.put("weights_b_crc32", crc32(weightsB));
        grid.put("points", points);
        putStatistics(grid, f, statistics);
        GridLog log = gridLog(out, grid);
        PathResult path;
        long start = System.nanoTime();
        try {
            path = LinearPath.measure(f, gridEngine(f, statistics), a, b, points, log);
        } finally {
            close(log);
        }
        if (explain) {
            java.io.PrintStream trace = json ? System.err : System.out;
            PathExplain.cost(trace, f, points, (System.nanoTime() - start) / 1e9, threads(), "");
            PathExplain.barrier(trace, "θ(α) = (1 − α) θ_A + α θ_B", path, Math.sqrt(distanceSquared(a, b)));
        }
        Map<String, Object> o = header("interpolate");
        o.put("weights_b", weightsB.toString());
        o.put("path", "θ(α) = (1 − α) θ_A + α θ_B");
        o.put("running_statistics", path.runningStatistics());
        putPath(o, path);
        putEngine(o);
        o.put("distance", Math.sqrt(distanceSquared(a, b)));
        if (json) printJson(o);
        else printPath("interpolate", f, path);
        return 0;
    }

    static double distanceSquared(ParamVector a, ParamVector b) {
        ParamVector d = b.copy();
        d.axpy(-1, a);
        return d.dot(d);
    }

    static void putPath(Map<String, Object> o, PathResult path) {
        o.putAll(basin.experiments.report.ProbeRecords.path(path));
    }

    static void printPath(String what, DatasetLoss f, PathResult path) {
        System.out.println(what + "  " + f.describe() + "; " + path.runningStatistics());
        System.out.printf("%8s  %12s  %9s%n", "alpha", "loss", "accuracy");
        for (int i = 0; i < path.ts().length; i++) {
            System.out.printf("%8s  %12s  %8.2f%%%n", f(path.ts()[i]), f(path.losses()[i]), 100 * path.accuracies()[i]);
        }
        System.out.printf("barrier %s at α = %s (max L − min(L_A, L_B)); above the linear mix of the end losses %s%n",
                f(path.barrier().barrier()), f(path.barrier().argmax()), f(path.barrier().barrierAboveMix()));
    }
}
