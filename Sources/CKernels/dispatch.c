// Run-time CPU dispatch and the public entry points of CKernels (see include/ckernels.h):
// the kernel table is chosen once for the CPU the program runs on; matvec and matmul
// walk weight rows and call the chosen dot product.
#include "ckernels.h"
#include "ck_internal.h"
#include <pthread.h>
#include <stdatomic.h>
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif
#if defined(__aarch64__) && defined(__APPLE__)
#include <sys/sysctl.h>
#endif

// MARK: choosing the kernels

/// The kernel paths of this build: [0] the portable C code, then this architecture's SIMD
/// paths, each a table filled once; `available` says whether this CPU can run it. The
/// dispatched path is the last available one.
enum { MAX_PATHS = 4 };
static ck_kernel_table tables[MAX_PATHS];
static int path_count, path_available[MAX_PATHS], dispatched_path;
static _Atomic(const ck_kernel_table *) active_table;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

#if defined(__aarch64__)
static int cpu_has_dotprod(void) {
#if defined(__linux__)
    return (getauxval(AT_HWCAP) & (1UL << 20)) != 0;     // HWCAP_ASIMDDP
#elif defined(__APPLE__)
    int value = 0;
    size_t size = sizeof(value);
    if (sysctlbyname("hw.optional.arm.FEAT_DotProd", &value, &size, NULL, 0) != 0) return 0;
    return value != 0;
#else
    return 0;
#endif
}
#endif

#if defined(CK_SIMDE)
// scripts/dev/x86-kernel-check.sh: the AVX-512 and VNNI instructions are emulated
#define CPU_SUPPORTS(feature) 1
#else
#define CPU_SUPPORTS(feature) __builtin_cpu_supports(feature)
#endif

/// Adds a path: the portable kernels, then each install function in turn.
static void add_path(int available, void (*first)(ck_kernel_table *), void (*second)(ck_kernel_table *)) {
    ck_kernel_table *table = &tables[path_count];
    ck_portable_install(table);
    if (first) first(table);
    if (second) second(table);
    path_available[path_count] = available;
    if (available) dispatched_path = path_count;
    path_count++;
}

static void build_tables(void) {
    add_path(1, NULL, NULL);
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_cpu_init();
    const int avx2 = CPU_SUPPORTS("avx2") && CPU_SUPPORTS("fma") && CPU_SUPPORTS("f16c");
    add_path(avx2, ck_avx2_install, NULL);
    add_path(avx2 && CPU_SUPPORTS("avxvnni"), ck_avx2_install, ck_avx_vnni_install);
    add_path(avx2 && CPU_SUPPORTS("avx512f") && CPU_SUPPORTS("avx512bw") && CPU_SUPPORTS("avx512vl")
             && CPU_SUPPORTS("avx512vnni"), ck_avx2_install, ck_avx512_install);
#elif defined(__aarch64__)
    add_path(cpu_has_dotprod(), ck_neon_dotprod_install, NULL);
#endif
    atomic_store_explicit(&active_table, &tables[dispatched_path], memory_order_release);
}

static inline const ck_kernel_table *kernels(void) {
    const ck_kernel_table *table = atomic_load_explicit(&active_table, memory_order_acquire);
    if (table) return table;
    pthread_once(&tables_once, build_tables);
    return atomic_load_explicit(&active_table, memory_order_acquire);
}

const char *ck_cpu_features(void) { return kernels()->features; }

const ck_kernel_table *ck_active_kernels(void) { return kernels(); }

const char *ck_path_name(int index) {
    pthread_once(&tables_once, build_tables);
    return index >= 0 && index < path_count ? tables[index].features : NULL;
}

int ck_path_available(int index) {
    pthread_once(&tables_once, build_tables);
    return index >= 0 && index < path_count && path_available[index];
}

int ck_use_path(int index) {
    pthread_once(&tables_once, build_tables);
    if (index == -1) index = dispatched_path;
    if (!ck_path_available(index)) return -1;
    atomic_store_explicit(&active_table, &tables[index], memory_order_release);
    return 0;
}

void ck_force_portable(int on) { ck_use_path(on ? 0 : -1); }

// MARK: rows and dot products

void ck_quantize_row_q8_0(const float *x, void *out, int64_t n) { kernels()->quantize_q8_0(x, out, n, CK_Q8_0_REFERENCE); }
void ck_quantize_row_q8_0_variant(const float *x, void *out, int64_t n, int variant) {
    kernels()->quantize_q8_0(x, out, n, variant == CK_Q8_0_X86 || variant == CK_Q8_0_ARM ? variant : CK_Q8_0_REFERENCE);
}
void ck_quantize_row_q8_K(const float *x, void *out, int64_t n) { kernels()->quantize_q8_K(x, out, n); }
void ck_convert_row_f16(const float *x, uint16_t *out, int64_t n) { kernels()->convert_f16(x, out, n); }
void ck_convert_row_bf16(const float *x, uint16_t *out, int64_t n) { kernels()->convert_bf16(x, out, n); }

float ck_dot_q4_0_q8_0(int64_t n, const void *w, const void *a) { return kernels()->dot_q4_0(n, w, a); }
float ck_dot_q5_0_q8_0(int64_t n, const void *w, const void *a) { return kernels()->dot_q5_0(n, w, a); }
float ck_dot_q8_0_q8_0(int64_t n, const void *w, const void *a) { return kernels()->dot_q8_0(n, w, a); }
float ck_dot_q4_K_q8_K(int64_t n, const void *w, const void *a) { return kernels()->dot_q4_K(n, w, a); }
float ck_dot_q5_K_q8_K(int64_t n, const void *w, const void *a) { return kernels()->dot_q5_K(n, w, a); }
float ck_dot_q6_K_q8_K(int64_t n, const void *w, const void *a) { return kernels()->dot_q6_K(n, w, a); }
float ck_dot_f16_f16(int64_t n, const uint16_t *w, const uint16_t *a) { return kernels()->dot_f16(n, w, a); }
float ck_dot_bf16_bf16(int64_t n, const uint16_t *w, const uint16_t *a) { return kernels()->dot_bf16(n, w, a); }
float ck_dot_f32_f32(int64_t n, const float *w, const float *a) { return kernels()->dot_f32(n, w, a); }

uint32_t ck_activation_type(uint32_t weight_type) {
    switch (weight_type) {
    case CK_TYPE_Q4_0: case CK_TYPE_Q5_0: case CK_TYPE_Q8_0: return CK_TYPE_Q8_0;
    case CK_TYPE_Q4_K: case CK_TYPE_Q5_K: case CK_TYPE_Q6_K: return CK_TYPE_Q8_K;
    case CK_TYPE_F16: return CK_TYPE_F16;
    case CK_TYPE_BF16: return CK_TYPE_BF16;
    case CK_TYPE_F32: return CK_TYPE_F32;
    default: return UINT32_MAX;
    }
}

/// The many-row kernel for a weight type, if the active table has one.
static ck_rows_fn rows_for(uint32_t type, const ck_kernel_table *table) {
    switch (type) {
    case CK_TYPE_Q4_0: return table->rows_q4_0;
    case CK_TYPE_Q5_0: return table->rows_q5_0;
    case CK_TYPE_Q8_0: return table->rows_q8_0;
    default: return NULL;
    }
}

/// Asks for a row to be brought into the cache while other rows are computed: with a few
/// rows in flight, reads from memory run ~1.2x faster than the hardware prefetcher alone
/// makes them (measured with scripts/dev/kernel-bench.sh).
static inline void prefetch_row(const uint8_t *row, size_t row_bytes) {
    for (size_t offset = 0; offset < row_bytes; offset += 64) __builtin_prefetch(row + offset, 0, 3);
}

enum { PREFETCH_ROWS_AHEAD = 4 };

/// out[r] = dot(row r, a) for r in [0, rows): the many-row kernel, or one dot per row
/// (prefetching rows ahead when they come from memory rather than from the cache).
static void dot_rows(ck_dot_fn dot, ck_rows_fn rows_kernel, int64_t n, const uint8_t *w, size_t row_bytes,
                     int64_t rows, const void *a, float *out, int prefetch) {
    if (rows <= 0) return;
    if (rows_kernel) { rows_kernel(n, w, row_bytes, rows, a, out); return; }
    for (int64_t r = 0; r < rows; r++, w += row_bytes) {
        if (prefetch && r + PREFETCH_ROWS_AHEAD < rows) prefetch_row(w + PREFETCH_ROWS_AHEAD * row_bytes, row_bytes);
        out[r] = dot(n, w, a);
    }
}

/// The dot product for a weight type, or NULL when n is not a whole number of its blocks.
static ck_dot_fn dot_for(uint32_t type, int64_t n, const ck_kernel_table *table) {
    if (n < 0) return NULL;
    switch (type) {
    case CK_TYPE_Q4_0: return n % CK_QK ? NULL : table->dot_q4_0;
    case CK_TYPE_Q5_0: return n % CK_QK ? NULL : table->dot_q5_0;
    case CK_TYPE_Q8_0: return n % CK_QK ? NULL : table->dot_q8_0;
    case CK_TYPE_Q4_K: return n % CK_QK_K ? NULL : table->dot_q4_K;
    case CK_TYPE_Q5_K: return n % CK_QK_K ? NULL : table->dot_q5_K;
    case CK_TYPE_Q6_K: return n % CK_QK_K ? NULL : table->dot_q6_K;
    case CK_TYPE_F16: return table->dot_f16;
    case CK_TYPE_BF16: return table->dot_bf16;
    case CK_TYPE_F32: return table->dot_f32;
    default: return NULL;
    }
}

// MARK: matrix products

int ck_matvec(uint32_t type, int64_t n, const void *w, size_t row_bytes,
              int64_t row0, int64_t row1, const void *a, float *out) {
    const ck_kernel_table *table = kernels();
    const ck_dot_fn dot = dot_for(type, n, table);
    if (!dot) return -1;
    dot_rows(dot, rows_for(type, table), n, (const uint8_t *)w + (size_t)row0 * row_bytes, row_bytes, row1 - row0, a, out, 1);
    return 0;
}

/// The tiled matrix-product kernel for a weight type, if the active table has one.
static ck_matmul_fn matmul_for(uint32_t type, const ck_kernel_table *table) {
    switch (type) {
    case CK_TYPE_Q4_0: return table->matmul_q4_0;
    case CK_TYPE_Q5_0: return table->matmul_q5_0;
    case CK_TYPE_Q8_0: return table->matmul_q8_0;
    case CK_TYPE_Q4_K: return table->matmul_q4_K;
    case CK_TYPE_Q6_K: return table->matmul_q6_K;
    default: return NULL;
    }
}

int ck_matmul(uint32_t type, int64_t n, const void *w, size_t row_bytes,
              int64_t row0, int64_t row1, const void *a, size_t a_bytes, int64_t m,
              float *out, int64_t out_stride) {
    const ck_kernel_table *table = kernels();
    const ck_dot_fn dot = dot_for(type, n, table);
    if (!dot) return -1;
    const ck_matmul_fn tiled = matmul_for(type, table);
    if (tiled) {
        if (row1 > row0) tiled(n, (const uint8_t *)w + (size_t)row0 * row_bytes, row_bytes, row1 - row0, a, a_bytes, m, out, out_stride);
        return 0;
    }
    const ck_rows_fn rows_kernel = rows_for(type, table);
    const int64_t block_rows = ck_block_rows(row_bytes, 4);
    for (int64_t first = row0; first < row1; first += block_rows) {
        const int64_t count = first + block_rows < row1 ? block_rows : row1 - first;
        const uint8_t *rows = (const uint8_t *)w + (size_t)first * row_bytes;
        for (int64_t j = 0; j < m; j++) {
            dot_rows(dot, rows_kernel, n, rows, row_bytes, count, (const uint8_t *)a + (size_t)j * a_bytes,
                     out + j * out_stride + (first - row0), j == 0);
        }
    }
    return 0;
}
