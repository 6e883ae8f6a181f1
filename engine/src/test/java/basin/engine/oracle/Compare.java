package basin.engine.oracle;

/** Error measures for comparing a float32 result with a float64 reference. */
public final class Compare {
    private Compare() {
    }

    /** ‖a − b‖₂ / ‖b‖₂, the normwise relative error of a against the reference b. */
    public static double relativeError(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < b.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    /** max_i |a_i − b_i| / max_i |b_i|: the worst element, scaled by the reference's largest entry. */
    public static double maxError(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < b.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }

    public static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** The seed for a test's random inputs: {@code -Dbasin.seed=N} pins it, otherwise a fresh one. */
    public static long seed() {
        String pinned = System.getProperty("basin.seed");
        return pinned != null ? Long.parseLong(pinned) : System.nanoTime();
    }
}
