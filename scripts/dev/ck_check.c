// Stand-alone check of the CKernels C target (used by arm64-kernel-check.sh under qemu, by
// x86-kernel-check.sh with AVX-512 and VNNI emulated, and natively): the kernels of every
// path this CPU can run against the portable ones, every SIMD path bit-identical to the
// first, and every dot product against a double-precision dot of independently dequantized
// rows. Usage: ck_check [expected ck_cpu_features() string]. Exit status 0 when all pass.
#include "ckernels.h"
#include "ck_rows.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
/// The path under test and the first SIMD path (the one every other SIMD path must equal).
static int fast_path = 0, first_simd_path = 1;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; if (failures < 30) { printf("FAIL: "); printf(__VA_ARGS__); printf("\n"); } } } while (0)

// MARK: random data

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t next_u32(void) {
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}
static float uniform(float lo, float hi) { return lo + (hi - lo) * (float)(next_u32() >> 8) / 16777216.0f; }
static void random_bytes(uint8_t *p, size_t count) { for (size_t i = 0; i < count; i++) p[i] = (uint8_t)next_u32(); }

/// fp16 bits -> value, written differently from the library (ldexp) to check it independently.
static double half_value(uint16_t h) {
    const int exponent = (h >> 10) & 31, mantissa = h & 1023;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0) return sign * ldexp(mantissa, -24);
    if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
    return sign * ldexp(1024 + mantissa, exponent - 25);
}
/// A finite fp16 value of magnitude about `scale` (nearest-ish half, by search).
static uint16_t half_near(double target) {
    uint16_t best = 0;
    for (uint32_t h = 0; h < 0x7c00; h++) if (fabs(half_value((uint16_t)h) - fabs(target)) < fabs(half_value(best) - fabs(target))) best = (uint16_t)h;
    return target < 0 ? (uint16_t)(best | 0x8000) : best;
}
static uint16_t random_half(double lo, double hi) {
    static uint16_t table[64];
    static int ready = 0;
    if (!ready) { for (int i = 0; i < 64; i++) table[i] = half_near(lo + (hi - lo) * i / 63.0); ready = 1; }
    return table[next_u32() % 64];
}

// MARK: independent dequantization to double (ggml-common.h layouts)

static double ld_half(const uint8_t *p) { uint16_t h; memcpy(&h, p, 2); return half_value(h); }

static void dequantize(uint32_t type, const uint8_t *x, int64_t n, double *out) {
    switch (type) {
    case 8:  for (int64_t b = 0; b < n / 32; b++, x += 34) for (int j = 0; j < 32; j++) out[32 * b + j] = ld_half(x) * (int8_t)x[2 + j]; break;
    case 2:
        for (int64_t b = 0; b < n / 32; b++, x += 18) {
            for (int j = 0; j < 16; j++) {
                out[32 * b + j] = ld_half(x) * ((x[2 + j] & 15) - 8);
                out[32 * b + j + 16] = ld_half(x) * ((x[2 + j] >> 4) - 8);
            }
        }
        break;
    case 6:
        for (int64_t b = 0; b < n / 32; b++, x += 22) {
            for (int j = 0; j < 32; j++) {
                uint32_t qh; memcpy(&qh, x + 2, 4);
                const int nibble = j < 16 ? (x[6 + j] & 15) : (x[6 + j - 16] >> 4);
                out[32 * b + j] = ld_half(x) * ((nibble | (int)((qh >> j) & 1) << 4) - 16);
            }
        }
        break;
    case 12: case 13: {
        const int five = type == 13, bytes = five ? 176 : 144;
        for (int64_t b = 0; b < n / 256; b++, x += bytes) {
            const uint8_t *s = x + 4, *qh = x + 16, *qs = x + (five ? 48 : 16);
            for (int e = 0; e < 256; e++) {
                const int sub = e / 32, l = e % 32, chunk = e / 64;
                int sc, mn;
                if (sub < 4) { sc = s[sub] & 63; mn = s[sub + 4] & 63; }
                else { sc = (s[sub + 4] & 15) | ((s[sub - 4] >> 6) << 4); mn = (s[sub + 4] >> 4) | ((s[sub] >> 6) << 4); }
                int q = (sub % 2 == 0) ? (qs[32 * chunk + l] & 15) : (qs[32 * chunk + l] >> 4);
                if (five) q += ((qh[l] >> sub) & 1) * 16;
                out[256 * b + e] = ld_half(x) * sc * q - ld_half(x + 2) * mn;
            }
        }
        break;
    }
    case 14:
        for (int64_t b = 0; b < n / 256; b++, x += 210) {
            for (int e = 0; e < 256; e++) {
                const int half = e / 128, part = (e % 128) / 32, l = e % 32;
                const uint8_t lo = x[64 * half + 32 * (part & 1) + l];
                const int low4 = part < 2 ? (lo & 15) : (lo >> 4);
                const int high2 = (x[128 + 32 * half + l] >> (2 * part)) & 3;
                out[256 * b + e] = ld_half(x + 208) * (int8_t)x[192 + e / 16] * ((low4 | high2 << 4) - 32);
            }
        }
        break;
    case 15: for (int64_t b = 0; b < n / 256; b++, x += 292) { float d; memcpy(&d, x, 4);
                 for (int j = 0; j < 256; j++) out[256 * b + j] = (double)d * (int8_t)x[4 + j]; } break;
    case 1:  for (int64_t i = 0; i < n; i++) out[i] = ld_half(x + 2 * i); break;
    case 30: for (int64_t i = 0; i < n; i++) { uint32_t u = (uint32_t)(x[2 * i] | x[2 * i + 1] << 8) << 16; float f; memcpy(&f, &u, 4); out[i] = f; } break;
    case 0:  for (int64_t i = 0; i < n; i++) { float f; memcpy(&f, x + 4 * i, 4); out[i] = f; } break;
    }
}

/// A random weight row: random quant bits, scales of realistic size.
static void random_weights(uint32_t type, int64_t n, uint8_t *w) {
    random_bytes(w, row_size(type, n));
    uint16_t h;
    switch (type) {
    case 2: case 6: case 8: {
        const size_t bytes = type == 2 ? 18 : type == 6 ? 22 : 34;
        for (int64_t b = 0; b < n / 32; b++) { h = random_half(-0.02, 0.02); memcpy(w + b * bytes, &h, 2); }
        break;
    }
    case 12: case 13: {
        const size_t bytes = type == 12 ? 144 : 176;
        for (int64_t b = 0; b < n / 256; b++) {
            h = random_half(0.0005, 0.003); memcpy(w + b * bytes, &h, 2);
            h = random_half(0.0, 0.002); memcpy(w + b * bytes + 2, &h, 2);
        }
        break;
    }
    case 14: for (int64_t b = 0; b < n / 256; b++) { h = random_half(-0.001, 0.001); memcpy(w + b * 210 + 208, &h, 2); } break;
    case 1: for (int64_t i = 0; i < n; i++) { h = random_half(-1.0, 1.0); memcpy(w + 2 * i, &h, 2); } break;
    case 30: for (int64_t i = 0; i < n; i++) { float f = uniform(-1, 1); uint32_t u; memcpy(&u, &f, 4); h = (uint16_t)(u >> 16); memcpy(w + 2 * i, &h, 2); } break;
    case 0: for (int64_t i = 0; i < n; i++) { float f = uniform(-1, 1); memcpy(w + 4 * i, &f, 4); } break;
    }
}

/// The activation row for a weight type, prepared by the (current) kernels.
static void prepare(uint32_t atype, const float *x, int64_t n, uint8_t *out) {
    switch (atype) {
    case 8: ck_quantize_row_q8_0(x, out, n); break;
    case 15: ck_quantize_row_q8_K(x, out, n); break;
    case 1: ck_convert_row_f16(x, (uint16_t *)(void *)out, n); break;
    case 30: ck_convert_row_bf16(x, (uint16_t *)(void *)out, n); break;
    default: memcpy(out, x, (size_t)n * 4); break;
    }
}

static float dot(uint32_t type, int64_t n, const void *w, const void *a) {
    float out = NAN;
    ck_matvec(type, n, w, row_size(type, n), 0, 1, a, &out);
    return out;
}

// MARK: checks

static void check_type(uint32_t type, int64_t n) {
    const uint32_t atype = ck_activation_type(type);
    const int64_t rows = 6, m = 5;   // matmul over rows 1-5: 2 x 4 tiles, an odd row and an odd column
    const size_t wbytes = row_size(type, n), abytes = row_size(atype, n);
    uint8_t *w = malloc(wbytes * rows), *a = malloc(abytes * m), *a_portable = malloc(abytes * m);
    float *x = malloc(sizeof(float) * n * m);
    double *wd = malloc(sizeof(double) * n), *ad = malloc(sizeof(double) * n);
    for (int64_t r = 0; r < rows; r++) random_weights(type, n, w + r * wbytes);
    for (int64_t i = 0; i < n * m; i++) x[i] = uniform(-1, 1) * (next_u32() % 17 == 0 ? 8.0f : 1.0f);
    for (int64_t j = 0; j < m; j++) {
        prepare(atype, x + j * n, n, a + j * abytes);
        ck_use_path(0);
        prepare(atype, x + j * n, n, a_portable + j * abytes);
        ck_use_path(fast_path);
    }
    CHECK(memcmp(a, a_portable, abytes * m) == 0, "type %u n %lld: prepared activations differ from portable", type, (long long)n);
    float matvec_out[6], matmul_out[5 * 7];
    CHECK(ck_matvec(type, n, w, wbytes, 0, rows, a, matvec_out) == 0, "matvec type %u", type);
    CHECK(ck_matmul(type, n, w, wbytes, 1, rows, a, abytes, m, matmul_out, 7) == 0, "matmul type %u", type);
    for (int64_t r = 0; r < rows; r++) {
        for (int64_t j = 0; j < m; j++) {
            const uint8_t *row = w + r * wbytes, *act = a + j * abytes;
            const float fast = dot(type, n, row, act);
            ck_use_path(0);
            const float portable = dot(type, n, row, act);
            ck_use_path(first_simd_path);
            const float first_simd = dot(type, n, row, act);
            ck_use_path(fast_path);
            CHECK(fast == first_simd, "type %u n %lld: path %d gives %.9g, path %d %.9g", type, (long long)n, fast_path, fast,
                  first_simd_path, first_simd);
            dequantize(type, row, n, wd);
            dequantize(atype, act, n, ad);
            double exact = 0, magnitude = 0;
            for (int64_t i = 0; i < n; i++) { exact += wd[i] * ad[i]; magnitude += fabs(wd[i] * ad[i]); }
            const double tolerance = 1e-5 * magnitude + 1e-30;
            CHECK(fabs(fast - portable) <= tolerance, "type %u n %lld: dispatched %.9g portable %.9g", type, (long long)n, fast, portable);
            CHECK(fabs(portable - exact) <= tolerance, "type %u n %lld: portable %.9g exact %.9g", type, (long long)n, portable, exact);
            if (j == 0) CHECK(matvec_out[r] == fast, "type %u: matvec row %lld %.9g != dot %.9g", type, (long long)r, matvec_out[r], fast);
            if (r >= 1) CHECK(matmul_out[j * 7 + (r - 1)] == fast, "type %u: matmul (%lld, %lld) != dot", type, (long long)j, (long long)r);
        }
    }
    free(w); free(a); free(a_portable); free(x); free(wd); free(ad);
}

/// Exact cases: unit scales make every dot an integer, which both paths must hit exactly.
static void check_integer_exact(void) {
    uint8_t w[34 * 8], a[34 * 8];
    random_bytes(w, sizeof w); random_bytes(a, sizeof a);
    for (int b = 0; b < 8; b++) {
        const uint16_t one = 0x3c00;
        memcpy(w + 34 * b, &one, 2); memcpy(a + 34 * b, &one, 2);
        for (int j = 0; j < 32; j++) if ((int8_t)a[34 * b + 2 + j] == -128) a[34 * b + 2 + j] = 0x81;
    }
    long long expected = 0;
    for (int b = 0; b < 8; b++) for (int j = 0; j < 32; j++) expected += (int8_t)w[34 * b + 2 + j] * (int8_t)a[34 * b + 2 + j];
    for (int portable = 0; portable < 2; portable++) {
        ck_use_path(portable ? 0 : fast_path);
        CHECK(ck_dot_q8_0_q8_0(256, w, a) == (float)expected, "q8_0 unit scales: %g != %lld", ck_dot_q8_0_q8_0(256, w, a), expected);
    }
    ck_use_path(fast_path);
}

/// Rounding of ties: d = 1 blocks (max |x| = 127), values k + 0.5.
static void check_quantize_ties(void) {
    float x[256];
    for (int i = 0; i < 256; i++) x[i] = (float)((i % 100) - 50) + 0.5f;
    x[0] = 127.0f; x[32] = -127.0f; x[64] = 127.0f; x[96] = 127.0f;
    x[128] = 127.0f; x[160] = 127.0f; x[192] = 127.0f; x[224] = 127.0f;
    uint8_t q0[34 * 8], qk[292];
    for (int portable = 0; portable < 2; portable++) {
        ck_use_path(portable ? 0 : fast_path);
        ck_quantize_row_q8_0(x, q0, 256);
        for (int i = 1; i < 32; i++) {
            const int expected = (int)roundf(x[i]);    // halves away from zero
            CHECK((int8_t)q0[2 + i] == expected, "q8_0 tie %g -> %d (portable %d)", x[i], (int8_t)q0[2 + i], portable);
        }
        // Q8_K: max = 127 (first of largest magnitude), iscale = -1: ties to even of -x
        ck_quantize_row_q8_K(x, qk, 256);
        for (int i = 1; i < 32; i++) {
            const int expected = (int)rintf(-x[i]);
            CHECK((int8_t)qk[4 + i] == expected, "q8_K tie %g -> %d (portable %d)", x[i], (int8_t)qk[4 + i], portable);
        }
        float d; memcpy(&d, qk, 4);
        CHECK(d == -1.0f, "q8_K d %g", d);
    }
    ck_use_path(fast_path);
}

/// The three Q8_0 rounding variants, dispatched against portable, on rows with edge blocks.
static void check_q8_0_variants(void) {
    enum { n = 2304 };
    static float x[n];
    static uint8_t fast[n / 32 * 34], portable[n / 32 * 34];
    for (int i = 0; i < n; i++) x[i] = uniform(-2, 2);
    x[100] = NAN; x[200] = INFINITY; x[300] = 0.5f * 127.0f / 127.0f;
    for (int i = 640; i < 672; i++) { uint32_t bits = (uint32_t)i; memcpy(&x[i], &bits, 4); }   // subnormal block
    for (int variant = 0; variant < 3; variant++) {
        ck_quantize_row_q8_0_variant(x, fast, n, variant);
        ck_use_path(0);
        ck_quantize_row_q8_0_variant(x, portable, n, variant);
        ck_use_path(fast_path);
        CHECK(memcmp(fast, portable, sizeof fast) == 0, "Q8_0 variant %d differs from portable", variant);
    }
}

static void check_conversions(void) {
    enum { count = 1 << 16 };
    float *x = malloc(sizeof(float) * count);
    uint16_t *fast = malloc(2 * count), *portable = malloc(2 * count);
    for (int i = 0; i < count; i++) {
        uint32_t bits = next_u32();
        if (i % 4 == 0) bits = (bits & 0x807fffff) | ((uint32_t)(100 + next_u32() % 45) << 23);  // near the half range
        if ((bits & 0x7f800000) == 0x7f800000) bits &= 0xbfffffff;                             // no NaN / inf
        memcpy(&x[i], &bits, 4);
    }
    ck_convert_row_f16(x, fast, count);
    ck_use_path(0);
    ck_convert_row_f16(x, portable, count);
    ck_use_path(fast_path);
    CHECK(memcmp(fast, portable, 2 * count) == 0, "f16 conversion differs from portable");
    for (int i = 0; i < count; i++) {   // round to nearest even, checked against the value
        const double v = x[i], got = half_value(portable[i]);
        if (fabs(v) >= 65520.0) { CHECK(isinf(got), "f16 of %g", v); continue; }
        const uint16_t other = (uint16_t)(portable[i] + ((fabs(v) > fabs(got)) ? 1 : -1));
        const double alternative = ((portable[i] & 0x7fff) == 0 && fabs(v) < fabs(got)) ? got : half_value(other);
        CHECK(fabs(got - v) < fabs(alternative - v) || (fabs(got - v) == fabs(alternative - v) && (portable[i] & 1) == 0),
              "f16 of %.9g gave %.9g", v, got);
    }
    ck_convert_row_bf16(x, fast, count);
    ck_use_path(0);
    ck_convert_row_bf16(x, portable, count);
    ck_use_path(fast_path);
    CHECK(memcmp(fast, portable, 2 * count) == 0, "bf16 conversion differs from portable");
    free(x); free(fast); free(portable);
}

int main(int argc, char **argv) {
    printf("ck_cpu_features: %s\n", ck_cpu_features());
    if (argc > 1) CHECK(strcmp(ck_cpu_features(), argv[1]) == 0, "expected features \"%s\"", argv[1]);
    for (fast_path = 1; ck_path_name(fast_path); fast_path++) {
        if (!ck_path_available(fast_path)) { printf("path %s: not on this CPU\n", ck_path_name(fast_path)); continue; }
        const int before = failures;
        ck_use_path(fast_path);
        const uint32_t legacy[] = {2, 6, 8, 1, 30, 0}, kquants[] = {12, 13, 14};
        const int64_t legacy_sizes[] = {32, 640, 2304, 9216}, k_sizes[] = {256, 2304, 9216};
        for (int t = 0; t < 6; t++) for (int s = 0; s < 4; s++) check_type(legacy[t], legacy_sizes[s]);
        for (int t = 0; t < 3; t++) for (int s = 0; s < 3; s++) check_type(kquants[t], k_sizes[s]);
        check_type(1, 37); check_type(30, 45); check_type(0, 51);   // float rows with tails
        check_integer_exact();
        check_quantize_ties();
        check_q8_0_variants();
        check_conversions();
        printf("path %s: %d failure(s)\n", ck_path_name(fast_path), failures - before);
    }
    ck_use_path(-1);
    CHECK(ck_matvec(3, 32, NULL, 0, 0, 0, NULL, NULL) == -1, "Q4_1 must be unsupported");
    CHECK(ck_matvec(12, 255, NULL, 0, 0, 0, NULL, NULL) == -1, "n = 255 is not a Q4_K row");
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
