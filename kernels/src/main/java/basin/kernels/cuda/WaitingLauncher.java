package basin.kernels.cuda;

import java.util.function.IntSupplier;

/**
 * Waits for each kernel right after queueing it ({@code -Dbasin.cuda.syncLaunches=true}). A kernel
 * that faults (an illegal address, a trap) is otherwise reported by whichever call next waits for
 * the stream, a copy or a dot product, under that call's name; after such an error the context stays
 * unusable, so every later call fails too. Waiting after each launch names the kernel, its grid and
 * its block instead. It costs the overlap of host and device: for diagnosis and test runs, not for timing.
 */
final class WaitingLauncher implements KernelLauncher {
    private final KernelLauncher queue;
    private final IntSupplier synchronize;

    /** {@code synchronize} waits for the stream and answers a driver status ({@code cuStreamSynchronize}). */
    WaitingLauncher(KernelLauncher queue, IntSupplier synchronize) {
        this.queue = queue;
        this.synchronize = synchronize;
    }

    @Override
    public void launch(String kernel, int blocks, int threadsPerBlock, int sharedBytes, Object... args) {
        queue.launch(kernel, blocks, threadsPerBlock, sharedBytes, args);
        CudaCheck.driver(synchronize.getAsInt(), "kernel " + kernel + " (" + blocks + " blocks × " + threadsPerBlock
                + " threads), waited for after its launch");
    }
}
