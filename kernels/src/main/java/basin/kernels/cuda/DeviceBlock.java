package basin.kernels.cuda;

import jcuda.driver.CUdeviceptr;

import java.lang.ref.Cleaner;

/**
 * One block of device memory from {@link DeviceAllocator}, and the Java object whose reachability
 * decides when the block goes back to the pool. A pooled {@link CudaBuffer} and every view sliced
 * from it hold the same block, and so does every address {@link #at} hands out; the block goes back
 * to its free list exactly once, at the first of
 * <ul>
 *   <li>{@link #release()}: {@code CudaBackend.release} or the close of the {@code Arena} that
 *       owns the buffer;</li>
 *   <li>the garbage collector finding the block unreachable: no buffer, view or address refers to it
 *       any more. This is how the probes' vectors allocated outside any arena (a Rademacher vector
 *       per Hutchinson sample, θ + αd per point of a loss slice, Lanczos vectors) give their device
 *       memory back, as their float[] would on the CPU.</li>
 * </ul>
 * The cleaner's action holds the raw address, the size and the allocator, never the block itself:
 * an action that referred to its block would keep it reachable forever.
 *
 * <p>A block that comes back while work queued with it has not run yet is safe to hand out again:
 * every kernel, copy and GEMM runs on the backend's one stream, in the order it was queued, so work
 * queued with the old buffer runs before any work queued later with the reused block. For that
 * order to hold, the block must stay reachable until a call has queued its work, even when the
 * buffer is not used after the call: the addresses that kernels, copies and GEMMs take are
 * {@link #at} objects that hold the block, so it lives as long as a call has one in hand.
 */
final class DeviceBlock {
    /** One thread for the whole process runs the actions of blocks that became unreachable. */
    private static final Cleaner CLEANER = Cleaner.create();

    /** The device address of the block's first byte, as {@code cuMemAlloc} returned it. */
    final CUdeviceptr address;
    /** The block's size: the request rounded up to the pool's granule. */
    final long bytes;
    private final Cleaner.Cleanable returnToPool;

    DeviceBlock(DeviceAllocator pool, CUdeviceptr address, long bytes) {
        this.address = address;
        this.bytes = bytes;
        this.returnToPool = CLEANER.register(this, returnAction(pool, address, bytes));
    }

    /** Static, so that the action cannot capture {@code this}. */
    private static Runnable returnAction(DeviceAllocator pool, CUdeviceptr address, long bytes) {
        return () -> pool.giveBack(address, bytes);
    }

    /**
     * Returns the block to the pool now. Idempotent: the second and later calls do nothing, and
     * neither does the collector afterwards (an arena may release a buffer its user released too).
     */
    void release() {
        returnToPool.clean();
    }

    /** The address {@code byteOffset} bytes into the block; it keeps the block reachable while held. */
    CUdeviceptr at(long byteOffset) {
        return new Address(this, byteOffset);
    }

    /** A device address that refers to its block, so that the block outlives every call that uses it. */
    private static final class Address extends CUdeviceptr {
        @SuppressWarnings("unused") // held only to keep the block reachable
        private final DeviceBlock block;

        Address(DeviceBlock block, long byteOffset) {
            super(block.address, byteOffset);
            this.block = block;
        }
    }
}
