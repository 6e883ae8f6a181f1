package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The options that pick a dataset: {@code --dataset}, {@code --data DIR}, {@code --split}, {@code --limit}. */
public final class DataOptions {

    @Option(names = "--dataset", defaultValue = "mnist",
            description = "mnist, fashion-mnist, cifar10, mnist-bundled or tutorial (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", description = "Folder holding the dataset's files (else: environment, standard places, cache, download).")
    Path folder;

    @Option(names = "--split", defaultValue = "test", description = "train or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", description = "Use only the first N examples in file order.")
    Integer limit;

    /** The chosen split, limited to the first N examples when asked. */
    Dataset load() {
        return load(parseSplit(split));
    }

    Dataset load(Split which) {
        try {
            Dataset d = DatasetResolver.standard().load(dataset, which, folder);
            if (limit != null) {
                if (limit < 1) throw new IllegalArgumentException("--limit must be ≥ 1, got " + limit);
                d = d.first(Math.min(limit, d.count()));
            }
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    static Split parseSplit(String s) {
        switch (s) {
            case "train":
                return Split.TRAIN;
            case "test":
                return Split.TEST;
            default:
                throw new IllegalArgumentException("--split must be train or test, got '" + s + "'");
        }
    }
}
