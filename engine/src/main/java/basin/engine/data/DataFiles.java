package basin.engine.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reading plain or gzip-compressed data files, and the checks that let the readers know a file's
 * content length before they allocate anything for it.
 */
final class DataFiles {

    /** The largest array length every JVM allows. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** uint8 → float in [0, 1]: v / 255, looked up rather than divided 47 million times. */
    private static final float[] SCALE = new float[256];

    static {
        for (int v = 0; v < 256; v++) SCALE[v] = v / 255f;
    }

    private DataFiles() {
    }

    /** True when the file starts with the gzip magic bytes 1f 8b, whatever its name. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * The file's content, decompressed when it is gzip. Every error of the gzip stream, wherever
     * the caller reads (a header, a skip, the data, the end), comes out as a
     * {@link MalformedDataException} naming the file: {@link GZIPInputStream} throws
     * {@link ZipException}, {@link EOFException} or a bare {@link IOException} ("Corrupt GZIP
     * trailer"), none of which says which file.
     */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (!isGzip(file)) return raw;
        try {
            return new NamedErrors(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16), file);
        } catch (IOException e) {
            raw.close();
            throw new MalformedDataException(file, "starts like gzip (1f 8b) but its gzip header is damaged", e);
        }
    }

    /** A decompressing stream whose read errors become {@link MalformedDataException}s naming the file. */
    private static final class NamedErrors extends FilterInputStream {
        private final Path file;

        NamedErrors(InputStream in, Path file) {
            super(in);
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (MalformedDataException e) {
                throw e;
            } catch (IOException e) {
                throw damaged(file, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (MalformedDataException e) {
                throw e;
            } catch (IOException e) {
                throw damaged(file, e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (MalformedDataException e) {
                throw e;
            } catch (IOException e) {
                throw damaged(file, e);
            }
        }
    }

    /**
     * The length of the file's content once decompressed. For a plain file that is its size. For
     * gzip, the trailer's ISIZE field holds the length modulo 2³²; when it agrees with what the
     * header expects it is taken (the read that follows still checks every byte is there), and
     * otherwise the content is decompressed once, counting bytes without keeping them.
     */
    static long contentLength(Path file, long expected) throws IOException {
        long size = Files.size(file);
        if (!isGzip(file)) return size;
        if (size >= 18 && expected >= 0 && gzipTrailerLength(file) == (expected & 0xFFFFFFFFL)) return expected;
        try (InputStream in = open(file)) {
            long total = 0;
            byte[] sink = new byte[1 << 16];
            for (int n; (n = in.read(sink)) >= 0; ) total += n;
            return total;
        } catch (EOFException | ZipException e) {
            throw damaged(file, e);
        }
    }

    /** Reads exactly {@code length} bytes, or fails naming the file and how far it got. */
    static void readBytes(InputStream in, Path file, byte[] destination, int length) throws IOException {
        int done = 0;
        try {
            while (done < length) {
                int n = in.read(destination, done, length - done);
                if (n < 0) throw endedEarly(file, done, length);
                done += n;
            }
        } catch (EOFException | ZipException e) {
            throw damaged(file, e);
        }
    }

    /** Reads {@code length} uint8 pixels as floats in [0, 1] into {@code destination} from {@code offset}. */
    static void readScaled(InputStream in, Path file, float[] destination, int offset, int length, byte[] chunk)
            throws IOException {
        int done = 0;
        try {
            while (done < length) {
                int n = in.read(chunk, 0, Math.min(chunk.length, length - done));
                if (n < 0) throw endedEarly(file, done, length);
                for (int k = 0; k < n; k++) destination[offset + done + k] = SCALE[chunk[k] & 0xFF];
                done += n;
            }
        } catch (EOFException | ZipException e) {
            throw damaged(file, e);
        }
    }

    /** Fails when anything follows the data the header accounted for. */
    static void expectEnd(InputStream in, Path file) throws IOException {
        try {
            if (in.read() >= 0) throw new MalformedDataException(file, "holds more data than its header accounts for");
        } catch (EOFException | ZipException e) {
            throw damaged(file, e);
        }
    }

    /** a·b·…, or Long.MAX_VALUE when that overflows (the factors are header fields below 2³²). */
    static long product(long... factors) {
        long result = 1;
        for (long f : factors) {
            try {
                result = Math.multiplyExact(result, f);
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        return result;
    }

    private static long gzipTrailerLength(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(trailer, channel.size() - 4);
            return trailer.flip().getInt() & 0xFFFFFFFFL;
        }
    }

    private static MalformedDataException endedEarly(Path file, long got, long wanted) {
        return new MalformedDataException(file, "ends after " + got + " of the " + wanted + " bytes its header promises");
    }

    static MalformedDataException damaged(Path file, IOException cause) {
        return new MalformedDataException(file, "gzip data is damaged or cut short (" + cause.getMessage() + ")", cause);
    }
}
