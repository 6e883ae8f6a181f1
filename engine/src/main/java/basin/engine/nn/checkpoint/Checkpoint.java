package basin.engine.nn.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a safetensors checkpoint for a model that declares which tensors it has and their shapes,
 * as PyTorch's {@code load_state_dict(strict=True)} does: the names must be the same set and every
 * shape must agree.
 */
public final class Checkpoint {
    private Checkpoint() {
    }

    /**
     * Reads {@code file} after checking its tensors against {@code expectedShapes}, the model's
     * state-dict keys and shapes. The header is compared before any data is read, and every
     * missing tensor, extra tensor and shape mismatch is reported together.
     *
     * <p>Both float and I64 tensors count; a BatchNorm model should therefore declare
     * {@code num_batches_tracked} with shape {@code []}. Dtypes are not compared: a model that
     * expects a float tensor finds it in {@link SafetensorsContents#tensors()}, and one stored as
     * I64 is in {@link SafetensorsContents#int64Tensors()}.
     *
     * @param file           a safetensors file
     * @param expectedShapes the model's tensors, name to shape; problems are listed in its iteration order
     * @return the file's tensors and metadata
     * @throws CheckpointMismatchException listing each missing tensor, extra tensor and shape mismatch
     * @throws SafetensorsFormatException  when the file is not valid safetensors
     * @throws IOException                 when the file cannot be read
     */
    public static SafetensorsContents load(Path file, Map<String, int[]> expectedShapes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = SafetensorsHeader.read(channel, file);
            List<String> problems = compare(header.entries, expectedShapes);
            if (!problems.isEmpty()) {
                throw new CheckpointMismatchException(file, problems);
            }
            return Safetensors.readTensors(channel, header);
        }
    }

    private static List<String> compare(List<SafetensorsHeader.Entry> entries, Map<String, int[]> expectedShapes) {
        Map<String, int[]> found = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry entry : entries) {
            found.put(entry.name(), entry.shape());
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, int[]> expected : expectedShapes.entrySet()) {
            int[] shape = found.get(expected.getKey());
            if (shape == null) {
                problems.add(expected.getKey() + ": missing from the file, model expects "
                        + Shapes.format(expected.getValue()));
            } else if (!Arrays.equals(shape, expected.getValue())) {
                problems.add(expected.getKey() + ": file has " + Shapes.format(shape) + ", model expects "
                        + Shapes.format(expected.getValue()));
            }
        }
        for (Map.Entry<String, int[]> extra : found.entrySet()) {
            if (!expectedShapes.containsKey(extra.getKey())) {
                problems.add(extra.getKey() + ": in the file as " + Shapes.format(extra.getValue())
                        + ", but the model has no such tensor");
            }
        }
        return problems;
    }
}
