package basin.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The fp32 peak that the GEMM is measured against: a loop of fused multiply-adds on the widest
 * vectors the JVM offers, with {@value #CHAINS} independent accumulators so that the FMA latency
 * (4 cycles, 2 ports on recent x86) is hidden and only throughput limits it. No loads or stores in
 * the loop: this is the ceiling no GEMM can pass.
 *
 * <p>Each chain is acc ← x·y + acc, the accumulator being the addend, as in the GEMM's
 * micro-kernel. x86's FMA overwrites one of its operands; with the accumulator as the
 * multiplicand (acc ← acc·x + y) C2 copied y into a fresh register before every FMA and, with
 * the loop unrolled, kept some chains on the stack: that loop measured 63–67 GFLOP/s on one
 * thread where this one measures about 90.
 *
 * <p>Each call does {@value #STEPS} × {@value #CHAINS} vector FMAs, i.e. 2 · STEPS · CHAINS · lanes
 * FLOPs. The score is nanoseconds per call per thread; total GFLOP/s = threads · FLOPs / score.
 * {@code fma1} runs one thread, {@code fma2} two (the cores this machine's JVM sees), so the pair
 * shows whether the two processors share one core's FMA units.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakFlopsBench {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    static final int STEPS = 4096;

    // Values that stay finite and normal under STEPS repeated x·y + acc. Kept as floats and
    // broadcast inside the loop's method: a FloatVector read from a field has no compile-time
    // shape, so C2 would not turn its operations into vector instructions.
    private float x = 0.999f, y = 1e-3f;

    /** FLOPs in one call, for converting the score. */
    public static long flopsPerCall() {
        return 2L * STEPS * CHAINS * SPECIES.length();
    }

    @Benchmark
    @Threads(1)
    public float fma1() {
        return fmaLoop();
    }

    @Benchmark
    @Threads(2)
    public float fma2() {
        return fmaLoop();
    }

    private float fmaLoop() {
        FloatVector x = FloatVector.broadcast(SPECIES, this.x);
        FloatVector y = FloatVector.broadcast(SPECIES, this.y);
        FloatVector a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y;
        FloatVector a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (int s = 0; s < STEPS; s++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        // Reduce so that every chain is live.
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
                .add(a10).add(a11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
