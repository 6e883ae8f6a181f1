package basin.autodiff.ops;

import basin.autodiff.Autodiff;
import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.Window2d;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chunked convolution op against the same convolution composed of im2col, GEMM and swapAxes
 * (each of which passes its own contract in {@link WindowOpsContractTest}): value, gradient with
 * respect to x and W, and the HVP of a quadratic in the output (which runs the input- and
 * weight-gradient ops forward and differentiates them), with the batch in one chunk, in chunks of
 * one image, and in uneven chunks of two. Float32 sums taken in other orders agree to ~1e-6; we
 * allow 1e-5 normwise.
 */
class ConvolutionTest {
    private final Backend cpu = CpuBackend.get();

    private static long seed() {
        String pinned = System.getProperty("basin.seed");
        return pinned != null ? Long.parseLong(pinned) : System.nanoTime();
    }

    private Tensor random(Shape s, SplittableRandom rng) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Tensor.fromHost(cpu, s, v);
    }

    /** The composed reference: swap(W_ · im2col(x)). */
    private static Tensor composed(Tensor x, Tensor w, Window2d window, int out) {
        Tensor y = w.reshape(Shape.of(out, window.patchSize())).matmul(x.im2col(window));
        return y.reshape(Shape.of(out, window.batch(), window.outH() * window.outW())).swapAxes(0)
                .reshape(Shape.of(window.batch(), out, window.outH(), window.outW()));
    }

    private static double relativeError(Tensor a, Tensor b) {
        float[] x = a.toHost(), y = b.toHost();
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - (double) y[i]) * (x[i] - (double) y[i]);
            den += y[i] * (double) y[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void chunkedConvolutionMatchesTheComposedOneInValueGradientAndHvp() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int trial = 0; trial < 4; trial++) {
            int k = 1 + rng.nextInt(3), out = 1 + rng.nextInt(4);
            Window2d w = Window2d.square(3, 1 + rng.nextInt(3), 5 + rng.nextInt(4), 5 + rng.nextInt(4), k, 1 + rng.nextInt(2), rng.nextInt(2));
            int perImage = w.patchSize() * w.outH() * w.outW();
            try (Arena arena = cpu.openArena()) {
                Tensor x = random(Shape.of(w.batch(), w.channels(), w.height(), w.width()), rng);
                Tensor weight = random(Shape.of(out, w.channels(), k, k), rng);
                Tensor r = random(Shape.of(w.batch(), out, w.outH(), w.outW()), rng);
                Tensor xDot = random(x.shape(), rng), wDot = random(weight.shape(), rng);
                Autodiff.GradientAndHvp want = Autodiff.hvp(t -> {
                    Tensor y = composed(t[0], t[1], w, out);
                    return y.mul(y).mul(r).sum();
                }, new Tensor[] {x, weight}, new Tensor[] {xDot, wDot});
                for (int chunkFloats : new int[] {Convolution.CHUNK_FLOATS, perImage, 2 * perImage}) {
                    String what = "seed " + seed + ", " + w + ", " + out + " outputs, chunks of " + chunkFloats + " floats: ";
                    double value = relativeError(Convolution.conv(w, out, chunkFloats).apply(x, weight), composed(x, weight, w, out));
                    assertTrue(value < 1e-5, what + "value " + value);
                    Autodiff.GradientAndHvp got = Autodiff.hvp(t -> {
                        Tensor y = Convolution.conv(w, out, chunkFloats).apply(t[0], t[1]);
                        return y.mul(y).mul(r).sum();
                    }, new Tensor[] {x, weight}, new Tensor[] {xDot, wDot});
                    for (int i = 0; i < 2; i++) {
                        double g = relativeError(got.gradient()[i], want.gradient()[i]), h = relativeError(got.hv()[i], want.hv()[i]);
                        assertTrue(g < 1e-5 && h < 1e-5, what + (i == 0 ? "x" : "W") + ": gradient " + g + ", Hv " + h);
                    }
                }
            }
        }
    }
}
