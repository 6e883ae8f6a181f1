package basin.kernels.cuda;

import basin.kernels.Buffer;
import jcuda.Pointer;

import java.util.IdentityHashMap;
import java.util.Map;

/** {@link KernelParityContract} on the GPU; skipped, with the reason, where CUDA cannot be used. */
class CudaKernelsParityTest extends KernelParityContract {

    @Override
    Device device() {
        CudaBackend gpu = Gpu.require();
        Map<Pointer, Buffer> buffers = new IdentityHashMap<>();
        return new Device() {
            @Override
            public CudaKernels kernels() {
                return gpu.kernels();
            }

            @Override
            public Pointer upload(float[] x) {
                Buffer b = Gpu.upload(gpu, x);
                buffers.put(gpu.pointer(b), b);
                return gpu.pointer(b);
            }

            @Override
            public Pointer allocate(int floats) {
                Buffer b = gpu.allocate(floats);
                buffers.put(gpu.pointer(b), b);
                return gpu.pointer(b);
            }

            @Override
            public float[] download(Pointer p, int n) {
                return Gpu.download(gpu, buffers.get(p).slice(0, n));
            }
        };
    }
}
