package basin.engine.probe;

import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.Locale;

/**
 * A check before a long run that what it will hold at once fits in the Java heap: better to be told
 * at once, with the figures and the flag to change, than to meet an OutOfMemoryError an hour in.
 * The estimate counts only the big arrays a probe allocates, so it is a lower bound; what is free is
 * {@code Runtime.maxMemory()} minus what the heap holds now (live objects and garbage not yet
 * collected, so the figure errs on the side of refusing only what clearly cannot fit after the CPU
 * backend's pool of released buffers is dropped and the heap collected).
 *
 * <p>Examples: Lanczos with m steps on p parameters keeps the basis Q_m, m vectors of p float32, so
 * 4·m·p bytes; a slice grid on T threads holds a copy of θ per thread, 4·T·p bytes.
 */
public final class MemoryGuard {
    private MemoryGuard() {
    }

    /**
     * Refuses a run that needs {@code bytes} more heap than is free.
     *
     * @param what         what needs the memory and why, e.g. {@code "lanczos: 80 steps on 1,000,000 parameters keep 80 vectors of p float32"}
     * @param bytes        the estimate
     * @param flagToChange the option that makes it smaller, e.g. {@code "--lanczos-steps"}
     * @throws IllegalStateException with the estimate, the free heap and the flag to change
     */
    public static void require(String what, long bytes, String flagToChange) {
        Runtime runtime = Runtime.getRuntime();
        long inUse = runtime.totalMemory() - runtime.freeMemory();
        if (bytes > runtime.maxMemory() - inUse) {
            // "In use" counts garbage the collector has not yet reclaimed (after training, most of the
            // heap) and the CPU backend's pool of released buffers (after training one ResNet, the
            // 3 GB its steps used, which the next run would take from the pool again): drop the pool,
            // collect once and measure what is really live before refusing.
            CpuBackend.get().clearPool();
            System.gc();
            inUse = runtime.totalMemory() - runtime.freeMemory();
        }
        require(what, bytes, flagToChange, runtime.maxMemory(), inUse);
    }

    /**
     * As {@link #require(String, long, String)}, for the vectors of {@code backend}: only the CPU
     * backend keeps them in the Java heap (CUDA holds them in device memory, which the heap says
     * nothing about), so for any other backend this checks nothing.
     */
    public static void require(Backend backend, String what, long bytes, String flagToChange) {
        if (backend.name().equals("cpu")) require(what, bytes, flagToChange);
    }

    /** The check itself, with the heap's size and use given, so that a test can pose a heap that cannot fit. */
    static void require(String what, long bytes, String flagToChange, long maxHeap, long inUse) {
        long free = maxHeap - inUse;
        if (bytes > free) {
            throw new IllegalStateException(what + ": needs " + size(bytes) + " (" + bytes + " bytes) of heap, but only "
                    + size(free) + " of the " + size(maxHeap) + " maximum heap is free (" + size(inUse) + " in use); lower "
                    + flagToChange + ", or give Java more heap (-Xmx, e.g. BASIN_JAVA_OPTS=-Xmx16g)");
        }
    }

    /** 4·a·b bytes for a·b float32 values, exact in a long (no int overflow at m·p > 2³¹). */
    public static long floats(long a, long b) {
        return Math.multiplyExact(4L, Math.multiplyExact(a, b));
    }

    private static String size(long bytes) {
        if (bytes < 1L << 20) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
