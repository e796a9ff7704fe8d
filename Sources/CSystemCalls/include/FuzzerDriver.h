#ifndef UXCHURN_FUZZER_DRIVER_H
#define UXCHURN_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links): runs `callback` on generated
/// inputs as libFuzzer's own `main` would. Referenced only by the fuzz targets built with it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
