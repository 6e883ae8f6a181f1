package basin.engine.train;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.data.Batches;
import basin.engine.data.Dataset;
import basin.engine.nn.Batch;
import basin.kernels.Backend;

/**
 * Moves mini-batches to the device without allocating per step: one host staging array and one pair
 * of device tensors per distinct batch size, refilled in place. The order is a seeded {@link Batches}
 * shuffle, or file order.
 */
public final class DeviceBatches {
    private final Backend backend;
    private final Dataset data;
    private final Batches order;              // null: file order
    private final int batchSize;
    private final float[] images;
    private final int[] labels;
    private final float[] targets;
    private Batch full, partial;

    public DeviceBatches(Backend backend, Dataset data, Batches order) {
        this.backend = backend;
        this.data = data;
        this.order = order;
        this.batchSize = order.batchSize();
        this.images = new float[batchSize * data.exampleSize()];
        this.labels = new int[batchSize];
        this.targets = new float[batchSize * data.classes()];
    }

    /** Batches of {@code batchSize} examples in file order, the last one partial. */
    public DeviceBatches(Backend backend, Dataset data, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batches: batch size " + batchSize + " is not positive");
        this.backend = backend;
        this.data = data;
        this.order = null;
        this.batchSize = batchSize;
        this.images = new float[batchSize * data.exampleSize()];
        this.labels = new int[batchSize];
        this.targets = new float[batchSize * data.classes()];
    }

    /** Number of batches in one pass. */
    public int count() {
        return order != null ? order.count() : (data.count() + batchSize - 1) / batchSize;
    }

    /** Batch {@code b} of the current order, on the device. The returned tensors are reused by the next call. */
    public Batch get(int b) {
        int n = order != null ? order.copy(b, images, labels) : copyInFileOrder(b);
        java.util.Arrays.fill(targets, 0f);
        Batches.oneHot(labels, n, data.classes(), targets);
        Batch batch = n == batchSize ? full : partial;
        if (batch == null || batch.size() != n) {
            batch = new Batch(Tensor.empty(backend, inputShape(n)), Tensor.empty(backend, Shape.of(n, data.classes())));
            if (n == batchSize) full = batch;
            else partial = batch;
        }
        backend.copyIn(images, 0, batch.inputs().buffer());
        backend.copyIn(targets, 0, batch.targets().buffer());
        return batch;
    }

    /**
     * Every batch in its own device tensors, for operators that sweep the same examples many times
     * (a probe's dataset Hessian).
     */
    public java.util.List<Batch> resident() {
        java.util.List<Batch> all = new java.util.ArrayList<>();
        for (int b = 0; b < count(); b++) {
            Batch staged = get(b);
            Batch own = new Batch(Tensor.empty(backend, staged.inputs().shape()), Tensor.empty(backend, staged.targets().shape()));
            backend.copy(staged.inputs().buffer(), own.inputs().buffer());
            backend.copy(staged.targets().buffer(), own.targets().buffer());
            all.add(own);
        }
        return all;
    }

    private int copyInFileOrder(int b) {
        int from = b * batchSize, n = Math.min(batchSize, data.count() - from);
        for (int i = 0; i < n; i++) {
            data.copyImage(from + i, images, i * data.exampleSize());
            labels[i] = data.label(from + i);
        }
        return n;
    }

    private Shape inputShape(int n) {
        return Shape.of(n, data.channels(), data.height(), data.width());
    }
}
