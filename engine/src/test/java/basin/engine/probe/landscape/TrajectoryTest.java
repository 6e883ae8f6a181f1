package basin.engine.probe.landscape;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.autodiff.Shape;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Trajectory#pca} on a trajectory we build: θ_k = θ_f + a_k u + b_k w with u ⟂ w unit, Σ a_k b_k = 0
 * and Σ a_k² &gt; Σ b_k², so the principal directions are u and w themselves (up to sign), the explained
 * variances are Σa²/(Σa² + Σb²) and Σb²/(Σa² + Σb²), and the path is (a_k, b_k).
 */
class TrajectoryTest {
    private static final long SEED = Long.getLong("basin.seed", 20240611L);

    @Test
    void pcaRecoversThePlaneTheVariancesAndTheCoordinatesOfAKnownPath() {
        SplittableRandom rng = new SplittableRandom(SEED);
        int p = 157;                                                 // odd, over two tensors
        ParamLayout layout = ParamLayout.of(List.of("0.weight", "0.bias"), List.of(Shape.of(13, 11), Shape.of(14)));
        assertEquals(p, layout.size());
        double[] u = gaussian(rng, p), w = gaussian(rng, p);
        normalise(u);
        double uw = dot(u, w);                                       // Gram–Schmidt in float64
        for (int j = 0; j < p; j++) w[j] -= uw * u[j];
        normalise(w);
        int k = 7;
        double[] a = new double[k], b = new double[k];
        for (int i = 0; i < k; i++) {
            a[i] = (k - i) * 1.5 + rng.nextDouble();                  // a decaying approach, like training
            b[i] = rng.nextDouble() * 2 - 1;
        }
        double ab = dot(a, b) / dot(a, a);
        for (int i = 0; i < k; i++) b[i] -= ab * a[i];               // Σ a b = 0: u and w are the principal axes
        double[] thetaF = gaussian(rng, p);
        List<ParamVector> checkpoints = new ArrayList<>();
        for (int i = 0; i <= k; i++) {
            float[] theta = new float[p];
            for (int j = 0; j < p; j++) theta[j] = (float) (thetaF[j] + (i < k ? a[i] * u[j] + b[i] * w[j] : 0));
            checkpoints.add(ParamVector.fromHost(CpuBackend.get(), layout, theta));
        }

        Trajectory.Pca pca = Trajectory.pca(checkpoints);
        String seed = "seed " + SEED;
        // float32 checkpoints: each difference carries rounding of ~1e-7·‖θ‖ ≈ 1e-6 per entry.
        assertEquals(1, Math.abs(dot(toDouble(pca.d1()), u)), 1e-5, seed + ": d1 = ±u");
        assertEquals(1, Math.abs(dot(toDouble(pca.d2()), w)), 1e-5, seed + ": d2 = ±w");
        assertEquals(0, dot(toDouble(pca.d1()), toDouble(pca.d2())), 1e-6, seed + ": d1 ⟂ d2");
        double aa = dot(a, a), bb = dot(b, b);
        assertEquals(aa / (aa + bb), pca.explainedVariance()[0], 1e-6, seed);
        assertEquals(bb / (aa + bb), pca.explainedVariance()[1], 1e-6, seed);
        assertEquals(1, pca.explainedVariance()[0] + pca.explainedVariance()[1], 1e-6, seed + ": a plane explains everything");
        double signA = Math.signum(pca.path()[0][0] * a[0]), signB = Math.signum(pca.path()[0][1] * b[0]);
        for (int i = 0; i < k; i++) {
            assertEquals(a[i], signA * pca.path()[i][0], 1e-5 * a[0], seed + ": α of checkpoint " + i);
            assertEquals(b[i], signB * pca.path()[i][1], 1e-5 * a[0], seed + ": β of checkpoint " + i);
        }
        assertEquals(0, pca.path()[k][0], 0, "the final point is the origin");
        assertTrue(pca.path()[0][0] >= 0 && pca.path()[0][1] >= 0, "signs put the first checkpoint in the first quadrant");
    }

    @Test
    void aPathOnALineHasNoPlane() {
        ParamLayout layout = ParamLayout.vector(5);
        List<ParamVector> line = new ArrayList<>();
        for (int i = 0; i < 4; i++) line.add(ParamVector.fromHost(CpuBackend.get(), layout, new float[] {i, 2 * i, 0, 0, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trajectory.pca(line));
        assertTrue(e.getMessage().contains("lie on a line"), e.getMessage());
    }

    private static double[] gaussian(SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            double u1 = rng.nextDouble(), u2 = rng.nextDouble();
            x[j] = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        }
        return x;
    }

    private static double[] toDouble(ParamVector v) {
        float[] h = v.toHost();
        double[] x = new double[h.length];
        for (int j = 0; j < h.length; j++) x[j] = h[j];
        return x;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int j = 0; j < x.length; j++) s += x[j] * y[j];
        return s;
    }

    private static void normalise(double[] x) {
        double n = Math.sqrt(dot(x, x));
        for (int j = 0; j < x.length; j++) x[j] /= n;
    }
}
