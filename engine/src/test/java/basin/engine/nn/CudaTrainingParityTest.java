package basin.engine.nn;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.checkpoint.HostTensor;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.oracle.Compare;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.train.Trainer;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import basin.kernels.cuda.CudaBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on CUDA against training on the CPU: the same seeded run (SGD with momentum and weight
 * decay, train-mode BatchNorm whose running statistics are updated on the device, dropout, a
 * residual block, max pooling) from the same θ gives the same θ, running statistics and eval-mode
 * loss and accuracy, and each step brings only scalars back to the host. Skipped, with the reason,
 * where CUDA cannot be used. The two runs are float32 computations summed in other orders, and
 * 2 epochs of 4 steps let their differences grow through the updates: 10⁻⁴ normwise is allowed;
 * an example whose top two logits nearly tie may be classified differently, so accuracy may differ
 * by one example.
 */
class CudaTrainingParityTest {
    private static final int EXAMPLES = 64, BATCH = 16;

    private CudaBackend gpu;
    private final Backend cpu = CpuBackend.get();

    @BeforeEach
    void device() {
        gpu = CudaOrSkip.backend("CUDA training parity");
    }

    @Test
    void sgdOnCudaMatchesTheCpuInParametersRunningStatisticsAndAccuracyWithOnlyScalarsBack() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Dataset data = StatefulNet.randomImages(rng, EXAMPLES);
        Sequential modelCpu = ModelSpec.parse(StatefulNet.SPEC), modelGpu = ModelSpec.parse(StatefulNet.SPEC);
        ParamVector thetaCpu = modelCpu.initialParameters(cpu, rng.nextLong());
        ParamVector thetaGpu = ParamVector.fromHost(gpu, thetaCpu.layout(), thetaCpu.toHost());
        Trainer.Config config = new Trainer.Config(2, BATCH, LearningRateSchedule.constant(0.05), 0.9, 5e-4, seed);

        Trainer.EpochLog onCpu = new Trainer(modelCpu, config).train(thetaCpu, data, null, data, null);
        List<Long> bytesBackPerStep = new ArrayList<>();
        long[] mark = {gpu.bytesCopiedToHost()};
        Trainer.EpochLog onGpu = new Trainer(modelGpu, config).train(thetaGpu, data, null, data, new Trainer.Listener() {
            @Override
            public void onStep(int epoch, int step, int steps, double loss) {
                bytesBackPerStep.add(gpu.bytesCopiedToHost() - mark[0]);
                mark[0] = gpu.bytesCopiedToHost();
            }
        });

        double rel = Compare.relativeError(Compare.toDouble(thetaGpu.toHost()), Compare.toDouble(thetaCpu.toHost()));
        assertTrue(rel < 1e-4, "seed " + seed + ": θ after training on CUDA vs CPU, relative error " + rel);
        List<HostTensor> statsCpu = modelCpu.buffers(), statsGpu = modelGpu.buffers();
        for (int i = 0; i < statsCpu.size(); i++) {
            double e = Compare.relativeError(Compare.toDouble(statsGpu.get(i).data()), Compare.toDouble(statsCpu.get(i).data()));
            assertTrue(e < 1e-4, "seed " + seed + ": " + statsCpu.get(i).name() + " on CUDA vs CPU, relative error " + e);
        }
        assertEquals(onCpu.testLoss(), onGpu.testLoss(), 1e-4 * onCpu.testLoss(), "seed " + seed + ": eval-mode loss");
        assertEquals(onCpu.testAccuracy(), onGpu.testAccuracy(), 1.0 / EXAMPLES + 1e-12, "seed " + seed + ": eval-mode accuracy");
        // The first step of epoch 2 also counts epoch 1's evaluation (scalars too, but more of them).
        for (int s = 0; s < bytesBackPerStep.size(); s++) {
            if (s == EXAMPLES / BATCH) continue;
            assertTrue(bytesBackPerStep.get(s) <= 64, "step " + (s + 1) + " brought " + bytesBackPerStep.get(s)
                    + " bytes back to the host; only the loss should come back");
        }
    }

}
