package basin.kernels.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * The driver calls behind {@link DeviceAllocator}: allocate, free, wait for queued work, and ask
 * how much memory the device has. They sit behind an interface so that the pool's bookkeeping (reuse by size, blocks
 * coming back when their buffers are collected, the retries when the device is full) can be tested
 * on a machine without a GPU, against a device that only counts bytes. Each call answers with a
 * driver status ({@code CUresult}), as the driver does, and fails in no other way.
 */
interface DeviceMemory {

    /** {@code cuMemAlloc}: sets {@code address} to a fresh block of {@code bytes}. */
    int allocate(CUdeviceptr address, long bytes);

    /** {@code cuMemFree}: gives a block from {@link #allocate} back to the device. */
    int free(CUdeviceptr address);

    /**
     * {@code cuCtxSynchronize}: waits until all work queued in the context has run. {@code cuMemFree}
     * only <em>may</em> synchronise, so the pool calls this before freeing blocks that work queued
     * earlier may still use.
     */
    int synchronize();

    /** {@code cuMemGetInfo}: the device's free and total bytes, in {@code freeBytes[0]} and {@code totalBytes[0]}. */
    int info(long[] freeBytes, long[] totalBytes);

    /** The device of the calling thread's current context, through JCuda's driver bindings. */
    static DeviceMemory driver() {
        return new Driver();
    }

    /** The real calls; JCuda's native library loads only when one of them runs. */
    final class Driver implements DeviceMemory {
        @Override
        public int allocate(CUdeviceptr address, long bytes) {
            return JCudaDriver.cuMemAlloc(address, bytes);
        }

        @Override
        public int free(CUdeviceptr address) {
            return JCudaDriver.cuMemFree(address);
        }

        @Override
        public int synchronize() {
            return JCudaDriver.cuCtxSynchronize();
        }

        @Override
        public int info(long[] freeBytes, long[] totalBytes) {
            return JCudaDriver.cuMemGetInfo(freeBytes, totalBytes);
        }
    }
}
