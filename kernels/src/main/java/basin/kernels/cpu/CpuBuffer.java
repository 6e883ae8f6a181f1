package basin.kernels.cpu;

import basin.kernels.Backend;
import basin.kernels.BackendChecks;
import basin.kernels.Buffer;

import java.util.concurrent.atomic.AtomicBoolean;

/** A range {@code [offset, offset + length)} of a Java {@code float[]}; visible only to the CPU kernels. */
final class CpuBuffer implements Buffer {
    final CpuBackend backend;
    final float[] data;
    final int offset;
    final int length;
    /** True for a buffer that owns its whole array (can go back to the pool); false for a view. */
    final boolean pooled;
    /** Set when the array went back to the pool: it goes back once, however often it is released. */
    final AtomicBoolean returned = new AtomicBoolean();

    CpuBuffer(CpuBackend backend, float[] data, int offset, int length, boolean pooled) {
        this.backend = backend;
        this.data = data;
        this.offset = offset;
        this.length = length;
        this.pooled = pooled;
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
        return new CpuBuffer(backend, data, this.offset + offset, length, false);
    }

    @Override
    public String toString() {
        return "cpu buffer[" + length + "]";
    }
}
