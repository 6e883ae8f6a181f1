package basin.kernels.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Device memory recycled by size. {@code cuMemAlloc} and {@code cuMemFree} synchronise the device
 * and cost microseconds each; an HVP allocates the same few dozen sizes every time, so after the
 * first pass every request is served from the free lists. Sizes are rounded up to 512 bytes (the
 * driver's own granularity) so that near-equal requests share a list.
 *
 * <p>A block goes back on its free list when it is released or when the collector finds it
 * unreachable, whichever comes first, and only then ({@link DeviceBlock}). Reuse needs no
 * synchronisation: every kernel runs on the backend's one stream, so a block handed out again is
 * only touched by work queued after the work that last used it.
 *
 * <p>When the device is full, the allocator first frees its cached blocks (they may be of other
 * sizes) and tries again. Then it asks for a garbage collection: the collector sees a few bytes of
 * Java object per buffer, not the megabytes of device memory behind it, so buffers nobody can reach
 * may fill the device long before the Java heap needs collecting. It waits briefly for their blocks
 * to come back, trying again after each wait, as the JDK does when direct buffers reach
 * {@code -XX:MaxDirectMemorySize}. Only then is the device out of memory.
 */
final class DeviceAllocator {
    private static final long GRANULE = 512;
    /** Waits of 1, 2, 4, … ms after a collection: ten of them, about a second in all. */
    private static final int WAITS_AFTER_COLLECTION = 10;

    private final DeviceMemory device;
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private long inUseBytes;
    private long cachedBytes;

    DeviceAllocator(DeviceMemory device) {
        this.device = device;
    }

    static long roundUp(long bytes) {
        return Math.max(GRANULE, (bytes + GRANULE - 1) / GRANULE * GRANULE);
    }

    /**
     * A block of at least {@code bytes}, in use until it is released or unreachable; {@code what}
     * names the request in an out-of-memory message.
     *
     * @throws DeviceOutOfMemoryException when the device cannot hold it even after the cached blocks
     *                                    were freed and a collection returned the unreachable ones
     */
    synchronized DeviceBlock allocate(long bytes, String what) {
        long size = roundUp(bytes);
        CUdeviceptr address = takeCached(size);
        if (address == null) address = allocateOnDevice(size, what);
        inUseBytes += size;
        return new DeviceBlock(this, address, size);
    }

    private CUdeviceptr takeCached(long size) {
        ArrayDeque<CUdeviceptr> list = free.get(size);
        CUdeviceptr address = list == null ? null : list.pollFirst();
        if (address != null) cachedBytes -= size;
        return address;
    }

    private CUdeviceptr allocateOnDevice(long size, String what) {
        CUdeviceptr address = tryDevice(size, what);
        if (address != null) return address;
        // The cached blocks are of other sizes: give them back and try once more.
        releaseCached();
        address = tryDevice(size, what);
        if (address != null) return address;
        address = allocateAfterCollecting(size, what);
        if (address != null) return address;
        throw outOfMemory(size, what);
    }

    /**
     * Asks for a collection, then waits for the cleaner to return the blocks of unreachable buffers,
     * trying the free list and the device after each wait. {@code wait} lets go of this allocator's
     * lock, so the cleaner can return blocks meanwhile. Null when nothing came back in time (or
     * when the thread is interrupted, whose flag stays set).
     */
    private CUdeviceptr allocateAfterCollecting(long size, String what) {
        System.gc();
        long waitMillis = 1;
        for (int i = 0; i < WAITS_AFTER_COLLECTION; i++, waitMillis *= 2) {
            try {
                wait(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            CUdeviceptr address = takeCached(size);
            if (address != null) return address;
            releaseCached();
            address = tryDevice(size, what);
            if (address != null) return address;
        }
        return null;
    }

    /** A fresh block from the device, or null when the device is full; any other failure throws. */
    private CUdeviceptr tryDevice(long size, String what) {
        CUdeviceptr address = new CUdeviceptr();
        int status = device.allocate(address, size);
        if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY) return null;
        CudaCheck.driver(status, "cuMemAlloc(" + what + ", " + size + " bytes)");
        return address;
    }

    /** Puts a block back on its free list; called once per block, by {@link DeviceBlock} only. */
    synchronized void giveBack(CUdeviceptr address, long size) {
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).addFirst(address);
        inUseBytes -= size;
        cachedBytes += size;
    }

    /**
     * Frees every cached block. A block comes back to the pool as soon as its buffer is released,
     * possibly before the work queued with it has run: reuse is safe (the stream orders it), but a
     * free is not, and {@code cuMemFree} only may wait for that work. So the device finishes its
     * queued work first.
     */
    synchronized void releaseCached() {
        if (cachedBytes > 0) CudaCheck.driver(device.synchronize(), "cuCtxSynchronize(before freeing cached blocks)");
        for (ArrayDeque<CUdeviceptr> list : free.values()) {
            for (CUdeviceptr address : list) CudaCheck.driver(device.free(address), "cuMemFree(cached block)");
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
        String deviceMemory = device.info(freeBytes, totalBytes) == CUresult.CUDA_SUCCESS
                ? String.format(Locale.ROOT, "the device has %s free of %s", mib(freeBytes[0]), mib(totalBytes[0]))
                : "the device's free memory could not be read";
        return new DeviceOutOfMemoryException(String.format(Locale.ROOT,
                "cuda: out of device memory allocating %s for %s; Basin holds %s in use (no cached blocks left), %s. "
                        + "A smaller batch (--batch) or model needs less.",
                mib(size), what, mib(inUseBytes), deviceMemory));
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
    }
}
