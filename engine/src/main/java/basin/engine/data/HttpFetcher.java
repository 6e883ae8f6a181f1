package basin.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link Fetcher#http}: a GET with {@link HttpClient}, failing on any status but 200. */
final class HttpFetcher implements Fetcher {

    private final HttpClient client;
    private final Duration responseTimeout;

    HttpFetcher(Duration connectTimeout, Duration responseTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.responseTimeout = responseTimeout;
    }

    @Override
    public InputStream open(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(responseTimeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("fetching " + uri + " was interrupted");
        } catch (IOException e) {
            // A refused or unresolvable connection often has no message of its own; say what was tried.
            String detail = e.getMessage() == null ? "" : ": " + e.getMessage();
            throw new IOException(uri + ": " + e.getClass().getSimpleName() + detail, e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException(uri + ": HTTP status " + response.statusCode());
        }
        return response.body();
    }
}
