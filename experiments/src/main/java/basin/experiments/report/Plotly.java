package basin.experiments.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The vendored Plotly bundle (plotly.js-dist-min from npm, MIT licence beside it in
 * {@code basin/report/}), inlined into report pages so they open offline. Its SHA-384 is pinned
 * here, so a swapped or damaged file is caught before it reaches a report.
 */
public final class Plotly {
    /** The bundled plotly.js release. */
    public static final String VERSION = "2.35.2";
    /** SHA-384 of the bundle, base64, in subresource-integrity form. */
    public static final String SHA384 = "sha384-cCVCZkAjYNxaYKbM8lsArLznDF/SvMFr1jcZrvOpSTCa0W40ZAdLzHCEulnUa5i7";

    static final String RESOURCE = "/basin/report/plotly-" + VERSION + ".min.js";

    private static volatile String script;

    private Plotly() {
    }

    /** The bundle's JavaScript text, read once and checked against {@link #SHA384}. */
    public static String script() {
        String s = script;
        if (s == null) {
            byte[] bytes = read();
            verify(bytes, SHA384);
            script = s = new String(bytes, StandardCharsets.UTF_8);
        }
        return s;
    }

    /** Throws if the SHA-384 of bytes, in {@code sha384-<base64>} form, is not expected. */
    static void verify(byte[] bytes, String expected) {
        String actual = sha384(bytes);
        if (!actual.equals(expected)) {
            throw new IllegalStateException(RESOURCE + ": SHA-384 is " + actual + " but " + expected
                    + " is pinned; the bundled Plotly was changed (see basin/report/README.md to update it)");
        }
    }

    static String sha384(byte[] bytes) {
        try {
            return "sha384-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-384").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-384 is missing from this JDK", e);
        }
    }

    private static byte[] read() {
        try (InputStream in = Plotly.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + ": not on the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": cannot read: " + e.getMessage(), e);
        }
    }
}
