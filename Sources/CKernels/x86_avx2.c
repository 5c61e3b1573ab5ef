// x86-64 kernels for CPUs with AVX2, FMA and F16C (Haswell / Zen and later), compiled with
// per-function target attributes so that the rest of the binary stays baseline x86-64.
// Arithmetic as ggml/src/ggml-cpu/arch/x86/quants.c (AVX2 branch); integer parts exact.
#if defined(__x86_64__) || defined(_M_X64)
#include "x86_avx2.h"

// MARK: activation rows

/// roundf (halves away from zero) of values with |v| < 2^23.
CK_AVX2 static inline __m256 round_half_away(__m256 v) {
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    const __m256 truncated = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 fraction = _mm256_andnot_ps(sign_bit, _mm256_sub_ps(v, truncated));
    const __m256 step = _mm256_or_ps(_mm256_and_ps(v, sign_bit), _mm256_set1_ps(1.0f));
    const __m256 rounds_up = _mm256_cmp_ps(fraction, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    return _mm256_add_ps(truncated, _mm256_and_ps(rounds_up, step));
}

/// Packs 32 int32 (in four vectors, values in int8 range) to 32 bytes in order.
CK_AVX2 static inline __m256i pack_i32_to_i8(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
    const __m256i bytes = _mm256_packs_epi16(ab, cd);   // lanes interleaved by 4-byte groups
    return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/// Blocks holding NaN or infinity, or whose scale overflows (subnormal values), go to the
/// portable code: ggml's SIMD paths treat them differently on each CPU, so the portable
/// result (documented in portable.c) is the one result every path gives.
CK_AVX2 static void quantize_q8_0(const float *x, void *out, int64_t n, int variant) {
    uint8_t *block = out;
    const __m256 sign_bit = _mm256_set1_ps(-0.0f), largest = _mm256_set1_ps(3.40282347e38f);
    for (int64_t b = 0; b < n / CK_QK; b++, x += CK_QK, block += CK_Q8_0_BYTES) {
        __m256 v[4];
        __m256 amax8 = _mm256_setzero_ps(), finite = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        for (int k = 0; k < 4; k++) {
            v[k] = _mm256_loadu_ps(x + 8 * k);
            const __m256 magnitude = _mm256_andnot_ps(sign_bit, v[k]);
            amax8 = _mm256_max_ps(amax8, magnitude);
            finite = _mm256_and_ps(finite, _mm256_cmp_ps(magnitude, largest, _CMP_LE_OQ));
        }
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(amax8), _mm256_extractf128_ps(amax8, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4), d = amax / 127.0f;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        if (variant == CK_Q8_0_X86) id = amax != 0.0f ? 127.0f / amax : 0.0f;
        if (_mm256_movemask_ps(finite) != 0xff || __builtin_isinf(id)) {
            ck_quantize_q8_0_block(x, block, variant);  // NaN or infinity, or 1/d overflowed
            continue;
        }
        const uint16_t dh = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
        memcpy(block, &dh, 2);
        const __m256 scale = _mm256_set1_ps(id);
        __m256i q[4];
        for (int k = 0; k < 4; k++) {
            const __m256 product = _mm256_mul_ps(v[k], scale);
            const __m256 rounded = variant == CK_Q8_0_REFERENCE ? round_half_away(product)
                : _mm256_round_ps(product, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            q[k] = _mm256_cvttps_epi32(rounded);
        }
        _mm256_storeu_si256((__m256i *)(block + 2), pack_i32_to_i8(q[0], q[1], q[2], q[3]));
    }
}

/// As quantize_q8_0, blocks with NaN, infinity or an overflowing scale go to portable code.
CK_AVX2 static void quantize_q8_K(const float *x, void *out, int64_t n) {
    uint8_t *block = out;
    const __m256 sign_bit = _mm256_set1_ps(-0.0f), largest = _mm256_set1_ps(3.40282347e38f);
    for (int64_t b = 0; b < n / CK_QK_K; b++, x += CK_QK_K, block += CK_Q8_K_BYTES) {
        __m256 amax8 = _mm256_setzero_ps(), finite = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        for (int j = 0; j < CK_QK_K; j += 8) {
            const __m256 magnitude = _mm256_andnot_ps(sign_bit, _mm256_loadu_ps(x + j));
            amax8 = _mm256_max_ps(amax8, magnitude);
            finite = _mm256_and_ps(finite, _mm256_cmp_ps(magnitude, largest, _CMP_LE_OQ));
        }
        if (_mm256_movemask_ps(finite) != 0xff) {        // NaN or infinity: as the portable code
            ck_quantize_q8_K_block(x, block);
            continue;
        }
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(amax8), _mm256_extractf128_ps(amax8, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        if (amax == 0.0f) {
            memset(block, 0, CK_Q8_K_BYTES);
            continue;
        }
        int first = 0;                                   // the first value of largest magnitude
        while (__builtin_fabsf(x[first]) != amax) first++;
        const float iscale = -127.0f / x[first];
        if (__builtin_isinf(iscale)) {                   // max subnormal: iscale overflowed
            ck_quantize_q8_K_block(x, block);
            continue;
        }
        const __m256 scale = _mm256_set1_ps(iscale), limit = _mm256_set1_ps(127.0f);
        int8_t *q = (int8_t *)(block + CK_Q8_K_QS);
        for (int j = 0; j < CK_QK_K; j += 32) {
            __m256i r[4];
            for (int k = 0; k < 4; k++) {
                const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + j + 8 * k), scale);
                const __m256 rounded = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                r[k] = _mm256_cvttps_epi32(_mm256_min_ps(rounded, limit));
            }
            const __m256i bytes = pack_i32_to_i8(r[0], r[1], r[2], r[3]);
            _mm256_storeu_si256((__m256i *)(q + j), bytes);
            // bsums of the two groups of 16: widen to int16 and add pairs down to one sum
            const __m256i wide_low = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(bytes));
            const __m256i wide_high = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(bytes, 1));
            const int32_t sum_low = hsum_i32x8(_mm256_madd_epi16(wide_low, _mm256_set1_epi16(1)));
            const int32_t sum_high = hsum_i32x8(_mm256_madd_epi16(wide_high, _mm256_set1_epi16(1)));
            const int16_t sums[2] = {(int16_t)sum_low, (int16_t)sum_high};
            memcpy(block + CK_Q8_K_BSUMS + 2 * (j / 16), sums, 4);
        }
        const float d = 1.0f / iscale;
        memcpy(block, &d, 4);
    }
}

CK_AVX2 static void convert_f16(const float *x, void *out, int64_t n) {
    uint16_t *h = out;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i packed = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        // F16C keeps a NaN's payload; ggml's reference (and the portable code) give 0x7E00
        const __m128i is_nan = _mm_cmpgt_epi16(_mm_and_si128(packed, _mm_set1_epi16(0x7fff)), _mm_set1_epi16(0x7c00));
        const __m128i quiet = _mm_or_si128(_mm_and_si128(packed, _mm_set1_epi16((short)0x8000)), _mm_set1_epi16(0x7e00));
        _mm_storeu_si128((__m128i *)(h + i), _mm_blendv_epi8(packed, quiet, is_nan));
    }
    for (; i < n; i++) h[i] = ck_float_to_half(x[i]);
}

CK_AVX2 static void convert_bf16(const float *x, void *out, int64_t n) {
    uint16_t *h = out;
    int64_t i = 0;
    const __m256i magnitude_mask = _mm256_set1_epi32(0x7fffffff), infinity = _mm256_set1_epi32(0x7f800000);
    for (; i + 16 <= n; i += 16) {
        __m256i half[2];
        for (int k = 0; k < 2; k++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x + i + 8 * k));
            const __m256i is_nan = _mm256_cmpgt_epi32(_mm256_and_si256(bits, magnitude_mask), infinity);
            const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
            const __m256i bias = _mm256_add_epi32(odd, _mm256_set1_epi32(0x7fff));
            const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(bits, bias), 16);
            const __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(64));
            half[k] = _mm256_blendv_epi8(rounded, quiet, is_nan);
        }
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(half[0], half[1]), _MM_SHUFFLE(3, 1, 2, 0));
        _mm256_storeu_si256((__m256i *)(h + i), packed);
    }
    for (; i < n; i++) h[i] = ck_float_to_bf16(x[i]);
}

// MARK: float formats

CK_AVX2 static float dot_f16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            const __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8 * k)));
            const __m256 yv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i + 8 * k)));
            acc[k] = _mm256_fmadd_ps(xv, yv, acc[k]);
        }
    }
    for (; i + 8 <= n; i += 8) {
        const __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        const __m256 yv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i)));
        acc[0] = _mm256_fmadd_ps(xv, yv, acc[0]);
    }
    float sum = hsum_f32x8(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) sum += _cvtsh_ss(x[i]) * _cvtsh_ss(y[i]);
    return sum;
}

CK_AVX2 static inline __m256 bf16x8_to_f32(const uint16_t *p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

CK_AVX2 static float dot_bf16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            acc[k] = _mm256_fmadd_ps(bf16x8_to_f32(x + i + 8 * k), bf16x8_to_f32(y + i + 8 * k), acc[k]);
        }
    }
    for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(bf16x8_to_f32(x + i), bf16x8_to_f32(y + i), acc[0]);
    float sum = hsum_f32x8(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) sum += ck_bf16_to_float(x[i]) * ck_bf16_to_float(y[i]);
    return sum;
}

CK_AVX2 static float dot_f32(int64_t n, const void *w, const void *a) {
    const float *x = w, *y = a;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            acc[k] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8 * k), _mm256_loadu_ps(y + i + 8 * k), acc[k]);
        }
    }
    for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc[0]);
    float sum = hsum_f32x8(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

// MARK: attention over the KV cache (f32 query and output; f32 or fp16 cache rows)

CK_AVX2 static float dot_f16_f32(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w;
    const float *y = a;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            const __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8 * k)));
            acc[k] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y + i + 8 * k), acc[k]);
        }
    }
    for (; i + 8 <= n; i += 8) {
        acc[0] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))), _mm256_loadu_ps(y + i), acc[0]);
    }
    float sum = hsum_f32x8(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) sum += _cvtsh_ss(x[i]) * y[i];
    return sum;
}

CK_AVX2 static void axpy_f32(int64_t n, float a, const void *x, float *y) {
    const float *v = x;
    const __m256 scale = _mm256_set1_ps(a);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(scale, _mm256_loadu_ps(v + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * v[i];
}

CK_AVX2 static void axpy_f16(int64_t n, float a, const void *x, float *y) {
    const uint16_t *v = x;
    const __m256 scale = _mm256_set1_ps(a);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 values = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + i)));
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(scale, values, _mm256_loadu_ps(y + i)));
    }
    for (; i < n; i++) y[i] += a * _cvtsh_ss(v[i]);
}

void ck_avx2_install(ck_kernel_table *table) {
    table->quantize_q8_0 = quantize_q8_0;
    table->quantize_q8_K = quantize_q8_K;
    table->convert_f16 = convert_f16;
    table->convert_bf16 = convert_bf16;
    table->dot_f16 = dot_f16;
    table->dot_bf16 = dot_bf16;
    table->dot_f32 = dot_f32;
    table->dot_f16_f32 = dot_f16_f32;
    table->axpy_f32 = axpy_f32;
    table->axpy_f16 = axpy_f16;
    ck_x86_int8_install(table);
    strcpy(table->features, "AVX2 FMA F16C");
}

void ck_avx_vnni_install(ck_kernel_table *table) {
    ck_x86_int8_avx_vnni_install(table);
    strcpy(table->features, "AVX2 FMA F16C AVX-VNNI");
}

void ck_avx512_install(ck_kernel_table *table) {
    ck_x86_int8_avx512_vnni_install(table);
    ck_x86_avx512_install(table);
    strcpy(table->features, "AVX2 FMA F16C AVX512F AVX512BW AVX512VL AVX512VNNI");
}
#endif
