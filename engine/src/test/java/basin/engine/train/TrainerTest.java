package basin.engine.train;

import basin.autodiff.Shape;
import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mlp;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.optim.LearningRateSchedule;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training the MLP on the MNIST subset bundled in the repository. */
class TrainerTest {
    private static Dataset train, test;

    @BeforeAll
    static void load() throws IOException {
        DatasetResolver resolver = DatasetResolver.standard();
        train = resolver.load("mnist-bundled", Split.TRAIN, null);
        test = resolver.load("mnist-bundled", Split.TEST, null);
    }

    private static Sequential mlp() {
        return Mlp.of(Shape.of(1, 28, 28), 256, 10);
    }

    /**
     * Two epochs of SGD (lr 0.05, momentum 0.9) on 5,000 digits. Chance is 10%; a linear classifier
     * trained this briefly reaches ~85%; this MLP reaches ~90% on the held-out test digits, so 85% is
     * a bound that only a learning network passes.
     */
    @Test
    void trainingOnTheBundledSubsetLearns() {
        Sequential model = mlp();
        ParamVector theta = model.initialParameters(CpuBackend.get(), 0);
        Trainer.Config config = new Trainer.Config(2, 128, LearningRateSchedule.constant(0.05), 0.9, 0, 0);
        Trainer.EpochLog log = new Trainer(model, config).train(theta, train.first(5000), null, test, null);
        assertTrue(log.testAccuracy() > 0.85, "test accuracy " + log.testAccuracy() + " after 2 epochs");
        assertTrue(log.trainLoss() < 0.5, "train loss " + log.trainLoss());
    }

    @Test
    void theSameSeedGivesBitIdenticalParameters() {
        float[][] runs = new float[2][];
        for (int r = 0; r < 2; r++) {
            Sequential model = mlp();
            ParamVector theta = model.initialParameters(CpuBackend.get(), 7);
            Trainer.Config config = new Trainer.Config(1, 64, LearningRateSchedule.cosine(0.05, 1, 0), 0.9, 5e-4, 7);
            new Trainer(model, config).train(theta, train.first(1000), null, null, null);
            runs[r] = theta.toHost();
        }
        assertArrayEquals(runs[0], runs[1]);
    }

    @Test
    void aDivergingRunStopsNamingTheEpochAndStep() {
        Sequential model = mlp();
        ParamVector theta = model.initialParameters(CpuBackend.get(), 0);
        Trainer.Config config = new Trainer.Config(2, 100, LearningRateSchedule.constant(1e6), 0.9, 0, 0);
        DivergenceException e = assertThrows(DivergenceException.class,
                () -> new Trainer(model, config).train(theta, train.first(1000), null, null, null));
        assertEquals(1, e.epoch());
        assertTrue(e.getMessage().contains("epoch 1, step " + e.step()), e.getMessage());
    }

    @Test
    void weightsRoundTripThroughSafetensorsAndAMismatchIsNamed(@TempDir Path dir) throws IOException {
        Sequential model = mlp();
        ParamVector theta = model.initialParameters(CpuBackend.get(), 3);
        Path file = dir.resolve("w.safetensors");
        ModelWeights.save(file, theta, java.util.Map.of());
        assertArrayEquals(theta.toHost(), ModelWeights.load(file, model.layout(), CpuBackend.get()).toHost());
        Sequential other = Mlp.of(Shape.of(1, 28, 28), 128, 10);
        IOException e = assertThrows(IOException.class, () -> ModelWeights.load(file, other.layout(), CpuBackend.get()));
        assertTrue(e.getMessage().contains("1.weight") && e.getMessage().contains("[256, 784]"), e.getMessage());
        assertTrue(Files.exists(file));
    }
}
