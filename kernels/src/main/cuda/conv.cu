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
// One thread per input element gathers its terms in a fixed order: no atomics, deterministic.
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

// y[p, oh, ow] = max of x[p, h, w] over the window (padding never wins); idx[p, oh, ow] = h*W + w
// of the first maximum in row-major window order. p runs over the N*C planes.
extern "C" __global__ void max_pool2d_f32(const float* x, float* y, float* idx,
                                          int planes, int H, int W, int KH, int KW,
                                          int padH, int padW, int strideH, int strideW, int OH, int OW) {
    GRID_STRIDE(o, (long long)planes * OH * OW) {
        int ow = (int)(o % OW), oh = (int)((o / OW) % OH);
        long long p = o / ((long long)OW * OH);
        const float* plane = x + p * H * W;
        float best = -INFINITY;
        int bestAt = -1;
        for (int kh = 0; kh < KH; kh++) {
            int h = oh * strideH - padH + kh;
            if (h < 0 || h >= H) continue;
            for (int kw = 0; kw < KW; kw++) {
                int w = ow * strideW - padW + kw;
                if (w < 0 || w >= W) continue;
                float v = plane[h * W + w];
                // NaN wins (and stays), as in PyTorch: a NaN input must not be hidden by pooling.
                if (bestAt < 0 || v > best || (v != v && best == best)) { best = v; bestAt = h * W + w; }
            }
        }
        y[o] = best;
        idx[o] = (float)bestAt;
    }
}

// out[p, j] = x[p, idx[p, j]]: the pooled value of another tensor at the saved positions. This is
// the tangent (JVP) of max-pool: the maximum's position does not move under a small change.
extern "C" __global__ void max_pool2d_gather_f32(const float* x, const float* idx, float* out,
                                                 int planes, int HW, int OHW) {
    GRID_STRIDE(o, (long long)planes * OHW) {
        long long p = o / OHW;
        out[o] = x[p * HW + (int)idx[o]];
    }
}

// dx[p, h, w] = sum of dy[p, j] over the outputs j whose saved index is h*W + w: the adjoint of
// the gather, i.e. the VJP of max-pool. One thread per input element scans the windows that can
// contain it, so overlapping windows need no atomics and the sum order is fixed.
extern "C" __global__ void max_pool2d_scatter_f32(const float* dy, const float* idx, float* dx,
                                                  int planes, int H, int W, int KH, int KW,
                                                  int padH, int padW, int strideH, int strideW,
                                                  int OH, int OW) {
    GRID_STRIDE(i, (long long)planes * H * W) {
        int w = (int)(i % W), h = (int)((i / W) % H);
        long long p = i / ((long long)W * H);
        float self = (float)(h * W + w);
        // Output rows whose window covers h: oh*strideH - padH <= h <= oh*strideH - padH + KH - 1.
        int ohLo = max(0, (h + padH - KH + strideH) / strideH);
        int ohHi = min(OH - 1, (h + padH) / strideH);
        int owLo = max(0, (w + padW - KW + strideW) / strideW);
        int owHi = min(OW - 1, (w + padW) / strideW);
        float acc = 0.f;
        for (int oh = ohLo; oh <= ohHi; oh++)
            for (int ow = owLo; ow <= owHi; ow++) {
                long long o = (p * OH + oh) * OW + ow;
                if (idx[o] == self) acc += dy[o];
            }
        dx[i] = acc;
    }
}
