package basin.engine.probe.landscape;

import basin.autodiff.Shape;
import basin.engine.data.Dataset;
import basin.engine.nn.Mlp;
import basin.engine.nn.Sequential;

import java.util.SplittableRandom;

/** Small seeded models and data for landscape tests that need a real network: seconds, not minutes. */
final class TinyProblems {
    private TinyProblems() {
    }

    /** n random 1×4×5 "images" with uniform pixels and labels uniform over {@code classes}. */
    static Dataset randomData(int n, int classes, SplittableRandom rng) {
        float[] images = new float[n * 20];
        for (int i = 0; i < images.length; i++) images[i] = (float) rng.nextDouble();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(classes);
        return new Dataset("random", images, labels, 1, 4, 5, classes);
    }

    /** A 20-6-3 MLP on 1×4×5 inputs. */
    static Sequential mlp() {
        return Mlp.of(Shape.of(1, 4, 5), 6, 3);
    }
}
