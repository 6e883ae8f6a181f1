package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.train.Evaluation;
import basin.experiments.report.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code basin eval}: mean cross-entropy and accuracy of saved weights on a dataset split. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Loss and accuracy of a model's weights on a dataset.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model spec (JSON).")
    Path model;

    @Option(names = "--weights", required = true, description = "Weights (safetensors, PyTorch state_dict names).")
    Path weights;

    @Mixin
    DataOptions data;

    @Option(names = "--batch", defaultValue = "500", description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        Sequential net = ModelSpec.read(model);
        ParamVector theta = ModelWeights.load(weights, net, device.backend());
        Dataset d = data.load();
        Evaluation.Result r = Evaluation.of(net, theta, d, batch);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("loss", r.loss());
            out.put("accuracy", r.accuracy());
            out.put("examples", r.examples());
            out.put("split", data.split);
            out.put("dataset", d.name());
            System.out.println(RunFolder.JSON.writeValueAsString(out));
        } else {
            System.out.printf(Locale.ROOT, "%s %s, %d examples: loss %.6f, accuracy %.2f%%%n",
                    d.name(), data.split, r.examples(), r.loss(), 100 * r.accuracy());
        }
        return 0;
    }
}
