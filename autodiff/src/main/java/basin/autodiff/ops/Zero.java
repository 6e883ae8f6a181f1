package basin.autodiff.ops;

import basin.autodiff.Tensor;

/** Arithmetic on tangents where null stands for a symbolic zero. */
final class Zero {
    private Zero() {
    }

    /** a + b, with null as zero on either side. */
    static Tensor plus(Tensor a, Tensor b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.add(b);
    }
}
