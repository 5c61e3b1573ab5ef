// Attention of query vectors over the KV cache (Gemma 2 report §2: scaled scores, soft-cap,
// softmax, weighted values), with the softmax streamed over blocks of keys (the "online
// softmax" of Milakov & Gimelshein 2018, as flash attention uses it): a running maximum and
// sum per query, so no buffer grows with the number of keys. The vector steps (dot
// products, scaled adds) come from the kernel table of the CPU at hand.
#include "ckernels.h"
#include "ck_internal.h"
#include <math.h>

enum {
    KEYS_PER_BLOCK = 32,   // 32 keys of 256 f32 values: 32 KiB, in the level-1/2 cache for every query
    QUERIES_PER_PASS = 8,  // queries sharing a pass over a block (a GQA group is 1-16)
};

/// The dot product and scaled add for cache rows of `kv_type`, or 0 for another type.
static int kv_kernels(uint32_t kv_type, ck_dot_fn *dot, ck_axpy_fn *axpy) {
    const ck_kernel_table *table = ck_active_kernels();
    switch (kv_type) {
    case CK_TYPE_F32: *dot = table->dot_f32; *axpy = table->axpy_f32; return 1;
    case CK_TYPE_F16: *dot = table->dot_f16_f32; *axpy = table->axpy_f16; return 1;
    default: return 0;
    }
}

/// Up to QUERIES_PER_PASS queries over all keys, block by block.
static void attend_pass(ck_dot_fn dot, ck_axpy_fn axpy, int64_t head_dim, int64_t value_dim,
                        const float *query, int64_t queries, int64_t query_stride,
                        const uint8_t *keys, size_t key_stride, const uint8_t *values, size_t value_stride,
                        int64_t count, float soft_cap, float *out, int64_t out_stride) {
    float maximum[QUERIES_PER_PASS];
    double sum[QUERIES_PER_PASS];
    for (int64_t q = 0; q < queries; q++) {
        maximum[q] = -INFINITY;
        sum[q] = 0;
        float *o = out + q * out_stride;
        for (int64_t i = 0; i < value_dim; i++) o[i] = 0;
    }
    const float inverse_cap = soft_cap > 0 ? 1.0f / soft_cap : 0;
    float scores[KEYS_PER_BLOCK];
    for (int64_t first = 0; first < count; first += KEYS_PER_BLOCK) {
        const int64_t block = count - first < KEYS_PER_BLOCK ? count - first : KEYS_PER_BLOCK;
        for (int64_t q = 0; q < queries; q++) {
            const float *x = query + q * query_stride;
            float *o = out + q * out_stride;
            // Scores of this block, soft-capped, and their maximum.
            float block_max = -INFINITY;
            for (int64_t j = 0; j < block; j++) {
                float s = dot(head_dim, keys + (size_t)(first + j) * key_stride, x);
                if (soft_cap > 0) s = soft_cap * tanhf(s * inverse_cap);
                scores[j] = s;
                if (s > block_max) block_max = s;
            }
            // A new maximum rescales what has been summed so far.
            if (block_max > maximum[q]) {
                if (maximum[q] > -INFINITY) {
                    const float factor = expf(maximum[q] - block_max);
                    sum[q] *= factor;
                    for (int64_t i = 0; i < value_dim; i++) o[i] *= factor;
                }
                maximum[q] = block_max;
            }
            if (maximum[q] == -INFINITY) continue;   // nothing seen yet but -inf scores
            for (int64_t j = 0; j < block; j++) {
                const float p = expf(scores[j] - maximum[q]);
                sum[q] += p;
                axpy(value_dim, p, values + (size_t)(first + j) * value_stride, o);
            }
        }
    }
    for (int64_t q = 0; q < queries; q++) {
        if (sum[q] == 0) continue;
        const float inverse = (float)(1 / sum[q]);
        float *o = out + q * out_stride;
        for (int64_t i = 0; i < value_dim; i++) o[i] *= inverse;
    }
}

int ck_attention(uint32_t kv_type, int64_t head_dim, int64_t value_dim,
                 const float *query, int64_t queries, int64_t query_stride,
                 const void *keys, size_t key_stride, const void *values, size_t value_stride,
                 int64_t count, float soft_cap, float *out, int64_t out_stride) {
    ck_dot_fn dot;
    ck_axpy_fn axpy;
    if (!kv_kernels(kv_type, &dot, &axpy) || head_dim <= 0 || value_dim <= 0 || count < 0) return -1;
    for (int64_t q = 0; q < queries; q += QUERIES_PER_PASS) {
        const int64_t pass = queries - q < QUERIES_PER_PASS ? queries - q : QUERIES_PER_PASS;
        attend_pass(dot, axpy, head_dim, value_dim, query + q * query_stride, pass, query_stride,
                    keys, key_stride, values, value_stride, count, soft_cap, out + q * out_stride, out_stride);
    }
    return 0;
}

int ck_attention_scores(uint32_t kv_type, int64_t head_dim, const float *query,
                        const void *keys, size_t key_stride, int64_t count, float *out) {
    ck_dot_fn dot;
    ck_axpy_fn axpy;
    if (!kv_kernels(kv_type, &dot, &axpy) || head_dim <= 0) return -1;
    for (int64_t j = 0; j < count; j++) out[j] = dot(head_dim, (const uint8_t *)keys + (size_t)j * key_stride, query);
    return 0;
}

int ck_weighted_values(uint32_t kv_type, int64_t value_dim, const float *weights,
                       const void *values, size_t value_stride, int64_t count, float *out) {
    ck_dot_fn dot;
    ck_axpy_fn axpy;
    if (!kv_kernels(kv_type, &dot, &axpy) || value_dim <= 0) return -1;
    for (int64_t j = 0; j < count; j++) {
        if (weights[j] != 0) axpy(value_dim, weights[j], (const uint8_t *)values + (size_t)j * value_stride, out);
    }
    return 0;
}
