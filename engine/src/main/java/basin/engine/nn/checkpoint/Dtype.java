package basin.engine.nn.checkpoint;

import java.util.Set;

/**
 * The element types Basin reads from safetensors files.
 *
 * <p>Declared in the same relative order as the reference implementation's {@code Dtype} enum,
 * because its writer lays tensors out by descending dtype and then by name; matching that order
 * is what makes Basin's files byte-identical to {@code safetensors.torch.save_file}.
 */
enum Dtype {
    /** IEEE 754 binary16, widened exactly to float32 on read. */
    F16(2),
    /** bfloat16 (the top half of a float32), widened exactly to float32 on read. */
    BF16(2),
    /** IEEE 754 binary32, Basin's parameter type. */
    F32(4),
    /** IEEE 754 binary64, rounded to the nearest float32 on read. */
    F64(8),
    /** Signed 64-bit integer; PyTorch stores BatchNorm's {@code num_batches_tracked} this way. */
    I64(8);

    /** Dtypes the format defines that Basin refuses, so the error can say "unsupported", not "unknown". */
    static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
            "I16", "U16", "I32", "U32", "C64", "U64");

    /** Bytes per element. */
    final int size;

    Dtype(int size) {
        this.size = size;
    }

    /** The dtype named {@code name} in a header, or null when Basin does not read that name. */
    static Dtype named(String name) {
        for (Dtype dtype : values()) {
            if (dtype.name().equals(name)) {
                return dtype;
            }
        }
        return null;
    }
}
