package basin.kernels.cpu.elementwise;

/** out[o, c, r, i] = x[o, r, c, i]: the swap of the two middle axes of [outer, rows, cols, inner]. */
public final class Transposition {
    private Transposition() {
    }

    public static void transpose(float[] x, int xOff, int outer, int rows, int cols, int inner, float[] out, int outOff) {
        int block = rows * cols * inner;
        if (inner == 1) {
            // Tiles of 32×32 keep both the rows read and the rows written in L1.
            for (int o = 0; o < outer; o++) {
                int xb = xOff + o * block, ob = outOff + o * block;
                for (int r0 = 0; r0 < rows; r0 += 32) {
                    for (int c0 = 0; c0 < cols; c0 += 32) {
                        int r1 = Math.min(rows, r0 + 32), c1 = Math.min(cols, c0 + 32);
                        for (int r = r0; r < r1; r++) {
                            for (int c = c0; c < c1; c++) out[ob + c * rows + r] = x[xb + r * cols + c];
                        }
                    }
                }
            }
            return;
        }
        // Whole runs of `inner` contiguous floats move together.
        for (int o = 0; o < outer; o++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    System.arraycopy(x, xOff + o * block + (r * cols + c) * inner, out, outOff + o * block + (c * rows + r) * inner, inner);
                }
            }
        }
    }
}
