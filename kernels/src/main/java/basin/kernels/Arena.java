package basin.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * A scope for temporary buffers: every buffer a backend allocates while an arena is open on the
 * current thread is handed back to the backend's pool when the arena closes.
 *
 * <p>One gradient or HVP allocates a few dozen intermediate tensors of the same sizes every time;
 * recycling them makes the hot path allocation-free after the first call. Results that must outlive
 * the arena are copied out (or into a buffer allocated outside it) before {@link #close()}.
 *
 * <pre>
 *   try (Arena arena = backend.openArena()) {
 *       ... forward, backward ...
 *       backend.copy(hv, out);          // out was allocated outside the arena
 *   }                                    // intermediates go back to the pool
 * </pre>
 * Arenas nest; a buffer belongs to the innermost open arena of the thread that allocated it.
 */
public final class Arena implements AutoCloseable {
    private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();

    private final Backend backend;
    private final Arena parent;
    private final List<Buffer> owned = new ArrayList<>();
    private boolean closed;

    Arena(Backend backend) {
        this.backend = backend;
        this.parent = CURRENT.get();
        CURRENT.set(this);
    }

    /** Opens an arena for {@code backend} on the current thread. Backends call this from {@code openArena()}. */
    public static Arena open(Backend backend) {
        return new Arena(backend);
    }

    /** Records a freshly allocated buffer in the innermost open arena of this thread for its backend, if any. */
    public static void adopt(Buffer buffer) {
        for (Arena a = CURRENT.get(); a != null; a = a.parent) {
            if (a.backend == buffer.backend()) {
                a.owned.add(buffer);
                return;
            }
        }
    }

    /** Removes {@code buffer} from the arena that owns it, so that it survives the arena's close. */
    public static void keep(Buffer buffer) {
        for (Arena a = CURRENT.get(); a != null; a = a.parent) {
            if (a.owned.remove(buffer)) return;
        }
    }

    @Override
    public void close() {
        if (closed) return;
        if (CURRENT.get() != this) {
            throw new IllegalStateException("arena: closed out of order; arenas must nest like try-with-resources blocks");
        }
        closed = true;
        CURRENT.set(parent);
        for (Buffer b : owned) backend.release(b);
        owned.clear();
    }
}
