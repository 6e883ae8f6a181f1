package basin.engine.nn;

import basin.autodiff.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a multi-layer perceptron as PyTorch would write it:
 * {@code Sequential(Flatten, Linear(d₀,d₁), ReLU, Linear(d₁,d₂), ReLU, …, Linear(d_{L-1}, d_L))}.
 * For MNIST's 784-256-10 network: {@code Mlp.of(Shape.of(1, 28, 28), 256, 10)}.
 */
public final class Mlp {
    private Mlp() {
    }

    /**
     * An MLP from an input shape through the given layer widths; the last width is the number of
     * outputs (no activation after it).
     */
    public static Sequential of(Shape input, int... widths) {
        if (widths.length == 0) throw new IllegalArgumentException("mlp: at least one layer width is needed");
        List<Layer> layers = new ArrayList<>();
        layers.add(new Flatten());
        int in = input.size();
        for (int i = 0; i < widths.length; i++) {
            layers.add(new Dense(in, widths[i]));
            if (i < widths.length - 1) layers.add(new Relu());
            in = widths[i];
        }
        return new Sequential(input, layers);
    }
}
