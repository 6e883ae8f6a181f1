// Element-wise kernels of Backend: the length comes from the output, every operand has it, and
// out may alias an input (each thread reads its element before writing it).
#include "common.cuh"

extern "C" __global__ void add_f32(const float* a, const float* b, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = a[i] + b[i];
}

extern "C" __global__ void sub_f32(const float* a, const float* b, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = a[i] - b[i];
}

extern "C" __global__ void mul_f32(const float* a, const float* b, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = a[i] * b[i];
}

// out = alpha * x
extern "C" __global__ void scale_f32(const float* x, float alpha, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = alpha * x[i];
}

// y = alpha * x + y. Written as a multiply then an add (no fused multiply-add) so that it rounds
// exactly as the CPU loop does.
extern "C" __global__ void axpy_f32(float alpha, const float* x, float* y, long long n) {
    GRID_STRIDE(i, n) y[i] = __fadd_rn(__fmul_rn(alpha, x[i]), y[i]);
}

// out = max(x, 0); NaN stays NaN as in Math.max.
extern "C" __global__ void relu_f32(const float* x, float* out, long long n) {
    GRID_STRIDE(i, n) {
        float v = x[i];
        out[i] = (v > 0.f || v != v) ? v : 0.f;
    }
}

// out = 1 where x > 0, else 0: the derivative of ReLU, used by its VJP and JVP.
extern "C" __global__ void positive_mask_f32(const float* x, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = x[i] > 0.f ? 1.f : 0.f;
}

// out = 1/sqrt(x), in double and rounded once, as the CPU computes (float) (1.0 / Math.sqrt(x)):
// double sqrt and division are correctly rounded on the GPU too, so the results agree bit for bit.
extern "C" __global__ void rsqrt_f32(const float* x, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = (float)(1.0 / sqrt((double)x[i]));
}

// out = exp(x), in double and rounded once, as the CPU computes (float) Math.exp(x).
extern "C" __global__ void exp_f32(const float* x, float* out, long long n) {
    GRID_STRIDE(i, n) out[i] = (float)exp((double)x[i]);
}
