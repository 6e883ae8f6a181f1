package basin.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A page-locked host buffer through which every transfer passes. Asynchronous copies must use
 * pinned memory: JCuda releases a Java array as soon as the copy call returns, before the copy has
 * run, and pageable memory would also make the driver stage the data itself. Transfers larger than
 * the staging capacity go through it in chunks.
 */
final class PinnedStaging {
    /** Chunk size in floats (64 MiB): large transfers run at full bandwidth without pinning their whole size. */
    static final int MAX_FLOATS = 16 << 20;

    private Pointer host;
    private FloatBuffer floats;
    private int capacity;

    /** A pinned view of at least {@code n} floats (n ≤ {@link #MAX_FLOATS}), grown when needed. */
    FloatBuffer floats(int n) {
        if (n > capacity) {
            free();
            int grown = Math.min(MAX_FLOATS, Math.max(n, Integer.highestOneBit(Math.max(n - 1, 1)) << 1));
            Pointer p = new Pointer();
            CudaCheck.driver(JCudaDriver.cuMemAllocHost(p, 4L * grown), "cuMemAllocHost(" + 4L * grown + " bytes of pinned staging)");
            host = p;
            capacity = grown;
            floats = p.getByteBuffer(0, 4L * grown).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        floats.clear();
        return floats;
    }

    /** The pinned memory's address, for {@code cuMemcpy*Async}. */
    Pointer pointer() {
        return host;
    }

    void free() {
        if (host != null) {
            CudaCheck.driver(JCudaDriver.cuMemFreeHost(host), "cuMemFreeHost(pinned staging)");
            host = null;
            floats = null;
            capacity = 0;
        }
    }
}
