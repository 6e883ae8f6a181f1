package basin.kernels.cpu;

import basin.kernels.Backend;
import basin.kernels.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backend.argmaxHits on hand-made rows whose answers are known, ties, NaN and a view included. */
class ArgmaxHitsTest {
    private final Backend cpu = CpuBackend.get();

    private float[] hits(float[] logits, float[] targets, int rows, int cols) {
        Buffer z = cpu.allocate(logits.length), t = cpu.allocate(targets.length), h = cpu.allocate(rows);
        cpu.copyIn(logits, 0, z);
        cpu.copyIn(targets, 0, t);
        cpu.argmaxHits(z, t, rows, cols, h);
        float[] out = new float[rows];
        cpu.copyOut(h, out, 0);
        return out;
    }

    @Test
    void aRowHitsWhenItsLargestLogitIsAtTheTarget() {
        float[] logits = {
            0.1f, 2.0f, -1f,          // argmax 1
            5f, 5f, 1f,               // tie: the first, 0
            Float.NaN, -3f, -2f,      // every comparison with the NaN at 0 is false: the pick stays at 0
            -1f, Float.NaN, 4f,       // the NaN is passed over: argmax 2
        };
        float[] targets = {
            0, 1, 0,
            0, 1, 0,                  // target 1, but the tie goes to 0: a miss
            0, 0, 1,
            1, 0, 0,
        };
        assertArrayEquals(new float[] {1, 0, 0, 0}, hits(logits, targets, 4, 3));
    }

    @Test
    void theCountIsTheDotOfTheHitsWithThemselves() {
        float[] logits = {1, 0, 0, 1, 1, 0}, targets = {1, 0, 0, 1, 0, 1};
        Buffer z = cpu.allocate(6), t = cpu.allocate(6), h = cpu.allocate(3);
        cpu.copyIn(logits, 0, z);
        cpu.copyIn(targets, 0, t);
        cpu.argmaxHits(z, t, 3, 2, h);
        assertEquals(2.0, cpu.dot(h, h));
    }

    @Test
    void mismatchedLengthsAreRefusedByName() {
        Buffer z = cpu.allocate(6), t = cpu.allocate(5), h = cpu.allocate(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.argmaxHits(z, t, 3, 2, h));
        assertTrue(e.getMessage().startsWith("argmaxHits: buffers of length 6 and 5 do not hold [3, 2]"), e.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> cpu.argmaxHits(cpu.allocate(0), cpu.allocate(0), 3, 0, h));
        assertEquals("argmaxHits: 3 rows of 0 columns have no largest entry", empty.getMessage());
    }
}
