package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.checkpoint.HostInt64Tensor;
import basin.engine.nn.checkpoint.HostTensor;
import basin.kernels.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Layers applied in order, PyTorch's {@code nn.Sequential}. Parameters are named
 * {@code <index>.<name>} by the layer's index in the list, exactly as PyTorch's {@code state_dict}
 * names them ({@code 1.weight}, {@code 1.bias} for a Linear after a Flatten), and packed into one
 * flat vector θ in that order.
 */
public final class Sequential {
    private final Shape inputShape;
    private final List<Layer> layers;
    private final List<Shape> shapes;            // per-example shape after each layer; shapes.get(0) is the input
    private final int[] firstParam;               // index in the layout of each layer's first parameter
    private final ParamLayout layout;
    private final List<ParamSpec> specs = new ArrayList<>();

    /** Checks the shapes through the whole stack, failing on the first layer that does not fit. */
    public Sequential(Shape inputShape, List<Layer> layers) {
        this.inputShape = inputShape;
        this.layers = List.copyOf(layers);
        this.shapes = new ArrayList<>();
        this.firstParam = new int[layers.size()];
        shapes.add(inputShape);
        List<String> names = new ArrayList<>();
        List<Shape> paramShapes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            try {
                shapes.add(layer.outputShape(shapes.get(i)));
            } catch (ShapeException e) {
                throw new ShapeException("layer " + i + " (" + layer.type() + "): " + e.getMessage());
            }
            firstParam[i] = names.size();
            for (ParamSpec p : layer.parameters()) {
                names.add(i + "." + p.name());
                paramShapes.add(p.shape());
                specs.add(p);
            }
        }
        this.layout = ParamLayout.of(names, paramShapes);
    }

    public Shape inputShape() {
        return inputShape;
    }

    /** The per-example output shape, e.g. [10] for the logits of ten classes. */
    public Shape outputShape() {
        return shapes.get(shapes.size() - 1);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Names, shapes and offsets of the parameters in θ. */
    public ParamLayout layout() {
        return layout;
    }

    /**
     * The logits for a batch x of shape [B, input…], given the parameter tensors in layout order.
     */
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        Shape s = x.shape();
        boolean fits = s.rank() == inputShape.rank() + 1;
        for (int i = 0; fits && i < inputShape.rank(); i++) fits = s.dim(i + 1) == inputShape.dim(i);
        ShapeException.check(fits, "model: input batch has shape %s, the model expects [batch, %s]",
                s, inputShape.toString().replaceAll("[\\[\\]]", ""));
        ShapeException.check(params.length == layout.entries().size(),
                "model: %d parameter tensors given, the model has %d", params.length, layout.entries().size());
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            int n = layer.parameters().size();
            Tensor[] own = new Tensor[n];
            System.arraycopy(params, firstParam[i], own, 0, n);
            h = layer.forward(h, own, mode);
        }
        return h;
    }

    /** Views of θ's pieces as tensors, in layout order (no copy). */
    public Tensor[] tensors(ParamVector theta) {
        List<ParamLayout.Entry> entries = layout.entries();
        Tensor[] t = new Tensor[entries.size()];
        for (int i = 0; i < t.length; i++) t[i] = theta.tensor(entries.get(i));
        return t;
    }

    /**
     * PyTorch's default initialisation, value + U(−bound, bound) per tensor (see {@link ParamSpec}),
     * from a seeded generator; constant tensors draw nothing.
     */
    public ParamVector initialParameters(Backend backend, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] theta = new float[layout.size()];
        List<ParamLayout.Entry> entries = layout.entries();
        for (int e = 0; e < entries.size(); e++) {
            ParamLayout.Entry entry = entries.get(e);
            double bound = specs.get(e).initBound(), value = specs.get(e).initValue();
            for (int i = 0; i < entry.size(); i++) {
                theta[entry.offset() + i] = (float) (bound > 0 ? value + (2 * rng.nextDouble() - 1) * bound : value);
            }
        }
        return ParamVector.fromHost(backend, layout, theta);
    }

    /**
     * The float buffers of every layer (BatchNorm's {@code running_mean}, {@code running_var}) under
     * their {@code state_dict} names, {@code <index>.<name>}. Each shares its layer's array: writing
     * into {@code data()} sets the model's state, which is how a checkpoint is loaded.
     */
    public List<HostTensor> buffers() {
        List<HostTensor> all = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (HostTensor b : layers.get(i).buffers()) all.add(new HostTensor(i + "." + b.name(), b.shape(), b.data()));
        }
        return all;
    }

    /** The int64 buffers of every layer (BatchNorm's {@code num_batches_tracked}), named and shared as {@link #buffers()}. */
    public List<HostInt64Tensor> counters() {
        List<HostInt64Tensor> all = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (HostInt64Tensor b : layers.get(i).counters()) all.add(new HostInt64Tensor(i + "." + b.name(), b.shape(), b.data()));
        }
        return all;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Sequential(input ").append(inputShape);
        for (int i = 0; i < layers.size(); i++) b.append(" → ").append(i).append(':').append(layers.get(i).type()).append(shapes.get(i + 1));
        return b.append(", ").append(layout.size()).append(" parameters)").toString();
    }
}
