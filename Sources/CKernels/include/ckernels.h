// CKernels: the decoder's hot inner loops (activation quantization, dot products, matvec,
// matmul) in C with run-time CPU dispatch, with the arithmetic of ggml's CPU backend
// (ggml/src/ggml-cpu/quants.c and arch/*/quants.c; block layouts from ggml-common.h).
//
// Paths: x86-64 AVX2+FMA+F16C, with AVX-VNNI, or with AVX-512 (F, BW, VL, VNNI); ARM64
// NEON with the dot-product extension; portable C for everything (and for every function). The path is chosen once, on first use, from the CPU
// the program runs on (`__builtin_cpu_supports` on x86-64, `getauxval(AT_HWCAP)` on Linux
// ARM64), so one binary is safe on every CPU of its architecture.
//
// Data formats (all little-endian, byte-aligned; no alignment is required of any pointer):
//   Q8_0 (type 8):  32 values per 34-byte block: fp16 scale d, 32 x int8.
//   Q8_K (type 15): 256 values per 292-byte block: f32 scale d, 256 x int8, 16 x int16 sums
//                   of each group of 16 values (bsums).
//   F16 (1) / BF16 (30): one uint16 per value. F32 (0): one float per value.
//   Weights: Q4_0 (2), Q5_0 (6), Q8_0 (8), Q4_K (12), Q5_K (13), Q6_K (14), F16, BF16, F32.
//
// Semantics: a dot product equals ggml's ggml_vec_dot_<w>_<a>: the integer part of each
// block is exact; the float sums may be accumulated in another order (SIMD lanes, FMA), so
// results agree with ggml's scalar code to a few ulps of the sum of |block contributions|.
// `n` must be a whole number of blocks of the weight type. Dot products expect finite data;
// the row preparations treat NaN, infinity and subnormal blocks alike on every path.
// Every function is thread-safe and reentrant (ck_force_portable excepted).
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: activation rows

/// Rounds `n` floats (n % 32 == 0) to Q8_0 blocks, bit-exact with ggml's
/// quantize_row_q8_0_ref: per block d = max|x| / 127 (stored as fp16, round to nearest
/// even), q = roundf(x * (1/d)) (halves away from zero; q = 0 when the block is all zero).
/// `out` receives n / 32 * 34 bytes.
void ck_quantize_row_q8_0(const float *x, void *out, int64_t n);

/// ggml's Q8_0 activation quantizers. They differ only in rounding (a value on k + 0.5, or
/// within an ulp of it, can come out differently), so llama.cpp's results depend slightly on
/// the machine it runs on:
///   CK_Q8_0_REFERENCE: quantize_row_q8_0_ref, q = roundf(x * (1/d)) (ck_quantize_row_q8_0);
///   CK_Q8_0_X86: the AVX/AVX2/AVX-512 code of x86 builds, q = round-half-even(x * (127/amax));
///   CK_Q8_0_ARM: the NEON code of ARM builds, q = round-half-even(x * (1/d)).
/// All three store d = amax / 127 as fp16.
enum { CK_Q8_0_REFERENCE = 0, CK_Q8_0_X86 = 1, CK_Q8_0_ARM = 2 };

/// ck_quantize_row_q8_0 with the rounding of the given ggml variant (any other value: the
/// reference), bit-exact with that ggml code for finite input.
void ck_quantize_row_q8_0_variant(const float *x, void *out, int64_t n, int variant);

/// Rounds `n` floats (n % 256 == 0) to Q8_K blocks, bit-exact with ggml's
/// quantize_row_q8_K_ref: per block, max = the first value of largest magnitude,
/// iscale = -127 / max, q = min(127, round-half-even(iscale * x)), d = 1 / iscale, and
/// bsums. An all-zero block gets d = 0, q = 0 and bsums = 0 (ggml leaves bsums unset).
/// `out` receives n / 256 * 292 bytes.
void ck_quantize_row_q8_K(const float *x, void *out, int64_t n);

/// Converts floats to IEEE fp16 as GGML_FP32_TO_FP16: round to nearest even, overflow gives
/// infinity, every NaN becomes 0x7E00 with its sign.
void ck_convert_row_f16(const float *x, uint16_t *out, int64_t n);

/// Converts floats to bfloat16 as GGML_FP32_TO_BF16: round to nearest even; NaN stays a
/// quiet NaN.
void ck_convert_row_bf16(const float *x, uint16_t *out, int64_t n);

// MARK: dot products of one weight row with one prepared activation row

/// Q4_0 weights x Q8_0 activations: per block d_w * d_a * sum((q_w - 8) * q_a).
float ck_dot_q4_0_q8_0(int64_t n, const void *w, const void *a);
/// Q5_0 weights x Q8_0 activations: per block d_w * d_a * sum((q_w - 16) * q_a).
float ck_dot_q5_0_q8_0(int64_t n, const void *w, const void *a);
/// Q8_0 weights x Q8_0 activations: per block d_w * d_a * sum(q_w * q_a).
float ck_dot_q8_0_q8_0(int64_t n, const void *w, const void *a);
/// Q4_K weights x Q8_K activations: per super-block
/// d_w d_a sum(scale_j * sum(q_w q_a)) - dmin_w d_a sum(min_j * bsums), 6-bit scales/mins.
float ck_dot_q4_K_q8_K(int64_t n, const void *w, const void *a);
/// Q5_K weights x Q8_K activations (as Q4_K, with 5-bit quants).
float ck_dot_q5_K_q8_K(int64_t n, const void *w, const void *a);
/// Q6_K weights x Q8_K activations: d_w d_a sum(scale_g * sum((q_w - 32) q_a)), int8 scales.
float ck_dot_q6_K_q8_K(int64_t n, const void *w, const void *a);
/// fp16 x fp16, products summed in f32.
float ck_dot_f16_f16(int64_t n, const uint16_t *w, const uint16_t *a);
/// bf16 x bf16, products summed in f32.
float ck_dot_bf16_bf16(int64_t n, const uint16_t *w, const uint16_t *a);
/// f32 x f32, summed in f32.
float ck_dot_f32_f32(int64_t n, const float *w, const float *a);

// MARK: matrix products

/// Matrix x vector over rows [row0, row1) of a row-major weight matrix of ggml type `type`
/// (GGMLType raw value) whose rows hold `n` values and start `row_bytes` apart:
/// out[r - row0] = dot(row r, a), with `a` prepared as ck_activation_type(type) says.
/// Returns 0, or -1 for an unsupported type or an `n` that is not a whole number of blocks.
int ck_matvec(uint32_t type, int64_t n, const void *w, size_t row_bytes,
              int64_t row0, int64_t row1, const void *a, float *out);

/// Matrix x matrix for prompts: `m` activation rows, prepared as for ck_matvec and
/// `a_bytes` apart; out[j * out_stride + (r - row0)] = dot(row r, activation j) for r in
/// [row0, row1) and j in [0, m). Weight rows are taken in blocks that stay in cache while
/// every activation row passes over them, so each weight row is read from memory once.
/// Returns 0, or -1 as ck_matvec.
int ck_matmul(uint32_t type, int64_t n, const void *w, size_t row_bytes,
              int64_t row0, int64_t row1, const void *a, size_t a_bytes, int64_t m,
              float *out, int64_t out_stride);

// MARK: attention over a KV cache (attention.c)

/// Attention of `queries` query vectors (f32, already scaled, `query_stride` floats apart;
/// typically the query heads of one KV head at one position) over `count` cached positions
/// whose keys and values are stored as `kv_type` (0 = F32, 1 = F16) in rows `key_stride` /
/// `value_stride` bytes apart. Per query: s_j = q . k_j, then cap * tanh(s_j / cap) when
/// soft_cap > 0, p = softmax(s), out = sum_j p_j v_j (`value_dim` floats, rows `out_stride`
/// apart). The softmax is streamed over blocks of keys with a running maximum and sum, so
/// memory does not grow with `count`; results equal the two-pass softmax up to rounding.
/// Returns 0, or -1 for an unsupported kv_type or a non-positive dimension.
int ck_attention(uint32_t kv_type, int64_t head_dim, int64_t value_dim,
                 const float *query, int64_t queries, int64_t query_stride,
                 const void *keys, size_t key_stride, const void *values, size_t value_stride,
                 int64_t count, float soft_cap, float *out, int64_t out_stride);

/// out[j] = q . k_j for j in [0, count) (the raw scores of one query, for callers that keep
/// whole rows). Returns 0, or -1 as ck_attention.
int ck_attention_scores(uint32_t kv_type, int64_t head_dim, const float *query,
                        const void *keys, size_t key_stride, int64_t count, float *out);

/// out += sum_j weights[j] * v_j for j in [0, count), skipping zero weights. Returns 0, or -1
/// as ck_attention.
int ck_weighted_values(uint32_t kv_type, int64_t value_dim, const float *weights,
                       const void *values, size_t value_stride, int64_t count, float *out);

// MARK: dispatch

/// The CPU features the active kernels use, e.g. "AVX2 FMA F16C", "NEON DOTPROD",
/// or "portable".
const char *ck_cpu_features(void);

/// The kernel paths of this build, by index: 0 is the portable C code ("portable"), the
/// others this architecture's SIMD paths, named as ck_cpu_features names them (x86-64:
/// "AVX2 FMA F16C"; "AVX2 FMA F16C AVX-VNNI"; "AVX2 FMA F16C AVX512F AVX512BW AVX512VL
/// AVX512VNNI"; ARM64: "NEON DOTPROD"). NULL past the last. The dispatcher chooses the last
/// path this CPU can run. The SIMD paths of one architecture give bit-identical results.
const char *ck_path_name(int index);

/// 1 when this CPU can run path `index`, else 0.
int ck_path_available(int index);

/// For tests and benchmarks: makes every function use path `index`, or the dispatched path
/// for -1. Returns 0, or -1 (and changes nothing) for a path that does not exist or that this
/// CPU cannot run. Not to be called while kernels run on other threads.
int ck_use_path(int index);

/// ck_use_path(0) for on != 0, ck_use_path(-1) for 0.
void ck_force_portable(int on);

/// The activation format a weight type needs: 8 (Q8_0) for Q4_0, Q5_0, Q8_0; 15 (Q8_K)
/// for Q4_K, Q5_K, Q6_K; 1 (F16) for F16; 30 (BF16) for BF16; 0 (F32) for F32;
/// UINT32_MAX for a type these kernels do not handle.
uint32_t ck_activation_type(uint32_t weight_type);

#ifdef __cplusplus
}
#endif
