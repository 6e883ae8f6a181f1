package basin.experiments.bench;

import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import basin.kernels.cuda.CudaBackend;
import basin.kernels.cuda.CudaCheck;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Times repeated calls of one operation in this process: a warm-up first (the JIT compiles the hot
 * path, the backend's arena fills with the call's buffers), then every call is timed on its own
 * until both the measuring time has passed and enough calls were made to give a median and
 * quartiles.
 *
 * <p>On the CPU a call is timed with the wall clock. On CUDA the host only queues the work, so a
 * call is bracketed by two CUDA events on the backend's stream and the time is the device's,
 * between them; the stream is drained before each call so that one call's work is not counted in
 * the next.
 */
public final class CallTimer {
    /** Fewest warm-up calls: the first fills the arena, the second runs on it. */
    static final int MIN_WARMUP_CALLS = 2;

    /** Most calls, after the warm-up time, spent waiting for the JIT to settle. */
    static final int MAX_WARMUP_CALLS = 20;

    private final double warmupSeconds, seconds;
    private final int minCalls;

    /** Warm up for {@code warmupSeconds}, then time calls for {@code seconds} and at least {@code minCalls} calls. */
    public CallTimer(double warmupSeconds, double seconds, int minCalls) {
        if (!(warmupSeconds >= 0)) throw new IllegalArgumentException("warm-up must be ≥ 0 s, got " + warmupSeconds);
        if (!(seconds > 0)) throw new IllegalArgumentException("measuring time must be > 0 s, got " + seconds);
        if (minCalls < 1) throw new IllegalArgumentException("at least one call must be timed, got " + minCalls);
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
        this.minCalls = minCalls;
    }

    /**
     * Calls {@code call} for the warm-up time and at least {@link #MIN_WARMUP_CALLS} times, and then
     * on until a call runs without the JIT compiling anything (at most {@link #MAX_WARMUP_CALLS}
     * more).
     * Time alone is not enough: C2 compiles a kernel on the profile of what has run so far, and a
     * path first taken later (a GEMM with β = 1 in a backward pass, say) throws that code away and
     * runs it unoptimised until it is compiled again. On ResNet-20, about a second a call, the GEMM's
     * micro-kernel was compiled, dropped and compiled again over the first ten seconds.
     */
    private void warmUp(Runnable call) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int calls = 0, afterTime = 0;
        while (true) {
            long compiling = measurable ? jit.getTotalCompilationTime() : 0;
            call.run();
            calls++;
            boolean settled = !measurable || jit.getTotalCompilationTime() == compiling;
            if (calls < MIN_WARMUP_CALLS || System.nanoTime() < warmupEnd) continue;
            if (settled || ++afterTime >= MAX_WARMUP_CALLS) return;
        }
    }

    /** The per-call durations of {@code call}, which runs its work on {@code backend}. */
    public CallTimes time(Backend backend, Runnable call) {
        warmUp(call);
        // The CUDA classes are touched only when the backend is CUDA's (as in Devices).
        try (Clock clock = backend instanceof CpuBackend ? new WallClock() : new EventClock((CudaBackend) backend)) {
            double[] ms = new double[64];
            int calls = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (calls < minCalls || System.nanoTime() < end) {
                if (calls == ms.length) ms = Arrays.copyOf(ms, 2 * calls);
                ms[calls++] = clock.milliseconds(call);
            }
            return CallTimes.of(Arrays.copyOf(ms, calls));
        }
    }

    /** How long one call took, in milliseconds. */
    private interface Clock extends AutoCloseable {
        double milliseconds(Runnable call);

        @Override
        void close();
    }

    private static final class WallClock implements Clock {
        @Override
        public double milliseconds(Runnable call) {
            long start = System.nanoTime();
            call.run();
            return (System.nanoTime() - start) / 1e6;
        }

        @Override
        public void close() {
        }
    }

    private static final class EventClock implements Clock {
        private final CudaBackend gpu;
        private final CUevent begin = new CUevent(), end = new CUevent();

        EventClock(CudaBackend gpu) {
            this.gpu = gpu;
            CudaCheck.driver(JCudaDriver.cuEventCreate(begin, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            CudaCheck.driver(JCudaDriver.cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        }

        @Override
        public double milliseconds(Runnable call) {
            gpu.synchronize();
            CudaCheck.driver(JCudaDriver.cuEventRecord(begin, gpu.stream()), "cuEventRecord(begin)");
            call.run();
            CudaCheck.driver(JCudaDriver.cuEventRecord(end, gpu.stream()), "cuEventRecord(end)");
            CudaCheck.driver(JCudaDriver.cuEventSynchronize(end), "cuEventSynchronize");
            float[] ms = {0};
            CudaCheck.driver(JCudaDriver.cuEventElapsedTime(ms, begin, end), "cuEventElapsedTime");
            return ms[0];
        }

        @Override
        public void close() {
            CudaCheck.driver(JCudaDriver.cuEventDestroy(begin), "cuEventDestroy");
            CudaCheck.driver(JCudaDriver.cuEventDestroy(end), "cuEventDestroy");
        }
    }
}
