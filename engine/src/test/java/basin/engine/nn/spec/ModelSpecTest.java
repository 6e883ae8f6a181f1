package basin.engine.nn.spec;

import basin.autodiff.Shape;
import basin.engine.linalg.ParamLayout;
import basin.engine.nn.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTest {

    @Test
    void namesParametersAsPyTorchSequentialStateDictDoes() {
        Sequential m = ModelSpec.parse("{\"input\":[1,28,28],\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":256},"
                + "{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":10}]}");
        List<String> names = m.layout().entries().stream().map(ParamLayout.Entry::name).collect(Collectors.toList());
        assertEquals(List.of("1.weight", "1.bias", "3.weight", "3.bias"), names);
        assertEquals(Shape.of(256, 784), m.layout().entry("1.weight").shape());       // Linear.weight is [out, in]
        assertEquals(Shape.of(10), m.outputShape());
        assertEquals(784 * 256 + 256 + 256 * 10 + 10, m.layout().size());
    }

    @Test
    void mlpHelperWritesASpecThatParsesBack() {
        Sequential m = ModelSpec.parse(ModelSpec.mlp(new int[] {1, 28, 28}, 256, 128, 10));
        assertEquals(Shape.of(128, 256), m.layout().entry("3.weight").shape());
    }

    @Test
    void linearWithoutFlattenIsRejectedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.parse("{\"input\":[1,28,28],\"layers\":[{\"type\":\"linear\",\"out\":10}]}"));
        assertTrue(e.getMessage().contains("layer 0 (linear)") && e.getMessage().contains("flatten"), e.getMessage());
    }

    @Test
    void unknownLayerTypesAndFieldsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.parse("{\"input\":[4],\"layers\":[{\"type\":\"tanh\"}]}"));
        assertTrue(e.getMessage().contains("tanh"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.parse("{\"input\":[4],\"layers\":[{\"type\":\"linear\",\"out\":3,\"outs\":2}]}"));
        assertTrue(e.getMessage().contains("outs"), e.getMessage());
    }
}
