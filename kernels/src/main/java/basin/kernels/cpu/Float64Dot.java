package basin.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Σ aᵢ·bᵢ of two float32 arrays with every product and sum in float64: the dot product that
 * steers the probes (Rayleigh quotients, Lanczos α and β, Gram–Schmidt coefficients).
 *
 * <p>Each float lane is widened to double before its fused multiply-add, so the result carries
 * float64 rounding only; the widening is one instruction per vector, so the loop still runs at
 * the speed of its loads. Four accumulators hide the FMA latency.
 */
final class Float64Dot {
    private Float64Dot() {
    }

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as D: half of D's width. */
    private static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int LANES = D.length();

    static double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i + 4 * LANES <= n; i += 4 * LANES) {
            s0 = widen(a, aOff + i).fma(widen(b, bOff + i), s0);
            s1 = widen(a, aOff + i + LANES).fma(widen(b, bOff + i + LANES), s1);
            s2 = widen(a, aOff + i + 2 * LANES).fma(widen(b, bOff + i + 2 * LANES), s2);
            s3 = widen(a, aOff + i + 3 * LANES).fma(widen(b, bOff + i + 3 * LANES), s3);
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += (double) a[aOff + i] * b[bOff + i];
        return s;
    }

    private static DoubleVector widen(float[] x, int offset) {
        return (DoubleVector) FloatVector.fromArray(F, x, offset).convertShape(VectorOperators.F2D, D, 0);
    }
}
