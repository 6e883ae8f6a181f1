package basin.benchmarks;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import basin.kernels.Backend;
import basin.kernels.Buffer;
import basin.kernels.cpu.CpuBackend;
import basin.kernels.cuda.CudaBackend;
import basin.kernels.cuda.CudaCheck;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GPU numbers for benchmarks/RESULTS.md, timed with CUDA events on the backend's stream (JMH
 * would time the host thread, which only queues the work):
 * <ul>
 *   <li>SGEMM TFLOP/s (2mnk flops per call) for square sizes and the MLP's layer shapes, with TF32
 *       off (the default, full float32) and on;</li>
 *   <li>gradients and HVPs per second of the 784-256-10 MLP's mean cross-entropy, batch 128 and
 *       1024, with the CPU backend's numbers beside them;</li>
 *   <li>the same for the study models (the CNNs, SimpleResNet, ResNet-20) at batch 128, in eval mode
 *       as the probes use them, on CUDA only (the CPU takes seconds per HVP there).</li>
 * </ul>
 * Inputs are random (never zeros), every timing follows a warm-up, and each case repeats until at
 * least half a second of device time has passed. Usage: {@code CudaTiming [--no-cpu]}.
 */
public final class CudaTiming {
    private CudaTiming() {
    }

    public static void main(String[] args) {
        boolean withCpu = !java.util.Arrays.asList(args).contains("--no-cpu");
        CudaBackend gpu = CudaBackend.get();
        System.out.println("device: " + gpu.name() + ", " + gpu.description());
        System.out.println();
        System.out.println("| SGEMM m×n×k | TF32 | ms per call | TFLOP/s |");
        System.out.println("|---|---|---|---|");
        int[][] shapes = {{1024, 1024, 1024}, {4096, 4096, 4096}, {8192, 8192, 8192}, {128, 256, 784}, {1024, 256, 784}, {256, 784, 1024}};
        for (boolean tf32 : new boolean[] {false, true}) {
            gpu.setTf32(tf32);
            for (int[] s : shapes) gemm(gpu, s[0], s[1], s[2]);
        }
        gpu.setTf32(false);
        System.out.println();
        System.out.println("| 784-256-10 MLP | batch | backend | gradients/s | HVPs/s | HVP / gradient |");
        System.out.println("|---|---|---|---|---|---|");
        for (int batch : new int[] {128, 1024}) {
            mlp(gpu, batch);
            if (withCpu) mlp(CpuBackend.get(), batch);
        }
        System.out.println();
        System.out.println("| study model (batch 128, eval) | parameters | gradients/s | HVPs/s | HVP / gradient |");
        System.out.println("|---|---|---|---|---|");
        study(gpu, "noise-regimes CNN", StudyModels.noiseRegimesCnn());
        study(gpu, "mlp-vs-cnn CNN", StudyModels.mlpVsCnnCnn());
        study(gpu, "vanilla CNN (CIFAR)", StudyModels.vanillaCnn());
        study(gpu, "SimpleResNet", StudyModels.simpleResNet());
        study(gpu, "ResNet-20", StudyModels.resnet20());
    }

    private static void study(CudaBackend gpu, String name, String spec) {
        SplittableRandom rng = new SplittableRandom(7);
        Sequential model = ModelSpec.parse(spec);
        ParamVector theta = model.initialParameters(gpu, 1);
        ParamVector v = ParamVector.gaussian(gpu, model.layout(), rng);
        ParamVector gradient = theta.zerosLike(), hv = theta.zerosLike();
        int batch = 128, classes = model.outputShape().size();
        int[] input = model.inputShape().dims();
        int[] dims = new int[input.length + 1];
        dims[0] = batch;
        System.arraycopy(input, 0, dims, 1, input.length);
        float[] x = new float[batch * model.inputShape().size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] t = new float[batch * classes];
        for (int i = 0; i < batch; i++) t[i * classes + rng.nextInt(classes)] = 1f;
        Batch data = new Batch(Tensor.fromHost(gpu, Shape.of(dims), x), Tensor.fromHost(gpu, Shape.of(batch, classes), t));
        Objective objective = new Objective(model, Mode.EVAL);
        double gradMs = timeMs(gpu, () -> objective.gradient(theta, data, gradient));
        double hvpMs = timeMs(gpu, () -> objective.hvp(theta, v, data, hv, null));
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f |%n", name, theta.dim(), 1000 / gradMs, 1000 / hvpMs, hvpMs / gradMs);
    }

    private static void gemm(CudaBackend gpu, int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(m * 31L + n * 17L + k);
        Buffer a = random(gpu, rng, m * k), b = random(gpu, rng, k * n), c = gpu.allocate(m * n);
        Runnable call = () -> gpu.gemm(false, false, m, n, k, 1f, a, b, 0f, c);
        double ms = timeMs(gpu, call);
        double tflops = 2.0 * m * n * (double) k / (ms * 1e-3) / 1e12;
        System.out.printf(Locale.ROOT, "| %d×%d×%d | %s | %.4f | %.1f |%n", m, n, k, gpu.tf32() ? "on" : "off", ms, tflops);
        for (Buffer x : new Buffer[] {a, b, c}) gpu.release(x);
    }

    private static void mlp(Backend backend, int batch) {
        SplittableRandom rng = new SplittableRandom(42);
        Sequential model = Mlp.of(Shape.of(784), 256, 10);
        ParamVector theta = model.initialParameters(backend, 1);
        ParamVector v = ParamVector.gaussian(backend, model.layout(), rng);
        ParamVector gradient = theta.zerosLike(), hv = theta.zerosLike();
        float[] x = new float[batch * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        float[] t = new float[batch * 10];
        for (int i = 0; i < batch; i++) t[i * 10 + rng.nextInt(10)] = 1f;
        Batch data = new Batch(Tensor.fromHost(backend, Shape.of(batch, 784), x), Tensor.fromHost(backend, Shape.of(batch, 10), t));
        Objective objective = new Objective(model, Mode.EVAL);
        double gradMs = timeMs(backend, () -> objective.gradient(theta, data, gradient));
        double hvpMs = timeMs(backend, () -> objective.hvp(theta, v, data, hv, null));
        System.out.printf(Locale.ROOT, "| | %d | %s | %.0f | %.0f | %.2f |%n", batch, backend.name(), 1000 / gradMs, 1000 / hvpMs, hvpMs / gradMs);
    }

    /** Mean milliseconds per call after a warm-up: CUDA events on the GPU, the wall clock on the CPU. */
    private static double timeMs(Backend backend, Runnable call) {
        for (int i = 0; i < 3; i++) call.run();
        if (!(backend instanceof CudaBackend)) {
            int reps = 0;
            long start = System.nanoTime();
            do {
                call.run();
                reps++;
            } while (System.nanoTime() - start < 500_000_000L);
            return (System.nanoTime() - start) / 1e6 / reps;
        }
        CudaBackend gpu = (CudaBackend) backend;
        CUevent begin = new CUevent(), end = new CUevent();
        CudaCheck.driver(JCudaDriver.cuEventCreate(begin, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        CudaCheck.driver(JCudaDriver.cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        int reps = 1;
        while (true) {
            gpu.synchronize();
            CudaCheck.driver(JCudaDriver.cuEventRecord(begin, gpu.stream()), "cuEventRecord(begin)");
            for (int i = 0; i < reps; i++) call.run();
            CudaCheck.driver(JCudaDriver.cuEventRecord(end, gpu.stream()), "cuEventRecord(end)");
            CudaCheck.driver(JCudaDriver.cuEventSynchronize(end), "cuEventSynchronize");
            float[] ms = {0};
            CudaCheck.driver(JCudaDriver.cuEventElapsedTime(ms, begin, end), "cuEventElapsedTime");
            if (ms[0] >= 500 || reps >= 1 << 16) {
                CudaCheck.driver(JCudaDriver.cuEventDestroy(begin), "cuEventDestroy");
                CudaCheck.driver(JCudaDriver.cuEventDestroy(end), "cuEventDestroy");
                return ms[0] / reps;
            }
            reps *= 2;
        }
    }

    private static Buffer random(Backend backend, SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * rng.nextDouble() - 1);
        Buffer b = backend.allocate(n);
        backend.copyIn(x, 0, b);
        return b;
    }
}
