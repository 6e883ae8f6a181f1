package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.nn.checkpoint.HostInt64Tensor;
import basin.engine.nn.checkpoint.HostTensor;

import java.util.List;

/**
 * One stage of a network, written as a pure function of its input and its parameters:
 * y = f(x; θ_layer). The layer holds no parameter values; the model passes views of θ, so the same
 * layer serves training, gradients, HVPs (where θ carries a tangent) and probes.
 */
public interface Layer {

    /** The PyTorch name of the layer type, for messages and specs: {@code linear}, {@code relu}. */
    String type();

    /** The parameters this layer declares, in {@code state_dict} order. */
    List<ParamSpec> parameters();

    /**
     * The float state this layer keeps across calls and that is not trained (BatchNorm's running
     * statistics), under local {@code state_dict} names. Each shares the layer's own array, so a
     * checkpoint loads by writing into it. None by default.
     */
    default List<HostTensor> buffers() {
        return List.of();
    }

    /** The int64 state this layer keeps (BatchNorm's {@code num_batches_tracked}), shared as {@link #buffers()}. */
    default List<HostInt64Tensor> counters() {
        return List.of();
    }

    /** The per-example output shape for a per-example input shape; throws naming the layer on mismatch. */
    Shape outputShape(Shape input);

    /**
     * Floats per example of the activations this layer leaves on the tape for one forward pass from
     * an input of per-example shape {@code input}: its output, by default; a layer made of layers
     * counts every one of theirs. {@code ActivationMemory} scales it into a gradient's or an HVP's memory.
     */
    default long activationFloats(Shape input) {
        return outputShape(input).size();
    }

    /**
     * y = f(x; θ) for a batch x of shape [B, input…]. {@code params} are this layer's tensors in the
     * order of {@link #parameters()}.
     */
    Tensor forward(Tensor x, Tensor[] params, Mode mode);
}
