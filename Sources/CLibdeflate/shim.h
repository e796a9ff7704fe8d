#ifndef UXCHURN_CLIBDEFLATE_SHIM_H
#define UXCHURN_CLIBDEFLATE_SHIM_H
// Only libdeflate's CRC-32 is used: carry-less multiplication where the processor has it,
// three times as fast as zlib's on the output of inflate (see bench/README.md).
#include <libdeflate.h>
#endif
