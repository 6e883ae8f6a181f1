package basin.kernels.cuda;

/**
 * The device could not hold one more buffer even after the pool gave back every cached block and a
 * garbage collection returned the blocks of unreachable buffers. The message states the request,
 * what Basin holds in use and what the device reports free and in total, so the user can see
 * whether a smaller batch would fit.
 */
public final class DeviceOutOfMemoryException extends CudaException {
    private static final long serialVersionUID = 1L;

    public DeviceOutOfMemoryException(String message) {
        super(message);
    }
}
