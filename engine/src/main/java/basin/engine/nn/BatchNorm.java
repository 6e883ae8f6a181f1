package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.engine.nn.checkpoint.HostInt64Tensor;
import basin.engine.nn.checkpoint.HostTensor;
import basin.kernels.Backend;
import basin.kernels.Buffer;

import java.util.Arrays;
import java.util.List;

/**
 * Batch normalisation (Ioffe &amp; Szegedy 2015), PyTorch's {@code nn.BatchNorm1d} on [N, C] and
 * {@code nn.BatchNorm2d} on [N, C, H, W]: per channel c, over the M = N·H·W values of the batch,
 * <pre>
 *   y = γ_c (x − μ_c) / √(σ²_c + ε) + β_c
 * </pre>
 * With batch statistics ({@link Mode#batchStatistics()}) μ and σ² are the batch mean and biased
 * variance, computed with differentiable ops, so the gradient and the HVP include their dependence
 * on θ through x. In {@link Mode#TRAIN} they are also folded into running averages with PyTorch's
 * convention: r ← (1 − m)·r + m·s, with the unbiased variance σ²·M/(M − 1) for running_var, m the
 * momentum (or 1/num_batches_tracked, a cumulative average, when momentum is null). In
 * {@link Mode#EVAL} μ and σ² are the running averages: constants, and y is affine in x.
 *
 * <p>γ = weight (initially 1) and β = bias (initially 0) are parameters; running_mean (0),
 * running_var (1) and num_batches_tracked (0) are buffers. The running statistics live on the device
 * the forward pass runs on and are updated there, so a training step on a GPU brings nothing back;
 * their host arrays ({@link #buffers()}, {@link #runningMean()}) are brought up to date when read.
 */
public final class BatchNorm implements Layer {
    private final int channels;
    private final boolean spatial;
    private final double eps;
    private Double momentum;
    private final ResidentVector runningMean, runningVar;
    private final long[] batchesTracked = {0};

    /**
     * @param channels C
     * @param spatial  true for BatchNorm2d ([C, H, W] per example), false for BatchNorm1d ([C])
     * @param eps      added to the variance, PyTorch's default 1e-5
     * @param momentum weight of the new batch in the running averages, PyTorch's default 0.1; null
     *                 for a cumulative average
     */
    public BatchNorm(int channels, boolean spatial, double eps, Double momentum) {
        if (channels <= 0 || !(eps > 0) || momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException((spatial ? "batchnorm2d" : "batchnorm1d") + ": needs channels > 0, eps > 0 and momentum in [0, 1] or null, got channels="
                    + channels + ", eps=" + eps + ", momentum=" + momentum);
        }
        this.channels = channels;
        this.spatial = spatial;
        this.eps = eps;
        this.momentum = momentum;
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        this.runningMean = new ResidentVector(new float[channels]);
        this.runningVar = new ResidentVector(ones);
    }

    /** PyTorch's defaults: eps 1e-5, momentum 0.1. */
    public static BatchNorm of(int channels, boolean spatial) {
        return new BatchNorm(channels, spatial, 1e-5, 0.1);
    }

    @Override
    public String type() {
        return spatial ? "batchnorm2d" : "batchnorm1d";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.constant("weight", Shape.of(channels), 1), ParamSpec.constant("bias", Shape.of(channels), 0));
    }

    @Override
    public List<HostTensor> buffers() {
        return List.of(new HostTensor("running_mean", new int[] {channels}, runningMean.host()),
                new HostTensor("running_var", new int[] {channels}, runningVar.host()));
    }

    @Override
    public List<HostInt64Tensor> counters() {
        return List.of(new HostInt64Tensor("num_batches_tracked", new int[0], batchesTracked));
    }

    @Override
    public Shape outputShape(Shape input) {
        boolean fits = input.rank() == (spatial ? 3 : 1) && input.dim(0) == channels;
        ShapeException.check(fits, "%s(%d): expects inputs of shape %s, got %s", type(), channels,
                spatial ? "[" + channels + ", H, W]" : "[" + channels + "]", input);
        return input;
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        Shape s = x.shape();
        ShapeException.check(s.rank() == (spatial ? 4 : 2) && s.dim(1) == channels,
                "%s(%d): expects a batch %s, got %s", type(), channels, spatial ? "[N, " + channels + ", H, W]" : "[N, " + channels + "]", s);
        Tensor gamma = params[0], beta = params[1];
        Shape perChannel = Shape.of(channels);
        if (!mode.batchStatistics()) {
            // Running statistics are constants: y = (x − r_μ) ⊙ γ/√(r_σ² + ε) + β, read on the device.
            Tensor mean = Tensor.of(perChannel, runningMean.on(x.backend()));
            Tensor invStd = Tensor.of(perChannel, runningVar.on(x.backend())).shift((float) eps).rsqrt();
            return x.addBroadcast(mean.scale(-1f), 1).mulBroadcast(invStd.mul(gamma), 1).addBroadcast(beta, 1);
        }
        int m = s.size() / channels;
        ShapeException.check(m > 1, "%s(%d): batch statistics need more than one value per channel, got a batch %s", type(), channels, s);
        Tensor mean = x.sumTo(perChannel, 1).scale(1f / m);                                 // μ
        Tensor centred = x.sub(mean.expand(s, 1));                                          // x − μ
        Tensor variance = centred.mul(centred).sumTo(perChannel, 1).scale(1f / m);          // σ², biased
        Tensor invStd = variance.shift((float) eps).rsqrt();                                // 1/√(σ² + ε)
        if (mode.updatesRunningStatistics()) updateRunningStatistics(mean.buffer(), variance.buffer(), m);
        return centred.mulBroadcast(invStd.mul(gamma), 1).addBroadcast(beta, 1);
    }

    /**
     * r ← (1 − m)·r + m·s, with the unbiased variance σ²·M/(M − 1), as PyTorch's BatchNorm does in
     * training; on the device, in place, so the step waits for nothing.
     */
    private void updateRunningStatistics(Buffer mean, Buffer variance, int m) {
        batchesTracked[0]++;
        double factor = momentum != null ? momentum : 1.0 / batchesTracked[0];
        double unbias = (double) m / (m - 1);
        Backend backend = mean.backend();
        Buffer rMean = runningMean.on(backend), rVar = runningVar.on(backend);
        backend.scale(rMean, (float) (1 - factor), rMean);
        backend.axpy((float) factor, mean, rMean);
        backend.scale(rVar, (float) (1 - factor), rVar);
        backend.axpy((float) (factor * unbias), variance, rVar);
        runningMean.deviceWritten();
        runningVar.deviceWritten();
    }

    public int channels() {
        return channels;
    }

    public double eps() {
        return eps;
    }

    /** The momentum, or null for a cumulative average. */
    public Double momentum() {
        return momentum;
    }

    /**
     * Sets the momentum of later training passes (null: a cumulative average), as PyTorch code sets
     * {@code module.momentum}: {@code update_bn} sets it per batch while it recomputes the statistics
     * and restores it after.
     */
    public void setMomentum(Double momentum) {
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(type() + ": momentum must be in [0, 1] or null, got " + momentum);
        }
        this.momentum = momentum;
    }

    /** running_mean ← 0, running_var ← 1, num_batches_tracked ← 0: PyTorch's {@code reset_running_stats}. */
    public void resetRunningStatistics() {
        Arrays.fill(runningMean.host(), 0f);
        Arrays.fill(runningVar.host(), 1f);
        batchesTracked[0] = 0;
    }

    /** running_mean, the layer's own host array, brought up to date (writes change the model). */
    public float[] runningMean() {
        return runningMean.host();
    }

    /** running_var, the layer's own host array, brought up to date (writes change the model). */
    public float[] runningVar() {
        return runningVar.host();
    }

    /**
     * Gives the device copies of the running statistics back to the backend's pool without reading
     * them: for a model built for one measurement (a point of a path) and then dropped. The host
     * arrays keep what they last held.
     */
    public void dropDeviceCopies() {
        runningMean.drop();
        runningVar.drop();
    }

    /** num_batches_tracked. */
    public long batchesTracked() {
        return batchesTracked[0];
    }
}
