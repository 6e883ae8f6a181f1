package basin.engine.nn;

import basin.engine.data.Dataset;

import java.util.SplittableRandom;

/**
 * A small network with every layer that keeps or reads state besides θ: BatchNorm (2-D and 1-D,
 * running statistics updated in training and read in eval mode), dropout, max pooling and a
 * residual block, on random 2×8×8 images of 3 classes. Small enough for tests that run it many
 * times, on the CPU or on a GPU.
 */
public final class StatefulNet {
    public static final String SPEC = "{\"input\":[2,8,8],\"layers\":["
            + "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"padding\":1},{\"type\":\"batchnorm2d\"},{\"type\":\"relu\"},"
            + "{\"type\":\"basicblock\",\"out\":6,\"stride\":2},{\"type\":\"maxpool2d\",\"kernel\":2},"
            + "{\"type\":\"dropout\",\"p\":0.25},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":12},"
            + "{\"type\":\"batchnorm1d\"},{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":3}]}";
    /** Floats per image. */
    public static final int IMAGE = 2 * 8 * 8;
    public static final int CLASSES = 3;

    private StatefulNet() {
    }

    /** {@code examples} images of standard Gaussian pixels with uniform labels. */
    public static Dataset randomImages(SplittableRandom rng, int examples) {
        float[] images = new float[examples * IMAGE];
        int[] labels = new int[examples];
        for (int i = 0; i < images.length; i++) images[i] = (float) rng.nextGaussian();
        for (int i = 0; i < examples; i++) labels[i] = rng.nextInt(CLASSES);
        return new Dataset("random 2×8×8", images, labels, 2, 8, 8, CLASSES);
    }
}
