package basin.experiments.cli;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.PowerIteration;
import basin.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code basin probe lambda-max}: λmax of the loss Hessian of a seeded random MLP on a seeded random
 * batch, by power iteration on exact HVPs. It proves the whole chain (kernels, tape, HVP, probe)
 * without any data on disk.
 */
@Command(name = "lambda-max", mixinStandardHelpOptions = true,
        description = "λmax of the Hessian of a seeded random MLP on random data, by power iteration on HVPs.")
public final class LambdaMaxCommand implements Callable<Integer> {

    @Option(names = "--widths", split = ",", defaultValue = "784,256,10",
            description = "Layer widths from input to classes (default: ${DEFAULT-VALUE}).")
    int[] widths;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for weights, data and the start vector (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-iterations", defaultValue = "300", description = "Most power steps (default: ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(names = "--tol", defaultValue = "1e-3", description = "Stop when the residual ‖Hv − λv‖ is at most this times |λ| (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--explain", description = "Print the Rayleigh quotient at every step.")
    boolean explain;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        if (widths.length < 2) throw new IllegalArgumentException("--widths needs at least an input and an output width");
        Backend backend = device.backend();
        SplittableRandom rng = new SplittableRandom(seed);
        int[] layers = java.util.Arrays.copyOfRange(widths, 1, widths.length);
        Sequential model = Mlp.of(Shape.of(widths[0]), layers);
        ParamVector theta = model.initialParameters(backend, rng.nextLong());
        Batch data = randomBatch(backend, rng, batch, widths[0], widths[widths.length - 1]);

        System.out.printf(Locale.ROOT, "model   %s%n", model);
        System.out.printf(Locale.ROOT, "data    %d random examples, inputs uniform in [0, 1), labels uniform (seed %d)%n", batch, seed);
        HessianOperator h = new HessianOperator(new Objective(model, Mode.EVAL), theta, List.of(data));
        long start = System.nanoTime();
        PowerIteration.Result r = PowerIteration.run(h, maxIterations, tol, rng, explain
                ? (t, q, change) -> System.out.printf(Locale.ROOT, "  step %3d   vᵀHv = %.6f   relative change %.2e%n", t, q, change)
                : null);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "lambda_max  %.6f   (residual ‖Hv − λv‖ %.1e: an eigenvalue lies within it)%n", r.lambda(), r.residual());
        System.out.printf(Locale.ROOT, "iterations  %d (%s, tol %.1e), %d HVPs in %.2f s%n", r.iterations(),
                r.converged() ? "converged" : "not converged", tol, h.hvpCount(), seconds);
        return 0;
    }

    /** Inputs uniform in [0, 1) (pixel-like), one-hot labels uniform over the classes. */
    static Batch randomBatch(Backend backend, SplittableRandom rng, int n, int features, int classes) {
        float[] x = new float[n * features];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        float[] oneHot = new float[n * classes];
        for (int b = 0; b < n; b++) oneHot[b * classes + rng.nextInt(classes)] = 1f;
        return new Batch(Tensor.fromHost(backend, Shape.of(n, features), x), Tensor.fromHost(backend, Shape.of(n, classes), oneHot));
    }
}
