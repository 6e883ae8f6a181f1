package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.landscape.CurvatureMap;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Directions;
import basin.engine.probe.landscape.GridEngine;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.Slice;
import basin.engine.probe.landscape.TwoModelPlane;
import basin.experiments.report.Marker;
import basin.experiments.report.RunFolder;
import basin.experiments.report.SliceMaps;
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
 * orthogonal, centred at their midpoint, with both models' coordinates in the output. The directions
 * can be read from and written to a file ({@link DirectionOptions}); {@code --curvature} adds λmax, λmin
 * and |λmin/λmax| at every point ({@link CurvatureMap}).
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

    @Option(names = "--curvature", description = "Also λmax, λmin (Lanczos on the Hessian) and |λmin/λmax| at every point: loss-landscape's eigenvalue-ratio maps.")
    boolean curvature;

    @Option(names = "--curvature-steps", defaultValue = "10", description = "Lanczos steps per point with --curvature, one HVP each (default: ${DEFAULT-VALUE}).")
    int curvatureSteps;

    @Option(names = "--explain", description = "Print the directions' norms tensor by tensor beside θ's and what a point costs (to stderr with --json).")
    boolean explain;

    @Option(names = "--plots", description = "Draw the slice as heatmaps in DIR (PNG and SVG): slice2d (the loss) and, with --curvature, "
            + "slice2d-lambda-max, slice2d-lambda-min, slice2d-eigenvalue-ratio; the numbers drawn in slice2d.csv.")
    Path plots;

    @Override
    public Integer call() throws Exception {
        double[] a = range(alphas, "--alphas"), b = range(betas, "--betas");
        if (plots != null) new RunFolder(plots);           // a folder that cannot be made fails before any work
        if (weightsB != null) {
            List<String> ignored = new java.util.ArrayList<>(direction.given());
            if (orthogonalise) ignored.add("--orthogonalise");
            if (!ignored.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", ignored) + " cannot apply with --weights-b: the plane through two models"
                        + " is fixed by them (d1 = (θ_B − θ_A)/2, d2 Gaussian, orthogonal to d1, with ‖d2‖ = ‖d1‖)");
            }
        }
        if (curvature && curvatureSteps < 2) throw new IllegalArgumentException("--curvature-steps must be ≥ 2 (for λmax and λmin), got " + curvatureSteps);
        if (curvature && engine.distributed()) {
            throw new IllegalArgumentException("--curvature runs with --engine local only: the Lanczos run at each point is not handed to Spark yet");
        }
        if (curvature && weightsB != null) {
            throw new IllegalArgumentException("--curvature cannot apply with --weights-b: the points between two models recompute BatchNorm statistics, "
                    + "which the Hessian does not differentiate");
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
            if (orthogonalise && direction.file != null) {
                throw new IllegalArgumentException("--orthogonalise cannot apply with --directions " + direction.file + ": the file's directions are used as they are");
            }
            origin = theta;
            List<ParamVector> drawn = direction.directions(theta, 2, rng);
            d1 = drawn.get(0);
            d2 = drawn.get(1);
            if (orthogonalise) Directions.orthogonalise(d2, List.of(d1));
            o.put("plane", "random: origin θ, d1 and d2 " + (orthogonalise ? "drawn independently, then d2 made orthogonal to d1 (Gram–Schmidt), " : "independent, ")
                    + direction.describe());
            grid.put("orthogonalise", orthogonalise);
            o.put("cosine_d1_d2", d1.dot(d2) / (d1.norm() * d2.norm()));
            direction.putIdentity(grid);
        }
        direction.saveIfAsked(List.of(d1, d2), String.valueOf(o.get("plane")));
        if (curvature) {
            grid.put("curvature_steps", curvatureSteps);       // a plain slice's file is another grid
            MemoryChecks.hvp(backend(), net(), model, Math.min(batch, f.examples()), threads(), "--batch or --threads");
        }
        GridLog log = gridLog(out, grid);
        Slice.Result r;
        CurvatureMap.Result map = null;
        long start = System.nanoTime();
        try {
            if (curvature) {
                Objective objective = new Objective(net(), Mode.EVAL);
                map = CurvatureMap.plane(f, point -> new HessianOperator(objective, point, f.batches()), origin, d1, d2, a, b,
                        curvatureSteps, seed, threads(), log);
                r = map.slice();
            } else {
                // Through two models the plane is a path between them and needs their running statistics checked.
                GridEngine points = gridEngine(f, plane != null ? statistics : null);
                r = plane != null ? plane.measure(f, points, a, b, log) : Slice.plane(points, origin, d1, d2, a, b, log);
            }
        } finally {
            close(log);
        }
        if (explain) {
            java.io.PrintStream trace = json ? System.err : System.out;
            PathExplain.directionNorms(trace, origin, List.of(d1, d2));
            PathExplain.cost(trace, f, a.length * b.length - r.resumed(), (System.nanoTime() - start) / 1e9, threads(),
                    curvature ? "; with --curvature also " + curvatureSteps + " Lanczos steps (HVPs, each about two gradients) and 2 residual HVPs" : "; the point is θ + α d1 + β d2");
        }
        o.put("running_statistics", f.runningStatistics().describe());
        putEngine(o);
        o.putAll(basin.experiments.report.ProbeRecords.slice(r));
        if (map != null) putCurvature(o, map);
        if (plots != null) o.put("plots", draw(o, plane));
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
        if (map != null) printGrid("|λmin/λmax| (Lanczos, " + map.steps() + " steps per point, the same start at every point)", a, b, map.rows(map.ratio()));
        if (r.resumed() > 0) System.out.println(r.resumed() + " of " + a.length * b.length + " points resumed from " + out);
        if (plots != null) System.out.println("plots  " + o.get("plots") + " in " + plots);
        return 0;
    }

    /** The loss and curvature maps of the output {@code o} as heatmaps in {@code --plots}, the model (or both models) marked; returns the PNGs. */
    private List<String> draw(Map<String, Object> o, TwoModelPlane plane) {
        RunFolder folder = new RunFolder(plots);
        List<Marker> models = plane == null ? List.of(new Marker("θ (" + weights.getFileName() + ")", 0, 0))
                : List.of(new Marker("model A", plane.coordinatesA()[0], plane.coordinatesA()[1]),
                        new Marker("model B", plane.coordinatesB()[0], plane.coordinatesB()[1]));
        SliceMaps.Maps maps = SliceMaps.of("slice2d", RunFolder.JSON.valueToTree(o)).draw(folder, "2D slice of " + model.getFileName(),
                plane == null ? "α (d₁)" : "α (along A → B)", plane == null ? "β (d₂)" : "β (random, orthogonal)", models);
        folder.writeText("slice2d.csv", maps.csv());
        return maps.pngs();
    }

    /** λmax, λmin, their ratio and residual bounds, row by row as the losses. */
    private static void putCurvature(Map<String, Object> o, CurvatureMap.Result map) {
        o.put("curvature_steps", map.steps());
        o.put("curvature", "extreme Ritz values of Lanczos on the Hessian at each point, from the same seeded start; residual: β_m|e_mᵀy|");
        o.put("lambda_max", map.rows(map.lambdaMax()));
        o.put("lambda_min", map.rows(map.lambdaMin()));
        o.put("eigenvalue_ratio", map.rows(map.ratio()));
        o.put("lambda_max_residual", map.rows(map.lambdaMaxResidual()));
        o.put("lambda_min_residual", map.rows(map.lambdaMinResidual()));
    }

    private static void printGrid(String title, double[] a, double[] b, double[][] rows) {
        System.out.println(title);
        StringBuilder head = new StringBuilder(String.format("%9s", "α \\ β"));
        for (double beta : b) head.append(String.format("  %9s", f(beta)));
        System.out.println(head);
        for (int i = 0; i < a.length; i++) {
            StringBuilder row = new StringBuilder(String.format("%9s", f(a[i])));
            for (int j = 0; j < b.length; j++) row.append(String.format("  %9.4f", rows[i][j]));
            System.out.println(row);
        }
    }
}
