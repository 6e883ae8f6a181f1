package basin.experiments.study;

import java.util.List;
import java.util.Map;

/**
 * A study of {@code shared/studies.md}: its protocol as a configuration (every choice, each one its
 * seed report left open with why) and as a declared sequence of {@link Step}s.
 */
public interface Study {

    /** The name on the command line, e.g. {@code two-minima}. */
    String name();

    /** One line: what it compares and what it measures. */
    String summary();

    /** The data it needs and where it comes from. */
    String data();

    /** How long {@code --quick} and the full run take on a 2-core CPU, measured. */
    String duration();

    /** The configuration for these options: every choice, in a stable order. */
    Map<String, Object> configuration(StudyOptions options);

    /** The steps, in order, for a configuration made by {@link #configuration}. */
    List<Step> steps(StudyOptions options, Map<String, Object> config);
}
