// For x86-kernel-check.sh only: the x86 intrinsics of CKernels from SIMD Everywhere (Debian
// libsimde-dev), so that the AVX-512 and VNNI kernels run, emulated, on a CPU without them.
// AVX2, FMA and F16C stay native (the check is built with -mavx2 -mfma -mf16c); the few
// AVX-512 intrinsics simde 0.7 lacks are written here from ones it has.
#pragma once
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include <simde/x86/f16c.h>

static inline simde__m512 ck_simde_combine(simde__m256 low, simde__m256 high) {
    return simde_mm512_insertf32x8(simde_mm512_castps256_ps512(low), high, 1);
}

/// vcvtph2ps zmm: 16 fp16 values as floats, as two 8-value F16C conversions.
static inline simde__m512 ck_simde_mm512_cvtph_ps(simde__m256i h) {
    return ck_simde_combine(simde_mm256_cvtph_ps(simde_mm256_castsi256_si128(h)),
                            simde_mm256_cvtph_ps(simde_mm256_extracti128_si256(h, 1)));
}
#undef _mm512_cvtph_ps
#define _mm512_cvtph_ps(h) ck_simde_mm512_cvtph_ps(h)

/// vpmovzxwd zmm: 16 uint16 zero-extended to uint32, as two AVX2 widenings.
static inline simde__m512i ck_simde_mm512_cvtepu16_epi32(simde__m256i v) {
    const simde__m256i low = simde_mm256_cvtepu16_epi32(simde_mm256_castsi256_si128(v));
    const simde__m256i high = simde_mm256_cvtepu16_epi32(simde_mm256_extracti128_si256(v, 1));
    return simde_mm512_castps_si512(ck_simde_combine(simde_mm256_castsi256_ps(low), simde_mm256_castsi256_ps(high)));
}
#undef _mm512_cvtepu16_epi32
#define _mm512_cvtepu16_epi32(v) ck_simde_mm512_cvtepu16_epi32(v)
