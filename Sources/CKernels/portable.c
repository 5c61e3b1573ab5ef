// Portable C kernels: every CKernels function for any CPU, with ggml's scalar arithmetic
// (ggml/src/ggml-quants.c quantize_row_*_ref, ggml/src/ggml-cpu/quants.c *_generic).
// They are also the reference that the SIMD paths are tested against.
#include "ck_internal.h"
#include <math.h>

// MARK: activation rows

/// One Q8_0 quant from x * (1/d) (x * (127/amax) for the x86 variant), converted as each
/// ggml build converts it. Finite data never leaves -127.5 ... 127.5; beyond (a NaN in the
/// block, or a subnormal d whose inverse overflows) the builds differ: the reference's
/// (int8_t) cast truncates cvttss2si's int32 (NaN and overflow: INT32_MIN) to its low byte,
/// the x86 code packs that int32 with saturation, and ARM's vcvtnq saturates (NaN: 0)
/// before the low byte is kept.
static int8_t q8_0_quant(float product, int variant) {
    const float rounded = variant == CK_Q8_0_REFERENCE ? roundf(product) : rintf(product);
    const int in_range = rounded >= -2147483648.0f && rounded < 2147483648.0f;
    if (variant == CK_Q8_0_ARM) {
        const int32_t i = rounded != rounded ? 0 : in_range ? (int32_t)rounded : rounded > 0 ? INT32_MAX : INT32_MIN;
        return (int8_t)(uint8_t)(uint32_t)i;
    }
    const int32_t i = in_range ? (int32_t)rounded : INT32_MIN;
    if (variant == CK_Q8_0_X86) return (int8_t)(i < -128 ? -128 : i > 127 ? 127 : i);
    return (int8_t)(uint8_t)(uint32_t)i;
}

void ck_quantize_q8_0_block(const float *x, uint8_t *block, int variant) {
    float amax = 0.0f;
    for (int j = 0; j < CK_QK; j++) amax = amax > fabsf(x[j]) ? amax : fabsf(x[j]);   // ggml's MAX
    const float d = amax / 127.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    if (variant == CK_Q8_0_X86) id = amax != 0.0f ? 127.0f / amax : 0.0f;
    const uint16_t dh = ck_float_to_half(d);
    memcpy(block, &dh, 2);
    for (int j = 0; j < CK_QK; j++) block[2 + j] = (uint8_t)q8_0_quant(x[j] * id, variant);
}

static void quantize_q8_0(const float *x, void *out, int64_t n, int variant) {
    uint8_t *block = out;
    for (int64_t b = 0; b < n / CK_QK; b++) ck_quantize_q8_0_block(x + b * CK_QK, block + b * CK_Q8_0_BYTES, variant);
}

/// min(127, nearest_int(v)) stored as int8 as ggml does: nearest_int's magic-number trick
/// maps NaN to 0 and +-infinity to -4194304 (low byte 0); products beyond its range only
/// arise from an infinite iscale.
static int8_t q8_K_quant(float product) {
    if (product != product) return 0;
    if (product >= 4194304.0f) return 127;                 // as ggml's +infinity: min(127, ...)
    if (product <= -4194304.0f) return 0;                  // -4194304 & 0xff
    const int v = (int)rintf(product);                     // round half to even
    return (int8_t)(uint8_t)(v > 127 ? 127 : v);
}

void ck_quantize_q8_K_block(const float *x, uint8_t *block) {
    int8_t *q = (int8_t *)(block + CK_Q8_K_QS);
    float max = 0.0f, amax = 0.0f;
    for (int j = 0; j < CK_QK_K; j++) {
        if (fabsf(x[j]) > amax) { amax = fabsf(x[j]); max = x[j]; }
    }
    if (amax == 0.0f) {
        memset(block, 0, CK_Q8_K_BYTES);
        return;
    }
    const float iscale = -127.0f / max;
    for (int j = 0; j < CK_QK_K; j++) q[j] = q8_K_quant(iscale * x[j]);
    for (int g = 0; g < CK_QK_K / 16; g++) {
        int16_t sum = 0;
        for (int j = 0; j < 16; j++) sum = (int16_t)(sum + q[16 * g + j]);
        memcpy(block + CK_Q8_K_BSUMS + 2 * g, &sum, 2);
    }
    const float d = 1.0f / iscale;
    memcpy(block, &d, 4);
}

static void quantize_q8_K(const float *x, void *out, int64_t n) {
    uint8_t *block = out;
    for (int64_t b = 0; b < n / CK_QK_K; b++) ck_quantize_q8_K_block(x + b * CK_QK_K, block + b * CK_Q8_K_BYTES);
}

static void convert_f16(const float *x, void *out, int64_t n) {
    uint16_t *h = out;
    for (int64_t i = 0; i < n; i++) h[i] = ck_float_to_half(x[i]);
}

static void convert_bf16(const float *x, void *out, int64_t n) {
    uint16_t *h = out;
    for (int64_t i = 0; i < n; i++) h[i] = ck_float_to_bf16(x[i]);
}

// MARK: Q4_0 / Q5_0 / Q8_0 weights x Q8_0 activations

static float dot_q4_0(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK; b++, x += CK_Q4_0_BYTES, y += CK_Q8_0_BYTES) {
        const int8_t *qa = (const int8_t *)(y + 2);
        int32_t isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += ((x[2 + j] & 15) - 8) * qa[j];
            isum += ((x[2 + j] >> 4) - 8) * qa[j + 16];
        }
        sum += (float)isum * ck_half_to_float(ck_load_u16(x)) * ck_half_to_float(ck_load_u16(y));
    }
    return sum;
}

static float dot_q5_0(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK; b++, x += CK_Q5_0_BYTES, y += CK_Q8_0_BYTES) {
        const uint32_t high = ck_load_u32(x + 2);
        const uint8_t *qs = x + 6;
        const int8_t *qa = (const int8_t *)(y + 2);
        int32_t isum = 0;
        for (int j = 0; j < 16; j++) {
            const int low = (qs[j] & 15) | (int)(((high >> j) & 1u) << 4);
            const int upper = (qs[j] >> 4) | (int)(((high >> (j + 16)) & 1u) << 4);
            isum += (low - 16) * qa[j] + (upper - 16) * qa[j + 16];
        }
        sum += (ck_half_to_float(ck_load_u16(x)) * ck_half_to_float(ck_load_u16(y))) * (float)isum;
    }
    return sum;
}

static float dot_q8_0(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK; b++, x += CK_Q8_0_BYTES, y += CK_Q8_0_BYTES) {
        const int8_t *qw = (const int8_t *)(x + 2), *qa = (const int8_t *)(y + 2);
        int32_t isum = 0;
        for (int j = 0; j < CK_QK; j++) isum += qw[j] * qa[j];
        sum += (float)isum * (ck_half_to_float(ck_load_u16(x)) * ck_half_to_float(ck_load_u16(y)));
    }
    return sum;
}

// MARK: K-quant weights x Q8_K activations

/// sum over the 8 sub-blocks of 32 of min_j * (sum of their 32 activations), from bsums.
static int32_t k4_min_term(const uint8_t mins[8], const uint8_t *y) {
    int32_t sum = 0;
    for (int g = 0; g < 16; g++) sum += ck_load_i16(y + CK_Q8_K_BSUMS + 2 * g) * mins[g / 2];
    return sum;
}

static float dot_q4_K(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK_K; b++, x += CK_Q4_K_BYTES, y += CK_Q8_K_BYTES) {
        uint8_t scales[8], mins[8];
        ck_unpack_k4_scales(x + 4, scales, mins);
        const uint8_t *qs = x + 16;
        const int8_t *qa = (const int8_t *)(y + CK_Q8_K_QS);
        int32_t isum = 0;
        for (int chunk = 0; chunk < 4; chunk++, qs += 32, qa += 64) {
            int32_t low = 0, high = 0;
            for (int l = 0; l < 32; l++) {
                low += (qs[l] & 15) * qa[l];
                high += (qs[l] >> 4) * qa[l + 32];
            }
            isum += scales[2 * chunk] * low + scales[2 * chunk + 1] * high;
        }
        const float da = ck_load_f32(y);
        sum += ck_half_to_float(ck_load_u16(x)) * da * (float)isum;
        sum -= ck_half_to_float(ck_load_u16(x + 2)) * da * (float)k4_min_term(mins, y);
    }
    return sum;
}

static float dot_q5_K(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK_K; b++, x += CK_Q5_K_BYTES, y += CK_Q8_K_BYTES) {
        uint8_t scales[8], mins[8];
        ck_unpack_k4_scales(x + 4, scales, mins);
        const uint8_t *qh = x + CK_Q5_K_QH, *qs = x + CK_Q5_K_QS;
        const int8_t *qa = (const int8_t *)(y + CK_Q8_K_QS);
        int32_t isum = 0;
        for (int chunk = 0; chunk < 4; chunk++, qs += 32, qa += 64) {
            int32_t low = 0, high = 0;
            for (int l = 0; l < 32; l++) {
                low += ((qs[l] & 15) | (((qh[l] >> (2 * chunk)) & 1) << 4)) * qa[l];
                high += ((qs[l] >> 4) | (((qh[l] >> (2 * chunk + 1)) & 1) << 4)) * qa[l + 32];
            }
            isum += scales[2 * chunk] * low + scales[2 * chunk + 1] * high;
        }
        const float da = ck_load_f32(y);
        sum += ck_half_to_float(ck_load_u16(x)) * da * (float)isum;
        sum -= ck_half_to_float(ck_load_u16(x + 2)) * da * (float)k4_min_term(mins, y);
    }
    return sum;
}

static float dot_q6_K(int64_t n, const void *w, const void *a) {
    const uint8_t *x = w, *y = a;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / CK_QK_K; b++, x += CK_Q6_K_BYTES, y += CK_Q8_K_BYTES) {
        const int8_t *scales = (const int8_t *)(x + CK_Q6_K_SCALES);
        const int8_t *qa = (const int8_t *)(y + CK_Q8_K_QS);
        int32_t isum = 0;
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = x + 64 * half, *qh = x + CK_Q6_K_QH + 32 * half;
            // value 128*half + 32*part + l; its group of 16 is 8*half + 2*part + l/16
            int32_t group[8] = {0};
            for (int l = 0; l < 32; l++) {
                const int v0 = ((ql[l] & 15) | ((qh[l] & 3) << 4)) - 32;
                const int v1 = ((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int v2 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int v3 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                const int8_t *q = qa + 128 * half + l;
                group[0 + l / 16] += v0 * q[0];
                group[2 + l / 16] += v1 * q[32];
                group[4 + l / 16] += v2 * q[64];
                group[6 + l / 16] += v3 * q[96];
            }
            for (int g = 0; g < 8; g++) isum += scales[8 * half + g] * group[g];
        }
        sum += ck_half_to_float(ck_load_u16(x + CK_Q6_K_D)) * ck_load_f32(y) * (float)isum;
    }
    return sum;
}

// MARK: float formats (eight partial sums, so compilers can vectorise)

static float dot_f16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    float lanes[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int k = 0; k < 8; k++) lanes[k] += ck_half_to_float(x[i + k]) * ck_half_to_float(y[i + k]);
    }
    for (; i < n; i++) lanes[0] += ck_half_to_float(x[i]) * ck_half_to_float(y[i]);
    return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

static float dot_bf16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    float lanes[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int k = 0; k < 8; k++) lanes[k] += ck_bf16_to_float(x[i + k]) * ck_bf16_to_float(y[i + k]);
    }
    for (; i < n; i++) lanes[0] += ck_bf16_to_float(x[i]) * ck_bf16_to_float(y[i]);
    return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

static float dot_f32(int64_t n, const void *w, const void *a) {
    const float *x = w, *y = a;
    float lanes[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int k = 0; k < 8; k++) lanes[k] += x[i + k] * y[i + k];
    }
    for (; i < n; i++) lanes[0] += x[i] * y[i];
    return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

static float dot_f16_f32(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w;
    const float *y = a;
    float lanes[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int k = 0; k < 8; k++) lanes[k] += ck_half_to_float(x[i + k]) * y[i + k];
    }
    for (; i < n; i++) lanes[0] += ck_half_to_float(x[i]) * y[i];
    return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

static void axpy_f32(int64_t n, float a, const void *x, float *y) {
    const float *v = x;
    for (int64_t i = 0; i < n; i++) y[i] += a * v[i];
}

static void axpy_f16(int64_t n, float a, const void *x, float *y) {
    const uint16_t *v = x;
    for (int64_t i = 0; i < n; i++) y[i] += a * ck_half_to_float(v[i]);
}

void ck_portable_install(ck_kernel_table *table) {
    table->quantize_q8_0 = quantize_q8_0;
    table->quantize_q8_K = quantize_q8_K;
    table->convert_f16 = convert_f16;
    table->convert_bf16 = convert_bf16;
    table->dot_q4_0 = dot_q4_0;
    table->dot_q5_0 = dot_q5_0;
    table->dot_q8_0 = dot_q8_0;
    table->dot_q4_K = dot_q4_K;
    table->dot_q5_K = dot_q5_K;
    table->dot_q6_K = dot_q6_K;
    table->dot_f16 = dot_f16;
    table->dot_bf16 = dot_bf16;
    table->dot_f32 = dot_f32;
    table->dot_f16_f32 = dot_f16_f32;
    table->axpy_f32 = axpy_f32;
    table->axpy_f16 = axpy_f16;
    strcpy(table->features, "portable");
}
