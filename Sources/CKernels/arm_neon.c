// ARM64 kernels for CPUs with the NEON dot-product extension (ARMv8.2 DotProd: Cortex-A76 /
// Raspberry Pi 5, Apple M1 and later), compiled with a per-function target attribute so a
// Cortex-A53 (no dot product) runs the same binary on the portable path. Arithmetic as
// ggml/src/ggml-cpu/arch/arm/quants.c (vdotq_s32 branches); integer parts exact. Prompts go
// through matrix-product tiles (Q4_0 / Q5_0 / Q8_0: 2 weight rows x 4 activation rows; Q4_K /
// Q6_K: 1 x 4) that unpack each weight block once for several activation rows and give the
// one-row dot products' bits. Checked under qemu (scripts/dev/arm64-kernel-check.sh); their
// speed on a Cortex-A76 has not been measured (no ARM hardware here).
#if defined(__aarch64__)
#include "ck_internal.h"
#include <arm_neon.h>

#define CK_DOTPROD __attribute__((target("dotprod")))

/// fp16 -> f32 with the FCVT instruction every ARM64 CPU has.
static inline float half_to_float(const uint8_t *p) {
    __fp16 h;
    memcpy(&h, p, 2);
    return (float)h;
}

// MARK: Q4_0 / Q5_0 / Q8_0 weights x Q8_0 activations

enum { KIND_Q4_0, KIND_Q5_0, KIND_Q8_0 };
#define ALWAYS_INLINE __attribute__((always_inline))

/// 0x10 in byte j where bit j of the 16 bits qh0 | qh1 << 8 is set (Q5_0's fifth bits).
CK_DOTPROD static inline ALWAYS_INLINE uint8x16_t fifth_bits_x16(uint8_t qh0, uint8_t qh1) {
    static const uint8_t bit_of_byte[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t spread = vcombine_u8(vdup_n_u8(qh0), vdup_n_u8(qh1));
    return vandq_u8(vtstq_u8(spread, vld1q_u8(bit_of_byte)), vdupq_n_u8(16));
}

/// The 32 quants of a weight block as signed bytes: values 0-15 in q[0], 16-31 in q[1].
CK_DOTPROD static inline ALWAYS_INLINE void weight_quants(int kind, const uint8_t *x, int8x16_t q[2]) {
    if (kind == KIND_Q5_0) {
        const uint8x16_t bits = vld1q_u8(x + 6);
        const uint8x16_t low = vorrq_u8(vandq_u8(bits, vdupq_n_u8(15)), fifth_bits_x16(x[2], x[3]));
        const uint8x16_t high = vorrq_u8(vshrq_n_u8(bits, 4), fifth_bits_x16(x[4], x[5]));
        q[0] = vsubq_s8(vreinterpretq_s8_u8(low), vdupq_n_s8(16));
        q[1] = vsubq_s8(vreinterpretq_s8_u8(high), vdupq_n_s8(16));
    } else if (kind == KIND_Q4_0) {
        const uint8x16_t bits = vld1q_u8(x + 2);
        q[0] = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(bits, vdupq_n_u8(15))), vdupq_n_s8(8));
        q[1] = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(bits, 4)), vdupq_n_s8(8));
    } else {
        q[0] = vld1q_s8((const int8_t *)(x + 2));
        q[1] = vld1q_s8((const int8_t *)(x + 18));
    }
}

/// acc + d_w d_a * (four partial sums of one weight block's quants q times activation block y).
CK_DOTPROD static inline ALWAYS_INLINE float32x4_t block_fma(const int8x16_t q[2], float dw, const uint8_t *y,
                                                             float32x4_t acc) {
    int32x4_t isum = vdotq_s32(vdupq_n_s32(0), q[0], vld1q_s8((const int8_t *)(y + 2)));
    isum = vdotq_s32(isum, q[1], vld1q_s8((const int8_t *)(y + 18)));
    return vfmaq_n_f32(acc, vcvtq_f32_s32(isum), dw * half_to_float(y));
}

/// acc[r][c] + the products of block b of weight row r with block b of activation row c, for
/// ROWS weight rows and COLUMNS activation rows: each weight block is unpacked once for all
/// columns, each activation block loaded once for all rows.
CK_DOTPROD static inline ALWAYS_INLINE void legacy_tile_block(int kind, int ROWS, int COLUMNS, int64_t b, const uint8_t *w,
                                                              size_t row_bytes, const uint8_t *a, size_t a_bytes,
                                                              float32x4_t acc[2][4]) {
    const size_t block_bytes = kind == KIND_Q4_0 ? CK_Q4_0_BYTES : kind == KIND_Q5_0 ? CK_Q5_0_BYTES : CK_Q8_0_BYTES;
    int8x16_t q[2][2];
    float dw[2];
    for (int r = 0; r < ROWS; r++) {
        const uint8_t *x = w + r * row_bytes + b * block_bytes;
        weight_quants(kind, x, q[r]);
        dw[r] = half_to_float(x);
    }
    for (int c = 0; c < COLUMNS; c++) {
        const uint8_t *y = a + c * a_bytes + b * CK_Q8_0_BYTES;
        for (int r = 0; r < ROWS; r++) acc[r][c] = block_fma(q[r], dw[r], y, acc[r][c]);
    }
}

/// out[c * out_stride + r] = dot(weight row r, activation row c) for ROWS weight rows
/// `row_bytes` apart and COLUMNS activation rows `a_bytes` apart (at most 2 x 4): each pair
/// sums its even blocks into one accumulator and its odd blocks into another, then adds the
/// two, so every tile shape gives the bits of the one-row dot (the tile of 1 x 1). 16
/// accumulators and the operands fit ARM64's 32 vector registers.
CK_DOTPROD static inline ALWAYS_INLINE void legacy_tile(int COLUMNS, int kind, int ROWS, int64_t blocks, const uint8_t *w,
                                                        size_t row_bytes, const uint8_t *a, size_t a_bytes, float *out,
                                                        int64_t out_stride) {
    float32x4_t even[2][4], odd[2][4];
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLUMNS; c++) even[r][c] = odd[r][c] = vdupq_n_f32(0.0f);
    }
    int64_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        legacy_tile_block(kind, ROWS, COLUMNS, b, w, row_bytes, a, a_bytes, even);
        legacy_tile_block(kind, ROWS, COLUMNS, b + 1, w, row_bytes, a, a_bytes, odd);
    }
    if (b < blocks) legacy_tile_block(kind, ROWS, COLUMNS, b, w, row_bytes, a, a_bytes, even);
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLUMNS; c++) out[c * out_stride + r] = vaddvq_f32(vaddq_f32(even[r][c], odd[r][c]));
    }
}

/// The tiles of `rows` (1 or 2) weight rows x `columns` activation rows (ck_tile_fn).
CK_DOTPROD static inline ALWAYS_INLINE void legacy_tiles(int kind, int rows, int64_t columns, int64_t n, const uint8_t *w,
                                                         size_t row_bytes, const uint8_t *a, size_t a_bytes, float *out,
                                                         int64_t out_stride) {
    const int64_t blocks = n / CK_QK;
    if (rows == 2) {
        CK_WITH_COLUMNS(columns, legacy_tile, kind, 2, blocks, w, row_bytes, a, a_bytes, out, out_stride)
    } else {
        CK_WITH_COLUMNS(columns, legacy_tile, kind, 1, blocks, w, row_bytes, a, a_bytes, out, out_stride)
    }
}

#define LEGACY_KERNELS(name, kind)                                                                 \
    CK_DOTPROD static float dot_##name(int64_t n, const void *w, const void *a) {                 \
        float out;                                                                                 \
        legacy_tile(1, kind, 1, n / CK_QK, w, 0, a, 0, &out, 0);                                   \
        return out;                                                                                \
    }                                                                                              \
    CK_DOTPROD static inline ALWAYS_INLINE void name##_tiles(int rows, int64_t columns, int64_t n, \
                                                             const uint8_t *w, size_t row_bytes,   \
                                                             const uint8_t *a, size_t a_bytes,     \
                                                             float *out, int64_t out_stride) {     \
        legacy_tiles(kind, rows, columns, n, w, row_bytes, a, a_bytes, out, out_stride);           \
    }                                                                                              \
    CK_DOTPROD static void matmul_##name(int64_t n, const void *w, size_t row_bytes, int64_t rows, \
                                         const void *a, size_t a_bytes, int64_t m, float *out,     \
                                         int64_t out_stride) {                                     \
        ck_blocked_product(name##_tiles, 2, n, w, row_bytes, rows, a, a_bytes, m, out, out_stride); \
    }

LEGACY_KERNELS(q4_0, KIND_Q4_0)
LEGACY_KERNELS(q5_0, KIND_Q5_0)
LEGACY_KERNELS(q8_0, KIND_Q8_0)

// MARK: K-quant weights x Q8_K activations

/// sum over the 8 sub-blocks of 32 of min_j * (sum of their activations), from the bsums.
CK_DOTPROD static inline int32_t k4_min_term(const uint8_t mins[8], const uint8_t *y) {
    const int16x8_t low = vreinterpretq_s16_u8(vld1q_u8(y + CK_Q8_K_BSUMS));
    const int16x8_t high = vreinterpretq_s16_u8(vld1q_u8(y + CK_Q8_K_BSUMS + 16));
    const int16x8_t sub_block_sums = vpaddq_s16(low, high);
    const int16x8_t mins16 = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(mins)));
    const int32x4_t products = vmlal_s16(vmull_s16(vget_low_s16(sub_block_sums), vget_low_s16(mins16)),
                                         vget_high_s16(sub_block_sums), vget_high_s16(mins16));
    return vaddvq_s32(products);
}

/// out[c * out_stride] = the Q4_K dot product of weight row w with activation row c, for
/// COLUMNS (at most 4) activation rows `a_bytes` apart: the row's nibbles and scales are
/// unpacked once per super-block for them all, and each column's sums run in the same order
/// for every COLUMNS (dot_q4_K is the tile of one column).
CK_DOTPROD static inline ALWAYS_INLINE void q4_K_tile(int COLUMNS, int64_t blocks, const uint8_t *w, const uint8_t *a,
                                                      size_t a_bytes, float *out, int64_t out_stride) {
    const uint8x16_t low_nibble = vdupq_n_u8(15);
    float sum[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int64_t b = 0; b < blocks; b++) {
        const uint8_t *x = w + b * CK_Q4_K_BYTES;
        uint8_t scales[8], mins[8];
        ck_unpack_k4_scales(x + 4, scales, mins);
        int32_t isum[4] = {0, 0, 0, 0};
        for (int chunk = 0; chunk < 4; chunk++) {
            const uint8_t *qs = x + 16 + 32 * chunk;
            const uint8x16_t bits0 = vld1q_u8(qs), bits1 = vld1q_u8(qs + 16);
            const int8x16_t low0 = vreinterpretq_s8_u8(vandq_u8(bits0, low_nibble));
            const int8x16_t low1 = vreinterpretq_s8_u8(vandq_u8(bits1, low_nibble));
            const int8x16_t high0 = vreinterpretq_s8_u8(vshrq_n_u8(bits0, 4));
            const int8x16_t high1 = vreinterpretq_s8_u8(vshrq_n_u8(bits1, 4));
            for (int c = 0; c < COLUMNS; c++) {
                const int8_t *q8 = (const int8_t *)(a + c * a_bytes + b * CK_Q8_K_BYTES + CK_Q8_K_QS) + 64 * chunk;
                int32x4_t low = vdotq_s32(vdupq_n_s32(0), low0, vld1q_s8(q8));
                low = vdotq_s32(low, low1, vld1q_s8(q8 + 16));
                int32x4_t high = vdotq_s32(vdupq_n_s32(0), high0, vld1q_s8(q8 + 32));
                high = vdotq_s32(high, high1, vld1q_s8(q8 + 48));
                isum[c] += vaddvq_s32(low) * scales[2 * chunk] + vaddvq_s32(high) * scales[2 * chunk + 1];
            }
        }
        for (int c = 0; c < COLUMNS; c++) {
            const uint8_t *y = a + c * a_bytes + b * CK_Q8_K_BYTES;
            const float da = ck_load_f32(y);
            sum[c] += half_to_float(x) * da * (float)isum[c];
            sum[c] -= half_to_float(x + 2) * da * (float)k4_min_term(mins, y);
        }
    }
    for (int c = 0; c < COLUMNS; c++) out[c * out_stride] = sum[c];
}

/// out[c * out_stride] = the Q6_K dot product of weight row w with activation row c, as
/// q4_K_tile does for Q4_K (dot_q6_K is the tile of one column).
CK_DOTPROD static inline ALWAYS_INLINE void q6_K_tile(int COLUMNS, int64_t blocks, const uint8_t *w, const uint8_t *a,
                                                      size_t a_bytes, float *out, int64_t out_stride) {
    const uint8x16_t low_nibble = vdupq_n_u8(15), two_bits = vdupq_n_u8(3);
    const int8x16_t offset = vdupq_n_s8(32);
    float sum[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int64_t b = 0; b < blocks; b++) {
        const uint8_t *x = w + b * CK_Q6_K_BYTES;
        const int8_t *scales = (const int8_t *)(x + CK_Q6_K_SCALES);
        int32_t isum[4] = {0, 0, 0, 0};
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = x + 64 * half, *qh = x + CK_Q6_K_QH + 32 * half;
            for (int sixteen = 0; sixteen < 2; sixteen++) {   // l = 16*sixteen ... +16
                const uint8x16_t l0 = vld1q_u8(ql + 16 * sixteen), l1 = vld1q_u8(ql + 32 + 16 * sixteen);
                const uint8x16_t h = vld1q_u8(qh + 16 * sixteen);
                int8x16_t values[4];   // parts 0-3: values 128*half + 32*part + 16*sixteen + i, minus 32
                values[0] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l0, low_nibble), vshlq_n_u8(vandq_u8(h, two_bits), 4)));
                values[1] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l1, low_nibble), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 2), two_bits), 4)));
                values[2] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 4), two_bits), 4)));
                values[3] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(h, 6), 4)));
                for (int part = 0; part < 4; part++) values[part] = vsubq_s8(values[part], offset);
                for (int c = 0; c < COLUMNS; c++) {
                    const int8_t *qa = (const int8_t *)(a + c * a_bytes + b * CK_Q8_K_BYTES + CK_Q8_K_QS);
                    for (int part = 0; part < 4; part++) {
                        const int8x16_t q8 = vld1q_s8(qa + 128 * half + 32 * part + 16 * sixteen);
                        const int32_t group_sum = vaddvq_s32(vdotq_s32(vdupq_n_s32(0), values[part], q8));
                        isum[c] += group_sum * scales[8 * half + 2 * part + sixteen];
                    }
                }
            }
        }
        for (int c = 0; c < COLUMNS; c++) {
            const uint8_t *y = a + c * a_bytes + b * CK_Q8_K_BYTES;
            sum[c] += half_to_float(x + CK_Q6_K_D) * ck_load_f32(y) * (float)isum[c];
        }
    }
    for (int c = 0; c < COLUMNS; c++) out[c * out_stride] = sum[c];
}

/// dot_q4_K / dot_q6_K (the tile of one column), the tiles of 1 weight row x `columns`
/// activation rows (ck_tile_fn; `rows` is always 1) and the matrix product.
#define K_KERNELS(name)                                                                            \
    CK_DOTPROD static float dot_##name(int64_t n, const void *w, const void *a) {                 \
        float out;                                                                                 \
        name##_tile(1, n / CK_QK_K, w, a, 0, &out, 0);                                             \
        return out;                                                                                \
    }                                                                                              \
    CK_DOTPROD static inline ALWAYS_INLINE void name##_tiles(int rows, int64_t columns, int64_t n, \
                                                             const uint8_t *w, size_t row_bytes,   \
                                                             const uint8_t *a, size_t a_bytes,     \
                                                             float *out, int64_t out_stride) {     \
        (void)rows, (void)row_bytes;                                                               \
        CK_WITH_COLUMNS(columns, name##_tile, n / CK_QK_K, w, a, a_bytes, out, out_stride)         \
    }                                                                                              \
    CK_DOTPROD static void matmul_##name(int64_t n, const void *w, size_t row_bytes, int64_t rows, \
                                         const void *a, size_t a_bytes, int64_t m, float *out,     \
                                         int64_t out_stride) {                                     \
        ck_blocked_product(name##_tiles, 1, n, w, row_bytes, rows, a, a_bytes, m, out, out_stride); \
    }

K_KERNELS(q4_K)
K_KERNELS(q6_K)

// MARK: float formats (NEON is part of every ARM64 CPU; fp16 <-> f32 conversion too)

static float dot_f32(int64_t n, const void *w, const void *a) {
    const float *x = w, *y = a;
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 4; k++) acc[k] = vfmaq_f32(acc[k], vld1q_f32(x + i + 4 * k), vld1q_f32(y + i + 4 * k));
    }
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(acc[0], acc[1]), vaddq_f32(acc[2], acc[3])));
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

static float dot_f16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 2; k++) {
            const float16x8_t xh = vreinterpretq_f16_u16(vld1q_u16(x + i + 8 * k));
            const float16x8_t yh = vreinterpretq_f16_u16(vld1q_u16(y + i + 8 * k));
            acc[2 * k] = vfmaq_f32(acc[2 * k], vcvt_f32_f16(vget_low_f16(xh)), vcvt_f32_f16(vget_low_f16(yh)));
            acc[2 * k + 1] = vfmaq_f32(acc[2 * k + 1], vcvt_high_f32_f16(xh), vcvt_high_f32_f16(yh));
        }
    }
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(acc[0], acc[1]), vaddq_f32(acc[2], acc[3])));
    for (; i < n; i++) sum += ck_half_to_float(x[i]) * ck_half_to_float(y[i]);
    return sum;
}

/// 8 bfloat16 values as floats, in two halves: the bits moved up by 16.
static inline float32x4_t bf16_low(uint16x8_t v) { return vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(v), 16)); }
static inline float32x4_t bf16_high(uint16x8_t v) { return vreinterpretq_f32_u32(vshll_high_n_u16(v, 16)); }

static float dot_bf16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 2; k++) {
            const uint16x8_t xv = vld1q_u16(x + i + 8 * k), yv = vld1q_u16(y + i + 8 * k);
            acc[2 * k] = vfmaq_f32(acc[2 * k], bf16_low(xv), bf16_low(yv));
            acc[2 * k + 1] = vfmaq_f32(acc[2 * k + 1], bf16_high(xv), bf16_high(yv));
        }
    }
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(acc[0], acc[1]), vaddq_f32(acc[2], acc[3])));
    for (; i < n; i++) sum += ck_bf16_to_float(x[i]) * ck_bf16_to_float(y[i]);
    return sum;
}

static float dot_f16_f32(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w;
    const float *y = a;
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 2; k++) {
            const float16x8_t xh = vreinterpretq_f16_u16(vld1q_u16(x + i + 8 * k));
            acc[2 * k] = vfmaq_f32(acc[2 * k], vcvt_f32_f16(vget_low_f16(xh)), vld1q_f32(y + i + 8 * k));
            acc[2 * k + 1] = vfmaq_f32(acc[2 * k + 1], vcvt_high_f32_f16(xh), vld1q_f32(y + i + 8 * k + 4));
        }
    }
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(acc[0], acc[1]), vaddq_f32(acc[2], acc[3])));
    for (; i < n; i++) sum += ck_half_to_float(x[i]) * y[i];
    return sum;
}

static void axpy_f16(int64_t n, float a, const void *x, float *y) {
    const uint16_t *v = x;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float16x8_t h = vreinterpretq_f16_u16(vld1q_u16(v + i));
        vst1q_f32(y + i, vfmaq_n_f32(vld1q_f32(y + i), vcvt_f32_f16(vget_low_f16(h)), a));
        vst1q_f32(y + i + 4, vfmaq_n_f32(vld1q_f32(y + i + 4), vcvt_high_f32_f16(h), a));
    }
    for (; i < n; i++) y[i] += a * ck_half_to_float(v[i]);
}

void ck_neon_dotprod_install(ck_kernel_table *table) {
    table->dot_q4_0 = dot_q4_0;
    table->dot_q8_0 = dot_q8_0;
    table->dot_q5_0 = dot_q5_0;
    table->matmul_q4_0 = matmul_q4_0;
    table->matmul_q5_0 = matmul_q5_0;
    table->matmul_q8_0 = matmul_q8_0;
    table->dot_q4_K = dot_q4_K;
    table->dot_q6_K = dot_q6_K;
    table->matmul_q4_K = matmul_q4_K;
    table->matmul_q6_K = matmul_q6_K;
    table->dot_f16 = dot_f16;
    table->dot_bf16 = dot_bf16;
    table->dot_f32 = dot_f32;
    table->dot_f16_f32 = dot_f16_f32;
    table->axpy_f16 = axpy_f16;
    strcpy(table->features, "NEON DOTPROD");
}
#endif
