package basin.engine.nn.checkpoint;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
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
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} and back. A model with buffers
 * (BatchNorm's running statistics and its int64 {@code num_batches_tracked}) is saved and loaded
 * whole by {@link #save(Path, Sequential, ParamVector, Map)} and {@link #load(Path, Sequential, Backend)}.
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
     *
     * @throws NonFiniteWeightsException naming the file and the tensor, when a weight is NaN or ±∞
     */
    public static ParamVector load(Path file, ParamLayout layout, Backend backend) throws IOException {
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (ParamLayout.Entry e : layout.entries()) expected.put(e.name(), e.shape().dims());
        SafetensorsContents contents = Checkpoint.load(file, expected);
        requireFinite(file, contents);
        float[] theta = new float[layout.size()];
        for (ParamLayout.Entry e : layout.entries()) {
            System.arraycopy(contents.tensor(e.name()).data(), 0, theta, e.offset(), e.size());
        }
        return ParamVector.fromHost(backend, layout, theta);
    }

    /** Writes θ and the model's buffers (its complete {@code state_dict}) atomically. */
    public static void save(Path file, Sequential model, ParamVector theta, Map<String, String> metadata) throws IOException {
        if (theta.dim() != model.layout().size()) {
            throw new IllegalArgumentException("save " + file + ": θ has " + theta.dim() + " parameters, the model " + model.layout().size());
        }
        float[] host = theta.toHost();
        List<HostTensor> tensors = new ArrayList<>();
        for (ParamLayout.Entry e : model.layout().entries()) {
            float[] data = new float[e.size()];
            System.arraycopy(host, e.offset(), data, 0, e.size());
            tensors.add(new HostTensor(e.name(), e.shape().dims(), data));
        }
        for (HostTensor b : model.buffers()) tensors.add(new HostTensor(b.name(), b.shape(), b.data().clone()));
        List<HostInt64Tensor> counters = new ArrayList<>();
        for (HostInt64Tensor c : model.counters()) counters.add(new HostInt64Tensor(c.name(), c.shape(), c.data().clone()));
        Safetensors.write(file, tensors, counters, metadata);
    }

    /**
     * Reads a complete {@code state_dict}: returns θ and writes the buffers into the model. Every
     * parameter and buffer must be present with its shape and nothing else may be there (all
     * problems are listed together); {@code num_batches_tracked} must be stored as I64.
     *
     * @throws NonFiniteWeightsException naming the file and the tensor, when a weight or buffer is NaN or ±∞
     */
    public static ParamVector load(Path file, Sequential model, Backend backend) throws IOException {
        ParamLayout layout = model.layout();
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (ParamLayout.Entry e : layout.entries()) expected.put(e.name(), e.shape().dims());
        for (HostTensor b : model.buffers()) expected.put(b.name(), b.shape());
        for (HostInt64Tensor c : model.counters()) expected.put(c.name(), c.shape());
        SafetensorsContents contents = Checkpoint.load(file, expected);
        requireFinite(file, contents);
        float[] theta = new float[layout.size()];
        for (ParamLayout.Entry e : layout.entries()) {
            System.arraycopy(floatTensor(file, contents, e.name()).data(), 0, theta, e.offset(), e.size());
        }
        for (HostTensor b : model.buffers()) {
            float[] stored = floatTensor(file, contents, b.name()).data();
            System.arraycopy(stored, 0, b.data(), 0, stored.length);
        }
        for (HostInt64Tensor c : model.counters()) {
            HostInt64Tensor stored = contents.int64Tensors().get(c.name());
            if (stored == null) throw new CheckpointMismatchException(file, List.of(c.name() + ": stored as a float tensor, model expects I64"));
            System.arraycopy(stored.data(), 0, c.data(), 0, stored.data().length);
        }
        return ParamVector.fromHost(backend, layout, theta);
    }

    /** Refuses NaN and ±∞ before anything is copied into the model: a long run should not start from them. */
    private static void requireFinite(Path file, SafetensorsContents contents) throws NonFiniteWeightsException {
        for (HostTensor t : contents.tensors().values()) {
            float[] data = t.data();
            int count = 0, first = -1;
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    if (count++ == 0) first = i;
                }
            }
            if (count > 0) throw new NonFiniteWeightsException(file, t.name(), t.shape(), count, first, data[first]);
        }
    }

    private static HostTensor floatTensor(Path file, SafetensorsContents contents, String name) throws CheckpointMismatchException {
        HostTensor t = contents.tensors().get(name);
        if (t == null) throw new CheckpointMismatchException(file, List.of(name + ": stored as I64, model expects a float tensor"));
        return t;
    }
}
