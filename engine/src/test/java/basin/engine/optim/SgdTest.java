package basin.engine.optim;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SGD against steps computed by hand from PyTorch's documented update. */
class SgdTest {
    private final CpuBackend cpu = CpuBackend.get();
    private final ParamLayout layout = ParamLayout.vector(2);

    private ParamVector vec(float... v) {
        return ParamVector.fromHost(cpu, layout, v);
    }

    @Test
    void plainStepMovesAgainstTheGradient() {
        ParamVector theta = vec(1f, -2f);
        new Sgd(0, 0, 0).step(theta, vec(0.5f, 0.25f), 0.1);
        assertArrayEquals(new float[] {0.95f, -2.025f}, theta.toHost(), 1e-7f);
    }

    /**
     * θ₀ = (1, −2), lr 0.1, μ 0.9, λ 0.01, gradients (0.5, 0.25) then (−1, 2):
     * step 1: g = (0.5 + 0.01, 0.25 − 0.02) = (0.51, 0.23); b = g; θ = (0.949, −2.023)
     * step 2: g = (−1 + 0.00949, 2 − 0.02023) = (−0.99051, 1.97977);
     *         b = 0.9·(0.51, 0.23) + g = (−0.53151, 2.18677); θ = (1.002151, −2.241677)
     */
    @Test
    void momentumAndWeightDecayMatchHandComputedSteps() {
        ParamVector theta = vec(1f, -2f);
        Sgd sgd = new Sgd(0.9, 0, 0.01);
        sgd.step(theta, vec(0.5f, 0.25f), 0.1);
        assertArrayEquals(new float[] {0.949f, -2.023f}, theta.toHost(), 1e-6f);
        sgd.step(theta, vec(-1f, 2f), 0.1);
        assertArrayEquals(new float[] {1.002151f, -2.241677f}, theta.toHost(), 1e-6f);
        assertArrayEquals(new float[] {-0.53151f, 2.18677f}, sgd.velocity().toHost(), 1e-6f);
        assertEquals(2, sgd.steps());
    }

    /** An optimiser restored from another's buffer and count takes the next step with the same bits. */
    @Test
    void aRestoredOptimiserContinuesWithTheSameSteps() {
        ParamVector[] gradients = {vec(0.5f, 0.25f), vec(-1f, 2f), vec(0.3f, -0.7f)};
        ParamVector whole = vec(1f, -2f), resumed = vec(1f, -2f);
        Sgd a = new Sgd(0.9, 0, 0.01), b = new Sgd(0.9, 0, 0.01);
        for (ParamVector g : gradients) a.step(whole, g.copy(), 0.1);
        for (int t = 0; t < 2; t++) b.step(resumed, gradients[t].copy(), 0.1);
        Sgd c = new Sgd(0.9, 0, 0.01);
        c.restore(b.velocity(), b.steps());
        c.step(resumed, gradients[2].copy(), 0.1);
        assertArrayEquals(whole.toHost(), resumed.toHost(), 0f);
        assertArrayEquals(a.velocity().toHost(), c.velocity().toHost(), 0f);
        assertEquals(3, c.steps());
    }

    @Test
    void restoringWithMomentumButWithoutABufferAfterStepsIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Sgd(0.9, 0, 0).restore(null, 5));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("after 5 steps"), e.getMessage());
    }

    /** Dampening τ scales only the later gradients: b₂ = μ b₁ + (1 − τ) g₂, b₁ = g₁. */
    @Test
    void dampeningDoesNotApplyToTheFirstStep() {
        ParamVector theta = vec(0f, 0f);
        Sgd sgd = new Sgd(0.5, 0.5, 0);
        sgd.step(theta, vec(1f, 1f), 1);
        assertArrayEquals(new float[] {-1f, -1f}, theta.toHost(), 0f);
        sgd.step(theta, vec(2f, 2f), 1);                         // b = 0.5·1 + 0.5·2 = 1.5
        assertArrayEquals(new float[] {-2.5f, -2.5f}, theta.toHost(), 1e-7f);
    }

    @Test
    void schedulesFollowPyTorchFormulas() {
        LearningRateSchedule cos = LearningRateSchedule.cosine(0.1, 10, 0);
        assertEquals(0.1, cos.rate(0), 1e-15);
        assertEquals(0.05, cos.rate(5), 1e-15);
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 3 / 10)) / 2, cos.rate(3), 1e-15);
        LearningRateSchedule step = LearningRateSchedule.step(0.1, 3, 0.1);
        assertEquals(0.1, step.rate(2), 1e-15);
        assertEquals(0.01, step.rate(3), 1e-15);
        assertEquals(0.001, step.rate(6), 1e-15);
        assertEquals(0.05, LearningRateSchedule.constant(0.05).rate(9), 0);
    }
}
