package basin.benchmarks;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import basin.engine.probe.ActivationMemory;
import basin.kernels.cpu.CpuBackend;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures the heap one gradient and one HVP of a batch hold at their peak, for the calibration of
 * {@link ActivationMemory}: every buffer the tape allocates belongs to the call's arena until the
 * call ends, so what the CPU backend's pool holds after one call from an empty pool (heap in use
 * after a full GC, minus before) is what the call needed at once. Prints, per model and batch, the
 * measured bytes, the bytes per example, and their ratio to 4 × {@link ActivationMemory#floatsPerExample}.
 *
 * <p>{@code java -cp … basin.benchmarks.ActivationMemoryCalibration [MODEL:BATCH …]}, e.g.
 * {@code simple-resnet:4 vanilla-cnn:16 mlp:128}; {@code mlp} is the 784-256-10 MLP.
 */
public final class ActivationMemoryCalibration {
    private ActivationMemoryCalibration() {
    }

    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("--once")) {
            // One call and exit: run under a chosen -Xmx, it fails with OutOfMemoryError when the heap is too small.
            String[] parts = args[1].split(":");
            measure(model(parts[0]), Integer.parseInt(parts[1]), args[2].equals("hvp"));
            return;
        }
        String[] runs = args.length > 0 ? args : new String[] {"mlp:128", "noise-regimes-cnn:64", "vanilla-cnn:16", "simple-resnet:4"};
        System.out.println("| model | batch | floats per example (tape) | gradient: measured | per example | × 4·floats | HVP: measured | per example | × 4·floats |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String run : runs) {
            String[] parts = run.split(":");
            Sequential model = model(parts[0]);
            int batch = Integer.parseInt(parts[1]);
            long floats = ActivationMemory.floatsPerExample(model);
            long gradient = measure(model, batch, false), hvp = measure(model, batch, true);
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %.1f MiB | %.2f MiB | %.2f | %.1f MiB | %.2f MiB | %.2f |%n", parts[0], batch, floats,
                    gradient / 1048576.0, gradient / 1048576.0 / batch, gradient / (4.0 * floats * batch),
                    hvp / 1048576.0, hvp / 1048576.0 / batch, hvp / (4.0 * floats * batch));
        }
    }

    private static Sequential model(String name) {
        return name.equals("mlp") ? ModelSpec.parse(ModelSpec.mlp(new int[] {1, 28, 28}, 256, 10)) : StudyModels.model(name);
    }

    /** Heap held after one call from an empty pool, in bytes: the call's peak. */
    private static long measure(Sequential model, int batch, boolean hvp) {
        CpuBackend cpu = CpuBackend.get();
        ParamVector theta = model.initialParameters(cpu, 0), v = ParamVector.gaussian(cpu, model.layout(), new SplittableRandom(1));
        ParamVector out = theta.zerosLike();
        SplittableRandom rng = new SplittableRandom(2);
        int[] dims = model.inputShape().dims();
        int perExample = model.inputShape().size(), classes = model.outputShape().size();
        float[] x = new float[batch * perExample], t = new float[batch * classes];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        for (int b = 0; b < batch; b++) t[b * classes + rng.nextInt(classes)] = 1;
        int[] shape = new int[dims.length + 1];
        shape[0] = batch;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        Batch data = new Batch(Tensor.fromHost(cpu, Shape.of(shape), x), Tensor.fromHost(cpu, Shape.of(batch, classes), t));
        // A training step's gradient normalises BatchNorm by the batch; a probe's HVP uses the running statistics.
        Objective objective = new Objective(model, hvp ? Mode.EVAL : Mode.TRAIN);
        cpu.clearPool();
        long before = used();
        if (hvp) objective.hvp(theta, v, data, out, null);
        else objective.gradient(theta, data, out);
        long after = used();
        cpu.clearPool();
        return after - before;
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        for (int k = 0; k < 3; k++) System.gc();
        return r.totalMemory() - r.freeMemory();
    }
}
