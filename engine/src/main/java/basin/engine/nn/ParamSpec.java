package basin.engine.nn;

import basin.autodiff.Shape;

/**
 * A parameter a layer declares: its local name ({@code weight}, {@code bias}), shape, and the
 * bound of PyTorch's default initialisation U(−bound, bound).
 */
public record ParamSpec(String name, Shape shape, double initBound) {
}
