package basin.engine.nn.spec;

import basin.autodiff.Shape;
import basin.engine.linalg.ParamLayout;
import basin.engine.nn.AvgPool2d;
import basin.engine.nn.BasicBlock;
import basin.engine.nn.BatchNorm;
import basin.engine.nn.Conv2d;
import basin.engine.nn.Dropout;
import basin.engine.nn.MaxPool2d;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.HostInt64Tensor;
import basin.engine.nn.checkpoint.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convolutional layer types of the JSON model spec: defaults, names, shapes and errors. */
class ConvSpecTest {

    private static Sequential parse(String input, String... layers) {
        return ModelSpec.parse("{\"input\":" + input + ",\"layers\":[" + String.join(",", layers) + "]}");
    }

    private static List<String> names(Sequential m) {
        return m.layout().entries().stream().map(ParamLayout.Entry::name).collect(Collectors.toList());
    }

    @Test
    void everyNewLayerTypeParsesWithPyTorchDefaults() {
        Sequential m = parse("[3,9,9]",
                "{\"type\":\"conv2d\",\"out\":8,\"kernel\":3}",
                "{\"type\":\"batchnorm2d\"}",
                "{\"type\":\"maxpool2d\",\"kernel\":2}",
                "{\"type\":\"avgpool2d\",\"kernel\":2,\"stride\":1,\"padding\":1}",
                "{\"type\":\"basicblock\",\"out\":16,\"stride\":2}",
                "{\"type\":\"adaptiveavgpool2d\"}",
                "{\"type\":\"flatten\"}",
                "{\"type\":\"dropout\"}",
                "{\"type\":\"linear\",\"out\":6}",
                "{\"type\":\"batchnorm1d\",\"eps\":0.001,\"momentum\":null}");
        Conv2d conv = (Conv2d) m.layers().get(0);
        assertEquals(1, conv.stride());
        assertEquals(0, conv.padding());
        assertTrue(conv.hasBias());
        BatchNorm bn = (BatchNorm) m.layers().get(1);
        assertEquals(1e-5, bn.eps());
        assertEquals(0.1, bn.momentum());
        MaxPool2d pool = (MaxPool2d) m.layers().get(2);
        assertEquals(2, pool.stride());                                      // stride defaults to the kernel
        assertTrue(m.layers().get(3) instanceof AvgPool2d);
        assertTrue(((BasicBlock) m.layers().get(4)).projects());
        assertEquals(0.5, ((Dropout) m.layers().get(7)).p());
        assertEquals(7, ((Dropout) m.layers().get(7)).seed());              // seeded by its index
        BatchNorm bn1d = (BatchNorm) m.layers().get(9);
        assertEquals(1e-3, bn1d.eps());
        assertNull(bn1d.momentum());
        assertEquals(Shape.of(6), m.outputShape());
        // 9×9 → conv 7×7 → pool 3×3 → avgpool(2, 1, 1) 4×4 → block stride 2: 2×2 → global pool
        assertEquals(Shape.of(16, 2, 2), m.layers().get(4).outputShape(Shape.of(8, 4, 4)));
    }

    @Test
    void parametersAndBuffersCarryPyTorchStateDictNamesAndLayouts() {
        Sequential m = parse("[3,8,8]",
                "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"padding\":1,\"bias\":false}",
                "{\"type\":\"batchnorm2d\"}",
                "{\"type\":\"basicblock\",\"out\":8,\"stride\":2}");
        assertEquals(List.of("0.weight", "1.weight", "1.bias",
                "2.conv1.weight", "2.bn1.weight", "2.bn1.bias", "2.conv2.weight", "2.bn2.weight", "2.bn2.bias",
                "2.downsample.0.weight", "2.downsample.1.weight", "2.downsample.1.bias"), names(m));
        assertEquals(Shape.of(4, 3, 3, 3), m.layout().entry("0.weight").shape());              // [out, in, kh, kw]
        assertEquals(Shape.of(8, 4, 3, 3), m.layout().entry("2.conv1.weight").shape());
        assertEquals(Shape.of(8, 4, 1, 1), m.layout().entry("2.downsample.0.weight").shape());
        assertEquals(List.of("1.running_mean", "1.running_var", "2.bn1.running_mean", "2.bn1.running_var",
                        "2.bn2.running_mean", "2.bn2.running_var", "2.downsample.1.running_mean", "2.downsample.1.running_var"),
                m.buffers().stream().map(HostTensor::name).collect(Collectors.toList()));
        assertEquals(List.of("1.num_batches_tracked", "2.bn1.num_batches_tracked", "2.bn2.num_batches_tracked",
                        "2.downsample.1.num_batches_tracked"),
                m.counters().stream().map(HostInt64Tensor::name).collect(Collectors.toList()));
        assertEquals(0, m.counters().get(0).shape().length);                                     // a scalar, as PyTorch stores it
    }

    @Test
    void anIdentityBlockHasNoDownsample() {
        Sequential m = parse("[8,5,5]", "{\"type\":\"basicblock\",\"out\":8}");
        assertFalse(((BasicBlock) m.layers().get(0)).projects());
        assertFalse(names(m).stream().anyMatch(n -> n.contains("downsample")));
    }

    @Test
    void badFieldsAreNamedWithTheLayerAndTheValue() {
        assertError("layer 0 (conv2d): kernel must be a positive integer, got null", "[1,8,8]", "{\"type\":\"conv2d\",\"out\":4}");
        assertError("kernel must be a positive integer, got 3.5", "[1,8,8]", "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3.5}");
        assertError("padding must be a non-negative integer, got -1", "[1,8,8]", "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"padding\":-1}");
        assertError("bias must be true or false, got \"no\"", "[1,8,8]", "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"bias\":\"no\"}");
        assertError("unknown field \"dilation\"", "[1,8,8]", "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"dilation\":2}");
        assertError("kernel 9 does not fit", "[1,8,8]", "{\"type\":\"conv2d\",\"out\":4,\"kernel\":9}");
        assertError("layer 1 (conv2d): conv2d expects an image input [C, H, W], got [64]", "[1,8,8]",
                "{\"type\":\"flatten\"}", "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3}");
        assertError("layer 0 (maxpool2d): maxpool2d: kernel and stride must be positive and padding at most half the kernel", "[1,8,8]",
                "{\"type\":\"maxpool2d\",\"kernel\":2,\"padding\":2}");
        assertError("output must be 1", "[1,8,8]", "{\"type\":\"adaptiveavgpool2d\",\"output\":2}");
        assertError("layer 0 (batchnorm1d): batchnorm1d expects a flat input [C], got [1, 8, 8]", "[1,8,8]", "{\"type\":\"batchnorm1d\"}");
        assertError("eps must be a positive number, got 0", "[1,8,8]", "{\"type\":\"batchnorm2d\",\"eps\":0}");
        assertError("momentum must be a number in [0, 1] or null, got \"fast\"", "[1,8,8]", "{\"type\":\"batchnorm2d\",\"momentum\":\"fast\"}");
        assertError("p must be a number in [0, 1], got 1.5", "[4]", "{\"type\":\"dropout\",\"p\":1.5}");
        assertError("seed must be an integer, got \"x\"", "[4]", "{\"type\":\"dropout\",\"seed\":\"x\"}");
        assertError("layer 0 (basicblock): out must be a positive integer, got null", "[4,8,8]", "{\"type\":\"basicblock\",\"stride\":2}");
        assertError("unknown layer type 'conv'; known: flatten, relu, linear, conv2d", "[1,8,8]", "{\"type\":\"conv\"}");
    }

    private static void assertError(String expected, String input, String... layers) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(input, layers));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
