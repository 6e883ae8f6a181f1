package basin.experiments.cli;

import basin.engine.nn.Sequential;
import basin.engine.probe.ActivationMemory;
import basin.kernels.Backend;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The commands' guard before a long run: {@link ActivationMemory}'s estimate of one HVP's or one
 * gradient's heap, checked against the free heap before any work, refused with the figures and the
 * flag that lowers it. On a backend whose buffers are not in the heap (CUDA) nothing is checked,
 * and a line on standard error says so.
 */
final class MemoryChecks {
    private MemoryChecks() {
    }

    /** {@code concurrent} HVPs of {@code batch} examples at once (one per thread measuring points). */
    static void hvp(Backend backend, Sequential net, Path model, int batch, int concurrent, String flag) {
        if (!ActivationMemory.requireHvp(backend, net, model.getFileName().toString(), batch, concurrent, flag)) {
            notChecked(backend, "HVP", ActivationMemory.hvpBytes(net, batch) * concurrent, batch);
        }
    }

    /** One training gradient of {@code batch} examples. */
    static void gradient(Backend backend, Sequential net, Path model, int batch, String flag) {
        if (!ActivationMemory.requireGradient(backend, net, model.getFileName().toString(), batch, flag)) {
            notChecked(backend, "gradient", ActivationMemory.gradientBytes(net, batch), batch);
        }
    }

    private static void notChecked(Backend backend, String call, long bytes, int batch) {
        System.err.printf(Locale.ROOT, "memory  not checked on %s: its buffers are in device memory (the heap estimate of one %s at batch %d "
                + "is %.1f MiB)%n", backend.name(), call, batch, bytes / (double) (1 << 20));
    }
}
