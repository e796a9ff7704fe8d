#include "CRE2.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

struct uxchurn_regex {
    re2::RE2 compiled;
    uxchurn_regex(const re2::StringPiece &pattern, const re2::RE2::Options &options) : compiled(pattern, options) {}
};

extern "C" uxchurn_regex *uxchurn_regex_compile(const char *pattern, size_t length, char *error, size_t error_size) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(true);
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    uxchurn_regex *regex = nullptr;
    try {  // no C++ exception may cross into Swift
        regex = new uxchurn_regex(re2::StringPiece(pattern, length), options);
    } catch (...) {
        if (error_size > 0) std::snprintf(error, error_size, "out of memory");
        return nullptr;
    }
    if (!regex->compiled.ok()) {
        if (error_size > 0) std::snprintf(error, error_size, "%s", regex->compiled.error().c_str());
        delete regex;
        return nullptr;
    }
    return regex;
}

extern "C" int uxchurn_regex_search(const uxchurn_regex *regex, const char *text, size_t length) {
    try {
        return re2::RE2::PartialMatch(re2::StringPiece(text, length), regex->compiled) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

extern "C" void uxchurn_regex_free(uxchurn_regex *regex) {
    delete regex;
}

struct uxchurn_regex_set {
    re2::RE2::Set set;
    explicit uxchurn_regex_set(const re2::RE2::Options &options) : set(options, re2::RE2::UNANCHORED) {}
};

extern "C" uxchurn_regex_set *uxchurn_regex_set_new(void) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(true);
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    options.set_max_mem(64 << 20);
    try {
        return new uxchurn_regex_set(options);
    } catch (...) {
        return nullptr;
    }
}

extern "C" int uxchurn_regex_set_add(uxchurn_regex_set *set, const char *pattern, size_t length) {
    try {
        return set->set.Add(re2::StringPiece(pattern, length), nullptr);
    } catch (...) {
        return -1;
    }
}

extern "C" int uxchurn_regex_set_compile(uxchurn_regex_set *set) {
    try {
        return set->set.Compile() ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

extern "C" int uxchurn_regex_set_first(const uxchurn_regex_set *set, const char *text, size_t length) {
    try {
        std::vector<int> found;
        if (!set->set.Match(re2::StringPiece(text, length), &found) || found.empty()) return -1;
        int first = found[0];
        for (int index : found) first = index < first ? index : first;
        return first;
    } catch (...) {
        return -1;
    }
}

extern "C" void uxchurn_regex_set_free(uxchurn_regex_set *set) {
    delete set;
}
