package basin.experiments.cli;

import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

import java.util.concurrent.Callable;

/**
 * What every probe that measures a model's loss over a grid shares, whatever gives it its weights
 * ({@code --weights} for the landscape commands, {@code --checkpoints} for the trajectory): the model
 * spec ({@code --model}), the data flags of {@code basin eval}, the evaluation batch, the threads that
 * measure points at once, the device, and printing one JSON object ({@code --json}).
 */
abstract class ModelProbeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model spec (JSON).")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--batch", defaultValue = "500", description = "Evaluation batch size (default: ${DEFAULT-VALUE}); results do not depend on it.")
    int batch;

    @Option(names = "--threads", description = "Threads measuring points at once (default: one per processor on the CPU, one on a GPU).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    DeviceOptions device;

    private Backend backend;

    /** The backend of {@code --device}, picked once. */
    Backend backend() {
        if (backend == null) backend = device.backend();
        return backend;
    }

    /** Refuses a {@code --batch} below one. */
    void checkBatch() {
        if (batch < 1) throw new IllegalArgumentException("--batch must be ≥ 1, got " + batch);
    }

    int threads() {
        // On a GPU every kernel queues on the backend's one stream, and each point's scalar reads wait
        // for all of it: more threads would only take turns there.
        int t = threads != null ? threads : backend() instanceof CpuBackend ? Runtime.getRuntime().availableProcessors() : 1;
        if (t < 1) throw new IllegalArgumentException("--threads must be ≥ 1, got " + t);
        return t;
    }
}
