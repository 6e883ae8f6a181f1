package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Slices of the loss through a point θ (Li et al. 2018, §3):
 * <pre>
 *   1D   f(α)    = L(θ + α d)              over a grid α₁ … α_m
 *   2D   f(α, β) = L(θ + α d₁ + β d₂)      over α₁ … α_m × β₁ … β_n, α outer
 * </pre>
 * with the accuracy beside each loss. Grid points are independent, so they are measured on
 * {@code threads} threads, each with its own copy of θ (or by another {@link GridEngine}, e.g. over a
 * cluster); every finished point goes to a {@link GridLog} at once, and points the log already holds
 * are not measured again.
 *
 * <p>Why threads over points and not only the parallel GEMM: the GEMM splits only products above
 * 2²¹ multiply-adds across cores, while the element-wise kernels, the log-softmax and the loss
 * reductions of a forward pass run on one thread. Whole points per thread keep every core busy for
 * the whole pass and need no synchronisation. The tape and the arenas are per thread, the buffer
 * pool is concurrent, and a GEMM that finds the shared GEMM pool busy runs on its caller's thread,
 * so concurrent forward passes are safe.
 */
public final class Slice {
    private Slice() {
    }

    /**
     * The measured grid. For a 1D slice {@code betas} is null and the arrays have one entry per α;
     * for a 2D slice entry {@code i·n + j} is (α_i, β_j). {@code resumed} counts the points taken from
     * the log rather than measured.
     */
    public record Result(double[] alphas, double[] betas, double[] losses, double[] accuracies, int resumed) {
        /** The loss at (α_i, β_j). */
        public double loss(int i, int j) {
            return losses[i * (betas == null ? 1 : betas.length) + j];
        }

        /** Losses as rows, one per α (the 2D grid row by row). */
        public double[][] lossRows() {
            return rows(losses);
        }

        /** Accuracies as rows, one per α. */
        public double[][] accuracyRows() {
            return rows(accuracies);
        }

        private double[][] rows(double[] values) {
            int n = betas == null ? 1 : betas.length;
            double[][] r = new double[alphas.length][n];
            for (int i = 0; i < alphas.length; i++) System.arraycopy(values, i * n, r[i], 0, n);
            return r;
        }
    }

    /** f(α) = L(θ + α d) at each α. */
    public static Result line(LossSurface f, ParamVector theta, ParamVector d, double[] alphas, int threads, GridLog log) {
        return grid(f, theta, d, null, alphas, null, threads, log);
    }

    /** f(α, β) = L(θ + α d₁ + β d₂) over the grid, α outer. */
    public static Result plane(LossSurface f, ParamVector theta, ParamVector d1, ParamVector d2,
                               double[] alphas, double[] betas, int threads, GridLog log) {
        return grid(f, theta, d1, d2, alphas, betas, threads, log);
    }

    /** f(α) = L(θ + α d) at each α, the points measured by {@code engine}. */
    public static Result line(GridEngine engine, ParamVector theta, ParamVector d, double[] alphas, GridLog log) {
        return grid(engine, theta, d, null, alphas, null, log);
    }

    /** f(α, β) = L(θ + α d₁ + β d₂) over the grid, α outer, the points measured by {@code engine}. */
    public static Result plane(GridEngine engine, ParamVector theta, ParamVector d1, ParamVector d2,
                               double[] alphas, double[] betas, GridLog log) {
        return grid(engine, theta, d1, d2, alphas, betas, log);
    }

    /**
     * point ← θ + a d₁ + b d₂ (d₂ may be null), in this order of float32 operations: every grid
     * engine forms a point's parameters here, so a point's value does not depend on where it ran.
     */
    public static void pointAt(ParamVector theta, ParamVector d1, ParamVector d2, double a, double b, ParamVector point) {
        point.copyFrom(theta);
        point.axpy(a, d1);
        if (d2 != null) point.axpy(b, d2);
    }

    /** n points evenly spaced from {@code from} to {@code to}, both included (numpy's linspace). */
    public static double[] linspace(double from, double to, int n) {
        if (n < 1) throw new IllegalArgumentException("linspace: need at least one point, got " + n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = n == 1 ? from : from + (to - from) * i / (n - 1);
        return x;
    }

    private static Result grid(LossSurface f, ParamVector theta, ParamVector d1, ParamVector d2,
                               double[] alphas, double[] betas, int threads, GridLog log) {
        return grid(GridEngine.threads(f, threads), theta, d1, d2, alphas, betas, log);
    }

    private static Result grid(GridEngine engine, ParamVector theta, ParamVector d1, ParamVector d2,
                               double[] alphas, double[] betas, GridLog log) {
        int n = betas == null ? 1 : betas.length, points = alphas.length * n;
        double[] a = new double[points], b = new double[points];
        for (int index = 0; index < points; index++) {
            a[index] = alphas[index / n];
            b[index] = betas == null ? 0 : betas[index % n];
        }
        Measured m = at(engine, theta, d1, d2, a, b, log);
        return new Result(alphas.clone(), betas == null ? null : betas.clone(), m.losses, m.accuracies, m.resumed);
    }

    /** Losses and accuracies at listed points, and how many came from the log. */
    record Measured(double[] losses, double[] accuracies, int resumed) {
    }

    /**
     * L(θ + a_k d₁ + b_k d₂) at the listed points k (d₂ may be null), on {@code threads} threads,
     * skipping and reporting the points the log holds.
     */
    static Measured at(LossSurface f, ParamVector theta, ParamVector d1, ParamVector d2,
                       double[] a, double[] b, int threads, GridLog log) {
        return at(GridEngine.threads(f, threads), theta, d1, d2, a, b, log);
    }

    /** The same, with the points measured by {@code engine}. */
    static Measured at(GridEngine engine, ParamVector theta, ParamVector d1, ParamVector d2,
                       double[] a, double[] b, GridLog log) {
        Directions.requireSameLayout(theta.layout(), d1.layout(), "parameters", "direction d1");
        if (d2 != null) Directions.requireSameLayout(theta.layout(), d2.layout(), "parameters", "direction d2");
        int points = a.length;
        double[] losses = new double[points], accuracies = new double[points];
        boolean[] have = new boolean[points];
        int resumed = 0;
        for (Map.Entry<Integer, LossSurface.Measurement> e : log.completed().entrySet()) {
            int i = e.getKey();
            if (i < 0 || i >= points) continue;
            losses[i] = e.getValue().loss();
            accuracies[i] = e.getValue().accuracy();
            have[i] = true;
            resumed++;
        }
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < points; i++) if (!have[i]) todo.add(i);
        Map<Integer, LossSurface.Measurement> measured = engine.measure(theta, d1, d2, a, b, todo, log);
        for (int index : todo) {
            LossSurface.Measurement m = measured.get(index);
            if (m == null) throw new IllegalStateException("slice: the grid engine returned no measurement for point " + index);
            losses[index] = m.loss();
            accuracies[index] = m.accuracy();
        }
        return new Measured(losses, accuracies, resumed);
    }

    /** Runs {@code worker} on that many threads (the caller's alone when one) and rethrows the first failure. */
    static void runOn(int threads, Runnable worker) {
        if (threads == 1) {
            worker.run();
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "basin-grid");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) futures.add(pool.submit(worker));
            for (Future<?> fu : futures) fu.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("slice: interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new IllegalStateException("slice: a grid point failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
