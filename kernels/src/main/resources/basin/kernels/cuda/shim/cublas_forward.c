/*
 * A libcublas.so.12 that forwards every call to libcublas.so.13.
 *
 * JCublas2 12.6 imports its cuBLAS functions with the symbol version "libcublas.so.12"
 * (cublasSgemm_v2@libcublas.so.12). cuBLAS 13 still exports every one of them, under the version
 * "libcublas.so.13", so renaming the file is not enough: the loader rejects the version. This
 * library is linked with that SONAME and a version script defining the node libcublas.so.12
 * (cublas_forward.map), and exports each imported name as a trampoline (cublas_forward_tramp.S):
 * a single indirect jump through a slot filled below. A jump, not a call: registers and the stack
 * reach the real function untouched, so no prototype is needed and any signature forwards.
 *
 * Both generated files come from basin.kernels.cuda.CublasForwarding, which builds this library
 * with gcc the first time a CUDA-13-only machine needs it.
 *
 * The target is CUBLAS_FORWARD_TARGET (the absolute path found at build time), or the
 * environment's BASIN_CUBLAS13 when set. A name the target lacks, or every name when the target
 * did not load, is bound to a stub that prints one line and returns CUBLAS_STATUS_NOT_SUPPORTED
 * (15), or CUBLAS_STATUS_NOT_INITIALIZED (1) when the target did not load: a clear failure
 * instead of the loader killing the process at the first call.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cublas_forward_names.h" /* FORWARD_COUNT, forward_names[] */

#ifndef CUBLAS_FORWARD_TARGET
#define CUBLAS_FORWARD_TARGET "libcublas.so.13"
#endif

#define HIDDEN __attribute__((visibility("hidden")))

HIDDEN void *forward_slots[FORWARD_COUNT];            /* read by the trampolines */
extern HIDDEN void *const forward_missing[FORWARD_COUNT]; /* per-name stubs, in the .S file */

static void *target;
static char load_error[512];
static unsigned char reported[FORWARD_COUNT];

static void report(int index) {
    if (index < 0 || index >= FORWARD_COUNT) return;
    if (__atomic_exchange_n(&reported[index], 1, __ATOMIC_RELAXED)) return;
    if (target)
        fprintf(stderr, "basin cublas forwarding: %s is missing from libcublas.so.13; "
                        "returning CUBLAS_STATUS_NOT_SUPPORTED\n", forward_names[index]);
    else
        fprintf(stderr, "basin cublas forwarding: %s called, but libcublas.so.13 did not load (%s); "
                        "returning CUBLAS_STATUS_NOT_INITIALIZED\n", forward_names[index], load_error);
}

/* A missing name's stub jumps here with its index in the first argument register. */
HIDDEN intptr_t forward_missing_status(int index) {
    report(index);
    return target ? 15 : 1;
}

/* The same for the two functions that return a string (cublasGetStatusName, ...String). */
HIDDEN const char *forward_missing_string(int index) {
    report(index);
    return "cublas function not available through the forwarding library";
}

/* Runs when the library is loaded, before any trampoline can be reached. */
__attribute__((constructor)) static void bind_all(void) {
    const char *path = getenv("BASIN_CUBLAS13");
    if (path == NULL || *path == '\0') path = CUBLAS_FORWARD_TARGET;
    target = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (target == NULL) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "%s", e ? e : "dlopen failed");
        fprintf(stderr, "basin cublas forwarding: could not load %s: %s\n", path, load_error);
    }
    for (int i = 0; i < FORWARD_COUNT; i++) {
        void *f = target ? dlsym(target, forward_names[i]) : NULL;
        forward_slots[i] = f ? f : forward_missing[i];
    }
}
