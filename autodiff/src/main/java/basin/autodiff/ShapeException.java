package basin.autodiff;

/**
 * Operands whose shapes do not fit the op. Thrown before any kernel runs; the message names the op
 * and both shapes: {@code "matmul: inner dimensions differ: a=[128, 784], b=[256, 10]"}.
 */
public final class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }

    /** Throws a ShapeException with the formatted message unless {@code condition} holds. */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new ShapeException(String.format(format, args));
    }
}
