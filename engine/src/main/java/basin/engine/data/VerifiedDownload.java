package basin.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fetches a {@link DatasetSource.RemoteFile} into a folder so that the file either appears whole
 * and verified or not at all: the bytes go to a hidden temporary file in the same folder while their
 * MD5 and SHA-256 are computed, and only when every published checksum matches is the temporary
 * file renamed (atomically where the file system can) to its real name. On any failure it is deleted.
 */
final class VerifiedDownload {

    /** 1 GiB: several times the largest known download (CIFAR-10's 170 MB), so a runaway server cannot fill the disk. */
    static final long MAX_BYTES = 1L << 30;

    private VerifiedDownload() {
    }

    /** Downloads {@code remote} into {@code folder} and returns the verified file. */
    static Path fetch(Fetcher fetcher, DatasetSource.RemoteFile remote, Path folder) throws IOException {
        return fetch(fetcher, remote, folder, MAX_BYTES);
    }

    /** As {@link #fetch(Fetcher, DatasetSource.RemoteFile, Path)}, giving up past {@code maxBytes}. */
    static Path fetch(Fetcher fetcher, DatasetSource.RemoteFile remote, Path folder, long maxBytes) throws IOException {
        Files.createDirectories(folder);
        Path target = folder.resolve(remote.fileName());
        Path partial = Files.createTempFile(folder, "." + remote.fileName() + ".", ".part");
        try {
            MessageDigest md5 = digest("MD5");
            MessageDigest sha256 = digest("SHA-256");
            try (InputStream in = fetcher.open(remote.uri()); OutputStream out = Files.newOutputStream(partial)) {
                byte[] chunk = new byte[1 << 16];
                long total = 0;
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    total += n;
                    if (total > maxBytes) {
                        throw new IOException(remote.uri() + ": sent more than " + maxBytes
                                + " bytes, more than any dataset file it could be; the download was discarded");
                    }
                    md5.update(chunk, 0, n);
                    sha256.update(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
            check(remote, "SHA-256", remote.sha256(), sha256);
            check(remote, "MD5", remote.md5(), md5);
            moveIntoPlace(partial, target);
            return target;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Renames {@code from} to {@code to}, atomically when the file system allows it. */
    static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void check(DatasetSource.RemoteFile remote, String algorithm, String expected, MessageDigest digest)
            throws IOException {
        if (expected == null) return;
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(expected)) {
            throw new IOException(remote.uri() + ": " + algorithm + " of the download is " + actual
                    + " but the published value is " + expected + "; the download was discarded");
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides " + algorithm, e);
        }
    }
}
