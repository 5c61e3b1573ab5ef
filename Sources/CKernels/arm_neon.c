// ARM64 kernels for CPUs with the NEON dot-product extension (ARMv8.2 DotProd: Cortex-A76 /
// Raspberry Pi 5, Apple M1 and later), compiled with a per-function target attribute so a
// Cortex-A53 (no dot product) runs the same binary on the portable path. Arithmetic as
// ggml/src/ggml-cpu/arch/arm/quants.c (vdotq_s32 branches); integer parts exact.
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

// MARK: Q4_0 / Q8_0 weights x Q8_0 activations

/// acc + d_w d_a * (four partial sums of one Q4_0 x Q8_0 block).
CK_DOTPROD static inline float32x4_t q4_0_block(const uint8_t *x, const uint8_t *y, float32x4_t acc) {
    const uint8x16_t bits = vld1q_u8(x + 2);
    const int8x16_t low = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(bits, vdupq_n_u8(15))), vdupq_n_s8(8));
    const int8x16_t high = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(bits, 4)), vdupq_n_s8(8));
    int32x4_t isum = vdotq_s32(vdupq_n_s32(0), low, vld1q_s8((const int8_t *)(y + 2)));
    isum = vdotq_s32(isum, high, vld1q_s8((const int8_t *)(y + 18)));
    return vfmaq_n_f32(acc, vcvtq_f32_s32(isum), half_to_float(x) * half_to_float(y));
}

/// acc + d_w d_a * (four partial sums of one Q8_0 x Q8_0 block).
CK_DOTPROD static inline float32x4_t q8_0_block(const uint8_t *x, const uint8_t *y, float32x4_t acc) {
    int32x4_t isum = vdotq_s32(vdupq_n_s32(0), vld1q_s8((const int8_t *)(x + 2)), vld1q_s8((const int8_t *)(y + 2)));
    isum = vdotq_s32(isum, vld1q_s8((const int8_t *)(x + 18)), vld1q_s8((const int8_t *)(y + 18)));
    return vfmaq_n_f32(acc, vcvtq_f32_s32(isum), half_to_float(x) * half_to_float(y));
}

// two blocks a step into two accumulators, so consecutive FMAs do not wait on each other
#define LEGACY_DOT(name, weight_bytes)                                                            \
    CK_DOTPROD static float dot_##name(int64_t n, const void *w, const void *a) {               \
        const uint8_t *x = w, *y = a;                                                           \
        const int64_t blocks = n / CK_QK;                                                       \
        float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);                         \
        int64_t b = 0;                                                                          \
        for (; b + 2 <= blocks; b += 2, x += 2 * (weight_bytes), y += 2 * CK_Q8_0_BYTES) {      \
            acc0 = name##_block(x, y, acc0);                                                    \
            acc1 = name##_block(x + (weight_bytes), y + CK_Q8_0_BYTES, acc1);                   \
        }                                                                                       \
        if (b < blocks) acc0 = name##_block(x, y, acc0);                                        \
        return vaddvq_f32(vaddq_f32(acc0, acc1));                                               \
    }

LEGACY_DOT(q4_0, CK_Q4_0_BYTES)
LEGACY_DOT(q8_0, CK_Q8_0_BYTES)

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

CK_DOTPROD static float dot_q4_K(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    const uint8x16_t low_nibble = vdupq_n_u8(15);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK_K; b++, x += CK_Q4_K_BYTES, y += CK_Q8_K_BYTES) {
        uint8_t scales[8], mins[8];
        ck_unpack_k4_scales(x + 4, scales, mins);
        const int8_t *qa = (const int8_t *)(y + CK_Q8_K_QS);
        int32_t isum = 0;
        for (int chunk = 0; chunk < 4; chunk++) {
            const uint8_t *qs = x + 16 + 32 * chunk;
            const int8_t *q8 = qa + 64 * chunk;
            const uint8x16_t bits0 = vld1q_u8(qs), bits1 = vld1q_u8(qs + 16);
            int32x4_t low = vdotq_s32(vdupq_n_s32(0), vreinterpretq_s8_u8(vandq_u8(bits0, low_nibble)), vld1q_s8(q8));
            low = vdotq_s32(low, vreinterpretq_s8_u8(vandq_u8(bits1, low_nibble)), vld1q_s8(q8 + 16));
            int32x4_t high = vdotq_s32(vdupq_n_s32(0), vreinterpretq_s8_u8(vshrq_n_u8(bits0, 4)), vld1q_s8(q8 + 32));
            high = vdotq_s32(high, vreinterpretq_s8_u8(vshrq_n_u8(bits1, 4)), vld1q_s8(q8 + 48));
            isum += vaddvq_s32(low) * scales[2 * chunk] + vaddvq_s32(high) * scales[2 * chunk + 1];
        }
        const float da = ck_load_f32(y);
        sum += half_to_float(x) * da * (float)isum;
        sum -= half_to_float(x + 2) * da * (float)k4_min_term(mins, y);
    }
    return sum;
}

CK_DOTPROD static float dot_q6_K(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    const uint8x16_t low_nibble = vdupq_n_u8(15), two_bits = vdupq_n_u8(3);
    const int8x16_t offset = vdupq_n_s8(32);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK_K; b++, x += CK_Q6_K_BYTES, y += CK_Q8_K_BYTES) {
        const int8_t *scales = (const int8_t *)(x + CK_Q6_K_SCALES);
        const int8_t *qa = (const int8_t *)(y + CK_Q8_K_QS);
        int32_t isum = 0;
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = x + 64 * half, *qh = x + CK_Q6_K_QH + 32 * half;
            for (int sixteen = 0; sixteen < 2; sixteen++) {   // l = 16*sixteen ... +16
                const uint8x16_t l0 = vld1q_u8(ql + 16 * sixteen), l1 = vld1q_u8(ql + 32 + 16 * sixteen);
                const uint8x16_t h = vld1q_u8(qh + 16 * sixteen);
                int8x16_t values[4];   // parts 0-3: values 128*half + 32*part + 16*sixteen + i
                values[0] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l0, low_nibble), vshlq_n_u8(vandq_u8(h, two_bits), 4)));
                values[1] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l1, low_nibble), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 2), two_bits), 4)));
                values[2] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(h, 4), two_bits), 4)));
                values[3] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(h, 6), 4)));
                for (int part = 0; part < 4; part++) {
                    const int8x16_t v = vsubq_s8(values[part], offset);
                    const int8x16_t q8 = vld1q_s8(qa + 128 * half + 32 * part + 16 * sixteen);
                    const int32_t group_sum = vaddvq_s32(vdotq_s32(vdupq_n_s32(0), v, q8));
                    isum += group_sum * scales[8 * half + 2 * part + sixteen];
                }
            }
        }
        sum += half_to_float(x + CK_Q6_K_D) * ck_load_f32(y) * (float)isum;
    }
    return sum;
}

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
    table->dot_q4_K = dot_q4_K;
    table->dot_q6_K = dot_q6_K;
    table->dot_f16 = dot_f16;
    table->dot_f32 = dot_f32;
    table->dot_f16_f32 = dot_f16_f32;
    table->axpy_f16 = axpy_f16;
    strcpy(table->features, "NEON DOTPROD");
}
#endif
