package basin.kernels.cuda;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;

/**
 * Turns the status codes of the driver API and of cuBLAS into exceptions that name the failed call.
 * JCuda's own exceptions are left off: they carry only the error's name, not which op failed.
 */
public final class CudaCheck {
    private CudaCheck() {
    }

    /** Throws unless {@code status} is {@code CUDA_SUCCESS}; {@code op} is the call and its arguments. */
    public static void driver(int status, String op) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuda: " + op + " failed: " + CUresult.stringFor(status));
        }
    }

    /** Throws unless {@code status} is {@code CUBLAS_STATUS_SUCCESS}. */
    public static void cublas(int status, String op) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException("cublas: " + op + " failed: " + cublasStatus.stringFor(status));
        }
    }
}
