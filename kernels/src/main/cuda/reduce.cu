// Broadcast and reduction kernels of Backend over the [outer, mid, inner] view: a bias of length
// mid is added across a dense batch as [batch, features, 1] and across an NCHW image as
// [N, C, H*W]. Element (o, m, i) lives at (o*mid + m)*inner + i.
#include "common.cuh"

// out[o, m, i] = x[o, m, i] + b[m]
extern "C" __global__ void broadcast_add_f32(const float* x, const float* b, float* out,
                                             long long outer, long long mid, long long inner) {
    GRID_STRIDE(idx, outer * mid * inner) out[idx] = x[idx] + b[(idx / inner) % mid];
}

// out[o, m, i] = x[o, m, i] * b[m]
extern "C" __global__ void broadcast_mul_f32(const float* x, const float* b, float* out,
                                             long long outer, long long mid, long long inner) {
    GRID_STRIDE(idx, outer * mid * inner) out[idx] = x[idx] * b[(idx / inner) % mid];
}

// out[o, m, i] = b[m]
extern "C" __global__ void expand_f32(const float* b, float* out,
                                      long long outer, long long mid, long long inner) {
    GRID_STRIDE(idx, outer * mid * inner) out[idx] = b[(idx / inner) % mid];
}

// out[m] = sum over (o, i) of x[o, m, i], in float64. One block per m (gridDim.x = mid); the
// block's threads walk the outer*inner elements of that m. Shared memory: blockDim.x doubles.
extern "C" __global__ void sum_to_mid_f32(const float* x, float* out,
                                          long long outer, long long mid, long long inner) {
    extern __shared__ double scratch[];
    long long m = blockIdx.x;
    long long count = outer * inner;
    double acc = 0.0;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
        long long o = j / inner, i = j % inner;
        acc += (double)x[(o * mid + m) * inner + i];
    }
    double total = block_sum(acc, scratch);
    if (threadIdx.x == 0) out[m] = (float)total;
}

// The same sums when there are few m and each has many elements (BatchNorm's per-channel sums over
// [N, C, H*W]): one block per m would leave most of the GPU idle, so `parts` blocks share each m.
// Block b adds part p = b % parts of m = b / parts into partial[b]: elements j = p*blockDim.x + t,
// stepping by parts*blockDim.x, so that a warp still reads consecutive i. finish_sum_to_mid_f32 then
// adds each m's parts in order, so the result does not depend on scheduling. Shared memory:
// blockDim.x doubles.
extern "C" __global__ void sum_to_mid_partial_f64(const float* x, double* partial,
                                                  long long outer, long long mid, long long inner, int parts) {
    extern __shared__ double scratch[];
    long long m = blockIdx.x / parts;
    long long count = outer * inner, stride = (long long)parts * blockDim.x;
    double acc = 0.0;
    for (long long j = (long long)(blockIdx.x % parts) * blockDim.x + threadIdx.x; j < count; j += stride) {
        long long o = j / inner, i = j % inner;
        acc += (double)x[(o * mid + m) * inner + i];
    }
    double total = block_sum(acc, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// Second pass: out[m] = partial[m*parts] + ... + partial[m*parts + parts - 1], rounded once to float.
extern "C" __global__ void finish_sum_to_mid_f32(const double* partial, float* out, long long mid, int parts) {
    GRID_STRIDE(m, mid) {
        double s = 0.0;
        for (int p = 0; p < parts; p++) s += partial[m * parts + p];
        out[m] = (float)s;
    }
}

// First pass of a float64 dot product: partial[block] = sum of a[i]*b[i] over the elements this
// block's threads visit. finish_sum_f64 adds the partials in a fixed order, so the result does
// not depend on scheduling. Shared memory: blockDim.x doubles.
extern "C" __global__ void dot_partial_f64(const float* a, const float* b, double* partial,
                                           long long n) {
    extern __shared__ double scratch[];
    double acc = 0.0;
    GRID_STRIDE(i, n) acc += (double)a[i] * (double)b[i];
    double total = block_sum(acc, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// As dot_partial_f64 with b = a: the squared Euclidean norm, reading x once.
extern "C" __global__ void sum_squares_partial_f64(const float* x, double* partial, long long n) {
    extern __shared__ double scratch[];
    double acc = 0.0;
    GRID_STRIDE(i, n) {
        double v = (double)x[i];
        acc += v * v;
    }
    double total = block_sum(acc, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// Second pass: out[0] = sum of partial[0..count). Launch with one block.
extern "C" __global__ void finish_sum_f64(const double* partial, double* out, int count) {
    extern __shared__ double scratch[];
    double acc = 0.0;
    for (int j = threadIdx.x; j < count; j += blockDim.x) acc += partial[j];
    double total = block_sum(acc, scratch);
    if (threadIdx.x == 0) out[0] = total;
}

// Row-wise log-softmax of a [rows, cols] matrix: out = x - max - log sum exp(x - max), with the
// sum in float64 as on the CPU. One block per row (gridDim.x = rows). Shared memory: blockDim.x
// doubles (also used, as floats, for the maximum).
extern "C" __global__ void log_softmax_rows_f32(const float* x, float* out, long long cols) {
    extern __shared__ double scratch[];
    const float* row = x + blockIdx.x * cols;
    float* dst = out + blockIdx.x * cols;
    float m = -INFINITY;
    for (long long c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, row[c]);
    float max = block_max(m, (float*)scratch);
    double acc = 0.0;
    for (long long c = threadIdx.x; c < cols; c += blockDim.x) acc += exp((double)(row[c] - max));
    double sum = block_sum(acc, scratch);
    float logZ = (float)((double)max + log(sum));
    for (long long c = threadIdx.x; c < cols; c += blockDim.x) dst[c] = row[c] - logZ;
}

// hits[r] = 1 when row r of targets [rows, cols] is non-zero at the column of row r's largest logit
// (scanning in column order, moving only to a strictly larger entry: ties go to the first, and a
// NaN never moves the pick), else 0: with one-hot targets, whether example r is classified
// correctly. One thread per row scans it as the CPU does, so both pick the same column. Σ hits is the number of correct predictions, and only that scalar need
// come back to the host.
extern "C" __global__ void argmax_hits_f32(const float* logits, const float* targets, float* hits,
                                           long long rows, long long cols) {
    GRID_STRIDE(r, rows) {
        const float* row = logits + r * cols;
        long long best = 0;
        for (long long c = 1; c < cols; c++) {
            if (row[c] > row[best]) best = c;
        }
        hits[r] = targets[r * cols + best] != 0.f ? 1.f : 0.f;
    }
}

// out[o, c, r, i] = x[o, r, c, i]: swaps the middle axes of x viewed as [outer, rows, cols, inner].
// With outer = inner = 1 it is the matrix transpose; a convolution uses it to turn one im2col GEMM's
// [C_out, N, OH*OW] into NCHW [N, C_out, OH*OW] and back. out must not alias x.
extern "C" __global__ void transpose_f32(const float* x, float* out,
                                         long long outer, long long rows, long long cols, long long inner) {
    GRID_STRIDE(idx, outer * rows * cols * inner) {
        long long i = idx % inner;
        long long c = (idx / inner) % cols;
        long long r = (idx / (inner * cols)) % rows;
        long long o = idx / (inner * cols * rows);
        out[((o * cols + c) * rows + r) * inner + i] = x[idx];
    }
}
