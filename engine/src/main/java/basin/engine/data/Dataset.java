package basin.engine.data;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An immutable labelled image dataset held in memory.
 *
 * <p>Images are stored example after example, each as C×H×W floats in channel-major order, so the
 * whole array is N×C×H×W: pixel (c, y, x) of example i is at {@code ((i·C + c)·H + y)·W + x}. The
 * readers scale uint8 pixels to [0, 1] by dividing by 255; {@link #normalised} then maps channel c
 * to (x − mean[c]) / std[c], and {@link #describeNormalisation()} says which of these was done, so a
 * run can state exactly what its inputs were. Labels are class indices in [0, classes).
 *
 * <p>Nothing hands out the internal arrays: {@link #images()} and {@link #labels()} copy, and
 * {@link #imageView()} is a read-only view for callers that want the pixels without a copy.
 */
public final class Dataset {

    /** What the readers do to the raw bytes; the start of every {@link #describeNormalisation()}. */
    static final String SCALED = "pixels scaled to [0, 1] as uint8 / 255";

    private final String name;
    private final float[] images;
    private final int[] labels;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final String normalisation;

    /**
     * A dataset over copies of {@code images} (N×C×H×W) and {@code labels} (N), whose pixels are
     * taken to be scaled to [0, 1] and not normalised further.
     *
     * @throws IllegalArgumentException if a dimension is not positive, the array lengths disagree
     *                                  with N×C×H×W, or a label is outside [0, classes)
     */
    public Dataset(String name, float[] images, int[] labels, int channels, int height, int width, int classes) {
        this(name, images.clone(), labels.clone(), channels, height, width, classes, SCALED);
    }

    /** Takes ownership of the arrays: for the readers and for the derived datasets below. */
    Dataset(String name, float[] images, int[] labels, int channels, int height, int width, int classes,
            String normalisation) {
        if (channels <= 0 || height <= 0 || width <= 0 || classes <= 0) {
            throw new IllegalArgumentException("dataset " + name + ": channels " + channels + ", height " + height
                    + ", width " + width + " and classes " + classes + " must all be positive");
        }
        long exampleSize = (long) channels * height * width;
        if ((long) labels.length * exampleSize != images.length) {
            throw new IllegalArgumentException("dataset " + name + ": " + labels.length + " labels of ["
                    + channels + ", " + height + ", " + width + "] images need " + labels.length * exampleSize
                    + " pixels but the image array holds " + images.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("dataset " + name + ": label " + labels[i] + " of example " + i
                        + " is outside [0, " + classes + ")");
            }
        }
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.count = labels.length;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.normalisation = normalisation;
    }

    /** The dataset's name, with the range or part it was cut to, e.g. {@code mnist/train[0:1000]}. */
    public String name() {
        return name;
    }

    /** N, the number of examples. */
    public int count() {
        return count;
    }

    /** C, the number of channels of each image (1 for MNIST, 3 for CIFAR-10). */
    public int channels() {
        return channels;
    }

    /** H, the image height in pixels. */
    public int height() {
        return height;
    }

    /** W, the image width in pixels. */
    public int width() {
        return width;
    }

    /** The number of classes; every label lies in [0, classes). */
    public int classes() {
        return classes;
    }

    /** C·H·W, the number of floats in one example. */
    public int exampleSize() {
        return channels * height * width;
    }

    /** The class index of example {@code index}. */
    public int label(int index) {
        checkIndex(index);
        return labels[index];
    }

    /** A copy of all N labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** A copy of all N×C×H×W pixels (for MNIST's 60 000 training images, 188 MB). */
    public float[] images() {
        return images.clone();
    }

    /** A read-only view of all N×C×H×W pixels, without a copy. */
    public FloatBuffer imageView() {
        return FloatBuffer.wrap(images).asReadOnlyBuffer();
    }

    /** Pixel (channel, y, x) of example {@code index}. */
    public float pixel(int index, int channel, int y, int x) {
        checkIndex(index);
        if (channel < 0 || channel >= channels || y < 0 || y >= height || x < 0 || x >= width) {
            throw new IndexOutOfBoundsException("dataset " + name + ": pixel (" + channel + ", " + y + ", " + x
                    + ") is outside [" + channels + ", " + height + ", " + width + "]");
        }
        return images[((index * channels + channel) * height + y) * width + x];
    }

    /** Copies example {@code index}'s C×H×W pixels into {@code destination} from {@code offset} on. */
    public void copyImage(int index, float[] destination, int offset) {
        checkIndex(index);
        System.arraycopy(images, index * exampleSize(), destination, offset, exampleSize());
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive), in order, as a new dataset. */
    public Dataset subset(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IndexOutOfBoundsException("dataset " + name + ": subset [" + from + ", " + to
                    + ") is not within [0, " + count + ")");
        }
        int size = exampleSize();
        return new Dataset(name + "[" + from + ":" + to + "]",
                Arrays.copyOfRange(images, from * size, to * size), Arrays.copyOfRange(labels, from, to),
                channels, height, width, classes, normalisation);
    }

    /** The first {@code n} examples in order; {@code subset(0, n)}. */
    public Dataset first(int n) {
        return subset(0, n);
    }

    /**
     * Splits off {@code round(fraction · N)} examples, drawn at random by {@code seed}, as a
     * validation set; see {@link #splitCount(int, long)}. (The two have different names because
     * {@code split(1, seed)} and {@code split(1.0, seed)} would otherwise mean one example and all.)
     */
    public TrainValidation split(double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction <= 1)) {
            throw new IllegalArgumentException("dataset " + name + ": validation fraction " + validationFraction
                    + " is outside [0, 1]");
        }
        return splitCount((int) Math.round(validationFraction * count), seed);
    }

    /**
     * Splits off {@code validationCount} examples as a validation set. Which examples go is a
     * Fisher–Yates permutation from a {@link SplittableRandom} seeded with {@code seed}, so the same
     * seed gives the same parts on every run; each part keeps the original order of its examples.
     */
    public TrainValidation splitCount(int validationCount, long seed) {
        if (validationCount < 0 || validationCount > count) {
            throw new IllegalArgumentException("dataset " + name + ": cannot hold out " + validationCount
                    + " of " + count + " examples");
        }
        int[] order = Shuffle.permutation(count, new SplittableRandom(seed));
        int[] validation = Arrays.copyOfRange(order, 0, validationCount);
        int[] train = Arrays.copyOfRange(order, validationCount, count);
        Arrays.sort(validation);
        Arrays.sort(train);
        String suffix = "(seed " + seed + ")";
        return new TrainValidation(select(train, name + "/train" + suffix), select(validation, name + "/validation" + suffix));
    }

    /** A training part and a validation part that share no example and together are the whole dataset. */
    public record TrainValidation(Dataset train, Dataset validation) {
    }

    /**
     * The dataset with channel c mapped to (x − mean[c]) / std[c]. Use statistics of the training
     * data (for instance {@link #channelMeans()} and {@link #channelStds()} of the training split) for
     * every split, so that test inputs are not normalised with their own statistics.
     */
    public Dataset normalised(float[] mean, float[] std) {
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("dataset " + name + ": normalised needs one mean and one std per channel ("
                    + channels + "), got " + mean.length + " and " + std.length);
        }
        for (int c = 0; c < channels; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("dataset " + name + ": channel " + c + " has mean " + mean[c]
                        + " and std " + std[c] + "; both must be finite and std positive");
            }
        }
        float[] result = new float[images.length];
        int plane = height * width;
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < channels; c++) {
                int start = (i * channels + c) * plane;
                float shift = mean[c];
                float scale = 1f / std[c];
                for (int p = start; p < start + plane; p++) result[p] = (images[p] - shift) * scale;
            }
        }
        String described = normalisation + ", then per channel (x - mean) / std with mean = " + format(mean)
                + " and std = " + format(std);
        return new Dataset(name, result, labels, channels, height, width, classes, described);
    }

    /** The mean of each channel over all pixels of all examples, accumulated in float64. */
    public float[] channelMeans() {
        double[] sum = channelSums(null);
        float[] mean = new float[channels];
        double perChannel = (double) count * height * width;
        for (int c = 0; c < channels; c++) mean[c] = (float) (sum[c] / perChannel);
        return mean;
    }

    /** The population standard deviation of each channel over all pixels of all examples, in float64. */
    public float[] channelStds() {
        double[] mean = channelSums(null);
        double perChannel = (double) count * height * width;
        for (int c = 0; c < channels; c++) mean[c] /= perChannel;
        double[] squares = channelSums(mean);
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) std[c] = (float) Math.sqrt(squares[c] / perChannel);
        return std;
    }

    /**
     * What was done to the raw pixels, in words, e.g. {@code pixels scaled to [0, 1] as uint8 / 255,
     * then per channel (x - mean) / std with mean = [0.1307] and std = [0.3081]}; the numbers are
     * written as {@link Float#toString(float)} does, so they are exact.
     */
    public String describeNormalisation() {
        return normalisation;
    }

    @Override
    public String toString() {
        return name + ": " + count + " examples of [" + channels + ", " + height + ", " + width + "], "
                + classes + " classes; " + normalisation;
    }

    /** Sums per channel of x (when {@code centre} is null) or of (x − centre[c])². */
    private double[] channelSums(double[] centre) {
        double[] sum = new double[channels];
        int plane = height * width;
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < channels; c++) {
                int start = (i * channels + c) * plane;
                double s = 0;
                if (centre == null) {
                    for (int p = start; p < start + plane; p++) s += images[p];
                } else {
                    for (int p = start; p < start + plane; p++) {
                        double d = images[p] - centre[c];
                        s += d * d;
                    }
                }
                sum[c] += s;
            }
        }
        return sum;
    }

    private Dataset select(int[] indices, String partName) {
        int size = exampleSize();
        float[] chosenImages = new float[indices.length * size];
        int[] chosenLabels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(images, indices[k] * size, chosenImages, k * size, size);
            chosenLabels[k] = labels[indices[k]];
        }
        return new Dataset(partName, chosenImages, chosenLabels, channels, height, width, classes, normalisation);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("dataset " + name + ": example " + index + " is outside [0, "
                    + count + ")");
        }
    }

    private static String format(float[] values) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) text.append(", ");
            text.append(values[i]);
        }
        return text.append(']').toString();
    }
}
