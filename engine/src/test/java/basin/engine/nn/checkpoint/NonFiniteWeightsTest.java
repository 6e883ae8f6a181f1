package basin.engine.nn.checkpoint;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** NaN or ±∞ in a checkpoint is refused on load, naming the tensor and the file, never loaded silently. */
class NonFiniteWeightsTest {
    private static final String SPEC = "{\"input\":[3],\"layers\":[{\"type\":\"linear\",\"out\":2},"
            + "{\"type\":\"batchnorm1d\"},{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":2}]}";

    @Test
    void aNaNWeightIsReportedWithItsTensorAndTheFile(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("nan.safetensors"), "3.weight", 3, Float.NaN);

        NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class,
                () -> ModelWeights.load(file, ModelSpec.parse(SPEC), CpuBackend.get()));

        assertEquals("3.weight", e.tensor());
        assertEquals("checkpoint " + file + ": tensor 3.weight [2, 2] holds 1 non-finite value (the first, element 3, is NaN);"
                + " refusing to load it: a run from these weights would compute NaN throughout", e.getMessage());
    }

    @Test
    void anInfiniteRunningVarianceIsRefusedToo(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("inf.safetensors"), "1.running_var", 0, Float.POSITIVE_INFINITY);

        NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class,
                () -> ModelWeights.load(file, ModelSpec.parse(SPEC), CpuBackend.get()));

        assertEquals("1.running_var", e.tensor());
    }

    @Test
    void theParameterOnlyLoadRefusesNaNAsWell(@TempDir Path dir) throws IOException {
        Sequential model = ModelSpec.parse("{\"input\":[3],\"layers\":[{\"type\":\"linear\",\"out\":2}]}");
        ParamVector theta = model.initialParameters(CpuBackend.get(), 1);
        float[] host = theta.toHost();
        host[4] = Float.NEGATIVE_INFINITY;
        Path file = dir.resolve("theta.safetensors");
        ModelWeights.save(file, ParamVector.fromHost(CpuBackend.get(), model.layout(), host), Map.of());

        NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class,
                () -> ModelWeights.load(file, model.layout(), CpuBackend.get()));

        assertEquals("0.weight", e.tensor());
    }

    /** A full state dict of SPEC's model with element {@code element} of {@code tensor} set to {@code value}. */
    private static Path write(Path file, String tensor, int element, float value) throws IOException {
        Sequential model = ModelSpec.parse(SPEC);
        ModelWeights.save(file, model, model.initialParameters(CpuBackend.get(), 0), Map.of());
        SafetensorsContents contents = Safetensors.read(file);
        List<HostTensor> floats = new ArrayList<>();
        for (HostTensor t : contents.tensors().values()) {
            float[] data = t.data().clone();
            if (t.name().equals(tensor)) data[element] = value;
            floats.add(new HostTensor(t.name(), t.shape(), data));
        }
        Safetensors.write(file, floats, new ArrayList<>(contents.int64Tensors().values()), Map.of());
        return file;
    }
}
