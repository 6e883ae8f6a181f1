package basin.engine.nn.spec;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.engine.nn.AvgPool2d;
import basin.engine.nn.BasicBlock;
import basin.engine.nn.BatchNorm;
import basin.engine.nn.Conv2d;
import basin.engine.nn.Dense;
import basin.engine.nn.Dropout;
import basin.engine.nn.Flatten;
import basin.engine.nn.GlobalAvgPool2d;
import basin.engine.nn.Layer;
import basin.engine.nn.MaxPool2d;
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
 * would need beyond that, and omitted fields take PyTorch's defaults. Parameter names follow from
 * the layer indices ({@code 1.weight}, …). The layer types and their fields:
 * <pre>
 *   flatten, relu
 *   linear              out
 *   conv2d              out, kernel, stride 1, padding 0, bias true      weight [out, in, k, k]
 *   maxpool2d           kernel, stride = kernel, padding 0
 *   avgpool2d           kernel, stride = kernel, padding 0               padded zeros counted
 *   adaptiveavgpool2d   output 1                                         global average pooling
 *   batchnorm1d/2d      eps 1e-5, momentum 0.1 (null: cumulative)        buffers running_mean, running_var, num_batches_tracked
 *   dropout             p 0.5, seed = the layer's index                  masks only in TRAIN mode
 *   basicblock          out, stride 1, eps, momentum                     torchvision's BasicBlock, 1×1 projection when needed
 * </pre>
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
                layer = layer(type, l, shape, i);
                shape = layer.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + (type.isEmpty() ? "no type" : type) + "): " + e.getMessage(), e);
            }
            built.add(layer);
        }
        return new Sequential(Shape.of(dims), built);
    }

    private static final String KNOWN = "flatten, relu, linear, conv2d, maxpool2d, avgpool2d, adaptiveavgpool2d, "
            + "batchnorm1d, batchnorm2d, dropout, basicblock";

    private static Layer layer(String type, JsonNode l, Shape in, int index) {
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
            case "conv2d": {
                allowOnly(l, Set.of("type", "out", "kernel", "stride", "padding", "bias"));
                requireImage(type, in);
                return new Conv2d(in.dim(0), positive(l.get("out"), "out"), positive(l.get("kernel"), "kernel"),
                        positive(l, "stride", 1), nonNegative(l, "padding", 0), bool(l, "bias", true));
            }
            case "maxpool2d":
            case "avgpool2d": {
                allowOnly(l, Set.of("type", "kernel", "stride", "padding"));
                requireImage(type, in);
                int kernel = positive(l.get("kernel"), "kernel");
                int stride = positive(l, "stride", kernel), padding = nonNegative(l, "padding", 0);
                return type.equals("maxpool2d") ? new MaxPool2d(kernel, stride, padding) : new AvgPool2d(kernel, stride, padding);
            }
            case "adaptiveavgpool2d": {
                allowOnly(l, Set.of("type", "output"));
                requireImage(type, in);
                if (positive(l, "output", 1) != 1) {
                    throw new IllegalArgumentException("output must be 1 (global average pooling), got " + l.get("output"));
                }
                return new GlobalAvgPool2d();
            }
            case "batchnorm1d":
            case "batchnorm2d": {
                allowOnly(l, Set.of("type", "eps", "momentum"));
                boolean spatial = type.equals("batchnorm2d");
                if (spatial) requireImage(type, in);
                else ShapeException.check(in.rank() == 1, "batchnorm1d expects a flat input [C], got %s", in);
                requireRunningStatisticsFit(in.dim(0), 1);
                return new BatchNorm(in.dim(0), spatial, eps(l), momentum(l));
            }
            case "dropout": {
                allowOnly(l, Set.of("type", "p", "seed"));
                JsonNode p = l.get("p"), seed = l.get("seed");
                if (p != null && (!p.isNumber() || !(p.asDouble() >= 0 && p.asDouble() <= 1))) {
                    throw new IllegalArgumentException("p must be a number in [0, 1], got " + p);
                }
                if (seed != null && !seed.isIntegralNumber()) throw new IllegalArgumentException("seed must be an integer, got " + seed);
                return new Dropout(p == null ? 0.5 : p.asDouble(), seed == null ? index : seed.asLong());
            }
            case "basicblock": {
                allowOnly(l, Set.of("type", "out", "stride", "eps", "momentum"));
                requireImage(type, in);
                int out = positive(l.get("out"), "out");
                requireRunningStatisticsFit(out, 3);                // two BatchNorms, and a third in the projection
                return new BasicBlock(in.dim(0), out, positive(l, "stride", 1), eps(l), momentum(l));
            }
            default:
                throw new IllegalArgumentException("unknown layer type '" + type + "'; known: " + KNOWN);
        }
    }

    /**
     * A BatchNorm allocates its running mean and variance (2·C floats) as it is built, so a spec
     * asking for billions of channels must be refused before that allocation, not by an
     * OutOfMemoryError (found by ModelSpecFuzzTest).
     */
    private static void requireRunningStatisticsFit(long channels, int batchNorms) {
        long bytes = 8L * channels * batchNorms;
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (bytes > free) {
            throw new IllegalArgumentException(batchNorms + " BatchNorm over " + channels + " channels keep " + bytes
                    + " bytes of running statistics, more than the " + free + " bytes of heap free");
        }
    }

    private static void requireImage(String type, Shape in) {
        ShapeException.check(in.rank() == 3, "%s expects an image input [C, H, W], got %s", type, in);
    }

    /** An optional positive integer field, {@code fallback} when absent. */
    private static int positive(JsonNode l, String field, int fallback) {
        return l.has(field) ? positive(l.get(field), field) : fallback;
    }

    private static int nonNegative(JsonNode l, String field, int fallback) {
        JsonNode n = l.get(field);
        if (n == null) return fallback;
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
            throw new IllegalArgumentException(field + " must be a non-negative integer, got " + n);
        }
        return n.asInt();
    }

    private static boolean bool(JsonNode l, String field, boolean fallback) {
        JsonNode n = l.get(field);
        if (n == null) return fallback;
        if (!n.isBoolean()) throw new IllegalArgumentException(field + " must be true or false, got " + n);
        return n.asBoolean();
    }

    /** BatchNorm's eps: a positive number, PyTorch's 1e-5 when absent. */
    private static double eps(JsonNode l) {
        JsonNode n = l.get("eps");
        if (n == null) return 1e-5;
        if (!n.isNumber() || !(n.asDouble() > 0)) throw new IllegalArgumentException("eps must be a positive number, got " + n);
        return n.asDouble();
    }

    /** BatchNorm's momentum: a number in [0, 1], null for a cumulative average, PyTorch's 0.1 when absent. */
    private static Double momentum(JsonNode l) {
        JsonNode n = l.get("momentum");
        if (n == null) return 0.1;
        if (n.isNull()) return null;
        if (!n.isNumber() || !(n.asDouble() >= 0 && n.asDouble() <= 1)) {
            throw new IllegalArgumentException("momentum must be a number in [0, 1] or null, got " + n);
        }
        return n.asDouble();
    }

    private static void allowOnly(JsonNode l, Set<String> keys) {
        for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) throw new IllegalArgumentException("unknown field \"" + k + "\" (allowed: " + keys + ")");
        }
    }

    private static int positive(JsonNode n, String what) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new IllegalArgumentException(what + " must be a positive integer, got " + n);
        }
        return n.asInt();
    }
}
