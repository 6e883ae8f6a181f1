package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Directions;
import basin.engine.probe.landscape.GridEngine;
import basin.engine.probe.landscape.GridFile;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.RunningStatistics;
import basin.experiments.report.RunFolder;
import basin.experiments.scaleout.Cluster;
import basin.experiments.scaleout.ModelRecipe;
import basin.experiments.scaleout.SurfaceRecipe;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every {@code basin probe} landscape command shares besides {@link ModelProbeCommand}'s model,
 * data, batch, threads, device and JSON: the weights ({@code --weights W.safetensors}, and
 * {@code --weights-b} for the second model of a pair), the seed and the engine. BatchNorm's running statistics are loaded with the weights and kept for a probe around one
 * model; a path between models recomputes them at each point from the training split.
 */
abstract class LandscapeCommand extends ModelProbeCommand {

    @Option(names = "--weights", required = true, description = "Weights θ (safetensors, PyTorch state_dict names).")
    Path weights;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for random directions and draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    EngineOptions engine;

    private Cluster cluster;                  // with --engine spark, from the first grid on
    private String engineDescription;
    private Sequential net;
    private String specText;
    private Dataset dataset;

    /** The model, holding the running statistics loaded with {@code --weights}. */
    Sequential net() {
        if (net == null) {
            net = ModelSpec.read(model);
            try {
                specText = Files.readString(model);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + model + ": " + e.getMessage(), e);
            }
        }
        return net;
    }

    /** A new model of the same spec, with BatchNorm statistics of its own. */
    Sequential replica() {
        net();
        return ModelSpec.parse(specText);
    }

    /** θ from {@code --weights}; its BatchNorm statistics go into {@link #net()}. The first thing every probe does, so the shared options are checked here. */
    ParamVector load(Path file) {
        checkBatch();
        engine.check();
        return load(file, net());
    }

    private ParamVector load(Path file, Sequential into) {
        try {
            return ModelWeights.load(file, into, backend());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * The second model of a pair: same spec, so its tensors must match the first's name by name. Its
     * BatchNorm statistics go into a model of their own and are not used: paths recompute them.
     */
    ParamVector loadPair(Path first, Path second, ParamVector a) {
        if (second == null) throw new IllegalArgumentException("this probe needs a second model: --weights-b W.safetensors");
        ParamVector b = load(second, replica());
        Directions.requireSameLayout(a.layout(), b.layout(), first.toString(), second.toString());
        return b;
    }

    Dataset dataset() {
        if (dataset == null) dataset = data.load();
        return dataset;
    }

    /** The loss around one model: BatchNorm statistics, if any, are the model's own at every point (as loss-landscape's). */
    DatasetLoss surface() {
        return new DatasetLoss(net(), dataset(), batch, backend());
    }

    /**
     * The loss along a path between models: BatchNorm statistics recomputed at each point from the
     * training split (update_bn); the plain loss for a model without BatchNorm, which loads no
     * training data.
     */
    DatasetLoss pathSurface(StatisticsOptions statistics) {
        DatasetLoss f = surface();
        if (!f.runningStatistics().present()) return f;
        return f.recomputingStatistics(this::replica, trainingSplit(statistics.limit), statistics.batch);
    }

    /** The training split of {@code --dataset}, its first {@code limit} examples when given (not {@code --limit}). */
    Dataset trainingSplit(Integer limit) {
        DataOptions train = new DataOptions();
        train.dataset = data.dataset;
        train.folder = data.folder;
        train.limit = limit;
        return train.load(Split.TRAIN);
    }

    /** What a grid file must match besides its points: how the statistics of a path were recomputed. */
    static void putStatistics(Map<String, Object> grid, DatasetLoss f, StatisticsOptions statistics) {
        if (!f.runningStatistics().recomputed()) return;
        grid.put("running_statistics", f.runningStatistics().describe());
        grid.put("statistics_batch", statistics.batch);
    }

    /** A grid file when {@code out} is given (resumable), else nothing kept. */
    static GridLog gridLog(Path out, Map<String, Object> grid) {
        return out == null ? GridLog.none() : GridFile.open(out, grid);
    }

    /**
     * Where the points of a grid over {@code f} are measured: this machine's {@code --threads}, or,
     * with {@code --engine spark}, the executors of a cluster, which rebuild the same loss from the
     * same files ({@link SurfaceRecipe}); {@code statistics} says how a path recomputes BatchNorm's
     * statistics (null around one model). Either way the points go to the same grid file.
     */
    GridEngine gridEngine(DatasetLoss f, StatisticsOptions statistics) {
        if (!engine.distributed()) return GridEngine.threads(f, threads());
        if (threads != null) {
            throw new IllegalArgumentException("--threads applies to --engine local; with --engine spark each executor core measures one "
                    + "point at a time (local[N], spark.executor.cores)");
        }
        ModelRecipe recipe = ModelRecipe.of(model, weights, data.dataset, data.folder, DataOptions.parseSplit(data.split), data.limit, device.device);
        boolean recompute = f.runningStatistics().recomputed();
        SurfaceRecipe loss = new SurfaceRecipe(recipe, batch, recompute, statistics == null ? null : statistics.limit,
                statistics == null ? 0 : statistics.batch);
        String probe = getClass().getAnnotation(picocli.CommandLine.Command.class).name();
        cluster = engine.connect("probe " + probe);
        engineDescription = cluster.describe();
        return cluster.grid(loss);
    }

    /** Where the points were measured, for outputs: the threads, or the cluster. */
    void putEngine(Map<String, Object> o) {
        if (engineDescription != null) o.put("engine", engineDescription);
        else o.put("threads", threads());
    }

    /** Closes the grid file, if any, and the cluster, if one was connected. */
    void close(GridLog log) {
        try {
            if (log instanceof GridFile) ((GridFile) log).close();
        } finally {
            if (cluster != null) cluster.close();
            cluster = null;
        }
    }

    /** The fields every output starts with: what was measured, on what. */
    Map<String, Object> header(String probe) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("probe", probe);
        h.put("model", net().toString());
        h.put("weights", weights.toString());
        h.put("dataset", dataset().name());
        h.put("split", data.split);
        h.put("examples", dataset().count());
        h.put("mode", "eval");
        h.put("running_statistics", RunningStatistics.of(net()).describe());     // a path replaces it with its own
        h.put("seed", seed);
        return h;
    }

    /** The grid's identity for a resumable file: everything that changes its points. */
    Map<String, Object> gridIdentity(String probe) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("probe", probe);
        g.put("model", model.toAbsolutePath().normalize().toString());
        g.put("weights", weights.toAbsolutePath().normalize().toString());
        g.put("weights_crc32", crc32(weights));                  // retrained weights under the same name are another grid
        g.put("dataset", data.dataset);
        g.put("split", data.split);
        g.put("limit", data.limit);
        g.put("seed", seed);
        return g;
    }

    /** CRC-32 of a file's bytes, as hex. */
    static String crc32(Path file) {
        try {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(java.nio.file.Files.readAllBytes(file));
            return Long.toHexString(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The text output's line on BatchNorm statistics. */
    static void printStatistics(RunningStatistics statistics) {
        System.out.println("running statistics  " + statistics.describe());
    }

    void printJson(Map<String, Object> out) throws IOException {
        System.out.println(RunFolder.JSON.writeValueAsString(out));
    }

    static String f(double x) {
        return String.format(Locale.ROOT, "%.6g", x);
    }

    /** {@code from:to:n}, loss-landscape's {@code --x=-1:1:51}: n evenly spaced values, both ends included. */
    static double[] range(String spec, String option) {
        String[] parts = spec.split(":");
        try {
            if (parts.length != 3) throw new NumberFormatException();
            double from = Double.parseDouble(parts[0]), to = Double.parseDouble(parts[1]);
            int n = Integer.parseInt(parts[2]);
            if (n < 1) throw new NumberFormatException();
            return basin.engine.probe.landscape.Slice.linspace(from, to, n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be FROM:TO:N (e.g. " + option + "=-1:1:21), got '" + spec + "'");
        }
    }
}
