package basin.engine.nn.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds safetensors files byte by byte from the format description (a little-endian u64 header
 * length, the JSON, the little-endian data), with shifts rather than Basin's code, so that tests
 * hold Basin's reader and writer against the specification instead of against themselves.
 */
final class SafetensorsBytes {
    private SafetensorsBytes() {
    }

    /** A file whose header length field is the UTF-8 length of {@code header}, taken as given (no padding added). */
    static byte[] file(String header, byte[]... data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return concat(u64(json.length), json, concat(data));
    }

    /** A file with an arbitrary header length field, for lengths that lie. */
    static byte[] file(long declaredHeaderLength, byte[] header, byte[]... data) {
        return concat(u64(declaredHeaderLength), header, concat(data));
    }

    /** {@code json} followed by spaces up to a multiple of 8 bytes, as the reference writer pads. */
    static String padded(String json) {
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        return json + " ".repeat((8 - length % 8) % 8);
    }

    static Path save(Path directory, String name, byte[] bytes) throws IOException {
        return Files.write(directory.resolve(name), bytes);
    }

    static byte[] u64(long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        return bytes;
    }

    static byte[] f32(float... values) {
        byte[] bytes = new byte[4 * values.length];
        for (int k = 0; k < values.length; k++) {
            int bits = Float.floatToRawIntBits(values[k]);
            for (int i = 0; i < 4; i++) {
                bytes[4 * k + i] = (byte) (bits >>> (8 * i));
            }
        }
        return bytes;
    }

    static byte[] f64(double... values) {
        byte[] bytes = new byte[8 * values.length];
        for (int k = 0; k < values.length; k++) {
            System.arraycopy(u64(Double.doubleToRawLongBits(values[k])), 0, bytes, 8 * k, 8);
        }
        return bytes;
    }

    static byte[] i64(long... values) {
        byte[] bytes = new byte[8 * values.length];
        for (int k = 0; k < values.length; k++) {
            System.arraycopy(u64(values[k]), 0, bytes, 8 * k, 8);
        }
        return bytes;
    }

    /** 16-bit patterns (F16 or BF16), little-endian. */
    static byte[] u16(int... patterns) {
        byte[] bytes = new byte[2 * patterns.length];
        for (int k = 0; k < patterns.length; k++) {
            bytes[2 * k] = (byte) patterns[k];
            bytes[2 * k + 1] = (byte) (patterns[k] >>> 8);
        }
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
