package basin.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Loads the PTX modules into the current context (the driver JIT-compiles them) and launches their kernels. */
final class DriverLauncher implements KernelLauncher {
    private final PtxModules ptx;
    private final CUstream stream;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();

    DriverLauncher(PtxModules ptx, CUstream stream) {
        this.ptx = ptx;
        this.stream = stream;
        for (String module : PtxModules.MODULES) modules.put(module, load(module, ptx.source(module)));
    }

    @Override
    public void launch(String kernel, int blocks, int threadsPerBlock, int sharedBytes, Object... args) {
        ptx.checkArguments(kernel, args);
        Pointer[] values = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) values[i] = value(args[i]);
        int status = JCudaDriver.cuLaunchKernel(function(kernel), blocks, 1, 1, threadsPerBlock, 1, 1,
                sharedBytes, stream, Pointer.to(values), null);
        CudaCheck.driver(status, "cuLaunchKernel(" + kernel + ", " + blocks + " blocks × " + threadsPerBlock
                + " threads, " + sharedBytes + " bytes shared)");
    }

    private synchronized CUfunction function(String kernel) {
        return functions.computeIfAbsent(kernel, name -> {
            CUfunction f = new CUfunction();
            CudaCheck.driver(JCudaDriver.cuModuleGetFunction(f, modules.get(ptx.kernel(name).module()), name),
                    "cuModuleGetFunction(" + name + ")");
            return f;
        });
    }

    private static Pointer value(Object a) {
        if (a instanceof Pointer) return Pointer.to((Pointer) a);
        if (a instanceof Long) return Pointer.to(new long[] {(Long) a});
        if (a instanceof Integer) return Pointer.to(new int[] {(Integer) a});
        if (a instanceof Float) return Pointer.to(new float[] {(Float) a});
        if (a instanceof Double) return Pointer.to(new double[] {(Double) a});
        throw new CudaException("cuda: cannot pass a " + a.getClass().getSimpleName() + " to a kernel");
    }

    /**
     * JIT options that ask for the error log in a buffer of {@code bytes}. The size must be passed
     * as its own option: JCuda hands the driver only the options put here, and without
     * {@code CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES} the driver takes the buffer to be empty.
     */
    static JITOptions errorLogOptions(int bytes) {
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[bytes]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, bytes);
        return jit;
    }

    /** Loads PTX; when the JIT rejects it, loads it again through the JIT entry point to report the JIT's log. */
    private static CUmodule load(String name, String source) {
        CUmodule module = new CUmodule();
        int status = JCudaDriver.cuModuleLoadData(module, source);
        if (status == 0) return module;
        JITOptions jit = errorLogOptions(16384);
        byte[] image = (source + "\0").getBytes(StandardCharsets.US_ASCII);
        JCudaDriver.cuModuleLoadDataJIT(new CUmodule(), Pointer.to(image), jit);
        CudaCheck.driver(status, "cuModuleLoadData(" + name + ".ptx); JIT log: "
                + jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER).trim()
                + " (the PTX is ISA 9.0 from CUDA 13.0 and needs driver 580 or newer)");
        return module;
    }
}
