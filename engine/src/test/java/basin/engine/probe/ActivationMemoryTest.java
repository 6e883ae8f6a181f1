package basin.engine.probe;

import basin.autodiff.Shape;
import basin.engine.nn.BasicBlock;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tape's activations counted by hand, and the guard refusing a posed heap that cannot hold an HVP while passing one that can. */
class ActivationMemoryTest {

    @Test
    void anMlpLeavesItsInputAndEveryLayersOutputOnTheTape() {
        // 784-256-10: input 784, Flatten 784, Linear 256, ReLU 256, Linear 10.
        Sequential mlp = ModelSpec.parse(ModelSpec.mlp(new int[] {1, 28, 28}, 256, 10));
        assertEquals(784 + 784 + 256 + 256 + 10, ActivationMemory.floatsPerExample(mlp));
        assertEquals((long) Math.ceil(ActivationMemory.HVP_FACTOR * 4 * 2090 * 128), ActivationMemory.hvpBytes(mlp, 128));
    }

    @Test
    void aBasicBlockCountsEveryTensorOfBothPathsAndTheSum() {
        // 16 → 32 channels, stride 2 on 16×8×8: conv1, bn1, relu, conv2, bn2 and the projection's conv and bn
        // are [32, 4, 4] each (512 floats), then the sum and its ReLU: 9 × 512.
        BasicBlock block = BasicBlock.of(16, 32, 2);
        assertEquals(9 * 512, block.activationFloats(Shape.of(16, 8, 8)));
        // Without a projection (16 → 16, stride 1, [16, 8, 8] = 1024 floats): five sub-layers, the sum and the ReLU.
        assertEquals(7 * 1024, BasicBlock.of(16, 16, 1).activationFloats(Shape.of(16, 8, 8)));
    }

    @Test
    void theSimpleResNetsHvpAtBatch64IsRefusedInAFourGigabyteHeapNamingTheModelTheBatchAndTheFlag() {
        // About 100 MiB per example measured, 116 MiB estimated: 64 examples need over 7 GiB.
        Sequential resnet = StudyModels.model("simple-resnet");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ActivationMemory.requireHvp(resnet, "simple-resnet.json", 64, "--batch", 4L << 30, 200L << 20));
        for (String part : List.of("HVP of simple-resnet.json at batch 64", "of the 4.0 GiB maximum heap", "lower --batch")) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    void theSameModelAtBatch4FitsTheSameHeap() {
        // Measured: about 100 MiB per example (benchmarks/RESULTS.md), so 4 examples need well under 4 GiB.
        assertDoesNotThrow(() -> ActivationMemory.requireHvp(StudyModels.model("simple-resnet"), "simple-resnet.json", 4, "--batch",
                4L << 30, 200L << 20));
    }
}
