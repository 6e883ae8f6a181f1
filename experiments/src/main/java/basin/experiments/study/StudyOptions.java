package basin.experiments.study;

import java.nio.file.Path;

/**
 * The options every study takes ({@code basin study NAME …}).
 *
 * @param quick         a small subset and few epochs, with every probe of the study on smaller grids
 * @param dataset       the dataset name, or null for the study's own
 * @param data          the folder holding the dataset's files, or null to let the resolver look
 * @param device        auto, cpu or cuda
 * @param epochs        epochs per model, or null for the study's (or quick) default
 * @param seed          added to each model's protocol seed (initialisation, data order); also the seed
 *                      of the validation split and the probes' random draws
 * @param normalisation {@code unit} (pixels in [0, 1]) or {@code standard} ((x − mean)/std), null for the study's default
 * @param trainLimit    use only the first N training examples (null: all, or the quick subset)
 */
public record StudyOptions(boolean quick, String dataset, Path data, String device, Integer epochs, long seed,
                           String normalisation, Integer trainLimit) {

    /** The defaults of {@code basin study NAME}. */
    public static StudyOptions defaults() {
        return new StudyOptions(false, null, null, "auto", null, 0, null, null);
    }

    public StudyOptions withQuick(boolean q) {
        return new StudyOptions(q, dataset, data, device, epochs, seed, normalisation, trainLimit);
    }

    public StudyOptions withData(String name, Path folder) {
        return new StudyOptions(quick, name, folder, device, epochs, seed, normalisation, trainLimit);
    }

    public StudyOptions withEpochs(Integer e) {
        return new StudyOptions(quick, dataset, data, device, e, seed, normalisation, trainLimit);
    }

    public StudyOptions withSeed(long s) {
        return new StudyOptions(quick, dataset, data, device, epochs, s, normalisation, trainLimit);
    }

    public StudyOptions withTrainLimit(Integer n) {
        return new StudyOptions(quick, dataset, data, device, epochs, seed, normalisation, n);
    }
}
