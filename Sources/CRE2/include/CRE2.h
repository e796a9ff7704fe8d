#ifndef UXCHURN_CRE2_H
#define UXCHURN_CRE2_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A compiled RE2 regex: matching takes time linear in the text, whatever the pattern.
typedef struct uxchurn_regex uxchurn_regex;

/// Compiles `pattern` (UTF-8, case-sensitive). On failure returns NULL and writes RE2's reason,
/// NUL-terminated, into `error` (at most `error_size` bytes).
uxchurn_regex *uxchurn_regex_compile(const char *pattern, size_t length, char *error, size_t error_size);

/// 1 when the regex is found anywhere in `text` (unanchored search), else 0.
int uxchurn_regex_search(const uxchurn_regex *regex, const char *text, size_t length);

void uxchurn_regex_free(uxchurn_regex *regex);

#ifdef __cplusplus
}
#endif

#endif
