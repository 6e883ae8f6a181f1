package basin.kernels.cpu;

import basin.kernels.Backend;
import basin.kernels.Buffer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The backend's dot product accumulates in float64: against an exact sum (BigDecimal) it is within
 * float64 rounding, on every length around the vector width (the tail loop) and on a sum whose
 * float32 accumulation would lose everything.
 */
class Float64DotTest {
    private final Backend cpu = CpuBackend.get();

    private static double exact(float[] a, float[] b) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = 0; i < a.length; i++) s = s.add(new BigDecimal(a[i]).multiply(new BigDecimal(b[i])));
        return s.doubleValue();
    }

    private double dot(float[] a, float[] b) {
        Buffer x = cpu.allocate(a.length), y = cpu.allocate(b.length);
        cpu.copyIn(a, 0, x);
        cpu.copyIn(b, 0, y);
        double d = cpu.dot(x, y);
        cpu.release(x);
        cpu.release(y);
        return d;
    }

    @Test
    void everyLengthAgreesWithTheExactSumToFloat64Rounding() {
        long seed = System.nanoTime();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int n = 0; n <= 200; n++) {
            float[] a = new float[n], b = new float[n];
            double absSum = 0;
            for (int i = 0; i < n; i++) {
                a[i] = (float) rng.nextGaussian();
                b[i] = (float) rng.nextGaussian();
                absSum += Math.abs((double) a[i] * b[i]);
            }
            // Float64 summation of n products: error ≤ n·2⁻⁵³·Σ|aᵢbᵢ|; a float32 sum would be 10⁸ times worse.
            assertEquals(exact(a, b), dot(a, b), (n + 1) * 0x1p-53 * absSum, "seed " + seed + ", n " + n);
        }
    }

    @Test
    void cancellationThatFloat32WouldLoseIsKept() {
        // 2²⁴ + 1 − 2²⁴ repeated: in float32 every +1 is absorbed by 2²⁴ and the sum is 0.
        int n = 3 * 64;
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i += 3) {
            a[i] = 0x1p24f;
            a[i + 1] = 1f;
            a[i + 2] = -0x1p24f;
        }
        java.util.Arrays.fill(b, 1f);
        assertEquals(64.0, dot(a, b), 0.0);
    }
}
