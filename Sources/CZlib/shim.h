#ifndef UXCHURN_CZLIB_SHIM_H
#define UXCHURN_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro in zlib.h, which Swift cannot call; this wraps it.
static inline int uxc_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
/// `deflateInit2` is a macro too; this writes gzip members (window bits 15 + 16).
static inline int uxc_deflateInit2(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
