// Shared internals of CKernels: block sizes and offsets (ggml-common.h), unaligned loads,
// portable fp16/bf16 conversion, K-quant scale unpacking, and the table of kernels that
// dispatch.c fills for the CPU at hand.
#pragma once
#include "ckernels.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// MARK: block layouts (ggml-common.h). Offsets are in bytes from the start of a block.

enum {
    CK_QK = 32,             // values per Q4_0 / Q5_0 / Q8_0 block
    CK_QK_K = 256,          // values per K-quant super-block
    CK_Q4_0_BYTES = 18,     // d (fp16), qs[16]: value j is qs[j] & 15, value j+16 is qs[j] >> 4
    CK_Q5_0_BYTES = 22,     // d, qh[4] (bit j = 5th bit of value j), qs[16] as Q4_0
    CK_Q8_0_BYTES = 34,     // d, qs[32] (int8)
    CK_Q4_K_BYTES = 144,    // d, dmin (fp16), scales[12] (6-bit scales and mins), qs[128]
    CK_Q5_K_BYTES = 176,    // d, dmin, scales[12], qh[32], qs[128]
    CK_Q6_K_BYTES = 210,    // ql[128], qh[64], scales[16] (int8), d (fp16)
    CK_Q8_K_BYTES = 292,    // d (f32), qs[256] (int8), bsums[16] (int16)
    CK_Q5_K_QH = 16, CK_Q5_K_QS = 48,
    CK_Q6_K_QH = 128, CK_Q6_K_SCALES = 192, CK_Q6_K_D = 208,
    CK_Q8_K_QS = 4, CK_Q8_K_BSUMS = 260,
};

// ggml type ids (GGMLType raw values)
enum {
    CK_TYPE_F32 = 0, CK_TYPE_F16 = 1, CK_TYPE_Q4_0 = 2, CK_TYPE_Q5_0 = 6, CK_TYPE_Q8_0 = 8,
    CK_TYPE_Q4_K = 12, CK_TYPE_Q5_K = 13, CK_TYPE_Q6_K = 14, CK_TYPE_Q8_K = 15,
    CK_TYPE_BF16 = 30,
};

// MARK: loads that need no alignment (compilers turn them into plain moves)

static inline uint16_t ck_load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ck_load_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline int16_t ck_load_i16(const uint8_t *p) { int16_t v; memcpy(&v, p, 2); return v; }
static inline float ck_load_f32(const uint8_t *p) { float v; memcpy(&v, p, 4); return v; }
static inline uint32_t ck_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float ck_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

// MARK: fp16 and bf16 without special instructions

/// IEEE binary16 -> binary32 (exact for every value, subnormals and NaN included).
static inline float ck_half_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    if (exponent == 0x1f) return ck_bits_f32(sign | 0x7f800000u | (mantissa << 13));
    if (exponent != 0) return ck_bits_f32(sign | ((exponent + 112) << 23) | (mantissa << 13));
    // zero or subnormal: mantissa * 2^-24, exact in binary32
    const float magnitude = (float)mantissa * 0x1p-24f;
    return sign ? -magnitude : magnitude;
}

/// binary32 -> binary16, round to nearest even; overflow -> infinity; every NaN -> the quiet
/// NaN 0x7E00 with its sign (as ggml's GGML_FP32_TO_FP16 without F16C).
static inline uint16_t ck_float_to_half(float f) {
    const uint32_t bits = ck_f32_bits(f);
    const uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return sign | 0x7e00u;
    if (magnitude >= 0x477ff000u) return sign | 0x7c00u;       // >= 65520 rounds to infinity
    if (magnitude >= 0x38800000u) {                            // normal half (>= 2^-14)
        const uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u);
        return sign | (uint16_t)((rounded >> 13) - (112u << 10));
    }
    const uint32_t exponent = magnitude >> 23;                 // subnormal half or zero
    if (exponent < 102) return sign;                           // below 2^-25: rounds to 0
    const uint32_t significand = (magnitude & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - exponent;                     // 14 ... 24
    uint32_t result = significand >> shift;
    const uint32_t rest = significand & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (result & 1u))) result += 1;
    return sign | (uint16_t)result;
}

static inline float ck_bf16_to_float(uint16_t h) { return ck_bits_f32((uint32_t)h << 16); }

/// binary32 -> bfloat16 exactly as GGML_FP32_TO_BF16 (round to nearest even, quiet NaN).
static inline uint16_t ck_float_to_bf16(float f) {
    const uint32_t bits = ck_f32_bits(f);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 64u);
    return (uint16_t)((bits + (0x7fffu + ((bits >> 16) & 1u))) >> 16);
}

// MARK: K-quant scales

/// Unpacks the 12 bytes of 6-bit scales and mins of a Q4_K / Q5_K super-block into
/// scales[0..8) and mins[0..8) (ggml's get_scale_min_k4 for j = 0 ..< 8).
static inline void ck_unpack_k4_scales(const uint8_t *packed, uint8_t scales[8], uint8_t mins[8]) {
    for (int j = 0; j < 4; j++) {
        scales[j] = packed[j] & 63;
        mins[j] = packed[j + 4] & 63;
        scales[j + 4] = (uint8_t)((packed[j + 8] & 15) | ((packed[j] >> 6) << 4));
        mins[j + 4] = (uint8_t)((packed[j + 8] >> 4) | ((packed[j + 4] >> 6) << 4));
    }
}

// MARK: the kernel table

typedef float (*ck_dot_fn)(int64_t n, const void *w, const void *a);
typedef void (*ck_row_fn)(const float *x, void *out, int64_t n);
typedef void (*ck_q8_0_fn)(const float *x, void *out, int64_t n, int variant);
/// out[r] = dot(row r, a) for r in [0, rows), rows `row_bytes` apart.
typedef void (*ck_rows_fn)(int64_t n, const void *w, size_t row_bytes, int64_t rows, const void *a, float *out);
/// out[c * out_stride + r] = dot(row r, activation c) for r in [0, rows), c in [0, m).
typedef void (*ck_matmul_fn)(int64_t n, const void *w, size_t row_bytes, int64_t rows, const void *a, size_t a_bytes,
                             int64_t m, float *out, int64_t out_stride);
/// y[i] += a * x[i] for i in [0, n), x in the entry's storage type (f32 or f16).
typedef void (*ck_axpy_fn)(int64_t n, float a, const void *x, float *y);

typedef struct {
    ck_q8_0_fn quantize_q8_0;
    ck_row_fn quantize_q8_K, convert_f16, convert_bf16;
    ck_dot_fn dot_q4_0, dot_q5_0, dot_q8_0, dot_q4_K, dot_q5_K, dot_q6_K;
    ck_dot_fn dot_f16, dot_bf16, dot_f32;
    // attention over the KV cache: f16 or f32 cache rows with f32 queries and outputs
    ck_dot_fn dot_f16_f32;             // w: fp16 row, a: f32 row
    ck_axpy_fn axpy_f32, axpy_f16;
    // optional many-row kernels (NULL: ck_matvec calls the dot product row by row); each
    // must give exactly the results of its dot product
    ck_rows_fn rows_q4_0, rows_q5_0, rows_q8_0;
    // optional matrix-product kernels (NULL: ck_matmul calls the row kernels per activation);
    // each must give exactly the results of its dot product
    ck_matmul_fn matmul_q4_0, matmul_q5_0, matmul_q8_0, matmul_q4_K, matmul_q6_K;
    char features[64];   // what ck_cpu_features reports
} ck_kernel_table;

/// Weight rows per block of a matrix product: about 128 KiB of weights, so that a block stays
/// in the level-2 cache while every activation row passes over it; a multiple of `multiple`
/// (the tile height), and at least one tile.
static inline int64_t ck_block_rows(size_t row_bytes, int64_t multiple) {
    const int64_t rows = (int64_t)((128 * 1024) / (row_bytes ? row_bytes : 1)) / multiple * multiple;
    return rows < multiple ? multiple : rows;
}

/// fn(C, ...) with C = `columns` (1 ... 4) as a compile-time constant, so that an always-inline
/// tile `fn`, whose first parameter is its count of activation rows, is compiled once per count.
#define CK_WITH_COLUMNS(columns, fn, ...)  \
    switch (columns) {                     \
    case 4: fn(4, __VA_ARGS__); break;     \
    case 3: fn(3, __VA_ARGS__); break;     \
    case 2: fn(2, __VA_ARGS__); break;     \
    default: fn(1, __VA_ARGS__); break;    \
    }

/// A tile kernel of a matrix product: out[c * out_stride + r] = dot(weight row r, activation
/// row c) for r < `rows` (1 or the kernel's tile height) and c < `columns` (1 ... 4).
typedef void (*ck_tile_fn)(int rows, int64_t columns, int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *a,
                           size_t a_bytes, float *out, int64_t out_stride);

/// The blocking shared by the SIMD matrix products: weight rows in blocks of about 128 KiB,
/// which stay in the level-2 cache while groups of 4 activation rows pass over them in tiles
/// of `tile_rows` x 4 (single rows for what is left of a block). Inlined with an inlined
/// `tile`, so that the tile code is compiled into the loop as if written there (a call per
/// tile looked ~15% slower for Q6_K prompts, in noisy runs).
static inline __attribute__((always_inline)) void ck_blocked_product(ck_tile_fn tile, int tile_rows, int64_t n, const uint8_t *w, size_t row_bytes,
                                      int64_t rows, const uint8_t *a, size_t a_bytes, int64_t m, float *out,
                                      int64_t out_stride) {
    const int64_t block_rows = ck_block_rows(row_bytes, tile_rows);
    for (int64_t r0 = 0; r0 < rows; r0 += block_rows) {
        const int64_t r1 = r0 + block_rows < rows ? r0 + block_rows : rows;
        for (int64_t c0 = 0; c0 < m; c0 += 4) {
            const int64_t columns = m - c0 < 4 ? m - c0 : 4;
            const uint8_t *activations = a + (size_t)c0 * a_bytes;
            int64_t r = r0;
            for (; r + tile_rows <= r1; r += tile_rows) {
                tile(tile_rows, columns, n, w + (size_t)r * row_bytes, row_bytes, activations, a_bytes, out + c0 * out_stride + r,
                     out_stride);
            }
            for (; r < r1; r++) {
                tile(1, columns, n, w + (size_t)r * row_bytes, row_bytes, activations, a_bytes, out + c0 * out_stride + r,
                     out_stride);
            }
        }
    }
}

/// One Q8_0 block of 32 values / one Q8_K block of 256, in portable C (portable.c); the SIMD
/// quantizers hand blocks with non-finite products to these.
void ck_quantize_q8_0_block(const float *x, uint8_t *block, int variant);
void ck_quantize_q8_K_block(const float *x, uint8_t *block);

/// The kernels chosen for this CPU (dispatch.c), for the other files of CKernels.
const ck_kernel_table *ck_active_kernels(void);

/// Fills every entry with the portable C kernels (portable.c).
void ck_portable_install(ck_kernel_table *table);
#if defined(__x86_64__) || defined(_M_X64)
/// Replaces entries with AVX2+FMA+F16C kernels (x86_avx2.c, x86_int8.c); call only when the
/// CPU has them.
void ck_avx2_install(ck_kernel_table *table);
/// Replaces the integer kernels with their AVX-VNNI ones / the integer kernels and the float
/// dot products with AVX-512 (F, BW, VL, VNNI) ones, all bit-identical to the AVX2 kernels;
/// call only after ck_avx2_install and only when the CPU has the instructions.
void ck_avx_vnni_install(ck_kernel_table *table);
void ck_avx512_install(ck_kernel_table *table);
#endif
#if defined(__aarch64__)
/// Replaces entries with NEON dot-product kernels (arm_neon.c); call only when the CPU has them.
void ck_neon_dotprod_install(ck_kernel_table *table);
#endif
