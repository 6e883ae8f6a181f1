package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.engine.nn.checkpoint.HostInt64Tensor;
import basin.engine.nn.checkpoint.HostTensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The residual basic block of He et al. (2016), as torchvision's {@code BasicBlock}:
 * <pre>
 *   y = relu( bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x) )
 * </pre>
 * conv1 is 3×3 with the block's stride, conv2 3×3 with stride 1, both padded by 1 and without bias.
 * The shortcut is the identity when the stride is 1 and the width does not change; otherwise the
 * projection {@code downsample = Sequential(Conv2d(in, out, 1, stride, bias=False), BatchNorm2d(out))}
 * (option B of the paper). Parameters and buffers carry torchvision's names: {@code conv1.weight},
 * {@code bn1.weight}, {@code bn1.running_mean}, …, {@code downsample.0.weight}, {@code downsample.1.bias}.
 */
public final class BasicBlock implements Layer {
    /** A sub-layer and its name prefix in the block's state_dict. */
    private record Child(String prefix, Layer layer) {
    }

    private final int in, out, stride;
    private final List<Child> main = new ArrayList<>(), shortcut = new ArrayList<>();
    private final Relu relu = new Relu();

    public BasicBlock(int in, int out, int stride, double eps, Double momentum) {
        if (in <= 0 || out <= 0 || stride <= 0) {
            throw new IllegalArgumentException("basicblock: in, out and stride must be positive, got in=" + in + ", out=" + out + ", stride=" + stride);
        }
        this.in = in;
        this.out = out;
        this.stride = stride;
        main.add(new Child("conv1.", new Conv2d(in, out, 3, stride, 1, false)));
        main.add(new Child("bn1.", new BatchNorm(out, true, eps, momentum)));
        main.add(new Child("", relu));
        main.add(new Child("conv2.", new Conv2d(out, out, 3, 1, 1, false)));
        main.add(new Child("bn2.", new BatchNorm(out, true, eps, momentum)));
        if (stride != 1 || in != out) {
            shortcut.add(new Child("downsample.0.", new Conv2d(in, out, 1, stride, 0, false)));
            shortcut.add(new Child("downsample.1.", new BatchNorm(out, true, eps, momentum)));
        }
    }

    /** With PyTorch's BatchNorm defaults (eps 1e-5, momentum 0.1). */
    public static BasicBlock of(int in, int out, int stride) {
        return new BasicBlock(in, out, stride, 1e-5, 0.1);
    }

    @Override
    public String type() {
        return "basicblock";
    }

    private List<Child> children() {
        List<Child> all = new ArrayList<>(main);
        all.addAll(shortcut);
        return all;
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> all = new ArrayList<>();
        for (Child c : children()) {
            for (ParamSpec p : c.layer().parameters()) {
                all.add(new ParamSpec(c.prefix() + p.name(), p.shape(), p.initBound(), p.initValue()));
            }
        }
        return all;
    }

    @Override
    public List<HostTensor> buffers() {
        List<HostTensor> all = new ArrayList<>();
        for (Child c : children()) {
            for (HostTensor b : c.layer().buffers()) all.add(new HostTensor(c.prefix() + b.name(), b.shape(), b.data()));
        }
        return all;
    }

    @Override
    public List<HostInt64Tensor> counters() {
        List<HostInt64Tensor> all = new ArrayList<>();
        for (Child c : children()) {
            for (HostInt64Tensor b : c.layer().counters()) all.add(new HostInt64Tensor(c.prefix() + b.name(), b.shape(), b.data()));
        }
        return all;
    }

    @Override
    public Shape outputShape(Shape input) {
        ShapeException.check(input.rank() == 3 && input.dim(0) == in,
                "basicblock(%d→%d, stride %d): expects inputs of shape [%d, H, W], got %s", in, out, stride, in, input);
        Shape s = input;
        for (Child c : main) s = c.layer().outputShape(s);
        return s;
    }

    /** Every sub-layer's output on both paths, then the sum and its ReLU: each of the block's tensors on the tape. */
    @Override
    public long activationFloats(Shape input) {
        long floats = 0;
        Shape s = input;
        for (Child c : main) {
            floats += c.layer().activationFloats(s);
            s = c.layer().outputShape(s);
        }
        Shape t = input;
        for (Child c : shortcut) {
            floats += c.layer().activationFloats(t);
            t = c.layer().outputShape(t);
        }
        return floats + 2L * s.size();
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        int[] next = {0};
        Tensor residual = run(main, x, params, next, mode);
        Tensor identity = shortcut.isEmpty() ? x : run(shortcut, x, params, next, mode);
        return residual.add(identity).relu();
    }

    private static Tensor run(List<Child> path, Tensor x, Tensor[] params, int[] next, Mode mode) {
        Tensor h = x;
        for (Child c : path) {
            int n = c.layer().parameters().size();
            Tensor[] own = new Tensor[n];
            System.arraycopy(params, next[0], own, 0, n);
            next[0] += n;
            h = c.layer().forward(h, own, mode);
        }
        return h;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public int stride() {
        return stride;
    }

    /** The block's BatchNorm layers in state_dict order: bn1, bn2 and, with a projection, downsample.1. */
    public List<BatchNorm> batchNorms() {
        List<BatchNorm> all = new ArrayList<>();
        for (Child c : children()) if (c.layer() instanceof BatchNorm) all.add((BatchNorm) c.layer());
        return all;
    }

    /** True when the shortcut is the 1×1 projection rather than the identity. */
    public boolean projects() {
        return !shortcut.isEmpty();
    }
}
