// The integer kernels (Q4_0, Q5_0, Q8_0, Q4_K, Q5_K, Q6_K weights) in their AVX2 variant
// (pmaddubsw + pmaddwd); see x86_avx2.h.
#if defined(__x86_64__) || defined(_M_X64)
#define CK_X86_VNNI 0
#include "x86_q8_0_kernels.h"
#include "x86_q8_K_kernels.h"

void ck_x86_int8_install(ck_kernel_table *table) {
    install_q8_0_kernels(table);
    install_q8_K_kernels(table);
}
#endif
