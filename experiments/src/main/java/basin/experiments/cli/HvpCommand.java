package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.curvature.Curvature;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.engine.probe.curvature.DenseHessian;
import basin.engine.train.DeviceBatches;
import basin.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code basin hvp}: A v for a curvature matrix A of the mean cross-entropy over the first N examples of
 * a split (the Hessian by default; {@code --operator} picks another), with v and Av stored as
 * safetensors under the model's parameter names.
 */
@Command(name = "hvp", mixinStandardHelpOptions = true,
        description = "Hessian-vector (or GGN-, Fisher-vector) product of the mean loss over the first N examples.")
public final class HvpCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model spec (JSON).")
    Path model;

    @Option(names = "--weights", required = true, description = "Weights θ (safetensors).")
    Path weights;

    @Mixin
    DataOptions data;

    @Option(names = "--vector", required = true, description = "The direction v (safetensors, same names and shapes as the parameters).")
    Path vector;

    @Option(names = "--out", required = true, description = "Where to write H v (safetensors).")
    Path out;

    @Option(names = "--batch", defaultValue = "500", description = "Examples per HVP batch (default: ${DEFAULT-VALUE}); the result does not depend on it.")
    int batch;

    @Mixin
    DeviceOptions device;

    @Mixin
    CurvatureModeOption curvatureMode;

    @Mixin
    OperatorOptions operator;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the labels --operator fisher-mc samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--explain", description = "Print the value and tangent of every intermediate of the forward pass and every cotangent of the "
            + "reverse sweep (the first batch's product), then H v beside the central difference of gradients along v.")
    boolean explain;

    @Option(names = "--difference-step", defaultValue = "1e-3", description = "Step h of --explain's difference (∇L(θ + h v) − ∇L(θ − h v)) / 2h (default: ${DEFAULT-VALUE}).")
    double differenceStep;

    @Override
    public Integer call() throws Exception {
        Backend backend = device.backend();
        Sequential net = ModelSpec.read(model);
        ParamVector theta = ModelWeights.load(weights, net, backend);
        ParamVector v = ModelWeights.load(vector, net.layout(), backend);
        Dataset d = data.load();
        MemoryChecks.hvp(backend, net, model, Math.min(batch, Math.max(1, d.count())), 1, "--batch");
        List<Batch> batches = new DeviceBatches(backend, d, batch).resident();
        Objective objective = new Objective(net, curvatureMode.mode());
        CurvatureOperator h = operator.over(objective, theta, batches, seed);
        String a = h.curvature() == Curvature.HESSIAN ? "H" : h.curvature().label();
        if (explain && h.curvature() != Curvature.HESSIAN) {
            throw new IllegalArgumentException("hvp --explain traces the Hessian's forward-over-reverse product; --operator " + h.curvature().label() + " is not one");
        }
        if (explain && !(differenceStep > 0)) throw new IllegalArgumentException("--difference-step must be positive, got " + differenceStep);
        if (explain) {                                       // one product more, traced, of the first batch alone
            System.out.printf(Locale.ROOT, "tracing   batch 1 of %d (%d examples), θ with v as its tangent%n", batches.size(), batches.get(0).size());
            objective.hvp(theta, v, batches.get(0), v.zerosLike(), null, new HvpExplain(System.out));
        }
        ParamVector hv = h.apply(v);
        if (explain) explainAgainstDifferences(objective, theta, v, hv, batches);
        ModelWeights.save(out, hv, Map.of("basin", "hvp", "examples", String.valueOf(d.count()), "split", data.split,
                "mode", curvatureMode.describe(batch), "operator", operator.describe()));
        System.out.printf("wrote %s·v over %d examples of %s %s to %s (operator %s; ‖v‖ = %.6g, ‖Av‖ = %.6g, vᵀAv = %.6g)%n",
                a, d.count(), d.name(), data.split, out, operator.describe(), v.norm(), hv.norm(), v.dot(hv));
        return 0;
    }

    /** H v beside (∇L(θ + h v) − ∇L(θ − h v)) / 2h over all the batches: the oracle shares no code with the tangents. */
    private void explainAgainstDifferences(Objective objective, ParamVector theta, ParamVector v, ParamVector hv, List<Batch> batches) {
        int p = theta.dim();
        double[] gPlus = new double[p], gMinus = new double[p];
        ParamVector shifted = theta.copy();
        shifted.axpy(differenceStep, v);
        DenseHessian.lossAndGradient(objective, shifted, batches, gPlus);
        shifted.copyFrom(theta);
        shifted.axpy(-differenceStep, v);
        DenseHessian.lossAndGradient(objective, shifted, batches, gMinus);
        float[] product = hv.toHost();
        List<String> names = DenseHessian.coordinateNames(theta.layout());
        int examples = 0;
        for (Batch b : batches) examples += b.size();
        System.out.printf(Locale.ROOT, "%n── the check: H v over all %d examples beside (∇L(θ + h v) − ∇L(θ − h v)) / 2h, h = %.0e%n", examples, differenceStep);
        System.out.printf(Locale.ROOT, "  %-16s %14s %14s%n", "coordinate", "(Hv)_i", "difference");
        double max = 0, scale = 0;
        for (int i = 0; i < p; i++) {
            double difference = (gPlus[i] - gMinus[i]) / (2 * differenceStep);
            max = Math.max(max, Math.abs(product[i] - difference));
            scale = Math.max(scale, Math.abs(product[i]));
            if (i < DenseReport.PRINTED) System.out.printf(Locale.ROOT, "  %-16s %14.7f %14.7f%n", names.get(i), product[i], difference);
        }
        if (p > DenseReport.PRINTED) System.out.printf(Locale.ROOT, "  … %d coordinates more%n", p - DenseReport.PRINTED);
        System.out.printf(Locale.ROOT, "  max |Hv − difference| = %.2e (%.1e of max |(Hv)_i|; truncation O(h²) and float32 gradients' u‖∇L‖/h)%n",
                max, scale > 0 ? max / scale : 0);
    }
}
