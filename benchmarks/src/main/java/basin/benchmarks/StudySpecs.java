package basin.benchmarks;

import basin.engine.nn.spec.StudyModels;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Map;

/**
 * Prints every study model's spec ({@link StudyModels#all()}) as one JSON object, name → spec, on
 * standard output. {@code benchmarks/pytorch/gpu_bench.py --specs FILE} builds its PyTorch models
 * from this output, so that the PyTorch timings and {@link CudaTiming} run the very same networks
 * rather than a second, hand-copied definition. Usage: {@code StudySpecs > study-specs.json}.
 */
public final class StudySpecs {
    private StudySpecs() {
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode specs = json.createObjectNode();
        for (Map.Entry<String, String> model : StudyModels.all().entrySet()) {
            specs.set(model.getKey(), json.readTree(model.getValue()));
        }
        System.out.println(specs.toPrettyString());
    }
}
