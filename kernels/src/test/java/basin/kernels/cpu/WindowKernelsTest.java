package basin.kernels.cpu;

import basin.kernels.Backend;
import basin.kernels.Buffer;
import basin.kernels.Window2d;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Max pooling, gather, scatter-add and col2im against plain loops written from their definitions in
 * {@link Backend}, on inputs large enough that the kernels split across threads and on small odd
 * ones that they run serially. Exact equality: the kernels move or compare floats, and col2im adds
 * in the order of the definition.
 */
class WindowKernelsTest {
    private final Backend cpu = CpuBackend.get();

    private static long seed() {
        String pinned = System.getProperty("basin.seed");
        return pinned != null ? Long.parseLong(pinned) : System.nanoTime();
    }

    private Buffer upload(float[] v) {
        Buffer b = cpu.allocate(v.length);
        cpu.copyIn(v, 0, b);
        return b;
    }

    private float[] download(Buffer b) {
        float[] v = new float[b.length()];
        cpu.copyOut(b, v, 0);
        return v;
    }

    private static float[] random(int n, SplittableRandom rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    @Test
    void maxPoolMatchesTheDefinitionOnLargeAndSmallInputs() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Window2d w : new Window2d[] {Window2d.square(4, 16, 64, 64, 2, 2, 0), Window2d.square(3, 5, 9, 7, 3, 2, 1)}) {
            float[] x = random(w.inputSize(), rng);
            Buffer y = cpu.allocate(w.pooledSize()), at = cpu.allocate(w.pooledSize());
            cpu.maxPool2d(upload(x), w, y, at);
            float[] ys = download(y), ats = download(at);
            int H = w.height(), W = w.width(), oh = w.outH(), ow = w.outW();
            for (int p = 0; p < w.batch() * w.channels(); p++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int r = i * w.strideH() - w.padH(); r < i * w.strideH() - w.padH() + w.kernelH(); r++)
                            for (int q = j * w.strideW() - w.padW(); q < j * w.strideW() - w.padW() + w.kernelW(); q++)
                                if (r >= 0 && r < H && q >= 0 && q < W && (arg < 0 || x[p * H * W + r * W + q] > best)) {
                                    best = x[p * H * W + r * W + q];
                                    arg = r * W + q;
                                }
                        int o = (p * oh + i) * ow + j;
                        assertEquals(best, ys[o], "seed " + seed + ", " + w + ": max at output " + o);
                        assertEquals(arg, (int) ats[o], "seed " + seed + ", " + w + ": argmax at output " + o);
                    }
        }
    }

    @Test
    void maxPoolTiesGoToTheFirstAndTheFirstNaNWins() {
        // One plane 2×4, two 2×2 windows: [1 3 | 5 5] over [3 2 | NaN NaN].
        Window2d w = Window2d.square(1, 1, 2, 4, 2, 2, 0);
        float[] x = {1, 3, 5, 5,
                     3, 2, Float.NaN, Float.NaN};
        Buffer y = cpu.allocate(2), at = cpu.allocate(2);
        cpu.maxPool2d(upload(x), w, y, at);
        float[] ys = download(y), ats = download(at);
        assertEquals(3f, ys[0]);
        assertEquals(1, (int) ats[0], "a tie goes to the first maximum in row-major window order");
        assertTrue(Float.isNaN(ys[1]), "NaN propagates");
        assertEquals(6, (int) ats[1], "the first NaN in window order is the argmax");
    }

    /**
     * The 2×2, stride-2 path (its own code) on values drawn from a few specials, so that ties,
     * signed zeros, infinities and NaN meet in every combination, on odd plane sizes whose last row
     * and column no window covers: the first NaN in window order wins, else the first maximum, and
     * the value is that element's own bits (−0 and +0 are not merged).
     */
    @Test
    void twoByTwoPoolingKeepsTheFirstMaximumTheFirstNaNAndTheElementsOwnBits() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        float[] specials = {Float.NEGATIVE_INFINITY, -1f, -0f, 0f, 1f, Float.POSITIVE_INFINITY, Float.NaN};
        Window2d w = Window2d.square(3, 4, 9, 7, 2, 2, 0);
        float[] x = new float[w.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = specials[rng.nextInt(specials.length)];
        Buffer y = cpu.allocate(w.pooledSize()), at = cpu.allocate(w.pooledSize());
        cpu.maxPool2d(upload(x), w, y, at);
        float[] ys = download(y), ats = download(at);
        int H = w.height(), W = w.width();
        for (int p = 0; p < w.batch() * w.channels(); p++)
            for (int i = 0; i < w.outH(); i++)
                for (int j = 0; j < w.outW(); j++) {
                    int[] window = {2 * i * W + 2 * j, 2 * i * W + 2 * j + 1, (2 * i + 1) * W + 2 * j, (2 * i + 1) * W + 2 * j + 1};
                    int arg = -1;
                    for (int k : window) if (arg < 0 && Float.isNaN(x[p * H * W + k])) arg = k;
                    if (arg < 0) {
                        arg = window[0];
                        for (int k : window) if (x[p * H * W + k] > x[p * H * W + arg]) arg = k;
                    }
                    int o = (p * w.outH() + i) * w.outW() + j;
                    String where = "seed " + seed + ", output " + o;
                    assertEquals(arg, (int) ats[o], where + ": argmax");
                    assertEquals(Float.floatToRawIntBits(x[p * H * W + arg]), Float.floatToRawIntBits(ys[o]), where + ": value bits");
                }
    }

    @Test
    void maxPoolRefusesAWindowLyingWhollyInThePadding() {
        // kernel 2, stride 2, padding 2 on a 4×4 plane: the first window covers padding only, and
        // its argmax would point outside the plane for the gather that follows.
        Window2d w = new Window2d(1, 1, 4, 4, 2, 2, 2, 2, 2, 2);
        Buffer y = cpu.allocate(w.pooledSize()), at = cpu.allocate(w.pooledSize());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> cpu.maxPool2d(upload(new float[16]), w, y, at));
        assertTrue(e.getMessage().contains("wholly in the padding"), e.getMessage());
    }

    @Test
    void gatherAndScatterAddMatchTheDefinition() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int planes = 300, planeIn = 1000, planeOut = 500;
        float[] x = random(planes * planeIn, rng), y = random(planes * planeOut, rng), index = new float[planes * planeOut];
        for (int i = 0; i < index.length; i++) index[i] = rng.nextInt(planeIn);        // repeats included
        Buffer gathered = cpu.allocate(planes * planeOut), scattered = cpu.allocate(planes * planeIn);
        Buffer idx = upload(index);
        cpu.gather(upload(x), idx, planes, planeIn, planeOut, gathered);
        cpu.scatterAdd(upload(y), idx, planes, planeIn, planeOut, scattered);
        float[] g = download(gathered), s = download(scattered), want = new float[planes * planeIn];
        for (int p = 0; p < planes; p++)
            for (int j = 0; j < planeOut; j++) {
                int at = p * planeIn + (int) index[p * planeOut + j];
                assertEquals(x[at], g[p * planeOut + j], "seed " + seed + ": gather at " + (p * planeOut + j));
                want[at] += y[p * planeOut + j];
            }
        for (int i = 0; i < want.length; i++) assertEquals(want[i], s[i], "seed " + seed + ": scatterAdd at " + i);
    }

    @Test
    void col2imSumsEveryPatchEntryBackWhereIm2colTookIt() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Window2d w : WINDOWS) {
            float[] cols = random(w.patchSize() * w.positions(), rng);
            Buffer x = cpu.allocate(w.inputSize());
            cpu.fill(x, Float.NaN);                                           // col2im must overwrite, not accumulate into old contents
            Buffer patches = upload(cols);
            cpu.col2im(patches, w, x);
            float[] got = download(x), want = new float[w.inputSize()], after = download(patches);
            for (int i = 0; i < cols.length; i++) {
                assertEquals(Float.floatToRawIntBits(cols[i]), Float.floatToRawIntBits(after[i]), "seed " + seed + ", " + w + ": col2im wrote into its input at " + i);
            }
            forEachEntry(w, (at, from) -> {
                if (from >= 0) want[from] += cols[at];
            });
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], "seed " + seed + ", " + w + ": x at " + i);
        }
    }

    /** An entry of cols and where im2col takes it from: the index into x, or −1 for padding. */
    private interface Entry {
        void at(int colsIndex, int xIndex);
    }

    /** Every entry of cols, in the definition's order: c, ki, kj, then n, oh, ow. */
    private static void forEachEntry(Window2d w, Entry entry) {
        int oh = w.outH(), ow = w.outW();
        for (int c = 0; c < w.channels(); c++)
            for (int ki = 0; ki < w.kernelH(); ki++)
                for (int kj = 0; kj < w.kernelW(); kj++)
                    for (int n = 0; n < w.batch(); n++)
                        for (int i = 0; i < oh; i++)
                            for (int j = 0; j < ow; j++) {
                                int r = i * w.strideH() - w.padH() + ki, q = j * w.strideW() - w.padW() + kj;
                                boolean inside = r >= 0 && r < w.height() && q >= 0 && q < w.width();
                                int at = ((c * w.kernelH() + ki) * w.kernelW() + kj) * w.positions() + (n * oh + i) * ow + j;
                                entry.at(at, inside ? ((n * w.channels() + c) * w.height() + r) * w.width() + q : -1);
                            }
    }

    /**
     * Stride-1 windows whose output is as wide as the input ("same" padding: 3×3 pad 1, 5×5 pad 2,
     * 1×1, and a non-square one), which im2col and col2im move as whole shifted planes, beside
     * windows they take row by row (stride 2, no padding, more padding than "same").
     */
    private static final Window2d[] WINDOWS = {
            Window2d.square(8, 16, 32, 32, 3, 1, 1), Window2d.square(3, 2, 9, 7, 5, 1, 2), Window2d.square(2, 3, 5, 6, 1, 1, 0),
            new Window2d(2, 3, 7, 6, 3, 1, 1, 1, 1, 0), new Window2d(2, 3, 7, 6, 3, 2, 2, 1, 1, 0),
            Window2d.square(2, 3, 8, 8, 3, 1, 0), Window2d.square(2, 2, 6, 5, 3, 1, 2), Window2d.square(1, 1, 2, 2, 5, 1, 2)};

    @Test
    void im2colPlacesEveryInputWhereTheDefinitionSaysAndZerosOnPadding() {
        long seed = seed();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Window2d w : WINDOWS) {
            float[] x = random(w.inputSize(), rng);
            Buffer cols = cpu.allocate(w.patchSize() * w.positions());
            cpu.fill(cols, Float.NaN);                                        // every entry must be written
            cpu.im2col(upload(x), w, cols);
            float[] got = download(cols);
            forEachEntry(w, (at, from) -> assertEquals(from >= 0 ? x[from] : 0f, got[at], "seed " + seed + ", " + w + ": cols at " + at));
        }
    }
}
