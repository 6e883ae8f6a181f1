package basin.engine.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shuffled mini-batches over a {@link Dataset}, copied into arrays the caller owns.
 *
 * <p>Each epoch visits the examples in a fresh random order: a Fisher–Yates permutation drawn from
 * a {@link SplittableRandom} seeded once, at construction. The first order is drawn then; each
 * {@link #shuffle()} draws the next, so epoch e uses the e-th permutation of the seed's stream and
 * a run can be replayed exactly, on any JDK (see {@link Shuffle}). Batch b holds the examples at
 * positions [b·B, min((b+1)·B, N)) of the order; when N is not a multiple of B the last batch is
 * either kept short or dropped.
 *
 * <pre>{@code
 * Batches batches = new Batches(train, 128, Batches.LastBatch.DROP, seed);
 * float[] x = new float[128 * train.exampleSize()];
 * int[] y = new int[128];
 * float[] targets = new float[128 * train.classes()];
 * for (int epoch = 0; epoch < epochs; epoch++, batches.shuffle()) {
 *     for (int b = 0; b < batches.count(); b++) {
 *         int size = batches.copy(b, x, y);
 *         Batches.oneHot(y, size, train.classes(), targets);
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class Batches {

    /** What to do with the last batch when the batch size does not divide the example count. */
    public enum LastBatch {
        /** Keep it, shorter than the rest. */
        KEEP,
        /** Drop it, so every batch has the full size (its examples are skipped this epoch). */
        DROP
    }

    private final Dataset data;
    private final int batchSize;
    private final int count;
    private final SplittableRandom random;
    private final int[] order;

    /**
     * Batches of {@code batchSize} examples of {@code data}, in an order drawn from {@code seed}.
     *
     * @throws IllegalArgumentException if the batch size is not positive, or the last batch is to
     *                                  be dropped and the data holds fewer examples than one batch
     */
    public Batches(Dataset data, int batchSize, LastBatch lastBatch, long seed) {
        if (batchSize <= 0) throw new IllegalArgumentException("batches: batch size " + batchSize + " is not positive");
        int n = data.count();
        if (lastBatch == LastBatch.DROP && n < batchSize) {
            throw new IllegalArgumentException("batches: " + data.name() + " has " + n + " examples, fewer than one "
                    + "batch of " + batchSize + ", and the last partial batch is dropped, so there are no batches");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.count = lastBatch == LastBatch.DROP ? n / batchSize : (n + batchSize - 1) / batchSize;
        this.random = new SplittableRandom(seed);
        this.order = Shuffle.permutation(n, random);
    }

    /** Draws the next epoch's order. */
    public void shuffle() {
        Shuffle.permute(order, random);
    }

    /** The number of batches in an epoch. */
    public int count() {
        return count;
    }

    /** The full batch size B. */
    public int batchSize() {
        return batchSize;
    }

    /** The number of examples in batch {@code b}: B, or fewer for a kept last batch. */
    public int size(int b) {
        checkBatch(b);
        return Math.min(batchSize, data.count() - b * batchSize);
    }

    /** The dataset index of the example at {@code position} in this epoch's order. */
    public int exampleAt(int position) {
        return order[position];
    }

    /** A copy of this epoch's order: a permutation of 0, …, N − 1. */
    public int[] order() {
        return order.clone();
    }

    /**
     * Copies batch {@code b} into the caller's arrays: its images as [size, C, H, W] at the start of
     * {@code images} and its labels at the start of {@code labels}. Nothing is allocated.
     *
     * @return the batch's size
     * @throws IllegalArgumentException if an array is too short for a full batch
     */
    public int copy(int b, float[] images, int[] labels) {
        int size = size(b);
        int exampleSize = data.exampleSize();
        if (images.length < (long) size * exampleSize || labels.length < size) {
            throw new IllegalArgumentException("batches: batch " + b + " of " + data.name() + " needs " + size
                    + " × " + exampleSize + " image floats and " + size + " labels, but the arrays hold "
                    + images.length + " and " + labels.length);
        }
        int start = b * batchSize;
        for (int k = 0; k < size; k++) {
            int example = order[start + k];
            data.copyImage(example, images, k * exampleSize);
            labels[k] = data.label(example);
        }
        return size;
    }

    /**
     * Writes the first {@code count} labels as one-hot rows of a [count, classes] matrix into
     * {@code targets}: row k is 1 at column labels[k] and 0 elsewhere. Entries past the matrix are
     * left alone.
     */
    public static void oneHot(int[] labels, int count, int classes, float[] targets) {
        if (count < 0 || count > labels.length || targets.length < (long) count * classes) {
            throw new IllegalArgumentException("oneHot: " + count + " rows of " + classes + " classes need "
                    + (long) count * classes + " floats and " + count + " labels, but the arrays hold "
                    + targets.length + " and " + labels.length);
        }
        Arrays.fill(targets, 0, count * classes, 0f);
        for (int k = 0; k < count; k++) {
            if (labels[k] < 0 || labels[k] >= classes) {
                throw new IllegalArgumentException("oneHot: label " + labels[k] + " of row " + k
                        + " is outside [0, " + classes + ")");
            }
            targets[k * classes + labels[k]] = 1f;
        }
    }

    private void checkBatch(int b) {
        if (b < 0 || b >= count) {
            throw new IndexOutOfBoundsException("batches: batch " + b + " is outside [0, " + count + ")");
        }
    }
}
