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

/// Many regexes searched in one pass over the text (RE2::Set, unanchored, case-sensitive).
typedef struct uxchurn_regex_set uxchurn_regex_set;

/// An empty set; NULL when out of memory.
uxchurn_regex_set *uxchurn_regex_set_new(void);

/// Adds a pattern and returns its index in the set, or -1 when it does not compile.
int uxchurn_regex_set_add(uxchurn_regex_set *set, const char *pattern, size_t length);

/// Compiles the set after the last add: 1 when it can be used, else 0.
int uxchurn_regex_set_compile(uxchurn_regex_set *set);

/// The lowest index of the patterns found in `text`, or -1 when none is.
int uxchurn_regex_set_first(const uxchurn_regex_set *set, const char *text, size_t length);

void uxchurn_regex_set_free(uxchurn_regex_set *set);

#ifdef __cplusplus
}
#endif

#endif
