package basin.experiments.study;

import java.io.IOException;

/**
 * One named step of a study (train a model, probe it, measure a path, write the tables, the plots,
 * the report). A step reads what earlier steps wrote from the run folder, not from memory, so that a
 * resumed run can start at any step.
 */
public record Step(String name, String description, Action action) {

    /** What a step does; it writes its outputs atomically into the run folder. */
    @FunctionalInterface
    public interface Action {
        void run(StudyRun run) throws IOException;
    }
}
