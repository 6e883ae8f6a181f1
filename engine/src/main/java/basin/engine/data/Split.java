package basin.engine.data;

import java.util.Locale;

/** The two published halves of a dataset: the examples to fit and the held-out examples to test on. */
public enum Split {
    /** The training examples (MNIST: 60 000; CIFAR-10: 50 000). */
    TRAIN("train", "train"),
    /** The held-out test examples (MNIST: 10 000; CIFAR-10: 10 000). */
    TEST("test", "t10k");

    private final String label;
    private final String idxStem;

    Split(String label, String idxStem) {
        this.label = label;
        this.idxStem = idxStem;
    }

    /** The split's name as written on a command line: {@code train} or {@code test}. */
    public String label() {
        return label;
    }

    /** The prefix of the split's IDX files: {@code train} or {@code t10k} (as in {@code t10k-images-idx3-ubyte}). */
    public String idxStem() {
        return idxStem;
    }

    /** Parses {@code train} or {@code test} (any case). */
    public static Split parse(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Split split : values()) {
            if (split.label.equals(lower)) return split;
        }
        throw new IllegalArgumentException("split: unknown split '" + name + "'; expected train or test");
    }
}
