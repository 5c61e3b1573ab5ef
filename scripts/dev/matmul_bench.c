// Single-thread speed of CKernels' ck_matmul (prompt processing: weight matrix x 512
// activation rows) on Gemma 2 2B's shapes, per weight type, in GFLOP/s of thread CPU time
// (CLOCK_THREAD_CPUTIME_ID), so that other processes on the machine do not skew it.
// Build and run with matmul-bench.sh [type names].
#include "ckernels.h"
#include "ck_rows.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// Random weight bytes with every even-aligned 16-bit word a small fp16 value (no NaN or
/// infinity among the scales; the quants are random anyway).
static void fill(uint8_t *p, size_t bytes) {
    uint64_t s = 88172645463325252ull;
    for (size_t i = 0; i < bytes; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; p[i] = (uint8_t)s; }
    for (size_t i = 1; i < bytes; i += 2) p[i] &= 0x3b;
}

int main(int argc, char **argv) {
    const int64_t m = 512;
    const struct { const char *name; int64_t rows, n; } shapes[] = {
        {"attn 2304x2304", 2304, 2304}, {"gate/up 9216x2304", 9216, 2304}, {"down 2304x9216", 2304, 9216},
    };
    const uint32_t types[] = {2, 6, 8, 12, 14};
    const char *names[] = {"Q4_0", "Q5_0", "Q8_0", "Q4_K", "Q6_K"};
    printf("ck_matmul, %lld activation rows, one thread, kernels: %s; GFLOP/s of thread CPU time\n", (long long)m, ck_cpu_features());
    for (int t = 0; t < 5; t++) {
        int wanted = argc < 2;
        for (int k = 1; k < argc; k++) wanted |= strcmp(argv[k], names[t]) == 0;
        if (!wanted) continue;
        for (int s = 0; s < 3; s++) {
            const int64_t rows = shapes[s].rows, n = shapes[s].n;
            const uint32_t type = types[t], atype = ck_activation_type(type);
            const size_t rb = row_size(type, n), ab = row_size(atype, n);
            uint8_t *w = malloc(rb * (size_t)rows), *a = malloc(ab * (size_t)m);
            float *x = malloc(sizeof(float) * (size_t)n), *out = malloc(sizeof(float) * (size_t)(rows * m));
            fill(w, rb * (size_t)rows);
            for (int64_t j = 0; j < m; j++) {
                for (int64_t i = 0; i < n; i++) x[i] = sinf((float)(i * 7 + j * 13) * 0.37f);
                if (atype == 8) ck_quantize_row_q8_0(x, a + (size_t)j * ab, n);
                else ck_quantize_row_q8_K(x, a + (size_t)j * ab, n);
            }
            ck_matmul(type, n, w, rb, 0, rows / 8, a, ab, m, out, rows);   // warm-up
            double best = 1e9;
            for (int round = 0; round < 2; round++) {
                const double start = cpu_seconds();
                ck_matmul(type, n, w, rb, 0, rows, a, ab, m, out, rows);
                const double seconds = cpu_seconds() - start;
                if (seconds < best) best = seconds;
            }
            printf("%-5s %-20s %8.1f GFLOP/s  %7.3f s\n", names[t], shapes[s].name, 2.0 * (double)rows * (double)n * (double)m / best / 1e9, best);
            fflush(stdout);
            free(w); free(a); free(x); free(out);
        }
    }
    return 0;
}
