package basin.engine.nn.checkpoint;

import basin.engine.fuzz.FuzzFiles;
import basin.engine.fuzz.FuzzFixtures;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.kernels.cpu.CpuBackend;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the safetensors reader, header and data, and of loading a checkpoint
 * into a model. Whatever the bytes, {@link Safetensors#read} returns the tensors or throws
 * {@link SafetensorsFormatException} naming the file; {@link ModelWeights#load(Path, Sequential,
 * basin.kernels.Backend)} may also refuse with {@link CheckpointMismatchException} (wrong tensors)
 * or {@link NonFiniteWeightsException} (NaN or ±∞ in a tensor). Anything else is a finding.
 */
class SafetensorsFuzzTest {

    private static final Sequential model = ModelSpec.parse(FuzzFixtures.CHECKPOINT_MODEL);

    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void fileIsReadOrRefusedAsFormatError(byte[] input) throws IOException {
        Path file = FuzzFiles.write("fuzz.safetensors", input);
        try {
            Safetensors.read(file);
        } catch (SafetensorsFormatException expected) {
            requireNamesFile(expected, file);
        }
    }

    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void checkpointLoadsIntoTheModelOrIsRefused(byte[] input) throws IOException {
        Path file = FuzzFiles.write("checkpoint.safetensors", input);
        try {
            ParamVector theta = ModelWeights.load(file, model, CpuBackend.get());
            if (theta.dim() != model.layout().size()) throw new AssertionError("θ has " + theta.dim() + " parameters");
        } catch (SafetensorsFormatException | CheckpointMismatchException | NonFiniteWeightsException expected) {
            requireNamesFile(expected, file);
        }
    }

    private static void requireNamesFile(IOException e, Path file) {
        if (!e.getMessage().contains(file.toString())) throw new AssertionError("message does not name the file: " + e.getMessage());
    }
}
