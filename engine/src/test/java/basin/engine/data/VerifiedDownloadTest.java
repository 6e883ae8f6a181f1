package basin.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedDownloadTest {

    private static final URI WHERE = URI.create("https://example.org/file.gz");

    @TempDir
    Path folder;

    @Test
    void fileWithMatchingChecksumsArrivesUnderItsNameAndNothingElseRemains() throws IOException {
        byte[] body = DataFixtures.randomBytes(8L, 100_000);
        DatasetSource.RemoteFile remote = new DatasetSource.RemoteFile(WHERE, "file.gz", DataFixtures.md5(body),
                DataFixtures.sha256(body));

        Path file = VerifiedDownload.fetch(uri -> new ByteArrayInputStream(body), remote, folder);

        assertEquals(folder.resolve("file.gz"), file);
        assertArrayEquals(body, Files.readAllBytes(file));
        assertEquals(1, count(folder));
    }

    @Test
    void endlessServerIsCutOffAtTheSizeLimitLeavingNothing() throws IOException {
        DatasetSource.RemoteFile remote = new DatasetSource.RemoteFile(WHERE, "file.gz", null, "00".repeat(32));
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }
        };

        IOException e = assertThrows(IOException.class,
                () -> VerifiedDownload.fetch(uri -> endless, remote, folder, 10_000));

        assertTrue(e.getMessage().contains("sent more than 10000 bytes"), e.getMessage());
        assertEquals(0, count(folder));
    }

    private static long count(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }
}
