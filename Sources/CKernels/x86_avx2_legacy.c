// AVX2 dot products of Q4_0 / Q5_0 / Q8_0 weights with Q8_0 activations, for one row (the
// ck_dot_* functions) and for two rows at a time (ck_matvec / ck_matmul), which then share
// each activation block's load, scale and offset. Both give bit-identical results. The two
// rows are taken from the two halves of the range (r and r + rows/2): two distant streams
// read from memory at ~1.3x the speed of two adjacent rows, whose interleaved reads
// confuse the hardware prefetcher (measured with scripts/dev/kernel-bench.sh).
//
// Integer part of a block, as ggml's AVX2 code: Q8_0 weights use the sign trick (pmaddubsw
// multiplies unsigned by signed bytes, so the weight's sign moves onto the activation).
// Q4_0 / Q5_0 quants are unsigned (0..15 / 0..31); their offset 8 / 16 is taken off the
// int16 pair sums instead: maddubs(q, a) - maddubs(8, a) = maddubs(q - 8, a), exactly.
#if defined(__x86_64__) || defined(_M_X64)
#include "x86_avx2.h"

enum { KIND_Q4_0, KIND_Q5_0, KIND_Q8_0 };
#define ALWAYS_INLINE __attribute__((always_inline))

/// 32 nibbles of a Q4_0 / Q5_0 block: low nibbles in bytes 0-15, high nibbles in 16-31.
CK_AVX2 static inline __m256i nibbles_x32(const uint8_t *qs) {
    const __m128i packed = _mm_loadu_si128((const __m128i *)qs);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
    return _mm256_and_si256(both, _mm256_set1_epi8(15));
}

/// Byte j = 0x10 where bit j of Q5_0's 32-bit qh is set: byte j/8 of qh is broadcast to
/// bytes 8*(j/8) ... and each tested against its own bit.
CK_AVX2 static inline __m256i fifth_bits_x32(const uint8_t *qh) {
    const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    const __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)ck_load_u32(qh)), spread);
    const __m256i has_bit = _mm256_cmpeq_epi8(_mm256_and_si256(bytes, bit), bit);
    return _mm256_and_si256(has_bit, _mm256_set1_epi8(16));
}

/// Eight int32 partial sums of sum((q_w - offset) * q_a) over one weight block.
/// `activation_offset` is maddubs(offset, q_a) (Q4_0, Q5_0; unused for Q8_0).
CK_AVX2 static inline ALWAYS_INLINE __m256i block_sums(int kind, const uint8_t *x, __m256i qa, __m256i activation_offset) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i pairs;
    switch (kind) {
    case KIND_Q4_0:
        pairs = _mm256_sub_epi16(_mm256_maddubs_epi16(nibbles_x32(x + 2), qa), activation_offset);
        break;
    case KIND_Q5_0: {
        const __m256i q = _mm256_or_si256(nibbles_x32(x + 6), fifth_bits_x32(x + 2));
        pairs = _mm256_sub_epi16(_mm256_maddubs_epi16(q, qa), activation_offset);
        break;
    }
    default: {
        const __m256i qw = _mm256_loadu_si256((const __m256i *)(x + 2));
        pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(qw, qw), _mm256_sign_epi8(qa, qw));
        break;
    }
    }
    return _mm256_madd_epi16(pairs, ones);
}

/// acc[r] += d_w d_a * block sums, for block `b` of `rows` (1 or 2) weight rows.
CK_AVX2 static inline ALWAYS_INLINE void block_step(int kind, int rows, int64_t b, const uint8_t *w, size_t row_bytes,
                                                    const uint8_t *a, __m256 acc[2]) {
    const size_t block_bytes = kind == KIND_Q4_0 ? CK_Q4_0_BYTES : kind == KIND_Q5_0 ? CK_Q5_0_BYTES : CK_Q8_0_BYTES;
    const uint8_t *y = a + b * CK_Q8_0_BYTES;
    const __m256i qa = _mm256_loadu_si256((const __m256i *)(y + 2));
    const __m256i offset = kind == KIND_Q8_0 ? _mm256_setzero_si256()
        : _mm256_maddubs_epi16(_mm256_set1_epi8(kind == KIND_Q4_0 ? 8 : 16), qa);
    const float da = half_to_float(y);
    for (int r = 0; r < rows; r++) {
        const uint8_t *x = w + r * row_bytes + b * block_bytes;
        const __m256 d = _mm256_set1_ps(half_to_float(x) * da);
        acc[r] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(block_sums(kind, x, qa, offset)), acc[r]);
    }
}

/// out[r * out_step] = dot(row r, a) for `rows` (1 or 2) rows `row_bytes` apart: even blocks
/// into one accumulator per row, odd blocks into another, then their sum.
CK_AVX2 static inline ALWAYS_INLINE void dot_rows(int kind, int rows, int64_t n, const uint8_t *w, size_t row_bytes,
                                                  const uint8_t *a, float *out, int64_t out_step) {
    const int64_t blocks = n / CK_QK;
    __m256 even[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    __m256 odd[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        block_step(kind, rows, b, w, row_bytes, a, even);
        block_step(kind, rows, b + 1, w, row_bytes, a, odd);
    }
    if (b < blocks) block_step(kind, rows, b, w, row_bytes, a, even);
    for (int r = 0; r < rows; r++) out[r * out_step] = hsum_f32x8(_mm256_add_ps(even[r], odd[r]));
}

#define DOT_AND_ROWS(name, kind)                                                                     \
    CK_AVX2 static float dot_##name(int64_t n, const void *w, const void *a) {                      \
        float out;                                                                                   \
        dot_rows(kind, 1, n, w, 0, a, &out, 1);                                                      \
        return out;                                                                                  \
    }                                                                                                \
    CK_AVX2 static void rows_##name(int64_t n, const void *w, size_t row_bytes, int64_t rows,        \
                                    const void *a, float *out) {                                     \
        const uint8_t *first = w;                                                                    \
        const int64_t half = rows / 2;                                                               \
        for (int64_t r = 0; r < half; r++) {                                                         \
            dot_rows(kind, 2, n, first + r * row_bytes, (size_t)half * row_bytes, a, out + r, half); \
        }                                                                                            \
        if (rows % 2) dot_rows(kind, 1, n, first + (rows - 1) * row_bytes, 0, a, out + rows - 1, 1); \
    }

DOT_AND_ROWS(q4_0, KIND_Q4_0)
DOT_AND_ROWS(q5_0, KIND_Q5_0)
DOT_AND_ROWS(q8_0, KIND_Q8_0)

void ck_avx2_legacy_install(ck_kernel_table *table) {
    table->dot_q4_0 = dot_q4_0;
    table->dot_q5_0 = dot_q5_0;
    table->dot_q8_0 = dot_q8_0;
    table->rows_q4_0 = rows_q4_0;
    table->rows_q5_0 = rows_q5_0;
    table->rows_q8_0 = rows_q8_0;
}
#endif
