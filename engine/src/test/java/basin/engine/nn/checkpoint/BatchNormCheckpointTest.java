package basin.engine.nn.checkpoint;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.oracle.Compare;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A BatchNorm model's complete state_dict (θ, running statistics, int64 counters) survives a safetensors round trip. */
class BatchNormCheckpointTest {
    private static final String SPEC = "{\"input\":[2,6,6],\"layers\":[{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"padding\":1,\"bias\":false},"
            + "{\"type\":\"batchnorm2d\"},{\"type\":\"relu\"},{\"type\":\"basicblock\",\"out\":6,\"stride\":2},"
            + "{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":5},{\"type\":\"batchnorm1d\",\"momentum\":0.3}]}";

    private final Backend cpu = CpuBackend.get();

    @TempDir
    Path directory;

    @Test
    void parametersRunningStatisticsAndCountersRoundTrip() throws IOException {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential trained = ModelSpec.parse(SPEC);
        ParamVector theta = trained.initialParameters(cpu, rng.nextLong());
        Tensor x = randomBatch(rng, 4);
        for (int step = 0; step < 3; step++) logits(trained, theta, x, Mode.TRAIN);      // running statistics move away from (0, 1)
        Path file = directory.resolve("bn.safetensors");
        ModelWeights.save(file, trained, theta, Map.of("epoch", "3"));

        Sequential fresh = ModelSpec.parse(SPEC);
        ParamVector loaded = ModelWeights.load(file, fresh, cpu);
        assertArrayEquals(theta.toHost(), loaded.toHost(), "seed " + seed);
        for (int i = 0; i < trained.buffers().size(); i++) {
            HostTensor want = trained.buffers().get(i), got = fresh.buffers().get(i);
            assertEquals(want.name(), got.name());
            assertArrayEquals(want.data(), got.data(), "seed " + seed + ": " + want.name());
        }
        for (int i = 0; i < trained.counters().size(); i++) {
            assertEquals(3, fresh.counters().get(i).scalarValue(), fresh.counters().get(i).name());
        }
        assertArrayEquals(logits(trained, theta, x, Mode.EVAL), logits(fresh, loaded, x, Mode.EVAL), "seed " + seed + ": eval logits");

        SafetensorsContents raw = Safetensors.read(file);
        assertEquals(5, raw.int64Tensors().size());                                          // one I64 counter per BatchNorm
        assertEquals(0, raw.int64Tensor("3.downsample.1.num_batches_tracked").shape().length);   // a scalar
        assertTrue(raw.tensors().containsKey("3.downsample.1.running_var"));
        assertArrayEquals(new int[] {4, 2, 3, 3}, raw.tensor("0.weight").shape());
    }

    @Test
    void aCheckpointWithoutBuffersIsRefusedNamingEachMissingOne() throws IOException {
        Sequential model = ModelSpec.parse(SPEC);
        ParamVector theta = model.initialParameters(cpu, 1);
        Path file = directory.resolve("params-only.safetensors");
        ModelWeights.save(file, theta, Map.of());                                           // θ alone, as for a direction vector
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> ModelWeights.load(file, model, cpu));
        assertTrue(e.problems().contains("1.running_mean: missing from the file, model expects [4]"), e.problems().toString());
        assertTrue(e.problems().contains("6.num_batches_tracked: missing from the file, model expects []"), e.problems().toString());
    }

    private Tensor randomBatch(SplittableRandom rng, int n) {
        float[] x = new float[n * 2 * 6 * 6];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        return Tensor.fromHost(cpu, Shape.of(n, 2, 6, 6), x);
    }

    private float[] logits(Sequential m, ParamVector theta, Tensor x, Mode mode) {
        try (Arena arena = cpu.openArena()) {
            return m.forward(x, m.tensors(theta), mode).toHost();
        }
    }
}
