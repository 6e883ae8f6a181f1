package basin.engine.nn.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What {@link Safetensors#read} found in a file: the float tensors, the int64 tensors and the
 * {@code __metadata__} strings. Each map is unmodifiable and keeps the file's layout order (by
 * data offset), which for a file written by {@code safetensors.torch.save_file} or by
 * {@link Safetensors#write} is int64 tensors first, then floats, each sorted by name.
 *
 * @param tensors      float tensors by name (F32, and F16/BF16/F64 converted to float32)
 * @param int64Tensors I64 tensors by name, such as BatchNorm's {@code num_batches_tracked}
 * @param metadata     the header's {@code __metadata__} object; empty when the file has none
 */
public record SafetensorsContents(
        Map<String, HostTensor> tensors,
        Map<String, HostInt64Tensor> int64Tensors,
        Map<String, String> metadata) {

    /** Copies the maps, keeping their order, so later changes to the arguments do not show here. */
    public SafetensorsContents {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        int64Tensors = Collections.unmodifiableMap(new LinkedHashMap<>(int64Tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The float tensor called {@code name}.
     *
     * @throws NoSuchElementException naming the tensor and the float tensors there are
     */
    public HostTensor tensor(String name) {
        HostTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new NoSuchElementException("no float tensor " + name + " among " + tensors.keySet()
                    + (int64Tensors.containsKey(name) ? " (it is an I64 tensor)" : ""));
        }
        return tensor;
    }

    /**
     * The int64 tensor called {@code name}.
     *
     * @throws NoSuchElementException naming the tensor and the int64 tensors there are
     */
    public HostInt64Tensor int64Tensor(String name) {
        HostInt64Tensor tensor = int64Tensors.get(name);
        if (tensor == null) {
            throw new NoSuchElementException("no I64 tensor " + name + " among " + int64Tensors.keySet()
                    + (tensors.containsKey(name) ? " (it is a float tensor)" : ""));
        }
        return tensor;
    }
}
