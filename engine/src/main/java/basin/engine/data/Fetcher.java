package basin.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;

/**
 * Opens a remote file for reading. {@link DatasetResolver} downloads through one, so tests can hand
 * it a fake that serves bytes from memory and the download path runs without a network.
 */
@FunctionalInterface
public interface Fetcher {

    /** The body of {@code uri}; the caller closes it. */
    InputStream open(URI uri) throws IOException;

    /**
     * Fetches over HTTP(S) with {@link java.net.http.HttpClient}, following redirects. The connect
     * timeout bounds opening the connection and the response timeout bounds the wait for the
     * response's headers; a body that stalls afterwards is not timed out.
     */
    static Fetcher http(Duration connectTimeout, Duration responseTimeout) {
        return new HttpFetcher(connectTimeout, responseTimeout);
    }

    /** A fetcher that never downloads: every call fails saying downloads are switched off. */
    static Fetcher offline() {
        return uri -> {
            throw new IOException("downloads are switched off; " + uri + " was not fetched");
        };
    }
}
