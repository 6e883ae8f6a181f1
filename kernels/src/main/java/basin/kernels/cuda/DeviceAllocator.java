package basin.kernels.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory recycled by size. {@code cuMemAlloc} and {@code cuMemFree} synchronise the device
 * and cost microseconds each; an HVP allocates the same few dozen sizes every time, so after the
 * first pass every request is served from the free lists. Sizes are rounded up to 512 bytes (the
 * driver's own granularity) so that near-equal requests share a list.
 *
 * <p>Reuse needs no synchronisation: every kernel runs on the backend's one stream, so a block
 * handed out again is only touched by work queued after the work that last used it.
 */
final class DeviceAllocator {
    private static final long GRANULE = 512;

    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private long inUseBytes;
    private long cachedBytes;

    static long roundUp(long bytes) {
        return Math.max(GRANULE, (bytes + GRANULE - 1) / GRANULE * GRANULE);
    }

    /** A block of at least {@code bytes}; {@code what} names the request in an out-of-memory message. */
    synchronized CUdeviceptr allocate(long bytes, String what) {
        long size = roundUp(bytes);
        ArrayDeque<CUdeviceptr> list = free.get(size);
        CUdeviceptr p = list == null ? null : list.pollFirst();
        if (p != null) {
            cachedBytes -= size;
        } else {
            p = new CUdeviceptr();
            int status = JCudaDriver.cuMemAlloc(p, size);
            if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                // The cached blocks are of other sizes: give them back and try once more.
                releaseCached();
                status = JCudaDriver.cuMemAlloc(p, size);
                if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY) throw outOfMemory(size, what);
            }
            CudaCheck.driver(status, "cuMemAlloc(" + what + ", " + size + " bytes)");
        }
        inUseBytes += size;
        return p;
    }

    /** Returns a block from {@link #allocate} to its free list. */
    synchronized void release(CUdeviceptr p, long bytes) {
        long size = roundUp(bytes);
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).addFirst(p);
        inUseBytes -= size;
        cachedBytes += size;
    }

    /** Frees every cached block (they are not in use, so nothing waits on them but the driver's own sync). */
    synchronized void releaseCached() {
        for (ArrayDeque<CUdeviceptr> list : free.values()) {
            for (CUdeviceptr p : list) CudaCheck.driver(JCudaDriver.cuMemFree(p), "cuMemFree(cached block)");
        }
        free.clear();
        cachedBytes = 0;
    }

    synchronized long inUseBytes() {
        return inUseBytes;
    }

    synchronized long cachedBytes() {
        return cachedBytes;
    }

    private DeviceOutOfMemoryException outOfMemory(long size, String what) {
        long[] freeBytes = {0}, totalBytes = {0};
        String device = JCudaDriver.cuMemGetInfo(freeBytes, totalBytes) == CUresult.CUDA_SUCCESS
                ? String.format("the device has %s free of %s", mib(freeBytes[0]), mib(totalBytes[0]))
                : "the device's free memory could not be read";
        return new DeviceOutOfMemoryException(String.format(
                "cuda: out of device memory allocating %s for %s; Basin holds %s in use (no cached blocks left), %s. "
                        + "A smaller batch (--batch) or model needs less.",
                mib(size), what, mib(inUseBytes), device));
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
    }
}
