// Helpers shared by the x86-64 kernel files: the target attributes, horizontal sums, fp16
// loads, and the byte dot products of the integer kernels in their three variants.
//
// The integer kernels (x86_q8_0_kernels.h, x86_q8_K_kernels.h) are compiled three times, by
// x86_int8.c, x86_int8_avx_vnni.c and x86_int8_avx512_vnni.c, with CK_X86_VNNI set to
//   0: AVX2: four byte products summed with pmaddubsw + pmaddwd (ggml's AVX2 code);
//   1: AVX-VNNI (Alder Lake and later, Zen 5): vpdpbusd / vpdpwssd, VEX-encoded;
//   2: AVX512-VNNI with AVX512VL (Ice Lake, Zen 4 and later): the same instructions
//      EVEX-encoded on 256-bit registers, and 32 vector registers for the tiles.
// Each int32 lane holds the same four products in every variant, and our activations never
// hold -128 (so pmaddubsw never saturates), so all three give bit-identical results.
//
// CK_SIMDE (scripts/dev/x86-kernel-check.sh only): every intrinsic comes from the SIMD
// Everywhere library, so the AVX-512 and VNNI variants run, emulated, on any x86-64 CPU
// with AVX2; the target attributes are then left out.
#pragma once
#if defined(__x86_64__) || defined(_M_X64)
#include "ck_internal.h"

#if defined(CK_SIMDE)
#include "ck_simde_x86.h"
#define CK_AVX2
#define CK_AVX512
#else
#include <immintrin.h>
#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))
#define CK_AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl")))
#endif

#ifndef CK_X86_VNNI
#define CK_X86_VNNI 0
#endif

/// The target of the integer kernels: CK_AVX2 plus the variant's instructions.
#if defined(CK_SIMDE) || CK_X86_VNNI == 0
#define CK_INT8 CK_AVX2
#elif CK_X86_VNNI == 1
#define CK_INT8 __attribute__((target("avx2,fma,f16c,avxvnni")))
#else
#define CK_INT8 __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))
#endif

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

// MARK: byte dot products (the one place the variants differ)

/// acc + (u . s by groups of four): lane i gains the sum of u[4i+k] * s[4i+k], k < 4, with u
/// unsigned and s signed bytes.
CK_INT8 static inline __m256i dot_u8s8_x8(__m256i acc, __m256i u, __m256i s) {
#if CK_X86_VNNI == 0
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#elif CK_X86_VNNI == 1 && !defined(CK_SIMDE)
    return _mm256_dpbusd_avx_epi32(acc, u, s);
#else
    return _mm256_dpbusd_epi32(acc, u, s);
#endif
}

/// acc + (pairs . weights by pairs): lane i gains p[2i] w[2i] + p[2i+1] w[2i+1] (int16 inputs).
CK_INT8 static inline __m256i dot_i16_x8(__m256i acc, __m256i pairs, __m256i weights) {
#if CK_X86_VNNI == 0
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, weights));
#elif CK_X86_VNNI == 1 && !defined(CK_SIMDE)
    return _mm256_dpwssd_avx_epi32(acc, pairs, weights);
#else
    return _mm256_dpwssd_epi32(acc, pairs, weights);
#endif
}

/// Installs the integer kernels of each variant (x86_int8*.c): Q4_0 / Q5_0 / Q8_0 and the
/// K-quants; call each only when the CPU has its instructions.
void ck_x86_int8_install(ck_kernel_table *table);
void ck_x86_int8_avx_vnni_install(ck_kernel_table *table);
void ck_x86_int8_avx512_vnni_install(ck_kernel_table *table);
/// Replaces the float dot products with AVX-512 ones (x86_avx512.c), bit-identical to AVX2's.
void ck_x86_avx512_install(ck_kernel_table *table);
#endif
