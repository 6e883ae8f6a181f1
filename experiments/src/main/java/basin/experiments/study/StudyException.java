package basin.experiments.study;

/** A study that cannot start or go on: the message names the study, the step and what to do. */
public final class StudyException extends RuntimeException {
    public StudyException(String message) {
        super(message);
    }

    public StudyException(String message, Throwable cause) {
        super(message, cause);
    }
}
