package basin.engine.data;

import java.io.IOException;
import java.util.List;

/**
 * No folder with a dataset's files was found and none could be downloaded. The message lists every
 * place that was tried, in order, with why it did not do, then which files to put where.
 */
public final class DatasetNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    private final List<String> places;

    DatasetNotFoundException(String message, List<String> places) {
        super(message);
        this.places = List.copyOf(places);
    }

    /** The places tried, in order, each with the reason it failed. */
    public List<String> places() {
        return places;
    }
}
