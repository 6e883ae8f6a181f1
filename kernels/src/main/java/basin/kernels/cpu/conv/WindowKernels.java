package basin.kernels.cpu.conv;

import basin.kernels.Window2d;
import basin.kernels.cpu.gemm.Workers;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sliding-window kernels of the CPU backend on plain arrays: im2col, its adjoint col2im, and
 * max pooling with its argmax. Inner loops run along an output row over a precomputed range of
 * columns that are inside the image, so they carry no bounds branch and C2 can vectorise the
 * stride-1 case; padding is written as zeros outside that range. Each kernel splits its outermost
 * independent axis across {@link Workers}: rows of cols for im2col, planes (n, c) for col2im,
 * planes for pooling, so no two threads write the same element.
 */
public final class WindowKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private WindowKernels() {
    }

    /** cols[(c·kh + ki)·kw + kj, (n·outH + oh)·outW + ow] = x[n, c, oh·sh − ph + ki, ow·sw − pw + kj] or 0. */
    public static void im2col(float[] x, int xOff, Window2d w, float[] cols, int colsOff) {
        int rows = w.patchSize();
        Workers.forRange(rows, (long) rows * w.positions(), (from, to) -> im2colRows(x, xOff, w, cols, colsOff, from, to));
    }

    private static void im2colRows(float[] x, int xOff, Window2d w, float[] cols, int colsOff, int from, int to) {
        int n = w.batch(), C = w.channels(), H = w.height(), W = w.width();
        int kh = w.kernelH(), kw = w.kernelW(), sh = w.strideH(), sw = w.strideW(), ph = w.padH(), pw = w.padW();
        int outH = w.outH(), outW = w.outW(), positions = w.positions();
        for (int r = from; r < to; r++) {
            int c = r / (kh * kw), ki = (r / kw) % kh, kj = r % kw;
            int lo = firstInside(pw - kj, sw), hi = Math.min(outW, lastInside(W - 1 + pw - kj, sw) + 1);
            int shift = kj - pw;
            if (sh == 1 && sw == 1 && outW == W) {
                for (int b = 0; b < n; b++) {
                    shiftedPlane(x, xOff + (b * C + c) * H * W, cols, colsOff + r * positions + b * outH * outW,
                            H, W, outH, ki - ph, shift, lo, hi);
                }
                continue;
            }
            for (int b = 0; b < n; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    int dst = colsOff + r * positions + (b * outH + oh) * outW;
                    int ih = oh * sh - ph + ki;
                    if (ih < 0 || ih >= H || lo >= hi) {
                        java.util.Arrays.fill(cols, dst, dst + outW, 0f);
                        continue;
                    }
                    int src = xOff + ((b * C + c) * H + ih) * W + shift;
                    for (int ow = 0; ow < lo; ow++) cols[dst + ow] = 0f;
                    if (sw == 1) System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                    else for (int ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow * sw];
                    for (int ow = hi; ow < outW; ow++) cols[dst + ow] = 0f;
                }
            }
        }
    }

    /**
     * One image's row of cols for a stride-1 window whose output rows are as wide as the input's
     * ("same" padding): block[oh·W + ow] = plane[(oh + dy)·W + ow + dx], or 0 outside the plane.
     * Because both sides are W wide, the rows inside the image are one contiguous run of the plane,
     * shifted: one copy moves them all, and then the few entries that wrapped round a row's end
     * (ow &lt; lo or ow ≥ hi) are set to the zeros of the padding. Copying row by row cost more in
     * per-row overhead than in moving floats (measured on ResNet-20's 32×32 planes: one call per 32
     * floats).
     */
    private static void shiftedPlane(float[] x, int plane, float[] cols, int block, int H, int W, int outH,
                                     int dy, int dx, int lo, int hi) {
        int ohLo = Math.max(0, -dy), ohHi = Math.min(outH, H - dy);
        if (ohLo >= ohHi || lo >= hi) {
            java.util.Arrays.fill(cols, block, block + outH * W, 0f);
            return;
        }
        java.util.Arrays.fill(cols, block, block + ohLo * W, 0f);
        java.util.Arrays.fill(cols, block + ohHi * W, block + outH * W, 0f);
        int t0 = ohLo * W + lo, t1 = (ohHi - 1) * W + hi;
        System.arraycopy(x, plane + t0 + dy * W + dx, cols, block + t0, t1 - t0);
        for (int oh = ohLo; oh < ohHi; oh++) {
            int row = block + oh * W;
            for (int ow = 0; ow < lo; ow++) cols[row + ow] = 0f;
            for (int ow = hi; ow < W; ow++) cols[row + ow] = 0f;
        }
    }

    /** x = 0, then x[n, c, ih, iw] += cols[r, q] for every entry im2col would have read from there. */
    public static void col2im(float[] cols, int colsOff, Window2d w, float[] x, int xOff) {
        int planes = w.batch() * w.channels();
        Workers.forRange(planes, (long) w.patchSize() * w.positions(), (from, to) -> col2imPlanes(cols, colsOff, w, x, xOff, from, to));
    }

    /**
     * The planes (n, c) in [from, to) of x, one at a time: the plane (H·W floats) stays in L1
     * while the kh·kw rows of cols that add into it stream past. Each element receives its terms
     * in the order (ki, kj, oh), whatever the split.
     */
    private static void col2imPlanes(float[] cols, int colsOff, Window2d w, float[] x, int xOff, int from, int to) {
        int C = w.channels(), H = w.height(), W = w.width();
        int kh = w.kernelH(), kw = w.kernelW(), sh = w.strideH(), sw = w.strideW(), ph = w.padH(), pw = w.padW();
        int outH = w.outH(), outW = w.outW(), positions = w.positions();
        // The columns a shifted plane keeps aside: fewer than kw per row of the plane.
        float[] edges = sh == 1 && sw == 1 && outW == W ? new float[kw * H] : null;
        for (int plane = from; plane < to; plane++) {
            int b = plane / C, c = plane % C, base = xOff + plane * H * W;
            java.util.Arrays.fill(x, base, base + H * W, 0f);
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int r = (c * kh + ki) * kw + kj;
                    int lo = firstInside(pw - kj, sw), hi = Math.min(outW, lastInside(W - 1 + pw - kj, sw) + 1);
                    int shift = kj - pw;
                    if (sh == 1 && sw == 1 && outW == W) {
                        addShiftedPlane(cols, colsOff + r * positions + b * outH * outW, x, base, H, W, outH, ki - ph, shift, lo, hi, edges);
                        continue;
                    }
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * sh - ph + ki;
                        if (ih < 0 || ih >= H) continue;
                        int src = colsOff + r * positions + (b * outH + oh) * outW;
                        int dst = base + ih * W + shift;
                        if (sw == 1) addRow(cols, src, x, dst, lo, hi);
                        else for (int ow = lo; ow < hi; ow++) x[dst + ow * sw] += cols[src + ow];
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #shiftedPlane}: plane[(oh + dy)·W + ow + dx] += block[oh·W + ow] for
     * the entries inside the plane, as one unit-stride loop over the contiguous run. Between rows
     * the run also adds the |dx| entries that wrapped round a row's end (padding, whose gradient is
     * dropped): with dx &gt; 0 into the first dx columns of the next row, with dx &lt; 0 into the
     * last −dx columns of the row before, columns this kernel offset never reaches. Those are kept
     * in {@code edges} before the loop and put back after it, so every element gets exactly its own
     * terms and cols is only read.
     */
    private static void addShiftedPlane(float[] cols, int block, float[] x, int plane, int H, int W, int outH,
                                        int dy, int dx, int lo, int hi, float[] edges) {
        int ohLo = Math.max(0, -dy), ohHi = Math.min(outH, H - dy);
        if (ohLo >= ohHi || lo >= hi) return;
        // The rows whose edge columns the run crosses: all but the first (dx > 0) or the last (dx < 0).
        int width = Math.abs(dx), column = dx > 0 ? 0 : W + dx;
        int first = plane + (ohLo + dy + (dx > 0 ? 1 : 0)) * W + column, last = plane + (ohHi - 1 + dy - (dx < 0 ? 1 : 0)) * W + column;
        int k = 0;
        for (int at = first; at <= last && width > 0; at += W) for (int i = 0; i < width; i++) edges[k++] = x[at + i];
        addRow(cols, block, x, plane + dy * W + dx, ohLo * W + lo, (ohHi - 1) * W + hi);
        k = 0;
        for (int at = first; at <= last && width > 0; at += W) for (int i = 0; i < width; i++) x[at + i] = edges[k++];
    }

    /**
     * x[dst + ow] += cols[src + ow] for ow in [lo, hi), a vector at a time. C2 leaves this loop
     * scalar on its own, since x and cols might be one array at two offsets (measured: a tenth of a
     * ResNet-20 HVP); the same additions on whole vectors give the same bits.
     */
    private static void addRow(float[] cols, int src, float[] x, int dst, int lo, int hi) {
        int ow = lo;
        for (int whole = lo + F.loopBound(hi - lo); ow < whole; ow += F.length()) {
            FloatVector.fromArray(F, x, dst + ow).add(FloatVector.fromArray(F, cols, src + ow)).intoArray(x, dst + ow);
        }
        for (; ow < hi; ow++) x[dst + ow] += cols[src + ow];
    }

    /**
     * The study CNNs' pooling, 2×2 windows at stride 2 without padding, with the four candidates of
     * each window named: no window bounds to compute and no inner loops, which is most of the cost
     * of the general loop on windows this small. Same result as the general loop: the first
     * maximum in window order (a, b, c, d), and the first NaN if there is one.
     */
    private static void maxPool2x2Planes(float[] x, int xOff, Window2d w, float[] y, int yOff, float[] argmax, int aOff,
                                         int from, int to) {
        int H = w.height(), W = w.width(), outH = w.outH(), outW = w.outW();
        for (int p = from; p < to; p++) {
            int in = xOff + p * H * W;
            for (int oh = 0; oh < outH; oh++) {
                int top = in + 2 * oh * W, out = (p * outH + oh) * outW, rowStart = 2 * oh * W;
                for (int ow = 0; ow < outW; ow++) {
                    int i = top + 2 * ow;
                    float a = x[i], b = x[i + 1], c = x[i + W], d = x[i + W + 1];
                    // On data the comparisons go either way at random, so they select indices
                    // (integer conditional moves) rather than branch; the values are then read
                    // back at those indices. Strict > keeps the first of equal values.
                    int ab = b > a ? 1 : 0, cd = d > c ? W + 1 : W;
                    int at = x[i + cd] > x[i + ab] ? cd : ab;
                    if (a != a | b != b | c != c | d != d) {                 // NaN wins: the first one
                        at = a != a ? 0 : b != b ? 1 : c != c ? W : W + 1;
                    }
                    y[yOff + out + ow] = x[i + at];
                    argmax[aOff + out + ow] = rowStart + 2 * ow + at;
                }
            }
        }
    }

    /** y = window maxima of x, argmax = their in-plane index ih·W + iw (as float). */
    public static void maxPool2d(float[] x, int xOff, Window2d w, float[] y, int yOff, float[] argmax, int aOff) {
        int planes = w.batch() * w.channels();
        Workers.forRange(planes, (long) w.pooledSize() * w.kernelH() * w.kernelW(),
                (from, to) -> maxPoolPlanes(x, xOff, w, y, yOff, argmax, aOff, from, to));
    }

    private static void maxPoolPlanes(float[] x, int xOff, Window2d w, float[] y, int yOff, float[] argmax, int aOff,
                                      int from, int to) {
        if (w.kernelH() == 2 && w.kernelW() == 2 && w.strideH() == 2 && w.strideW() == 2 && w.padH() == 0 && w.padW() == 0) {
            maxPool2x2Planes(x, xOff, w, y, yOff, argmax, aOff, from, to);
            return;
        }
        int H = w.height(), W = w.width(), kh = w.kernelH(), kw = w.kernelW();
        int sh = w.strideH(), sw = w.strideW(), ph = w.padH(), pw = w.padW(), outH = w.outH(), outW = w.outW();
        for (int p = from; p < to; p++) {
            int in = xOff + p * H * W;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = Math.max(0, oh * sh - ph), h1 = Math.min(H, oh * sh - ph + kh);
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = Math.max(0, ow * sw - pw), w1 = Math.min(W, ow * sw - pw + kw);
                    // The common case without NaN, written so that the JIT can use conditional
                    // moves: a branch on "v > best" is mispredicted about half the time on data.
                    // A strict > keeps the first maximum, as PyTorch does.
                    float best = Float.NEGATIVE_INFINITY;
                    int at = h0 * W + w0;
                    boolean sawNaN = false;
                    for (int ih = h0; ih < h1; ih++) {
                        int row = in + ih * W;
                        for (int iw = w0; iw < w1; iw++) {
                            float v = x[row + iw];
                            boolean larger = v > best;
                            best = larger ? v : best;
                            at = larger ? ih * W + iw : at;
                            sawNaN |= v != v;
                        }
                    }
                    if (sawNaN) {                                     // NaN wins: the first one in window order
                        search:
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                if (Float.isNaN(x[in + ih * W + iw])) {
                                    best = Float.NaN;
                                    at = ih * W + iw;
                                    break search;
                                }
                            }
                        }
                    }
                    int o = (p * outH + oh) * outW + ow;
                    y[yOff + o] = best;
                    argmax[aOff + o] = at;
                }
            }
        }
    }

    /** y[p, j] = x[p, index[p, j]]. */
    public static void gather(float[] x, int xOff, float[] index, int iOff, int planes, int planeIn, int planeOut,
                              float[] y, int yOff) {
        Workers.forRange(planes, (long) planes * planeOut, (from, to) -> {
            for (int p = from; p < to; p++) {
                int in = xOff + p * planeIn, out = p * planeOut;
                for (int j = 0; j < planeOut; j++) y[yOff + out + j] = x[in + (int) index[iOff + out + j]];
            }
        });
    }

    /** x = 0, then x[p, index[p, j]] += y[p, j]. */
    public static void scatterAdd(float[] y, int yOff, float[] index, int iOff, int planes, int planeIn, int planeOut,
                                  float[] x, int xOff) {
        Workers.forRange(planes, (long) planes * (planeIn + planeOut), (from, to) -> {
            java.util.Arrays.fill(x, xOff + from * planeIn, xOff + to * planeIn, 0f);
            for (int p = from; p < to; p++) {
                int in = xOff + p * planeIn, out = p * planeOut;
                for (int j = 0; j < planeOut; j++) x[in + (int) index[iOff + out + j]] += y[yOff + out + j];
            }
        });
    }

    /** Smallest ow ≥ 0 with ow·s ≥ a: the first window column inside the image. */
    private static int firstInside(int a, int s) {
        return a <= 0 ? 0 : (a + s - 1) / s;
    }

    /** Largest ow with ow·s ≤ a (−1 when none): the last window column inside the image. */
    private static int lastInside(int a, int s) {
        return a < 0 ? -1 : a / s;
    }
}
