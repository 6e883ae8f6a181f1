package basin.engine.probe.landscape;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.checkpoint.Checkpoint;
import basin.engine.nn.checkpoint.CheckpointMismatchException;
import basin.engine.nn.checkpoint.HostTensor;
import basin.engine.nn.checkpoint.Safetensors;
import basin.engine.nn.checkpoint.SafetensorsContents;
import basin.kernels.Backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directions d₁ … d_K of a slice or a sharpness probe as one safetensors file, as loss-landscape
 * keeps its directions in a file, so a slice can be redrawn, extended, or checked in another tool.
 * Direction k's tensor for parameter {@code name} is called
 * <pre>
 *   d&lt;k&gt;.&lt;name&gt;     e.g.  d1.1.weight [256, 784],  d2.3.bias [10]
 * </pre>
 * with the parameter's {@code state_dict} name and shape, so
 * {@code {k[3:]: v for k, v in load_file(f).items() if k.startswith("d1.")}} is a state_dict-shaped
 * direction in PyTorch.
 */
public final class DirectionFile {
    private static final Pattern PREFIX = Pattern.compile("d([1-9][0-9]*)\\.(.+)");

    private DirectionFile() {
    }

    /** Writes d₁ … d_K (all on one layout) atomically, under {@code d<k>.<name>}. */
    public static void save(Path file, List<ParamVector> directions, Map<String, String> metadata) throws IOException {
        if (directions.isEmpty()) throw new IllegalArgumentException("directions " + file + ": nothing to write");
        List<HostTensor> tensors = new ArrayList<>();
        for (int k = 0; k < directions.size(); k++) {
            ParamVector d = directions.get(k);
            Directions.requireSameLayout(directions.get(0).layout(), d.layout(), "direction d1", "direction d" + (k + 1));
            float[] host = d.toHost();
            for (ParamLayout.Entry e : d.layout().entries()) {
                float[] data = new float[e.size()];
                System.arraycopy(host, e.offset(), data, 0, e.size());
                tensors.add(new HostTensor("d" + (k + 1) + "." + e.name(), e.shape().dims(), data));
            }
        }
        Safetensors.write(file, tensors, metadata);
    }

    /** K, the number of directions a file holds: the largest k of its {@code d<k>.} tensors. */
    public static int count(Path file) throws IOException {
        TreeSet<Integer> ks = new TreeSet<>();
        for (String name : Safetensors.read(file).tensors().keySet()) {
            Matcher m = PREFIX.matcher(name);
            if (m.matches()) ks.add(Integer.parseInt(m.group(1)));
        }
        if (ks.isEmpty()) throw new IllegalArgumentException("directions " + file + ": no tensor named d<k>.<parameter> (e.g. d1.1.weight)");
        return ks.last();
    }

    /**
     * Reads d₁ … d_K for {@code layout}. Every tensor {@code d<k>.<name>} must be there with the
     * parameter's shape, nothing else may be, and no entry may be NaN or ±∞; the error names the file
     * and every tensor at fault.
     */
    public static List<ParamVector> load(Path file, ParamLayout layout, int count, Backend backend) throws IOException {
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (int k = 1; k <= count; k++) {
            for (ParamLayout.Entry e : layout.entries()) expected.put("d" + k + "." + e.name(), e.shape().dims());
        }
        SafetensorsContents contents;
        try {
            contents = Checkpoint.load(file, expected);
        } catch (CheckpointMismatchException e) {
            throw new IllegalArgumentException("directions " + file + " do not fit the model's parameters (" + count + " direction"
                    + (count == 1 ? "" : "s") + " expected):\n  " + String.join("\n  ", e.problems()), e);
        }
        List<ParamVector> directions = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            float[] d = new float[layout.size()];
            for (ParamLayout.Entry e : layout.entries()) {
                HostTensor t = contents.tensor("d" + k + "." + e.name());
                for (float x : t.data()) {
                    if (!Float.isFinite(x)) throw new IllegalArgumentException("directions " + file + ": tensor " + t.name() + " holds " + x);
                }
                System.arraycopy(t.data(), 0, d, e.offset(), e.size());
            }
            directions.add(ParamVector.fromHost(backend, layout, d));
        }
        return directions;
    }
}
