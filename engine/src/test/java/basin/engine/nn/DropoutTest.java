package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.CnnProblem.Piece;
import basin.engine.oracle.Compare;
import basin.engine.oracle.OracleLayers;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout: seeded inverted masks in training, the identity otherwise, and exact derivatives through a mask. */
class DropoutTest {
    private final Backend cpu = CpuBackend.get();

    private float[] pass(Dropout d, int n, Mode mode) {
        Sequential model = new Sequential(Shape.of(n), List.of(d));
        float[] ones = new float[2 * n];
        java.util.Arrays.fill(ones, 1f);
        try (Arena arena = cpu.openArena()) {
            return model.forward(Tensor.fromHost(cpu, Shape.of(2, n), ones), new Tensor[0], mode).toHost();
        }
    }

    /**
     * On ones, a training pass gives 0 or 1/(1 − p) everywhere; over 20,000 elements the dropped
     * fraction is within 5 standard deviations (5·√(p(1−p)/n) ≈ 0.017) of p.
     */
    @Test
    void trainingMasksAreInvertedAndDropAboutAFractionP() {
        long seed = Compare.seed();
        double p = 0.25;
        float[] y = pass(new Dropout(p, seed), 10_000, Mode.TRAIN);
        int dropped = 0;
        for (float v : y) {
            assertTrue(v == 0f || v == (float) (1 / (1 - p)), "seed " + seed + ": mask value " + v);
            if (v == 0f) dropped++;
        }
        double fraction = dropped / (double) y.length;
        assertEquals(p, fraction, 5 * Math.sqrt(p * (1 - p) / y.length), "seed " + seed + ": dropped fraction");
    }

    @Test
    void masksAreReproducibleFromTheSeedAndChangeEveryPass() {
        long seed = Compare.seed();
        Dropout a = new Dropout(0.5, seed), b = new Dropout(0.5, seed);
        float[] a0 = pass(a, 500, Mode.TRAIN), a1 = pass(a, 500, Mode.TRAIN);
        assertArrayEquals(a0, pass(b, 500, Mode.TRAIN), "seed " + seed + ": same seed, same first mask");
        assertArrayEquals(a1, pass(b, 500, Mode.TRAIN), "seed " + seed + ": same seed, same second mask");
        assertFalse(java.util.Arrays.equals(a0, a1), "seed " + seed + ": consecutive passes drew the same mask");
    }

    @Test
    void eachTrainingRunSeedStartsItsOwnMaskSequence() {
        Dropout d = new Dropout(0.5, 11);
        d.startRun(1);
        float[] run1 = pass(d, 500, Mode.TRAIN);
        d.startRun(2);
        float[] run2 = pass(d, 500, Mode.TRAIN);
        d.startRun(1);
        assertArrayEquals(run1, pass(d, 500, Mode.TRAIN), "the same run seed replays its masks");
        assertFalse(java.util.Arrays.equals(run1, run2), "runs 1 and 2 drew the same mask");
    }

    /** resume(runSeed, k) draws the mask that pass k of a run started with startRun(runSeed) draws. */
    @Test
    void aResumedLayerDrawsTheMaskTheUninterruptedRunDrawsNext() {
        Dropout whole = new Dropout(0.5, 11), resumed = new Dropout(0.5, 11);
        whole.startRun(3);
        for (int k = 0; k < 4; k++) pass(whole, 500, Mode.TRAIN);
        resumed.resume(3, 4);
        assertArrayEquals(pass(whole, 500, Mode.TRAIN), pass(resumed, 500, Mode.TRAIN));
        assertEquals(5, resumed.passes());
    }

    @Test
    void evalAndBatchStatisticsModesPassInputsThroughAndDrawNoMask() {
        Dropout d = new Dropout(0.9, 1);
        float[] ones = new float[20];
        java.util.Arrays.fill(ones, 1f);
        assertArrayEquals(ones, pass(d, 10, Mode.EVAL));
        assertArrayEquals(ones, pass(d, 10, Mode.BATCH_STATISTICS));
        assertEquals(0, d.passes());
    }

    /**
     * conv → ReLU → dropout → flatten → linear in training mode against the oracle with the same
     * masks: a twin layer with the model's seed shows the mask of each pass (the gradient is the
     * model's first training pass, the HVP its second). Tolerances as in {@link ConvOracleTest}.
     */
    @Test
    void gradientAndHvpThroughADropoutMaskMatchOracle() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int c = 3, h = 5, w = 6, batch = 3, features = c * h * w;
        long dropoutSeed = rng.nextLong();
        Dropout twin = new Dropout(0.3, dropoutSeed);
        float[] firstMask = maskOf(twin, batch, features), secondMask = maskOf(twin, batch, features);

        CnnProblem gradientProblem = net(rng.nextLong(), dropoutSeed, firstMask, c, h, w, batch);
        double[] g = gradientProblem.gradient(Mode.TRAIN), gOracle = gradientProblem.oracle.gradient(gradientProblem.thetaDouble(), 1e-6);
        assertTrue(Compare.relativeError(g, gOracle) < 1e-4, "seed " + seed + ": gradient " + Compare.relativeError(g, gOracle));

        CnnProblem hvpProblem = net(gradientProblem.seed, dropoutSeed, secondMask, c, h, w, batch);
        hvpProblem.gradient(Mode.TRAIN);                                       // the first pass, with the first mask
        double[] v = hvpProblem.direction(rng);
        double[] hv = hvpProblem.hvp(v, Mode.TRAIN), hvOracle = hvpProblem.oracle.hvp(hvpProblem.thetaDouble(), v, 1e-4);
        assertTrue(Compare.relativeError(hv, hvOracle) < 2e-4, "seed " + seed + ": Hv " + Compare.relativeError(hv, hvOracle));
    }

    private CnnProblem net(long problemSeed, long dropoutSeed, float[] mask, int c, int h, int w, int batch) {
        List<Piece> pieces = List.of(ConvOracleTest.conv(2, c, 3, 1, 1, true), ConvOracleTest.relu(),
                new Piece(new Dropout(0.3, dropoutSeed), OracleLayers.dropout(mask)),
                ConvOracleTest.flatten(), ConvOracleTest.linear(c * h * w, 4));
        return new CnnProblem(problemSeed, batch, new int[] {2, h, w}, pieces);
    }

    private float[] maskOf(Dropout d, int batch, int features) {
        Sequential model = new Sequential(Shape.of(features), List.of(d));
        float[] ones = new float[batch * features];
        java.util.Arrays.fill(ones, 1f);
        try (Arena arena = cpu.openArena()) {
            return model.forward(Tensor.fromHost(cpu, Shape.of(batch, features), ones), new Tensor[0], Mode.TRAIN).toHost();
        }
    }
}
