// AVX-512 (F, BW, VL) float dot products and the attention helpers, bit-identical to the
// AVX2 ones in x86_avx2.c: each 512-bit accumulator holds two of AVX2's four 256-bit
// accumulators side by side (lanes 0-7 and 8-15 take the same elements), the 8-value tail
// runs on the low half as AVX2's does, and the halves are added in AVX2's order. What
// changes is the count of instructions: one 16-value load, conversion and FMA for two.
// The integer kernels of this path are x86_int8_avx512_vnni.c.
#if defined(__x86_64__) || defined(_M_X64)
#include "x86_avx2.h"

/// 16 fp16 values as floats.
CK_AVX512 static inline __m512 f16x16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}

/// 16 bfloat16 values as floats.
CK_AVX512 static inline __m512 bf16x16(const uint16_t *p) {
    const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}

CK_AVX512 static inline __m256 high_half(__m512 v) {
    return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
}

/// AVX2's closing sum of its accumulators (a0 + a1) + (a2 + a3), with a0 = low(z0), a1 =
/// high(z0), a2 = low(z1), a3 = high(z1) and a0 replaced by `low0` (after the tail).
CK_AVX512 static inline float closing_sum(__m256 low0, __m512 z0, __m512 z1) {
    const __m256 a01 = _mm256_add_ps(low0, high_half(z0));
    const __m256 a23 = _mm256_add_ps(_mm512_castps512_ps256(z1), high_half(z1));
    return hsum_f32x8(_mm256_add_ps(a01, a23));
}

// One body for the four float dots: LOAD16 / LOAD8 give 16 / 8 floats of w (x) or a (y) at
// an index, SCALAR one value.
#define FLOAT_DOT(name, wtype, atype, LOAD16_X, LOAD16_Y, LOAD8_X, LOAD8_Y, SCALAR)              \
    CK_AVX512 static float name(int64_t n, const void *w, const void *a) {                        \
        const wtype *x = w;                                                                        \
        const atype *y = a;                                                                        \
        __m512 z0 = _mm512_setzero_ps(), z1 = _mm512_setzero_ps();                                 \
        int64_t i = 0;                                                                             \
        for (; i + 32 <= n; i += 32) {                                                             \
            z0 = _mm512_fmadd_ps(LOAD16_X(x + i), LOAD16_Y(y + i), z0);                            \
            z1 = _mm512_fmadd_ps(LOAD16_X(x + i + 16), LOAD16_Y(y + i + 16), z1);                  \
        }                                                                                          \
        __m256 low0 = _mm512_castps512_ps256(z0);                                                  \
        for (; i + 8 <= n; i += 8) low0 = _mm256_fmadd_ps(LOAD8_X(x + i), LOAD8_Y(y + i), low0);   \
        float sum = closing_sum(low0, z0, z1);                                                     \
        for (; i < n; i++) sum += SCALAR;                                                          \
        return sum;                                                                                \
    }

#define F32X16(p) _mm512_loadu_ps(p)
#define F32X8(p) _mm256_loadu_ps(p)
#define F16X8(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define BF16X8(p) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))), 16))

FLOAT_DOT(dot_f32, float, float, F32X16, F32X16, F32X8, F32X8, x[i] * y[i])
FLOAT_DOT(dot_f16, uint16_t, uint16_t, f16x16, f16x16, F16X8, F16X8, _cvtsh_ss(x[i]) * _cvtsh_ss(y[i]))
FLOAT_DOT(dot_bf16, uint16_t, uint16_t, bf16x16, bf16x16, BF16X8, BF16X8, ck_bf16_to_float(x[i]) * ck_bf16_to_float(y[i]))
FLOAT_DOT(dot_f16_f32, uint16_t, float, f16x16, F32X16, F16X8, F32X8, _cvtsh_ss(x[i]) * y[i])

// y += a x: each element on its own, so any width gives AVX2's bits.
CK_AVX512 static void axpy_f32(int64_t n, float a, const void *x, float *y) {
    const float *v = x;
    const __m512 scale = _mm512_set1_ps(a);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_fmadd_ps(scale, _mm512_loadu_ps(v + i), _mm512_loadu_ps(y + i)));
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(_mm256_set1_ps(a), _mm256_loadu_ps(v + i), _mm256_loadu_ps(y + i)));
    }
    for (; i < n; i++) y[i] += a * v[i];
}

CK_AVX512 static void axpy_f16(int64_t n, float a, const void *x, float *y) {
    const uint16_t *v = x;
    const __m512 scale = _mm512_set1_ps(a);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_fmadd_ps(scale, f16x16(v + i), _mm512_loadu_ps(y + i)));
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(_mm256_set1_ps(a), F16X8(v + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * _cvtsh_ss(v[i]);
}

void ck_x86_avx512_install(ck_kernel_table *table) {
    table->dot_f32 = dot_f32;
    table->dot_f16 = dot_f16;
    table->dot_bf16 = dot_bf16;
    table->dot_f16_f32 = dot_f16_f32;
    table->axpy_f32 = axpy_f32;
    table->axpy_f16 = axpy_f16;
}
#endif
