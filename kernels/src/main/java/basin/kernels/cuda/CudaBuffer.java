package basin.kernels.cuda;

import basin.kernels.Backend;
import basin.kernels.BackendChecks;
import basin.kernels.Buffer;
import jcuda.driver.CUdeviceptr;

/**
 * A range of float32 elements in device memory: {@code length} floats from {@code offset} into a
 * {@link DeviceBlock}. A buffer and the views sliced from it share the block, so the block stays
 * in use while any of them is reachable.
 */
final class CudaBuffer implements Buffer {
    final CudaBackend backend;
    /** The whole allocation; back to the pool when a pooled buffer is released or nothing refers to it. */
    final DeviceBlock block;
    final int offset;
    final int length;
    /** True for a buffer that owns its block, whose release returns it; false for a view. */
    final boolean pooled;
    /** The first element of this buffer, as kernels and copies take it; it holds the block too. */
    final CUdeviceptr pointer;

    CudaBuffer(CudaBackend backend, DeviceBlock block, int offset, int length, boolean pooled) {
        this.backend = backend;
        this.block = block;
        this.offset = offset;
        this.length = length;
        this.pooled = pooled;
        this.pointer = block.at(4L * offset);
    }

    long bytes() {
        return 4L * length;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public Buffer slice(int offset, int length) {
        BackendChecks.slice(offset, length, this.length);
        return new CudaBuffer(backend, block, this.offset + offset, length, false);
    }

    @Override
    public String toString() {
        return backend.name() + " buffer[" + length + "]";
    }
}
