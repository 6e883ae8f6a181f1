package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import basin.engine.oracle.Compare;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import basin.kernels.cuda.CudaBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The study models, convolutional and residual, on CUDA against the CPU backend: loss, gradient
 * and HVP of the mean cross-entropy on a random batch of 8, with the same float32 θ, data and v,
 * in evaluation mode and with BatchNorm's batch statistics (whose Hessian includes their
 * dependence on θ). Skipped, with the reason, where CUDA cannot be used. Both sides compute the
 * same formulas in float32 with GEMMs and reductions summed in other orders, through up to 20
 * layers: 10⁻⁴ normwise is allowed for gradients and HVPs, 10⁻⁵ relative for the loss.
 */
class CudaStudyModelsParityTest {
    private static final int BATCH = 8;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("noise-regimes CNN (conv, max-pool)", StudyModels.noiseRegimesCnn(), Mode.EVAL),
                Arguments.of("mlp-vs-cnn CNN (BatchNorm, dropout off)", StudyModels.mlpVsCnnCnn(), Mode.EVAL),
                Arguments.of("mlp-vs-cnn CNN (BatchNorm, dropout off)", StudyModels.mlpVsCnnCnn(), Mode.BATCH_STATISTICS),
                Arguments.of("ResNet-20", StudyModels.resnet20(), Mode.BATCH_STATISTICS));
    }

    private CudaBackend gpu;
    private final Backend cpu = CpuBackend.get();

    @BeforeEach
    void device() {
        gpu = CudaOrSkip.backend("CUDA study-model parity");
    }

    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("models")
    void lossGradientAndHvpOnCudaMatchTheCpu(String name, String spec, Mode mode) {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // One model per backend: BatchNorm keeps its running averages on the host, per model.
        Sequential onCpu = ModelSpec.parse(spec), onGpu = ModelSpec.parse(spec);
        ParamVector thetaCpu = onCpu.initialParameters(cpu, rng.nextLong());
        ParamVector thetaGpu = ParamVector.fromHost(gpu, onGpu.layout(), thetaCpu.toHost());
        float[] v = new float[thetaCpu.dim()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        int[] input = onCpu.inputShape().dims();
        int perExample = onCpu.inputShape().size(), classes = onCpu.outputShape().size();
        float[] x = new float[BATCH * perExample], oneHot = new float[BATCH * classes];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int b = 0; b < BATCH; b++) oneHot[b * classes + rng.nextInt(classes)] = 1f;
        int[] dims = new int[input.length + 1];
        dims[0] = BATCH;
        System.arraycopy(input, 0, dims, 1, input.length);

        double[][] results = new double[2][];
        double[] losses = new double[2];
        double[][] gradients = new double[2][];
        Backend[] backends = {cpu, gpu};
        Sequential[] models = {onCpu, onGpu};
        ParamVector[] thetas = {thetaCpu, thetaGpu};
        for (int k = 0; k < 2; k++) {
            Backend b = backends[k];
            Batch batch = new Batch(Tensor.fromHost(b, Shape.of(dims), x), Tensor.fromHost(b, Shape.of(BATCH, classes), oneHot));
            Objective objective = new Objective(models[k], mode);
            ParamVector g = ParamVector.zeros(b, thetas[k].layout()), hv = ParamVector.zeros(b, thetas[k].layout());
            losses[k] = objective.gradient(thetas[k], batch, g);
            objective.hvp(thetas[k], ParamVector.fromHost(b, thetas[k].layout(), v), batch, hv, null);
            gradients[k] = Compare.toDouble(g.toHost());
            results[k] = Compare.toDouble(hv.toHost());
        }
        String what = name + ", " + mode.label() + ", seed " + seed;
        assertEquals(losses[0], losses[1], 1e-5 * Math.abs(losses[0]), what + ": loss");
        double gradientError = Compare.relativeError(gradients[1], gradients[0]);
        assertTrue(gradientError < 1e-4, what + ": gradient on CUDA vs CPU, relative error " + gradientError);
        double hvpError = Compare.relativeError(results[1], results[0]);
        assertTrue(hvpError < 1e-4, what + ": Hv on CUDA vs CPU, relative error " + hvpError);
    }
}
