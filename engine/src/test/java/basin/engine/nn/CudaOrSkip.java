package basin.engine.nn;

import basin.kernels.cuda.CudaBackend;
import basin.kernels.cuda.CudaUnavailableException;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CUDA backend for a GPU test, or the test skipped with the reason CUDA cannot be used. */
final class CudaOrSkip {
    private CudaOrSkip() {
    }

    /** @param test what is skipped, for the message, e.g. "CUDA HVP parity" */
    static CudaBackend backend(String test) {
        try {
            return CudaBackend.get();
        } catch (CudaUnavailableException e) {
            assumeTrue(false, test + " skipped: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }
}
