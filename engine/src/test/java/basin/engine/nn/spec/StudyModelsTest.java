package basin.engine.nn.spec;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Sequential;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study models: parameter counts worked out by hand from the architectures (so a wrong width,
 * a missing bias or a missing projection shows), ten logits, and finite outputs on a forward pass.
 */
class StudyModelsTest {
    private final Backend cpu = CpuBackend.get();

    private static int conv(int in, int out, int k, boolean bias) {
        return out * in * k * k + (bias ? out : 0);
    }

    private static int linear(int in, int out) {
        return out * in + out;
    }

    private static int block(int in, int out) {
        int p = conv(in, out, 3, false) + 2 * out + conv(out, out, 3, false) + 2 * out;
        return in != out ? p + conv(in, out, 1, false) + 2 * out : p;
    }

    @Test
    void parameterCountsMatchTheArchitectures() {
        assertEquals(conv(1, 32, 3, true) + 64 + conv(32, 64, 3, true) + 128 + linear(64 * 7 * 7, 128) + linear(128, 10),
                StudyModels.model("mlp-vs-cnn-cnn").layout().size());
        assertEquals(conv(1, 16, 5, true) + conv(16, 32, 5, true) + linear(32 * 7 * 7, 128) + linear(128, 10),
                StudyModels.model("noise-regimes-cnn").layout().size());
        assertEquals(conv(3, 64, 3, true) + conv(64, 128, 3, true) + conv(128, 256, 3, true) + linear(256 * 4 * 4, 256) + linear(256, 10),
                StudyModels.model("vanilla-cnn").layout().size());
        assertEquals(conv(3, 64, 3, false) + 128 + 2 * block(64, 64) + block(64, 128) + block(128, 128)
                        + block(128, 256) + block(256, 256) + linear(256, 10),
                StudyModels.model("simple-resnet").layout().size());
        int resnet20 = conv(3, 16, 3, false) + 32 + 3 * block(16, 16) + block(16, 32) + 2 * block(32, 32)
                + block(32, 64) + 2 * block(64, 64) + linear(64, 10);
        assertEquals(resnet20, StudyModels.model("resnet20").layout().size());
        assertEquals(272_474, resnet20);
    }

    @Test
    void everyStudyModelGivesTenFiniteLogitsPerExample() {
        for (String name : StudyModels.all().keySet()) {
            Sequential m = StudyModels.model(name);
            assertEquals(Shape.of(10), m.outputShape(), name);
            ParamVector theta = m.initialParameters(cpu, 3);
            int[] dims = m.inputShape().dims();
            float[] x = new float[2 * m.inputShape().size()];
            for (int i = 0; i < x.length; i++) x[i] = (i % 17) / 17f;
            try (Arena arena = cpu.openArena()) {
                Tensor batch = Tensor.fromHost(cpu, Shape.of(2, dims[0], dims[1], dims[2]), x);
                for (Mode mode : Mode.values()) {
                    float[] logits = m.forward(batch, m.tensors(theta), mode).toHost();
                    assertEquals(20, logits.length, name);
                    for (float z : logits) assertTrue(Float.isFinite(z), name + " in " + mode + ": logit " + z);
                }
            }
        }
    }
}
