#ifndef UXCHURN_CSCAN_H
#define UXCHURN_CSCAN_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>

/// A NEON compare's result (each byte all ones or zero) as 16 bits, bit i for byte i: what
/// SSE2's movemask gives in one instruction.
static inline uint32_t uxchurn_bits16(uint8x16_t marked) {
    static const uint8_t weights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    uint8x16_t bits = vandq_u8(marked, vld1q_u8(weights));
    return (uint32_t)vaddv_u8(vget_low_u8(bits)) | ((uint32_t)vaddv_u8(vget_high_u8(bits)) << 8);
}
#endif

/// The positions of `byte` among the 16 bytes at `p`, as bits (bit i: `p[i] == byte`): one
/// vector compare where the machine has one (SSE2 on x86-64, NEON on arm64). Static inline, so
/// Swift inlines it into the parser's loops. `p` needs no alignment.
static inline uint32_t uxchurn_match16(const void *p, uint8_t byte) {
#if defined(__SSE2__)
    __m128i bytes = _mm_loadu_si128((const __m128i *)p);
    return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8((char)byte)));
#elif defined(__aarch64__)
    return uxchurn_bits16(vceqq_u8(vld1q_u8((const uint8_t *)p), vdupq_n_u8(byte)));
#else
    const uint8_t *bytes = (const uint8_t *)p;
    uint32_t mask = 0;
    for (int i = 0; i < 16; i++) mask |= (uint32_t)(bytes[i] == byte) << i;
    return mask;
#endif
}

/// The positions among the 16 bytes at `p` of `a` or of `b`, as bits.
static inline uint32_t uxchurn_match16_either(const void *p, uint8_t a, uint8_t b) {
#if defined(__SSE2__)
    __m128i bytes = _mm_loadu_si128((const __m128i *)p);
    __m128i either = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8((char)a)), _mm_cmpeq_epi8(bytes, _mm_set1_epi8((char)b)));
    return (uint32_t)_mm_movemask_epi8(either);
#else
    return uxchurn_match16(p, a) | uxchurn_match16(p, b);
#endif
}

/// The positions among the 16 bytes at `p` of bytes at or below `limit` (unsigned), as bits.
static inline uint32_t uxchurn_at_most16(const void *p, uint8_t limit) {
#if defined(__SSE2__)
    __m128i bytes = _mm_loadu_si128((const __m128i *)p);
    return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8((char)limit)), bytes));
#elif defined(__aarch64__)
    return uxchurn_bits16(vcleq_u8(vld1q_u8((const uint8_t *)p), vdupq_n_u8(limit)));
#else
    const uint8_t *bytes = (const uint8_t *)p;
    uint32_t mask = 0;
    for (int i = 0; i < 16; i++) mask |= (uint32_t)(bytes[i] <= limit) << i;
    return mask;
#endif
}

/// Asks the cache to fetch the line at `p` ahead of its read, so a loop can start the misses
/// of several table slots before it reads the first (a big hash table's reads are misses).
static inline void uxchurn_prefetch(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

#endif
