package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.curvature.EffectiveRank;
import basin.engine.probe.curvature.BlockOperator;
import basin.engine.probe.curvature.Curvature;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.engine.probe.curvature.HutchPlusPlus;
import basin.engine.probe.curvature.HutchinsonDiagonal;
import basin.engine.probe.curvature.HutchinsonTrace;
import basin.engine.probe.curvature.PerLayerCurvature;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.PowerIteration;
import basin.engine.probe.curvature.SpectralDensity;
import basin.engine.probe.landscape.RunningStatistics;
import basin.engine.train.DeviceBatches;
import basin.experiments.report.RunFolder;
import basin.experiments.scaleout.Cluster;
import basin.experiments.scaleout.CurvatureRecipe;
import basin.experiments.scaleout.ModelRecipe;
import basin.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code basin probe hessian}: the curvature of the mean loss over a dataset split at saved weights:
 * top and most negative eigenvalues by Lanczos, optionally λmax by power iteration, the trace by
 * Hutchinson, the spectral density by stochastic Lanczos quadrature, and the effective rank from the
 * SLQ spectrum. Every random draw comes from {@code --seed}. {@code --operator} points every probe at
 * another curvature matrix instead (generalised Gauss–Newton, Fisher, Monte-Carlo or empirical Fisher).
 */
@Command(name = "hessian", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Eigenvalues, trace, spectral density and effective rank of the loss Hessian (or --operator) over a dataset.")
public final class HessianCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model spec (JSON).")
    Path model;

    @Option(names = "--weights", required = true, description = "Weights θ (safetensors).")
    Path weights;

    @Mixin
    DataOptions data;

    @Option(names = "--batch", defaultValue = "500", description = "Examples per HVP batch (default: ${DEFAULT-VALUE}); the Hessian does not depend on it.")
    int batch;

    @Option(names = "--top-k", defaultValue = "5", description = "How many top (and most negative) eigenvalues to report (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--lanczos-steps", defaultValue = "50", description = "Lanczos steps m, one HVP each (default: ${DEFAULT-VALUE}).")
    int lanczosSteps;

    @Option(names = "--power", description = "Also estimate λmax by power iteration (Rayleigh quotient per step with --explain).")
    boolean power;

    @Option(names = "--power-tol", defaultValue = "1e-4", description = "Power iteration stops when its residual ‖Hv − λv‖ is at most this times |λ| (default: ${DEFAULT-VALUE}).")
    double powerTol;

    @Option(names = "--trace", description = "Estimate tr H by Hutchinson's method.")
    boolean trace;

    @Option(names = "--trace-error", defaultValue = "0.01", description = "Stop Hutchinson at this relative standard error (default: ${DEFAULT-VALUE}).")
    double traceError;

    @Option(names = "--trace-samples", defaultValue = "200", description = "Most Hutchinson samples, one HVP each (default: ${DEFAULT-VALUE}).")
    int traceSamples;

    @Option(names = "--trace-estimator", defaultValue = "hutchinson",
            description = "hutchinson (the default; stops at --trace-error) or hutchpp (Hutch++, Meyer et al. 2021: exactly --trace-samples products, "
                    + "a third sketching the top of the spectrum).")
    String traceEstimator;

    @Option(names = "--diagonal", description = "Estimate diag(A) (Bekas et al. 2007) and write it to FILE.safetensors under the parameters' names and shapes.")
    Path diagonal;

    @Option(names = "--diagonal-samples", defaultValue = "100", description = "Rademacher samples of the diagonal estimator, one product each (default: ${DEFAULT-VALUE}).")
    int diagonalSamples;

    @Option(names = "--params", description = "Restrict the operator to the diagonal block of these parameters: comma-separated globs "
            + "over state_dict names, e.g. '1.*' or '*.weight'.")
    String params;

    @Option(names = "--per-layer", description = "Also, for every parameter tensor's diagonal block: λmax (Lanczos) and the trace (Hutchinson) with its error.")
    boolean perLayer;

    @Option(names = "--subsets", description = "Also rerun λmax (Lanczos), --power and --trace on R disjoint, contiguous subsets of the examples "
            + "(file order, sizes differing by at most one), from the same seed, and report their mean, sd and min–max beside the full-data value.")
    Integer subsets;

    @Option(names = "--density", description = "Estimate the spectral density by stochastic Lanczos quadrature.")
    boolean density;

    @Option(names = "--density-starts", defaultValue = "8", description = "SLQ start vectors, each --lanczos-steps HVPs (default: ${DEFAULT-VALUE}).")
    int densityStarts;

    @Option(names = "--sigma", description = "Gaussian broadening of the density (default: 1%% of the spread of the Ritz values).")
    Double sigma;

    @Option(names = "--grid", defaultValue = "400", description = "Points of the density grid (default: ${DEFAULT-VALUE}).")
    int grid;

    @Option(names = "--ritz-vectors", description = "Write the top-k Ritz vectors x_i = Q y_i to DIR/ritz-<i>.safetensors (unit norm, the parameters' names and shapes).")
    Path ritzVectors;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random vector (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--explain", description = "Print what each probe does at each step (to stderr with --json).")
    boolean explain;

    @Option(names = "--dense", description = "Also build the whole matrix from p products (up to 4096 parameters): the loss, its gradient, "
            + "the matrix, its eigenvalues (EJML) and distance from symmetry, and the Hessian from central differences of gradients beside it.")
    boolean dense;

    @Option(names = "--difference-step", defaultValue = "1e-3", description = "Step h of --dense's central differences (default: ${DEFAULT-VALUE}).")
    double differenceStep;

    @Option(names = "--no-reorthogonalise", description = "Run Lanczos on its three-term recurrence alone, to see its ghost eigenvalues "
            + "(no Ritz vectors, so no measured residuals).")
    boolean noReorthogonalise;

    @Option(names = "--plots", description = "Write DIR/lanczos-ritz-values.png (Ritz values against the step) and, with --trace, "
            + "DIR/hutchinson-running-mean.png (running mean ± standard error), each with an SVG.")
    Path plots;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    DeviceOptions device;

    @Mixin
    CurvatureModeOption curvatureMode;

    @Mixin
    OperatorOptions operator;

    @Mixin
    EngineOptions engine;

    private Cluster cluster;                    // with --engine spark
    private String runningStatistics;           // what the eval-mode loss reads besides θ, for the outputs

    @Override
    public Integer call() throws Exception {
        try {
            return probe();
        } finally {
            if (cluster != null) cluster.close();
        }
    }

    private Integer probe() throws Exception {
        checkOptions();
        boolean distributed = engine.distributed();
        Backend backend = device.backend();
        Sequential net = ModelSpec.read(model);
        ParamVector theta = ModelWeights.load(weights, net, backend);      // BatchNorm's statistics, if any, with θ
        Dataset d = data.load();
        if (d.count() == 0) throw new IllegalArgumentException("probe hessian: dataset " + d.name() + " has no examples");
        if (!distributed) MemoryChecks.hvp(backend, net, model, Math.min(batch, d.count()), 1, "--batch");
        // On the device: every product sweeps them again. With --engine spark the executors hold them, shard by shard.
        List<Batch> batches = distributed ? null : new DeviceBatches(backend, d, batch).resident();
        if (subsets != null && subsets > d.count()) {
            throw new IllegalArgumentException("--subsets " + subsets + " needs at least as many examples, dataset " + d.name() + " has " + d.count());
        }
        Objective objective = new Objective(net, curvatureMode.mode());
        CurvatureOperator h = distributed ? clusterOperator(theta, d.count()) : operatorOver(objective, theta, batches);
        runningStatistics = RunningStatistics.of(net).describe();
        int p = h.dim(), m = Math.min(lanczosSteps, p);
        PrintStream out = System.out;
        ExplainTrace explainTo = explain ? new ExplainTrace(json ? System.err : System.out, topK) : null;
        if (!json) {
            out.printf(Locale.ROOT, "model     %s%n", net);
            out.printf(Locale.ROOT, "data      %s, %d examples in %d batches of ≤ %d (mean loss over all of them)%n",
                    d.name(), h.examples(), h.batchCount(), batch);
            out.printf(Locale.ROOT, "running statistics  %s%n", runningStatistics);
            out.printf(Locale.ROOT, "loss mode %s%n", curvatureMode.describe(batch));
            out.printf(Locale.ROOT, "operator  %s%n", operator.describe());
            if (h instanceof BlockOperator b) out.printf(Locale.ROOT, "block     %s (%d of %d parameters)%n", b.names(), b.dim(), theta.dim());
        }
        SplittableRandom rng = new SplittableRandom(seed);
        long start = System.nanoTime();
        DenseReport denseReport = null;
        if (dense) {                                                       // before the probes, so they can be read against it
            boolean allOfHessian = h.curvature() == Curvature.HESSIAN && params == null;
            denseReport = DenseReport.compute(h, objective, theta, batches, allOfHessian, differenceStep);
            if (!json) denseReport.print(out, h.curvature() == Curvature.HESSIAN ? "H" : h.curvature().label());
        }
        ConvergenceRecorder recorder = plots != null ? new ConvergenceRecorder(explainTo) : null;

        if (explainTo != null) {
            explainTo.section("Lanczos, " + m + " steps" + (noReorthogonalise ? " WITHOUT re-orthogonalisation" : "") + " (α_j, β_j, Ritz values of T_j)");
        }
        Lanczos.Listener lanczosListener = recorder != null ? recorder : explainTo;
        Lanczos.Result lanczos = noReorthogonalise
                ? Lanczos.run(h, ParamVector.gaussian(h.backend(), h.layout(), rng), m, false, lanczosListener)   // the same start as with it
                : Lanczos.run(h, m, rng, lanczosListener);
        PowerIteration.Result powerResult = null;
        if (power) {
            if (explainTo != null) explainTo.section("power iteration (Rayleigh quotient vᵀHv per step)");
            powerResult = PowerIteration.run(h, 1000, powerTol, rng, explainTo);
        }
        TraceEstimate traceResult = trace ? traceEstimate(h, rng, explainTo, recorder) : null;
        SpectralDensity.Result spectrum;
        double sigmaOrAuto = sigma != null ? sigma : Double.NaN;
        if (density) {
            if (explainTo != null) explainTo.section("stochastic Lanczos quadrature (" + densityStarts + " starts × " + m + " steps)");
            spectrum = SpectralDensity.estimate(h, densityStarts, m, sigmaOrAuto, grid, rng, explainTo);
        } else {
            spectrum = SpectralDensity.fromLanczos(p, List.of(lanczos), sigmaOrAuto, grid);  // the Lanczos run is one SLQ sample
        }
        double[] residuals = new double[Math.min(topK, lanczos.steps())];
        double[] negativeResiduals = new double[residuals.length];
        if (noReorthogonalise) {                                                   // no basis kept, so no Ritz vectors to measure
            java.util.Arrays.fill(residuals, Double.NaN);
            java.util.Arrays.fill(negativeResiduals, Double.NaN);
        } else {
            for (int i = 0; i < residuals.length; i++) residuals[i] = lanczos.residual(h, i);   // one HVP each
            for (int i = 0; i < negativeResiduals.length; i++) {
                int pair = lanczos.steps() - 1 - i;                                // Ritz pairs come largest first
                negativeResiduals[i] = pair < residuals.length ? residuals[pair] : lanczos.residual(h, pair);
            }
        }
        HutchinsonDiagonal.Result diagonalResult = diagonal != null ? HutchinsonDiagonal.estimate(h, diagonalSamples, rng) : null;
        PerLayerCurvature.Result layers = perLayer ? PerLayerCurvature.run(h, m, traceError, traceSamples, rng) : null;
        double effectiveRank = EffectiveRank.ofDensity(spectrum);
        String rankSource = "SLQ spectrum, " + spectrum.starts().size() + " start" + (spectrum.starts().size() > 1 ? "s" : "") + " × " + m + " steps";
        SubsetTable.Estimates full = new SubsetTable.Estimates(lanczos.ritzValues()[0], powerResult != null ? powerResult.lambda() : null,
                traceResult != null ? traceResult.trace() : null);
        SubsetTable.Result subsetResult = subsets == null ? null : SubsetTable.run(d, subsets,
                s -> operatorOver(objective, theta, new DeviceBatches(backend, s, batch).resident()), this::estimates);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (ritzVectors != null) writeRitzVectors(lanczos, residuals);
        if (recorder != null) {
            recorder.writePlots(plots, h.curvature().label() + (noReorthogonalise ? ", without re-orthogonalisation" : ""),
                    denseReport != null ? denseReport.fromProducts.trace() : Double.NaN);
        }
        if (diagonalResult != null) {
            ModelWeights.save(diagonal, diagonalResult.diagonal(), Map.of("basin", "diagonal", "operator", operator.describe(),
                    "samples", Integer.toString(diagonalSamples), "estimator", "Bekas, Kokiopoulou & Saad 2007, Rademacher"));
        }

        if (json) {
            Map<String, Object> o = jsonReport(d, h, lanczos, residuals, negativeResiduals, powerResult, traceResult, spectrum, effectiveRank, rankSource, seconds);
            if (diagonalResult != null) {
                o.put("diagonal_file", diagonal.toString());
                o.put("diagonal_samples", diagonalSamples);
                o.put("diagonal_trace", diagonalResult.trace());
            }
            if (layers != null) PerLayerTable.putJson(o, layers);
            if (subsetResult != null) SubsetTable.putJson(o, full, subsetResult);
            if (denseReport != null) o.put("dense", denseReport.json());
            out.println(RunFolder.JSON.writeValueAsString(o));
        } else {
            printReport(out, h, lanczos, residuals, negativeResiduals, powerResult, traceResult, spectrum, effectiveRank, rankSource, seconds);
            if (diagonalResult != null) {
                out.printf(Locale.ROOT, "diagonal         written to %s (%d Rademacher samples; its sum %.8g)%n", diagonal, diagonalSamples, diagonalResult.trace());
            }
            if (layers != null) PerLayerTable.print(out, layers);
            if (subsetResult != null) SubsetTable.print(out, full, subsetResult);
        }
        return 0;
    }

    /**
     * The chosen operator over the whole dataset on the cluster of {@code --engine spark}: each
     * executor applies its shard of whole batches, their vectors summed by a tree aggregation here;
     * restricted to the {@code --params} block when given, as the local one.
     */
    private CurvatureOperator clusterOperator(ParamVector theta, int examples) {
        long labelSeed = new SplittableRandom(seed).split().nextLong();           // as OperatorOptions draws it
        CurvatureRecipe recipe = new CurvatureRecipe(ModelRecipe.of(model, weights, data.dataset, data.folder, DataOptions.parseSplit(data.split),
                data.limit, device.device), batch, curvatureMode.mode(), operator.curvature(), operator.fisherSamples, labelSeed);
        cluster = engine.connect("probe hessian");
        CurvatureOperator h = cluster.curvature(recipe, theta, examples);
        return params != null ? new BlockOperator(h, BlockOperator.select(h.layout(), params)) : h;
    }

    /** The chosen operator over the batches, restricted to the {@code --params} block when given. */
    private CurvatureOperator operatorOver(Objective objective, ParamVector theta, List<Batch> batches) {
        CurvatureOperator h = operator.over(objective, theta, batches, seed);
        return params != null ? new BlockOperator(h, BlockOperator.select(h.layout(), params)) : h;
    }

    private TraceEstimate traceEstimate(CurvatureOperator h, SplittableRandom rng, ExplainTrace explainTo, ConvergenceRecorder recorder) {
        if (traceEstimator.equals("hutchpp")) return TraceEstimate.of(HutchPlusPlus.estimate(h, traceSamples, rng));
        if (explainTo != null) explainTo.section("Hutchinson trace (zᵀHz per Rademacher z, running mean ± standard error)");
        return TraceEstimate.of(HutchinsonTrace.estimate(h, traceError, traceSamples, rng, recorder != null ? recorder : explainTo));
    }

    /** One subset's λmax, power λmax and trace, drawn in the full run's order from a fresh generator of the same seed. */
    private SubsetTable.Estimates estimates(CurvatureOperator h) {
        SplittableRandom rng = new SplittableRandom(seed);
        Lanczos.Result l = Lanczos.run(h, Math.min(lanczosSteps, h.dim()), rng, null);
        Double lambdaPower = power ? PowerIteration.run(h, 1000, powerTol, rng, null).lambda() : null;
        Double traceValue = trace ? traceEstimate(h, rng, null, null).trace() : null;
        return new SubsetTable.Estimates(l.ritzValues()[0], lambdaPower, traceValue);
    }

    private void checkOptions() {
        if (batch < 1) throw new IllegalArgumentException("--batch must be ≥ 1, got " + batch);
        if (topK < 1) throw new IllegalArgumentException("--top-k must be ≥ 1, got " + topK);
        if (lanczosSteps < 1) throw new IllegalArgumentException("--lanczos-steps must be ≥ 1, got " + lanczosSteps);
        if (topK > lanczosSteps) throw new IllegalArgumentException("--top-k " + topK + " needs at least as many --lanczos-steps, got " + lanczosSteps);
        if (traceSamples < 2) throw new IllegalArgumentException("--trace-samples must be ≥ 2, got " + traceSamples);
        if (densityStarts < 1) throw new IllegalArgumentException("--density-starts must be ≥ 1, got " + densityStarts);
        if (sigma != null && !(sigma > 0)) throw new IllegalArgumentException("--sigma must be positive, got " + sigma);
        if (grid < 2) throw new IllegalArgumentException("--grid must be ≥ 2, got " + grid);
        if (!traceEstimator.equals("hutchinson") && !traceEstimator.equals("hutchpp")) {
            throw new IllegalArgumentException("--trace-estimator must be hutchinson or hutchpp, got '" + traceEstimator + "'");
        }
        if (traceEstimator.equals("hutchpp") && traceSamples < 6) throw new IllegalArgumentException("--trace-estimator hutchpp needs --trace-samples ≥ 6, got " + traceSamples);
        if (subsets != null && subsets < 1) throw new IllegalArgumentException("--subsets must be ≥ 1, got " + subsets);
        if (diagonalSamples < 2) throw new IllegalArgumentException("--diagonal-samples must be ≥ 2, got " + diagonalSamples);
        if (!(differenceStep > 0)) throw new IllegalArgumentException("--difference-step must be positive, got " + differenceStep);
        if (noReorthogonalise && ritzVectors != null) {
            throw new IllegalArgumentException("--ritz-vectors needs the Lanczos basis, which --no-reorthogonalise does not keep");
        }
        if (noReorthogonalise && perLayer) throw new IllegalArgumentException("--no-reorthogonalise applies to the main Lanczos run; leave out --per-layer");
        engine.check();
        if (engine.distributed() && dense) {
            throw new IllegalArgumentException("--dense runs with --engine local only: its finite differences of gradients need the batches in this process");
        }
        if (engine.distributed() && subsets != null) {
            throw new IllegalArgumentException("--subsets runs with --engine local only: each subset is an operator of its own, not shards of one");
        }
        if (engine.distributed() && operator.curvature() == Curvature.FISHER_MC) {
            throw new IllegalArgumentException("--operator fisher-mc runs with --engine local only: its labels are drawn in one pass over "
                    + "the batches, which shards would draw differently");
        }
    }

    private Map<String, Object> jsonReport(Dataset d, CurvatureOperator h, Lanczos.Result lanczos, double[] residuals, double[] negativeResiduals,
                                           PowerIteration.Result powerResult,
                                           TraceEstimate traceResult, SpectralDensity.Result spectrum,
                                           double effectiveRank, String rankSource, double seconds) {
        Map<String, Object> o = new LinkedHashMap<>();
        double[] top = lanczos.topK(topK);
        o.put("lambda_max", top[0]);
        o.put("eigenvalues", top);
        o.put("eigenvalue_residuals", noReorthogonalise ? null : residuals);
        o.put("most_negative", lanczos.mostNegative(topK));
        o.put("most_negative_residuals", noReorthogonalise ? null : negativeResiduals);
        o.put("trace", traceResult != null ? traceResult.trace() : null);
        o.put("trace_stderr", traceResult != null ? traceResult.standardError() : null);
        o.put("trace_samples", traceResult != null ? traceResult.products() : null);
        if (traceResult != null) {
            o.put("trace_estimator", traceResult.estimator());
            if (traceResult.rank() != null) {
                o.put("trace_low_rank", traceResult.lowRankTrace());
                o.put("trace_sketch_rank", traceResult.rank());
            }
        }
        o.put("effective_rank", effectiveRank);
        o.put("effective_rank_spectrum", rankSource);
        o.put("running_statistics", runningStatistics);
        o.put("mode", curvatureMode.describe(batch));
        o.put("operator", h.curvature().label());
        o.put("operator_description", operator.describe());
        if (h.curvature() == Curvature.FISHER_MC) o.put("fisher_samples", operator.fisherSamples);
        o.put("hvp_count", h.productCount());
        if (cluster != null) o.put("engine", cluster.describe());
        o.put("seconds", seconds);
        if (powerResult != null) {
            o.put("lambda_max_power", powerResult.lambda());
            o.put("power_iterations", powerResult.iterations());
            o.put("power_converged", powerResult.converged());
            o.put("power_residual", powerResult.residual());
        }
        o.put("lanczos_steps", lanczos.steps());
        o.put("reorthogonalised", lanczos.reorthogonalised());
        o.put("copies_of_lambda_max", lanczos.copiesOfTop(Lanczos.GHOST_TOLERANCE));
        o.put("invariant_subspace", lanczos.invariantSubspace());
        o.put("parameters", h.dim());
        if (h instanceof BlockOperator b) o.put("params", b.names());
        o.put("examples", h.examples());
        o.put("dataset", d.name());
        o.put("split", data.split);
        o.put("seed", seed);
        if (density) {
            Map<String, Object> rho = new LinkedHashMap<>();
            rho.put("sigma", spectrum.sigma());
            rho.put("grid", spectrum.grid());
            rho.put("density", spectrum.density());
            rho.put("nodes", spectrum.starts().stream().map(SpectralDensity.Quadrature::nodes).toArray());
            rho.put("weights", spectrum.starts().stream().map(SpectralDensity.Quadrature::weights).toArray());
            o.put("density", rho);
        }
        return o;
    }

    private void printReport(PrintStream out, CurvatureOperator h, Lanczos.Result lanczos, double[] residual, double[] negativeResidual,
                             PowerIteration.Result powerResult,
                             TraceEstimate traceResult, SpectralDensity.Result spectrum,
                             double effectiveRank, String rankSource, double seconds) {
        double[] top = lanczos.topK(topK), bottom = lanczos.mostNegative(topK);
        out.printf(Locale.ROOT, "%nLanczos   %d steps%s, %d parameters%n", lanczos.steps(),
                lanczos.invariantSubspace() ? " (Krylov space exhausted: the Ritz values are exact)" : "", h.dim());
        out.printf(Locale.ROOT, "  %-4s %16s %14s   %16s %14s%n", "i", "λ_i (top)", "residual", "most negative", "residual");
        for (int i = 0; i < top.length; i++) {
            out.printf(Locale.ROOT, "  %-4d %16.8g %14s   %16.8g %14s%n", i + 1, top[i], residualText(residual[i]), bottom[i], residualText(negativeResidual[i]));
        }
        if (noReorthogonalise) {
            out.println("  (no residuals: without re-orthogonalisation the basis is not kept, so there are no Ritz vectors)");
        } else {
            out.println("  (residual: ‖H x_i − λ_i x_i‖ for the Ritz vector x_i, one HVP each; float32 puts its floor near 1e-7·λmax)");
        }
        out.printf(Locale.ROOT, "copies of λ_1    %d Ritz values within %.0e·|λ_1| of λ_1%s%n", lanczos.copiesOfTop(Lanczos.GHOST_TOLERANCE), Lanczos.GHOST_TOLERANCE,
                lanczos.reorthogonalised() ? "" : " (more than one: ghosts, since λ_1 is simple unless the dense spectrum says otherwise)");
        out.printf(Locale.ROOT, "lambda_max       %.8g%n", top[0]);
        if (powerResult != null) {
            out.printf(Locale.ROOT, "  by power       %.8g   (%d steps, %s to %.0e, residual %.1e)%n", powerResult.lambda(), powerResult.iterations(),
                    powerResult.converged() ? "converged" : "NOT converged", powerTol, powerResult.residual());
        }
        if (traceResult != null) {
            if (traceResult.rank() != null) {
                out.printf(Locale.ROOT, "trace            %.8g ± %.2g   (Hutch++, %d products: tr(QᵀAQ) = %.8g on a rank-%d sketch, the rest by Hutchinson)%n",
                        traceResult.trace(), traceResult.standardError(), traceResult.products(), traceResult.lowRankTrace(), traceResult.rank());
            } else {
                out.printf(Locale.ROOT, "trace            %.8g ± %.2g   (Hutchinson, %d Rademacher samples, %s)%n", traceResult.trace(),
                        traceResult.standardError(), traceResult.products(),
                        traceResult.converged() ? "reached " + traceError + " relative error" : "stopped at the sample limit");
            }
        } else {
            out.println("trace            not estimated (add --trace)");
        }
        out.printf(Locale.ROOT, "effective rank   %.6g   (exp of the entropy of |λ|/Σ|λ|, from the %s)%n", effectiveRank, rankSource);
        if (density) printDensity(out, spectrum);
        out.printf(Locale.ROOT, "cost             %d products (%s) over %d examples, %.2f s%n", h.productCount(), h.curvature().label(),
                h.examples(), seconds);
    }

    /** A measured residual, or a dash where none was measured (no Ritz vectors without re-orthogonalisation). */
    private static String residualText(double r) {
        return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2e", r);
    }

    /** The density on 24 rows, bars on a log scale over six decades, since a Hessian's bulk dwarfs its outliers. */
    private static void printDensity(PrintStream out, SpectralDensity.Result spectrum) {
        out.printf(Locale.ROOT, "density          SLQ, σ = %.3g, ∫φ = %.6f (log scale, 6 decades)%n", spectrum.sigma(), spectrum.integral());
        double[] t = spectrum.grid(), phi = spectrum.density();
        double max = 0;
        for (double v : phi) max = Math.max(max, v);
        int rows = 24, per = Math.max(1, t.length / rows);
        for (int r = 0; r * per < t.length; r++) {
            double peak = 0;
            for (int i = r * per; i < Math.min(t.length, (r + 1) * per); i++) peak = Math.max(peak, phi[i]);
            int bar = peak > 0 ? (int) Math.round(Math.max(0, 6 + Math.log10(peak / max)) / 6 * 50) : 0;
            out.printf(Locale.ROOT, "  %12.4g  %10.3e  %s%n", t[r * per], peak, "█".repeat(bar));
        }
    }

    private void writeRitzVectors(Lanczos.Result lanczos, double[] residuals) throws IOException {
        Files.createDirectories(ritzVectors);
        double[] theta = lanczos.ritzValues();
        for (int i = 0; i < residuals.length; i++) {
            ModelWeights.save(ritzVectors.resolve("ritz-" + (i + 1) + ".safetensors"), lanczos.ritzVector(i),
                    Map.of("basin", "ritz vector", "operator", operator.curvature().label(), "ritz_value", Double.toString(theta[i]), "residual", Double.toString(residuals[i])));
        }
    }

    /** Hutchinson's or Hutch++'s estimate, as the outputs report it; the low-rank part and the sketch's rank only for Hutch++. */
    record TraceEstimate(String estimator, double trace, double standardError, int products, boolean converged, Double lowRankTrace, Integer rank) {
        static TraceEstimate of(HutchinsonTrace.Result r) {
            return new TraceEstimate("hutchinson", r.trace(), r.standardError(), r.count(), r.converged(), null, null);
        }

        static TraceEstimate of(HutchPlusPlus.Result r) {
            return new TraceEstimate("hutchpp", r.trace(), r.standardError(), r.products(), true, r.lowRankTrace(), r.rank());
        }
    }
}
