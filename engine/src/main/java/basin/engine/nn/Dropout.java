package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;

import java.util.List;

/**
 * Inverted dropout (Srivastava et al. 2014), PyTorch's {@code nn.Dropout(p)}: in {@link Mode#TRAIN}
 * each element is zeroed with probability p and the survivors are scaled by 1/(1 − p), so that
 * E[y] = x; otherwise y = x. y = x ⊙ m with m a constant, so gradients and HVPs pass through the
 * mask of that pass.
 *
 * <p>Masks are seeded: the k-th training pass of a layer with seed s draws the mask of the
 * stateless hash {@code dropoutMask(mix(s, k))}, the same on every backend, so a run is
 * reproducible from its seed. A training run calls {@link #startRun} with its own seed, so that
 * runs with different seeds draw different masks from the same spec.
 */
public final class Dropout implements Layer {
    private final double p;
    private final long layerSeed;
    private long seed, passes;

    public Dropout(double p, long seed) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        this.p = p;
        this.layerSeed = seed;
        this.seed = seed;
    }

    @Override
    public String type() {
        return "dropout";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        if (!mode.dropout() || p == 0) return x;
        long pass = passes++;
        if (p == 1) return x.scale(0f);
        Tensor mask = Tensor.empty(x.backend(), x.shape());
        x.backend().dropoutMask(maskSeed(seed, pass), (float) p, mask.buffer());
        return x.mul(mask);
    }

    /** The seed of the mask of training pass {@code pass}: SplitMix64 of the layer seed and the pass number. */
    public static long maskSeed(long seed, long pass) {
        long z = seed + (pass + 1) * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Restarts the mask sequence for a run: seed = mix(layer seed, run seed), pass 0. */
    public void startRun(long runSeed) {
        seed = maskSeed(layerSeed, runSeed);
        passes = 0;
    }

    /**
     * Continues a run's mask sequence after {@code passes} training passes: seed = mix(layer seed,
     * run seed) as {@link #startRun} sets it, and the next mask is number {@code passes}. A resumed
     * training run calls it with the count it saved, so the masks go on as if never interrupted.
     *
     * @throws IllegalArgumentException if {@code passes} is negative
     */
    public void resume(long runSeed, long passes) {
        if (passes < 0) throw new IllegalArgumentException("dropout resume: pass count " + passes + " is negative");
        startRun(runSeed);
        this.passes = passes;
    }

    /** The probability p of zeroing an element. */
    public double p() {
        return p;
    }

    /** The seed given at construction (the spec's, or the layer's index). */
    public long seed() {
        return layerSeed;
    }

    /** Training passes so far (the index of the next mask). */
    public long passes() {
        return passes;
    }
}
