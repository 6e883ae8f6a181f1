package basin.engine.nn.checkpoint;

/**
 * Widening of the two 16-bit float formats safetensors files carry. Both conversions are exact:
 * every binary16 and every bfloat16 value is a float32 value.
 */
final class Float16 {
    private Float16() {
    }

    /**
     * IEEE 754 binary16 to float32. binary16 has 1 sign bit, 5 exponent bits (bias 15) and 10
     * fraction bits; float32 has 8 exponent bits (bias 127) and 23 fraction bits.
     *
     * @param bits the 16 bits in the low half of the int
     */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int fraction = bits & 0x3ff;
        if (exponent == 0x1f) {
            // Infinity or NaN; the NaN payload moves to the top of the float32 fraction.
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (fraction << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: fraction × 2^-24, exact in float32, whose normal range reaches 2^-126.
            float magnitude = fraction * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (fraction << 13));
    }

    /**
     * bfloat16 to float32: bfloat16 is the upper 16 bits of a float32.
     *
     * @param bits the 16 bits in the low half of the int
     */
    static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
