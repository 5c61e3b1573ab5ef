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

/// Eight int32 sums of four products each of signed bytes x and y (|x| <= 128, y != -128).
/// pmaddubsw multiplies unsigned by signed bytes, so x's sign moves onto y.
CK_AVX2 static inline __m256i dot_i8x32(__m256i x, __m256i y) {
    const __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}

/// 32 nibbles of a Q4_0 / Q5_0 block: low nibbles in bytes 0-15, high nibbles in 16-31.
CK_AVX2 static inline __m256i nibbles_x32(const uint8_t *qs) {
    const __m128i packed = _mm_loadu_si128((const __m128i *)qs);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
    return _mm256_and_si256(both, _mm256_set1_epi8(15));
}

/// Replaces the K-quant dot products with AVX2 ones (x86_avx2_kquants.c).
void ck_avx2_kquants_install(ck_kernel_table *table);
#endif
