package basin.engine.nn.spec;

import basin.engine.nn.Sequential;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The convolutional models of the studies, written as {@link ModelSpec} JSON (so every one of them
 * is a spec file a user can read, change and pass to {@code --model}). Where a study's report
 * leaves a width or a kernel open, the choice is written here and in the spec itself.
 */
public final class StudyModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StudyModels() {
    }

    /**
     * {@code mlp-vs-cnn} model B, for 28×28 Fashion-MNIST: Conv(1→32, 3×3, pad 1) + BN + ReLU +
     * MaxPool 2, Conv(32→64, 3×3, pad 1) + BN + ReLU + MaxPool 2, Dropout 0.25, then the FC block
     * Linear(3136→128) + ReLU + Dropout 0.5 + Linear(128→10). 421,834 parameters.
     */
    public static String mlpVsCnnCnn() {
        Spec s = new Spec(1, 28, 28);
        s.conv(32, 3, 1, 1).batchNorm2d().relu().maxPool(2);
        s.conv(64, 3, 1, 1).batchNorm2d().relu().maxPool(2);
        s.dropout(0.25).flatten().linear(128).relu().dropout(0.5).linear(10);
        return s.json();
    }

    /**
     * {@code noise-regimes}' 2-conv CNN for MNIST, sized to be comparable with its 2-hidden-layer MLP
     * (784-256-128-10, 235,146 parameters): Conv(1→16, 5×5, pad 2) + ReLU + MaxPool 2,
     * Conv(16→32, 5×5, pad 2) + ReLU + MaxPool 2, Linear(1568→128) + ReLU + Linear(128→10);
     * 215,370 parameters.
     */
    public static String noiseRegimesCnn() {
        Spec s = new Spec(1, 28, 28);
        s.conv(16, 5, 1, 2).relu().maxPool(2);
        s.conv(32, 5, 1, 2).relu().maxPool(2);
        s.flatten().linear(128).relu().linear(10);
        return s.json();
    }

    /**
     * {@code cnn-vs-resnet}'s vanilla CNN for 32×32×3 CIFAR-10: three Conv(3×3, pad 1) + ReLU +
     * MaxPool 2 stages of 64, 128 and 256 channels, then two fully connected layers,
     * Linear(4096→256) + ReLU + Linear(256→10). No BatchNorm: the contrast with the ResNet.
     */
    public static String vanillaCnn() {
        Spec s = new Spec(3, 32, 32);
        for (int width : new int[] {64, 128, 256}) s.conv(width, 3, 1, 1).relu().maxPool(2);
        s.flatten().linear(256).relu().linear(10);
        return s.json();
    }

    /**
     * {@code cnn-vs-resnet}'s SimpleResNet for CIFAR-10, six residual blocks with BatchNorm and the
     * vanilla CNN's widths: Conv(3→64, 3×3, pad 1, no bias) + BN + ReLU, BasicBlocks 64, 64,
     * 128 (stride 2), 128, 256 (stride 2), 256, global average pooling, Linear(256→10).
     */
    public static String simpleResNet() {
        Spec s = new Spec(3, 32, 32);
        s.convNoBias(64, 3, 1, 1).batchNorm2d().relu();
        s.block(64, 1).block(64, 1).block(128, 2).block(128, 1).block(256, 2).block(256, 1);
        s.globalAvgPool().flatten().linear(10);
        return s.json();
    }

    /**
     * ResNet-20 for 32×32×3 inputs (He et al. 2016, §4.2): Conv(3→16, 3×3) + BN + ReLU, three
     * stages of three BasicBlocks with 16, 32 and 64 channels (the first block of stages 2 and 3
     * has stride 2), global average pooling, Linear(64→10). Shortcuts that change shape use the 1×1
     * projection with BatchNorm (option B, as torchvision); the paper's CIFAR nets used zero-padding
     * (option A). 272,474 parameters.
     */
    public static String resnet20() {
        Spec s = new Spec(3, 32, 32);
        s.convNoBias(16, 3, 1, 1).batchNorm2d().relu();
        int[] widths = {16, 32, 64};
        for (int stage = 0; stage < 3; stage++) {
            for (int b = 0; b < 3; b++) s.block(widths[stage], stage > 0 && b == 0 ? 2 : 1);
        }
        s.globalAvgPool().flatten().linear(10);
        return s.json();
    }

    /** Every study model by name: {@code mlp-vs-cnn-cnn}, {@code noise-regimes-cnn}, {@code vanilla-cnn}, {@code simple-resnet}, {@code resnet20}. */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mlp-vs-cnn-cnn", mlpVsCnnCnn());
        m.put("noise-regimes-cnn", noiseRegimesCnn());
        m.put("vanilla-cnn", vanillaCnn());
        m.put("simple-resnet", simpleResNet());
        m.put("resnet20", resnet20());
        return m;
    }

    /** The model called {@code name} (see {@link #all()}), built from its spec. */
    public static Sequential model(String name) {
        String spec = all().get(name);
        if (spec == null) throw new IllegalArgumentException("no study model '" + name + "'; known: " + all().keySet());
        return ModelSpec.parse(spec);
    }

    /** A spec under construction: the layers list of {@code {"input": [...], "layers": [...]}}. */
    private static final class Spec {
        private final ObjectNode root = JSON.createObjectNode();
        private final ArrayNode layers;

        Spec(int... input) {
            ArrayNode in = root.putArray("input");
            for (int d : input) in.add(d);
            layers = root.putArray("layers");
        }

        Spec conv(int out, int kernel, int stride, int padding) {
            layers.addObject().put("type", "conv2d").put("out", out).put("kernel", kernel).put("stride", stride).put("padding", padding);
            return this;
        }

        Spec convNoBias(int out, int kernel, int stride, int padding) {
            conv(out, kernel, stride, padding);
            ((ObjectNode) layers.get(layers.size() - 1)).put("bias", false);
            return this;
        }

        Spec batchNorm2d() {
            layers.addObject().put("type", "batchnorm2d");
            return this;
        }

        Spec relu() {
            layers.addObject().put("type", "relu");
            return this;
        }

        Spec maxPool(int kernel) {
            layers.addObject().put("type", "maxpool2d").put("kernel", kernel);
            return this;
        }

        Spec dropout(double p) {
            layers.addObject().put("type", "dropout").put("p", p);
            return this;
        }

        Spec flatten() {
            layers.addObject().put("type", "flatten");
            return this;
        }

        Spec linear(int out) {
            layers.addObject().put("type", "linear").put("out", out);
            return this;
        }

        Spec block(int out, int stride) {
            layers.addObject().put("type", "basicblock").put("out", out).put("stride", stride);
            return this;
        }

        Spec globalAvgPool() {
            layers.addObject().put("type", "adaptiveavgpool2d");
            return this;
        }

        String json() {
            return root.toPrettyString();
        }
    }
}
