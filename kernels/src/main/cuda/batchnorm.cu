// BatchNorm in training mode over the [outer, C, inner] view of Backend: [N, C, 1] after a dense
// layer, [N, C, H*W] after a convolution. Statistics are per channel c over the M = outer*inner
// elements (o, c, i); variance is the biased one (divided by M), which is what normalises the
// batch in PyTorch's training mode. All sums are float64.
#include "common.cuh"

// mean[c] and var[c] in two passes over the channel (the second sums (x - mean)^2, which avoids
// the cancellation of E[x^2] - E[x]^2). One block per channel; shared memory: blockDim.x doubles.
extern "C" __global__ void batch_norm_stats_f32(const float* x, float* mean, float* var,
                                                long long outer, long long C, long long inner) {
    extern __shared__ double scratch[];
    long long c = blockIdx.x, M = outer * inner;
    double acc = 0.0;
    for (long long j = threadIdx.x; j < M; j += blockDim.x)
        acc += (double)x[((j / inner) * C + c) * inner + j % inner];
    double mu = block_sum(acc, scratch) / (double)M;
    acc = 0.0;
    for (long long j = threadIdx.x; j < M; j += blockDim.x) {
        double d = (double)x[((j / inner) * C + c) * inner + j % inner] - mu;
        acc += d * d;
    }
    double v = block_sum(acc, scratch) / (double)M;
    if (threadIdx.x == 0) { mean[c] = (float)mu; var[c] = (float)v; }
}

// y = gamma[c] * (x - mean[c]) / sqrt(var[c] + eps) + beta[c]
extern "C" __global__ void batch_norm_normalize_f32(const float* x, const float* mean, const float* var,
                                                    const float* gamma, const float* beta, float eps,
                                                    float* y, long long outer, long long C, long long inner) {
    GRID_STRIDE(idx, outer * C * inner) {
        long long c = (idx / inner) % C;
        float invStd = (float)(1.0 / sqrt((double)var[c] + (double)eps));
        y[idx] = gamma[c] * ((x[idx] - mean[c]) * invStd) + beta[c];
    }
}

// The two per-channel sums of the backward pass: sumDy[c] = sum dy, sumDyXhat[c] = sum dy * xhat
// with xhat = (x - mean[c]) / sqrt(var[c] + eps). They are also dbeta and dgamma. One block per
// channel; shared memory: blockDim.x doubles.
extern "C" __global__ void batch_norm_backward_sums_f32(const float* x, const float* dy,
                                                        const float* mean, const float* var, float eps,
                                                        float* sumDy, float* sumDyXhat,
                                                        long long outer, long long C, long long inner) {
    extern __shared__ double scratch[];
    long long c = blockIdx.x, M = outer * inner;
    double mu = (double)mean[c], invStd = 1.0 / sqrt((double)var[c] + (double)eps);
    double s1 = 0.0, s2 = 0.0;
    for (long long j = threadIdx.x; j < M; j += blockDim.x) {
        long long at = ((j / inner) * C + c) * inner + j % inner;
        double g = (double)dy[at];
        s1 += g;
        s2 += g * ((double)x[at] - mu) * invStd;
    }
    double t1 = block_sum(s1, scratch);
    double t2 = block_sum(s2, scratch);
    if (threadIdx.x == 0) { sumDy[c] = (float)t1; sumDyXhat[c] = (float)t2; }
}

// dx = gamma[c] * invStd / M * (M * dy - sumDy[c] - xhat * sumDyXhat[c]): the input gradient of
// training-mode BatchNorm, in which mean and var depend on x.
extern "C" __global__ void batch_norm_backward_input_f32(const float* x, const float* dy,
                                                         const float* mean, const float* var,
                                                         const float* gamma, float eps,
                                                         const float* sumDy, const float* sumDyXhat,
                                                         float* dx, long long outer, long long C,
                                                         long long inner) {
    double M = (double)(outer * inner);
    GRID_STRIDE(idx, outer * C * inner) {
        long long c = (idx / inner) % C;
        double invStd = 1.0 / sqrt((double)var[c] + (double)eps);
        double xhat = ((double)x[idx] - (double)mean[c]) * invStd;
        dx[idx] = (float)((double)gamma[c] * invStd / M
                          * (M * (double)dy[idx] - (double)sumDy[c] - xhat * (double)sumDyXhat[c]));
    }
}
