// Convolution and pooling layout kernels, NCHW.
//
// Shapes and index conventions (the CPU versions must follow the same ones):
//  - input x is [N, C, H, W], element (n, c, h, w) at ((n*C + c)*H + h)*W + w.
//  - A window has size KH x KW, zero padding padH/padW on each side, stride strideH/strideW,
//    no dilation; OH = (H + 2*padH - KH) / strideH + 1, OW likewise.
//  - im2col writes col as [C*KH*KW, N*OH*OW]: row r = (c*KH + kh)*KW + kw, column
//    j = (n*OH + oh)*OW + ow, value x[n, c, oh*strideH - padH + kh, ow*strideW - padW + kw] or 0 in
//    the padding. Then y[C_out, N*OH*OW] = weight[C_out, C*KH*KW] . col is one GEMM, and
//    swap_leading_axes_f32 turns y into NCHW.
//  - col2im is the adjoint of im2col (a sum over every column entry that read the pixel), so the
//    input gradient is col2im(weight^T . dy_col).
//  - Max-pool indices are plane-local: idx = h*W + w within the (n, c) plane, stored as a float
//    (exact below 2^24, which the launcher checks), as PyTorch's max_pool2d returns them.
// These are the conventions of Backend.im2col, col2im, maxPool2d, gather and scatterAdd (Window2d).
#include "common.cuh"

extern "C" __global__ void im2col_f32(const float* x, float* col,
                                      int N, int C, int H, int W, int KH, int KW,
                                      int padH, int padW, int strideH, int strideW, int OH, int OW) {
    const long long cols = (long long)N * OH * OW;
    GRID_STRIDE(idx, (long long)C * KH * KW * cols) {
        long long j = idx % cols, r = idx / cols;
        int ow = (int)(j % OW), oh = (int)((j / OW) % OH), n = (int)(j / ((long long)OW * OH));
        int kw = (int)(r % KW), kh = (int)((r / KW) % KH), c = (int)(r / ((long long)KW * KH));
        int h = oh * strideH - padH + kh, w = ow * strideW - padW + kw;
        col[idx] = (h >= 0 && h < H && w >= 0 && w < W) ? x[(((long long)n * C + c) * H + h) * W + w] : 0.f;
    }
}

// dx[n, c, h, w] = sum of col[(c, kh, kw), (n, oh, ow)] over the windows that cover (h, w).
// One thread per input element gathers its terms in (kh, kw) order, the order the CPU adds them:
// no atomics, deterministic.
extern "C" __global__ void col2im_f32(const float* col, float* dx,
                                      int N, int C, int H, int W, int KH, int KW,
                                      int padH, int padW, int strideH, int strideW, int OH, int OW) {
    const long long cols = (long long)N * OH * OW;
    GRID_STRIDE(idx, (long long)N * C * H * W) {
        int w = (int)(idx % W), h = (int)((idx / W) % H);
        int c = (int)((idx / ((long long)W * H)) % C), n = (int)(idx / ((long long)W * H * C));
        float acc = 0.f;
        for (int kh = 0; kh < KH; kh++) {
            int th = h + padH - kh;                 // = oh * strideH when this kh reads (h, w)
            if (th < 0 || th % strideH != 0) continue;
            int oh = th / strideH;
            if (oh >= OH) continue;
            for (int kw = 0; kw < KW; kw++) {
                int tw = w + padW - kw;
                if (tw < 0 || tw % strideW != 0) continue;
                int ow = tw / strideW;
                if (ow >= OW) continue;
                long long r = ((long long)c * KH + kh) * KW + kw;
                long long j = ((long long)n * OH + oh) * OW + ow;
                acc += col[r * cols + j];
            }
        }
        dx[idx] = acc;
    }
}

// y[p, oh, ow] = max of x[p, h, w] over the window's in-image part; idx[p, oh, ow] = h*W + w of the
// first maximum in row-major window order, or of the first NaN (NaN wins, as in PyTorch). p runs
// over the N*C planes. A window with no in-image element (possible only with padding larger than
// half the window, which PyTorch refuses) gives -inf at its clamped top-left corner, as on the CPU.
extern "C" __global__ void max_pool2d_f32(const float* x, float* y, float* idx,
                                          int planes, int H, int W, int KH, int KW,
                                          int padH, int padW, int strideH, int strideW, int OH, int OW) {
    GRID_STRIDE(o, (long long)planes * OH * OW) {
        int ow = (int)(o % OW), oh = (int)((o / OW) % OH);
        long long p = o / ((long long)OW * OH);
        const float* plane = x + p * H * W;
        int h0 = max(0, oh * strideH - padH), h1 = min(H, oh * strideH - padH + KH);
        int w0 = max(0, ow * strideW - padW), w1 = min(W, ow * strideW - padW + KW);
        float best = -INFINITY;
        int bestAt = h0 * W + w0;
        bool nan = false;
        for (int h = h0; h < h1 && !nan; h++) {
            for (int w = w0; w < w1; w++) {
                float v = plane[h * W + w];
                if (v > best || v != v) {
                    best = v;
                    bestAt = h * W + w;
                    if (v != v) { nan = true; break; }
                }
            }
        }
        y[o] = best;
        idx[o] = (float)bestAt;
    }
}

// y[p, j] = x[p, index[p, j]] with x viewed as [planes, planeIn] and y, index as [planes, planeOut].
// With max-pool's indices it pools any tensor shaped like the input at the primal's maxima (the
// tangent, JVP, of max-pool).
extern "C" __global__ void gather_planes_f32(const float* x, const float* index, float* y,
                                             int planes, int planeIn, int planeOut) {
    GRID_STRIDE(o, (long long)planes * planeOut) {
        long long p = o / planeOut;
        y[o] = x[p * planeIn + (int)index[o]];
    }
}

// The adjoint of gather_planes_f32: x[p] = 0, then x[p, index[p, j]] += y[p, j] for j = 0, 1, ...
// in order. One thread per plane does its plane's sums in that order: no atomics, and the same
// rounding as the CPU. (Max-pool's VJP; planes = N*C gives thousands of threads.)
extern "C" __global__ void scatter_add_planes_f32(const float* y, const float* index, float* x,
                                                  int planes, int planeIn, int planeOut) {
    GRID_STRIDE(p, (long long)planes) {
        float* dst = x + p * planeIn;
        const float* src = y + p * planeOut;
        const float* at = index + p * planeOut;
        for (int i = 0; i < planeIn; i++) dst[i] = 0.f;
        for (int j = 0; j < planeOut; j++) dst[(int)at[j]] += src[j];
    }
}
