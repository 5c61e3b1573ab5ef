// CKernels: hot inner loops in C with run-time CPU dispatch. See kernels.c.
#pragma once
#include <stddef.h>
#include <stdint.h>
