#ifndef UXCHURN_CSYSTEMCALLS_H
#define UXCHURN_CSYSTEMCALLS_H

/// Swaps two paths in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`): both must exist.
/// Returns 0, or -1 with errno set (EINVAL or ENOSYS where the kernel or the file system
/// cannot exchange).
int uxchurn_exchange_paths(const char *first, const char *second);

/// The process's arguments as the C runtime handed them to the program, saved before `main`.
/// Swift's `CommandLine.arguments` reads `/proc/self/cmdline` on Linux and is empty where
/// `/proc` is not mounted (a minimal container, a chroot); these are there all the same.
int uxchurn_saved_argc(void);
char *const *uxchurn_saved_argv(void);

#include <dirent.h>

/// The name of a folder entry, NUL-terminated. (In Swift `d_name` is a 256-byte tuple, but
/// `readdir` returns records only as long as their name: reading the whole tuple overreads.)
static inline const char *uxchurn_entry_name(const struct dirent *entry) { return entry->d_name; }

#include "FuzzerDriver.h"

#endif
