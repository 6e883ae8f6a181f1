package basin.experiments.scaleout;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.kernels.Backend;
import basin.kernels.Devices;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A model and the data it is measured on, as text and bytes that travel to another machine: the
 * spec's JSON, the weights file's bytes (θ and BatchNorm's running statistics), and the dataset by
 * name, folder, split and limit, found on the executor by the same {@link DatasetResolver} as on
 * the command's machine (so the data must be there, at that folder or in one of the standard places).
 *
 * @param spec        the model spec, JSON
 * @param weightsName the weights file's name, for messages
 * @param weights     the weights file's bytes (safetensors)
 * @param dataset     mnist, fashion-mnist, cifar10 or mnist-bundled
 * @param folder      the {@code --data} folder, or null for the resolver's places
 * @param split       train or test
 * @param limit       the first N examples, or null for all
 * @param device      auto, cpu or cuda, picked on each executor
 */
public record ModelRecipe(String spec, String weightsName, byte[] weights, String dataset, String folder, Split split,
                          Integer limit, String device) implements Serializable {

    /** The recipe of the files a command was given. */
    public static ModelRecipe of(Path spec, Path weights, String dataset, Path folder, Split split, Integer limit, String device) {
        try {
            return new ModelRecipe(Files.readString(spec), weights.toString(), Files.readAllBytes(weights), dataset,
                    folder == null ? null : folder.toAbsolutePath().normalize().toString(), split, limit, device);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + (Files.exists(spec) ? weights : spec) + ": " + e.getMessage(), e);
        }
    }

    /** A key that is equal for equal recipes: executors keep what they built under it. */
    public String key() {
        CRC32 crc = new CRC32();
        crc.update(spec.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        crc.update(weights);
        return Long.toHexString(crc.getValue()) + "|" + dataset + "|" + folder + "|" + split + "|" + limit + "|" + device;
    }

    /** The backend of {@link #device}, picked on the machine that calls it. */
    public Backend backend() {
        return Devices.select(Devices.Choice.parse(device)).backend();
    }

    /** A new model of the spec. */
    public Sequential model() {
        return ModelSpec.parse(spec);
    }

    /** θ, with the running statistics going into {@code model}. */
    public ParamVector load(Sequential model, Backend backend) {
        Path file = null;
        try {
            // ModelWeights reads files; the bytes came over the network.
            file = Files.createTempFile("basin-weights-", ".safetensors");
            Files.write(file, weights);
            return ModelWeights.load(file, model, backend);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the weights " + weightsName + " on this executor: " + e.getMessage(), e);
        } finally {
            if (file != null) file.toFile().delete();
        }
    }

    /** The dataset's split of this recipe, its first {@link #limit} examples when given, as DataOptions loads it. */
    public Dataset data() {
        return data(split, limit);
    }

    /** Another split of the same dataset, e.g. the training split that BatchNorm statistics are recomputed from. */
    public Dataset data(Split which, Integer first) {
        try {
            Dataset d = DatasetResolver.standard().load(dataset, which, folder == null ? null : Path.of(folder));
            if (first != null) {
                if (first < 1) throw new IllegalArgumentException("--limit must be ≥ 1, got " + first);
                d = d.first(Math.min(first, d.count()));
            }
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load dataset " + dataset + " on this executor: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelRecipe r && r.key().equals(key()) && Arrays.equals(r.weights, weights);
    }

    @Override
    public int hashCode() {
        return key().hashCode();
    }

    @Override
    public String toString() {
        return "model " + weightsName + " on " + dataset + " " + split + (limit != null ? " (first " + limit + ")" : "");
    }
}
