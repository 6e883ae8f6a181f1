package basin.kernels;

/**
 * A contiguous range of float32 storage that lives on one {@link Backend}'s device.
 *
 * <p>A buffer is opaque: its numbers are reached only through its backend's kernels and through
 * the named transfers {@link Backend#copyIn} and {@link Backend#copyOut}. A {@link #slice} is a
 * view that shares storage with its parent, which is how one flat parameter vector θ serves as the
 * storage of every layer's weights.
 */
public interface Buffer {

    /** The backend whose kernels can read and write this buffer. */
    Backend backend();

    /** Number of float32 elements. */
    int length();

    /** A view of {@code length} elements starting at {@code offset}; shares storage with this buffer. */
    Buffer slice(int offset, int length);
}
