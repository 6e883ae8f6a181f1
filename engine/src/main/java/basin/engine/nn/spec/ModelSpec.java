package basin.engine.nn.spec;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.engine.nn.Dense;
import basin.engine.nn.Flatten;
import basin.engine.nn.Layer;
import basin.engine.nn.Relu;
import basin.engine.nn.Sequential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A model described in JSON the way {@code torch.nn.Sequential} is written in Python:
 * <pre>
 *   {"input": [1, 28, 28],
 *    "layers": [{"type": "flatten"}, {"type": "linear", "out": 256}, {"type": "relu"}, {"type": "linear", "out": 10}]}
 * </pre>
 * Input sizes are inferred from the previous layer, so a spec states only what PyTorch's constructor
 * would need beyond that. Parameter names follow from the layer indices ({@code 1.weight}, …).
 */
public final class ModelSpec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelSpec() {
    }

    /** Reads and builds a spec file; errors name the file. */
    public static Sequential read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read model spec: " + e.getMessage(), e);
        }
        try {
            return build(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a model from spec text. */
    public static Sequential parse(String json) {
        try {
            return build(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("model spec is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The spec of an MLP, e.g. {@code mlp([1,28,28], 256, 10)} for the 784-256-10 network. */
    public static String mlp(int[] input, int... widths) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode in = root.putArray("input");
        for (int d : input) in.add(d);
        ArrayNode layers = root.putArray("layers");
        layers.addObject().put("type", "flatten");
        for (int i = 0; i < widths.length; i++) {
            layers.addObject().put("type", "linear").put("out", widths[i]);
            if (i < widths.length - 1) layers.addObject().put("type", "relu");
        }
        return root.toPrettyString();
    }

    private static Sequential build(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("model spec must be a JSON object");
        JsonNode input = root.get("input"), layers = root.get("layers");
        if (input == null || !input.isArray() || input.isEmpty()) {
            throw new IllegalArgumentException("model spec needs \"input\": the per-example shape, e.g. [1, 28, 28]");
        }
        if (layers == null || !layers.isArray() || layers.isEmpty()) {
            throw new IllegalArgumentException("model spec needs a non-empty \"layers\" list");
        }
        int[] dims = new int[input.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = positive(input.get(i), "input[" + i + "]");
        Shape shape = Shape.of(dims);
        List<Layer> built = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String type = l.path("type").asText("");
            Layer layer;
            try {
                layer = layer(type, l, shape);
                shape = layer.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + (type.isEmpty() ? "no type" : type) + "): " + e.getMessage(), e);
            }
            built.add(layer);
        }
        return new Sequential(Shape.of(dims), built);
    }

    private static Layer layer(String type, JsonNode l, Shape in) {
        switch (type) {
            case "flatten":
                allowOnly(l, Set.of("type"));
                return new Flatten();
            case "relu":
                allowOnly(l, Set.of("type"));
                return new Relu();
            case "linear": {
                allowOnly(l, Set.of("type", "out"));
                ShapeException.check(in.rank() == 1, "linear expects a flat input, got %s; add {\"type\":\"flatten\"} before it", in);
                return new Dense(in.dim(0), positive(l.get("out"), "out"));
            }
            default:
                throw new IllegalArgumentException("unknown layer type '" + type + "'; known: flatten, linear, relu");
        }
    }

    private static void allowOnly(JsonNode l, Set<String> keys) {
        for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) throw new IllegalArgumentException("unknown field \"" + k + "\" (allowed: " + keys + ")");
        }
    }

    private static int positive(JsonNode n, String what) {
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new IllegalArgumentException(what + " must be a positive integer, got " + n);
        }
        return n.asInt();
    }
}
