package basin.kernels.cpu;

import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CPU pool hands an array out to one buffer at a time, however often a buffer is released. */
class PoolTest {
    private final Backend cpu = CpuBackend.get();

    /** Two later buffers of the size must not share memory: writing one leaves the other alone. */
    private void assertDistinct(Buffer a, Buffer b) {
        cpu.fill(a, 1f);
        cpu.fill(b, 2f);
        float[] x = new float[a.length()];
        cpu.copyOut(a, x, 0);
        assertEquals(1f, x[0], "a later buffer shares its array with another");
    }

    @Test
    void aBufferReleasedTwiceGoesBackOnce() {
        int n = 7919;                                  // a size no other test pools
        Buffer b = cpu.allocate(n);
        cpu.release(b);
        cpu.release(b);
        assertDistinct(cpu.allocate(n), cpu.allocate(n));
    }

    @Test
    void aBufferReleasedByItsUserAndThenByItsArenaGoesBackOnce() {
        int n = 7907;
        try (Arena arena = cpu.openArena()) {
            cpu.release(cpu.allocate(n));
        }
        assertDistinct(cpu.allocate(n), cpu.allocate(n));
    }
}
