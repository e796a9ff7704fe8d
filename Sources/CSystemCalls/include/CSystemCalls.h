#ifndef UXCHURN_CSYSTEMCALLS_H
#define UXCHURN_CSYSTEMCALLS_H

/// Swaps two paths in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`): both must exist.
/// Returns 0, or -1 with errno set (EINVAL or ENOSYS where the kernel or the file system
/// cannot exchange).
int uxchurn_exchange_paths(const char *first, const char *second);

#endif
