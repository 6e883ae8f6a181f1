package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.spec.StudyModels;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Sharpness;
import basin.engine.train.DeviceBatches;
import basin.experiments.report.RunFolder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code cnn-vs-resnet} (seed report 001): on CIFAR-10, a vanilla CNN (three conv stages 64→128→256,
 * two FC) and a SimpleResNet (six residual blocks with BatchNorm), trained with SGD (momentum 0.9,
 * lr 0.01 with cosine annealing, batch 128, weight decay 5e-4, 20 epochs), and a second ResNet
 * trained from another seed. For each model: the adversarial sharpness S_ρ = L(θ + ρ g/‖g‖) − L(θ)
 * at ρ = 0.05 and the top-20 Hessian eigenvalues by Lanczos (100 iterations); between the two
 * ResNets, linear mode connectivity (15 points, BatchNorm statistics recomputed at each, barrier);
 * a 15×15 2D surface around the final parameters of the CNN and the ResNet; sharpness against test
 * accuracy (across a sweep's runs with {@code --seeds}).
 *
 * <p>CIFAR-10 cannot be fetched everywhere: with {@code --data DIR} any dataset in CIFAR-10's
 * binary format runs the study, and the report, its title and {@code summary.json} then say which
 * data it used and that it is not CIFAR-10 (anything but 50 000 training and 10 000 test images).
 */
public final class CnnVsResnetStudy implements Study {
    static final String NAME = "cnn-vs-resnet";
    static final List<String> MODELS = List.of("cnn", "resnet", "resnet-b");
    static final List<String> SURFACE_MODELS = List.of("cnn", "resnet");
    /**
     * Examples per pass of every probe (config {@code probe_batch}): an HVP of the SimpleResNet keeps
     * the activations, their tangents and the backward pass's at 32×32 resolution, about 100 MB per
     * example, so passes of 500 images do not fit a heap of a few GB. Losses and HVPs are weighted by
     * batch size, so this changes no number beyond float32 rounding.
     */
    static int probeBatch(Map<String, Object> config) {
        return StudyConfig.intOf(StudyConfig.probes(config), "probe_batch");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "CIFAR-10 vanilla CNN vs SimpleResNet: S_ρ, top-20 eigenvalues, ResNet mode connectivity, 2D surfaces";
    }

    @Override
    public String data() {
        return "CIFAR-10 binary (found by the resolver or --data DIR; any data in its format runs, and says so)";
    }

    @Override
    public String duration() {
        return "--quick on 400 CIFAR-format images about 2 min; full CIFAR-10 about 30 h on a 2-core CPU (estimated, not run)";
    }

    @Override
    public Map<String, Object> configuration(StudyOptions o) {
        boolean q = o.quick();
        String dataset = o.dataset() != null ? o.dataset() : "cifar10";
        int epochs = o.epochs() != null ? o.epochs() : q ? 1 : 20;
        Integer trainLimit = o.trainLimit() != null ? o.trainLimit() : q ? Integer.valueOf(400) : null;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("study", NAME);
        c.put("seed_report", "shared/seeds/001_d49ef26fc8d9779d.txt");
        c.put("quick", q);
        c.put("data", StudyData.describe(dataset, o.data(), StudyData.normalisation(o.normalisation(), "standard"), trainLimit,
                q ? 100 : 5000, q ? 100 : null, o.seed()));
        Map<String, Object> models = new LinkedHashMap<>();
        for (String m : MODELS) models.put(m, plan(m, epochs, o.seed(), q).describe());
        c.put("models", models);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("probe_examples", q ? 32 : 1000);
        p.put("probe_set", "the first probe_examples examples of the validation split");
        p.put("probe_batch", q ? 8 : 16);
        p.put("sharpness_rho", 0.05);
        p.put("lanczos_steps", q ? 6 : 100);
        p.put("top_k", q ? 5 : 20);
        p.put("connectivity_points", q ? 5 : 15);
        p.put("statistics_examples", q ? 100 : 5000);
        p.put("statistics", "BatchNorm running statistics recomputed at each point of the path from the first statistics_examples training examples, "
                + "in batches of 32 (a train-mode pass of the SimpleResNet over 128 images per thread does not fit a few-GB heap)");
        p.put("surface_alphas", q ? new double[] {-1, 1, 5} : new double[] {-1, 1, 15});
        p.put("surface_betas", q ? new double[] {-1, 1, 5} : new double[] {-1, 1, 15});
        p.put("surface_directions", "two Gaussian directions, filter-normalised, biases and BatchNorm parameters not moved");
        p.put("probe_seed", o.seed());
        c.put("probes", p);
        List<Map<String, String>> w = new ArrayList<>();
        w.add(StudyConfig.why("normalisation standard: per channel (x − mean)/std with CIFAR-10's usual constants",
                "the usual CIFAR-10 transform for these networks; the report names none"));
        w.add(StudyConfig.why("no data augmentation", "the report names none; augmentation would make the training loss a moving target"));
        w.add(StudyConfig.why("vanilla CNN: 3×3 convs 64, 128, 256 each with ReLU and 2×2 max-pool, Linear(4096→256), Linear(256→10)",
                "the report's '3 conv layers 64→128→256, 2 FC' with the FC width left open"));
        w.add(StudyConfig.why("SimpleResNet: stem conv 64 + BN, BasicBlocks 64, 64, 128/2, 128, 256/2, 256, global average pool, Linear(256→10)",
                "six residual blocks with BatchNorm at the vanilla CNN's widths"));
        if (q) w.add(StudyConfig.why("--quick trains at batch 32", "the SimpleResNet's training step at batch 128 needs several GB of heap"));
        w.add(StudyConfig.why("a second ResNet (resnet-b) from another seed", "mode connectivity needs two independently trained ResNets"));
        w.add(StudyConfig.why("S_ρ along the normalised gradient of the probe set", "the report's first-order approximation of the ρ-ball maximum (its eq. 3)"));
        c.put("choices", w);
        return c;
    }

    /**
     * Model m's training: its protocol seed plus {@code --seed}; batch 128 as the report, 32 with
     * {@code --quick}, whose SimpleResNet step then fits a 4 GB heap (at 128 its activations and
     * im2col buffers at 32×32 resolution take several GB).
     */
    static TrainStep.Plan plan(String m, int epochs, long seed, boolean quick) {
        String spec = m.equals("cnn") ? StudyModels.vanillaCnn() : StudyModels.simpleResNet();
        long protocolSeed = switch (m) {
            case "cnn" -> 0;
            case "resnet" -> 1;
            default -> 2;
        };
        return new TrainStep.Plan(m, spec, epochs, quick ? 32 : 128, 0.01, "cosine", 0.9, 5e-4, protocolSeed + seed);
    }

    @Override
    public List<Step> steps(StudyOptions options, Map<String, Object> config) {
        StudyContext context = new StudyContext(NAME, options, config, new int[] {3, 32, 32}, System.out);
        int epochs = StudyConfig.epochs(config);
        List<Step> steps = new ArrayList<>();
        for (String m : MODELS) steps.add(TrainStep.of(context, plan(m, epochs, options.seed(), options.quick())));
        for (String m : MODELS) steps.add(new Step("probe-" + m, "S_ρ and the top Hessian eigenvalues of " + m, run -> probe(context, run, m, epochs)));
        steps.add(new Step("connectivity", "the linear path resnet → resnet-b with recomputed BatchNorm statistics", run -> connectivity(context, run, epochs)));
        steps.add(new Step("surface", "a 2D surface around the CNN and the ResNet", run -> surfaces(context, run, epochs)));
        steps.add(new Step("tables", "the summary table", run -> CnnVsResnetReport.tables(run)));
        steps.add(new Step("plots", "bars, spectra, path, surfaces, sharpness vs accuracy", run -> CnnVsResnetReport.plots(run)));
        steps.add(new Step("report", "report.html and summary.json", run -> CnnVsResnetReport.write(run)));
        return steps;
    }

    private void probe(StudyContext context, StudyRun run, String m, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        StudyContext.Trained model = context.trained(run.path(), m, epochs);
        Dataset examples = StudyConfig.probeSet(context, "probe-" + m);
        StudyData.Splits data = context.data("probe-" + m);
        DatasetLoss f = new DatasetLoss(model.model(), examples, probeBatch(context.config()), context.backend());
        Sharpness.Adversarial s = Sharpness.adversarial(f, model.theta(), ((Number) p.get("sharpness_rho")).doubleValue());
        HessianOperator h = new HessianOperator(new Objective(model.model(), Mode.EVAL), model.theta(),
                new DeviceBatches(context.backend(), examples, probeBatch(context.config())).resident());
        Lanczos.Result lanczos = Lanczos.run(h, StudyConfig.intOf(p, "lanczos_steps"),
                new SplittableRandom(((Number) p.get("probe_seed")).longValue() + MODELS.indexOf(m)), null);
        int k = Math.min(StudyConfig.intOf(p, "top_k"), lanczos.steps());
        double[] top = lanczos.topK(k), bounds = new double[k];
        for (int i = 0; i < k; i++) bounds[i] = lanczos.residualBound(i);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m);
        o.put("examples", f.describe());
        Map<String, Object> sharp = new LinkedHashMap<>();
        sharp.put("rho", s.rho());
        sharp.put("loss", s.baseLoss());
        sharp.put("perturbed_loss", s.perturbedLoss());
        sharp.put("sharpness", s.sharpness());
        sharp.put("gradient_norm", s.gradientNorm());
        sharp.put("formula", "S_ρ = L(θ + ρ g/‖g‖) − L(θ)");
        o.put("adversarial_sharpness", sharp);
        Map<String, Object> eig = new LinkedHashMap<>();
        eig.put("lanczos_steps", lanczos.steps());
        eig.put("top", top);
        eig.put("residual_bounds", bounds);
        eig.put("residual_bound", "β_m |e_mᵀ y_i| for each Ritz pair");
        o.put("eigenvalues", eig);
        o.put("train", StudyProbes.evaluation(model, data.train(), probeBatch(context.config())));
        o.put("test", StudyProbes.evaluation(model, data.test(), probeBatch(context.config())));
        RunFolder probes = new RunFolder(run.path().resolve("probes"));
        StudyProbes.write(probes, m, o);
        probes.writeText(m + ".csv", StudyProbes.scalarsCsv(o));
        context.console().printf(java.util.Locale.ROOT, "  %s: S_ρ %.4g, λ₁ %.4g, test accuracy %.4f%n", m, s.sharpness(), top[0],
                ((Number) ((Map<?, ?>) o.get("test")).get("accuracy")).doubleValue());
    }

    private void connectivity(StudyContext context, StudyRun run, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        StudyContext.Trained a = context.trained(run.path(), "resnet", epochs), b = context.trained(run.path(), "resnet-b", epochs);
        StudyData.Splits data = context.data("connectivity");
        Dataset statistics = data.train().first(Math.min(StudyConfig.intOf(p, "statistics_examples"), data.train().count()));
        DatasetLoss f = new DatasetLoss(a.model(), StudyConfig.probeSet(context, "connectivity"), probeBatch(context.config()), context.backend())
                .recomputingStatistics(() -> StudyContext.replica(run.path(), "resnet"), statistics, 32);
        RunFolder paths = new RunFolder(run.path().resolve("paths"));
        Map<String, Object> o = StudyProbes.interpolation(context, paths, "connectivity", a, b, f, StudyConfig.intOf(p, "connectivity_points"));
        StudyProbes.write(paths, "connectivity", o);
        paths.writeText("connectivity.csv", StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("losses"), (double[]) o.get("accuracies")));
    }

    private void surfaces(StudyContext context, StudyRun run, int epochs) throws IOException {
        Map<String, Object> p = StudyConfig.probes(context.config());
        Dataset examples = StudyConfig.probeSet(context, "surface");
        RunFolder slices = new RunFolder(run.path().resolve("slices"));
        for (String m : SURFACE_MODELS) {
            StudyContext.Trained model = context.trained(run.path(), m, epochs);
            DatasetLoss f = new DatasetLoss(model.model(), examples, probeBatch(context.config()), context.backend());
            Map<String, Object> o = StudyProbes.slice2d(context, slices, "surface-" + m, model, f, StudyConfig.range(p, "surface_alphas"),
                    StudyConfig.range(p, "surface_betas"), true, ((Number) p.get("probe_seed")).longValue() + 30 + MODELS.indexOf(m));
            o.put("evaluation", StudyProbes.evaluation(model, examples, probeBatch(context.config())));
            StudyProbes.write(slices, "surface-" + m, o);
            slices.writeText("surface-" + m + ".csv", StudyProbes.csv((double[]) o.get("alphas"), (double[]) o.get("betas"),
                    (double[][]) o.get("losses"), (double[][]) o.get("accuracies")));
        }
    }

    /** Whether the run used CIFAR-10 itself: its 50 000 training and 10 000 test images under the name cifar10. */
    static String dataIdentity(StudyRun run) throws IOException {
        return dataIdentity(run.path(), run.config());
    }

    @SuppressWarnings("unchecked")
    static String dataIdentity(java.nio.file.Path dir, Map<String, Object> config) throws IOException {
        com.fasterxml.jackson.databind.JsonNode probe = RunFolder.JSON.readTree(dir.resolve("probes/cnn.json").toFile());
        Map<String, Object> data = (Map<String, Object>) config.get("data");
        int train = probe.at("/train/examples").asInt(), test = probe.at("/test/examples").asInt();
        int validation = ((Number) data.get("validation_examples")).intValue();
        // Judged by its name and counts: the six files of CIFAR-10 hold 50 000 and 10 000 images.
        boolean cifar = "cifar10".equals(data.get("dataset")) && train + validation == 50_000 && test == 10_000;
        String what = data.get("dataset") + (data.get("folder") == null ? "" : " from " + data.get("folder")) + ": " + (train + validation)
                + " training images (" + validation + " held out), " + test + " test";
        return cifar ? "CIFAR-10 (" + what + ")" : "NOT CIFAR-10: a dataset in CIFAR-10's binary format (" + what + ")";
    }

    /** Runs the study from the command line: {@code java … CnnVsResnetStudy [basin study options]}. */
    public static void main(String[] args) {
        System.exit(basin.experiments.cli.StudyCommand.run(NAME, args));
    }
}
