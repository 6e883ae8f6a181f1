package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import basin.engine.oracle.MlpOracle;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.PowerIteration;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import basin.kernels.cuda.CudaBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole gradient, HVP and power iteration of the 784-256-10 MLP on a batch of 128, on CUDA
 * against the CPU backend with the same float32 parameters, data and directions. Skipped, with the
 * reason, where CUDA cannot be used. Both are float32 computations of the same formulas that differ
 * in GEMM summation order (k up to 784 terms), so they agree to about √k·2⁻²⁴ per layer: 2·10⁻⁵
 * normwise is allowed; the CUDA HVP must also meet the CPU test's 2·10⁻⁴ against float64 central
 * differences.
 */
class CudaHvpParityTest {
    private static final int BATCH = 128;
    private static final int[] WIDTHS = {784, 256, 10};

    private CudaBackend gpu;
    private final Backend cpu = CpuBackend.get();
    private long seed;
    private Sequential model;
    private Objective objective;
    private ParamVector thetaCpu, thetaGpu;
    private Batch batchCpu, batchGpu;
    private float[] x;
    private int[] labels;

    @BeforeEach
    void build() {
        gpu = CudaOrSkip.backend("CUDA HVP parity");
        seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        model = Mlp.of(Shape.of(WIDTHS[0]), WIDTHS[1], WIDTHS[2]);
        thetaCpu = model.initialParameters(cpu, rng.nextLong());
        thetaGpu = ParamVector.fromHost(gpu, thetaCpu.layout(), thetaCpu.toHost());
        x = new float[BATCH * WIDTHS[0]];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        labels = new int[BATCH];
        float[] oneHot = new float[BATCH * WIDTHS[2]];
        for (int b = 0; b < BATCH; b++) {
            labels[b] = rng.nextInt(WIDTHS[2]);
            oneHot[b * WIDTHS[2] + labels[b]] = 1f;
        }
        batchCpu = new Batch(Tensor.fromHost(cpu, Shape.of(BATCH, WIDTHS[0]), x), Tensor.fromHost(cpu, Shape.of(BATCH, WIDTHS[2]), oneHot));
        batchGpu = new Batch(Tensor.fromHost(gpu, Shape.of(BATCH, WIDTHS[0]), x), Tensor.fromHost(gpu, Shape.of(BATCH, WIDTHS[2]), oneHot));
        objective = new Objective(model, Mode.EVAL);
    }

    private float[] direction(SplittableRandom rng) {
        float[] v = new float[thetaCpu.dim()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    private float[] hvp(Backend backend, ParamVector theta, Batch batch, float[] v) {
        ParamVector hv = ParamVector.zeros(backend, theta.layout());
        objective.hvp(theta, ParamVector.fromHost(backend, theta.layout(), v), batch, hv, null);
        return hv.toHost();
    }

    @Test
    void lossAndGradientOnCudaMatchTheCpu() {
        ParamVector gCpu = ParamVector.zeros(cpu, thetaCpu.layout()), gGpu = ParamVector.zeros(gpu, thetaGpu.layout());
        double lossCpu = objective.gradient(thetaCpu, batchCpu, gCpu), lossGpu = objective.gradient(thetaGpu, batchGpu, gGpu);
        assertEquals(lossCpu, lossGpu, 1e-5 * Math.abs(lossCpu), "loss, seed " + seed);
        double rel = Compare.relativeError(Compare.toDouble(gGpu.toHost()), Compare.toDouble(gCpu.toHost()));
        assertTrue(rel < 2e-5, "seed " + seed + ": gradient on CUDA vs CPU, relative error " + rel);
    }

    @Test
    void hvpOnCudaMatchesTheCpuHvpAndFloat64CentralDifferences() {
        float[] v = direction(new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L));
        double norm = 0;
        for (float f : v) norm += (double) f * f;
        for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] / Math.sqrt(norm));
        double[] onGpu = Compare.toDouble(hvp(gpu, thetaGpu, batchGpu, v));
        double[] onCpu = Compare.toDouble(hvp(cpu, thetaCpu, batchCpu, v));
        double rel = Compare.relativeError(onGpu, onCpu);
        assertTrue(rel < 2e-5, "seed " + seed + ": Hv on CUDA vs CPU, relative error " + rel);
        double[] reference = new MlpOracle(WIDTHS, x, labels).gradientDifference(Compare.toDouble(thetaCpu.toHost()), Compare.toDouble(v), 1e-5);
        double relOracle = Compare.relativeError(onGpu, reference);
        assertTrue(relOracle < 2e-4, "seed " + seed + ": Hv on CUDA vs float64 gradient difference, relative error " + relOracle);
    }

    /** Only scalars may cross to the host during an HVP: θ, v, the data and Hv stay on the device. */
    @Test
    void anHvpKeepsItsTensorsOnTheDevice() {
        ParamVector v = ParamVector.gaussian(gpu, thetaGpu.layout(), new SplittableRandom(seed));
        ParamVector hv = ParamVector.zeros(gpu, thetaGpu.layout());
        objective.hvp(thetaGpu, v, batchGpu, hv, null);   // warm-up: the pool fills
        long toHost = gpu.bytesCopiedToHost(), toDevice = gpu.bytesCopiedToDevice();
        objective.hvp(thetaGpu, v, batchGpu, hv, null);
        long back = gpu.bytesCopiedToHost() - toHost, in = gpu.bytesCopiedToDevice() - toDevice;
        assertTrue(back <= 64 && in <= 64, "one HVP of " + thetaGpu.dim() + " parameters copied " + in + " bytes to the device and "
                + back + " bytes to the host; only scalars should cross");
    }

    @Test
    void powerIterationFollowsTheSameRayleighQuotientsOnCudaAndCpu() {
        HessianOperator hCpu = new HessianOperator(objective, thetaCpu, List.of(batchCpu));
        HessianOperator hGpu = new HessianOperator(objective, thetaGpu, List.of(batchGpu));
        // tol 0: both run all 30 steps from the same start vector, so their quotients can be compared step by step.
        PowerIteration.Result onCpu = PowerIteration.run(hCpu, 30, 0, new SplittableRandom(seed), null);
        PowerIteration.Result onGpu = PowerIteration.run(hGpu, 30, 0, new SplittableRandom(seed), null);
        for (int t = 0; t < 30; t++) {
            double a = onCpu.rayleighQuotients()[t], b = onGpu.rayleighQuotients()[t];
            assertEquals(a, b, 1e-4 * Math.abs(a), "seed " + seed + ": Rayleigh quotient at step " + (t + 1));
        }
    }
}
