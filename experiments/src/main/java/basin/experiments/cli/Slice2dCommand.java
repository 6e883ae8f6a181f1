package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Directions;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.Slice;
import basin.engine.probe.landscape.TwoModelPlane;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code basin probe slice2d}: L(θ + αd₁ + βd₂) over a grid. With one model, d₁ and d₂ are seeded
 * random directions (filter-normalised unless asked otherwise, d₂ drawn independently as Li et al. do);
 * with {@code --weights-b}, the plane through the two models: α along θ_A → θ_B, β random and
 * orthogonal, centred at their midpoint, with both models' coordinates in the output.
 */
@Command(name = "slice2d", mixinStandardHelpOptions = true,
        description = {"2D loss and accuracy surface over a plane of random directions, or through two models (--weights-b).",
                "BatchNorm statistics: the model's own around one model; through two, recomputed at each point from the training split."})
public final class Slice2dCommand extends LandscapeCommand {

    @Option(names = "--weights-b", description = "A second model: the plane then runs through both.")
    Path weightsB;

    @Mixin
    DirectionOptions direction;

    @Option(names = "--alphas", defaultValue = "-1:1:11", description = "FROM:TO:N (default: ${DEFAULT-VALUE}; with two models they sit at α = −1 and +1).")
    String alphas;

    @Option(names = "--betas", defaultValue = "-1:1:11", description = "FROM:TO:N (default: ${DEFAULT-VALUE}).")
    String betas;

    @Option(names = "--orthogonalise", description = "With one model: make d2 orthogonal to d1 (Gram–Schmidt) after normalising both.")
    boolean orthogonalise;

    @Option(names = "--out", description = "JSON Lines file the points go to as they are measured; rerunning with it resumes.")
    Path out;

    @Mixin
    StatisticsOptions statistics;

    @Override
    public Integer call() throws Exception {
        double[] a = range(alphas, "--alphas"), b = range(betas, "--betas");
        if (weightsB != null) {
            List<String> ignored = new java.util.ArrayList<>(direction.given());
            if (orthogonalise) ignored.add("--orthogonalise");
            if (!ignored.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", ignored) + " cannot apply with --weights-b: the plane through two models"
                        + " is fixed by them (d1 = (θ_B − θ_A)/2, d2 Gaussian, orthogonal to d1, with ‖d2‖ = ‖d1‖)");
            }
        }
        ParamVector theta = load(weights);
        // Through two models every point lies between them and recomputes BatchNorm statistics; around one model they are its own.
        DatasetLoss f = weightsB != null ? pathSurface(statistics) : surface();
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Object> grid = gridIdentity("slice2d");
        grid.put("alphas", a);
        grid.put("betas", b);
        Map<String, Object> o = header("slice2d");
        ParamVector origin, d1, d2;
        TwoModelPlane plane = null;
        if (weightsB != null) {
            ParamVector thetaB = loadPair(weights, weightsB, theta);
            plane = TwoModelPlane.through(theta, thetaB, rng);
            origin = plane.origin();
            d1 = plane.d1();
            d2 = plane.d2();
            grid.put("weights_b", weightsB.toAbsolutePath().normalize().toString());
            grid.put("weights_b_crc32", crc32(weightsB));
            putStatistics(grid, f, statistics);
            o.put("weights_b", weightsB.toString());
            o.put("plane", "through two models: origin (θ_A + θ_B)/2, d1 = (θ_B − θ_A)/2, d2 Gaussian orthogonal to d1 with ‖d2‖ = ‖d1‖");
            Map<String, Object> models = new LinkedHashMap<>();
            models.put("a", Map.of("weights", weights.toString(), "alpha", plane.coordinatesA()[0], "beta", plane.coordinatesA()[1]));
            models.put("b", Map.of("weights", weightsB.toString(), "alpha", plane.coordinatesB()[0], "beta", plane.coordinatesB()[1]));
            o.put("models", models);
        } else {
            origin = theta;
            d1 = direction.direction(theta, rng);
            d2 = direction.direction(theta, rng);
            if (orthogonalise) Directions.orthogonalise(d2, List.of(d1));
            o.put("plane", "random: origin θ, d1 and d2 " + (orthogonalise ? "drawn independently, then d2 made orthogonal to d1 (Gram–Schmidt), " : "independent, ")
                    + direction.describe());
            grid.put("orthogonalise", orthogonalise);
            o.put("cosine_d1_d2", d1.dot(d2) / (d1.norm() * d2.norm()));
            grid.put("direction", direction.describe());
        }
        GridLog log = gridLog(out, grid);
        Slice.Result r;
        try {
            // Through two models the plane is a path between them and needs their running statistics checked.
            r = plane != null ? plane.measure(f, a, b, threads(), log) : Slice.plane(f, origin, d1, d2, a, b, threads(), log);
        } finally {
            close(log);
        }
        o.put("running_statistics", f.runningStatistics().describe());
        o.put("threads", threads());
        o.putAll(basin.experiments.report.ProbeRecords.slice(r));
        if (json) {
            printJson(o);
            return 0;
        }
        System.out.println("slice2d  " + f.describe() + "; " + o.get("plane"));
        printStatistics(f.runningStatistics());
        if (plane != null) {
            System.out.printf("model A at (α, β) = (%s, %s), model B at (%s, %s)%n", f(plane.coordinatesA()[0]), f(plane.coordinatesA()[1]),
                    f(plane.coordinatesB()[0]), f(plane.coordinatesB()[1]));
        }
        StringBuilder head = new StringBuilder(String.format("%9s", "α \\ β"));
        for (double beta : b) head.append(String.format("  %9s", f(beta)));
        System.out.println("loss");
        System.out.println(head);
        for (int i = 0; i < a.length; i++) {
            StringBuilder row = new StringBuilder(String.format("%9s", f(a[i])));
            for (int j = 0; j < b.length; j++) row.append(String.format("  %9.4f", r.loss(i, j)));
            System.out.println(row);
        }
        if (r.resumed() > 0) System.out.println(r.resumed() + " of " + a.length * b.length + " points resumed from " + out);
        return 0;
    }
}
