// For the check and benchmark drivers of scripts/dev: bytes of a row of n values in a ggml
// type (GGMLType raw value), from the block layouts of ggml-common.h.
#pragma once
#include <stddef.h>
#include <stdint.h>

static size_t row_size(uint32_t type, int64_t n) {
    switch (type) {
    case 2: return (size_t)n / 32 * 18;    case 6: return (size_t)n / 32 * 22;    case 8: return (size_t)n / 32 * 34;
    case 12: return (size_t)n / 256 * 144; case 13: return (size_t)n / 256 * 176; case 14: return (size_t)n / 256 * 210;
    case 15: return (size_t)n / 256 * 292; case 1: case 30: return (size_t)n * 2; default: return (size_t)n * 4;
    }
}
