package basin.kernels.cuda;

import basin.kernels.Backend;
import basin.kernels.BackendChecks;
import basin.kernels.Buffer;
import jcuda.driver.CUdeviceptr;

/** A range of float32 elements in device memory: {@code length} floats from {@code offset} into an allocation. */
final class CudaBuffer implements Buffer {
    final CudaBackend backend;
    /** The whole allocation; handed back to the pool when a pooled buffer is released. */
    final CUdeviceptr allocation;
    final long allocationBytes;
    final int offset;
    final int length;
    /** True for a buffer that owns its allocation; false for a view. */
    final boolean pooled;
    /** The first element of this buffer, as kernels and copies take it. */
    final CUdeviceptr pointer;

    CudaBuffer(CudaBackend backend, CUdeviceptr allocation, long allocationBytes, int offset, int length, boolean pooled) {
        this.backend = backend;
        this.allocation = allocation;
        this.allocationBytes = allocationBytes;
        this.offset = offset;
        this.length = length;
        this.pooled = pooled;
        this.pointer = offset == 0 ? allocation : allocation.withByteOffset(4L * offset);
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
        return new CudaBuffer(backend, allocation, allocationBytes, this.offset + offset, length, false);
    }

    @Override
    public String toString() {
        return backend.name() + " buffer[" + length + "]";
    }
}
