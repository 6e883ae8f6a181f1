package basin.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Takes chosen regular files out of a gzip-compressed tar archive (POSIX ustar, as CIFAR-10's
 * archive is). Each 512-byte header gives a member's name (bytes 0–99, with a ustar prefix at
 * 345–499), its size in octal (124–135) and its type (156); its data follows, padded to 512 bytes.
 * Only members whose last name component is one of the wanted names are written, each to a
 * temporary file renamed into place, so no archive path ever decides where a file lands.
 */
final class TarMembers {

    private static final int BLOCK = 512;

    private TarMembers() {
    }

    /** Writes the members named {@code wanted} (by last component) into {@code folder}. */
    static void extract(Path archive, List<String> wanted, Path folder) throws IOException {
        Set<String> remaining = new HashSet<>(wanted);
        byte[] header = new byte[BLOCK];
        try (InputStream in = DataFiles.open(archive)) {
            while (!remaining.isEmpty()) {
                int got = in.readNBytes(header, 0, BLOCK);
                if (got < BLOCK || isZero(header)) break;
                String name = field(header, 345, 155).isEmpty()
                        ? field(header, 0, 100) : field(header, 345, 155) + "/" + field(header, 0, 100);
                long size = octal(archive, header, name);
                char type = (char) header[156];
                String base = name.substring(name.lastIndexOf('/') + 1);
                boolean regular = type == '0' || type == '\0';
                if (regular && remaining.remove(base)) {
                    copy(in, archive, size, folder, base);
                } else {
                    in.skipNBytes(size);
                }
                in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            }
        }
        if (!remaining.isEmpty()) {
            throw new MalformedDataException(archive, "does not contain " + String.join(", ", remaining.stream().sorted().toList()));
        }
    }

    private static void copy(InputStream in, Path archive, long size, Path folder, String base) throws IOException {
        Path partial = Files.createTempFile(folder, "." + base + ".", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                byte[] chunk = new byte[1 << 16];
                long left = size;
                while (left > 0) {
                    int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                    if (n < 0) throw new MalformedDataException(archive, "ends inside member " + base);
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
            VerifiedDownload.moveIntoPlace(partial, folder.resolve(base));
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static String field(byte[] header, int at, int length) {
        int end = at;
        while (end < at + length && header[end] != 0) end++;
        return new String(header, at, end - at, StandardCharsets.US_ASCII);
    }

    private static long octal(Path archive, byte[] header, String name) throws IOException {
        String digits = field(header, 124, 12).trim();
        if (!digits.matches("[0-7]+")) {
            throw new MalformedDataException(archive, "member " + name + " has size field '" + digits
                    + "', not an octal number");
        }
        return Long.parseLong(digits, 8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }
}
