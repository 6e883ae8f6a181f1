package basin.engine.train;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small CNN with BatchNorm, max pooling and dropout trained on the bundled MNIST digits. The
 * accuracy is measured in eval mode, so it also tests the running averages end to end: had they
 * not tracked the batch statistics, eval-mode BatchNorm would feed the classifier activations on
 * the wrong scale and the accuracy would collapse.
 */
class CnnTrainingTest {
    private static final String SPEC = "{\"input\":[1,28,28],\"layers\":["
            + "{\"type\":\"conv2d\",\"out\":8,\"kernel\":3,\"padding\":1},{\"type\":\"batchnorm2d\"},{\"type\":\"relu\"},{\"type\":\"maxpool2d\",\"kernel\":2},"
            + "{\"type\":\"conv2d\",\"out\":16,\"kernel\":3,\"padding\":1},{\"type\":\"batchnorm2d\"},{\"type\":\"relu\"},{\"type\":\"maxpool2d\",\"kernel\":2},"
            + "{\"type\":\"dropout\",\"p\":0.25},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":10}]}";

    /**
     * One epoch of SGD (lr 0.05, momentum 0.9, batch 64) on 3,000 digits. Chance is 10%; this
     * network reaches ~89% on 2,000 held-out digits, so 80% is a bound only a learning network
     * with working running statistics passes.
     */
    @Test
    void aBatchNormCnnLearnsAndItsEvalModeUsesTheRunningStatistics() throws IOException {
        DatasetResolver resolver = DatasetResolver.standard();
        Dataset train = resolver.load("mnist-bundled", Split.TRAIN, null).first(3000);
        Dataset test = resolver.load("mnist-bundled", Split.TEST, null);
        Sequential model = ModelSpec.parse(SPEC);
        ParamVector theta = model.initialParameters(CpuBackend.get(), 0);
        Trainer.Config config = new Trainer.Config(1, 64, LearningRateSchedule.constant(0.05), 0.9, 0, 0);
        Trainer.EpochLog log = new Trainer(model, config).train(theta, train, null, test, null);
        assertTrue(log.testAccuracy() > 0.8, "test accuracy " + log.testAccuracy() + " after 1 epoch");
    }
}
