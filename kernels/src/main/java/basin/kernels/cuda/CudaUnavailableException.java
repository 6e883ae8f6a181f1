package basin.kernels.cuda;

/** CUDA cannot be used in this process; the message says why (no driver, no device, no cuBLAS, …). */
public final class CudaUnavailableException extends CudaException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
