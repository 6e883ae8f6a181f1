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
import basin.engine.train.DeviceBatches;
import basin.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
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

    @Override
    public Integer call() throws Exception {
        Backend backend = device.backend();
        Sequential net = ModelSpec.read(model);
        ParamVector theta = ModelWeights.load(weights, net, backend);
        ParamVector v = ModelWeights.load(vector, net.layout(), backend);
        Dataset d = data.load();
        MemoryChecks.hvp(backend, net, model, Math.min(batch, Math.max(1, d.count())), 1, "--batch");
        List<Batch> batches = new DeviceBatches(backend, d, batch).resident();
        CurvatureOperator h = operator.over(new Objective(net, curvatureMode.mode()), theta, batches, seed);
        String a = h.curvature() == Curvature.HESSIAN ? "H" : h.curvature().label();
        ParamVector hv = h.apply(v);
        ModelWeights.save(out, hv, Map.of("basin", "hvp", "examples", String.valueOf(d.count()), "split", data.split,
                "mode", curvatureMode.describe(batch), "operator", operator.describe()));
        System.out.printf("wrote %s·v over %d examples of %s %s to %s (operator %s; ‖v‖ = %.6g, ‖Av‖ = %.6g, vᵀAv = %.6g)%n",
                a, d.count(), d.name(), data.split, out, operator.describe(), v.norm(), hv.norm(), v.dot(hv));
        return 0;
    }
}
