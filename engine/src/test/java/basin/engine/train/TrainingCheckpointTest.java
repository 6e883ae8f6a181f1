package basin.engine.train;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.StatefulNet;
import basin.engine.nn.checkpoint.CheckpointMismatchException;
import basin.engine.nn.checkpoint.HostTensor;
import basin.engine.nn.checkpoint.Safetensors;
import basin.engine.nn.checkpoint.SafetensorsContents;
import basin.engine.nn.checkpoint.SafetensorsFormatException;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.oracle.Compare;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training-state file: torch.optim.SGD's momentum buffers by parameter name, the counters in the metadata, and errors that name the file and tensor. */
class TrainingCheckpointTest {
    private static final CpuBackend CPU = CpuBackend.get();
    private final Sequential model = ModelSpec.parse(StatefulNet.SPEC);

    private Trainer.State randomState(long seed) {
        ParamVector b = ParamVector.gaussian(CPU, model.layout(), new SplittableRandom(seed));
        return new Trainer.State(3, b, 27, new long[] {27});
    }

    @Test
    void aStateRoundTripsWithOneMomentumTensorPerParameterUnderItsStateDictName(@TempDir Path dir) throws IOException {
        long seed = Compare.seed();
        Trainer.State state = randomState(seed);
        Path file = dir.resolve("state.safetensors");
        TrainingCheckpoint.save(file, model, state, Map.of("run", "r1"));

        Trainer.State back = TrainingCheckpoint.load(file, model, CPU);
        assertEquals(3, back.epochsDone());
        assertEquals(27, back.sgdSteps());
        assertArrayEquals(new long[] {27}, back.dropoutPasses());
        assertArrayEquals(state.velocity().toHost(), back.velocity().toHost(), "seed " + seed);

        SafetensorsContents raw = Safetensors.read(file);
        assertEquals("r1", raw.metadata().get("run"));
        assertEquals("3", raw.metadata().get(TrainingCheckpoint.EPOCHS_DONE));
        assertEquals("27", raw.metadata().get(TrainingCheckpoint.SGD_STEPS));
        assertEquals("27", raw.metadata().get(TrainingCheckpoint.DROPOUT_PASSES));
        assertEquals(model.layout().entries().size(), raw.tensors().size());
        float[] b = state.velocity().toHost();
        for (ParamLayout.Entry e : model.layout().entries()) {
            HostTensor t = raw.tensor("momentum_buffer." + e.name());
            assertArrayEquals(e.shape().dims(), t.shape(), e.name());
            assertArrayEquals(java.util.Arrays.copyOfRange(b, e.offset(), e.offset() + e.size()), t.data(), e.name());
        }
    }

    @Test
    void aStateWithoutAMomentumBufferStoresNoTensorsAndLoadsANullBuffer(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.safetensors");
        TrainingCheckpoint.save(file, model, new Trainer.State(1, null, 9, new long[] {9}), null);
        assertTrue(Safetensors.read(file).tensors().isEmpty());
        assertNull(TrainingCheckpoint.load(file, model, CPU).velocity());
    }

    /** Writes {@code file} again with the tensors and metadata edited, as a hand or a bug might. */
    private static void rewrite(Path file, List<HostTensor> tensors, Map<String, String> metadata) throws IOException {
        Safetensors.write(file, tensors, metadata);
    }

    @Test
    void aMissingMomentumTensorIsNamedWithTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.safetensors");
        TrainingCheckpoint.save(file, model, randomState(1), null);
        SafetensorsContents raw = Safetensors.read(file);
        List<HostTensor> tensors = new ArrayList<>(raw.tensors().values());
        String missing = tensors.remove(0).name();
        rewrite(file, tensors, raw.metadata());
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> TrainingCheckpoint.load(file, model, CPU));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(missing + ": missing"), e.getMessage());
    }

    @Test
    void aMisshapenMomentumTensorIsNamedWithBothShapes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.safetensors");
        TrainingCheckpoint.save(file, model, randomState(2), null);
        SafetensorsContents raw = Safetensors.read(file);
        List<HostTensor> tensors = new ArrayList<>();
        String bent = "momentum_buffer.0.weight";                  // conv weight [4, 2, 3, 3], stored flat
        for (HostTensor t : raw.tensors().values()) {
            tensors.add(t.name().equals(bent) ? new HostTensor(bent, new int[] {t.data().length}, t.data()) : t);
        }
        rewrite(file, tensors, raw.metadata());
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> TrainingCheckpoint.load(file, model, CPU));
        assertTrue(e.getMessage().contains(bent + ": file has [72], model expects [4, 2, 3, 3]"), e.getMessage());
    }

    @Test
    void aMetadataValueThatIsNotACountIsNamedWithTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.safetensors");
        TrainingCheckpoint.save(file, model, randomState(3), null);
        SafetensorsContents raw = Safetensors.read(file);
        Map<String, String> metadata = new HashMap<>(raw.metadata());
        metadata.put(TrainingCheckpoint.EPOCHS_DONE, "two");
        rewrite(file, new ArrayList<>(raw.tensors().values()), metadata);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> TrainingCheckpoint.load(file, model, CPU));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("epochs_done = \"two\""), e.getMessage());
    }

    @Test
    void aWeightsFileIsNotTakenForATrainingState(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.safetensors");
        basin.engine.nn.checkpoint.ModelWeights.save(file, model, model.initialParameters(CPU, 0), Map.of());
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> TrainingCheckpoint.load(file, model, CPU));
        assertTrue(e.getMessage().contains("no epochs_done"), e.getMessage());
    }

    @Test
    void passCountsForAnotherNumberOfDropoutLayersAreRefusedNamingBoth(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.safetensors");
        TrainingCheckpoint.save(file, model, new Trainer.State(1, null, 9, new long[] {9}), null);
        Sequential noDropout = ModelSpec.parse(ModelSpec.mlp(new int[] {2, 8, 8}, 3));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> TrainingCheckpoint.load(file, noDropout, CPU));
        assertTrue(e.getMessage().contains("1 dropout layers, the model has 0"), e.getMessage());
    }

    @Test
    void theCallersMetadataCannotOverwriteTheStatesOwnKeys(@TempDir Path dir) {
        Path file = dir.resolve("state.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                TrainingCheckpoint.save(file, model, randomState(4), Map.of(TrainingCheckpoint.SGD_STEPS, "0")));
        assertTrue(e.getMessage().contains("sgd_steps"), e.getMessage());
    }
}
