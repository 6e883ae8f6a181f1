package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.BasicBlock;
import basin.engine.nn.Batch;
import basin.engine.nn.BatchNorm;
import basin.engine.nn.Layer;
import basin.engine.nn.Mode;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.HostTensor;
import basin.kernels.Arena;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The statistics a model's eval-mode forward pass reads that are not part of θ: BatchNorm's running
 * mean and variance. They belong to one θ, so a point on a path between two models (θ(t), or a point
 * of the plane through them) needs its own, recomputed from training data before its loss means
 * anything (Garipov et al. 2018, {@code utils.update_bn}; {@code torch.optim.swa_utils.update_bn}):
 * <pre>
 *   1  every BatchNorm layer: running_mean ← 0, running_var ← 1, num_batches_tracked ← 0
 *   2  n ← 0
 *   3  for each training batch b of |b| examples, in order:
 *   4      momentum ← |b| / (n + |b|)               the batch's share of the examples seen so far
 *   5      train-mode forward pass of b at θ         each layer: r ← (1 − momentum) r + momentum s_b
 *   6      n ← n + |b|
 *   7  restore every layer's momentum
 * </pre>
 * so that afterwards, with μ_b and σ²_b the batch mean and biased variance of a channel over its M_b
 * values, N = Σ_b |b|,
 * <pre>
 *   running_mean = Σ_b |b| μ_b / N,      running_var = Σ_b |b| σ²_b M_b/(M_b − 1) / N
 * </pre>
 * the example-weighted mean of the per-batch statistics, with PyTorch's unbiased variance. For
 * batches of one size this is exactly the cumulative average of {@code momentum=None} (the step-4
 * factor is then 1/k); Garipov et al.'s weighting keeps a short last batch from counting as a full one.
 *
 * <p>An instance says what a loss does about these statistics at each point: there are none, the
 * model's own are kept (a slice around one trained model, as loss-landscape does), or they are
 * recomputed at each point (paths and planes between models); outputs print {@link #describe()}.
 */
public final class RunningStatistics {

    private enum Kind { NONE, KEPT, RECOMPUTED }

    /** A model without running statistics. */
    public static final RunningStatistics NONE = new RunningStatistics(Kind.NONE, List.of(), "", 0, 0);

    private final Kind kind;
    private final List<String> layers;
    private final String data;
    private final int examples, batches;

    private RunningStatistics(Kind kind, List<String> layers, String data, int examples, int batches) {
        this.kind = kind;
        this.layers = layers;
        this.data = data;
        this.examples = examples;
        this.batches = batches;
    }

    /**
     * The statistics of {@code model} as it stands: none without BatchNorm, else the model's own
     * (those loaded with its weights), the same at every θ. Throws before any work for a layer that
     * keeps buffers this class cannot recompute.
     */
    public static RunningStatistics of(Sequential model) {
        List<String> names = batchNormNames(model);
        return names.isEmpty() ? NONE : new RunningStatistics(Kind.KEPT, names, "", 0, 0);
    }

    /** The statistics of {@code model} recomputed at each θ from {@code examples} examples of {@code data} in {@code batches} batches. */
    public static RunningStatistics recomputed(Sequential model, String data, int examples, int batches) {
        List<String> names = batchNormNames(model);
        return names.isEmpty() ? NONE : new RunningStatistics(Kind.RECOMPUTED, names, data, examples, batches);
    }

    /** True when the model's forward pass reads running statistics (it has BatchNorm layers). */
    public boolean present() {
        return kind != Kind.NONE;
    }

    /** True when they are recomputed at each point rather than kept. */
    public boolean recomputed() {
        return kind == Kind.RECOMPUTED;
    }

    /** The BatchNorm layers by their state_dict prefix, e.g. {@code 2}, {@code 4.bn1}. */
    public List<String> layers() {
        return layers;
    }

    /** What the outputs say about it. */
    public String describe() {
        switch (kind) {
            case NONE:
                return "model has no BatchNorm: no running statistics to recompute";
            case KEPT:
                return "BatchNorm running statistics kept: the model's own, loaded with its weights, at every point";
            default:
                return "BatchNorm running statistics recomputed at each point from " + examples + " training examples in " + batches
                        + " batches (" + data + "; reset, train-mode passes, averaged over the batches weighted by size, as update_bn)";
        }
    }

    /**
     * Refuses, before any work, a path between models whose BatchNorm statistics would be the
     * loaded model's at every point: its losses would be wrong without a sign of it.
     */
    void requireRecomputedFor(String probe) {
        if (kind == Kind.KEPT) {
            throw new IllegalArgumentException(probe + ": the model has BatchNorm layers " + layers + " and a path between models needs their"
                    + " running statistics recomputed at each point; measure it on DatasetLoss.recomputingStatistics(…)");
        }
    }

    /**
     * Steps 1-7 above on {@code model}: its BatchNorm layers end with the running statistics of θ over
     * {@code batches}. The passes run in train mode as update_bn's do, so a dropout layer draws its
     * masks; on a freshly built model those are the same at every θ.
     */
    public static void recompute(Sequential model, ParamVector theta, List<Batch> batches) {
        List<BatchNorm> layers = layersOf(model);           // not batchNorms(): its check reads the statistics on the host
        if (layers.isEmpty()) return;
        if (batches.isEmpty()) throw new IllegalArgumentException("running statistics: no training batches to recompute them from");
        Double[] momenta = new Double[layers.size()];
        for (int i = 0; i < momenta.length; i++) {
            momenta[i] = layers.get(i).momentum();
            layers.get(i).resetRunningStatistics();                                   // 1
        }
        try {
            long n = 0;                                                               // 2
            for (Batch b : batches) {                                                 // 3
                double momentum = (double) b.size() / (n + b.size());                 // 4
                for (BatchNorm layer : layers) layer.setMomentum(momentum);
                try (Arena arena = theta.backend().openArena()) {
                    model.forward(b.inputs(), model.tensors(theta), Mode.TRAIN);      // 5
                }
                n += b.size();                                                        // 6
            }
        } finally {
            for (int i = 0; i < momenta.length; i++) layers.get(i).setMomentum(momenta[i]);   // 7
        }
    }

    /**
     * Every BatchNorm layer of {@code model}, those inside residual blocks included, in state_dict
     * order. Throws when some layer keeps running statistics that none of them holds, rather than
     * leave them stale.
     */
    public static List<BatchNorm> batchNorms(Sequential model) {
        List<BatchNorm> found = layersOf(model);
        Set<float[]> reached = Collections.newSetFromMap(new IdentityHashMap<>());
        for (BatchNorm bn : found) {
            reached.add(bn.runningMean());
            reached.add(bn.runningVar());
        }
        for (HostTensor buffer : model.buffers()) {
            if (!reached.contains(buffer.data())) {
                throw new UnsupportedOperationException("running statistics: buffer " + buffer.name()
                        + " belongs to a layer whose statistics cannot be recomputed here, so paths through this model are refused");
            }
        }
        return found;
    }

    /**
     * Gives a model's statistics' device copies back without reading them: for a model built for
     * one measurement (a point of a path) and then dropped.
     */
    public static void dropDeviceCopies(Sequential model) {
        for (BatchNorm layer : layersOf(model)) layer.dropDeviceCopies();
    }

    /** Every BatchNorm layer, residual blocks' included, in state_dict order, without touching their statistics. */
    private static List<BatchNorm> layersOf(Sequential model) {
        List<BatchNorm> found = new ArrayList<>();
        for (Layer layer : model.layers()) {
            if (layer instanceof BatchNorm) found.add((BatchNorm) layer);
            else if (layer instanceof BasicBlock) found.addAll(((BasicBlock) layer).batchNorms());
        }
        return found;
    }

    private static List<String> batchNormNames(Sequential model) {
        batchNorms(model);                                                // refuses buffers it cannot reach
        List<String> names = new ArrayList<>();
        for (HostTensor buffer : model.buffers()) {
            if (buffer.name().endsWith(".running_mean")) names.add(buffer.name().substring(0, buffer.name().length() - ".running_mean".length()));
        }
        return List.copyOf(names);
    }
}
