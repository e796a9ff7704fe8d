#ifndef UXCHURN_CISAL_SHIM_H
#define UXCHURN_CISAL_SHIM_H
// ISA-L's streaming inflate: gzip header, deflate and trailer (CRC-32, length) in one pass.
#include <isa-l/igzip_lib.h>
#endif
