package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.train.Evaluation;
import basin.experiments.report.RunFolder;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Consistency checks on a finished study run, each one a statement that a wrong number would break:
 * <ul>
 *   <li>the barrier is ≥ 0 and equals max(path) − min(ends) of the path's own losses;</li>
 *   <li>each end of the path equals the loss {@code basin eval} gives for that checkpoint on the same
 *       examples ({@link Evaluation}, recomputed here from the checkpoint file);</li>
 *   <li>the plane puts each model at its own loss;</li>
 *   <li>weight noise at σ = 0 gives exactly the model's accuracy, and a slice at α = 0 the model's loss.</li>
 * </ul>
 * Each check returns a line saying what it compared; the first failure throws, naming the file.
 */
public final class StudyChecks {
    /** Float32 rounding of θ(1) = θ_A + 1·(θ_B − θ_A) ≠ θ_B moves the loss by ~1e-7; 1e-5 leaves room, a wrong point misses by far more. */
    static final double LOSS_TOLERANCE = 1e-5;

    private StudyChecks() {
    }

    /** Runs the checks of the study that wrote {@code dir}. */
    @SuppressWarnings("unchecked")
    public static List<String> check(Path dir, String device) throws IOException {
        JsonNode identity = RunFolder.JSON.readTree(dir.resolve("study.json").toFile());
        String study = identity.path("study").asText();
        Map<String, Object> config = RunFolder.JSON.readValue(dir.resolve("config.json").toFile(), Map.class);
        StudyOptions options = new StudyOptions(false, null, null, device, null, 0, null, null);
        StudyContext context = new StudyContext(study, options, config, new int[] {1, 28, 28}, System.out);
        int epochs = StudyConfig.epochs(config);
        List<String> lines = new ArrayList<>();
        switch (study) {
            case TwoMinimaStudy.NAME -> checkTwoMinima(context, dir, epochs, lines);
            case MlpVsCnnStudy.NAME -> checkMlpVsCnn(context, dir, epochs, lines);
            case NoiseRegimesStudy.NAME -> checkNoiseRegimes(context, dir, epochs, lines);
            case FilterNormStudy.NAME -> checkFilterNorm(context, dir, epochs, lines);
            case CnnVsResnetStudy.NAME -> checkCnnVsResnet(new StudyContext(study, options, config, new int[] {3, 32, 32}, System.out), dir, epochs, lines);
            default -> throw new StudyException(dir + ": no checks for study '" + study + "'");
        }
        return lines;
    }

    private static void checkTwoMinima(StudyContext context, Path dir, int epochs, List<String> lines) throws IOException {
        Path pathFile = dir.resolve("paths/interpolation.json");
        checkBarrier(pathFile, lines);
        double[] losses = StudyReport.doubles(RunFolder.JSON.readTree(pathFile.toFile()).get("losses"));

        Dataset examples = StudyConfig.probeSet(context, "check");
        double[] ends = {losses[0], losses[losses.length - 1]};
        double[] own = new double[2];
        for (int k = 0; k < 2; k++) {
            StudyContext.Trained m = context.trained(dir, TwoMinimaStudy.MODELS.get(k), epochs);
            own[k] = Evaluation.of(m.model(), m.theta(), examples, 500).loss();
            require(close(ends[k], own[k]), pathFile, "the path's " + (k == 0 ? "start" : "end") + " " + ends[k] + " is not the loss "
                    + own[k] + " that eval gives for " + dir.relativize(m.weights()) + " on the same " + examples.count() + " examples");
            lines.add(String.format(Locale.ROOT, "ok  path %s %.6f = eval of %s %.6f", k == 0 ? "start" : "end", ends[k], dir.relativize(m.weights()), own[k]));
        }

        Path planeFile = dir.resolve("slices/plane.json");
        JsonNode plane = RunFolder.JSON.readTree(planeFile.toFile());
        double[] alphas = StudyReport.doubles(plane.get("alphas")), betas = StudyReport.doubles(plane.get("betas"));
        double[][] grid = StudyReport.rows(plane.get("losses"));
        String[] keys = {"coordinates_a", "coordinates_b"};
        for (int k = 0; k < 2; k++) {
            double alpha = plane.get(keys[k]).get(0).asDouble(), beta = plane.get(keys[k]).get(1).asDouble();
            int i = StudyReport.indexOf(alphas, alpha), j = StudyReport.indexOf(betas, beta);
            require(Math.abs(alphas[i] - alpha) < 1e-3 && Math.abs(betas[j] - beta) < 1e-3, planeFile,
                    "model " + TwoMinimaStudy.MODELS.get(k) + " at (" + alpha + ", " + beta + ") is not on the grid");
            require(close(grid[i][j], own[k]), planeFile, "the plane's loss " + grid[i][j] + " at model " + TwoMinimaStudy.MODELS.get(k)
                    + " (α = " + alphas[i] + ", β = " + betas[j] + ") is not the model's own loss " + own[k]);
            lines.add(String.format(Locale.ROOT, "ok  plane at %s (α %.3f, β %.3f) %.6f = the model's loss %.6f",
                    TwoMinimaStudy.MODELS.get(k), alphas[i], betas[j], grid[i][j], own[k]));
        }
    }

    private static void checkMlpVsCnn(StudyContext context, Path dir, int epochs, List<String> lines) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        Dataset validation = context.data("check").validation();
        for (String name : MlpVsCnnStudy.MODELS) {
            StudyContext.Trained m = context.trained(dir, name, epochs);
            Path noiseFile = dir.resolve("probes/weight-noise-" + name + ".json");
            JsonNode noise = RunFolder.JSON.readTree(noiseFile.toFile());
            Dataset noiseSet = validation.first(Math.min(StudyConfig.intOf(p, "noise_examples"), validation.count()));
            Evaluation.Result own = Evaluation.of(m.model(), m.theta(), noiseSet, 500);
            double[] scales = StudyReport.doubles(noise.get("scales"));
            int zero = StudyReport.indexOf(scales, 0);
            require(scales[zero] == 0, noiseFile, "no σ = 0 among the scales");
            for (JsonNode a : noise.get("draws_by_scale").get(zero).get("accuracies")) {
                require(a.asDouble() == own.accuracy(), noiseFile, "a draw at σ = 0 has accuracy " + a.asDouble()
                        + ", the model " + own.accuracy() + " on the same examples");
            }
            lines.add(String.format(Locale.ROOT, "ok  weight noise at σ = 0 for %s: accuracy %.4f = the model's %.4f", name,
                    noise.get("accuracies").get(zero).asDouble(), own.accuracy()));

            Path sliceFile = dir.resolve("slices/slice1d-" + name + ".json");
            JsonNode slice = RunFolder.JSON.readTree(sliceFile.toFile());
            Dataset sliceSet = validation.first(Math.min(StudyConfig.intOf(p, "slice_examples"), validation.count()));
            double ownLoss = Evaluation.of(m.model(), m.theta(), sliceSet, 500).loss();
            double[] alphas = StudyReport.doubles(slice.get("alphas"));
            int at = StudyReport.indexOf(alphas, 0);
            require(alphas[at] == 0, sliceFile, "the slice has no α = 0");
            double l = slice.get("losses").get(at).asDouble();
            require(close(l, ownLoss), sliceFile, "the slice at α = 0 has loss " + l + ", the model " + ownLoss);
            lines.add(String.format(Locale.ROOT, "ok  slice of %s at α = 0 %.6f = the model's loss %.6f", name, l, ownLoss));
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkNoiseRegimes(StudyContext context, Path dir, int epochs, List<String> lines) throws IOException {
        Map<String, Object> track = (Map<String, Object>) context.config().get("track");
        Dataset validation = context.data("check").validation();
        Dataset trackSet = validation.first(Math.min(((Number) track.get("probe_examples")).intValue(), validation.count()));
        Dataset sliceSet = StudyConfig.probeSet(context, "check");
        for (String r : NoiseRegimesStudy.RUNS) {
            StudyContext.Trained m = context.trained(dir, r, epochs);
            checkSliceCentre(dir.resolve("slices/slice2d-" + r + ".json"), m, sliceSet, lines);
            Path curvatureFile = StudyContext.modelFolder(dir, r).resolve("curvature.json");
            List<basin.engine.train.CurvatureTracker.Point> points = basin.experiments.report.CurvatureLog.read(curvatureFile).points();
            basin.engine.train.CurvatureTracker.Point last = points.get(points.size() - 1);
            require(last.epoch() == epochs, curvatureFile, "the last measurement is of epoch " + last.epoch() + ", training ran " + epochs);
            basin.engine.probe.curvature.HessianOperator h = new basin.engine.probe.curvature.HessianOperator(
                    new basin.engine.nn.Objective(m.model(), basin.engine.nn.Mode.EVAL), m.theta(),
                    new basin.engine.train.DeviceBatches(context.backend(), trackSet, 500).resident());
            double fresh = basin.engine.probe.curvature.Lanczos.run(h, 40, new java.util.SplittableRandom(1), null).topK(1)[0];
            // Two top Ritz values of one H from different starts: each within its residual of an eigenvalue.
            double tolerance = 2 * last.lambdaResidual() + 1e-3 * Math.abs(fresh);
            require(Math.abs(last.lambdaMax() - fresh) <= tolerance, curvatureFile, "λmax tracked at the last step " + last.lambdaMax()
                    + " is not the λmax " + fresh + " of " + dir.relativize(m.weights()) + " on the same " + trackSet.count() + " examples");
            lines.add(String.format(Locale.ROOT, "ok  %s: tracked λmax at the last step %.5g = λmax of its checkpoint %.5g (± %.1e)",
                    r, last.lambdaMax(), fresh, tolerance));
        }
    }

    private static void checkFilterNorm(StudyContext context, Path dir, int epochs, List<String> lines) throws IOException {
        StudyContext.Trained m = context.trained(dir, FilterNormStudy.MODEL, epochs);
        Dataset examples = StudyConfig.probeSet(context, "check");
        double own = Evaluation.of(m.model(), m.theta(), examples, 500).loss();
        for (String kind : FilterNormStudy.KINDS) {
            checkSliceCentre(dir.resolve("slices/slice2d-" + kind + ".json"), m, examples, lines);
            Path file = dir.resolve("slices/slice1d-" + kind + ".json");
            JsonNode slice = RunFolder.JSON.readTree(file.toFile());
            double[] alphas = StudyReport.doubles(slice.get("alphas"));
            int at = StudyReport.indexOf(alphas, 0);
            require(alphas[at] == 0, file, "the slice has no α = 0");
            double l = slice.get("losses").get(at).asDouble();
            require(close(l, own), file, "the slice at α = 0 has loss " + l + ", the model " + own);
            lines.add(String.format(Locale.ROOT, "ok  slice1d %s at α = 0 %.6f = the model's loss %.6f", kind, l, own));
        }
    }

    private static void checkCnnVsResnet(StudyContext context, Path dir, int epochs, List<String> lines) throws IOException {
        checkBarrier(dir.resolve("paths/connectivity.json"), lines);
        Dataset examples = StudyConfig.probeSet(context, "check");
        for (String m : CnnVsResnetStudy.SURFACE_MODELS) {
            checkSliceCentre(dir.resolve("slices/surface-" + m + ".json"), context.trained(dir, m, epochs), examples, CnnVsResnetStudy.probeBatch(context.config()), lines);
        }
        Path summary = dir.resolve("summary.json");
        JsonNode s = RunFolder.JSON.readTree(summary.toFile());
        String identity = CnnVsResnetStudy.dataIdentity(dir, context.config());
        require(identity.equals(s.get("data").asText()), summary, "it says the data were '" + s.get("data").asText() + "', the run's own files say '" + identity + "'");
        lines.add("ok  the report's data: " + identity);
    }

    /** A path's barrier is ≥ 0 and equals max(path) − min(ends) of its own losses. */
    static void checkBarrier(Path pathFile, List<String> lines) throws IOException {
        JsonNode path = RunFolder.JSON.readTree(pathFile.toFile());
        double[] losses = StudyReport.doubles(path.get("losses"));
        double max = Double.NEGATIVE_INFINITY;
        for (double l : losses) max = Math.max(max, l);
        double expected = max - Math.min(losses[0], losses[losses.length - 1]), barrier = path.get("barrier").asDouble();
        require(barrier >= 0, pathFile, "the barrier " + barrier + " is negative");
        require(Math.abs(barrier - expected) <= 1e-12 * Math.max(1, Math.abs(max)), pathFile,
                "the barrier " + barrier + " is not max(path) − min(ends) = " + expected);
        lines.add(String.format(Locale.ROOT, "ok  %s: barrier %.6f ≥ 0 and = max(path) − min(ends)", pathFile.getFileName(), barrier));
    }

    /** A 2D slice's value at (0, 0) is the model's own loss on the slice's examples. */
    static void checkSliceCentre(Path sliceFile, StudyContext.Trained m, Dataset examples, List<String> lines) throws IOException {
        checkSliceCentre(sliceFile, m, examples, 500, lines);
    }

    /** The same, evaluating in batches of {@code batch}. */
    static void checkSliceCentre(Path sliceFile, StudyContext.Trained m, Dataset examples, int batch, List<String> lines) throws IOException {
        JsonNode slice = RunFolder.JSON.readTree(sliceFile.toFile());
        double[] alphas = StudyReport.doubles(slice.get("alphas")), betas = StudyReport.doubles(slice.get("betas"));
        int i = StudyReport.indexOf(alphas, 0), j = StudyReport.indexOf(betas, 0);
        require(alphas[i] == 0 && betas[j] == 0, sliceFile, "the grid has no centre (0, 0)");
        double centre = StudyReport.rows(slice.get("losses"))[i][j], own = Evaluation.of(m.model(), m.theta(), examples, batch).loss();
        require(close(centre, own), sliceFile, "the slice's centre has loss " + centre + ", the model " + own + " on the same examples");
        lines.add(String.format(Locale.ROOT, "ok  %s: slice centre %.6f = the model's loss %.6f", sliceFile.getFileName(), centre, own));
    }

    static boolean close(double a, double b) {
        return Math.abs(a - b) <= LOSS_TOLERANCE * Math.max(1, Math.abs(b));
    }

    private static void require(boolean ok, Path file, String what) {
        if (!ok) throw new StudyException("check failed: " + file + ": " + what);
    }
}
