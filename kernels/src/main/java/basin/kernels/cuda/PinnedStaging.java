package basin.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.lang.ref.Reference;
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

    /** Copies {@code n} floats from {@code src[srcOffset...]} to the device, through the staging buffer, and waits. */
    synchronized void toDevice(float[] src, int srcOffset, CUdeviceptr dst, int n, CUstream stream) {
        for (int done = 0; done < n; ) {
            int chunk = Math.min(MAX_FLOATS, n - done);
            floats(chunk).put(src, srcOffset + done, chunk);
            CudaCheck.driver(JCudaDriver.cuMemcpyHtoDAsync(dst.withByteOffset(4L * done), host, 4L * chunk, stream),
                    "cuMemcpyHtoDAsync(" + chunk + " floats)");
            // The next chunk or call refills the staging buffer: wait until this copy has read it.
            CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(after a copy to the device)");
            done += chunk;
        }
        // The chunks' addresses are plain offsets of dst: keep dst, and with it its block, alive until every copy is queued.
        Reference.reachabilityFence(dst);
    }

    /** Copies {@code n} floats from the device into {@code dst[dstOffset...]}, through the staging buffer. */
    synchronized void toHost(CUdeviceptr src, float[] dst, int dstOffset, int n, CUstream stream) {
        for (int done = 0; done < n; ) {
            int chunk = Math.min(MAX_FLOATS, n - done);
            FloatBuffer staged = floats(chunk);
            CudaCheck.driver(JCudaDriver.cuMemcpyDtoHAsync(host, src.withByteOffset(4L * done), 4L * chunk, stream),
                    "cuMemcpyDtoHAsync(" + chunk + " floats)");
            CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(after a copy to the host)");
            staged.get(dst, dstOffset + done, chunk);
            done += chunk;
        }
        Reference.reachabilityFence(src); // keeps src's block alive until every chunk is queued, as in toDevice
    }

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

    void free() {
        if (host != null) {
            CudaCheck.driver(JCudaDriver.cuMemFreeHost(host), "cuMemFreeHost(pinned staging)");
            host = null;
            floats = null;
            capacity = 0;
        }
    }
}
