package basin.engine.nn.checkpoint;

import static basin.engine.nn.checkpoint.SafetensorsBytes.f64;
import static basin.engine.nn.checkpoint.SafetensorsBytes.file;
import static basin.engine.nn.checkpoint.SafetensorsBytes.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * F16, BF16 and F64 tensors become float32 on read: exactly for the 16-bit formats, rounded to
 * nearest for F64. The oracle for the 16-bit formats is their definition evaluated in double,
 * (-1)^s × 2^(e - bias) × (1 + f / 2^bits), not bit manipulation.
 */
class SafetensorsDtypeConversionTest {

    @TempDir
    Path directory;

    /** binary16 by its definition: bias 15, 10 fraction bits, subnormals at exponent 0. */
    private static double halfByDefinition(int bits) {
        int sign = (bits >> 15) & 1;
        int exponent = (bits >> 10) & 0x1f;
        int fraction = bits & 0x3ff;
        double magnitude;
        if (exponent == 0x1f) {
            magnitude = fraction == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exponent == 0) {
            magnitude = Math.pow(2, -14) * (fraction / 1024.0);
        } else {
            magnitude = Math.pow(2, exponent - 15) * (1 + fraction / 1024.0);
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    /** bfloat16 by its definition: bias 127, 7 fraction bits. */
    private static double bfloat16ByDefinition(int bits) {
        int sign = (bits >> 15) & 1;
        int exponent = (bits >> 7) & 0xff;
        int fraction = bits & 0x7f;
        double magnitude;
        if (exponent == 0xff) {
            magnitude = fraction == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exponent == 0) {
            magnitude = Math.pow(2, -126) * (fraction / 128.0);
        } else {
            magnitude = Math.pow(2, exponent - 127) * (1 + fraction / 128.0);
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    @Test
    void everyHalfPrecisionValueWidensToItsExactValue() {
        for (int bits = 0; bits < 0x10000; bits++) {
            double expected = halfByDefinition(bits);
            float widened = Float16.halfToFloat(bits);
            if (Double.isNaN(expected)) {
                assertEquals(Float.NaN, widened, "binary16 bits 0x" + Integer.toHexString(bits));
            } else {
                // Exact: every binary16 value is a float32 value, so no tolerance. The sign of zero counts.
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(widened),
                        "binary16 bits 0x" + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void everyBfloat16ValueWidensToItsExactValue() {
        for (int bits = 0; bits < 0x10000; bits++) {
            double expected = bfloat16ByDefinition(bits);
            float widened = Float16.bfloat16ToFloat(bits);
            if (Double.isNaN(expected)) {
                assertEquals(Float.NaN, widened, "bfloat16 bits 0x" + Integer.toHexString(bits));
            } else {
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(widened),
                        "bfloat16 bits 0x" + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void readsHalfPrecisionTensorsAsFloat32() throws IOException {
        // 1, -2, 65504 (largest binary16), 2^-24 (smallest subnormal), +infinity.
        Path path = SafetensorsBytes.save(directory, "half.safetensors", file(SafetensorsBytes.padded(
                "{\"w\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[0,10]}}"),
                u16(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00)));

        float[] data = Safetensors.read(path).tensor("w").data();

        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY}, data);
    }

    @Test
    void readsBfloat16TensorsAsFloat32() throws IOException {
        // 1, 3.140625 (pi truncated to 8 significant bits), -0.
        Path path = SafetensorsBytes.save(directory, "bf16.safetensors", file(SafetensorsBytes.padded(
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]}}"), u16(0x3F80, 0x4049, 0x8000)));

        float[] data = Safetensors.read(path).tensor("w").data();

        assertArrayEquals(new float[] {1f, 3.140625f, -0.0f}, data);
    }

    @Test
    void readsDoublePrecisionTensorsRoundedToNearestFloat32() throws IOException {
        double[] values = {0.1, -1.0 / 3.0, 1e300, 1e-300};
        Path path = SafetensorsBytes.save(directory, "f64.safetensors", file(SafetensorsBytes.padded(
                "{\"w\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]}}"), f64(values)));

        float[] data = Safetensors.read(path).tensor("w").data();

        // Beyond float32's range a value becomes infinity or zero, as PyTorch's .float() does.
        assertArrayEquals(new float[] {0.1f, -1.0f / 3.0f, Float.POSITIVE_INFINITY, 0.0f}, data);
    }
}
