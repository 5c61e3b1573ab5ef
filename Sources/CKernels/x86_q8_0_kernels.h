// Dot products of Q4_0 / Q5_0 / Q8_0 weights with Q8_0 activations, for one row (the
// ck_dot_* functions), for four rows at a time (ck_matvec), which then share each activation
// block's load, scale and offset, and for tiles of several weight rows x several activation
// rows (ck_matmul), which share each weight block's unpacking as well. All give bit-identical
// results: every (row, activation) pair sums its blocks in order into one accumulator. The
// four rows of ck_matvec are taken from the four quarters of the range (r, r + rows/4, ...):
// distant streams read from memory faster than adjacent rows, whose interleaved reads confuse
// the hardware prefetcher. Q4_0 matvec from memory, one thread (scripts/dev/kernel-bench.sh):
// 6.7 GB/s with two streams, 8.3-8.7 with four; 9.8 GB/s is a plain read.
// Included once by each x86_int8*.c (see x86_avx2.h for the variants).
//
// Integer part of a block, as ggml's AVX2 code: Q8_0 weights use the sign trick (the byte
// products take unsigned by signed bytes, so the weight's sign moves onto the activation).
// Q4_0 / Q5_0 quants are unsigned (0..15 / 0..31); their offset 8 / 16 is taken off as
// -(offset . q_a), computed once per activation block: (q - 8) . a = q . a - 8 . a, exactly.
#include "x86_avx2.h"
#include <stdlib.h>

enum { KIND_Q4_0, KIND_Q5_0, KIND_Q8_0 };
#define ALWAYS_INLINE __attribute__((always_inline))

/// 32 nibbles of a Q4_0 / Q5_0 block: low nibbles in bytes 0-15, high nibbles in 16-31.
CK_INT8 static inline __m256i nibbles_x32(const uint8_t *qs) {
    const __m128i packed = _mm_loadu_si128((const __m128i *)qs);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
    return _mm256_and_si256(both, _mm256_set1_epi8(15));
}

/// Byte j = 0x10 where bit j of Q5_0's 32-bit qh is set: byte j/8 of qh is broadcast to
/// bytes 8*(j/8) ... and each tested against its own bit.
CK_INT8 static inline __m256i fifth_bits_x32(const uint8_t *qh) {
    const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    const __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)ck_load_u32(qh)), spread);
    const __m256i has_bit = _mm256_cmpeq_epi8(_mm256_and_si256(bytes, bit), bit);
    return _mm256_and_si256(has_bit, _mm256_set1_epi8(16));
}

/// The 32 quants of a weight block as bytes: unsigned 0..15 (Q4_0), 0..31 (Q5_0), or signed (Q8_0).
CK_INT8 static inline ALWAYS_INLINE __m256i weight_quants(int kind, const uint8_t *x) {
    switch (kind) {
    case KIND_Q4_0: return nibbles_x32(x + 2);
    case KIND_Q5_0: return _mm256_or_si256(nibbles_x32(x + 6), fifth_bits_x32(x + 2));
    default: return _mm256_loadu_si256((const __m256i *)(x + 2));
    }
}

/// -(offset . q_a) by groups of four for Q4_0 / Q5_0 (what the unsigned quants' offset 8 / 16
/// takes off each lane); zero for Q8_0.
CK_INT8 static inline ALWAYS_INLINE __m256i activation_offset(int kind, __m256i qa) {
    const __m256i zero = _mm256_setzero_si256();
    return kind == KIND_Q8_0 ? zero
        : _mm256_sub_epi32(zero, dot_u8s8_x8(zero, _mm256_set1_epi8(kind == KIND_Q4_0 ? 8 : 16), qa));
}

/// Eight int32 partial sums of sum((q_w - offset) * q_a) over one block, from weight_quants
/// and activation_offset.
CK_INT8 static inline ALWAYS_INLINE __m256i quant_sums(int kind, __m256i qw, __m256i qa, __m256i offset) {
    return kind == KIND_Q8_0 ? dot_u8s8_x8(_mm256_setzero_si256(), _mm256_sign_epi8(qw, qw), _mm256_sign_epi8(qa, qw))
                             : dot_u8s8_x8(offset, qw, qa);
}

CK_INT8 static inline ALWAYS_INLINE size_t weight_block_bytes(int kind) {
    return kind == KIND_Q4_0 ? CK_Q4_0_BYTES : kind == KIND_Q5_0 ? CK_Q5_0_BYTES : CK_Q8_0_BYTES;
}

/// out[c * out_stride + r * row_step] = dot(weight row r, activation row c) for ROWS weight rows
/// `row_bytes` apart and COLUMNS activation rows `a_bytes` apart (each at most 4): per block,
/// acc += (d_w * d_a) * float(quant sums), in block order, then a horizontal sum, so every
/// tile shape gives the same bits.
CK_INT8 static inline ALWAYS_INLINE void tile(int kind, int ROWS, int COLUMNS, int64_t n, const uint8_t *w, size_t row_bytes,
                                              const uint8_t *a, size_t a_bytes, float *out, int64_t out_stride,
                                              int64_t row_step) {
    const size_t block_bytes = weight_block_bytes(kind);
    __m256 acc[4][4];
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLUMNS; c++) acc[r][c] = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < n / CK_QK; b++) {
        __m256i qw[4];
        float dw[4];
        for (int r = 0; r < ROWS; r++) {
            const uint8_t *x = w + r * row_bytes + b * block_bytes;
            qw[r] = weight_quants(kind, x);
            dw[r] = half_to_float(x);
        }
        for (int c = 0; c < COLUMNS; c++) {
            const uint8_t *y = a + c * a_bytes + b * CK_Q8_0_BYTES;
            const __m256i qa = _mm256_loadu_si256((const __m256i *)(y + 2));
            const __m256i offset = activation_offset(kind, qa);
            const float da = half_to_float(y);
            for (int r = 0; r < ROWS; r++) {
                const __m256 d = _mm256_set1_ps(dw[r] * da);
                acc[r][c] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(quant_sums(kind, qw[r], qa, offset)), acc[r][c]);
            }
        }
    }
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLUMNS; c++) out[c * out_stride + r * row_step] = hsum_f32x8(acc[r][c]);
    }
}

/// out[r * out_step] = dot(row r, a) for `rows` (1 or 4) rows `row_bytes` apart.
CK_INT8 static inline ALWAYS_INLINE void dot_rows(int kind, int rows, int64_t n, const uint8_t *w, size_t row_bytes,
                                                  const uint8_t *a, float *out, int64_t out_step) {
    if (rows == 4) tile(kind, 4, 1, n, w, row_bytes, a, 0, out, 0, out_step);
    else tile(kind, 1, 1, n, w, row_bytes, a, 0, out, 0, out_step);
}

enum { GROUP_COLUMNS = 4 };

/// A group of up to GROUP_COLUMNS activation rows laid out for the matrix product, one record
/// per block: the rows' 32 quants each, then their offsets for Q4_0 / Q5_0
/// (activation_offset; what the tile would otherwise compute per weight row), then their
/// scales d_a as floats. One pointer reaches all of a block's data at fixed displacements.
enum {
    PREPARED_QUANTS = 0, PREPARED_OFFSETS = 32 * GROUP_COLUMNS, PREPARED_SCALES = 64 * GROUP_COLUMNS,
    PREPARED_BYTES = 68 * GROUP_COLUMNS,
};

CK_INT8 static inline ALWAYS_INLINE void prepare_columns(int kind, int columns, int64_t blocks, const uint8_t *a,
                                                         size_t a_bytes, uint8_t *prepared) {
    for (int64_t b = 0; b < blocks; b++) {
        uint8_t *record = prepared + b * PREPARED_BYTES;
        for (int c = 0; c < columns; c++) {
            const uint8_t *y = a + c * a_bytes + b * CK_Q8_0_BYTES;
            const __m256i qa = _mm256_loadu_si256((const __m256i *)(y + 2));
            _mm256_storeu_si256((__m256i *)(record + PREPARED_QUANTS + 32 * c), qa);
            if (kind != KIND_Q8_0) {
                _mm256_storeu_si256((__m256i *)(record + PREPARED_OFFSETS + 32 * c), activation_offset(kind, qa));
            }
            const float scale = half_to_float(y);
            memcpy(record + PREPARED_SCALES + 4 * c, &scale, 4);
        }
    }
}

/// out[c * out_stride + r] = dot(weight row r, activation row c) for ROWS weight rows and
/// COLUMNS prepared activation rows (COLUMNS at most GROUP_COLUMNS), with the arithmetic of
/// `tile` (so the same bits): per block, each weight row is unpacked once and meets every
/// activation row in turn; the accumulators, one weight block and a few temporaries fit the
/// 16 vector registers.
CK_INT8 static inline ALWAYS_INLINE void prepared_tile(int COLUMNS, int kind, int ROWS, int64_t blocks, const uint8_t *w,
                                                       size_t row_bytes, const uint8_t *prepared, float *out,
                                                       int64_t out_stride) {
    const size_t block_bytes = weight_block_bytes(kind);
    __m256 acc[4][GROUP_COLUMNS];
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLUMNS; c++) acc[r][c] = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < blocks; b++) {
        for (int r = 0; r < ROWS; r++) {
            const uint8_t *x = w + r * row_bytes + b * block_bytes;
            const __m256i qw = weight_quants(kind, x);
            const __m256i magnitudes = kind == KIND_Q8_0 ? _mm256_sign_epi8(qw, qw) : qw;
            __m256 dw = _mm256_set1_ps(half_to_float(x));
            // Empty asm statements hide that dw is a splat and that each row reads what the
            // previous row read: otherwise clang keeps the whole record in registers (spilling
            // the accumulators) and multiplies the scales as scalars, ~1.4x slower.
            const uint8_t *record = prepared + b * PREPARED_BYTES;
            __asm__("" : "+x"(dw), "+r"(record));
            for (int c = 0; c < COLUMNS; c++) {
                const __m256i qa = _mm256_loadu_si256((const __m256i *)(record + PREPARED_QUANTS + 32 * c));
                const __m256i isum = kind == KIND_Q8_0
                    ? dot_u8s8_x8(_mm256_setzero_si256(), magnitudes, _mm256_sign_epi8(qa, qw))
                    : dot_u8s8_x8(_mm256_loadu_si256((const __m256i *)(record + PREPARED_OFFSETS + 32 * c)), qw, qa);
                const __m256 sums = _mm256_cvtepi32_ps(isum);
                const __m256 d = _mm256_mul_ps(dw, _mm256_broadcast_ss((const float *)(record + PREPARED_SCALES + 4 * c)));
                acc[r][c] = _mm256_fmadd_ps(d, sums, acc[r][c]);
            }
        }
    }
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLUMNS; c++) out[c * out_stride + r] = hsum_f32x8(acc[r][c]);
    }
}


/// prepared_tile for 1 ... GROUP_COLUMNS activation rows.
CK_INT8 static inline ALWAYS_INLINE void prepared_tile_columns(int kind, int ROWS, int columns, int64_t blocks,
                                                               const uint8_t *w, size_t row_bytes, const uint8_t *prepared,
                                                               float *out, int64_t out_stride) {
    CK_WITH_COLUMNS(columns, prepared_tile, kind, ROWS, blocks, w, row_bytes, prepared, out, out_stride)
}

/// The matrix product out[c * out_stride + r] for r < rows, c < m: weight rows in blocks of
/// about 128 KiB that stay in the level-2 cache; for each block, groups of GROUP_COLUMNS
/// activation rows (prepared once per block, then in the level-1 cache) meet every weight
/// row of the block in tiles of ROWS rows. Returns -1 when the scratch cannot be allocated.
CK_INT8 static inline ALWAYS_INLINE int prepared_product(int kind, int ROWS, int64_t n, const uint8_t *w,
                                                         size_t row_bytes, int64_t rows, const uint8_t *a,
                                                         size_t a_bytes, int64_t m, float *out, int64_t out_stride) {
    const int64_t blocks = n / CK_QK;
    uint8_t *prepared = malloc((size_t)blocks * PREPARED_BYTES + 1);
    if (!prepared) return -1;
    const int64_t block_rows = ck_block_rows(row_bytes, ROWS);
    for (int64_t r0 = 0; r0 < rows; r0 += block_rows) {
        const int64_t r1 = r0 + block_rows < rows ? r0 + block_rows : rows;
        for (int64_t c0 = 0; c0 < m; c0 += GROUP_COLUMNS) {
            const int columns = m - c0 < GROUP_COLUMNS ? (int)(m - c0) : GROUP_COLUMNS;
            const uint8_t *activations = a + (size_t)c0 * a_bytes;
            prepare_columns(kind, columns, blocks, activations, a_bytes, prepared);
            int64_t r = r0;
            for (; r + ROWS <= r1; r += ROWS) {
                prepared_tile_columns(kind, ROWS, columns, blocks, w + (size_t)r * row_bytes, row_bytes, prepared,
                                      out + c0 * out_stride + r, out_stride);
            }
            for (; r < r1; r++) {
                prepared_tile_columns(kind, 1, columns, blocks, w + (size_t)r * row_bytes, row_bytes, prepared,
                                      out + c0 * out_stride + r, out_stride);
            }
        }
    }
    free(prepared);
    return 0;
}

#define DOT_AND_ROWS(name, kind)                                                                     \
    CK_INT8 static float dot_##name(int64_t n, const void *w, const void *a) {                      \
        float out;                                                                                   \
        dot_rows(kind, 1, n, w, 0, a, &out, 1);                                                      \
        return out;                                                                                  \
    }                                                                                                \
    CK_INT8 static void rows_##name(int64_t n, const void *w, size_t row_bytes, int64_t rows,        \
                                    const void *a, float *out) {                                     \
        const uint8_t *first = w;                                                                    \
        const int64_t quarter = rows / 4;                                                            \
        for (int64_t r = 0; r < quarter; r++) {                                                      \
            dot_rows(kind, 4, n, first + r * row_bytes, (size_t)quarter * row_bytes, a, out + r,     \
                     quarter);                                                                       \
        }                                                                                            \
        for (int64_t r = 4 * quarter; r < rows; r++) {                                               \
            dot_rows(kind, 1, n, first + r * row_bytes, 0, a, out + r, 1);                           \
        }                                                                                            \
    }                                                                                                \
    CK_INT8 static void matmul_##name(int64_t n, const void *w, size_t row_bytes, int64_t rows,      \
                                      const void *a, size_t a_bytes, int64_t m, float *out,          \
                                      int64_t out_stride) {                                          \
        if (prepared_product(kind, TILE_ROWS_##name, n, w, row_bytes, rows, a, a_bytes, m, out,        \
                             out_stride) == 0) return;                                               \
        for (int64_t c = 0; c < m; c++) rows_##name(n, w, row_bytes, rows,                            \
                                                    (const uint8_t *)a + c * a_bytes, out + c * out_stride); \
    }

// Tile shapes of the matrix product: ROWS weight rows x GROUP_COLUMNS activation rows.
enum { TILE_ROWS_q4_0 = 2, TILE_ROWS_q5_0 = 2, TILE_ROWS_q8_0 = 2 };

DOT_AND_ROWS(q4_0, KIND_Q4_0)
DOT_AND_ROWS(q5_0, KIND_Q5_0)
DOT_AND_ROWS(q8_0, KIND_Q8_0)

static void install_q8_0_kernels(ck_kernel_table *table) {
    table->dot_q4_0 = dot_q4_0;
    table->dot_q5_0 = dot_q5_0;
    table->dot_q8_0 = dot_q8_0;
    table->rows_q4_0 = rows_q4_0;
    table->rows_q5_0 = rows_q5_0;
    table->rows_q8_0 = rows_q8_0;
    table->matmul_q4_0 = matmul_q4_0;
    table->matmul_q5_0 = matmul_q5_0;
    table->matmul_q8_0 = matmul_q8_0;
}
