package basin.engine.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A host tensor's shape always accounts for exactly its data. */
class HostTensorTest {

    @Test
    void dataThatDisagreesWithTheShapeIsRefusedNamingBoth() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new HostTensor("1.weight", new int[] {2, 3}, new float[5]));

        assertEquals("HostTensor 1.weight: shape [2, 3] holds 6 elements but the data has 5", error.getMessage());
    }

    @Test
    void aNegativeDimensionIsRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new HostTensor("w", new int[] {-2, -3}, new float[6]));

        assertTrue(error.getMessage().contains("negative dimension"), error::getMessage);
    }

    @Test
    void aShapeWhoseProductWrapsAroundIsRefused() {
        // 65536 × 65536 is 2^32, which an int product would wrap to 0.
        assertThrows(IllegalArgumentException.class, () -> new HostTensor("w", new int[] {65536, 65536}, new float[0]));
    }

    @Test
    void changingTheCallersShapeArrayDoesNotChangeTheTensor() {
        int[] shape = {2, 3};
        HostTensor tensor = new HostTensor("w", shape, new float[6]);

        shape[0] = 3;
        tensor.shape()[1] = 1;

        assertArrayEquals(new int[] {2, 3}, tensor.shape());
    }

    @Test
    void aScalarHasAnEmptyShapeAndOneElement() {
        HostInt64Tensor count = HostInt64Tensor.scalar("0.num_batches_tracked", 42);

        assertArrayEquals(new int[0], count.shape());
        assertEquals(42, count.scalarValue());
        assertEquals("0.num_batches_tracked I64 []", count.toString());
    }

    @Test
    void tensorsWithEqualContentsAreEqual() {
        assertEquals(new HostTensor("w", new int[] {2}, new float[] {1, 2}),
                new HostTensor("w", new int[] {2}, new float[] {1, 2}));
    }
}
