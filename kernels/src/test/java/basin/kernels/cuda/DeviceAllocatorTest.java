package basin.kernels.cuda;

import basin.kernels.Buffer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pool's bookkeeping without a GPU: {@link DeviceAllocator} over a device that only counts
 * bytes. Blocks are reused by size, go back exactly once (released, collected, or both), stay in use
 * while a view or an address holds them, and a full device is retried after a collection before it
 * is reported out of memory.
 *
 * <p>The tests that need the collector drop their references inside a helper method, so that no
 * local variable of the test keeps them, and collect until the expected return shows, for at most
 * {@link #COLLECTION_LIMIT_MILLIS}: a JVM that never collects fails the test, never hangs it.
 */
class DeviceAllocatorTest {
    private static final long MIB = 1L << 20;
    private static final long COLLECTION_LIMIT_MILLIS = 5000;

    /**
     * A device of {@code capacity} bytes that hands out plain {@link CUdeviceptr} objects (no native
     * library is involved). Every such object reads as address 0, so blocks are told apart by identity.
     */
    private static final class CountingDevice implements DeviceMemory {
        final long capacity;
        final Map<CUdeviceptr, Long> live = new IdentityHashMap<>();
        long used;
        int allocations;
        int frees;
        /** Frees made while work queued before them may still be running: no synchronize since the last block came back. */
        int freesWithoutSynchronizing;
        boolean workOutstanding;

        CountingDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized int allocate(CUdeviceptr address, long bytes) {
            if (used + bytes > capacity) return CUresult.CUDA_ERROR_OUT_OF_MEMORY;
            live.put(address, bytes);
            used += bytes;
            allocations++;
            return CUresult.CUDA_SUCCESS;
        }

        @Override
        public synchronized int free(CUdeviceptr address) {
            Long bytes = live.remove(address);
            if (bytes == null) return CUresult.CUDA_ERROR_INVALID_VALUE; // freed twice, or never allocated
            used -= bytes;
            frees++;
            if (workOutstanding) freesWithoutSynchronizing++;
            return CUresult.CUDA_SUCCESS;
        }

        @Override
        public synchronized int synchronize() {
            workOutstanding = false;
            return CUresult.CUDA_SUCCESS;
        }

        /** Stands for a kernel queued with a block that has just been released: it may not have run yet. */
        synchronized void queueWork() {
            workOutstanding = true;
        }

        @Override
        public synchronized int info(long[] freeBytes, long[] totalBytes) {
            freeBytes[0] = capacity - used;
            totalBytes[0] = capacity;
            return CUresult.CUDA_SUCCESS;
        }

        synchronized int allocations() {
            return allocations;
        }

        synchronized int frees() {
            return frees;
        }

        synchronized boolean holds(CUdeviceptr address) {
            return live.containsKey(address);
        }
    }

    @Test
    void aReleasedBlockIsHandedOutAgainWithoutAskingTheDevice() {
        CountingDevice device = new CountingDevice(MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        DeviceBlock first = pool.allocate(1000, "a buffer");
        first.release();
        DeviceBlock second = pool.allocate(700, "a buffer of nearly the same size"); // both round up to 1024 bytes
        assertSame(first.address, second.address);
        assertEquals(1, device.allocations(), "device allocations");
        assertEquals(1024, pool.inUseBytes());
        assertEquals(0, pool.cachedBytes());
    }

    @Test
    void anUnreachableBlockGoesBackToThePoolAfterACollection() throws InterruptedException {
        CountingDevice device = new CountingDevice(MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        allocateAndDrop(pool, 4096);
        assertEquals(4096, pool.inUseBytes(), "in use until collected");
        collectUntil(() -> pool.inUseBytes() == 0, "the dropped block back in the pool");
        assertEquals(4096, pool.cachedBytes(), "cached for reuse");
        assertEquals(0, device.frees(), "returned to the pool, not freed on the device");
    }

    @Test
    void aViewKeepsItsBlockInUseAfterTheBufferItWasSlicedFromIsCollected() throws InterruptedException {
        DeviceAllocator pool = new DeviceAllocator(new CountingDevice(MIB));
        Sliced sliced = sliceOfABufferNobodyKeeps(pool, 4096);
        allocateAndDrop(pool, 512); // a sentinel: once it is back, a block collected with the parent would be too
        collectUntil(() -> sliced.parent().get() == null && pool.cachedBytes() >= 512,
                "the parent buffer collected and the sentinel back in the pool");
        assertEquals(4096, pool.inUseBytes(), "the view's block is still in use");
        Reference.reachabilityFence(sliced.view());
    }

    @Test
    void anAddressIntoABlockKeepsTheBlockInUse() throws InterruptedException {
        DeviceAllocator pool = new DeviceAllocator(new CountingDevice(MIB));
        CUdeviceptr address = addressIntoABlockNobodyKeeps(pool, 4096);
        allocateAndDrop(pool, 512);
        collectUntil(() -> pool.cachedBytes() >= 512, "the sentinel back in the pool");
        assertEquals(4096, pool.inUseBytes(), "the block behind an address a call still holds is in use");
        Reference.reachabilityFence(address);
    }

    @Test
    void aBlockReleasedAndThenCollectedGoesBackOnce() throws InterruptedException {
        CountingDevice device = new CountingDevice(MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        releaseAndDrop(pool, 4096);
        allocateAndDrop(pool, 512);
        collectUntil(() -> pool.cachedBytes() >= 4096 + 512, "the sentinel back in the pool");
        assertEquals(4096 + 512, pool.cachedBytes(), "each block cached once");
        assertEquals(0, pool.inUseBytes());
        assertTwoAllocationsShareNoMemory(pool, device, 4096, 3);
    }

    @Test
    void releasingABlockTwiceReturnsItOnce() {
        CountingDevice device = new CountingDevice(MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        DeviceBlock block = pool.allocate(4096, "a buffer released by its user and by its arena");
        block.release();
        block.release();
        assertEquals(0, pool.inUseBytes());
        assertEquals(4096, pool.cachedBytes(), "cached once");
        assertTwoAllocationsShareNoMemory(pool, device, 4096, 2);
    }

    @Test
    void aFullDeviceFreesCachedBlocksOfOtherSizesToMakeRoom() {
        CountingDevice device = new CountingDevice(MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        pool.allocate(MIB, "a buffer of the whole device").release();
        DeviceBlock half = pool.allocate(MIB / 2, "a buffer of half of it");
        assertTrue(device.holds(half.address), "allocated on the device");
        assertEquals(1, device.frees(), "the cached block was freed");
        assertEquals(0, pool.cachedBytes());
    }

    @Test
    void cachedBlocksAreFreedOnlyAfterTheWorkQueuedWithThemHasRun() {
        CountingDevice device = new CountingDevice(MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        DeviceBlock block = pool.allocate(4096, "a buffer a kernel still reads");
        device.queueWork();
        block.release();                      // back in the pool at once: reuse is ordered by the stream, a free is not
        pool.releaseCached();
        assertEquals(1, device.frees());
        assertEquals(0, device.freesWithoutSynchronizing, "cuMemFree only may synchronise: the pool must wait first");
    }

    @Test
    void aDeviceFullOfUnreachableBuffersHasRoomAfterACollection() {
        CountingDevice device = new CountingDevice(4 * MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        for (int i = 0; i < 4; i++) allocateAndDrop(pool, MIB);
        DeviceBlock larger = pool.allocate(2 * MIB, "a buffer larger than any dropped one");
        assertTrue(device.holds(larger.address), "allocated on the device");
        assertTrue(device.frees() >= 2, "collected blocks were freed to make room: " + device.frees() + " frees");
    }

    @Test
    void aDeviceFullOfLiveBuffersIsOutOfMemoryWithTheSizes() {
        CountingDevice device = new CountingDevice(MIB);
        DeviceAllocator pool = new DeviceAllocator(device);
        DeviceBlock parameters = pool.allocate(MIB, "the parameters");
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> pool.allocate(MIB / 2, "a test buffer"));
        assertEquals("cuda: out of device memory allocating 0.5 MiB (524288 bytes) for a test buffer; "
                + "Basin holds 1.0 MiB (1048576 bytes) in use (no cached blocks left), "
                + "the device has 0.0 MiB (0 bytes) free of 1.0 MiB (1048576 bytes). "
                + "A smaller batch (--batch) or model needs less.", e.getMessage());
        Reference.reachabilityFence(parameters);
    }

    // ---- helpers: references dropped before the test method sees them --------------------------

    private record Sliced(Buffer view, WeakReference<Buffer> parent) {
    }

    /** A view of a pooled buffer that nothing else refers to. No backend: only the ownership of the block is under test. */
    private static Sliced sliceOfABufferNobodyKeeps(DeviceAllocator pool, long bytes) {
        CudaBuffer parent = new CudaBuffer(null, pool.allocate(bytes, "a buffer"), 0, (int) (bytes / 4), true);
        return new Sliced(parent.slice(1, 10), new WeakReference<>(parent));
    }

    private static CUdeviceptr addressIntoABlockNobodyKeeps(DeviceAllocator pool, long bytes) {
        return pool.allocate(bytes, "a buffer").at(64);
    }

    private static void allocateAndDrop(DeviceAllocator pool, long bytes) {
        pool.allocate(bytes, "a buffer nobody keeps");
    }

    private static void releaseAndDrop(DeviceAllocator pool, long bytes) {
        pool.allocate(bytes, "a buffer released, then dropped").release();
    }

    /** Two allocations of {@code bytes} get different blocks, and the device has made {@code deviceAllocations} in all. */
    private static void assertTwoAllocationsShareNoMemory(DeviceAllocator pool, CountingDevice device, long bytes, int deviceAllocations) {
        DeviceBlock a = pool.allocate(bytes, "a buffer"), b = pool.allocate(bytes, "another buffer");
        assertNotSame(a.address, b.address, "two buffers in use share one block");
        assertEquals(deviceAllocations, device.allocations(), "device allocations");
    }

    /** Collects until {@code done} holds; fails, naming {@code what}, after {@link #COLLECTION_LIMIT_MILLIS}. */
    private static void collectUntil(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + COLLECTION_LIMIT_MILLIS * 1_000_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail(what + ": not seen within " + COLLECTION_LIMIT_MILLIS + " ms of collections");
            System.gc();
            Thread.sleep(10);
        }
    }
}
