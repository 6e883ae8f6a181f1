package basin.kernels.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Run in its own JVM by {@link CublasForwardingTest} (a JVM can load JCublas2 only once):
 * prepares cuBLAS from the folder {@code args[0]} only, with the cache {@code args[1]}, then makes
 * JCublas2 calls and prints each status, one per line, as {@code name=status}.
 */
public final class ForwardingProbe {
    private ForwardingProbe() {
    }

    public static void main(String[] args) {
        Path folder = Paths.get(args[0]), cache = Paths.get(args[1]);
        System.out.println("source=" + CublasLibrary.prepare(List.of(folder), false, cache));
        JCublas2.setExceptionsEnabled(false);
        cublasHandle handle = new cublasHandle();
        System.out.println("create=" + JCublas2.cublasCreate(handle));
        int[] version = {0};
        System.out.println("version=" + JCublas2.cublasGetVersion(handle, version) + "," + version[0]);
        Pointer a = new Pointer().withByteOffset(0x1000), b = new Pointer().withByteOffset(0x2000), c = new Pointer().withByteOffset(0x3000);
        System.out.println("sgemm=" + JCublas2.cublasSgemm(handle, cublasOperation.CUBLAS_OP_T, cublasOperation.CUBLAS_OP_N, 3, 5, 7,
                Pointer.to(new float[] {1.5f}), a, 11, b, 13, Pointer.to(new float[] {-2f}), c, 17));
        // Not in the stand-in: the forwarding library's stub must answer, not the loader kill the JVM.
        System.out.println("sdot=" + JCublas2.cublasSdot(handle, 3, a, 1, b, 1, Pointer.to(new float[1])));
        System.out.println("destroy=" + JCublas2.cublasDestroy(handle));
    }
}
