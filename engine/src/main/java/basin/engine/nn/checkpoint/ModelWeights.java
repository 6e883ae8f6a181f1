package basin.engine.nn.checkpoint;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's parameter vector θ as a safetensors file, one tensor per {@link ParamLayout} entry under
 * PyTorch's {@code state_dict} names and shapes, so the file loads with
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} and back.
 */
public final class ModelWeights {
    private ModelWeights() {
    }

    /** Writes θ atomically (temp file, then rename). */
    public static void save(Path file, ParamVector theta, Map<String, String> metadata) throws IOException {
        float[] host = theta.toHost();
        List<HostTensor> tensors = new ArrayList<>();
        for (ParamLayout.Entry e : theta.layout().entries()) {
            float[] data = new float[e.size()];
            System.arraycopy(host, e.offset(), data, 0, e.size());
            tensors.add(new HostTensor(e.name(), e.shape().dims(), data));
        }
        Safetensors.write(file, tensors, metadata);
    }

    /**
     * Reads θ for {@code layout}; every tensor must be present with the layout's shape and no other
     * tensor may be there (errors list every problem, naming the file and the tensors).
     */
    public static ParamVector load(Path file, ParamLayout layout, Backend backend) throws IOException {
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (ParamLayout.Entry e : layout.entries()) expected.put(e.name(), e.shape().dims());
        SafetensorsContents contents = Checkpoint.load(file, expected);
        float[] theta = new float[layout.size()];
        for (ParamLayout.Entry e : layout.entries()) {
            System.arraycopy(contents.tensor(e.name()).data(), 0, theta, e.offset(), e.size());
        }
        return ParamVector.fromHost(backend, layout, theta);
    }
}
