package basin.engine.train;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.Checkpoint;
import basin.engine.nn.checkpoint.CheckpointMismatchException;
import basin.engine.nn.checkpoint.HostTensor;
import basin.engine.nn.checkpoint.Safetensors;
import basin.engine.nn.checkpoint.SafetensorsContents;
import basin.engine.nn.checkpoint.SafetensorsFormatException;
import basin.kernels.Backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file that, next to the weights, makes a training run resumable: a {@link Trainer.State} as
 * one safetensors file.
 * <pre>
 *   momentum_buffer.&lt;name&gt;   F32, the shape of parameter &lt;name&gt;   b, one tensor per state_dict parameter
 *   __metadata__  epochs_done      "2"                                  epochs finished
 *                 sgd_steps        "18"                                 SGD's step count t
 *                 dropout_passes   "18,18"                              per Dropout layer, model order ("" for none)
 *                 momentum_buffer  "stored" | "none"                    none: b not yet made, or μ = 0
 * </pre>
 * plus the caller's metadata. The tensors are what {@code torch.optim.SGD}'s state holds per
 * parameter ({@code state[p]["momentum_buffer"]}), under the parameter's {@code state_dict} name.
 * θ and the BatchNorm buffers stay in the ordinary weights file of
 * {@code ModelWeights.save(Path, Sequential, ParamVector, Map)}, which PyTorch loads as it is; to
 * resume, load both and call {@link Trainer#train(ParamVector, basin.engine.data.Dataset,
 * basin.engine.data.Dataset, basin.engine.data.Dataset, Trainer.Listener, Trainer.State)}.
 */
public final class TrainingCheckpoint {
    /** Metadata key: the number of epochs finished. */
    public static final String EPOCHS_DONE = "epochs_done";
    /** Metadata key: SGD's step count. */
    public static final String SGD_STEPS = "sgd_steps";
    /** Metadata key: the Dropout layers' pass counts, comma-separated, in model order. */
    public static final String DROPOUT_PASSES = "dropout_passes";
    /** Metadata key: {@code stored} when the momentum buffer tensors are in the file, {@code none} when b is null. */
    public static final String MOMENTUM_BUFFER = "momentum_buffer";
    /** The prefix of the momentum buffer's tensor names, torch.optim.SGD's state key. */
    public static final String MOMENTUM_PREFIX = "momentum_buffer.";

    private static final Set<String> RESERVED = Set.of(EPOCHS_DONE, SGD_STEPS, DROPOUT_PASSES, MOMENTUM_BUFFER);

    private TrainingCheckpoint() {
    }

    /**
     * Writes {@code state} for {@code model} to {@code stateFile}, atomically (temp file, then rename,
     * as {@link Safetensors#write} does), so a crash mid-write leaves the previous file whole.
     *
     * @param metadata the caller's strings (run name, config); null for none
     * @throws IllegalArgumentException if the momentum buffer is not the model's size, or the
     *                                  caller's metadata uses one of the keys above
     */
    public static void save(Path stateFile, Sequential model, Trainer.State state, Map<String, String> metadata) throws IOException {
        ParamLayout layout = model.layout();
        ParamVector velocity = state.velocity();
        if (velocity != null && velocity.dim() != layout.size()) {
            throw new IllegalArgumentException("save " + stateFile + ": the momentum buffer has " + velocity.dim()
                    + " entries, the model " + layout.size() + " parameters");
        }
        Map<String, String> all = new LinkedHashMap<>();
        if (metadata != null) {
            for (String key : metadata.keySet()) {
                if (RESERVED.contains(key)) {
                    throw new IllegalArgumentException("save " + stateFile + ": metadata key " + key + " is the training state's own");
                }
            }
            all.putAll(metadata);
        }
        all.put(EPOCHS_DONE, Integer.toString(state.epochsDone()));
        all.put(SGD_STEPS, Long.toString(state.sgdSteps()));
        all.put(DROPOUT_PASSES, join(state.dropoutPasses()));
        all.put(MOMENTUM_BUFFER, velocity == null ? "none" : "stored");
        List<HostTensor> tensors = new ArrayList<>();
        if (velocity != null) {
            float[] host = velocity.toHost();
            for (ParamLayout.Entry e : layout.entries()) {
                float[] data = new float[e.size()];
                System.arraycopy(host, e.offset(), data, 0, e.size());
                tensors.add(new HostTensor(MOMENTUM_PREFIX + e.name(), e.shape().dims(), data));
            }
        }
        Safetensors.write(stateFile, tensors, all);
    }

    /**
     * Reads a state written by {@link #save} for {@code model}, the momentum buffer onto {@code backend}.
     *
     * @throws SafetensorsFormatException  when the file is not safetensors, or a metadata entry of
     *                                     the state is missing or not a count (naming the key)
     * @throws CheckpointMismatchException when a momentum tensor is missing, extra or misshapen
     *                                     (naming each), or the pass counts are for another number
     *                                     of Dropout layers than the model has
     */
    public static Trainer.State load(Path stateFile, Sequential model, Backend backend) throws IOException {
        Map<String, String> metadata = Safetensors.read(stateFile).metadata();
        int epochsDone = (int) count(stateFile, metadata, EPOCHS_DONE, Integer.MAX_VALUE);
        long sgdSteps = count(stateFile, metadata, SGD_STEPS, Long.MAX_VALUE);
        long[] passes = passes(stateFile, metadata);
        boolean stored = momentumStored(stateFile, metadata);
        int dropouts = Trainer.dropoutsOf(model).size();
        if (passes.length != dropouts) {
            throw new CheckpointMismatchException(stateFile, List.of(DROPOUT_PASSES + ": the file has pass counts for "
                    + passes.length + " dropout layers, the model has " + dropouts));
        }
        ParamLayout layout = model.layout();
        Map<String, int[]> expected = new LinkedHashMap<>();
        if (stored) {
            for (ParamLayout.Entry e : layout.entries()) expected.put(MOMENTUM_PREFIX + e.name(), e.shape().dims());
        }
        // The metadata decides which tensors to expect, so the file is read a second time for the
        // strict name-and-shape check; a state file is θ-sized and read once per resume.
        SafetensorsContents contents = Checkpoint.load(stateFile, expected);
        ParamVector velocity = null;
        if (stored) {
            float[] b = new float[layout.size()];
            for (ParamLayout.Entry e : layout.entries()) {
                HostTensor t = contents.tensors().get(MOMENTUM_PREFIX + e.name());
                if (t == null) {
                    throw new CheckpointMismatchException(stateFile, List.of(MOMENTUM_PREFIX + e.name() + ": stored as I64, expected a float tensor"));
                }
                System.arraycopy(t.data(), 0, b, e.offset(), e.size());
            }
            velocity = ParamVector.fromHost(backend, layout, b);
        }
        return new Trainer.State(epochsDone, velocity, sgdSteps, passes);
    }

    private static String join(long[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) b.append(i == 0 ? "" : ",").append(values[i]);
        return b.toString();
    }

    private static String required(Path file, Map<String, String> metadata, String key) throws SafetensorsFormatException {
        String value = metadata.get(key);
        if (value == null) {
            throw new SafetensorsFormatException(file, "training state: the metadata has no " + key
                    + " (is this a weights file rather than one written by TrainingCheckpoint.save?)");
        }
        return value;
    }

    private static long count(Path file, Map<String, String> metadata, String key, long max) throws SafetensorsFormatException {
        String value = required(file, metadata, key);
        return parseCount(file, key, value, value, max);
    }

    private static long parseCount(Path file, String key, String value, String whole, long max) throws SafetensorsFormatException {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0 && n <= max) return n;
        } catch (NumberFormatException notANumber) {
            // reported below, with the key
        }
        throw new SafetensorsFormatException(file, "training state: metadata " + key + " = \"" + whole
                + "\" is not a count in [0, " + max + "]");
    }

    private static long[] passes(Path file, Map<String, String> metadata) throws SafetensorsFormatException {
        String value = required(file, metadata, DROPOUT_PASSES);
        if (value.isBlank()) return new long[0];
        String[] parts = value.split(",", -1);
        long[] passes = new long[parts.length];
        for (int i = 0; i < parts.length; i++) passes[i] = parseCount(file, DROPOUT_PASSES, parts[i], value, Long.MAX_VALUE);
        return passes;
    }

    private static boolean momentumStored(Path file, Map<String, String> metadata) throws SafetensorsFormatException {
        String value = required(file, metadata, MOMENTUM_BUFFER);
        return switch (value) {
            case "stored" -> true;
            case "none" -> false;
            default -> throw new SafetensorsFormatException(file, "training state: metadata " + MOMENTUM_BUFFER + " = \""
                    + value + "\" is neither \"stored\" nor \"none\"");
        };
    }
}
