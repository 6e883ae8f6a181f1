package basin.benchmarks;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.OrthonormalBasis;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.Lanczos;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a Lanczos step costs beyond its HVP, on the 784-256-10 MLP (203,530 parameters) and one batch
 * of 128 examples. {@code hvp} is one H·v through the same {@link HessianOperator} Lanczos uses;
 * {@code reorthogonalise} is step 6 of step j = {@code steps} alone, on the w that step would see
 * (after the three-term recurrence), against that many stored vectors held as one block
 * ({@link OrthonormalBasis}: two matrix–vector products per classical Gram–Schmidt pass, 4jp
 * flops), which is what a step adds to its HVP besides ~6 vector passes for the recurrence, the
 * norms and the new q; {@code modifiedGramSchmidt} is the same step done as a dot and an axpy per
 * stored vector, the baseline; {@code lanczos} and {@code lanczosPlain} are whole m-step runs with
 * and without re-orthogonalisation (per step: the score / m).
 *
 * <p>What would make the number wrong: a first-call measurement (the arena fills on the first HVP;
 * warm-up covers it), and a result not consumed (each run returns its Ritz values to JMH).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LanczosStepBench {

    @Param({"20", "80"})
    public int steps;

    private HessianOperator hessian;
    private ParamVector v, hv, start, w, residual;
    private OrthonormalBasis basis;
    private List<ParamVector> vectors;

    @Setup
    public void setUp() {
        Backend cpu = CpuBackend.get();
        SplittableRandom rng = new SplittableRandom(42);
        Sequential model = Mlp.of(Shape.of(784), 256, 10);
        ParamVector theta = model.initialParameters(cpu, 1);
        int batch = 128;
        float[] x = new float[batch * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        float[] t = new float[batch * 10];
        for (int b = 0; b < batch; b++) t[b * 10 + rng.nextInt(10)] = 1f;
        Batch data = new Batch(Tensor.fromHost(cpu, Shape.of(batch, 784), x), Tensor.fromHost(cpu, Shape.of(batch, 10), t));
        hessian = new HessianOperator(new Objective(model, Mode.EVAL), theta, List.of(data));
        v = ParamVector.gaussian(cpu, model.layout(), rng);
        hv = v.zerosLike();
        start = ParamVector.gaussian(cpu, model.layout(), rng);
        // The basis of a real run: Lanczos vectors of this Hessian, and the w that step 6 of its last
        // step sees, H q_m − α_m q_m − β_{m−1} q_{m−1}. (H q_m alone cancels by a factor ~0.7 in
        // step 6, right at the DGKS threshold, and would measure two passes where a run does one.)
        Lanczos.Result run = Lanczos.run(hessian, start, steps, true, null);
        vectors = run.basis();
        basis = OrthonormalBasis.allocate(cpu, model.layout(), steps);
        for (ParamVector q : vectors) basis.append(q, 1);
        ParamVector q = vectors.get(steps - 1);
        residual = hessian.apply(q);
        residual.axpy(-q.dot(residual), q);
        residual.axpy(-run.beta()[steps - 2], vectors.get(steps - 2));
        w = residual.zerosLike();
    }

    /** One H·v: the floor under every Lanczos step. */
    @Benchmark
    public ParamVector hvp() {
        hessian.apply(v, hv);
        return hv;
    }

    /** Step 6 against {@code steps} stored vectors, on a fresh copy of the residual each time. */
    @Benchmark
    public ParamVector reorthogonalise() {
        w.copyFrom(residual);
        basis.orthogonalise(w);
        return w;
    }

    /**
     * Step 6 as modified Gram–Schmidt, w ← w − (q_iᵀw) q_i for each stored vector in turn, with the
     * same DGKS test: the baseline, a dot and an axpy per vector.
     */
    @Benchmark
    public ParamVector modifiedGramSchmidt() {
        w.copyFrom(residual);
        double before = w.norm();
        for (int pass = 0; pass < 2; pass++) {
            for (ParamVector qi : vectors) w.axpy(-qi.dot(w), qi);
            double after = w.norm();
            if (after >= before / Math.sqrt(2)) break;
            before = after;
        }
        return w;
    }

    /** m Lanczos steps with full re-orthogonalisation: m HVPs plus O(m²p) for the Gram–Schmidt passes. */
    @Benchmark
    public double[] lanczos() {
        return Lanczos.run(hessian, start, steps, true, null).ritzValues();
    }

    /** m Lanczos steps with the three-term recurrence only: m HVPs plus O(mp). */
    @Benchmark
    public double[] lanczosPlain() {
        return Lanczos.run(hessian, start, steps, false, null).ritzValues();
    }
}
