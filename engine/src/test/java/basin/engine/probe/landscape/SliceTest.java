package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** 1D and 2D slices on a quadratic, where every point is known in closed form. */
class SliceTest {

    private static double[] spectrum(int p) {
        double[] lambda = new double[p];
        for (int i = 0; i < p; i++) lambda[i] = 4.0 - 5.0 * i / (p - 1);       // 4 down to −1: a saddle too
        return lambda;
    }

    @Test
    void aLineSliceOfAQuadraticIsItsParabola() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 23;
        double[] star = new double[p];
        for (int i = 0; i < p; i++) star[i] = rng.nextGaussian();
        Quadratic q = new Quadratic(spectrum(p), star, 0.7, rng);
        ParamVector theta = Directions.gaussian(q.backend(), q.layout(), rng);
        ParamVector d = Directions.unitGaussian(q.backend(), q.layout(), rng);
        double[] alphas = Slice.linspace(-1.5, 1.5, 13);
        Slice.Result r = Slice.line(q, theta, d, alphas, 2, GridLog.none());
        // f(α) = L(θ) + α ∇L(θ)ᵀd + ½ α² dᵀAd, all in float64 from the float32 θ and d.
        double[] x = Quadratic.toDouble(theta), dd = Quadratic.toDouble(d), offset = x.clone();
        for (int i = 0; i < p; i++) offset[i] -= star[i];
        double l0 = q.value(x), slope = q.form(offset, dd), curvature = q.form(dd, dd);
        for (int i = 0; i < alphas.length; i++) {
            double a = alphas[i], expected = l0 + a * slope + 0.5 * a * a * curvature;
            // θ + αd is formed in float32: each entry carries a relative error ~6e-8, which moves L by ~1e-7·|∇L|·‖θ‖.
            assertEquals(expected, r.losses()[i], 1e-5 * (1 + Math.abs(expected)), "seed " + seed + ", α = " + a);
        }
        assertEquals(0, r.resumed());
    }

    @Test
    void aPlaneIsMeasuredAlphaOuterAndTheSameOnOneThreadOrThree() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 17;
        Quadratic q = Quadratic.centred(spectrum(p), rng);
        ParamVector theta = Directions.gaussian(q.backend(), q.layout(), rng);
        ParamVector d1 = Directions.unitGaussian(q.backend(), q.layout(), rng), d2 = Directions.unitGaussian(q.backend(), q.layout(), rng);
        double[] alphas = Slice.linspace(-1, 1, 5), betas = Slice.linspace(-2, 2, 4);
        Slice.Result serial = Slice.plane(q, theta, d1, d2, alphas, betas, 1, GridLog.none());
        Slice.Result parallel = Slice.plane(q, theta, d1, d2, alphas, betas, 3, GridLog.none());
        assertArrayEquals(serial.losses(), parallel.losses(), 0, "seed " + seed);   // same float32 point, same float64 oracle
        double[] x = Quadratic.toDouble(theta), u = Quadratic.toDouble(d1), v = Quadratic.toDouble(d2);
        for (int i = 0; i < alphas.length; i++) {
            for (int j = 0; j < betas.length; j++) {
                double[] point = new double[p];
                for (int k = 0; k < p; k++) point[k] = x[k] + alphas[i] * u[k] + betas[j] * v[k];
                double expected = q.value(point);
                assertEquals(expected, serial.loss(i, j), 1e-5 * (1 + Math.abs(expected)), "seed " + seed + ", (i, j) = " + i + ", " + j);
                assertEquals(serial.loss(i, j), serial.lossRows()[i][j]);
            }
        }
    }

    @Test
    void aStoppedGridResumesFromItsFileAndMeasuresOnlyTheRest(@TempDir Path dir) throws IOException {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 11;
        Quadratic q = Quadratic.centred(spectrum(p), rng);
        ParamVector theta = Directions.gaussian(q.backend(), q.layout(), rng);
        ParamVector d1 = Directions.unitGaussian(q.backend(), q.layout(), rng), d2 = Directions.unitGaussian(q.backend(), q.layout(), rng);
        double[] alphas = Slice.linspace(-1, 1, 4), betas = Slice.linspace(-1, 1, 3);
        // A small long (as a --seed 0 is) reads back from JSON as an int: still the same grid.
        Map<String, Object> grid = Map.of("alphas", alphas, "betas", betas, "seed", seed, "limit", 500L);
        Path file = dir.resolve("plane.jsonl");
        Slice.Result full;
        try (GridFile log = GridFile.open(file, grid)) {
            full = Slice.plane(q, theta, d1, d2, alphas, betas, 2, log);
        }
        // Keep the header and 5 points, then a line cut short as a kill mid-write leaves it.
        List<String> lines = Files.readAllLines(file);
        assertEquals(1 + 12, lines.size());
        List<String> kept = new java.util.ArrayList<>(lines.subList(0, 6));
        kept.add(lines.get(6).substring(0, lines.get(6).length() / 2));
        Files.write(file, kept);

        // A quadratic that counts its evaluations shows which points the rerun measured.
        int[] measured = new int[1];
        LossSurface counting = new LossSurface() {
            @Override public basin.engine.linalg.ParamLayout layout() { return q.layout(); }
            @Override public basin.kernels.Backend backend() { return q.backend(); }
            @Override public synchronized Measurement measure(ParamVector t) { measured[0]++; return q.measure(t); }
            @Override public double gradient(ParamVector t, ParamVector g) { return q.gradient(t, g); }
            @Override public String describe() { return "counting quadratic"; }
        };
        Slice.Result resumed;
        try (GridFile log = GridFile.open(file, grid)) {
            resumed = Slice.plane(counting, theta, d1, d2, alphas, betas, 2, log);
        }
        assertEquals(5, resumed.resumed(), "seed " + seed);
        assertEquals(12 - 5, measured[0], "seed " + seed);
        // JSON carries doubles exactly (shortest repr round-trips), so the resumed grid is the full one.
        assertArrayEquals(full.losses(), resumed.losses(), 0, "seed " + seed);
        assertEquals(1 + 12, Files.readAllLines(file).size());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GridFile.open(file, Map.of("alphas", alphas, "betas", betas, "seed", seed + 1)));
        assertEquals(true, e.getMessage().contains("holds a different grid"), e.getMessage());
    }

    @Test
    void aFailingPointStopsTheGridAndItsErrorReachesTheCaller() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Quadratic q = Quadratic.centred(spectrum(5), rng);
        ParamVector theta = ParamVector.zeros(q.backend(), q.layout());
        ParamVector d = Directions.unitGaussian(q.backend(), q.layout(), rng);
        int[] measured = new int[1];
        LossSurface failing = new LossSurface() {
            @Override public basin.engine.linalg.ParamLayout layout() { return q.layout(); }
            @Override public basin.kernels.Backend backend() { return q.backend(); }
            @Override public Measurement measure(ParamVector t) {
                synchronized (measured) {
                    if (++measured[0] == 3) throw new ArithmeticException("loss is not finite at the third point");
                }
                // Each good point takes 5 ms, so the 200-point grid would take ≥ 0.5 s on the other
                // thread: the stop has that long to arrive even when the failing thread is descheduled.
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (measured) {
                    return q.measure(t);
                }
            }
            @Override public double gradient(ParamVector t, ParamVector g) { return q.gradient(t, g); }
            @Override public String describe() { return "failing quadratic"; }
        };
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> Slice.line(failing, theta, d, Slice.linspace(-1, 1, 200), 2, GridLog.none()));
        assertEquals("loss is not finite at the third point", e.getMessage());
        // The other thread finishes the point it holds and, in the instant before the failing thread
        // raises the stop, may take a few more; it does not go on through the 200 points.
        assertEquals(true, measured[0] < 100, "seed " + seed + ": " + measured[0] + " points measured, the grid did not stop");
    }
}
