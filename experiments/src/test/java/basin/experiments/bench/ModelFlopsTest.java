package basin.experiments.bench;

import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-layer products counted by hand from the layer shapes, against {@link ModelFlops}. */
class ModelFlopsTest {

    @Test
    void theMlpsFirstLayerIsOnTheDataAndNeedsNoInputGradient() {
        ModelFlops f = ModelFlops.of(ModelSpec.parse(ModelSpec.mlp(new int[] {784}, 256, 10)));
        double first = 2.0 * 784 * 256, second = 2.0 * 256 * 10;
        assertEquals(first + second, f.forward());
        assertEquals(first, f.onData());
        assertEquals(1024 * (2 * first + 3 * second), f.perCall(Operation.GRAD, 1024));
        assertEquals(1024 * (4 * first + 9 * second), f.perCall(Operation.HVP, 1024));
    }

    @Test
    void convolutionsCountTheirOutputPixels() {
        // noise-regimes CNN: 5×5 convs with padding 2 keep 28×28, then 14×14 after the pool.
        double conv1 = 2.0 * 16 * 1 * 25 * 28 * 28, conv2 = 2.0 * 32 * 16 * 25 * 14 * 14;
        double fc1 = 2.0 * 1568 * 128, fc2 = 2.0 * 128 * 10;
        ModelFlops f = ModelFlops.of(ModelSpec.parse(StudyModels.noiseRegimesCnn()));
        assertEquals(conv1 + conv2 + fc1 + fc2, f.forward());
        assertEquals(conv1, f.onData());
    }

    @Test
    void aBasicBlockCountsBothConvolutionsAndItsProjection() {
        String spec = "{\"input\":[8,6,6],\"layers\":[{\"type\":\"conv2d\",\"out\":8,\"kernel\":3,\"padding\":1},"
                + "{\"type\":\"basicblock\",\"out\":16,\"stride\":2}]}";
        double stem = 2.0 * 8 * 8 * 9 * 6 * 6;
        // stride 2 on 6×6 gives 3×3: conv1 8→16 3×3, conv2 16→16 3×3, projection 8→16 1×1.
        double block = 2.0 * 16 * 8 * 9 * 9 + 2.0 * 16 * 16 * 9 * 9 + 2.0 * 16 * 8 * 9;
        ModelFlops f = ModelFlops.of(ModelSpec.parse(spec));
        assertEquals(stem + block, f.forward());
        assertEquals(stem, f.onData());
    }
}
