// Single-thread speed of CKernels' matvec on a 2304 x 9216 weight matrix (9216 rows of 2304
// values, Gemma 2 2B's ffn_gate / ffn_up shape) read from memory, for every weight type,
// dispatched and portable: GB/s of weight bytes. Several copies of the matrix are cycled so
// that they come from DRAM, not from the 32 MB cache. Build and run with kernel-bench.sh [type names].
#include "ckernels.h"
#include "ck_rows.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// Random weight bytes; every 16-bit word that could be an fp16 scale is made a small one
/// (harmless for the quants, which are random anyway) so no NaN or infinity slows anything.
static void fill(uint8_t *p, size_t bytes, uint32_t type) {
    uint64_t s = 88172645463325252ull;
    for (size_t i = 0; i < bytes; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; p[i] = (uint8_t)s; }
    if (type == 0) for (size_t i = 0; i + 4 <= bytes; i += 4) { float f = (float)(p[i] - 128) / 128.0f; memcpy(p + i, &f, 4); }
    else for (size_t i = 1; i < bytes; i += 2) p[i] &= 0x3b;   // fp16 / bf16 words below 1.0
}

/// Plain read bandwidth for comparison: summing 160 MB of 64-bit words.
static double read_bandwidth(void) {
    const size_t words = 20 * 1000 * 1000;
    uint64_t *p = malloc(words * 8);
    for (size_t i = 0; i < words; i++) p[i] = i;
    double best = 1e9;
    volatile uint64_t sink = 0;
    for (int round = 0; round < 5; round++) {
        const double start = now();
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t i = 0; i < words; i += 4) { s0 += p[i]; s1 += p[i + 1]; s2 += p[i + 2]; s3 += p[i + 3]; }
        sink += s0 + s1 + s2 + s3;
        const double seconds = now() - start;
        if (seconds < best) best = seconds;
    }
    free(p);
    return (double)words * 8 / best / 1e9;
}

int main(int argc, char **argv) {
    const int64_t n = 2304, rows = 9216;
    const uint32_t types[] = {2, 6, 8, 12, 13, 14, 1, 30, 0};
    const char *names[] = {"Q4_0", "Q5_0", "Q8_0", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16", "F32"};
    float *x = malloc(sizeof(float) * n), *out = malloc(sizeof(float) * rows);
    for (int64_t i = 0; i < n; i++) x[i] = sinf((float)i * 0.37f);
    uint8_t *activation = malloc(row_size(0, n));
    printf("matvec %lld x %lld, one thread, kernels: %s\n", (long long)rows, (long long)n, ck_cpu_features());
    printf("plain read bandwidth (one thread): %.2f GB/s\n", read_bandwidth());
    printf("%-5s %10s %12s %12s %12s %14s\n", "type", "MB", "dispatched", "portable", "ms/matvec", "in L2 cache");
    for (int t = 0; t < 9; t++) {
        int wanted = argc < 2;   // optional arguments: the type names to measure
        for (int k = 1; k < argc; k++) wanted |= strcmp(argv[k], names[t]) == 0;
        if (!wanted) continue;
        const uint32_t type = types[t], atype = ck_activation_type(type);
        const size_t rb = row_size(type, n), matrix = rb * (size_t)rows;
        const int copies = (int)(160.0e6 / (double)matrix) + 1;
        uint8_t *w = malloc(matrix * (size_t)copies);
        fill(w, matrix * (size_t)copies, type);
        double gbs[2] = {0, 0}, ms = 0;
        for (int portable = 0; portable < 2; portable++) {
            ck_force_portable(portable);
            switch (atype) {
            case 8: ck_quantize_row_q8_0(x, activation, n); break;
            case 15: ck_quantize_row_q8_K(x, activation, n); break;
            case 1: ck_convert_row_f16(x, (uint16_t *)(void *)activation, n); break;
            case 30: ck_convert_row_bf16(x, (uint16_t *)(void *)activation, n); break;
            default: memcpy(activation, x, sizeof(float) * n);
            }
            const int repeats = portable ? copies : 3 * copies;
            ck_matvec(type, n, w, rb, 0, rows, activation, out);   // warm-up
            double best = 1e9;
            for (int round = 0; round < 3; round++) {
                const double start = now();
                for (int k = 0; k < repeats; k++) ck_matvec(type, n, w + (size_t)(k % copies) * matrix, rb, 0, rows, activation, out);
                const double seconds = (now() - start) / repeats;
                if (seconds < best) best = seconds;
            }
            gbs[portable] = (double)matrix / best / 1e9;
            if (!portable) ms = best * 1e3;
        }
        ck_force_portable(0);
        // the same kernels on 128 rows that stay in the level-2 cache: compute speed alone
        const int64_t cached_rows = 128;
        double cached = 1e9;
        for (int round = 0; round < 5; round++) {
            const double start = now();
            for (int k = 0; k < 200; k++) ck_matvec(type, n, w, rb, 0, cached_rows, activation, out);
            const double seconds = (now() - start) / 200;
            if (seconds < cached) cached = seconds;
        }
        printf("%-5s %10.1f %9.2f GB/s %7.2f GB/s %10.3f %9.2f GB/s\n", names[t], matrix / 1e6, gbs[0], gbs[1], ms,
               (double)rb * cached_rows / cached / 1e9);
        free(w);
    }
    return 0;
}
