/*
 * A stand-in for libcublas.so.13, for testing the forwarding library without CUDA: a few cuBLAS
 * functions under the version node libcublas.so.13 (fake_cublas13.map), each checking that its
 * arguments arrived intact. cublasSgemm_v2 has 14 arguments, 8 of them on the stack on x86-64, so
 * it also shows that the trampolines leave the stack untouched.
 */
#include <stdint.h>

#define OK 0
#define INVALID_VALUE 7
static int handle_storage;

int cublasCreate_v2(void **handle) { *handle = &handle_storage; return OK; }
int cublasDestroy_v2(void *handle) { return handle == &handle_storage ? OK : INVALID_VALUE; }
int cublasGetVersion_v2(void *handle, int *version) {
    if (handle != &handle_storage) return INVALID_VALUE;
    *version = 130099;  /* a version no real cuBLAS has: proves this library answered */
    return OK;
}
int cublasSgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                   const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc) {
    int ok = handle == &handle_storage && transa == 1 && transb == 0 && m == 3 && n == 5 && k == 7
          && *alpha == 1.5f && (uintptr_t)A == 0x1000 && lda == 11 && (uintptr_t)B == 0x2000 && ldb == 13
          && *beta == -2.0f && (uintptr_t)C == 0x3000 && ldc == 17;
    return ok ? OK : INVALID_VALUE;
}
