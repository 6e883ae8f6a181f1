package basin.kernels.cuda;

/**
 * Queues one kernel from the PTX modules on the backend's stream. Arguments are device pointers
 * ({@code jcuda.Pointer}), {@code Integer}, {@code Long} or {@code Float}, matching the kernel's
 * parameters in order ({@link PtxModules#checkArguments}).
 */
interface KernelLauncher {
    void launch(String kernel, int blocks, int threadsPerBlock, int sharedBytes, Object... args);
}
