package basin.kernels.cpu;

import basin.kernels.Backend;
import basin.kernels.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The dropout mask is a documented function of (seed, index), so that every backend draws the same
 * mask. The expected keep/drop patterns below were computed from the formula in
 * {@link Backend#dropoutMask} by a separate script in arbitrary-precision integers.
 */
class DropoutMaskTest {
    private final Backend cpu = CpuBackend.get();

    private String pattern(long seed, float p, int n) {
        Buffer b = cpu.allocate(n);
        cpu.dropoutMask(seed, p, b);
        float[] v = new float[n];
        cpu.copyOut(b, v, 0);
        cpu.release(b);
        StringBuilder s = new StringBuilder();
        for (float x : v) {
            if (x != 0f && x != 1f / (1f - p)) throw new AssertionError("mask value " + x + " is neither 0 nor 1/(1 − p)");
            s.append(x == 0f ? '0' : '1');
        }
        return s.toString();
    }

    @Test
    void masksFollowTheDocumentedHash() {
        assertEquals("00001000010011101110000000000011", pattern(12345, 0.5f, 32));
        assertEquals("11111110011111111011111111110111", pattern(-7, 0.1f, 32));
    }

    @Test
    void probabilitiesOutsideZeroToOneAreRefused() {
        Buffer b = cpu.allocate(4);
        assertThrows(IllegalArgumentException.class, () -> cpu.dropoutMask(1, 1f, b));
        assertThrows(IllegalArgumentException.class, () -> cpu.dropoutMask(1, -0.1f, b));
    }
}
