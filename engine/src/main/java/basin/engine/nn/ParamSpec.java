package basin.engine.nn;

import basin.autodiff.Shape;

/**
 * A parameter a layer declares: its local name ({@code weight}, {@code bias}), shape, and PyTorch's
 * default initialisation, initValue + U(−initBound, initBound): U(−1/√fan_in, 1/√fan_in) for a
 * linear or convolutional layer, the constants 1 and 0 for BatchNorm's γ and β.
 */
public record ParamSpec(String name, Shape shape, double initBound, double initValue) {

    /** Uniform U(−initBound, initBound) around zero. */
    public ParamSpec(String name, Shape shape, double initBound) {
        this(name, shape, initBound, 0);
    }

    /** Every element equal to {@code value}. */
    public static ParamSpec constant(String name, Shape shape, double value) {
        return new ParamSpec(name, shape, 0, value);
    }
}
