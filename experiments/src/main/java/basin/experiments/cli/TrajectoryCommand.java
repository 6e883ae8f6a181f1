package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.DirectionFile;
import basin.engine.probe.landscape.GridFile;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.LossSurface;
import basin.engine.probe.landscape.RunningStatistics;
import basin.engine.probe.landscape.Slice;
import basin.engine.probe.landscape.Trajectory;
import basin.experiments.report.Marker;
import basin.experiments.report.ProbeRecords;
import basin.experiments.report.RunFolder;
import basin.experiments.report.Series;
import basin.experiments.report.SliceMaps;
import basin.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code basin probe trajectory}: a run's per-epoch checkpoints on the loss landscape (loss-landscape's
 * trajectory plot): the PCA directions of θ_epoch − θ_final ({@link Trajectory}), the explained variance
 * of each, the path projected onto them, and the loss over that plane centred at θ_final.
 */
@Command(name = "trajectory", mixinStandardHelpOptions = true,
        description = "PCA of the per-epoch checkpoints' differences from the last, the path projected onto it, and the loss over that plane.")
public final class TrajectoryCommand extends ModelProbeCommand {
    private static final Pattern EPOCH = Pattern.compile("epoch-(\\d+)\\.safetensors");

    @Option(names = "--checkpoints", required = true, description = "Folder of epoch-KK.safetensors files (basin train --out, the studies); the last epoch is θ_final.")
    Path checkpoints;

    @Option(names = "--alphas", description = "FROM:TO:N along the first direction (default: the path's range and 20%% more each side, --points values).")
    String alphas;

    @Option(names = "--betas", description = "FROM:TO:N along the second (default: as --alphas).")
    String betas;

    @Option(names = "--points", defaultValue = "11", description = "Grid values per axis when --alphas or --betas is left out (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--save-directions", description = "Write the two PCA directions to FILE.safetensors (d1.<name>, d2.<name>), for slice2d --directions.")
    Path saveDirections;

    @Option(names = "--out", description = "JSON Lines file the grid's points go to as they are measured; rerunning with it resumes.")
    Path out;

    @Option(names = "--explain", description = "Print each checkpoint's distance from θ_final and how much of it the PCA plane holds, "
            + "then what a grid point costs (to stderr with --json).")
    boolean explain;

    @Option(names = "--plots", description = "Draw the loss over the plane with the path on it in DIR: trajectory.png and .svg, "
            + "the explained variance of each direction in the axis labels; the numbers drawn in trajectory.csv.")
    Path plots;

    @Override
    public Integer call() throws Exception {
        checkBatch();
        if (points < 2) throw new IllegalArgumentException("--points must be ≥ 2, got " + points);
        List<Path> files = epochFiles(checkpoints);
        if (plots != null) new RunFolder(plots);           // a folder that cannot be made fails before any work
        Backend backend = backend();
        Sequential net = ModelSpec.read(model);
        List<ParamVector> thetas = new ArrayList<>();
        for (Path f : files) thetas.add(ModelWeights.load(f, net, backend));      // the last loaded leaves θ_final's BatchNorm statistics in net
        Trajectory.Pca pca = Trajectory.pca(thetas);
        if (saveDirections != null) {
            DirectionFile.save(saveDirections, List.of(pca.d1(), pca.d2()), Map.of("basin", "directions",
                    "directions", "trajectory PCA of θ_epoch − θ_final over " + checkpoints));
        }
        DatasetLoss f = new DatasetLoss(net, data.load(), batch, backend);
        double[] a = axis(alphas, "--alphas", pca.path(), 0), b = axis(betas, "--betas", pca.path(), 1);
        int t = threads();
        ParamVector thetaFinal = thetas.get(thetas.size() - 1);
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("probe", "trajectory");
        grid.put("model", model.toAbsolutePath().normalize().toString());
        grid.put("checkpoints", checkpoints.toAbsolutePath().normalize().toString());
        List<String> crcs = new ArrayList<>();
        for (Path file : files) crcs.add(LandscapeCommand.crc32(file));
        grid.put("checkpoints_crc32", crcs);
        grid.put("dataset", data.dataset);
        grid.put("split", data.split);
        grid.put("limit", data.limit);
        grid.put("alphas", a);
        grid.put("betas", b);
        GridLog log = out == null ? GridLog.none() : GridFile.open(out, grid);
        Slice.Result r;
        long start = System.nanoTime();
        try {
            r = Slice.plane(f, thetaFinal, pca.d1(), pca.d2(), a, b, t, log);
        } finally {
            if (log instanceof GridFile g) g.close();
        }
        if (explain) {
            PrintStream trace = json ? System.err : System.out;
            explainPlane(trace, files, thetas, pca);
            PathExplain.cost(trace, f, a.length * b.length - r.resumed(), (System.nanoTime() - start) / 1e9, t, "; the point is θ_final + α d1 + β d2");
        }
        double[] pathLoss = new double[thetas.size()];
        for (int k = 0; k < thetas.size(); k++) pathLoss[k] = f.measure(thetas.get(k)).loss();

        Map<String, Object> o = new LinkedHashMap<>();
        o.put("probe", "trajectory");
        o.put("model", net.toString());
        o.put("checkpoints", files.stream().map(p -> p.getFileName().toString()).toList());
        o.put("dataset", f.describe());
        o.put("split", data.split);
        o.put("examples", f.examples());
        o.put("running_statistics", RunningStatistics.of(net).describe() + " (θ_final's, at every point)");
        o.put("directions", "PCA of θ_epoch − θ_final, not centred: d1, d2 the top right singular vectors of the [epochs × p] differences");
        o.put("singular_values", pca.singularValues());
        o.put("explained_variance", pca.explainedVariance());
        List<Map<String, Object>> path = new ArrayList<>();
        for (int k = 0; k < files.size(); k++) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("epoch", epochOf(files.get(k)));
            point.put("alpha", pca.path()[k][0]);
            point.put("beta", pca.path()[k][1]);
            point.put("loss", pathLoss[k]);
            path.add(point);
        }
        o.put("path", path);
        o.put("threads", t);
        o.putAll(ProbeRecords.slice(r));
        if (plots != null) {
            double[] explained = pca.explainedVariance();
            List<String> axes = List.of(String.format(Locale.ROOT, "α along d₁ (PCA: %.1f%% of the variance)", 100 * explained[0]),
                    String.format(Locale.ROOT, "β along d₂ (PCA: %.1f%% of the variance)", 100 * explained[1]));
            o.put("plots", draw(o, pca, files, axes));
            o.put("plot_axes", axes);
        }
        if (json) {
            System.out.println(RunFolder.JSON.writeValueAsString(o));
            return 0;
        }
        System.out.printf(Locale.ROOT, "trajectory  %d checkpoints in %s; %s%n", files.size(), checkpoints, f.describe());
        System.out.printf(Locale.ROOT, "explained variance  d1 %.4f, d2 %.4f (together %.4f)%n", pca.explainedVariance()[0], pca.explainedVariance()[1],
                pca.explainedVariance()[0] + pca.explainedVariance()[1]);
        System.out.printf(Locale.ROOT, "%6s  %12s  %12s  %12s%n", "epoch", "alpha", "beta", "loss");
        for (Map<String, Object> point : path) {
            System.out.printf(Locale.ROOT, "%6s  %12.6g  %12.6g  %12.6g%n", point.get("epoch"), point.get("alpha"), point.get("beta"), point.get("loss"));
        }
        System.out.println("loss over the plane (α along d1, β along d2, θ_final at the origin)");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%9s", "α \\ β"));
        for (double beta : b) head.append(String.format(Locale.ROOT, "  %9.4g", beta));
        System.out.println(head);
        for (int i = 0; i < a.length; i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%9.4g", a[i]));
            for (int j = 0; j < b.length; j++) row.append(String.format(Locale.ROOT, "  %9.4f", r.loss(i, j)));
            System.out.println(row);
        }
        if (r.resumed() > 0) System.out.println(r.resumed() + " of " + a.length * b.length + " points resumed from " + out);
        if (plots != null) System.out.println("plots  " + o.get("plots") + " in " + plots);
        return 0;
    }

    /**
     * The plane's fit, checkpoint by checkpoint: d1 and d2 are orthonormal, so θ_k − θ_final has (α, β) in the
     * plane and the share (α² + β²)/‖θ_k − θ_final‖² of its squared length there.
     */
    private static void explainPlane(PrintStream out, List<Path> files, List<ParamVector> thetas, Trajectory.Pca pca) {
        ParamVector last = thetas.get(thetas.size() - 1);
        out.println();
        double[] sigma = pca.singularValues();
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < Math.min(4, sigma.length); i++) top.append(String.format(Locale.ROOT, "%s%.4g", i > 0 ? ", " : "", sigma[i]));
        out.printf(Locale.ROOT, "── the PCA of θ_k − θ_final over %d checkpoints: singular values %s%s; d1 and d2 explain %.2f%% and %.2f%%%n",
                thetas.size(), top, sigma.length > 4 ? ", …" : "", 100 * pca.explainedVariance()[0], 100 * pca.explainedVariance()[1]);
        out.printf(Locale.ROOT, "  %-24s %14s %12s %12s %14s%n", "checkpoint", "‖θ_k − θ_f‖", "α", "β", "in the plane");
        for (int k = 0; k < thetas.size(); k++) {
            ParamVector d = thetas.get(k).copy();
            d.axpy(-1, last);
            double norm = d.norm(), alpha = pca.path()[k][0], beta = pca.path()[k][1];
            String share = norm > 0 ? String.format(Locale.ROOT, "%.2f%%", 100 * (alpha * alpha + beta * beta) / (norm * norm)) : "—";
            out.printf(Locale.ROOT, "  %-24s %14.6g %12.6g %12.6g %14s%n", files.get(k).getFileName(), norm, alpha, beta, share);
        }
    }

    /**
     * loss-landscape's trajectory plot in {@code --plots}: the loss over the PCA plane as level bands,
     * the checkpoints' path on it from the first epoch to θ_final (the origin), the axes labelled
     * {@code axes} (each direction's share of the variance). Returns the PNG.
     */
    private List<String> draw(Map<String, Object> o, Trajectory.Pca pca, List<Path> files, List<String> axes) {
        RunFolder folder = new RunFolder(plots);
        double[][] path = pca.path();
        double[] alpha = new double[path.length], beta = new double[path.length];
        for (int k = 0; k < path.length; k++) {
            alpha[k] = path[k][0];
            beta[k] = path[k][1];
        }
        List<Marker> ends = List.of(new Marker("epoch " + epochOf(files.get(0)), alpha[0], beta[0]),
                new Marker("θ_final (epoch " + epochOf(files.get(files.size() - 1)) + ")", 0, 0));
        SliceMaps.Maps maps = SliceMaps.of("trajectory", RunFolder.JSON.valueToTree(o)).draw(folder,
                "Training trajectory of " + model.getFileName() + " on its PCA plane", axes.get(0), axes.get(1),
                List.of(Series.of("path, epoch by epoch", alpha, beta)), ends);
        folder.writeText("trajectory.csv", maps.csv());
        return maps.pngs();
    }

    /** The folder's epoch-KK.safetensors files in epoch order. */
    static List<Path> epochFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) throw new IllegalArgumentException("--checkpoints " + folder + " is not a folder");
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = new ArrayList<>(s.filter(p -> EPOCH.matcher(p.getFileName().toString()).matches()).toList());
        }
        files.sort((x, y) -> Integer.compare(epochOf(x), epochOf(y)));
        if (files.size() < 3) {
            throw new IllegalArgumentException("trajectory: " + folder + " holds " + files.size() + " epoch-KK.safetensors checkpoint"
                    + (files.size() == 1 ? "" : "s") + "; the PCA of their differences from the last needs at least 3");
        }
        return files;
    }

    private static int epochOf(Path file) {
        Matcher m = EPOCH.matcher(file.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException("not an epoch checkpoint: " + file);
        return Integer.parseInt(m.group(1));
    }

    /** The grid along one direction: as given, else the path's range with 20% more each side (the origin included). */
    private double[] axis(String spec, String option, double[][] path, int c) {
        if (spec != null) return LandscapeCommand.range(spec, option);
        double lo = 0, hi = 0;
        for (double[] point : path) {
            lo = Math.min(lo, point[c]);
            hi = Math.max(hi, point[c]);
        }
        double margin = 0.2 * (hi - lo);
        return Slice.linspace(lo - margin, hi + margin, points);
    }
}
