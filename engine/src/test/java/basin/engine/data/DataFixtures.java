package basin.engine.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Writes small data files byte by byte, independently of the readers under test. */
final class DataFixtures {

    private DataFixtures() {
    }

    /** Uniform random bytes from {@code seed}. */
    static byte[] randomBytes(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) bytes[i] = (byte) random.nextInt(256);
        return bytes;
    }

    /** Random labels in [0, classes) from {@code seed}. */
    static byte[] randomLabels(long seed, int n, int classes) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte) random.nextInt(classes);
        return labels;
    }

    /** An IDX header: the magic, then each size as a big-endian 32-bit integer. */
    static byte[] idxHeader(int magic, long... sizes) {
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * sizes.length);
        header.putInt(magic);
        for (long size : sizes) header.putInt((int) size);
        return header.array();
    }

    /** The concatenation of the parts. */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    /** An IDX images file: header 0x00000803, count, rows, columns, then the pixels. */
    static byte[] idxImages(int count, int rows, int columns, byte[] pixels) {
        return concat(idxHeader(IdxReader.IMAGES_MAGIC, count, rows, columns), pixels);
    }

    /** An IDX labels file: header 0x00000801, count, then the labels. */
    static byte[] idxLabels(byte[] labels) {
        return concat(idxHeader(IdxReader.LABELS_MAGIC, labels.length), labels);
    }

    /** Writes {@code content} to {@code file}, gzip-compressed when asked. */
    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.write(file, gzip ? gzip(content) : content);
        return file;
    }

    /** {@code content} compressed as one gzip member. */
    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    /** CIFAR-10 records: for each example its label byte, then its 3072 pixel bytes. */
    static byte[] cifarRecords(byte[] labels, byte[] pixels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < labels.length; i++) {
            out.write(labels[i]);
            out.write(pixels, i * 3072, 3072);
        }
        return out.toByteArray();
    }

    /** A gzip-compressed ustar archive holding {@code members} (path → content) in order. */
    static byte[] tarGz(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> member : members.entrySet()) {
            byte[] header = new byte[512];
            put(header, 0, member.getKey());
            put(header, 100, "0000644");
            put(header, 108, "0000000");
            put(header, 116, "0000000");
            put(header, 124, String.format("%011o", member.getValue().length));
            put(header, 136, "00000000000");
            header[156] = '0';
            put(header, 257, "ustar");
            put(header, 263, "00");
            for (int i = 148; i < 156; i++) header[i] = ' ';
            int sum = 0;
            for (byte b : header) sum += b & 0xFF;
            put(header, 148, String.format("%06o", sum));
            header[155] = ' ';
            tar.writeBytes(header);
            tar.writeBytes(member.getValue());
            tar.writeBytes(new byte[(512 - member.getValue().length % 512) % 512]);
        }
        tar.writeBytes(new byte[1024]);
        return gzip(tar.toByteArray());
    }

    static String sha256(byte[] content) {
        return digest("SHA-256", content);
    }

    static String md5(byte[] content) {
        return digest("MD5", content);
    }

    private static String digest(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void put(byte[] header, int at, String text) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, header, at, ascii.length);
    }
}
