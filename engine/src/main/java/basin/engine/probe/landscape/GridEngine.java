package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.MemoryGuard;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the missing points of a grid are measured: on this machine's threads ({@link #threads}), or
 * across a cluster (the {@code distributed} module's Spark engine). Either way point k is
 * f(a_k, b_k) = L(θ + a_k d₁ + b_k d₂), its parameters formed by {@link Slice#pointAt}, so an engine
 * changes where a point is measured and never its value.
 */
public interface GridEngine {

    /**
     * Measures the points {@code todo} (indices into {@code a} and {@code b}; {@code d2} may be null
     * for a line) and hands each to {@code log} as soon as this engine has it. {@link GridLog#record}
     * may be called from several threads.
     *
     * @return every measured point, by index
     */
    Map<Integer, LossSurface.Measurement> measure(ParamVector theta, ParamVector d1, ParamVector d2,
                                                  double[] a, double[] b, List<Integer> todo, GridLog log);

    /**
     * The points on {@code threads} threads of this machine, each thread with its own copy of θ
     * (see {@link Slice} for why whole points per thread).
     */
    static GridEngine threads(LossSurface f, int threads) {
        if (threads < 1) throw new IllegalArgumentException("slice: threads must be ≥ 1, got " + threads);
        return (theta, d1, d2, a, b, todo, log) -> {
            Map<Integer, LossSurface.Measurement> measured = new HashMap<>();
            AtomicInteger next = new AtomicInteger();
            Runnable worker = () -> {
                ParamVector point = theta.copy();                    // this thread's θ + a d₁ + b d₂
                try {
                    for (int k = next.getAndIncrement(); k < todo.size(); k = next.getAndIncrement()) {
                        int index = todo.get(k);
                        Slice.pointAt(theta, d1, d2, a[index], b[index], point);
                        LossSurface.Measurement m = f.measure(point);
                        synchronized (measured) {
                            measured.put(index, m);
                        }
                        log.record(index, a[index], b[index], m);
                    }
                } catch (RuntimeException | Error e) {
                    next.set(todo.size());                           // the other threads take no new point
                    throw e;
                }
            };
            int workers = Math.min(threads, Math.max(1, todo.size()));
            MemoryGuard.require(theta.backend(), "slice: " + workers + " threads each hold their own copy of θ, " + theta.dim()
                    + " float32", MemoryGuard.floats(workers, theta.dim()), "--threads");
            Slice.runOn(workers, worker);
            return measured;
        };
    }
}
