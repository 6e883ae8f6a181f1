package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetNotFoundException;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of a study: the training split less a held-out validation part, and the test split, as
 * its configuration describes them ({@code data} section), checked against the models' input shape
 * before any training starts.
 *
 * <p>Normalisation sets the scale of the curvature: (x − μ)/σ with σ ≈ 0.3 multiplies the first
 * layer's inputs, and so the curvature in its weights, by about 1/σ² ≈ 10. {@code unit} keeps pixels
 * in [0, 1] (PyTorch's {@code ToTensor}); {@code standard} applies the usual
 * {@code Normalize(mean, std)} constants of the dataset.
 */
public final class StudyData {

    /** The three parts a study trains, selects and reports on. */
    public record Splits(Dataset train, Dataset validation, Dataset test) {
    }

    private static final Map<String, Splits> LOADED = new LinkedHashMap<>();

    private StudyData() {
    }

    /** The configuration's {@code data} section for these choices. */
    public static Map<String, Object> describe(String dataset, Path folder, String normalisation, Integer trainExamples,
                                               int validationExamples, Integer testExamples, long seed) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dataset", dataset);
        d.put("folder", folder == null ? null : folder.toString());
        d.put("normalisation", normalisation);
        d.put("normalisation_constants", normalisation.equals("standard") ? constants(dataset) : null);
        d.put("train_examples_used", trainExamples == null ? "all" : trainExamples);
        d.put("validation_examples", validationExamples);
        d.put("validation_split", "held out of the training split at random (seed " + seed + "), the same for every model");
        d.put("test_examples", testExamples == null ? "all" : testExamples);
        d.put("split_seed", seed);
        return d;
    }

    /**
     * Loads the splits a {@link #describe} section names, for {@code step}, refusing data whose
     * examples do not have the shape {@code [channels, height, width]} the study's models take.
     */
    @SuppressWarnings("unchecked")
    public static synchronized Splits load(Map<String, Object> data, int[] shape, String study, String step) {
        String key = data.toString();
        Splits cached = LOADED.get(key);
        if (cached != null) return cached;
        String dataset = (String) data.get("dataset");
        Path folder = data.get("folder") == null ? null : Path.of((String) data.get("folder"));
        Dataset all, test;
        try {
            all = DatasetResolver.standard().load(dataset, Split.TRAIN, folder);
            test = DatasetResolver.standard().load(dataset, Split.TEST, folder);
        } catch (DatasetNotFoundException e) {
            throw new StudyException("study " + study + ", step " + step + " needs the " + dataset + " dataset: "
                    + e.getMessage() + "; put its files in one of those places or pass --data DIR", e);
        } catch (IOException e) {
            throw new StudyException("study " + study + ", step " + step + ": cannot read " + dataset + ": " + e.getMessage(), e);
        }
        for (Dataset d : new Dataset[] {all, test}) {
            if (d.channels() != shape[0] || d.height() != shape[1] || d.width() != shape[2]) {
                throw new StudyException("study " + study + ", step " + step + ": " + d.name() + " holds examples of ["
                        + d.channels() + ", " + d.height() + ", " + d.width() + "], but the study's models take [" + shape[0]
                        + ", " + shape[1] + ", " + shape[2] + "]: --dataset/--data name the wrong kind of data");
            }
        }
        int validation = ((Number) data.get("validation_examples")).intValue();
        if (data.get("train_examples_used") instanceof Number n) {
            if (n.intValue() > all.count()) {
                throw new StudyException("study " + study + ", step " + step + ": the configuration uses " + n
                        + " training examples, " + all.name() + " has " + all.count());
            }
            all = all.first(n.intValue());
        }
        if (validation >= all.count()) {
            throw new StudyException("study " + study + ", step " + step + ": cannot hold out " + validation
                    + " validation examples of " + all.count());
        }
        Object t = data.get("test_examples");
        if (t instanceof Number n && n.intValue() < test.count()) test = test.first(n.intValue());
        if ("standard".equals(data.get("normalisation"))) {
            Map<String, Object> c = (Map<String, Object>) data.get("normalisation_constants");
            float[] mean = floats(c.get("mean")), std = floats(c.get("std"));
            all = all.normalised(mean, std);
            test = test.normalised(mean, std);
        }
        long seed = ((Number) data.get("split_seed")).longValue();
        Dataset.TrainValidation split = all.splitCount(validation, seed);
        Splits s = new Splits(split.train(), split.validation(), test);
        LOADED.put(key, s);
        return s;
    }

    /** One number, or a list of them (one per channel), as floats. */
    private static float[] floats(Object v) {
        if (v instanceof Number n) return new float[] {n.floatValue()};
        List<?> list = v instanceof double[] d ? java.util.Arrays.stream(d).boxed().toList() : (List<?>) v;
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) list.get(i)).floatValue();
        return f;
    }

    /**
     * The usual Normalize constants: MNIST's (0.1307, 0.3081), Fashion-MNIST's (0.2860, 0.3530),
     * CIFAR-10's per channel ((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)).
     */
    static Map<String, Object> constants(String dataset) {
        Map<String, Object> c = new LinkedHashMap<>();
        switch (dataset) {
            case "mnist", "mnist-bundled" -> {
                c.put("mean", 0.1307);
                c.put("std", 0.3081);
            }
            case "fashion-mnist" -> {
                c.put("mean", 0.2860);
                c.put("std", 0.3530);
            }
            case "cifar10" -> {
                c.put("mean", new double[] {0.4914, 0.4822, 0.4465});
                c.put("std", new double[] {0.2470, 0.2435, 0.2616});
            }
            default -> throw new StudyException("--normalisation standard: no standard constants for " + dataset);
        }
        return c;
    }

    /** Checks {@code --normalisation}. */
    public static String normalisation(String value, String fallback) {
        String n = value == null ? fallback : value;
        if (!n.equals("unit") && !n.equals("standard")) {
            throw new StudyException("--normalisation must be unit or standard, got '" + n + "'");
        }
        return n;
    }
}
