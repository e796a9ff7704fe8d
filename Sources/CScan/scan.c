// The scanning helpers are static inline functions of include/CScan.h; this file gives the
// target the source file a C target needs.
#include "CScan.h"
