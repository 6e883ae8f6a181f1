package basin.engine.linalg;

import basin.autodiff.Tensor;
import basin.kernels.Backend;
import basin.kernels.Buffer;

import java.util.SplittableRandom;

/**
 * A vector in parameter space ℝᵖ (a point θ, a gradient, a direction v, a Lanczos vector), stored on
 * a backend with the {@link ParamLayout} that names its pieces. The BLAS-1 verbs mutate the
 * receiver and say so ({@code axpy}, {@code scal}, {@code copyFrom}); dot products and norms
 * accumulate in float64 because they steer the probes.
 */
public final class ParamVector {
    private final ParamLayout layout;
    private final Buffer data;

    private ParamVector(ParamLayout layout, Buffer data) {
        if (data.length() != layout.size()) {
            throw new IllegalArgumentException("param vector: buffer of length " + data.length()
                    + " does not match a layout of " + layout.size() + " parameters");
        }
        this.layout = layout;
        this.data = data;
    }

    /** A vector over an existing buffer (shared). */
    public static ParamVector over(ParamLayout layout, Buffer data) {
        return new ParamVector(layout, data);
    }

    /** The zero vector. */
    public static ParamVector zeros(Backend backend, ParamLayout layout) {
        return new ParamVector(layout, backend.zeros(layout.size()));
    }

    /** A copy of host values (length p). */
    public static ParamVector fromHost(Backend backend, ParamLayout layout, float[] values) {
        if (values.length != layout.size()) {
            throw new IllegalArgumentException("param vector: " + values.length + " values for " + layout.size() + " parameters");
        }
        Buffer b = backend.allocate(layout.size());
        backend.copyIn(values, 0, b);
        return new ParamVector(layout, b);
    }

    /** Entries i.i.d. N(0, 1), drawn on the host from {@code rng} so every backend sees the same vector. */
    public static ParamVector gaussian(Backend backend, ParamLayout layout, SplittableRandom rng) {
        float[] v = new float[layout.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return fromHost(backend, layout, v);
    }

    /** Entries i.i.d. ±1 with probability ½ each (Rademacher), for Hutchinson's estimator. */
    public static ParamVector rademacher(Backend backend, ParamLayout layout, SplittableRandom rng) {
        float[] v = new float[layout.size()];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextBoolean() ? 1f : -1f;
        return fromHost(backend, layout, v);
    }

    public ParamLayout layout() {
        return layout;
    }

    public Buffer buffer() {
        return data;
    }

    public Backend backend() {
        return data.backend();
    }

    /** p, the number of parameters. */
    public int dim() {
        return layout.size();
    }

    /** ⟨this, x⟩ in float64. */
    public double dot(ParamVector x) {
        checkSame("dot", x);
        return backend().dot(data, x.data);
    }

    /** ‖this‖₂ in float64. */
    public double norm() {
        return Math.sqrt(backend().dot(data, data));
    }

    /** this ← α·x + this. */
    public void axpy(double alpha, ParamVector x) {
        checkSame("axpy", x);
        backend().axpy((float) alpha, x.data, data);
    }

    /** this ← α·this. */
    public void scal(double alpha) {
        backend().scale(data, (float) alpha, data);
    }

    /** this ← x. */
    public void copyFrom(ParamVector x) {
        checkSame("copyFrom", x);
        backend().copy(x.data, data);
    }

    /** A new vector equal to this one. */
    public ParamVector copy() {
        ParamVector c = new ParamVector(layout, backend().allocate(layout.size()));
        backend().copy(data, c.data);
        return c;
    }

    /** A new vector α·this. */
    public ParamVector scaled(double alpha) {
        ParamVector c = new ParamVector(layout, backend().allocate(layout.size()));
        backend().scale(data, (float) alpha, c.data);
        return c;
    }

    /** The zero vector with this vector's layout and backend. */
    public ParamVector zerosLike() {
        return zeros(backend(), layout);
    }

    /** The piece of θ named by {@code entry}, as a tensor view (no copy). */
    public Tensor tensor(ParamLayout.Entry entry) {
        return Tensor.of(entry.shape(), data.slice(entry.offset(), entry.size()));
    }

    /** Device → host copy. */
    public float[] toHost() {
        float[] out = new float[layout.size()];
        backend().copyOut(data, out, 0);
        return out;
    }

    private void checkSame(String op, ParamVector x) {
        if (x.layout.size() != layout.size()) {
            throw new IllegalArgumentException(op + ": vectors of " + layout.size() + " and " + x.layout.size() + " parameters");
        }
    }
}
