package basin.kernels.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;

import java.nio.charset.StandardCharsets;

/**
 * One device as the backend uses it: its primary context, one non-blocking stream, and a cuBLAS
 * handle bound to that stream, so that kernels and GEMMs queued in turn run in turn. The primary
 * context is the one the CUDA runtime inside cuBLAS attaches to; a context of our own would give
 * cuBLAS a different one.
 */
final class CudaContext {
    final int ordinal;
    final CUcontext context;
    final CUstream stream;
    final cublasHandle cublas;
    final String description;
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);

    /**
     * Opens device {@code ordinal}: the driver first, then cuBLAS, so that a machine without a GPU
     * never needs the cuBLAS forwarding library built.
     */
    static CudaContext open(int ordinal) {
        JCudaDriver.setExceptionsEnabled(false);
        int status = JCudaDriver.cuInit(0);
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaUnavailableException("no usable CUDA driver: cuInit failed: " + CUresult.stringFor(status), null);
        }
        int[] count = {0};
        CudaCheck.driver(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) throw new CudaUnavailableException("the CUDA driver sees no device", null);
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new CudaUnavailableException("basin.cuda.device=" + ordinal + " but the driver sees " + count[0] + " device(s)", null);
        }
        String cublasSource = CublasLibrary.prepare();
        return new CudaContext(ordinal, cublasSource);
    }

    private CudaContext(int ordinal, String cublasSource) {
        this.ordinal = ordinal;
        CUdevice device = new CUdevice();
        CudaCheck.driver(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        context = new CUcontext();
        CudaCheck.driver(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(" + ordinal + ")");
        makeCurrent();
        stream = new CUstream();
        CudaCheck.driver(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        JCublas2.setExceptionsEnabled(false);
        cublas = new cublasHandle();
        CudaCheck.cublas(JCublas2.cublasCreate(cublas), "cublasCreate");
        CudaCheck.cublas(JCublas2.cublasSetStream(cublas, new cudaStream_t(stream)), "cublasSetStream");
        int[] cublasVersion = {0};
        CudaCheck.cublas(JCublas2.cublasGetVersion(cublas, cublasVersion), "cublasGetVersion");
        description = describe(device, cublasVersion[0], cublasSource);
    }

    /** Makes the context current on the calling thread: every thread that calls the driver or cuBLAS needs it. */
    void makeCurrent() {
        if (!current.get()) {
            CudaCheck.driver(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            current.set(true);
        }
    }

    private static String describe(CUdevice device, int cublasVersion, String cublasSource) {
        byte[] name = new byte[256];
        CudaCheck.driver(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int[] major = {0}, minor = {0}, driver = {0};
        long[] memory = {0};
        CudaCheck.driver(JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
                "cuDeviceGetAttribute(compute capability major)");
        CudaCheck.driver(JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
                "cuDeviceGetAttribute(compute capability minor)");
        CudaCheck.driver(JCudaDriver.cuDriverGetVersion(driver), "cuDriverGetVersion");
        CudaCheck.driver(JCudaDriver.cuDeviceTotalMem(memory, device), "cuDeviceTotalMem");
        String deviceName = new String(name, StandardCharsets.US_ASCII).replace("\0", "").trim();
        return String.format("%s, sm_%d%d, %.1f GiB, driver CUDA %d.%d, cuBLAS %d (%s)", deviceName, major[0], minor[0],
                memory[0] / 1073741824.0, driver[0] / 1000, driver[0] % 1000 / 10, cublasVersion, cublasSource);
    }

    /** One line out of JCuda's multi-line loader report: the library that could not be opened, if it says. */
    static String nativeLoadReason(LinkageError e) {
        String text = String.valueOf(e.getMessage());
        for (String line : text.split("\n")) {
            int at = line.indexOf(": cannot open shared object file");
            if (at > 0) {
                String missing = line.substring(line.lastIndexOf(' ', at - 1) + 1, at);
                return missing.startsWith("libcuda.so")
                        ? "no NVIDIA driver: " + missing + " cannot be opened (JCuda's driver binding needs it)"
                        : "JCuda's native library needs " + missing + ", which cannot be opened";
            }
        }
        return "JCuda's native libraries did not load: " + e.getClass().getSimpleName() + ": " + text.split("\n")[0];
    }
}
