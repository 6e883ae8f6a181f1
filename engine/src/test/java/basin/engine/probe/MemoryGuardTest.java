package basin.engine.probe;

import basin.kernels.Buffer;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimate is checked against the heap before anything is allocated; nothing here allocates the estimate. */
class MemoryGuardTest {

    @Test
    void lanczosBasisThatCannotFitIsRefusedWithTheFiguresAndTheFlag() {
        // m = 5000 steps on p = 10⁹ parameters: 4·m·p = 2·10¹³ bytes, far beyond any test JVM's heap.
        long bytes = MemoryGuard.floats(5000, 1_000_000_000L);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemoryGuard.require("lanczos: 5000 steps on 1000000000 parameters", bytes, "--lanczos-steps"));

        assertEquals(20_000_000_000_000L, bytes);
        assertTrue(e.getMessage().startsWith("lanczos: 5000 steps on 1000000000 parameters: needs 18626.5 GiB (20000000000000 bytes) of heap"),
                e.getMessage());
        assertTrue(e.getMessage().contains("lower --lanczos-steps"), e.getMessage());
    }

    @Test
    void freeHeapIsTheMaximumLessWhatIsInUse() {
        // 1 GiB maximum, 700 MiB in use: 324 MiB free, so 300 MiB fits and 400 MiB does not.
        long max = 1L << 30, inUse = 700L << 20;
        assertDoesNotThrow(() -> MemoryGuard.require("slice", 300L << 20, "--threads", max, inUse));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemoryGuard.require("slice: 8 threads", 400L << 20, "--threads", max, inUse));
        assertEquals("slice: 8 threads: needs 400.0 MiB (419430400 bytes) of heap, but only 324.0 MiB of the 1.0 GiB maximum heap"
                + " is free (700.0 MiB in use); lower --threads, or give Java more heap (-Xmx, e.g. BASIN_JAVA_OPTS=-Xmx16g)", e.getMessage());
    }

    @Test
    void floatCountsBeyondTwoToTheThirtyOneDoNotWrapAround() {
        // m·p = 100 · 25 000 000 = 2.5·10⁹ overflows an int; the estimate must not.
        assertEquals(10_000_000_000L, MemoryGuard.floats(100, 25_000_000));
    }

    @Test
    void buffersReleasedToTheCpuPoolCountAsFree() {
        // Fill the pool with released buffers holding about half the free heap; a request for what is
        // free without them must pass, since the next run takes its buffers from the pool again.
        CpuBackend cpu = CpuBackend.get();
        cpu.clearPool();
        System.gc();
        Runtime r = Runtime.getRuntime();
        long free = r.maxMemory() - (r.totalMemory() - r.freeMemory());
        int chunk = 16 << 20;                                          // 64 MiB of floats per buffer
        List<Buffer> buffers = new ArrayList<>();
        for (long held = 0; held < free / 2; held += 4L * chunk) buffers.add(cpu.allocate(chunk));
        buffers.forEach(cpu::release);
        buffers.clear();                                               // released: only the pool holds their arrays now
        try {
            assertDoesNotThrow(() -> MemoryGuard.require("pooled", free * 3 / 4, "--batch"));
        } finally {
            cpu.clearPool();
        }
    }
}
