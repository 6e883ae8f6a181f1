package basin.engine.probe.landscape;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Directions in parameter space for slices, sharpness and paths: seeded Gaussian directions,
 * Gram–Schmidt, filter normalisation (Li et al. 2018, "Visualizing the Loss Landscape of Neural
 * Nets", §4) and the direction from one model to another.
 *
 * <p>Filter normalisation rescales a random direction d so that each filter has the norm of the
 * filter it perturbs:
 * <pre>
 *   d_{i,j} ← d_{i,j} / ‖d_{i,j}‖ · ‖θ_{i,j}‖
 * </pre>
 * for filter j of layer i. A filter is a slice along the first axis of a weight: one output channel
 * {@code [in, kh, kw]} of a conv weight {@code [out, in, kh, kw]}, one row {@code [in]} of a dense
 * weight {@code [out, in]}. Then a step α along d moves every filter by the same fraction of its
 * own size, which removes the scale invariance of ReLU networks from the picture.
 */
public final class Directions {
    private Directions() {
    }

    /**
     * What filter normalisation does with one-dimensional parameters (biases, BatchNorm's weight and
     * bias), which have no filters. loss-landscape's {@code --xignore biasbn} zeroes them; without
     * it, it copies θ into d ({@code d.copy_(w)} in {@code normalize_directions_for_weights}).
     */
    public enum OneDimensional {
        /** d ← 0: the slice does not move biases and BatchNorm parameters (loss-landscape's {@code biasbn}). */
        IGNORE,
        /** d ← d/‖d‖·‖θ‖ over the whole vector, as if it were one filter. */
        NORMALISE,
        /** d ← θ, loss-landscape's behaviour without {@code biasbn}. */
        COPY_WEIGHTS;

        /** How an output states the choice. */
        public String describe() {
            switch (this) {
                case IGNORE: return "1-D parameters (biases, BatchNorm) ignored: direction zero there";
                case NORMALISE: return "1-D parameters (biases, BatchNorm) normalised as one filter each";
                default: return "1-D parameters (biases, BatchNorm) set to the weights themselves (d = θ)";
            }
        }
    }

    /** d with entries i.i.d. N(0, 1), drawn on the host from {@code rng}. */
    public static ParamVector gaussian(Backend backend, ParamLayout layout, SplittableRandom rng) {
        return ParamVector.gaussian(backend, layout, rng);
    }

    /** d / ‖d‖ for d Gaussian: a direction uniform on the unit sphere. */
    public static ParamVector unitGaussian(Backend backend, ParamLayout layout, SplittableRandom rng) {
        ParamVector d = gaussian(backend, layout, rng);
        d.scal(1 / d.norm());
        return d;
    }

    /** θ_to − θ_from: the direction from one model to another. The layouts must agree entry by entry. */
    public static ParamVector between(ParamVector from, ParamVector to) {
        requireSameLayout(from.layout(), to.layout(), "first model", "second model");
        ParamVector d = to.copy();
        d.axpy(-1, from);
        return d;
    }

    /**
     * The filter-normalised copy of d at θ: every filter of every weight of rank ≥ 2 rescaled to the
     * norm of θ's filter, and the 1-D parameters treated as {@code oneDimensional} says. Norms in float64.
     */
    public static ParamVector filterNormalised(ParamVector d, ParamVector theta, OneDimensional oneDimensional) {
        requireSameLayout(d.layout(), theta.layout(), "direction", "parameters");
        float[] dh = d.toHost(), th = theta.toHost();
        for (ParamLayout.Entry e : d.layout().entries()) {
            if (e.shape().rank() >= 2) {
                int filters = e.shape().dim(0), filterSize = e.size() / filters;
                for (int j = 0; j < filters; j++) rescale(dh, th, e.offset() + j * filterSize, filterSize);
            } else if (oneDimensional == OneDimensional.IGNORE) {
                java.util.Arrays.fill(dh, e.offset(), e.offset() + e.size(), 0f);
            } else if (oneDimensional == OneDimensional.NORMALISE) {
                rescale(dh, th, e.offset(), e.size());
            } else {
                System.arraycopy(th, e.offset(), dh, e.offset(), e.size());
            }
        }
        return ParamVector.fromHost(d.backend(), d.layout(), dh);
    }

    /** d_i ← d_i / ‖d_i‖ · ‖θ_i‖ on one filter; a zero filter of d stays zero. */
    private static void rescale(float[] d, float[] theta, int offset, int length) {
        double dNorm = 0, thetaNorm = 0;
        for (int i = offset; i < offset + length; i++) {
            dNorm += (double) d[i] * d[i];
            thetaNorm += (double) theta[i] * theta[i];
        }
        double factor = dNorm == 0 ? 0 : Math.sqrt(thetaNorm / dNorm);
        for (int i = offset; i < offset + length; i++) d[i] = (float) (d[i] * factor);
    }

    /**
     * Gram–Schmidt without normalisation: d ← d − Σ_k ⟨d, q_k⟩/⟨q_k, q_k⟩ q_k over the given
     * vectors (which need not be unit). Run twice, because one pass in float32 leaves a residual
     * overlap of the order of the rounding error times the condition (Kahan–Parlett "twice is enough").
     */
    public static void orthogonalise(ParamVector d, List<ParamVector> against) {
        for (int pass = 0; pass < 2; pass++) {
            for (ParamVector q : against) {
                double qq = q.dot(q);
                if (qq == 0) continue;
                d.axpy(-d.dot(q) / qq, q);
            }
        }
    }

    /** Modified Gram–Schmidt on a list, in place: each vector orthogonalised against the ones before it and normalised. */
    public static void orthonormalise(List<ParamVector> vectors) {
        for (int j = 0; j < vectors.size(); j++) {
            ParamVector v = vectors.get(j);
            orthogonalise(v, vectors.subList(0, j));
            double norm = v.norm();
            if (norm == 0) throw new ArithmeticException("gram-schmidt: vector " + j + " lies in the span of the ones before it");
            v.scal(1 / norm);
        }
    }

    /**
     * Fails unless two layouts hold the same tensors (names and shapes, in the same order), naming
     * the first that differs: two models' parameters can only be compared entry by entry.
     */
    public static void requireSameLayout(ParamLayout a, ParamLayout b, String nameA, String nameB) {
        List<ParamLayout.Entry> ea = a.entries(), eb = b.entries();
        for (int i = 0; i < Math.min(ea.size(), eb.size()); i++) {
            ParamLayout.Entry x = ea.get(i), y = eb.get(i);
            if (!x.name().equals(y.name()) || !x.shape().equals(y.shape())) {
                throw new IllegalArgumentException(String.format("%s and %s have different parameters: tensor %d is %s%s in %s but %s%s in %s",
                        nameA, nameB, i, x.name(), x.shape(), nameA, y.name(), y.shape(), nameB));
            }
        }
        if (ea.size() != eb.size() || a.size() != b.size()) {
            throw new IllegalArgumentException(nameA + " has " + ea.size() + " tensors (" + a.size() + " parameters), "
                    + nameB + " has " + eb.size() + " (" + b.size() + " parameters)");
        }
    }
}
