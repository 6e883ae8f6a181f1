package basin.experiments.scaleout;

import basin.experiments.study.StudyOptions;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A sweep's runs as tasks can rebuild them: the study by name, its options (paths as text), and the
 * sweep's folder, in which each seed's run goes to {@code seed-S/}. The folder must be one that
 * every executor sees at the same path (one machine, or a shared file system).
 */
public record SweepRecipe(String study, boolean quick, String dataset, String data, String device, Integer epochs,
                          String normalisation, Integer trainLimit, String folder) implements Serializable {

    public static SweepRecipe of(String study, StudyOptions o, Path folder) {
        return new SweepRecipe(study, o.quick(), o.dataset(), o.data() == null ? null : o.data().toAbsolutePath().toString(), o.device(),
                o.epochs(), o.normalisation(), o.trainLimit(), folder.toAbsolutePath().normalize().toString());
    }

    /** The options of the run of {@code seed}. */
    public StudyOptions options(long seed) {
        return new StudyOptions(quick, dataset, data == null ? null : Path.of(data), device, epochs, seed, normalisation, trainLimit);
    }

    /** Where the run of {@code seed} prints when it runs as a task: {@code seed-S.log}, beside its run folder. */
    public Path log(long seed) {
        return Path.of(folder, "seed-" + seed + ".log");
    }

    /** The run folder of {@code seed}. */
    public Path runFolder(long seed) {
        return Path.of(folder, "seed-" + seed);
    }
}
