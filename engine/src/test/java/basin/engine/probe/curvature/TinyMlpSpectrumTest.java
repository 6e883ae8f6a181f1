package basin.engine.probe.curvature;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On the Hessian of a real (tiny) network, the probes against the full Hessian decomposed by EJML's
 * dense symmetric solver. Both see the same float32 HVPs, so they agree up to the asymmetry of those
 * HVPs (~1e-6 relative) and float32 vectors: we allow 1e-4·‖H‖.
 */
class TinyMlpSpectrumTest {

    @Test
    void lanczosTopAndBottomEigenvaluesMatchTheFullHessian() {
        long seed = Compare.seed();
        TinyMlp net = new TinyMlp(seed);
        double[] exact = net.eigenvalues;
        double norm = Math.max(Math.abs(exact[0]), Math.abs(exact[exact.length - 1]));
        // 30 steps for 59 parameters: the extremes converge first; a network with dead units may
        // exhaust its Krylov space sooner, and then the Ritz values are exact.
        Lanczos.Result r = Lanczos.run(net.hessian, 30, new SplittableRandom(seed + 1), null);
        double[] top = r.topK(4), bottom = r.mostNegative(2);
        for (int i = 0; i < 4; i++) {
            assertEquals(exact[i], top[i], 1e-4 * norm, "seed " + seed + ": top " + i + ", spectrum " + Arrays.toString(exact));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(exact[exact.length - 1 - i], bottom[i], 1e-4 * norm, "seed " + seed + ": bottom " + i + ", spectrum " + Arrays.toString(exact));
        }
    }

    @Test
    void deflatedPowerIterationMatchesTheLargestInMagnitude() {
        long seed = Compare.seed();
        TinyMlp net = new TinyMlp(seed);
        double[] byMagnitude = Arrays.stream(net.eigenvalues).boxed()
                .sorted((a, b) -> Double.compare(Math.abs(b), Math.abs(a))).mapToDouble(Double::doubleValue).toArray();
        double norm = Math.abs(byMagnitude[0]);
        var r = PowerIteration.topK(net.hessian, 2, 5000, 1e-9, new SplittableRandom(seed + 1), null);
        // Close magnitudes converge slowly; 5000 steps at rate |λ₂/λ₁| reach 1e-4 unless the ratio exceeds 0.998.
        for (int i = 0; i < 2; i++) {
            assertEquals(byMagnitude[i], r.get(i).lambda(), 1e-3 * norm, "seed " + seed + ": eigenpair " + i + " of " + Arrays.toString(byMagnitude));
        }
    }
}
