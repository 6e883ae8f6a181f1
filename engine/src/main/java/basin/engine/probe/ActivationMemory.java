package basin.engine.probe;

import basin.autodiff.Shape;
import basin.engine.nn.Layer;
import basin.engine.nn.Sequential;
import basin.kernels.Backend;

import java.util.Locale;

/**
 * An estimate of the heap one gradient or one HVP of a batch holds at once, checked with
 * {@link MemoryGuard} before training or a probe starts. The tape keeps every layer's output until
 * the reverse sweep has passed it, and the arena of the call keeps every intermediate buffer until
 * the call ends, so the memory grows with the batch B times the activations of one example:
 * <pre>
 *   a = Σ_layers (floats each layer leaves on the tape for one example)     ({@link Layer#activationFloats})
 *   gradient ≈ {@value #GRADIENT_FACTOR} · 4 bytes · a · B        HVP ≈ {@value #HVP_FACTOR} · 4 bytes · a · B
 * </pre>
 * The factors stand for what the outputs alone leave out: the cotangent of each output in the
 * reverse sweep, and for an HVP the tangent of every primal and of every cotangent (forward over
 * reverse), the layers' own intermediates (a convolution's unfolded patches, BatchNorm's centred
 * input and inverse deviations, pooling's argmax, ReLU's mask) and the parameter-sized buffers.
 * They are calibrated, not derived, by {@code basin.benchmarks.ActivationMemoryCalibration}: every
 * buffer of one call belongs to its arena until the call ends, so the heap the CPU backend's pool
 * holds after one call from an empty pool is what the call held at once. Measured 2026-12-04 on the
 * study models (benchmarks/RESULTS.md, "Activation memory"), that heap over 4a·B bytes is 6.7–7.9
 * for the noise-regimes CNN, 11.1–12.0 for the vanilla CNN, 9.2–14.3 for ResNet-20 and 9.2–15.2 for
 * the SimpleResNet for an HVP, and 3.2–10.1 for a training gradient (the ResNets' ratios rise with
 * the batch, up to 16 to 64 examples); the factors are the largest, rounded up. The SimpleResNet of cnn-vs-resnet holds about 105 MiB per example for an HVP and
 * about 73 MiB for a gradient at batch 16. An MLP's activations are small beside its
 * parameter-sized buffers, which this leaves out; there the estimate is low, but so is the memory.
 *
 * <p>Like every {@link MemoryGuard} estimate this is a lower bound on what the JVM needs: the
 * collector keeps each array of half a region or more in whole regions of its own, and garbage
 * between collections takes room too. A refusal means the call cannot fit; passing does not
 * promise that it will.
 *
 * <p>Only the CPU backend keeps these buffers in the Java heap; on CUDA they live in device
 * memory, which this does not check.
 */
public final class ActivationMemory {
    /** Heap of one HVP (forward over reverse) per byte of the tape's float32 layer outputs. */
    public static final double HVP_FACTOR = 16;
    /** Heap of one gradient (a reverse sweep) per byte of the tape's float32 layer outputs. */
    public static final double GRADIENT_FACTOR = 11;

    private ActivationMemory() {
    }

    /** a: floats per example that the model's forward pass leaves on the tape (its input and every layer's outputs). */
    public static long floatsPerExample(Sequential model) {
        Shape s = model.inputShape();
        long floats = s.size();
        for (Layer layer : model.layers()) {
            floats += layer.activationFloats(s);
            s = layer.outputShape(s);
        }
        return floats;
    }

    /** The estimated heap, in bytes, of one HVP of a batch of {@code batch} examples. */
    public static long hvpBytes(Sequential model, int batch) {
        return bytes(model, batch, HVP_FACTOR);
    }

    /** The estimated heap, in bytes, of one gradient of a batch of {@code batch} examples. */
    public static long gradientBytes(Sequential model, int batch) {
        return bytes(model, batch, GRADIENT_FACTOR);
    }

    private static long bytes(Sequential model, int batch, double factor) {
        if (batch < 1) throw new IllegalArgumentException("activation memory: batch must be ≥ 1, got " + batch);
        return (long) Math.ceil(factor * 4.0 * floatsPerExample(model) * batch);
    }

    /**
     * Refuses, before any work, a probe whose {@code concurrent} HVPs of {@code batch} examples each
     * (one per thread measuring points at once) cannot fit in the free heap; nothing is checked
     * on a backend other than the CPU's.
     *
     * @param modelName how the user named the model (its spec file, a study's model)
     * @param flag      the option that lowers the batch, e.g. {@code "--batch"}
     * @return whether anything was checked: false on a backend that keeps its buffers outside the heap
     * @throws IllegalStateException naming the model, the batch, the estimate, the free heap and the flag
     */
    public static boolean requireHvp(Backend backend, Sequential model, String modelName, int batch, int concurrent, String flag) {
        if (!checked(backend)) return false;
        MemoryGuard.require(describe("HVP", modelName, model, batch, concurrent, HVP_FACTOR),
                Math.multiplyExact(hvpBytes(model, batch), (long) concurrent), flag);
        return true;
    }

    /** As {@link #requireHvp}, for the gradients of training: one at a time, {@code batch} examples each. */
    public static boolean requireGradient(Backend backend, Sequential model, String modelName, int batch, String flag) {
        if (!checked(backend)) return false;
        MemoryGuard.require(describe("gradient", modelName, model, batch, 1, GRADIENT_FACTOR), gradientBytes(model, batch), flag);
        return true;
    }

    /** Whether {@code backend} keeps its buffers in the Java heap (the CPU's does; CUDA's are in device memory). */
    public static boolean checked(Backend backend) {
        return backend.name().equals("cpu");
    }

    /** The check with the heap's size and use given, so that a test can pose a heap that cannot fit. */
    static void requireHvp(Sequential model, String modelName, int batch, String flag, long maxHeap, long inUse) {
        MemoryGuard.require(describe("HVP", modelName, model, batch, 1, HVP_FACTOR), hvpBytes(model, batch), flag, maxHeap, inUse);
    }

    /** What {@link MemoryGuard} prints before its figures. */
    static String describe(String call, String modelName, Sequential model, int batch, int concurrent, double factor) {
        long a = floatsPerExample(model);
        return String.format(Locale.ROOT, "%s of %s at batch %d%s: the tape holds %,d float32 activations per example, about %.1f MiB per example "
                        + "with tangents, cotangents and the layers' intermediates (%.0f × 4 bytes each)", call, modelName, batch,
                concurrent > 1 ? " on " + concurrent + " threads at once" : "", a, factor * 4.0 * a / (1 << 20), factor);
    }
}
