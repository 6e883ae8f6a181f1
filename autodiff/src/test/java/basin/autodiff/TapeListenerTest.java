package basin.autodiff;

import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The tape's listener ({@code basin hvp --explain}) sees every record, with the tangents, and changes nothing. */
class TapeListenerTest {
    private final Backend cpu = CpuBackend.get();

    /** f(x) = sum(relu(x ⊙ x) ⊙ c): three recorded ops. For x > 0 its Hessian is diag(2c), so H v = 2c ⊙ v exactly. */
    private Tensor f(Tensor[] x, Tensor c) {
        return x[0].mul(x[0]).relu().mul(c).sum();
    }

    @Test
    void everyRecordIsSeenForwardThenBackwardWithItsTangents() {
        Tensor x = Tensor.fromHost(cpu, Shape.of(3), new float[]{1, 2, 3});
        Tensor v = Tensor.fromHost(cpu, Shape.of(3), new float[]{1, -1, 0.5f});
        Tensor c = Tensor.fromHost(cpu, Shape.of(3), new float[]{0.5f, 1, 2});
        List<String> seen = new ArrayList<>();
        float[][] loss = new float[2][];
        Tape.Listener listener = new Tape.Listener() {
            @Override
            public void onForward(int n, Op op, Tensor y) {
                seen.add("forward " + n + " " + op.name());
                assertNotNull(y.tangent(), "record " + n + " carries the tangent of v");
                if (n == 3) loss[0] = new float[]{y.primal().item(), y.tangent().item()};
            }

            @Override
            public void onBackward(int n, Op op, Tensor yBar) {
                seen.add("backward " + n + " " + op.name());
                if (n == 3) assertNull(yBar.tangent(), "the seed ȳ = 1 has no tangent");
            }
        };
        Autodiff.GradientAndHvp traced = Autodiff.hvp(t -> f(t, c), new Tensor[]{x}, new Tensor[]{v}, listener);
        Autodiff.GradientAndHvp plain = Autodiff.hvp(t -> f(t, c), new Tensor[]{x}, new Tensor[]{v});
        assertEquals(List.of("forward 0 mul", "forward 1 relu", "forward 2 mul", "forward 3 sumTo",
                "backward 3 sumTo", "backward 2 mul", "backward 1 relu", "backward 0 mul"), seen);
        assertEquals(0.5f * 1 + 4 + 2 * 9, loss[0][0], 1e-5f, "f(x)");
        assertEquals(2 * (0.5f * 1 * 1 + 1 * 2 * -1 + 2 * 3 * 0.5f), loss[0][1], 1e-5f, "ẏ of the loss: ∇f·v = Σ 2 c x v");
        assertArrayEquals(new float[]{1, -2, 2}, traced.hv()[0].toHost(), 1e-6f, "H v = 2c ⊙ v");
        assertArrayEquals(plain.hv()[0].toHost(), traced.hv()[0].toHost(), "the traced product is the untraced one");
        assertArrayEquals(plain.gradient()[0].toHost(), traced.gradient()[0].toHost());
    }
}
