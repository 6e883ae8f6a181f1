package basin.engine.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint loads only into a model with the same tensor names and shapes, and says every difference at once. */
class CheckpointTest {

    @TempDir
    Path directory;

    private static Map<String, int[]> mlpShapes(int hidden) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("1.weight", new int[] {hidden, 784});
        shapes.put("1.bias", new int[] {hidden});
        shapes.put("3.weight", new int[] {10, hidden});
        shapes.put("3.bias", new int[] {10});
        return shapes;
    }

    private Path writeMlp(int hidden) throws IOException {
        Path path = directory.resolve("mlp" + hidden + ".safetensors");
        List<HostTensor> tensors = mlpShapes(hidden).entrySet().stream().map(entry -> {
            int count = 1;
            for (int dim : entry.getValue()) {
                count *= dim;
            }
            return new HostTensor(entry.getKey(), entry.getValue(), new float[count]);
        }).toList();
        Safetensors.write(path, tensors, Map.of());
        return path;
    }

    @Test
    void loadsACheckpointWhoseTensorsMatchTheModel() throws IOException {
        Path path = writeMlp(16);

        SafetensorsContents contents = Checkpoint.load(path, mlpShapes(16));

        assertEquals(4, contents.tensors().size());
        assertArrayEquals(new int[] {16, 784}, contents.tensor("1.weight").shape());
    }

    @Test
    void aShapeMismatchNamesTheFileTheTensorAndBothShapes() throws IOException {
        Path path = writeMlp(256);

        CheckpointMismatchException error = assertThrows(CheckpointMismatchException.class,
                () -> Checkpoint.load(path, mlpShapes(128)));

        assertTrue(error.getMessage().contains(path.toString()), error::getMessage);
        assertEquals(List.of(
                "1.weight: file has [256, 784], model expects [128, 784]",
                "1.bias: file has [256], model expects [128]",
                "3.weight: file has [10, 256], model expects [10, 128]"), error.problems());
    }

    @Test
    void missingExtraAndMismatchedTensorsAreAllListedTogether() throws IOException {
        Path path = writeMlp(16);
        Map<String, int[]> model = new LinkedHashMap<>(mlpShapes(16));
        model.remove("3.bias");
        model.put("1.weight", new int[] {16, 785});
        model.put("5.weight", new int[] {2, 10});

        CheckpointMismatchException error = assertThrows(CheckpointMismatchException.class,
                () -> Checkpoint.load(path, model));

        assertEquals(List.of(
                "1.weight: file has [16, 784], model expects [16, 785]",
                "5.weight: missing from the file, model expects [2, 10]",
                "3.bias: in the file as [10], but the model has no such tensor"), error.problems());
        assertTrue(error.getMessage().contains("3 problems"), error::getMessage);
    }

    @Test
    void aBatchNormCounterIsCheckedLikeAnyOtherTensor() throws IOException {
        Path path = directory.resolve("bn.safetensors");
        Safetensors.write(path, List.of(new HostTensor("0.weight", new int[] {3}, new float[3])),
                List.of(HostInt64Tensor.scalar("0.num_batches_tracked", 5)), Map.of());
        Map<String, int[]> model = new LinkedHashMap<>();
        model.put("0.weight", new int[] {3});
        model.put("0.num_batches_tracked", new int[0]);

        SafetensorsContents contents = Checkpoint.load(path, model);

        assertEquals(5, contents.int64Tensor("0.num_batches_tracked").scalarValue());
    }

    @Test
    void aCorruptCheckpointIsAFormatErrorNotAMismatch() throws IOException {
        Path path = SafetensorsBytes.save(directory, "short.safetensors", new byte[] {1, 2, 3});

        assertThrows(SafetensorsFormatException.class, () -> Checkpoint.load(path, mlpShapes(16)));
    }
}
