// Dot products of K-quant weights (Q4_K, Q5_K, Q6_K) with Q8_K activations, as
// ggml/src/ggml-cpu/arch/x86/quants.c does them: unsigned quants times signed activations
// with pmaddubsw, scales applied with pmaddwd (or vpdpwssd), the min / offset terms from the
// Q8_K bsums; and matrix-product tiles for Q4_K and Q6_K that give the dot products' bits.
// Included once by each x86_int8*.c (see x86_avx2.h for the variants).
#include "x86_avx2.h"

/// sum over the 8 sub-blocks of 32 of min_j * (sum of their activations), from the bsums.
CK_INT8 static inline int32_t k4_min_term(const uint8_t mins[8], const uint8_t *y) {
    const __m256i bsums = _mm256_loadu_si256((const __m256i *)(y + CK_Q8_K_BSUMS));
    // adjacent groups of 16 added: the activation sums of the 8 sub-blocks of 32
    const __m128i sub_block_sums = _mm_hadd_epi16(_mm256_castsi256_si128(bsums), _mm256_extracti128_si256(bsums, 1));
    uint64_t packed_mins;
    memcpy(&packed_mins, mins, 8);
    const __m128i mins16 = _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)packed_mins));
    __m128i s = _mm_madd_epi16(sub_block_sums, mins16);
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

/// acc + scale * (32 unsigned quants . 32 activations), as eight int32 partial sums.
CK_INT8 static inline __m256i scaled_dot_u8(__m256i acc, __m256i quants, const int8_t *activations, int scale) {
    const __m256i pairs = _mm256_maddubs_epi16(quants, _mm256_loadu_si256((const __m256i *)activations));
    return dot_i16_x8(acc, pairs, _mm256_set1_epi16((short)scale));
}

/// out[c * out_stride] = the Q4_K dot product of weight row w with activation row c, for
/// COLUMNS (at most 4) activation rows `a_bytes` apart: the weight row's nibbles and scales
/// are unpacked once per super-block for them all, and each column's sums run in the same
/// order for every COLUMNS (dot_q4_K is the tile of one column).
CK_INT8 static inline __attribute__((always_inline)) void q4_K_tile(int COLUMNS, int64_t blocks, const uint8_t *w,
                                                                    const uint8_t *a, size_t a_bytes, float *out,
                                                                    int64_t out_stride) {
    const __m256i low_nibble = _mm256_set1_epi8(15);
    __m256 acc[4];
    float min_sum[4];
    for (int c = 0; c < COLUMNS; c++) { acc[c] = _mm256_setzero_ps(); min_sum[c] = 0.0f; }
    for (int64_t b = 0; b < blocks; b++) {
        const uint8_t *x = w + b * CK_Q4_K_BYTES;
        uint8_t scales[8], mins[8];
        ck_unpack_k4_scales(x + 4, scales, mins);
        __m256i isum[4];
        for (int c = 0; c < COLUMNS; c++) isum[c] = _mm256_setzero_si256();
        for (int chunk = 0; chunk < 4; chunk++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x + 16 + 32 * chunk));
            const __m256i low = _mm256_and_si256(bits, low_nibble);
            const __m256i high = _mm256_and_si256(_mm256_srli_epi16(bits, 4), low_nibble);
            for (int c = 0; c < COLUMNS; c++) {
                const int8_t *qa = (const int8_t *)(a + c * a_bytes + b * CK_Q8_K_BYTES + CK_Q8_K_QS);
                isum[c] = scaled_dot_u8(isum[c], low, qa + 64 * chunk, scales[2 * chunk]);
                isum[c] = scaled_dot_u8(isum[c], high, qa + 64 * chunk + 32, scales[2 * chunk + 1]);
            }
        }
        for (int c = 0; c < COLUMNS; c++) {
            const uint8_t *y = a + c * a_bytes + b * CK_Q8_K_BYTES;
            const float da = ck_load_f32(y);
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(half_to_float(x) * da), _mm256_cvtepi32_ps(isum[c]), acc[c]);
            min_sum[c] += half_to_float(x + 2) * da * (float)k4_min_term(mins, y);
        }
    }
    for (int c = 0; c < COLUMNS; c++) out[c * out_stride] = hsum_f32x8(acc[c]) - min_sum[c];
}

CK_INT8 static float dot_q4_K(int64_t n, const void *w, const void *a) {
    float out;
    q4_K_tile(1, n / CK_QK_K, w, a, 0, &out, 0);
    return out;
}

CK_INT8 static float dot_q5_K(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    const __m256i low_nibble = _mm256_set1_epi8(15), bit0 = _mm256_set1_epi8(1), bit1 = _mm256_set1_epi8(2);
    __m256 acc = _mm256_setzero_ps();
    float min_sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK_K; b++, x += CK_Q5_K_BYTES, y += CK_Q8_K_BYTES) {
        uint8_t scales[8], mins[8];
        ck_unpack_k4_scales(x + 4, scales, mins);
        const int8_t *qa = (const int8_t *)(y + CK_Q8_K_QS);
        // bit 2*chunk of qh[l] is the 5th bit of value 64*chunk + l, bit 2*chunk+1 of value 64*chunk + 32 + l
        __m256i high_bits = _mm256_loadu_si256((const __m256i *)(x + CK_Q5_K_QH));
        __m256i isum = _mm256_setzero_si256();
        for (int chunk = 0; chunk < 4; chunk++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x + CK_Q5_K_QS + 32 * chunk));
            const __m256i low = _mm256_or_si256(_mm256_and_si256(bits, low_nibble),
                                                _mm256_slli_epi16(_mm256_and_si256(high_bits, bit0), 4));
            const __m256i high = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), low_nibble),
                                                 _mm256_slli_epi16(_mm256_and_si256(high_bits, bit1), 3));
            high_bits = _mm256_srli_epi16(high_bits, 2);
            isum = scaled_dot_u8(isum, low, qa + 64 * chunk, scales[2 * chunk]);
            isum = scaled_dot_u8(isum, high, qa + 64 * chunk + 32, scales[2 * chunk + 1]);
        }
        const float da = ck_load_f32(y);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_to_float(x) * da), _mm256_cvtepi32_ps(isum), acc);
        min_sum += half_to_float(x + 2) * da * (float)k4_min_term(mins, y);
    }
    return hsum_f32x8(acc) - min_sum;
}

/// out[c * out_stride] = the Q6_K dot product of weight row w with activation row c, for
/// COLUMNS (at most 4) activation rows `a_bytes` apart; the weight row's quants and scales are
/// unpacked once per super-block for them all, and each pair's sums run in the same order
/// for every COLUMNS (dot_q6_K is the tile of one column).
CK_INT8 static inline __attribute__((always_inline)) void q6_K_tile(int COLUMNS, int64_t blocks, const uint8_t *w,
                                                                    const uint8_t *a, size_t a_bytes, float *out,
                                                                    int64_t out_stride) {
    const __m256i low_nibble = _mm256_set1_epi8(15);
    const __m128i pair_pattern = _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    __m256 acc[4];
    for (int c = 0; c < COLUMNS; c++) acc[c] = _mm256_setzero_ps();
    for (int64_t b = 0; b < blocks; b++) {
        const uint8_t *x = w + b * CK_Q6_K_BYTES;
        const __m128i scales = _mm_loadu_si128((const __m128i *)(x + CK_Q6_K_SCALES));
        __m256i isum[4];
        for (int c = 0; c < COLUMNS; c++) isum[c] = _mm256_setzero_si256();
        for (int half = 0; half < 2; half++) {
            const __m256i ql0 = _mm256_loadu_si256((const __m256i *)(x + 64 * half));
            const __m256i ql1 = _mm256_loadu_si256((const __m256i *)(x + 64 * half + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(x + CK_Q6_K_QH + 32 * half));
            __m256i quants[4];   // values 128*half + 32*part + l, each in 0 ... 63
            quants[0] = _mm256_or_si256(_mm256_and_si256(ql0, low_nibble),
                                        _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(3)), 4));
            quants[1] = _mm256_or_si256(_mm256_and_si256(ql1, low_nibble),
                                        _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(12)), 2));
            quants[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low_nibble),
                                        _mm256_and_si256(qh, _mm256_set1_epi8(48)));
            quants[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low_nibble),
                                        _mm256_srli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8((char)0xC0)), 2));
            for (int part = 0; part < 4; part++) {
                // 16 int16 scales: groups 8*half + 2*part (lanes 0-7) and the next (lanes 8-15)
                const int group = 8 * half + 2 * part;
                const __m256i picked = _mm256_cvtepi8_epi16(
                    _mm_shuffle_epi8(scales, _mm_add_epi8(pair_pattern, _mm_set1_epi8((char)group))));
                for (int c = 0; c < COLUMNS; c++) {
                    const int8_t *qa = (const int8_t *)(a + c * a_bytes + b * CK_Q8_K_BYTES + CK_Q8_K_QS);
                    const __m256i pairs = _mm256_maddubs_epi16(quants[part],
                        _mm256_loadu_si256((const __m256i *)(qa + 128 * half + 32 * part)));
                    isum[c] = dot_i16_x8(isum[c], pairs, picked);
                }
            }
        }
        for (int c = 0; c < COLUMNS; c++) {
            const uint8_t *y = a + c * a_bytes + b * CK_Q8_K_BYTES;
            // the stored quants are value + 32: subtract 32 * sum(scale_g * bsum_g)
            const __m256i bsums = _mm256_loadu_si256((const __m256i *)(y + CK_Q8_K_BSUMS));
            const __m256i offset = _mm256_slli_epi32(_mm256_madd_epi16(bsums, _mm256_cvtepi8_epi16(scales)), 5);
            const float d = half_to_float(x + CK_Q6_K_D) * ck_load_f32(y);
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_sub_epi32(isum[c], offset)), acc[c]);
        }
    }
    for (int c = 0; c < COLUMNS; c++) out[c * out_stride] = hsum_f32x8(acc[c]);
}

CK_INT8 static float dot_q6_K(int64_t n, const void *w, const void *a) {
    float out;
    q6_K_tile(1, n / CK_QK_K, w, a, 0, &out, 0);
    return out;
}

/// The tiles of 1 weight row x `columns` activation rows (ck_tile_fn; `rows` is always 1).
#define K_TILES(name)                                                                                    \
    CK_INT8 static inline __attribute__((always_inline)) void name##_tiles(                              \
        int rows, int64_t columns, int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *a,      \
        size_t a_bytes, float *out, int64_t out_stride) {                                                \
        (void)rows, (void)row_bytes;                                                                     \
        CK_WITH_COLUMNS(columns, name##_tile, n / CK_QK_K, w, a, a_bytes, out, out_stride)               \
    }                                                                                                    \
    CK_INT8 static void matmul_##name(int64_t n, const void *w, size_t row_bytes, int64_t rows, const void *a, \
                                      size_t a_bytes, int64_t m, float *out, int64_t out_stride) {         \
        ck_blocked_product(name##_tiles, 1, n, w, row_bytes, rows, a, a_bytes, m, out, out_stride);      \
    }

K_TILES(q4_K)
K_TILES(q6_K)

static void install_q8_K_kernels(ck_kernel_table *table) {
    table->dot_q4_K = dot_q4_K;
    table->dot_q5_K = dot_q5_K;
    table->dot_q6_K = dot_q6_K;
    table->matmul_q4_K = matmul_q4_K;
    table->matmul_q6_K = matmul_q6_K;
}
