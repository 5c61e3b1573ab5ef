// Helpers shared by the AVX2 kernel files (x86_avx2.c, x86_avx2_kquants.c): the target
// attribute, horizontal sums, fp16 loads and the signed-byte dot product of ggml's AVX2 code.
#pragma once
#if defined(__x86_64__) || defined(_M_X64)
#include "ck_internal.h"
#include <immintrin.h>

#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))

// MARK: helpers

CK_AVX2 static inline float hsum_f32x8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

CK_AVX2 static inline int32_t hsum_i32x8(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

CK_AVX2 static inline float half_to_float(const uint8_t *p) {
    return _cvtsh_ss(ck_load_u16(p));
}


/// Replaces the Q4_0 / Q5_0 / Q8_0 dot products and row kernels (x86_avx2_legacy.c).
void ck_avx2_legacy_install(ck_kernel_table *table);
/// Replaces the K-quant dot products with AVX2 ones (x86_avx2_kquants.c).
void ck_avx2_kquants_install(ck_kernel_table *table);
#endif
